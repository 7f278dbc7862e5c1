"""The deputy director's dashboard: headline cards, a drill-down along both hierarchies of DOMAIN.md, charts and
the objectivity, risk and data-quality panels. Everything is driven by query parameters, so every view has a URL:

- filters: period (a period name, none = the whole year), kind (a kind of work), subject (a subject id),
  parallel (a parallel number); every number on the page is computed over the filtered facts;
- school → parallel → class → student: /dashboard?parallel=9&class=cls-0001&student=st-00001
- school → department → subject → teacher: /dashboard?department=shmo-01&subject=sub-01&teacher=t-001
  (axis=subjects opens this hierarchy at the school level).

`parallel` and `subject` are at once filters and levels: filtering by a parallel is drilling into it on one axis
and narrowing the other, so the two never contradict each other. Every link keeps the other filters.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request
from nicegui import ui

from app.access import can_open
from app.analytics_cache import computed, page_base, part_key, prepared
from app.auth import current_account, page
from app.derived import kinds_of
from app.frame import frame
from app.markup import marks_of, tag
from app.pages import dashboard_charts as charts
from app.pages import dashboard_panels as panels
from app.pages.dashboard_exports import exports_panel
from app.pages.dashboard_tables import crumbs, level_html, level_table
from app.pages.forecast_panel import class_forecast, student_forecast
from reports.analytics import portfolio as pf
from reports.analytics.dashboard import WHOLE_YEAR, Filters, headline, narrow, periods_with_results
from reports.analytics.rollup import children, class_rollup, parallel_label, subject_rollup
from reports.analytics.teachers import teacher_facts
from reports.labels import LEVEL_NAMES, column_title

T = TypeVar("T")
FILTER_KEYS = ("period", "kind", "subject", "parallel")
LEVEL_KEYS = ("axis", "class", "student", "department", "teacher")
ALL_OF = {"period": WHOLE_YEAR, "kind": "Все виды работ", "subject": "Все предметы", "parallel": "Все параллели"}
FILTER_TITLES = {"period": "Период", "kind": column_title("kind"), "subject": column_title("subject"),
                 "parallel": column_title("parallel")}


def url(params: Mapping[str, Any]) -> str:
    clean = {k: v for k, v in params.items() if v is not None and not (isinstance(v, str) and v == "")}
    return "/dashboard" + (f"?{urlencode(clean)}" if clean else "")


def _text(value: Any) -> str | None:
    """A key as a query value: 9 -> "9"; missing -> None."""
    return None if value is None or pd.isna(value) else str(value)


@dataclass(frozen=True)
class View:
    """The URL's state: the filters and the drill-down position."""

    q: Mapping[str, str]
    root: str = "Школа"  # the top of both hierarchies: «Мои классы» for those who see only their slice

    @property
    def subjects(self) -> bool:
        return self.q.get("axis") == "subjects" or bool(self.q.get("department") or self.q.get("teacher"))

    def filters(self) -> dict[str, str]:
        return {k: self.q[k] for k in FILTER_KEYS if self.q.get(k)}

    def on_classes(self, levels: Mapping[str, Any]) -> str:
        return url({**self.filters(), **{k: _text(v) for k, v in levels.items()}})

    def on_subjects(self, levels: Mapping[str, Any]) -> str:
        return url({**self.filters(), "axis": "subjects", **{k: _text(v) for k, v in levels.items()}})

    def class_link(self, parallel: Any, class_id: str) -> str:
        return self.on_classes({"parallel": parallel, "class": class_id})

    def refiltered(self, key: str, value: str | None) -> str:
        """This view with one filter changed; levels that the change makes meaningless are dropped."""
        new = {**self.q, key: value}
        if key == "parallel":
            new |= {"class": None, "student": None}
        if key == "subject":
            new |= {"department": None, "teacher": None, "axis": "subjects" if self.subjects else None}
        return url(new)


