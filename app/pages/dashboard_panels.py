"""The dashboard's cards, charts and panels. Each draws what a pure function of reports.analytics.dashboard (or another
reports module) returns for facts the page has already filtered to what the person may see; links come from the
page, so every panel keeps the filters of the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from nicegui import ui
from nicegui.events import EChartPointClickEventArguments

from app.access import can_open
from app.auth import current_account
from app.pages.chart_format import more_text, russian, top_categories
from app.pages.portfolio import link_cell, results_table
from reports.analytics.dashboard import (
    BAR_COLUMNS,
    CARD_COLUMNS,
    SHARE_COLUMNS,
    Card,
    by_class,
    chart_series,
    flagged_classes,
    issue_counts,
    kind_dynamics,
    objectivity_by_class,
    rounded,
    top_at_risk,
)
from reports.analytics.dynamics import kind_rank
from reports.analytics.indicators import DISTRIBUTION
from reports.analytics.objectivity import objectivity
from reports.analytics.risk import students_at_risk
from reports.analytics.teachers import teachers_by_profile
from reports.labels import INDICATOR_LABELS, column_title, fmt_num, round_half_up

MARKS = DISTRIBUTION
MARK_COLORS = ("#2e7d32", "#1565c0", "#f9a825", "#c62828", "#4e342e")
BAR_COLORS = ("#2e7d32", "#1565c0", "#6a1b9a")
TOP_AT_RISK = 10
# titles reports.labels does not have
CHANGE_TO = "Изменение к периоду «{period}»"
WORKS_TITLE = "Работ ВПР"
CHART_CLASSES = "w-full max-w-[640px] h-80"
TOP_TEACHERS = 20  # bars of the teachers-by-profile chart; the rest are named in «ещё N»

ClassLink = Callable[[Any, str], str]  # (parallel, class id) -> drill-down URL of the class


@dataclass(frozen=True)
class NodeAnalytics:
    """Everything the charts and panels of one drill-down node draw, computed in one go off the event loop."""

    parallel_of: dict[Any, Any]  # class id -> parallel, of the node's facts
    by_class: pd.DataFrame | None  # None at the class and student levels (no by-class chart there)
    dynamics: pd.DataFrame
    teachers: pd.DataFrame | None  # None at the student level
    objectivity: Any  # reports.analytics.objectivity result
    objectivity_table: pd.DataFrame
    flagged: list[str]
    risk: pd.DataFrame
    top_risk: pd.DataFrame


def node_analytics(mine: pd.DataFrame, tmine: pd.DataFrame, frames: Mapping[str, pd.DataFrame], level: str,
                   lines_by: str) -> NodeAnalytics:
    """The node's facts (`mine`) and its teacher facts (`tmine`) -> what its charts and panels show."""
    teachers = None
    if level != "student":
        teachers = teachers_by_profile(tmine) if len(tmine) else pd.DataFrame()
        teachers = teachers[(teachers["N"] > 0).to_numpy()] if len(teachers) else teachers
    found = objectivity(mine, frames["period_marks"], frames["tasks"])
    risk = students_at_risk(mine)
    return NodeAnalytics(
        parallel_of=mine.drop_duplicates("class_id").set_index("class_id")["parallel"].to_dict(),
        by_class=by_class(mine) if level not in ("class", "student") else None,
        dynamics=kind_dynamics(mine, lines_by), teachers=teachers, objectivity=found,
        objectivity_table=objectivity_by_class(found.summary), flagged=flagged_classes(found.signals),
        risk=risk, top_risk=top_at_risk(risk, TOP_AT_RISK) if len(risk) else risk)


def digits_of(column: str) -> int:
    return 2 if column.startswith("mean_mark") else (1 if column.endswith("_pct") or "_vs_" in column else 0)


def value_text(column: str, value: Any) -> str:
    text = fmt_num(value, digits_of(column))
    return f"{text} %" if column.endswith("_pct") and text != "—" else text


