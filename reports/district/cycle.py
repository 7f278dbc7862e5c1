"""The municipality's management cycle (Рособрнадзор, письмо от 20.04.2021 № 08-70) as the regional authority reads
it: for each direction, the lab's records (sheet «Управленческий цикл») of goals, indicators, monitoring, analysis,
targeted recommendations, measures and the check of their effect, each indicator read from the warehouse for the
record's year and the year before (the change is the measured effect), beside its target."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from reports.district.builders import LAB_SIGNATURE, ReportKind, ReportParams, ReportRefused, register, year_of
from reports.district.cycle_sql import CYCLE_AGGREGATES
from reports.district.signals import VPR
from reports.district.spravka_town import LAGGING_PP, summary_of
from reports.district.town import Slice, schools_table, summed
from reports.district.town_data import TownData
from reports.spravka.document import Figures, Paragraph, Section, Spravka, TableBlock
from sheets_schema.lab import CYCLE_DIRECTIONS, CYCLE_INDICATORS, MANAGEMENT_CYCLE

NAN = float("nan")


def _of_year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    return frame[(frame["year"] == year).to_numpy()] if len(frame) else frame


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) * 100.0 if den else NAN


def _vpr(data: TownData, year: int) -> pd.DataFrame:
    return Slice(year, VPR).apply(data.cube)


def vpr_quality(data: TownData, year: int) -> float:
    part = _vpr(data, year)
    return summary_of(part).quality_pct if len(part) else NAN


def vpr_success(data: TownData, year: int) -> float:
    part = _vpr(data, year)
    return summary_of(part).success_pct if len(part) else NAN


def vpr_twos(data: TownData, year: int) -> float:
    part = _vpr(data, year)
    return _ratio(part["n2"].sum(), part["N"].sum()) if len(part) else NAN


def signal_share(data: TownData, year: int) -> float:
    s = _of_year(data.signals, year)
    schools = set(s["school"])
    return _ratio(len(set(s.loc[(s["signals"] != "").to_numpy(), "school"])), len(schools)) if schools else NAN


def lagging_schools(data: TownData, year: int) -> float:
    if _vpr(data, year).empty:
        return NAN
    t = schools_table(data.cube, data.schools, Slice(year, VPR))
    return float((t["quality_pct_diff"] <= -LAGGING_PP).sum())


def growth_share(data: TownData, year: int) -> float:
    now = summed(_vpr(data, year), ["school"]).set_index("school")["quality_pct"]
    before = summed(_vpr(data, year - 1), ["school"]).set_index("school")["quality_pct"]
    both = now.index.intersection(before.index)
    return _ratio(int((now[both] > before[both]).sum()), len(both)) if len(both) else NAN


def olympiads_per_100(data: TownData, year: int) -> float:
    o, st = _of_year(data.extra.get("cycle_olympiads", pd.DataFrame()), year), \
        _of_year(data.extra.get("cycle_students", pd.DataFrame()), year)
    return _ratio(o["prized"].sum(), st["students"].sum()) if len(st) else NAN


def profile_share(data: TownData, year: int) -> float:
    st = _of_year(data.extra.get("cycle_students", pd.DataFrame()), year)
    return _ratio(st["profiled"].sum(), st["senior"].sum()) if len(st) else NAN


def category_share(data: TownData, year: int) -> float:
    t = _of_year(data.extra.get("cycle_teachers", pd.DataFrame()), year)
    return _ratio(t["categorised"].sum(), t["teachers"].sum()) if len(t) else NAN


def courses_share(data: TownData, year: int) -> float:
    """Teachers whose last course ended within three years before the end of the academic year (01.06)."""
    t = _of_year(data.extra.get("cycle_teachers", pd.DataFrame()), year)
    c = _of_year(data.extra.get("cycle_courses", pd.DataFrame()), year)
    if t.empty:
        return NAN
    since = pd.Timestamp(dt.date(year + 1 - 3, 6, 1))
    trained = int((pd.to_datetime(c["last_end"]) >= since).sum()) if len(c) else 0
    return _ratio(trained, t["teachers"].sum())


INDICATORS: dict[str, Callable[[TownData, int], float]] = dict(zip(CYCLE_INDICATORS, (
    vpr_quality, vpr_success, signal_share, vpr_twos, lagging_schools, olympiads_per_100, profile_share,
    courses_share, category_share, growth_share), strict=True))
TEXT_FIELDS = ("monitoring", "analysis", "recommendations", "measures", "effect", "documents")
SUMMARY_COLUMNS = ("direction", "indicator", "value", "previous", "change", "target", "reached")
TITLES = {"direction": "Направление", "indicator": "Показатель", "value": "Значение", "previous": "Год назад",
          "change": "Изменение", "target": "Цель", "reached": "Цель достигнута",
          **{f.key: f.header for f in MANAGEMENT_CYCLE.fields}}
FULL_COLUMNS = ("direction", "goal", "indicator", "value", "previous", "change", "target", "reached", *TEXT_FIELDS,
                "responsible", "deadline")


def readings(records: pd.DataFrame, data: TownData, year: int) -> pd.DataFrame:
    """The records of `year` with their indicator's value this year and the year before, change and whether the
    target is reached (a «≤» indicator — «2», signals, lagging schools — is reached at or below its target)."""
    mine = records[(records["academic_year"].astype(str) == f"{year}/{year + 1}").to_numpy()].copy()
    lower_better = {CYCLE_INDICATORS[2], CYCLE_INDICATORS[3], CYCLE_INDICATORS[4]}
    values: list[float] = []
    previous: list[float] = []
    reached: list[bool | None] = []
    for ind, target in zip(mine["indicator"].astype(str), mine["target"], strict=True):
        fn = INDICATORS.get(ind)
        v, p = (fn(data, year), fn(data, year - 1)) if fn else (NAN, NAN)
        values.append(v)
        previous.append(p)
        if target is None or pd.isna(target) or np.isnan(v):
            reached.append(None)
        else:
            reached.append(bool(v <= float(target)) if ind in lower_better else bool(v >= float(target)))
    mine["value"], mine["previous"] = values, previous
    mine["change"] = mine["value"] - mine["previous"]
    mine["reached"] = pd.array(reached, dtype="boolean")
    order = {d: i for i, d in enumerate(CYCLE_DIRECTIONS)}
    mine["_o"] = [order.get(str(d), len(order)) for d in mine["direction"]]
    return mine.sort_values(["_o", "id"]).drop(columns="_o").reset_index(drop=True)


def _record_blocks(r: dict) -> list:
    blocks: list = [Paragraph(f"Цели и задачи: {r['goal']}"),
                    Figures(((str(r["indicator"]), r["value"]), ("год назад", r["previous"]),
                             ("изменение", r["change"]), ("цель", r["target"]),
                             ("цель достигнута", r["reached"])))]
    for key in TEXT_FIELDS:
        text = r.get(key)
        if isinstance(text, str) and text.strip():
            blocks.append(Paragraph(f"{TITLES[key]}: {text}"))
    who = [f"{TITLES[k]}: {r[k]}" for k in ("responsible",) if isinstance(r.get(k), str) and r[k]]
    if who:
        blocks.append(Paragraph("; ".join(who), note=True))
    return blocks


def cycle_spravka(data: TownData, params: ReportParams) -> Spravka:
    year = year_of(data, params)
    records = data.extra.get(MANAGEMENT_CYCLE.key)
    if records is None:
        raise ReportRefused("Лист «Управленческий цикл» не прочитан")
    rows = readings(records, data, year)
    sections = [Section("Сводка показателей", (
        TableBlock(rows, SUMMARY_COLUMNS, TITLES) if len(rows) else
        Paragraph(f"За {year}/{year + 1} учебный год записей управленческого цикла нет."),
        TableBlock(rows, FULL_COLUMNS, TITLES, sheet="Управленческий цикл", word=False)))]
    done, missing = [], []
    for direction in CYCLE_DIRECTIONS:
        mine = rows[(rows["direction"].astype(str) == direction).to_numpy()]
        if mine.empty:
            missing.append(direction)
            continue
        blocks: list = []
        for r in mine.to_dict("records"):
            blocks += _record_blocks(r)
        sections.append(Section(direction[:1].upper() + direction[1:], tuple(blocks)))
        done.append(direction)
    conclusions = [f"Записи управленческого цикла за {year}/{year + 1}: {len(done)} из {len(CYCLE_DIRECTIONS)} "
                   "направлений."]
    reached = rows["reached"].dropna() if len(rows) else pd.Series(dtype=bool)
    if len(reached):
        conclusions.append(f"Целевые значения достигнуты по {int(reached.sum())} из {len(reached)} показателей.")
    recs = [f"Дополнить цикл по направлениям: {'; '.join(missing)}."] if missing else []
    return Spravka(heading="Муниципальная система управления качеством образования: управленческий цикл",
                   meta=(("Учебный год", f"{year}/{year + 1}"),),
                   purpose="Для регионального органа управления образованием (мониторинг по письму Рособрнадзора "
                           "от 20.04.2021 № 08-70): цели, показатели, мониторинг, анализ, адресные рекомендации, меры "
                           "и проверка их эффекта по каждому направлению.",
                   sections=tuple(sections), conclusions=tuple(conclusions),
                   recommendations=tuple(recs) or ("Продолжить цикл: проверить эффект мер на данных следующего "
                                                   "учебного года.",), signature=LAB_SIGNATURE)


CYCLE = register(ReportKind("cycle", "Управленческий цикл муниципалитета (для региона)", cycle_spravka,
                            aggregates=tuple(CYCLE_AGGREGATES.values()), sheets=(MANAGEMENT_CYCLE.key,)))
