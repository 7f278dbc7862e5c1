"""The dashboard's cards, charts and panels. Each draws what a pure function of reports.analytics.dashboard (or another
reports module) returns for facts the page has already filtered to what the person may see; links come from the
page, so every panel keeps the filters of the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import pandas as pd
from nicegui import ui

from app.access import can_open
from app.auth import current_account
from app.markup import Cell, Column, marks_of, table_html, tag
from app.pages.portfolio import results_table
from reports.analytics.dashboard import (
    CARD_COLUMNS,
    SHARE_COLUMNS,
    Card,
    by_class,
    flagged_classes,
    issue_counts,
    kind_dynamics,
    objectivity_by_class,
    top_at_risk,
)
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


def card_html(card: CardView, link: str) -> str:
    """One headline card's inside: the indicator, its value (a link) and its change (escaped plain HTML)."""
    text = tag("div", card.title, "text-caption text-grey-8", data_part="title") + tag(
        "a", card.value, "text-h5 no-underline", data_part="value", href=link)
    if card.change is not None:
        text += tag("div", card.change, f"text-caption {card.color}", data_part="change")
    return text


def cards_html(groups: Sequence[CardGroup], heading: str) -> str:
    """Headline cards under `heading` (whose they are): one row per group (the year, the last or the chosen
    period); every value opens the parallels and classes of that period, a second link the departments. All of it
    is plain HTML with each piece named by `data-mark`, made once per view in the prepared step: ten cards of four
    NiceGUI elements each were a third of building the dashboard."""
    body = tag("div", heading, "text-subtitle2 text-grey-8", data_part="level", data_mark="cards-level")
    for group in groups:
        slug = group.slug
        head = tag("span", group.title, "text-subtitle1 text-weight-bold", data_part="title",
                   data_mark=f"card-{slug}-title")
        if group.previous:
            head += tag("span", group.previous, "text-caption text-grey-7", data_part="previous",
                        data_mark=f"card-{slug}-previous")
        head += tag("a", "по ШМО и педагогам ›", "text-caption", data_part="subjects", href=group.subjects_link,
                    data_mark=f"card-{slug}-subjects")
        row = "".join(tag("div", "", "q-card column min-w-[150px] q-pa-sm", inner=card_html(card, group.link),
                          data_mark=f"card-{slug}-{card.column}") for card in group.cards)
        body += tag("div", "", "row items-baseline gap-3", inner=head) + tag("div", "", "row gap-3", inner=row)
    return body


def cards(html: str) -> None:
    """The headline cards (`cards_html`), each part found by its marker."""
    ui.html(html, sanitize=False).classes("column gap-2").mark("dashboard-cards", *marks_of(html))


def student_works(results: pd.DataFrame) -> None:
    """Every work of one student under the filters (pf.student_results): the portfolio's results table, each work
    opening its справка for the student's class (for the roles that may open a справка)."""
    results_table(results, "student-works", can_open(current_account(), "work"))


OBJECTIVITY_COLUMNS = ("works", "compared", *SHARE_COLUMNS)
RISK_COLUMNS = ("class", "n_twos", "n_low", "own_mean_pct")


@dataclass(frozen=True)
class ObjectivityView:
    """The objectivity panel as plain HTML pieces, made once per view in the prepared step."""

    table: str  # "" when there are no ВПР results under the filters
    flagged: tuple[tuple[str, str, str], ...]  # (class id, name, drill-down link)
    signals: tuple[str, ...]

    @cached_property  # once per prepared view, shared by its requests
    def html(self) -> str:
        """The whole panel: the table per class, the flagged classes (each a link to its drill-down) and the
        signals, folded (`<details>`: opened in the browser, no round trip)."""
        out = tag("div", "Объективность результатов ВПР", "text-h6")
        if not self.table:
            return out + tag("div", "Нет результатов ВПР при выбранных фильтрах.", data_mark="objectivity-none")
        out += tag("div", "", data_mark="objectivity-classes", inner=self.table)
        if not self.signals:
            return out + tag("div", "Признаков необъективности не найдено.", data_mark="objectivity-no-signals")
        links = " ".join(tag("a", name, "text-primary", data_part="flag", data_class=cid, href=href)
                         for cid, name, href in self.flagged)
        out += tag("div", "", "row items-center gap-2", data_mark="objectivity-flagged", inner=tag(
            "span", INDICATOR_LABELS["signals"] + ": классы", "text-weight-bold") + " " + links)
        listed = "".join(tag("div", message, "text-body2 q-py-xs", data_part="signal") for message in self.signals)
        return out + tag("details", "", "w-full", inner=tag(
            "summary", f"{INDICATOR_LABELS['signals']} ({len(self.signals)})", "text-body2 cursor-pointer q-py-xs")
            + tag("div", "", data_mark="objectivity-signals", inner=listed))