def change_text(column: str, value: float) -> str:
    """+2,3 п. п. / −0,05 / ±0: the change of a card against the previous period."""
    digits = digits_of(column)
    if value != value:
        return "—"
    text = "±0" if round_half_up(value, digits) == 0 else ("+" if value > 0 else "") + fmt_num(value, digits)
    return text + (" п. п." if column.endswith("_pct") else "")


def cards(groups: Sequence[Card], link_of: Callable[[Card], str], subjects_link: Callable[[Card], str]) -> None:
    """Headline cards: one row per group (the year, the last or the chosen period); every value opens the
    parallels and classes of that period, a second link the departments."""
    with ui.column().classes("gap-2").mark("dashboard-cards"):
        for card in groups:
            slug = "year" if card.period is None else "period"
            with ui.row().classes("items-baseline gap-3"):
                ui.label(card.title).classes("text-subtitle1 text-weight-bold").mark(f"card-{slug}-title")
                if card.previous:
                    ui.label(CHANGE_TO.format(period=card.previous)).classes("text-caption text-grey-7").mark(
                        f"card-{slug}-previous")
                ui.link("по ШМО и педагогам ›", subjects_link(card)).classes("text-caption").mark(
                    f"card-{slug}-subjects")
            with ui.row().classes("gap-3"):
                for col in CARD_COLUMNS:
                    with ui.card().classes("min-w-[150px] q-pa-sm"):
                        ui.label(INDICATOR_LABELS[col].replace(", %", "")).classes("text-caption text-grey-8")
                        ui.link(value_text(col, getattr(card.summary, col)), link_of(card)).classes(
                            "text-h5 no-underline").mark(f"card-{slug}-{col}")
                        if col in card.change:
                            delta = card.change[col]
                            color = "text-grey-7" if delta != delta or delta == 0 or col == "N" else (
                                "text-positive" if delta > 0 else "text-negative")
                            ui.label(change_text(col, delta)).classes(f"text-caption {color}").mark(
                                f"card-{slug}-{col}-change")


def distribution_chart(row: Mapping[str, Any], title: str) -> None:
    data = [{"value": int(row[c]), "itemStyle": {"color": color}} for c, color in zip(MARKS, MARK_COLORS,
                                                                                           strict=True)]
    ui.echart(russian({
        "title": {"text": f"Распределение отметок: {title}", "textStyle": {"fontSize": 14}},
        "tooltip": {},
        "xAxis": {"type": "category", "data": [INDICATOR_LABELS[c] for c in MARKS]},
        "yAxis": {"type": "value", "name": "Отметок"},
        "series": [{"type": "bar", "data": data}],
    })).classes("w-full max-w-[560px] h-64").mark("dashboard-chart")


def class_chart(rows: pd.DataFrame, title: str, class_link: ClassLink) -> None:
    """Success, quality and СОУ per class (analytics.dashboard.by_class) as grouped bars; a click opens that class."""
    if rows.empty:
        return
    targets = [class_link(p, str(c)) for p, c in zip(rows["parallel"], rows["class_id"], strict=True)]

    def opened(e: EChartPointClickEventArguments) -> None:
        if 0 <= e.data_index < len(targets):
            ui.navigate.to(targets[e.data_index])

    ui.echart(russian({
        "title": {"text": f"Показатели по классам: {title}", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 24},
        "grid": {"top": 64},
        "xAxis": {"type": "category", "data": [str(x) for x in rows["label"]]},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value} %"}},
        "series": [{"type": "bar", "name": INDICATOR_LABELS[c].replace(", %", ""), "itemStyle": {"color": color},
                    "data": [rounded(v) for v in rows[c]]} for c, color in zip(BAR_COLUMNS, BAR_COLORS, strict=True)],
    }, "%"), on_point_click=opened).classes(CHART_CLASSES).mark("dashboard-by-class")