def filter_options(visible: pd.DataFrame) -> dict[str, dict[str, str]]:
    """What the four filters may choose among the person's visible facts."""
    subjects = visible[["subject_id", "subject"]].dropna().drop_duplicates("subject_id").sort_values("subject")
    parallels = sorted(int(p) for p in visible["parallel"].dropna().unique())
    return {
        "period": {p: p for p in periods_with_results(visible)},
        "kind": {k: k for k in kinds_of(visible)},
        "subject": {str(a): str(b) for a, b in zip(subjects["subject_id"], subjects["subject"], strict=True)},
        "parallel": {str(p): parallel_label(p) for p in parallels},
    }


def cards_of(visible: pd.DataFrame, workbook: Any, filters: Filters, keys: tuple[tuple[str, Any], ...] = ()
             ) -> list[Any]:
    """The headline cards of the level the drill-down stands on: the person's facts under the filters but the period,
    narrowed to the level's keys (a teacher's through the teaching load: their results, not the whole subject's),
    then reports.analytics.dashboard.headline for the period."""
    facts, equal = filters.without_period().apply(visible), dict(keys)
    if "teacher_id" in equal:
        facts = teacher_facts(facts, workbook)
    return headline(narrow(facts, **equal), filters.period)


FILTER_SELECT = ("min-width: 200px; padding: 6px 8px; border: 1px solid rgba(0,0,0,.24); border-radius: 4px; "
                 "background: white; font-size: 14px")


def filter_html(view: View, options: Mapping[str, Mapping[str, str]], filters: Filters) -> str:
    """The four filters as plain selects over what the person's visible facts contain: each choice is the URL of
    the view with that filter, opened when chosen (escaped HTML, one element for all four)."""
    current = filters.query()
    parts = []
    for key in FILTER_KEYS:
        value = current.get(key, "")
        choices = {"": ALL_OF[key], **options[key]}
        choices.setdefault(value, value)  # a filter from the URL that the data no longer has stays visible
        listed = "".join(tag("option", label, value=view.refiltered(key, choice or None), data_value=choice,
                             selected=choice == value) for choice, label in choices.items())
        parts.append(tag("label", FILTER_TITLES[key], "column text-caption text-grey-8", inner=tag(
            "select", data_filter=key, style=FILTER_SELECT, onchange="window.location.href = this.value",
            inner=listed)))
    return "".join(parts)


def axis_html(view: View) -> str:
    """The two hierarchies the drill-down walks: parallels and classes, departments, subjects and teachers."""
    return tag("div", "", "row gap-4", inner=tag(
        "a", "Параллели и классы", "nicegui-link", data_part="link", data_mark="axis-classes",
        href=view.on_classes({})) + tag("a", "ШМО, предметы и педагоги", "nicegui-link", data_part="link",
                                        data_mark="axis-subjects", href=view.on_subjects({})))


def top_html(view: View, options: Mapping[str, Mapping[str, str]], filters: Filters) -> str:
    """The axis links and the filters (filter_html) above the analytics: a change of a filter opens the new URL in
    the browser, no round trip through the server's page (four Quasar selects were the dearest part of building
    the dashboard)."""
    return axis_html(view) + tag("div", "", "row items-end gap-3", data_mark="dashboard-filters",
                                 inner=filter_html(view, options, filters))


def _top(html: str) -> None:
    ui.html(html, sanitize=False).classes("column gap-4").mark(*marks_of(html))


def _one(table: pd.DataFrame, level: str, **keys: Any) -> pd.Series | None:
    rows = children(table, level, **keys)
    return rows.iloc[0] if len(rows) else None


def _missing(path: list[tuple[str, str]], text: str) -> None:
    crumbs(path)
    ui.label(text).mark("no-results")


