"""«Мой кабинет» (/my): a teacher's own classes and subjects with their indicators, the works conducted in them,
weak tasks and content elements, students at risk, works still without results, and for a class teacher (per the
classes sheet, whatever the account's role) their class across all subjects. The deputy opens any teacher's with
/my?teacher=t-001 (and a list without it): the same blocks, headed neutrally. Reads the cache only; analytics come
from reports.portfolio and reports.risk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
from fastapi import Request
from nicegui import ui

from reports import portfolio as pf
from reports.dashboard import rounded
from reports.labels import class_label
from reports.risk import students_at_risk
from reports.teachers import teacher_names

from ..access import Role, Scope, can_open, scope_of, teacher_scope, visible_facts
from ..auth import current_account, page
from ..derived import derived_for
from ..frame import frame
from ..state import ctx
from ..visible import visible_workbook
from .dashboard_exports import exports_panel
from .portfolio import class_table, linked_table, section

WORK_COLUMNS = ("date", "work", "subject", "kind", "N", "success_pct", "quality_pct", "sou_pct", "mean_mark")
MISSING_COLUMNS = ("date", "work", "subject", "kind", "class", "enter")
WEAK_TASK_COLUMNS = ("class", "work", "number", "element", "task_level", "pct_of_max", "full_pct", "zero_pct")
WEAK_ELEMENT_COLUMNS = ("class", "work", "element", "tasks", "pct_of_max")
RISK_COLUMNS = ("student", "class", "n_twos", "n_low", "reasons")
TITLES = {"works_link": "Работы", "enter": "Ввод результатов"}


def _quality_chart(totals: pd.DataFrame) -> None:
    ui.echart({
        "title": {"text": "Качество знаний по классам, %", "textStyle": {"fontSize": 14}},
        "tooltip": {},
        "xAxis": {"type": "category", "data": [str(c) for c in totals["class"]]},
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
        "series": [{"type": "bar", "name": "Качество знаний", "data": [rounded(v) for v in totals["quality_pct"]],
                    "itemStyle": {"color": "#1565c0"}}],
    }).classes("w-full max-w-[720px] h-64").mark("my-quality-chart")


def _risk(facts: pd.DataFrame, marker: str) -> None:
    risk = students_at_risk(facts)
    if section("Обучающиеся группы риска", risk, f"{marker}-none"):
        linked_table(risk, RISK_COLUMNS, marker, {"student": [f"/student/{s}" for s in risk["student_id"]]})


def _students(frames: Mapping[str, pd.DataFrame], class_ids: list[str], marker: str) -> None:
    """Links to the portfolio of every student of the classes, one row per class."""
    students = pf.class_students(frames["students"], frames["classes"], set(class_ids))
    if not section("Портфолио обучающихся", students, f"{marker}-none"):
        return
    with ui.column().classes("gap-1").mark(marker):
        for (_, label), group in students.groupby(["class_order", "class"], sort=True):
            with ui.row().classes("items-center gap-x-3 gap-y-0"):
                ui.label(f"{label}:").classes("text-weight-bold")
                for sid, name in zip(group["student_id"], group["student"], strict=True):
                    ui.link(str(name), f"/student/{sid}")


def _works(mine: pd.DataFrame, own: bool) -> None:
    works = pf.works_of(mine)
    if not section("Работы, проведённые в моих классах" if own else "Работы, проведённые в классах педагога", works,
                   "my-works-none"):
        return
    for class_id, rows in works.groupby("class_id", sort=False):
        ui.link_target(f"works-{class_id}")
        ui.label(str(rows["class"].iloc[0])).classes("text-subtitle1 text-weight-bold")
        links = [f"/work/{w}?class={class_id}" for w in rows["work_id"]]
        linked_table(rows, WORK_COLUMNS, f"my-works-{class_id}", {"work": links})


def _class_name(classes: pd.DataFrame, class_id: str) -> str:
    row = classes[(classes["id"] == class_id).fillna(False).to_numpy(dtype=bool)]
    label = class_label(row["parallel"], row["letter"])
    return str(label.iloc[0]) if len(label) and pd.notna(label.iloc[0]) else class_id


def _own_class(frames: Mapping[str, pd.DataFrame], facts: pd.DataFrame, class_id: str, own: bool,
               seen: pd.DataFrame) -> None:
    """A class teacher's own class: every subject taught in it, its students at risk and their portfolios."""
    pairs = pf.class_pairs(frames["teaching_load"], {class_id})
    rows = pf.pair_indicators(facts, pairs, frames["classes"], frames["subjects"])
    name = _class_name(frames["classes"], class_id)
    ui.label(f"Мой класс {name} (классное руководство): все предметы" if own
             else f"Классный руководитель: {name} — все предметы класса").classes("text-h6 q-mt-lg").mark(
        f"my-own-title-{class_id}")
    if rows.empty:
        ui.label("Нагрузка по классу не заполнена.").mark(f"my-own-{class_id}-none")
        return
    class_table(rows, f"my-own-{class_id}")
    if (seen["class_id"] == class_id).any():
        with ui.row().classes("items-center gap-2").mark(f"my-class-spravka-{class_id}"):
            ui.label(f"Справка по классу {name} за год:").classes("text-body2")
            exports_panel("class", {"class_id": class_id}, None, seen, frames, None, False, f"class-{class_id}-",
                          base=facts)
    _risk(pf.pair_facts(facts, pairs), f"my-own-risk-{class_id}")
    _students(frames, [class_id], f"my-own-students-{class_id}")


