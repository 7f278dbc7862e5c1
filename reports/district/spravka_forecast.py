"""The town's forecasts as one document: each school's expected ОГЭ/ЕГЭ marks, the contingent next year and the
staff's attestations and courses by month for three years, each with how wrong the method was on past years (the
forecast page shows it, the exporters give the files)."""

from __future__ import annotations

import pandas as pd

from reports.analytics.forecast import EXAM_KINDS
from reports.district.builders import LAB_SIGNATURE, ReportKind, ReportParams, register, year_of
from reports.district.contingent import backtest, shift
from reports.district.exam_forecast import case_errors, check_before, town_forecasts
from reports.district.spravka_school import PROFILE_TITLES
from reports.district.staff_db import decisions_of
from reports.district.staff_forecast import StaffOutlook, outlook
from reports.district.staff_sql import STAFF_ATTESTATIONS, STAFF_COURSES, STAFF_ROWS
from reports.district.town_data import TownData
from reports.spravka.document import Chart, Paragraph, Section, Spravka, table_or_text
from sheets_schema.lab import STAFF_MATCHES

EXAM_COLUMNS = ("short_name", "subject", "kind", "exam_date", "students", "p5", "p4", "p3", "p2", "quality_pct",
                "mean_mark", "actual_N", "actual_quality_pct", "actual_mean_mark")
CASE_COLUMNS = ("year_label", "short_name", "subject", "kind", "quality_pct", "actual_quality_pct", "quality_error",
                "mean_mark_error", "shares_error")
CONTINGENT_COLUMNS = ("short_name", "parallel", "from_students", "ratio", "forecast")
CONTINGENT_CASES = ("year_label", "short_name", "parallel", "forecast", "actual", "error")
TITLES = {**PROFILE_TITLES, "exam_date": "Дата экзамена", "actual_N": "Сдавали (факт)",
          "actual_mean_mark": "Средний балл по факту", "quality_pct": "Ожидаемое качество, %",
          "mean_mark": "Ожидаемый средний балл", "quality_error": "Ошибка качества, п.п.",
          "mean_mark_error": "Ошибка среднего балла", "shares_error": "Ошибка долей отметок, п.п.",
          "actual": "Фактически", "error": "Ошибка, обучающихся", "year_label": "Прогнозируемый год"}


def _named(frame: pd.DataFrame, data: TownData) -> pd.DataFrame:
    out = frame.assign(short_name=[data.name(s) for s in frame["school"]])
    if "year" in out:
        out["year_label"] = [f"{int(y)}/{int(y) + 1}" for y in out["year"]]
    return out


def staff_outlook(data: TownData, year: int) -> StaffOutlook | None:
    """The staff forecast from 01.09 of the next academic year (None when the staff tables were not read)."""
    rows = data.extra.get(STAFF_ROWS.key)
    if rows is None or rows.empty:
        return None
    return outlook(rows, data.extra.get(STAFF_ATTESTATIONS.key, pd.DataFrame()),
                   data.extra.get(STAFF_COURSES.key, pd.DataFrame()), pd.Timestamp(year=year + 1, month=9, day=1),
                   decisions_of(data.extra.get(STAFF_MATCHES.key)))


def forecast_spravka(data: TownData, params: ReportParams) -> Spravka:
    year = year_of(data, params)
    contingent = data.contingent if data.contingent is not None else pd.DataFrame(
        columns=["year", "school", "parallel", "students"])
    every = town_forecasts(data)
    now = _named(every[(every["year"] == year).to_numpy()], data).sort_values(["short_name", "kind", "subject"])
    past = _named(case_errors(every), data)
    past = past[(past["year"] < year).to_numpy()].sort_values(["year", "short_name", "subject"])
    exam_blocks: list = [*table_or_text(now.reset_index(drop=True), EXAM_COLUMNS,
                                        "В этом году у школ нет работ ОГЭ/ЕГЭ с результатами, по которым строится "
                                        "прогноз.", titles=TITLES, sheet="Прогноз ГИА")]
    conclusions: list[str] = []
    for kind in EXAM_KINDS:
        said = check_before(every, year, kind).sentence()
        exam_blocks.append(Paragraph(f"{kind}: {said}"))
        conclusions.append(f"{kind}: {said}")
    exam_blocks.append(Paragraph("Ожидаемые отметки: результат каждого обучающегося (по коду участника) в предмете "
                                 "до даты экзамена, продолженный тем способом, который лучше предсказывал его прошлые "
                                 "результаты, и переведённый в отметку по баллам экзамена.", note=True))
    if len(now):
        exam_blocks.append(Chart("bar", "Ожидаемое качество знаний на ГИА по школам, %",
                                 tuple(f"{n}: {s}" for n, s in zip(now["short_name"], now["subject"], strict=True)),
                                 {"Прогноз": now["quality_pct"].tolist(),
                                  "Факт": now["actual_quality_pct"].tolist()}, y_title="%"))
    moved = _named(shift(contingent, year), data).sort_values(["short_name", "parallel"]).reset_index(drop=True)
    check, errors = backtest(contingent, before=year + 1)
    conclusions.append(f"Контингент: {check.sentence()}")
    totals = moved.groupby("parallel", as_index=False)["forecast"].sum() if len(moved) else None
    contingent_blocks: list = [*table_or_text(moved, CONTINGENT_COLUMNS, "Данных о контингенте нет.", titles=TITLES,
                                              sheet="Прогноз контингента"), Paragraph(check.sentence())]
    if totals is not None:
        contingent_blocks.append(Chart("bar", f"Обучающихся по параллелям в {year + 1}/{year + 2} (прогноз)",
                                       tuple(str(int(p)) for p in totals["parallel"]),
                                       {"Прогноз": totals["forecast"].round(0).tolist()}, x_title="Параллель"))
    sections: tuple[Section, ...] = (
        Section("Прогноз результатов ОГЭ и ЕГЭ", tuple(exam_blocks)),
        Section("Проверка прогноза ГИА на прошлых годах", table_or_text(
            past.reset_index(drop=True), CASE_COLUMNS, "Прошлых лет с результатами ГИА в хранилище нет.",
            titles=TITLES)),
        Section(f"Контингент на {year + 1}/{year + 2} учебный год", tuple(contingent_blocks)),
        Section("Проверка прогноза контингента на прошлых годах", table_or_text(
            _named(errors, data).reset_index(drop=True) if len(errors) else errors, CONTINGENT_CASES,
            "Двух последовательных прошлых лет в хранилище нет.", titles=TITLES)),
    )
    staff = staff_outlook(data, year)
    if staff is not None:
        sections += (Section("Кадры: аттестации и курсы повышения квалификации на три года", staff.blocks()),)
        conclusions.append(f"Кадры: {staff.check.sentence()}")
    return Spravka(heading="Прогнозы: результаты ГИА, контингент и кадры общеобразовательных организаций города",
                   meta=(("Учебный год", f"{year}/{year + 1}"),),
                   purpose="Каждый прогноз указан вместе с тем, насколько метод ошибался на прошлых годах.",
                   sections=sections, conclusions=tuple(conclusions),
                   recommendations=("Учитывать ошибку прогноза при планировании: прогноз — ориентир, а не норматив.",),
                   signature=LAB_SIGNATURE)


FORECASTS = register(ReportKind("forecast", "Прогнозы результатов ГИА, контингента и кадров", forecast_spravka,
                                forecasts=True, aggregates=(STAFF_ROWS, STAFF_ATTESTATIONS, STAFF_COURSES),
                                sheets=(STAFF_MATCHES.key,)))
