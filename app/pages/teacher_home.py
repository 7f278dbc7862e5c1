"""«Мой кабинет» (/my): a teacher's own classes and subjects with their indicators, the works conducted in them,
weak tasks and content elements, students at risk, works still without results, and for a class teacher (per the
classes sheet, whatever the account's role) their class across all subjects. The deputy opens any teacher's with
/my?teacher=t-001 (and a list without it): the same blocks, headed neutrally. Reads the cache only; analytics come
from reports.analytics.portfolio and reports.analytics.risk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from fastapi import Request
from nicegui import ui

from app.access import Role, Scope, can_open, teacher_scope
from app.analytics_cache import PageBase, computed, page_base
from app.auth import current_account, page
from app.frame import frame
from app.pages.chart_format import russian
from app.pages.dashboard_exports import exports_panel
from app.pages.portfolio import TableRows, class_rows, linked_rows, linked_table, section, show_table
from reports.analytics import portfolio as pf
from reports.analytics.dashboard import rounded
from reports.analytics.risk import students_at_risk
from reports.analytics.teachers import teacher_names
from reports.labels import class_label

WORK_COLUMNS = ("date", "work", "subject", "kind", "N", "success_pct", "quality_pct", "sou_pct", "mean_mark")
MISSING_COLUMNS = ("date", "work", "subject", "kind", "class", "enter")
WEAK_TASK_COLUMNS = ("class", "work", "number", "element", "task_level", "pct_of_max", "full_pct", "zero_pct")
WEAK_ELEMENT_COLUMNS = ("class", "work", "element", "tasks", "pct_of_max")
RISK_COLUMNS = ("student", "class", "n_twos", "n_low", "reasons")
TITLES = {"works_link": "Работы", "enter": "Ввод результатов"}
PAGE = 15  # rows of a long table shown at once; the rest are pages of it


def _quality_chart(totals: pd.DataFrame) -> None:
    ui.echart(russian({
        "title": {"text": "Качество знаний по классам, %", "textStyle": {"fontSize": 14}},
        "tooltip": {},
        "xAxis": {"type": "category", "data": [str(c) for c in totals["class"]]},
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
        "series": [{"type": "bar", "name": "Качество знаний", "data": [rounded(v) for v in totals["quality_pct"]],
                    "itemStyle": {"color": "#1565c0"}}],
    })).classes("w-full max-w-[720px] h-64").mark("my-quality-chart")


def _risk(risk: TableRows, marker: str) -> None:
    if section("Обучающиеся группы риска", risk.rows, f"{marker}-none"):
        show_table(risk, marker, rows_per_page=PAGE)


def risk_rows(risk: pd.DataFrame) -> TableRows:
    return linked_rows(risk, RISK_COLUMNS, {"student": [f"/student/{s}" for s in risk["student_id"]]})


def student_rows(students: pd.DataFrame) -> list[dict[str, Any]]:
    """A row per class: its label and every student as a link to the portfolio (pf.class_students)."""
    return [{"class_id": str(group["class_id"].iloc[0]), "class": str(label),
             "students": [{"name": str(n), "href": f"/student/{sid}"}
                          for sid, n in zip(group["student_id"], group["student"], strict=True)]}
            for (_, label), group in students.groupby(["class_order", "class"], sort=True)]


def _students(rows: list[dict[str, Any]], marker: str) -> None:
    """Links to the portfolio of every student of the classes: one table, a row per class, folded until opened (a
    teacher of ten classes has three hundred names)."""
    if not section("Портфолио обучающихся", rows, f"{marker}-none"):
        return
    count = sum(len(r["students"]) for r in rows)
    with ui.expansion(f"Обучающиеся: {count} в {len(rows)} кл.").classes("w-full"):
        table = ui.table(columns=[{"name": "class", "label": "Класс", "field": "class", "align": "left"},
                                  {"name": "students", "label": "Обучающиеся", "field": "students",
                                   "align": "left"}], rows=rows, row_key="class_id", pagination=0).classes(
            "w-full").props("dense flat wrap-cells").mark(marker)
        table.add_slot("body-cell-students", '<q-td :props="props"><span v-for="s in props.row.students" '
                       'class="q-mr-md"><a :href="s.href" class="text-primary">{{ s.name }}</a></span></q-td>')


def _works(works: TableRows, own: bool, chosen_name: str | None, here: str) -> None:
    """The works conducted in the classes, one paged table; after «работы класса» only that class's
    (`chosen_name`)."""
    if not section("Работы, проведённые в моих классах" if own else "Работы, проведённые в классах педагога",
                   works.rows, "my-works-none"):
        return
    ui.link_target("my-works")
    if chosen_name:
        with ui.row().classes("items-center gap-2"):
            ui.label(f"Класс {chosen_name}:").classes("text-subtitle1 text-weight-bold").mark("my-works-class")
            ui.link("все классы", here + "#my-works").mark("my-works-all")
    show_table(works, "my-works", rows_per_page=PAGE)


def _class_name(classes: pd.DataFrame, class_id: str) -> str:
    row = classes[(classes["id"] == class_id).fillna(False).to_numpy(dtype=bool)]
    label = class_label(row["parallel"], row["letter"])
    return str(label.iloc[0]) if len(label) and pd.notna(label.iloc[0]) else class_id


@dataclass(frozen=True)
class OwnClass:
    """What the block of a class teacher's own class shows."""

    class_id: str
    name: str
    rows: pd.DataFrame  # every subject taught in the class, with indicators
    risk: pd.DataFrame
    students: pd.DataFrame


