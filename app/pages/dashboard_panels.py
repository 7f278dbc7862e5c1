"""The dashboard's cards, charts and panels. Each draws what a pure function of reports.analytics.dashboard (or another
reports module) returns for facts the page has already filtered to what the person may see; links come from the
page, so every panel keeps the filters of the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

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

E = TypeVar("E", bound=ui.element)
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


def shared(element: E, **props: Any) -> E:
    """Set props to prepared data (app.analytics_cache.prepared) as it is: NiceGUI would copy every nested dict and
    list of a prop into observables, per request; these are never changed, so every request sends the same ones."""
    for key, value in props.items():
        dict.__setitem__(element._props, key, value)  # noqa: SLF001 - bypasses the observable copy only
    return element


@dataclass(frozen=True)
class CardView:
    """One headline card as the page shows it."""

    column: str
    title: str
    value: str
    change: str | None
    color: str


@dataclass(frozen=True)
class CardGroup:
    slug: str  # year | period
    title: str
    previous: str | None  # «Изменение к периоду …»
    link: str  # the parallels and classes of the group's period
    subjects_link: str  # its departments
    cards: tuple[CardView, ...]


def card_groups(groups: Sequence[Card], link_of: Callable[[Card], str], subjects_link: Callable[[Card], str]
                ) -> tuple[CardGroup, ...]:
    """The headline cards' texts and links (pure, prepared once per view)."""
    out = []
    for card in groups:
        views = []
        for col in CARD_COLUMNS:
            change, color = None, ""
            if col in card.change:
                delta = card.change[col]
                change = change_text(col, delta)
                color = "text-grey-7" if delta != delta or delta == 0 or col == "N" else (
                    "text-positive" if delta > 0 else "text-negative")
            views.append(CardView(col, INDICATOR_LABELS[col].replace(", %", ""), value_text(col, getattr(card.summary,
                                                                                                          col)),
                                  change, color))
        out.append(CardGroup("year" if card.period is None else "period", card.title,
                             CHANGE_TO.format(period=card.previous) if card.previous else None, link_of(card),
                             subjects_link(card), tuple(views)))
    return tuple(out)


def cards(groups: Sequence[CardGroup]) -> None:
    """Headline cards: one row per group (the year, the last or the chosen period); every value opens the
    parallels and classes of that period, a second link the departments."""
    with ui.column().classes("gap-2").mark("dashboard-cards"):
        for group in groups:
            slug = group.slug
            with ui.row().classes("items-baseline gap-3"):
                ui.label(group.title).classes("text-subtitle1 text-weight-bold").mark(f"card-{slug}-title")
                if group.previous:
                    ui.label(group.previous).classes("text-caption text-grey-7").mark(f"card-{slug}-previous")
                ui.link("по ШМО и педагогам ›", group.subjects_link).classes("text-caption").mark(
                    f"card-{slug}-subjects")
            with ui.row().classes("gap-3"):
                for card in group.cards:
                    with ui.card().classes("min-w-[150px] q-pa-sm"):
                        ui.label(card.title).classes("text-caption text-grey-8")
                        ui.link(card.value, group.link).classes("text-h5 no-underline").mark(
                            f"card-{slug}-{card.column}")
                        if card.change is not None:
                            ui.label(card.change).classes(f"text-caption {card.color}").mark(
                                f"card-{slug}-{card.column}-change")


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


def student_works(results: pd.DataFrame) -> None:
    """Every work of one student under the filters (pf.student_results): the portfolio's results table, each work
    opening its справка for the student's class (for the roles that may open a справка)."""
    results_table(results, "student-works", can_open(current_account(), "work"))


OBJECTIVITY_COLUMNS = ("works", "compared", *SHARE_COLUMNS)
RISK_COLUMNS = ("class", "n_twos", "n_low", "own_mean_pct")


@dataclass(frozen=True)
class ObjectivityView:
    columns: list[dict[str, Any]]
    rows: list[dict[str, Any]]  # empty: no ВПР results under the filters
    flagged: tuple[tuple[str, str, str], ...]  # (class id, name, drill-down link)
    signals: tuple[str, ...]