@dataclass(frozen=True)
class Prep:
    """The prepared parts of one view (app.analytics_cache.prepared), keyed by the frames it stands on (the facts the
    person may see, those under the filters, the rows they may read) and its URL state."""

    version: int
    key: Hashable
    keep: tuple[Any, ...]

    async def __call__(self, part: str, build: Callable[[], T]) -> T:
        return await prepared(self.version, (self.key, part), build, *self.keep)

    async def level(self, node: pd.Series, title: str, rows: Callable[[], pd.DataFrame], first_title: str,
                    link_of: Callable[[Mapping[str, Any]], str], key: str | None) -> tuple[dict[str, Any], str]:
        """The node's distribution chart and the table of the level below it (its first column `first_title`)."""
        return await self("level", lambda: (charts.distribution_options(node, title),
                                            level_html(rows(), first_title, link_of, key)))


async def _leaf(prep: Prep, path: list[tuple[str, str]], node: pd.Series, level: str) -> None:
    """The last level of a hierarchy (a student, a teacher): its crumb, distribution and one row of indicators."""
    path.append((str(node["label"]), ""))
    options, body = await prep.level(node, str(node["label"]), lambda: pd.DataFrame([node]),
                                     LEVEL_NAMES[level].capitalize(), lambda r: "", None)
    crumbs(path)
    charts.distribution_chart(options)
    level_table(body, f"dashboard-{level}")


@dataclass(frozen=True)
class Node:
    """Where the drill-down stands: its name, its level, the fact columns that single it out among the filtered
    facts (teacher_id only in teacher facts), and how the dynamics chart draws its lines."""

    title: str
    level: str
    keys: Mapping[str, Any]
    lines_by: str  # one line per parallel, class or student


async def _class_axis(prep: Prep, facts: pd.DataFrame, table: pd.DataFrame, view: View, p: int | None
                      ) -> Node | None:
    class_id, student_id = view.q.get("class"), view.q.get("student")
    path = [(view.root, view.on_classes({"parallel": None}))]
    chain: list[tuple[str, dict[str, Any]]] = [("school", {})] if p is None else [("parallel", {"parallel": p})]
    chain += [("class", {"class_id": class_id})] if p is not None and class_id else []
    chain += [("student", {"student_id": student_id})] if p is not None and class_id and student_id else []
    nodes = await prep("nodes", lambda: [_one(table, level, **keys) for level, keys in chain])
    if p is None:
        school = nodes[0]
        if school is not None:
            options, body = await prep.level(school, view.root.lower(), lambda: children(table, "parallel"),
                                             "Параллель", lambda r: view.on_classes({"parallel": r["parallel"]}),
                                             "parallel")
            crumbs(path)
            charts.distribution_chart(options)
        else:
            crumbs(path)
            body = await prep("rows", lambda: level_html(children(table, "parallel"), "Параллель",
                                                         lambda r: view.on_classes({"parallel": r["parallel"]}),
                                                         "parallel"))
        level_table(body, "dashboard-parallels")
        return Node(view.root.lower(), "school", {}, "parallel")
    node = nodes[0]
    path.append((parallel_label(p), view.on_classes({"parallel": p})))
    if node is None:
        _missing(path, "Нет результатов для этой параллели.")
        return None
    if not class_id:
        options, body = await prep.level(node, path[-1][0], lambda: children(table, "class", parallel=p),
                                         column_title("class"), lambda r: view.class_link(p, r["class_id"]),
                                         "class_id")
        crumbs(path)
        charts.distribution_chart(options)
        level_table(body, "dashboard-classes")
        return Node(path[-1][0], "parallel", {}, "class_id")
    cnode = nodes[1]
    if cnode is None:
        _missing(path, "Нет результатов для этого класса.")
        return None
    path.append((str(cnode["label"]), view.class_link(p, class_id)))
    if not student_id:
        options, body = await prep.level(
            cnode, str(cnode["label"]), lambda: children(table, "student", class_id=class_id), column_title("student"),
            lambda r: view.on_classes({"parallel": p, "class": class_id, "student": r["student_id"]}), "student_id")
        crumbs(path)
        charts.distribution_chart(options)
        level_table(body, "dashboard-students")
        return Node(str(cnode["label"]), "class", {"class_id": class_id}, "class_id")
    snode = nodes[2]
    if snode is None:
        _missing(path, "Нет результатов этого обучающегося.")
        return None
    await _leaf(prep, path, snode, "student")
    ui.link("Карточка обучающегося", f"/student/{student_id}").mark("student-card")
    ui.label("Работы обучающегося").classes("text-h6")
    panels.student_works(await computed(prep.version, pf.student_results, facts, student_id))
    return Node(str(snode["label"]), "student", {"class_id": class_id, "student_id": student_id}, "student_id")