def own_class_of(frames: Mapping[str, pd.DataFrame], facts: pd.DataFrame, class_id: str) -> OwnClass:
    pairs = pf.class_pairs(frames["teaching_load"], {class_id})
    return OwnClass(class_id, _class_name(frames["classes"], class_id),
                    pf.pair_indicators(facts, pairs, frames["classes"], frames["subjects"]),
                    students_at_risk(pf.pair_facts(facts, pairs)),
                    pf.class_students(frames["students"], frames["classes"], {class_id}))


@dataclass(frozen=True)
class TeacherHome:
    """Everything «Мой кабинет» of one teacher shows, computed once per cache version off the event loop."""

    mine: pd.DataFrame
    rows: pd.DataFrame
    totals: pd.DataFrame
    missing: pd.DataFrame
    works: pd.DataFrame
    tasks: pd.DataFrame
    elements: pd.DataFrame
    risk: pd.DataFrame
    students: pd.DataFrame
    own: list[OwnClass]
    seen_classes: frozenset[str]  # classes in what the viewer may see (a class справка needs them)


def teacher_home(facts: pd.DataFrame, frames: Mapping[str, pd.DataFrame], scope: Scope, seen: pd.DataFrame,
                 today: dt.date) -> TeacherHome:
    pairs = pd.DataFrame(sorted(scope.pairs), columns=pf.PAIR_KEYS)
    mine = pf.pair_facts(facts, pairs)
    return TeacherHome(
        mine=mine, rows=pf.pair_indicators(facts, pairs, frames["classes"], frames["subjects"]),
        totals=pf.class_totals(facts, pairs, frames["classes"]),
        missing=pf.works_without_results(frames["works"], frames["classes"], frames["subjects"], pairs, facts, today),
        works=pf.works_of(mine), tasks=pf.weak_tasks(mine, frames["tasks"]),
        elements=pf.weak_elements(mine, frames["tasks"]), risk=students_at_risk(mine),
        students=pf.class_students(frames["students"], frames["classes"], set(scope.taught_classes)),
        own=[own_class_of(frames, facts, c) for c in sorted(scope.classes)],
        seen_classes=frozenset(seen["class_id"].dropna().astype(str)))


@dataclass(frozen=True)
class HomeTables:
    """The tables of «Мой кабинет» ready to draw, made once per cache version, teacher and chosen class, off the
    event loop (their cell text and links are most of what building the page costs)."""

    classes: TableRows
    missing: TableRows
    works: TableRows
    works_class: str | None  # the name of the class whose works are shown (None: all classes)
    tasks: TableRows
    elements: TableRows
    risk: TableRows
    students: list[dict[str, object]]
    own: list[tuple[OwnClass, TableRows, TableRows, list[dict[str, object]]]]  # block, subjects, risk, students


NONE = TableRows([], [])


