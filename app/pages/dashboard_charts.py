"""The dashboard's charts: their ECharts options built once per view (pure, from what
dashboard_panels.node_analytics found; app.analytics_cache.prepared), and the charts made from them on a request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from nicegui import ui
from nicegui.events import EChartPointClickEventArguments

from app.pages.chart_format import more_text, russian, top_categories
from app.pages.dashboard_panels import (
    BAR_COLORS,
    CHART_CLASSES,
    MARK_COLORS,
    MARKS,
    TOP_TEACHERS,
    ClassLink,
    NodeAnalytics,
    shared,
)
from reports.analytics.dashboard import BAR_COLUMNS, chart_series, rounded
from reports.analytics.dynamics import kind_rank
from reports.labels import INDICATOR_LABELS


def distribution_options(row: Mapping[str, Any], title: str) -> dict[str, Any]:
    data = [{"value": int(row[c]), "itemStyle": {"color": color}} for c, color in zip(MARKS, MARK_COLORS,
                                                                                           strict=True)]
    return russian({
        "title": {"text": f"Распределение отметок: {title}", "textStyle": {"fontSize": 14}},
        "tooltip": {},
        "xAxis": {"type": "category", "data": [INDICATOR_LABELS[c] for c in MARKS]},
        "yAxis": {"type": "value", "name": "Отметок"},
        "series": [{"type": "bar", "data": data}],
    })


def distribution_chart(options: dict[str, Any]) -> None:
    shared(ui.echart({}), options=options).classes("w-full max-w-[560px] h-64").mark("dashboard-chart")


@dataclass(frozen=True)
class ChartView:
    """A chart's prepared options and what a click on a point (`by`: its data or series index) opens."""

    options: dict[str, Any]
    targets: tuple[str, ...] = ()
    by: str = "data_index"
    height: str = ""
    more: str = ""  # a caption under the chart («ещё N»)


def _opening(view: ChartView) -> Callable[[EChartPointClickEventArguments], None] | None:
    if not view.targets:
        return None

    def opened(e: EChartPointClickEventArguments) -> None:
        i = e.data_index if view.by == "data_index" else e.series_index
        if 0 <= i < len(view.targets):
            ui.navigate.to(view.targets[i])

    return opened


def chart(view: ChartView, marker: str, classes: str) -> ui.echart:
    element = shared(ui.echart({}, on_point_click=_opening(view)), options=view.options).classes(classes)
    if view.height:
        element.style(f"height: {view.height}")
    return element.mark(marker)


def class_chart_view(rows: pd.DataFrame, title: str, class_link: ClassLink) -> ChartView | None:
    """Success, quality and СОУ per class (analytics.dashboard.by_class) as grouped bars; a click opens that class."""
    if rows.empty:
        return None
    return ChartView(russian({
        "title": {"text": f"Показатели по классам: {title}", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 24},
        "grid": {"top": 64},
        "xAxis": {"type": "category", "data": [str(x) for x in rows["label"]]},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value} %"}},
        "series": [{"type": "bar", "name": INDICATOR_LABELS[c].replace(", %", ""), "itemStyle": {"color": color},
                    "data": [rounded(v) for v in rows[c]]} for c, color in zip(BAR_COLUMNS, BAR_COLORS, strict=True)],
    }, "%"), tuple(class_link(p, str(c)) for p, c in zip(rows["parallel"], rows["class_id"], strict=True)))


def dynamics_view(table: pd.DataFrame, title: str, link_of: Callable[[Any], str] | None = None) -> ChartView | None:
    """Quality across входная → промежуточная → итоговая (reports.analytics.dashboard.kind_dynamics), a line per group
    (parallel, class or student); a click on a point opens its group when `link_of` is given. None: no such works."""
    if table.empty:
        return None
    kinds = list(dict.fromkeys(table.sort_values("kind", key=_kind_key, kind="stable")["kind"]))
    _, series = chart_series(table, "key", "kind", "quality_pct", kinds)
    names = dict(zip(table["key"], table["label"], strict=False))
    keys = list(series)
    return ChartView(russian({
        "title": {"text": f"Динамика качества знаний: {title}", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 24, "type": "scroll"},
        "grid": {"top": 64},
        "xAxis": {"type": "category", "data": kinds, "axisLabel": {"interval": 0}},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value} %"}},
        "series": [{"type": "line", "name": str(names[k]), "connectNulls": True, "data": series[k]} for k in keys],
    }, "%"), tuple(link_of(k) for k in keys) if link_of is not None else (), "series_index")


def _kind_key(kinds: pd.Series) -> pd.Series:
    return pd.Series(kind_rank(kinds), index=kinds.index)


def teachers_view(table: pd.DataFrame, title: str) -> ChartView | None:
    """Quality per teacher, a bar per class profile: does a teacher do as well in a profile class? Horizontal bars,
    a row per teacher, so 35 names stay readable; past TOP_TEACHERS only those with the most results, and «ещё N»."""
    if table.empty:
        return None
    weights: dict[Any, float] = {}
    for teacher, n in zip(table["teacher"], table["N"], strict=True):
        weights[teacher] = weights.get(teacher, 0) + (0 if pd.isna(n) else float(n))
    shown, left_out = top_categories(list(dict.fromkeys(table["teacher"])), weights, TOP_TEACHERS)
    teachers, series = chart_series(table, "profile", "teacher", "quality_pct", shown)
    return ChartView(russian({
        "title": {"text": f"Качество знаний по профилям классов: {title}", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 24, "type": "scroll"},
        "grid": {"top": 64, "left": 8, "right": 24, "containLabel": True},
        "yAxis": {"type": "category", "inverse": True, "data": [str(t) for t in teachers],
                  "axisLabel": {"interval": 0}},
        "xAxis": {"type": "value", "max": 100},
        "series": [{"type": "bar", "name": str(p), "data": v} for p, v in series.items()],
    }, "%"), height=f"{100 + len(teachers) * (12 + 14 * max(1, len(series)))}px",
        more=more_text(len(teachers), left_out) if left_out else "")


@dataclass(frozen=True)
class ChartsView:
    by_class: ChartView | None
    dynamics: ChartView | None
    teachers: ChartView | None


def charts_view(found: NodeAnalytics, title: str, class_link: ClassLink, link_of: Callable[[Any], str] | None
                ) -> ChartsView:
    return ChartsView(class_chart_view(found.by_class, title, class_link) if found.by_class is not None else None,
                      dynamics_view(found.dynamics, title, link_of),
                      teachers_view(found.teachers, title) if found.teachers is not None else None)


def charts(view: ChartsView) -> None:
    """By class (above the class level), dynamics and teachers by profile."""
    with ui.row().classes("w-full gap-4"):
        if view.by_class is not None:
            chart(view.by_class, "dashboard-by-class", CHART_CLASSES)
        if view.dynamics is None:
            ui.label("Нет результатов входных, промежуточных и итоговых работ для графика динамики."
                     ).classes("text-caption text-grey-7").mark("dashboard-dynamics-none")
        else:
            chart(view.dynamics, "dashboard-dynamics", CHART_CLASSES)
        if view.teachers is not None:
            chart(view.teachers, "dashboard-teachers-profile", "w-full max-w-[720px]")
            if view.teachers.more:
                ui.label(view.teachers.more).classes("text-caption text-grey-7").mark("dashboard-teachers-more")