def _department_of(facts: pd.DataFrame, subject_id: str) -> str | None:
    deps = narrow(facts, subject_id=subject_id)["department_id"].dropna()
    return str(deps.iloc[0]) if len(deps) else None


async def _subject_axis(prep: Prep, facts: pd.DataFrame, table: pd.DataFrame, view: View) -> Node | None:
    subj, teacher = view.q.get("subject"), view.q.get("teacher")
    dep = view.q.get("department") or (await computed(prep.version, _department_of, facts, subj) if subj else None)
    path = [(view.root, view.on_subjects({"subject": None}))]
    if not dep:
        body = await prep("rows", lambda: level_html(
            children(table, "department"), column_title("department"),
            lambda r: view.on_subjects({"department": r["department_id"]}), "department_id"))
        crumbs(path)
        level_table(body, "dashboard-departments")
        return Node(view.root.lower(), "school", {}, "parallel")
    chain: list[tuple[str, dict[str, Any]]] = [("department", {"department_id": dep})]
    chain += [("subject", {"department_id": dep, "subject_id": subj})] if subj else []
    chain += [("teacher", {"department_id": dep, "subject_id": subj, "teacher_id": teacher})] if subj and teacher \
        else []
    nodes = await prep("nodes", lambda: [_one(table, level, **keys) for level, keys in chain])
    dnode = nodes[0]
    if dnode is None:
        _missing(path, "Нет результатов для этого ШМО.")
        return None
    path.append((str(dnode["label"]), view.on_subjects({"department": dep, "subject": None})))
    if not subj:
        options, body = await prep.level(dnode, str(dnode["label"]), lambda: children(table, "subject",
                                                                                         department_id=dep),
                                         column_title("subject"),
                                         lambda r: view.on_subjects({"department": dep, "subject": r["subject_id"]}),
                                         "subject_id")
        crumbs(path)
        charts.distribution_chart(options)
        level_table(body, "dashboard-subjects")
        return Node(str(dnode["label"]), "department", {"department_id": dep}, "parallel")
    snode = nodes[1]
    if snode is None:
        _missing(path, "Нет результатов по этому предмету.")
        return None
    path.append((str(snode["label"]), view.on_subjects({"department": dep, "subject": subj})))
    keys = {"department_id": dep, "subject_id": subj}
    if not teacher:
        options, body = await prep.level(
            snode, str(snode["label"]), lambda: children(table, "teacher", department_id=dep, subject_id=subj),
            column_title("teacher"),
            lambda r: view.on_subjects({"department": dep, "subject": subj, "teacher": r["teacher_id"]}), "teacher_id")
        crumbs(path)
        charts.distribution_chart(options)
        level_table(body, "dashboard-teachers")
        return Node(str(snode["label"]), "subject", keys, "parallel")
    tnode = nodes[2]
    if tnode is None:
        _missing(path, "Нет результатов этого педагога.")
        return None
    await _leaf(prep, path, tnode, "teacher")
    return Node(str(tnode["label"]), "teacher", {**keys, "teacher_id": teacher}, "class_id")