def _rows(frame: pd.DataFrame, build: Callable[[pd.DataFrame], TableRows]) -> TableRows:
    return build(frame) if len(frame) else NONE


def home_tables(data: TeacherHome, teacher_id: str, chosen: str | None) -> HomeTables:
    here = f"/my?teacher={teacher_id}"  # the teacher's own link, too
    works, name = data.works, None
    if chosen:
        works = works[(works["class_id"] == chosen).fillna(False).to_numpy(dtype=bool)]
        name = str(works["class"].iloc[0]) if len(works) else None
    return HomeTables(
        classes=_rows(data.rows.assign(works_link="работы класса"), lambda f: class_rows(
            f, ("works_link",), {"works_link": [f"{here}&works={c}#my-works" for c in f["class_id"]]}, TITLES)),
        missing=_rows(data.missing.assign(enter="ввести"), lambda f: linked_rows(f, MISSING_COLUMNS, {
            "enter": [f"/grid?work={w}&class={c}" for w, c in zip(f["work_id"], f["class_id"], strict=True)]},
            TITLES)),
        works=_rows(works, lambda f: linked_rows(f, ("class", *WORK_COLUMNS), {
            "work": [f"/work/{w}?class={c}" for w, c in zip(f["work_id"], f["class_id"], strict=True)]})),
        works_class=name,
        tasks=_rows(data.tasks, lambda f: linked_rows(f, WEAK_TASK_COLUMNS, {
            "work": [f"/work/{w}?class={c}" for w, c in zip(f["work_id"], f["class_id"], strict=True)]})),
        elements=_rows(data.elements, lambda f: linked_rows(f, WEAK_ELEMENT_COLUMNS)),
        risk=_rows(data.risk, risk_rows),
        students=student_rows(data.students) if len(data.students) else [],
        own=[(b, _rows(b.rows, class_rows), _rows(b.risk, risk_rows),
              student_rows(b.students) if len(b.students) else []) for b in data.own])


def _own_class(frames: Mapping[str, pd.DataFrame], facts: pd.DataFrame, own_block: tuple[OwnClass, TableRows,
               TableRows, list[dict[str, object]]], own: bool, seen: pd.DataFrame, in_seen: bool) -> None:
    """A class teacher's own class: every subject taught in it, its students at risk and their portfolios."""
    block, subjects, risk, students = own_block
    class_id, name = block.class_id, block.name
    ui.label(f"Мой класс {name} (классное руководство): все предметы" if own
             else f"Классный руководитель: {name} — все предметы класса").classes("text-h6 q-mt-lg").mark(
        f"my-own-title-{class_id}")
    if block.rows.empty:
        ui.label("Нагрузка по классу не заполнена.").mark(f"my-own-{class_id}-none")
        return
    show_table(subjects, f"my-own-{class_id}")
    if in_seen:
        with ui.row().classes("items-center gap-2").mark(f"my-class-spravka-{class_id}"):
            ui.label(f"Справка по классу {name} за год:").classes("text-body2")
            exports_panel("class", {"class_id": class_id}, None, seen, frames, None, False, f"class-{class_id}-",
                          base=facts)
    _risk(risk, f"my-own-risk-{class_id}")
    _students(students, f"my-own-students-{class_id}")


