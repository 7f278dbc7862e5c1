"""Entry forms for every editable worksheet: /entry (index), /entry/{sheet} (list + new), /entry/{sheet}/{id} (edit).

A monitoring work is edited together with its tasks. Forms come from the schema (forms.entry_form); this page
supplies readable labels from the cache (app.pages.services) and turns each saved row into a write command.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from nicegui import ui

from app.auth import current_account, page
from app.frame import frame
from app.pages.services import can_write, frames, raw_rows, ref_labels, submit_changes
from app.state import ctx
from app.visible import visible_raw_row
from forms.changes import RowChange, edit_change
from forms.entry_form import EntryForm
from forms.subrows import RowsEditor, maxima_problem, numbering_problems
from sheets_schema import ERROR, SCHEMA
from sheets_schema.rows import RowProblem, check_rows
from sheets_schema.validation import validate_sheet

ENTRY_SHEETS = ("students", "teachers", "classes", "subjects", "departments", "teaching_load", "works", "olympiads",
                "courses", "attestations", "portfolio", "practices", "period_marks")
TABLE_LIMIT = 300  # rows sent to the browser at once; the search runs on the server over every row


def _table(sheet_key: str) -> None:
    """The sheet's valid rows with readable references; rows waiting in the outbox say so. Click opens the edit."""
    sheet = SCHEMA[sheet_key]
    shown = [f for f in sheet.fields if f.key != "id" and f.type.widget != "textarea"][:7]
    pending = ctx().cache.pending.get(sheet_key, set())
    refs = {f.key: ref_labels(f.ref) for f in shown if f.ref}
    rows = []
    for rec in frames()[sheet_key].to_dict("records"):
        row: dict[str, Any] = {"id": rec["id"], "_status": "ожидает записи" if rec["id"] in pending else ""}
        for f in shown:
            v = rec.get(f.key)
            text = "" if v is None or (not isinstance(v, tuple) and pd.isna(v)) else f.type.render(v)
            row[f.key] = refs[f.key].get(text, text) if f.key in refs else text
        rows.append(row)
    haystack = [" ".join(str(v) for v in r.values()).casefold() for r in rows]
    columns = [{"name": f.key, "label": f.header, "field": f.key, "align": "left", "sortable": True} for f in shown]
    columns.append({"name": "_status", "label": "", "field": "_status", "align": "left"})

    @ui.refreshable
    def body(query: str = "") -> None:
        q = query.strip().casefold()
        hits = [r for r, h in zip(rows, haystack, strict=True) if q in h] if q else rows
        ui.label(f"Строк: {len(hits)}" + (f", показаны первые {TABLE_LIMIT} — уточните поиск"
                                          if len(hits) > TABLE_LIMIT else "")).classes("text-caption")
        table = ui.table(columns=columns, rows=hits[:TABLE_LIMIT], row_key="id", pagination=20).classes(
            "w-full").props("dense flat").mark(f"entry-table-{sheet_key}")
        table.on("rowClick", lambda e: ui.navigate.to(f"/entry/{sheet_key}/{e.args[1]['id']}"))

    ui.input("Поиск", on_change=lambda e: body.refresh(e.value or "")).props("clearable dense debounce=300").classes(
        "w-64").mark(f"entry-search-{sheet_key}")
    body()


def _form(sheet_key: str, values: Mapping[str, str] | None, after: Any = None, writable: bool = True) -> EntryForm:
    """A create (values None) or edit form whose save becomes an append or an update command."""
    sheet = SCHEMA[sheet_key]

    async def on_save(row: dict[str, str]) -> list[RowProblem]:
        if not form.editing:
            problems = await submit_changes([RowChange("append", sheet_key, row["id"], row)])
        else:
            change = edit_change(sheet, row["id"], form.initial, row)
            if change is None:
                ui.notify("Изменений нет")
                return []
            problems = await submit_changes([change])
            if not problems:
                form.initial.update(change.values)
        if not problems:
            ui.notify("Сохранено", type="positive")
            if after is not None:
                after(row)
        return problems

    form = EntryForm(SCHEMA, sheet_key, values=values, options=ref_labels, frames=frames, on_save=on_save,
                     save_label="Сохранить" if writable else "")
    return form