def home(teacher_id: str, scope: Scope, own: bool) -> None:
    """The dashboard of the teacher of `scope` (app.access.teacher_scope: the load and the classes they lead);
    `own` when they look at it themself, else the headings speak of «педагог»."""
    workbook = ctx().cache.workbook
    frames = visible_workbook(current_account()).frames  # rows shown; facts are narrowed by scope below
    facts = derived_for(workbook).facts
    pairs = pd.DataFrame(sorted(scope.pairs), columns=pf.PAIR_KEYS)
    mine = pf.pair_facts(facts, pairs)
    with ui.row().classes("items-center gap-4"):
        ui.link("Портфолио педагога", f"/teacher/{teacher_id}").mark("my-portfolio")
        ui.link("Ввод результатов", "/grid").mark("my-grid")
    # справки compare with what the person looking may see (the whole school for the deputy)
    seen = visible_facts(facts, scope_of(current_account(), frames))
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
    rows = pf.pair_indicators(facts, pairs, frames["classes"], frames["subjects"])
    if section("Мои классы и предметы" if own else "Классы и предметы педагога", rows, "my-classes-none"):
        rows = rows.assign(works_link="работы класса")
        class_table(rows, "my-classes", extra=("works_link",),
                    extra_links={"works_link": [f"#works-{c}" for c in rows["class_id"]]}, titles=TITLES)
        ui.label(f"Показатели — по всем работам учебного года; {TITLES['works_link'].lower()} класса — ниже."
                 ).classes("text-caption text-grey-7")
        _quality_chart(pf.class_totals(facts, pairs, frames["classes"]))
    missing = pf.works_without_results(frames["works"], frames["classes"], frames["subjects"], pairs, facts,
                                       dt.date.today())
    if section("Работы без результатов", missing, "my-missing-none"):
        missing = missing.assign(enter="ввести")
        linked_table(missing, MISSING_COLUMNS, "my-missing", {
            "enter": [f"/grid?work={w}&class={c}" for w, c in zip(missing["work_id"], missing["class_id"],
                                                                  strict=True)]}, titles=TITLES)
    _works(mine, own)
    tasks = pf.weak_tasks(mine, frames["tasks"])
    if section("Слабые задания (менее 50 % от максимума)", tasks, "my-weak-tasks-none"):
        linked_table(tasks, WEAK_TASK_COLUMNS, "my-weak-tasks", {
            "work": [f"/work/{w}?class={c}" for w, c in zip(tasks["work_id"], tasks["class_id"], strict=True)]})
    elements = pf.weak_elements(mine, frames["tasks"])
    if section("Слабые элементы содержания (менее 50 % от максимума)", elements, "my-weak-elements-none"):
        linked_table(elements, WEAK_ELEMENT_COLUMNS, "my-weak-elements")
    _risk(mine, "my-risk")
    _students(frames, sorted(scope.taught_classes), "my-students")
    for class_id in sorted(scope.classes):
        _own_class(frames, facts, class_id, own, seen)


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
    def my_page(request: Request) -> None:
        account = current_account()
        if account is None:  # the guard has checked already; this keeps the type narrow
            return
        frames = visible_workbook(account).frames
        asked = request.query_params.get("teacher", "")
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
                home(asked, teacher_scope(frames, asked), own=asked == account.teacher_id)
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
            home(account.teacher_id, teacher_scope(frames, account.teacher_id), own=True)