def _panels_view(node: Node, found: panels.NodeAnalytics, view: View) -> tuple[charts.ChartsView, str]:
    """What the charts (by class above the class level, dynamics, teachers by profile) and the objectivity and risk
    panels of the node show."""
    parallel_of = found.parallel_of
    lines: dict[str, Callable[[Any], str]] = {
        "parallel": lambda key: view.on_classes({"parallel": key}),
        "class_id": lambda key: view.class_link(parallel_of.get(key), str(key)),
    }
    return (charts.charts_view(found, node.title, view.class_link, lines.get(node.lines_by)),
            panels.panels_html(panels.objectivity_view(found, view.class_link), panels.risk_view(found)))


async def _analytics(prep: Prep, facts: pd.DataFrame, view: View, parallel: int | None, workbook: Any
                     ) -> Node | None:
    """The drill-down, the charts and the panels of the node it stands on; everything computed once per cache
    version, scope and filters (`facts` come from the memo, so they key it), off the event loop."""
    version = prep.version
    tfacts = await computed(version, teacher_facts, facts, workbook)
    if view.subjects:
        node = await _subject_axis(prep, facts, await computed(version, subject_rollup, facts, workbook), view)
    else:
        node = await _class_axis(prep, facts, await computed(version, class_rollup, facts), view, parallel)
    if node is None:
        return None
    mine = await computed(version, narrow, tfacts if "teacher_id" in node.keys else facts, **node.keys)
    tmine = await computed(version, narrow, tfacts, **node.keys)
    found = await computed(version, panels.node_analytics, mine, tmine, workbook.frames, node.level, node.lines_by)
    shown, both = await prep("panels", lambda: _panels_view(node, found, view))
    charts.charts(shown)
    panels.panels_row(both)
    return node


def create() -> None:
    @page("/dashboard", "reports")
    async def dashboard_page(request: Request) -> None:
        account = current_account()
        base = await page_base(account)
        version, workbook, scope, visible = base.version, base.workbook, base.scope, base.visible
        filters = Filters.from_query(request.query_params)
        levels = {k: v for k, v in request.query_params.items() if k in LEVEL_KEYS and v}
        view = View({**levels, **filters.query()}, "Школа" if scope.everything else "Мои классы")
        with frame("Аналитика: от школы к классу и педагогу"):
            if visible.empty:
                _top(axis_html(view))
                ui.label("Результатов мониторинговых работ пока нет.").mark("no-results")
                return
            options = await computed(version, filter_options, visible)
            facts = await computed(version, filters.apply, visible)
            seen = base.seen  # the rows this person may read, for panels and downloads
            prep = Prep(version, part_key(visible, facts, seen, view.root, tuple(sorted(view.q.items()))),
                        (visible, facts, seen))
            _top(await prep("top", lambda: top_html(view, options, filters)))
            if facts.empty:
                ui.label("Нет результатов при выбранных фильтрах.").mark("no-results")
            else:
                # the level's cards and downloads go above its analytics, once the level is known
                above = ui.element("div").classes("column gap-4")
                node = await _analytics(prep, facts, view, filters.parallel, seen)
                if node is not None:
                    keys = tuple(sorted(node.keys.items()))
                    block = await prep("cards", lambda: panels.cards_html(panels.card_groups(
                        cards_of(visible, seen, filters, keys), lambda card: url({**view.q, "period": card.period}),
                        lambda card: url({**view.filters(), "period": card.period, "axis": "subjects"})),
                        f"Показатели: {node.title}"))
                    with above:
                        panels.cards(block)
                        exports_panel(node.level, node.keys, filters.parallel, visible, seen.frames,
                                      filters.period, scope.everything, "dashboard-", base=base.facts)
                    if node.level == "class":  # a forecast needs the whole year, whatever period is filtered
                        class_forecast(visible, seen.frames, str(node.keys["class_id"]))
                    elif node.level == "student":
                        student_forecast(visible, str(node.keys["student_id"]))
            panels.quality_panel(workbook.issues, can_open(account, "issues"))