def _work_editor(values: Mapping[str, str] | None, writable: bool = True) -> None:
    """A monitoring work and its tasks on one page: the work is written first, then its tasks in one batch."""
    works, tasks = SCHEMA["works"], SCHEMA["tasks"]
    form = EntryForm(SCHEMA, "works", values=values, options=ref_labels, frames=frames, on_save=lambda r: [],
                     save_label="")
    wid = form.row_id
    current = ctx().cache.workbook["tasks"]
    mine = current[current["work_id"].astype(str) == wid].sort_values("number")
    task_raw = raw_rows("tasks", mine["id"].astype(str))
    res = ctx().cache.workbook["results"]
    has_results = bool((res["work_id"].astype(str) == wid).any())
    ui.label("Задания работы").classes("text-h6")
    editor = RowsEditor(SCHEMA, "tasks", [task_raw[i] for i in mine["id"].astype(str) if i in task_raw],
                        parent_key="work_id", options=ref_labels, add_label="Добавить задание",
                        locked_reason="По работе уже введены результаты: удаление задания сдвинет баллы учеников"
                        if has_results else "",
                        next_values=lambda n: {"number": str(n + 1), "level": "базовый"})

    async def save() -> None:
        work_row, task_rows = form.row(), editor.rows(wid)
        trial = dict(frames())
        typed, _, _ = validate_sheet(works, [works.headers, [work_row[k] for k in works.keys]])
        if not typed.empty and wid not in set(trial["works"]["id"].astype(str)):  # let new tasks refer to it
            trial["works"] = pd.concat([trial["works"], typed], ignore_index=True)
        wp = form.check()
        tp = [p for p in check_rows(SCHEMA, "tasks", task_rows, trial, replacing=[r["id"] for r in task_rows])
              if p.field != "work_id"] + numbering_problems(task_rows, "number", tasks.header_of("number"))
        warn = maxima_problem(work_row["max_score"], [r["max_score"] for r in task_rows],
                              works.header_of("max_score"), tasks.header_of("max_score"))
        form.show(wp)
        editor.show(tp, [warn] if warn else [])
        if any(p.severity == ERROR for p in [*wp, *tp]):
            return
        change = edit_change(works, wid, form.initial, work_row) if form.editing else \
            RowChange("append", "works", wid, work_row)
        if change is not None:
            problems = await submit_changes([change])
            if problems:
                form.show(problems)
                return
            form.initial.update(change.values)
            form.editing = True  # the work exists now: saving again updates it
        form.mark_saved()
        lines: list[int] = []
        changes: list[RowChange] = []
        for i, row in enumerate(task_rows):
            c = RowChange("append", "tasks", row["id"], row) if editor.is_new(i) else \
                edit_change(tasks, row["id"], editor.initial_of(i), row)
            if c is not None:
                changes.append(c)
                lines.append(i)
        changes += [RowChange("delete", "tasks", rid, {}) for rid in editor.removed]
        problems = await submit_changes(changes)
        if problems:
            editor.show([RowProblem(lines[p.index] if p.index < len(lines) else 0, p.field, p.message, p.severity)
                         for p in problems])
            return
        editor.saved(wid)
        ui.notify("Работа и задания сохранены", type="positive")
        if values is None:
            ui.navigate.to(f"/entry/works/{wid}")

    if writable:
        ui.button("Сохранить работу и задания", on_click=save).mark("form-save")


def create() -> None:
    @page("/entry", "entry")
    def entry_index() -> None:
        with frame("Ввод данных"):
            with ui.row().classes("gap-3"):
                for key in ENTRY_SHEETS:
                    ui.link(SCHEMA[key].title, f"/entry/{key}").classes("text-body1")
                ui.link("Результаты работ (таблица)", "/grid").classes("text-body1")

    @page("/entry/{sheet_key}", "entry")
    def entry_list(sheet_key: str) -> None:
        if sheet_key not in ENTRY_SHEETS:
            with frame("Ввод данных"):
                ui.label("Такого листа нет среди форм ввода").mark("entry-unknown")
            return
        with frame(f"{SCHEMA[sheet_key].title}: ввод"):
            if not can_write(sheet_key):
                ui.label("Ваша роль не изменяет этот лист: только просмотр.").mark("entry-readonly")
            elif sheet_key == "works":
                ui.label("Новая работа").classes("text-h6")
                _work_editor(None)
            else:
                ui.label("Новая запись").classes("text-h6")
                holder = ui.column().classes("w-full")

                def fresh(_: Any = None) -> None:
                    holder.clear()
                    with holder:
                        _form(sheet_key, None, after=fresh)

                fresh()
            ui.label("Записи листа").classes("text-h6 q-mt-md")
            _table(sheet_key)

    @page("/entry/{sheet_key}/{row_id}", "entry")
    def entry_edit(sheet_key: str, row_id: str) -> None:
        with frame(f"{SCHEMA[sheet_key].title if sheet_key in SCHEMA else ''}: изменение"):
            values = visible_raw_row(current_account(), sheet_key, row_id) if sheet_key in ENTRY_SHEETS else {}
            if not values:
                ui.label("Запись не найдена: возможно, её удалили в таблице").mark("entry-missing")
                return
            ui.link("← к списку", f"/entry/{sheet_key}")
            writable = can_write(sheet_key)
            if not writable:
                ui.label("Ваша роль не изменяет этот лист: только просмотр.").mark("entry-readonly")
            if sheet_key == "works":
                _work_editor(values, writable)
                ui.link("Ввести результаты", f"/grid?work={row_id}")
            else:
                _form(sheet_key, values, writable=writable)