async def home(base: PageBase, teacher_id: str, scope: Scope, own: bool, chosen: str | None = None) -> None:
    """The dashboard of the teacher of `scope` (app.access.teacher_scope: the load and the classes they lead);
    `own` when they look at it themself, else the headings speak of «педагог»; `chosen` — the class whose works
    the works table shows (all classes when None)."""
    frames, facts = base.seen.frames, base.facts  # rows shown are the read scope's
    seen = base.visible  # справки compare with what the person looking may see (the whole school for the deputy)
    data = await computed(base.version, teacher_home, facts, frames, scope, seen, dt.date.today())
    mine = data.mine
    with ui.row().classes("items-center gap-4"):
        ui.link("Портфолио педагога", f"/teacher/{teacher_id}").mark("my-portfolio")
        ui.link("Ввод результатов", "/grid").mark("my-grid")
    if not mine.empty:
        with ui.row().classes("items-center gap-2").mark("my-teacher-spravka"):
            ui.label("Справка по педагогу за год:").classes("text-body2")
            exports_panel("teacher", {"teacher_id": teacher_id}, None, seen, frames, None, False, "teacher-",
                          base=facts)
    if not scope.pairs:
        ui.label("Нет данных: в учебной нагрузке нет классов и предметов "
                 + ("вашей учётной записи." if own else "этого педагога.")).mark("my-no-data")
        if not scope.classes:
            return
    elif mine.empty:
        ui.label("Нет данных: результаты работ по " + ("вашим классам" if own else "классам педагога")
                 + " ещё не введены.").mark("my-no-data")
    tables = await computed(base.version, home_tables, data, teacher_id, chosen)
    if section("Мои классы и предметы" if own else "Классы и предметы педагога", data.rows, "my-classes-none"):
        show_table(tables.classes, "my-classes")
        ui.label(f"Показатели — по всем работам учебного года; {TITLES['works_link'].lower()} класса — ниже."
                 ).classes("text-caption text-grey-7")
        _quality_chart(data.totals)
    if section("Работы без результатов", data.missing, "my-missing-none"):
        show_table(tables.missing, "my-missing", rows_per_page=PAGE)
    _works(tables.works, own, tables.works_class, f"/my?teacher={teacher_id}")
    if section("Слабые задания (менее 50 % от максимума)", data.tasks, "my-weak-tasks-none"):
        show_table(tables.tasks, "my-weak-tasks", rows_per_page=PAGE)
    if section("Слабые элементы содержания (менее 50 % от максимума)", data.elements, "my-weak-elements-none"):
        show_table(tables.elements, "my-weak-elements", rows_per_page=PAGE)
    _risk(tables.risk, "my-risk")
    _students(tables.students, "my-students")
    for block in tables.own:
        _own_class(frames, facts, block, own, seen, block[0].class_id in data.seen_classes)


def _teacher_list(frames: Mapping[str, pd.DataFrame]) -> None:
    """For the deputy: every teacher, opening their dashboard."""
    t = frames["teachers"]
    rows = pd.DataFrame({"teacher_id": t["id"].astype(str).to_numpy(),
                         "name": teacher_names(t).to_numpy(), "position": t["position"].astype(object).to_numpy()})
    rows = rows.sort_values("name", kind="stable").reset_index(drop=True)
    ui.label("Выберите педагога, чтобы открыть его кабинет.").classes("text-body1")
    linked_table(rows, ("name", "position"), "my-teachers",
                 {"name": [f"/my?teacher={i}" for i in rows["teacher_id"]]}, titles={"name": "Педагог"})


def create() -> None:
    @page("/my", "my")
    async def my_page(request: Request) -> None:
        account = current_account()
        if account is None:  # the guard has checked already; this keeps the type narrow
            return
        base = await page_base(account)
        frames = base.seen.frames
        asked = request.query_params.get("teacher", "")
        chosen = request.query_params.get("works") or None
        if account.role == Role.DEPUTY:
            if not asked:
                with frame("Кабинеты педагогов"):
                    _teacher_list(frames)
                return
            card = pf.teacher_card(frames["teachers"], frames["departments"], asked)
            if card is None:
                with frame("Кабинет педагога"):
                    ui.label("Педагог не найден.").mark("my-unknown")
                return
            with frame(f"Кабинет педагога: {card['short']}"):
                await home(base, asked, await computed(base.version, teacher_scope, frames, asked),
                           own=asked == account.teacher_id, chosen=chosen)
            return
        if asked and asked != account.teacher_id:
            with frame("Мой кабинет"):
                ui.label("Нет доступа: кабинет другого педагога открывает только заместитель директора.").mark(
                    "my-forbidden")
            return
        if not account.teacher_id or not can_open(account, "my"):
            with frame("Мой кабинет"):
                ui.label("Учётная запись не связана с педагогом: обратитесь к администратору.").mark("my-unlinked")
            return
        with frame("Мой кабинет"):  # the blocks the deputy sees of this teacher, whatever the account's role
            await home(base, account.teacher_id, await computed(base.version, teacher_scope, frames,
                                                                 account.teacher_id), own=True, chosen=chosen)
