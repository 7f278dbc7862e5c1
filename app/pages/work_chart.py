"""The work page's chart of task completion: each task's mean share of its maximum, a bar coloured by the task's
difficulty level (базовый / повышенный / высокий, named in the legend), with the line below which a task counts as
weakly mastered; numbers in Russian (app.pages.chart_format)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from nicegui import ui

from app.pages.chart_format import russian
from reports.analytics.tasks import WeakRule
from reports.labels import fmt_num
from sheets_schema.choices import TASK_LEVELS

LEVEL_COLORS = dict(zip(TASK_LEVELS, ("#1565c0", "#ef6c00", "#6a1b9a"), strict=True))
OTHER_LEVEL = "уровень не указан"
WEAK_PCT = WeakRule().below_pct
# the element is the deputy's text: escaped before ECharts puts it into the tooltip's HTML
TOOLTIP = ("p => p.name + ' (' + p.seriesName + '): ' + p.value.toLocaleString('ru-RU', {maximumFractionDigits: 1})"
           " + '\u00a0%<br>' + String((p.data && p.data.element) || '').replace(/[&<>\"']/g,"
           " c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '\"': '&quot;', \"'\": '&#39;'})[c])")


def task_chart_options(tasks: pd.DataFrame) -> dict[str, Any]:
    """ECharts options: one bar per task (x: «№ 3»), one series per difficulty level so the legend names the
    colours; a task's bar stands only in its level's series (null elsewhere, the series overlap in one slot)."""
    numbers = [f"№ {int(n)}" if pd.notna(n) else "—" for n in tasks["number"]]
    levels = [str(lv) if pd.notna(lv) and str(lv) in LEVEL_COLORS else OTHER_LEVEL for lv in tasks["task_level"]]
    pct = [None if pd.isna(v) else float(v) for v in tasks["pct_of_max"]]
    elements = [str(e) if pd.notna(e) else "" for e in tasks["element"]]
    present = [lv for lv in (*TASK_LEVELS, OTHER_LEVEL) if lv in levels]
    series: list[dict[str, Any]] = []
    for level in present:
        data = [{"value": round(p, 1), "element": e} if lv == level and p is not None else None
                for p, lv, e in zip(pct, levels, elements, strict=True)]
        series.append({"type": "bar", "name": level, "data": data, "barGap": "-100%", "barMaxWidth": 36,
                       "itemStyle": {"color": LEVEL_COLORS.get(level, "#757575")}})
    if series:
        series[0]["markLine"] = {"symbol": "none", "silent": True, "lineStyle": {"type": "dashed", "color": "#c62828"},
                                 "label": {"formatter": f"слабо освоено — ниже {fmt_num(WEAK_PCT, 0)} %",
                                           "position": "insideEndTop"},
                                 "data": [{"yAxis": WEAK_PCT}]}
    return russian({
        "title": {"text": "Выполнение заданий, % от максимального балла", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item", ":formatter": TOOLTIP},
        "legend": {"top": 24, "data": present},
        "grid": {"top": 64, "bottom": 40},
        "xAxis": {"type": "category", "data": numbers, "name": "Задание", "nameLocation": "middle", "nameGap": 28},
        "yAxis": {"type": "value", "min": 0, "max": 100},
        "series": series,
    }, unit="%")


def task_chart(tasks: pd.DataFrame) -> None:
    """The chart, or nothing when no task has scores."""
    if tasks.empty or tasks["pct_of_max"].isna().all():
        return
    ui.echart(task_chart_options(tasks)).classes("w-full max-w-[900px] h-80").mark("work-task-chart")
