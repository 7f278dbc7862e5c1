"""The objectivity signals page's second half: a ВПР result above its group not confirmed by a later external result
of the same cohort, peaks of the score distribution just above a mark threshold, a sharp drop of the cohort from the
4th to the 5th grade, and the share of the town's schools with signals over the last three years."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from nicegui import ui

from app.lab.dashboard import ru
from app.lab.dynamics import school_table, year_label
from app.lab.pages import lab
from app.pages.chart_format import russian
from reports.district.scores import STORED_SCORES, PeakSettings, threshold_peaks
from reports.district.signals_more import CohortSettings, cohort_drop, not_confirmed, share_by_year

TITLES = {"year_label": "Учебный год", "short_name": "Школа", "subject": "Предмет", "parallel": "Класс",
          "N": "Писали", "quality_pct": "Качество, %", "rest_quality_pct": "Остальные школы группы, %",
          "above_pp": "Выше группы, п.п.", "later": "Позже (та же параллель)",
          "later_above_pp": "Позже выше группы, п.п.", "signal": "Сигнал для проверки",
          "at": "На пороге и на 1 балл выше", "under": "На 1–2 балла ниже порога", "ratio": "Отношение",
          "rest_ratio": "Остальные школы", "N_4": "4 кл.: писали", "quality_pct_4": "4 кл.: кач., %",
          "N_5": "5 кл.: писали", "quality_pct_5": "5 кл.: кач., %", "drop_pp": "Падение, п.п.",
          "rest_drop_pp": "Остальные школы: падение, п.п.", "schools": "Школ с ВПР", "flagged": "Школ с сигналами",
          "share_pct": "Доля школ с сигналами, %", "flagged_schools": "Какие"}
PEAK_TEXT = "Пик распределения баллов сразу над порогом отметки — проверить проверку работ"
LATER_TEXT = "Высокий результат ВПР не подтверждён более поздней внешней работой — проверить объективность"
DROP_TEXT = "Резкое падение той же параллели с 4 по 5 класс — проверить объективность ВПР в 4 классе"


def settings() -> tuple[CohortSettings, PeakSettings]:
    s = lab().settings
    return (CohortSettings(min_n=s.signal_min_n, above_group_pp=s.signal_above_group_pp,
                           confirm_pp=s.signal_confirm_pp, drop_pp=s.signal_cohort_drop_pp),
            PeakSettings(min_n=s.signal_min_n, ratio=s.signal_peak_ratio))


def compute_more(cube: pd.DataFrame, sig: pd.DataFrame, groups: Mapping[str, str], names: Mapping[str, str]
                 ) -> dict[str, Any]:
    """Blocking: the score distribution through the engine, the three signals and the yearly share (`sig` — the
    objectivity rows of the page's first half, which count towards the share too)."""
    c = lab()
    cohort, peaks = settings()
    later = not_confirmed(cube, groups, cohort)
    drop = cohort_drop(cube, cohort)
    peak = threshold_peaks(c.engine.run(STORED_SCORES), peaks)
    fired = [sig[(sig["signals"] != "").to_numpy(dtype=bool)], later[later["not_confirmed"].to_numpy(dtype=bool)],
             drop[drop["sharp_drop"].to_numpy(dtype=bool)], peak[peak["peak"].to_numpy(dtype=bool)]]
    share = share_by_year(sig[["year", "school"]], fired)
    share["flagged_schools"] = [", ".join(names.get(x, x) for x in s.split(", ")) if s else ""
                                for s in share["flagged_schools"]]
    out = {"later": later, "drop": drop, "peak": peak[peak["peak"].to_numpy(dtype=bool)], "share": share,
           "judged_peaks": len(peak), "cohort": cohort, "peaks": peaks}
    for key in ("later", "drop", "peak", "share"):
        f = out[key]
        f["year_label"] = [year_label(y) for y in f["year"]] if len(f) else []
        if "school" in f:
            f["short_name"] = [names.get(str(s), str(s)) for s in f["school"]]
    out["later"]["signal"] = [LATER_TEXT if v else "" for v in out["later"]["not_confirmed"]]
    out["drop"]["signal"] = [DROP_TEXT if v else "" for v in out["drop"]["sharp_drop"]]
    out["peak"]["signal"] = PEAK_TEXT
    return out


INTEGERS = ("N", "N_4", "N_5", "at", "under", "parallel", "schools", "flagged")


def _fmt(col: str, v: Any) -> str:
    if col in INTEGERS:
        return ru(v, 0)
    if col.endswith("ratio"):
        return "∞" if v == float("inf") else ru(v, 2)
    if col.endswith("_pp") or "_pct" in col:
        return ru(v, 1, signed=col.endswith("_pp"))
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _table(df: pd.DataFrame, cols: list[str], marker: str) -> None:
    school_table(df, cols, TITLES, _fmt, marker)


def render_more(d: dict[str, Any]) -> None:
    cohort, peaks = d["cohort"], d["peaks"]
    ui.label("Доля школ города с сигналами, по годам").classes("text-h6")
    _table(d["share"], ["year_label", "schools", "flagged", "share_pct", "flagged_schools"], "signal-share")
    if len(d["share"]):
        ui.echart(russian({"tooltip": {"trigger": "axis"}, "xAxis": {"type": "category",
                                                                    "data": list(d["share"]["year_label"])},
                           "yAxis": {"type": "value", "min": 0, "max": 100},
                           "series": [{"type": "bar", "name": "Доля школ с сигналами",
                                       "data": [None if pd.isna(v) else round(float(v), 1)
                                                for v in d["share"]["share_pct"]]}]}, "%")
                  ).classes("w-full h-64").mark("signal-share-chart")
    ui.label("Высокий результат ВПР и более поздняя внешняя работа той же параллели").classes("text-h6")
    ui.label(f"ВПР выше остальных школ группы на {ru(cohort.above_group_pp)} п.п. и больше; подтверждение — ВПР, "
             f"ОГЭ или ЕГЭ той же параллели на следующий год (или ОГЭ/ЕГЭ того же года) выше группы хотя бы на "
             f"{ru(cohort.confirm_pp)} п.п. Нет более поздней работы — сигнала нет.").classes("text-caption")
    _table(d["later"], ["year_label", "short_name", "subject", "parallel", "N", "quality_pct", "rest_quality_pct",
                        "above_pp", "later", "later_above_pp", "signal"], "signal-later")
    ui.label("Та же параллель: 4 класс → 5 класс на следующий год").classes("text-h6")
    ui.label(f"Сигнал — качество упало на {ru(cohort.drop_pp)} п.п. сильнее, чем в остальных школах города.").classes(
        "text-caption")
    _table(d["drop"], ["year_label", "short_name", "subject", "N_4", "quality_pct_4", "N_5", "quality_pct_5",
                       "drop_pp", "rest_drop_pp", "signal"], "signal-drop")
    ui.label("Пики распределения баллов у порогов отметок").classes("text-h6")
    ui.label(f"Работ с баллом на пороге «3», «4», «5» или на балл выше — в {ru(peaks.ratio)} раза больше и больше, "
             f"чем на 1–2 балла ниже порога (не меньше {peaks.min_n} работ у порогов), а в остальных школах "
             f"города — нет. Проверено срезов (школа × предмет × класс): {d['judged_peaks']}.").classes("text-caption")
    if d["peak"].empty:
        ui.label("Пиков у порогов нет.").mark("no-peaks")
    else:
        _table(d["peak"], ["year_label", "short_name", "subject", "parallel", "N", "at", "under", "ratio",
                           "rest_ratio", "signal"], "signal-peaks")