def dynamics_chart(table: pd.DataFrame, title: str, link_of: Callable[[Any], str] | None = None) -> None:
    """Quality across входная → промежуточная → итоговая (reports.analytics.dashboard.kind_dynamics), a line per group
    (parallel, class or student); a click on a point opens its group when `link_of` is given."""
    if table.empty:
        ui.label("Нет результатов входных, промежуточных и итоговых работ для графика динамики."
                 ).classes("text-caption text-grey-7").mark("dashboard-dynamics-none")
        return
    kinds = list(dict.fromkeys(table.sort_values("kind", key=_kind_key, kind="stable")["kind"]))
    _, series = chart_series(table, "key", "kind", "quality_pct", kinds)
    names = dict(zip(table["key"], table["label"], strict=False))
    keys = list(series)

    def opened(e: EChartPointClickEventArguments) -> None:
        if link_of is not None and 0 <= e.series_index < len(keys):
            ui.navigate.to(link_of(keys[e.series_index]))

    ui.echart(russian({
        "title": {"text": f"Динамика качества знаний: {title}", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 24, "type": "scroll"},
        "grid": {"top": 64},
        "xAxis": {"type": "category", "data": kinds, "axisLabel": {"interval": 0}},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value} %"}},
        "series": [{"type": "line", "name": str(names[k]), "connectNulls": True, "data": series[k]} for k in keys],
    }, "%"), on_point_click=opened).classes(CHART_CLASSES).mark("dashboard-dynamics")


def _kind_key(kinds: pd.Series) -> pd.Series:
    return pd.Series(kind_rank(kinds), index=kinds.index)


def teachers_chart(table: pd.DataFrame, title: str) -> None:
    """Quality per teacher, a bar per class profile: does a teacher do as well in a profile class? Horizontal bars,
    a row per teacher, so 35 names stay readable; past TOP_TEACHERS only those with the most results, and «ещё N»."""
    if table.empty:
        return
    weights: dict[Any, float] = {}
    for teacher, n in zip(table["teacher"], table["N"], strict=True):
        weights[teacher] = weights.get(teacher, 0) + (0 if pd.isna(n) else float(n))
    shown, left_out = top_categories(list(dict.fromkeys(table["teacher"])), weights, TOP_TEACHERS)
    teachers, series = chart_series(table, "profile", "teacher", "quality_pct", shown)
    ui.echart(russian({
        "title": {"text": f"Качество знаний по профилям классов: {title}", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 24, "type": "scroll"},
        "grid": {"top": 64, "left": 8, "right": 24, "containLabel": True},
        "yAxis": {"type": "category", "inverse": True, "data": [str(t) for t in teachers],
                  "axisLabel": {"interval": 0}},
        "xAxis": {"type": "value", "max": 100},
        "series": [{"type": "bar", "name": str(p), "data": v} for p, v in series.items()],
    }, "%")).classes("w-full max-w-[720px]").style(
        f"height: {100 + len(teachers) * (12 + 14 * max(1, len(series)))}px").mark("dashboard-teachers-profile")
    if left_out:
        ui.label(more_text(len(teachers), left_out)).classes("text-caption text-grey-7").mark(
            "dashboard-teachers-more")


def student_works(results: pd.DataFrame) -> None:
    """Every work of one student under the filters (pf.student_results): the portfolio's results table, each work
    opening its справка for the student's class (for the roles that may open a справка)."""
    results_table(results, "student-works", can_open(current_account(), "work"))


