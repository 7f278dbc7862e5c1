"""Results grid: /grid?work=<id>&class=<id> — students of a class × tasks of a work, saved as one batch.

The grid itself is forms.results_grid.ResultsGrid; this page picks the work and the class, reads the students and
their existing results from the cache, and submits the grid's changes through the write path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import Request
from nicegui import ui

from app.access import scope_of
from app.auth import current_account, page
from app.frame import frame
from app.pages.grid_pickers import StoredDraft, my_works
from app.pages.services import frames, raw_rows, submit_changes, viewer
from app.state import ctx
from app.visible import visible_workbook
from forms.grid import work_spec
from forms.leave_guard import leave_now
from forms.results_grid import ResultsGrid
from reports.labels import class_label
from sheets_schema import ID_HEADER, SCHEMA
from sync.users import Account


def class_students(class_id: str, account: Account | None = None) -> list[tuple[str, str]]:
    """(id, «Фамилия Имя») of the students of a class the person may read, alphabetically."""
    st = visible_workbook(viewer(account))["students"]
    mine = st[st["class_id"].astype(str) == class_id]
    names = (mine["last_name"].astype(str) + " " + mine["first_name"].astype(str)).str.strip()
    return sorted(zip(mine["id"].astype(str), names, strict=True), key=lambda p: p[1].casefold())


def existing_results(work_id: str, student_ids: Iterable[str], account: Account | None = None
                     ) -> dict[str, dict[str, str]]:
    """student id -> raw cells of their result for the work: valid, pending and hand-broken rows alike (those the
    person may read)."""
    wanted = set(student_ids)
    res = ctx().cache.workbook["results"]
    ids = list(res.loc[(res["work_id"].astype(str) == work_id) & res["student_id"].astype(str).isin(wanted), "id"]
               .astype(str))
    grid = ctx().cache.grid("results")
    if grid:
        header = [h.strip() for h in grid[0]]
        sheet = SCHEMA["results"]
        cols = [header.index(h) if h in header else -1 for h in (ID_HEADER, sheet.header_of("work_id"),
                                                                 sheet.header_of("student_id"))]
        if min(cols) >= 0:
            i, w, s = cols
            ids += [r[i].strip() for r in grid[1:] if len(r) > max(cols) and r[w].strip() == work_id
                    and r[s].strip() in wanted]
    out: dict[str, dict[str, str]] = {}
    for raw in raw_rows("results", ids, account).values():
        sid = raw.get("student_id", "").strip()
        if raw.get("work_id", "").strip() == work_id and sid in wanted:
            out.setdefault(sid, raw)
    return out


def classes_for(parallel: int | None, subject_id: str | None = None) -> dict[str, str]:
    """id -> «9«А»» of the classes of a parallel; with a subject, only those the signed-in person teaches (staff
    roles) — the write path refuses the others anyway, this only keeps the list honest."""
    frames_ = ctx().cache.workbook.frames
    cls = frames_["classes"]
    if parallel is not None:
        cls = cls[cls["parallel"] == parallel]
    account = current_account() if subject_id is not None else None
    if account is not None:
        scope = scope_of(account, frames_)
        if not scope.everything:
            ok = [(c, subject_id) in scope.pairs or c in scope.classes or subject_id in scope.department_subjects
                  for c in cls["id"].astype(str)]
            cls = cls[ok]
    labels = class_label(cls["parallel"], cls["letter"]).astype(str)
    return dict(sorted(zip(cls["id"].astype(str), labels, strict=True), key=lambda p: (len(p[1]), p[1])))


def subject_of(work_id: str) -> str:
    works = ctx().cache.workbook["works"]
    hit = works.loc[works["id"].astype(str) == work_id, "subject_id"]
    return str(hit.iloc[0]) if len(hit) else ""


def create() -> None:
    @page("/grid", "grid")
    def grid_page(request: Request, account: Account) -> None:
        work_id = request.query_params.get("work", "")
        class_id = request.query_params.get("class", "")
        with frame("Ввод результатов работы"):
            works = my_works(account)
            spec = work_spec(frames(), work_id) if work_id in works else None
            classes = classes_for(spec.parallel, subject_of(work_id)) if spec else {}
            shown: list[ResultsGrid] = []

            def go(work: str | None, cls: str | None) -> None:
                if (work or "", cls or "") == (work_id, class_id):
                    return
                target = f"/grid?work={work or ''}&class={cls or ''}"
                if shown and shown[0].dirty:
                    ask_before_leaving(shown[0], target, lambda: (work_select.set_value(work_id if spec else None),
                                                                  class_select.set_value(class_id or None)))
                else:
                    ui.navigate.to(target)

            with ui.row().classes("w-full items-center gap-4"):
                work_select = ui.select(works, value=work_id if spec else None, with_input=True,
                                        label="Работа (поиск по названию или предмету)",
                                        on_change=lambda e: go(e.value, None)).classes("w-[560px]").mark("grid-work")
                class_select = ui.select(classes, value=class_id if class_id in classes else None, label="Класс",
                                         on_change=lambda e: go(work_id, e.value)).classes("w-40").mark("grid-class")
            if spec is None:
                ui.label("Выберите работу и класс." if not work_id else
                         "Работа не найдена, содержит ошибки (см. «Качество данных») или не по вашим предметам и "
                         "параллелям.").mark("grid-hint")
                return
            if not spec.tasks:
                ui.label("У работы нет заданий — добавьте их на странице работы.").mark("grid-hint")
                ui.link("Открыть работу", f"/entry/works/{work_id}")
                return
            if class_id not in classes:
                ui.label(f"Выберите класс {spec.parallel}-й параллели из вашей нагрузки.").mark("grid-hint")
                return
            students = class_students(class_id)
            if not students:
                ui.label("В классе нет обучающихся.").mark("grid-hint")
                return
            ui.label("Введите баллы за задания как в таблице: набранное число заменяет ячейку, Enter — вниз, Tab — "
                     "вправо, стрелки — по ячейкам, F2 или двойной щелчок — исправить ячейку, Ctrl+V вставляет блок "
                     "из Excel. Сумма и отметка считаются сами по критериям работы. Несохранённое остаётся "
                     "черновиком.").classes("text-body2 text-grey-8")
            drafts = StoredDraft(account.login, work_id, class_id) if account is not None else None
            shown.append(ResultsGrid(spec, students, existing_results(work_id, [s for s, _ in students]),
                                     frames=frames, on_save=submit_changes, drafts=drafts))
            ui.link("Скачать шаблон xlsx для этого класса", f"/upload?work={work_id}&class={class_id}")


def ask_before_leaving(grid: ResultsGrid, target: str, stay: Callable[[], Any]) -> None:
    """The in-page question before another work or class replaces a grid with unsaved rows."""
    with ui.dialog() as dialog, ui.card().mark("grid-leave-dialog"):
        ui.label("В таблице есть несохранённые баллы").classes("text-h6")
        ui.label("Они останутся черновиком и восстановятся, когда вы снова откроете эту работу и класс.")

        def keep() -> None:
            dialog.close()
            stay()

        async def save_and_go() -> None:
            dialog.close()
            if await grid.save():
                ui.navigate.to(target)
            else:
                stay()

        def go() -> None:
            dialog.close()
            leave_now()
            ui.navigate.to(target)

        with ui.row().classes("w-full justify-end"):
            ui.button("Остаться", on_click=keep).props("flat").mark("grid-leave-stay")
            ui.button("Уйти, оставив черновик", on_click=go).props("flat").mark("grid-leave-go")
            ui.button("Сохранить и перейти", on_click=save_and_go).mark("grid-leave-save")
    dialog.open()