def objectivity_view(node: NodeAnalytics, class_link: ClassLink) -> ObjectivityView:
    found, table = node.objectivity, node.objectivity_table
    columns = [Column("class", column_title("class")), *(Column(c, WORKS_TITLE if c == "works"
                                                                 else INDICATOR_LABELS[c], "right")
                                                          for c in OBJECTIVITY_COLUMNS)]
    parallel, flagged, rows = node.parallel_of, node.flagged, []
    for rec in table.to_dict("records"):
        cid = str(rec["class_id"])
        css = "text-weight-bold text-negative" if cid in flagged else "text-primary"
        rows.append((cid, [Cell(str(rec["class"]), class_link(parallel.get(cid), cid), css),
                           *(Cell(value_text(c, rec[c])) for c in OBJECTIVITY_COLUMNS)]))
    names = dict(zip(table["class_id"].astype(str), table["class"].astype(str), strict=True)) if len(table) else {}
    return ObjectivityView(table_html(columns, rows, wrap=True) if rows else "",
                           tuple((cid, names.get(cid, cid), class_link(parallel.get(cid), cid)) for cid in flagged),
                           tuple(signal.message for signal in found.signals))


@dataclass(frozen=True)
class RiskView:
    count: int
    note: str  # «Первые 10: …» when not all are listed
    table: str  # the ones to look at first, each name opening the student's page, the reasons in its tooltip

    @cached_property
    def html(self) -> str:
        head = tag("div", "Всего: ", "row items-baseline gap-2", inner=tag("span", str(self.count), "text-h5",
                                                                          data_part="count"))
        if self.count and self.note:
            head += tag("div", self.note, "text-caption text-grey-7")
        out = tag("div", "Обучающиеся группы риска", "text-h6") + tag("div", "", data_mark="risk-count", inner=head)
        if not self.count:
            return out
        return out + tag("div", "", data_mark="risk-top", inner=self.table) + tag(
            "div", "Причины — в подсказке у фамилии и на странице обучающегося.", "text-caption text-grey-7")


def risk_view(node: NodeAnalytics) -> RiskView:
    risk, top = node.risk, node.top_risk
    note = (f"Первые {len(top)}: больше всего отметок «2» и результатов намного ниже обычного уровня."
            if len(risk) > len(top) else "")
    columns = [Column(c, column_title(c), "left" if c in ("student", "class") else "right")
               for c in ("student", *RISK_COLUMNS)]
    rows = []
    for rec in top.to_dict("records") if len(risk) else []:
        sid = str(rec["student_id"])
        rows.append((sid, [Cell(str(rec["student"]), f"/student/{sid}", hint=str(rec["reasons"])),
                           Cell(str(rec["class"]) if pd.notna(rec["class"]) else ""),
                           *(Cell(value_text(c, rec[c])) for c in RISK_COLUMNS[1:])]))
    return RiskView(len(risk), note, table_html(columns, rows, wrap=True) if rows else "")


def panels_html(objectivity: ObjectivityView, risk: RiskView) -> str:
    """The objectivity panel (ВПР marks against the period marks per class, the signals to check, a flagged class
    opening its drill-down) beside the risk panel (how many students are at risk and the ones to look at first,
    each opening the student's page, the reasons in a tooltip on the name), each a half marked as its own part."""
    return (tag("div", "", "column gap-2 w-1/2", data_mark="objectivity-panel", inner=objectivity.html)
            + tag("div", "", "column gap-1 w-1/2", data_mark="risk-panel", inner=risk.html))


def panels_row(html: str) -> None:
    """The two panels of `panels_html` in one row: one element of plain HTML, each part found by its marker."""
    ui.html(html, sanitize=False).classes("row w-full gap-8 items-start no-wrap").mark(*marks_of(html))


def quality_panel(issues: Sequence[Any], may_open: bool) -> None:
    """Errors and warnings of the data-quality check, with a link to the list — only for the roles that may open
    it (a count nobody can act on is noise)."""
    if not may_open:
        return
    errors, warnings = issue_counts(issues)
    ui.html(tag("span", "Качество данных:", "text-weight-bold")
            + tag("span", f"Ошибок: {errors}", f"q-badge bg-{'negative' if errors else 'positive'} text-white",
                  data_part="errors")
            + tag("span", f"Предупреждений: {warnings}",
                  f"q-badge bg-{'warning' if warnings else 'positive'} text-white", data_part="warnings")
            + tag("a", "Открыть список проблем", "text-primary", href="/issues", data_part="issues-link"),
            sanitize=False).classes("row items-center gap-3").mark(
        "quality-panel quality-errors quality-warnings quality-issues-link")
