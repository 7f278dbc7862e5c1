"""The municipality's management cycle (/lab/cycle): per direction the lab's records of goals, measures and the check
of their effect, each indicator read from the warehouse for the year and the year before; the methodologist adds a
record on the sheet «Управленческий цикл» with the lab's forms and edits or deletes one in place
(/lab/cycle/{id}, the same checks and messages as a new record, the role enforced on the server); the same document
as Word, Excel and PDF for the regional authority."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from app import background
from app.auth import current_account
from app.lab.access import can_open_lab
from app.lab.document_view import prepared, show
from app.lab.pages import frame, lab, lab_page
from app.lab.writes import submit_lab
from forms.changes import edit_change
from forms.entry_form import EntryForm
from reports.district.builders import parse_params
from sheets_schema.lab import LAB_SCHEMA, MANAGEMENT_CYCLE
from sheets_schema.rows import RowProblem
from sync.write.commands import WriteCommand

EDIT_PAGE = "lab_entry"  # editing a record is editing the lab's workbook: the methodologist only


def _records() -> list[dict[str, Any]]:
    """The sheet's records, the latest year first, for the list of links (blocking: reads the cache)."""
    f = lab().cache.workbook.frames[MANAGEMENT_CYCLE.key]
    if f.empty:
        return []
    f = f.sort_values(["academic_year", "direction", "id"], ascending=[False, True, True], kind="stable")
    return [{"id": str(r["id"]), "year": str(r["academic_year"]), "direction": str(r["direction"]),
             "goal": str(r["goal"]) if isinstance(r["goal"], str) else ""} for r in f.to_dict("records")]


def _record_links(records: list[dict[str, Any]]) -> None:
    ui.label("Записи цикла").classes("text-h6")
    if not records:
        ui.label("Записей пока нет.").mark("cycle-no-records")
    with ui.column().classes("gap-1").mark("cycle-records"):
        for r in records:
            goal = r["goal"] if len(r["goal"]) <= 90 else r["goal"][:89] + "…"
            with ui.row().classes("items-center gap-2"):
                ui.label(f"{r['year']} · {r['direction']}: {goal}").classes("text-body2")
                ui.link("Изменить или удалить", f"/lab/cycle/{r['id']}").mark(f"cycle-edit-{r['id']}")


def _no_options(_: str) -> dict[str, str]:
    return {}  # the sheet refers to no other sheet


def _editor(row_id: str, values: dict[str, str]) -> None:
    """The record's form (its save: an update of the changed cells with the texts the person saw) and the deletion
    behind a confirmation."""
    account = current_account()
    login = account.login if account is not None else ""

    async def on_save(row: dict[str, str]) -> list[RowProblem]:
        change = edit_change(MANAGEMENT_CYCLE, row_id, form.initial, row)
        if change is None:
            ui.notify("Изменений нет")
            return []
        command = WriteCommand("update", MANAGEMENT_CYCLE.key, row_id, dict(change.values), dict(change.expected),
                               user=login)
        problems = await background.io_bound(submit_lab, current_account(), [command])
        if not problems:
            form.initial.update(change.values)
            ui.notify("Сохранено", type="positive")
        return problems

    form = EntryForm(LAB_SCHEMA, MANAGEMENT_CYCLE.key, values=values, options=_no_options,
                     frames=lambda: lab().cache.workbook.frames, on_save=on_save)

    async def delete() -> None:
        dialog.close()
        command = WriteCommand("delete", MANAGEMENT_CYCLE.key, row_id, {}, {}, user=login)
        problems = await background.io_bound(submit_lab, current_account(), [command])
        if problems:
            ui.notify("; ".join(p.message for p in problems), type="negative")
            return
        form.mark_saved()
        ui.notify("Запись удалена", type="positive")
        ui.navigate.to("/lab/cycle")

    with ui.dialog() as dialog, ui.card():
        ui.label(f"Удалить запись «{values.get('goal', '')}» ({values.get('academic_year', '')})? Восстановить её "
                 "будет нельзя.").mark("cycle-delete-question")
        with ui.row():
            ui.button("Удалить", on_click=delete).props("color=negative").mark("cycle-delete-confirm")
            ui.button("Отмена", on_click=dialog.close).props("flat").mark("cycle-delete-cancel")
    ui.button("Удалить запись", on_click=dialog.open).props("flat color=negative").mark("cycle-delete")


def create() -> None:
    @lab_page("/lab/cycle", "lab_cycle")
    async def cycle_page(year: str = "") -> None:
        body = frame("Управленческий цикл муниципалитета")
        account = current_account()
        await ui.context.client.connected()
        with body:
            ui.label("По письму Рособрнадзора от 20.04.2021 № 08-70: по каждому направлению — цели, показатели, "
                     "мониторинг, анализ, адресные рекомендации, меры и проверка их эффекта. Значение показателя "
                     "читается из хранилища за этот и прошлый учебный год.").classes("text-body2")
            if can_open_lab(account, "lab_entry"):
                ui.link(f"Добавить запись в лист «{MANAGEMENT_CYCLE.title}»",
                        f"/lab/entry/{MANAGEMENT_CYCLE.key}").mark("cycle-add")
        if can_open_lab(account, EDIT_PAGE):
            records = await background.io_bound(_records)
            with body:
                _record_links(records)
        doc = await prepared(body, lab(), "cycle", parse_params(year), "cycle")
        if doc is None:
            return
        with body:
            show(doc, f"Управленческий цикл {doc.meta[0][1]}")

    @lab_page("/lab/cycle/{row_id}", EDIT_PAGE)
    async def cycle_record(row_id: str) -> None:
        body = frame("Управленческий цикл: изменение записи")
        values = await background.io_bound(lambda: lab().cache.raw_row(MANAGEMENT_CYCLE.key, row_id))
        with body:
            ui.link("← к управленческому циклу", "/lab/cycle")
            if not values.get("id"):
                ui.label("Запись не найдена: возможно, её уже удалили.").mark("cycle-missing")
                return
            _editor(row_id, values)
