"""Staff forecasts of the town: how many attestations and course obligations fall due in each month of the next
three years, by the school's own due-date rules (reports.analytics.staff: Приказ № 196 — categories established since
01.09.2023 have no expiry, «соответствие занимаемой должности» and older categories last five years; courses at
least once in three years, 273-ФЗ ст. 47), and how wrong the same method was on past years: replayed from the
data as it stood before an academic year (the staff of the year before, the attestation and course records dated
before it) and compared with the attestations and courses the warehouse records for that year."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reports.analytics.staff import COURSE_YEARS, EXPIRING
from reports.district.staff_db import (
    Decision,
    StaffBase,
    attestations_due,
    courses_due,
    current_rows,
    match_people,
)
from reports.labels import fmt_num
from reports.spravka.document import Chart, Paragraph, TableBlock, table_or_text
from reports.spravka.narrative import plural

FORECAST_MONTHS = 36
OVERDUE = "просрочено на дату прогноза"
FORECAST_COLUMNS = ("month", "attestations", "courses")
BACKTEST_COLUMNS = ("year_label", "month", "attestations", "actual_attestations", "courses", "actual_courses")
TITLES = {"month": "Месяц", "attestations": "Аттестаций (прогноз)", "courses": "Курсов (прогноз)",
          "actual_attestations": "Аттестаций (факт)", "actual_courses": "Курсов (факт)",
          "year_label": "Проверенный учебный год"}


def _before(frame: pd.DataFrame, column: str, cut: pd.Timestamp) -> pd.DataFrame:
    dates = pd.to_datetime(frame[column], errors="coerce")
    return frame[(dates < cut).fillna(False).to_numpy(dtype=bool)]


def _month_counts(dates: pd.Series, start: pd.Timestamp, months: int) -> np.ndarray:
    """How many of `dates` fall in each of the `months` calendar months from the month of `start`."""
    first = start.to_period("M")
    d = pd.to_datetime(dates, errors="coerce").dropna()
    offsets = np.asarray([(p - first).n for p in d.dt.to_period("M")], dtype=np.int64)
    offsets = offsets[(offsets >= 0) & (offsets < months)]
    return np.bincount(offsets, minlength=months)[:months].astype(np.int64)


@dataclass(frozen=True)
class Obligations:
    """Per person due within the horizon: the date each attestation and course obligation falls due (`overdue`:
    how many were already due on the start date, or have no date to count from)."""

    attestations: pd.Series
    courses: pd.Series
    overdue_attestations: int
    overdue_courses: int


def obligations(base: StaffBase, attestations: pd.DataFrame, courses: pd.DataFrame, on: Any,
                months: int) -> Obligations:
    """The due dates from `on` for `months`, from the records finished by `on` only (later ones are not known)."""
    on = pd.Timestamp(on)
    due = attestations_due(base, _before(attestations, "date", on + pd.Timedelta(days=1)), on, months)
    coming = (due["attestation_status"] == EXPIRING).to_numpy(dtype=bool)
    horizon = on + pd.DateOffset(months=months)
    stale = courses_due(base, _before(courses, "end_date", on + pd.Timedelta(days=1)), horizon)
    course_due = pd.to_datetime(stale["last_course_end"]) + pd.DateOffset(years=COURSE_YEARS)
    late = (course_due.isna() | (course_due < on)).to_numpy(dtype=bool)
    return Obligations(due.loc[coming, "expires"].reset_index(drop=True), course_due[~late].reset_index(drop=True),
                       int((~coming).sum()), int(late.sum()))


def forecast(base: StaffBase, attestations: pd.DataFrame, courses: pd.DataFrame, on: Any,
             months: int = FORECAST_MONTHS) -> pd.DataFrame:
    """Per month (ММ.ГГГГ) from the month of `on`: attestations and course obligations falling due; first a row of
    what is already overdue (or undated) on `on`."""
    on = pd.Timestamp(on)
    ob = obligations(base, attestations, courses, on, months)
    labels = [(on.to_period("M") + i).strftime("%m.%Y") for i in range(months)]
    out = pd.DataFrame({"month": labels, "attestations": _month_counts(ob.attestations, on, months),
                        "courses": _month_counts(ob.courses, on, months)})
    late = pd.DataFrame({"month": [OVERDUE], "attestations": [ob.overdue_attestations],
                         "courses": [ob.overdue_courses]})
    return pd.concat([late, out], ignore_index=True)


@dataclass(frozen=True)
class YearCheck:
    year: int  # the academic year forecast: September `year` to August `year + 1`
    attestations: int  # forecast for the year: falling due in it and already overdue at its start
    actual_attestations: int
    courses: int
    actual_courses: int
    mae_attestations: float  # per month, of the months' counts
    mae_courses: float


@dataclass(frozen=True)
class StaffCheck:
    years: tuple[YearCheck, ...]

    def sentence(self) -> str:
        if not self.years:
            return ("Ошибку прогноза на прошлых годах оценить нельзя: в хранилище нет прошлого учебного года, для "
                    "которого есть и кадры года перед ним, и записи об аттестациях и курсах за весь год.")
        parts = []
        for y in self.years:
            parts.append(
                f"на {y.year}/{y.year + 1} учебный год по данным на 01.09.{y.year} ожидалось "
                f"{y.attestations} {plural(y.attestations, 'аттестация', 'аттестации', 'аттестаций')}, прошло "
                f"{y.actual_attestations}; "
                f"{y.courses} {plural(y.courses, 'обязательство', 'обязательства', 'обязательств')} по курсам, "
                f"пройдено курсов {y.actual_courses}; средняя ошибка за месяц — {fmt_num(y.mae_attestations)} "
                f"по аттестациям и {fmt_num(y.mae_courses)} по курсам")
        return "Проверка прогноза на прошлых годах: " + "; ".join(parts) + "."


def _person_of(base: StaffBase) -> pd.Series:
    keys = (base.rows["year"].astype(str) + "|" + base.rows["school"].astype(str) + "|"
            + base.rows["teacher_id"].astype(str))
    out = pd.Series(base.rows["person_id"].to_numpy(), index=keys.to_numpy())
    return out[~out.index.duplicated()]


def _actual(records: pd.DataFrame, column: str, people: pd.Series, start: pd.Timestamp, months: int) -> np.ndarray:
    """People with a record dated in each month of the window (a record two schools or two years both carry counts
    once; a record of a teacher the staff rows do not know counts by its school's row)."""
    if records.empty:
        return np.zeros(months, dtype=np.int64)
    keys = records["year"].astype(str) + "|" + records["school"].astype(str) + "|" + records["teacher_id"].astype(str)
    who = keys.map(people).fillna(records["school"].astype(str) + "|" + records["teacher_id"].astype(str))
    dates = pd.to_datetime(records[column], errors="coerce")
    once = pd.DataFrame({"who": who.to_numpy(), "month": dates.dt.to_period("M").to_numpy()}).dropna()
    once = once.drop_duplicates()
    return _month_counts(once["month"].map(lambda p: p.to_timestamp()), start, months)


def _as_of(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each school's rows of its latest year before `year` (the data as it stood when `year` began)."""
    old = frame[(frame["year"] < year).to_numpy(dtype=bool)]
    if old.empty:
        return old
    latest = old.groupby("school")["year"].transform("max")
    return old[(old["year"] == latest).to_numpy(dtype=bool)].reset_index(drop=True)


def backtest(rows: pd.DataFrame, attestations: pd.DataFrame, courses: pd.DataFrame, on: Any,
             decisions: Sequence[Decision] = ()) -> tuple[StaffCheck, pd.DataFrame]:
    """The forecast replayed for every past academic year that ended by `on` and has a year of staff before it:
    from the staff of the year before and the records dated before 01.09, the twelve months' counts against the
    people the warehouse records as attested or trained in each month."""
    on = pd.Timestamp(on)
    everyone = _person_of(match_people(rows, decisions)) if len(rows) else pd.Series(dtype=object)
    years = sorted({int(y) for y in rows["year"]}) if len(rows) else []
    checks, frames = [], []
    for year in years:
        start = pd.Timestamp(year=year, month=9, day=1)
        if start + pd.DateOffset(months=12) > on + pd.Timedelta(days=1):
            continue
        staff = _as_of(rows, year)
        if staff.empty:
            continue
        base = match_people(staff, decisions)
        ob = obligations(base, _as_of(attestations, year), _as_of(courses, year), start, 12)
        f_att, f_crs = _month_counts(ob.attestations, start, 12), _month_counts(ob.courses, start, 12)
        a_att = _actual(attestations, "date", everyone, start, 12)
        a_crs = _actual(courses, "end_date", everyone, start, 12)
        checks.append(YearCheck(year, int(f_att.sum()) + ob.overdue_attestations, int(a_att.sum()),
                                int(f_crs.sum()) + ob.overdue_courses, int(a_crs.sum()),
                                float(np.abs(f_att - a_att).mean()), float(np.abs(f_crs - a_crs).mean())))
        frames.append(pd.DataFrame({
            "year_label": f"{year}/{year + 1}",
            "month": [(start.to_period("M") + i).strftime("%m.%Y") for i in range(12)],
            "attestations": f_att, "actual_attestations": a_att, "courses": f_crs, "actual_courses": a_crs}))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(BACKTEST_COLUMNS))
    return StaffCheck(tuple(checks)), table


def forecast_chart(table: pd.DataFrame) -> Chart:
    """The months' counts as bars (the overdue row stays in the table)."""
    months = table[(table["month"] != OVERDUE).to_numpy(dtype=bool)]
    return Chart("bar", "Аттестации и обязательства по курсам повышения квалификации по месяцам (прогноз)",
                 tuple(months["month"]), {"Аттестации": months["attestations"].tolist(),
                                          "Курсы": months["courses"].tolist()}, y_title="человек")


@dataclass(frozen=True)
class StaffOutlook:
    """The forecast from `on` and its check on the past years, ready for a page or a справка."""

    on: pd.Timestamp
    table: pd.DataFrame
    check: StaffCheck
    cases: pd.DataFrame

    def heading(self) -> str:
        return (f"Прогноз с {self.on:%d.%m.%Y} на {FORECAST_MONTHS // 12} года: аттестации (по Приказу № 196 — "
                "соответствие занимаемой должности и категории, установленные до 01.09.2023, раз в пять лет; "
                "категории, установленные позже, бессрочны) и курсы повышения квалификации (не реже раза в три "
                "года, 273-ФЗ ст. 47) по месяцам.")

    def blocks(self) -> tuple[Any, ...]:
        return (Paragraph(self.heading()),
                TableBlock(self.table, FORECAST_COLUMNS, TITLES, sheet="Прогноз кадров"),
                forecast_chart(self.table), Paragraph(self.check.sentence()),
                *table_or_text(self.cases, BACKTEST_COLUMNS, "Прошлых лет для проверки в хранилище нет.",
                               titles=TITLES, sheet="Проверка прогноза кадров"))


def outlook(rows: pd.DataFrame, attestations: pd.DataFrame, courses: pd.DataFrame, on: Any,
            decisions: Sequence[Decision] = (), base: StaffBase | None = None) -> StaffOutlook:
    """The town's staff forecast from `on` (each school's latest year of staff, or the `base` a page has matched
    from them already) and its backtest."""
    on = pd.Timestamp(on)
    base = base if base is not None else match_people(current_rows(rows), decisions)
    table = forecast(base, attestations, courses, on)
    check, cases = backtest(rows, attestations, courses, on, decisions)
    return StaffOutlook(on, table, check, cases)