def objectivity_panel(node: NodeAnalytics, class_link: ClassLink) -> None:
    """ВПР marks against the period marks per class, and the signals to check; a flagged class opens its
    drill-down."""
    ui.label("Объективность результатов ВПР").classes("text-h6")
    with ui.column().classes("w-full gap-2").mark("objectivity-panel"):
        found, table = node.objectivity, node.objectivity_table
        if table.empty:
            ui.label("Нет результатов ВПР при выбранных фильтрах.").mark("objectivity-none")
            return
        parallel, flagged = node.parallel_of, node.flagged
        cols = ("works", "compared", *SHARE_COLUMNS)
        columns = [{"name": "class", "label": column_title("class"), "field": "class", "align": "left"}]
        columns += [{"name": c, "label": WORKS_TITLE if c == "works" else INDICATOR_LABELS[c], "field": c,
                     "align": "right"} for c in cols]
        rows = []
        for rec in table.to_dict("records"):
            cid = str(rec["class_id"])
            rows.append({"class_id": cid, "class": str(rec["class"]), "href": class_link(parallel.get(cid), cid),
                         "css": "text-weight-bold text-negative" if cid in flagged else "text-primary",
                         **{c: value_text(c, rec[c]) for c in cols}})
        grid = ui.table(columns=columns, rows=rows, row_key="class_id", pagination=0).props("dense flat").mark(
            "objectivity-classes")
        grid.add_slot("body-cell-class", link_cell("href", "props.row.css"))
        if not found.signals:
            ui.label("Признаков необъективности не найдено.").mark("objectivity-no-signals")
            return
        with ui.row().classes("items-center gap-2").mark("objectivity-flagged"):
            ui.label(f"{INDICATOR_LABELS['signals']}: классы").classes("text-weight-bold")
            names = dict(zip(table["class_id"].astype(str), table["class"].astype(str), strict=True))
            for cid in flagged:
                ui.link(names.get(cid, cid), class_link(parallel.get(cid), cid)).mark(f"objectivity-flag-{cid}")
        with ui.expansion(f"{INDICATOR_LABELS['signals']} ({len(found.signals)})").classes("w-full"):
            for signal in found.signals:
                ui.label(signal.message).classes("text-body2").mark("objectivity-signal")


def risk_panel(node: NodeAnalytics) -> None:
    """How many students are at risk and the ones to look at first, each opening the student's page."""
    ui.label("Обучающиеся группы риска").classes("text-h6")
    with ui.column().classes("w-full gap-1").mark("risk-panel"):
        risk = node.risk
        with ui.row().classes("items-baseline gap-2"):
            ui.label("Всего:")
            ui.label(str(len(risk))).classes("text-h5").mark("risk-count")
        if risk.empty:
            return
        top = node.top_risk
        if len(risk) > len(top):
            ui.label(f"Первые {len(top)}: больше всего отметок «2» и результатов намного ниже обычного уровня."
                     ).classes("text-caption text-grey-7")
        cols = ("class", "n_twos", "n_low", "own_mean_pct")
        with ui.grid(columns=len(cols) + 1).classes("gap-x-4 gap-y-1 items-center").mark("risk-top"):
            for c in ("student", *cols):
                ui.label(column_title(c)).classes("text-weight-bold text-caption")
            for rec in top.to_dict("records"):
                sid = str(rec["student_id"])
                ui.link(str(rec["student"]), f"/student/{sid}").mark(f"risk-{sid}").tooltip(str(rec["reasons"]))
                ui.label(str(rec["class"]) if pd.notna(rec["class"]) else "")
                for c in cols[1:]:
                    ui.label(value_text(c, rec[c])).classes("text-right")
        ui.label("Причины — в подсказке у фамилии и на странице обучающегося.").classes("text-caption text-grey-7")


def quality_panel(issues: Sequence[Any], may_open: bool) -> None:
    """Errors and warnings of the data-quality check, with a link to the list — only for the roles that may open
    it (a count nobody can act on is noise)."""
    if not may_open:
        return
    errors, warnings = issue_counts(issues)
    with ui.row().classes("items-center gap-3").mark("quality-panel"):
        ui.label("Качество данных:").classes("text-weight-bold")
        ui.badge(f"Ошибок: {errors}", color="negative" if errors else "positive").mark("quality-errors")
        ui.badge(f"Предупреждений: {warnings}", color="warning" if warnings else "positive").mark("quality-warnings")
        ui.link("Открыть список проблем", "/issues").mark("quality-issues-link")