def objectivity_view(node: NodeAnalytics, class_link: ClassLink) -> ObjectivityView:
    found, table = node.objectivity, node.objectivity_table
    columns = [{"name": "class", "label": column_title("class"), "field": "class", "align": "left"}]
    columns += [{"name": c, "label": WORKS_TITLE if c == "works" else INDICATOR_LABELS[c], "field": c,
                 "align": "right"} for c in OBJECTIVITY_COLUMNS]
    parallel, flagged, rows = node.parallel_of, node.flagged, []
    for rec in table.to_dict("records"):
        cid = str(rec["class_id"])
        rows.append({"class_id": cid, "class": str(rec["class"]), "href": class_link(parallel.get(cid), cid),
                     "css": "text-weight-bold text-negative" if cid in flagged else "text-primary",
                     **{c: value_text(c, rec[c]) for c in OBJECTIVITY_COLUMNS}})
    names = dict(zip(table["class_id"].astype(str), table["class"].astype(str), strict=True)) if len(table) else {}
    return ObjectivityView(columns, rows, tuple((cid, names.get(cid, cid), class_link(parallel.get(cid), cid))
                                                for cid in flagged),
                           tuple(signal.message for signal in found.signals))


def objectivity_panel(view: ObjectivityView) -> None:
    """ВПР marks against the period marks per class, and the signals to check; a flagged class opens its
    drill-down."""
    ui.label("Объективность результатов ВПР").classes("text-h6")
    with ui.column().classes("w-full gap-2").mark("objectivity-panel"):
        if not view.rows:
            ui.label("Нет результатов ВПР при выбранных фильтрах.").mark("objectivity-none")
            return
        grid = shared(ui.table(columns=view.columns, rows=[], row_key="class_id", pagination=0), rows=view.rows
                      ).props("dense flat").mark("objectivity-classes")
        grid.add_slot("body-cell-class", link_cell("href", "props.row.css"))
        if not view.signals:
            ui.label("Признаков необъективности не найдено.").mark("objectivity-no-signals")
            return
        with ui.row().classes("items-center gap-2").mark("objectivity-flagged"):
            ui.label(f"{INDICATOR_LABELS['signals']}: классы").classes("text-weight-bold")
            for cid, name, href in view.flagged:
                ui.link(name, href).mark(f"objectivity-flag-{cid}")
        with ui.expansion(f"{INDICATOR_LABELS['signals']} ({len(view.signals)})").classes("w-full"):
            for message in view.signals:
                ui.label(message).classes("text-body2").mark("objectivity-signal")


@dataclass(frozen=True)
class RiskView:
    count: int
    note: str  # «Первые 10: …» when not all are listed
    columns: list[dict[str, Any]]
    rows: list[dict[str, Any]]  # the ones to look at first: student_id, href, reasons and the columns' texts


def risk_view(node: NodeAnalytics) -> RiskView:
    risk, top = node.risk, node.top_risk
    note = (f"Первые {len(top)}: больше всего отметок «2» и результатов намного ниже обычного уровня."
            if len(risk) > len(top) else "")
    columns = [{"name": c, "label": column_title(c), "field": c, "align": "left" if c in ("student", "class")
                else "right"} for c in ("student", *RISK_COLUMNS)]
    rows = []
    for rec in top.to_dict("records") if len(risk) else []:
        sid = str(rec["student_id"])
        rows.append({"student_id": sid, "href": f"/student/{sid}", "reasons": str(rec["reasons"]),
                     "student": str(rec["student"]), "class": str(rec["class"]) if pd.notna(rec["class"]) else "",
                     **{c: value_text(c, rec[c]) for c in RISK_COLUMNS[1:]}})
    return RiskView(len(risk), note, columns, rows)


RISK_CELL = ('<q-td :props="props"><a v-if="props.col.name === \'student\'" :href="props.row.href" '
             'class="text-primary">{{ props.value }}<q-tooltip>{{ props.row.reasons }}</q-tooltip></a>'
             '<span v-else>{{ props.value }}</span></q-td>')


def risk_panel(view: RiskView) -> None:
    """How many students are at risk and the ones to look at first, each opening the student's page (the reasons
    in a tooltip on the name)."""
    ui.label("Обучающиеся группы риска").classes("text-h6")
    with ui.column().classes("w-full gap-1").mark("risk-panel"):
        with ui.row().classes("items-baseline gap-2"):
            ui.label("Всего:")
            ui.label(str(view.count)).classes("text-h5").mark("risk-count")
        if not view.count:
            return
        if view.note:
            ui.label(view.note).classes("text-caption text-grey-7")
        top = shared(ui.table(columns=view.columns, rows=[], row_key="student_id", pagination=0), rows=view.rows
                     ).props("dense flat").mark("risk-top")
        top.add_slot("body-cell", RISK_CELL)
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
