"""Entry forms through NiceGUI's user fixture: valid rows reach the store, invalid ones only show Russian messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from nicegui.testing import User

from app.pages.entry import ENTRY_SHEETS
from app.state import ctx
from sheets_schema import SCHEMA
from tests.conftest import sign_in
from tests.waits import LIMIT, await_until

pytestmark = pytest.mark.ui_app("manual_drain")


async def until(condition: Callable[[], object], timeout: float = LIMIT) -> None:
    """Saves run in a worker thread: wait for their effect rather than for a fixed time."""
    await await_until(condition, limit=timeout, what="the save took effect")


def store_row(sheet_key: str, row_id: str) -> list[str] | None:
    grid = ctx().store.read_all()[SCHEMA[sheet_key].title]
    return next((r for r in grid[1:] if r and r[0] == row_id), None)


def set_value(user: User, marker: str, value: str) -> None:
    """Pick a value in a select (the user fixture cannot open Quasar popups), or replace an input's text."""
    el = user.find(marker=marker).elements.pop()
    el.value = value


def labels(user: User, marker: str) -> list[str]:
    return [getattr(e, "text", "") for e in user.find(marker=marker).elements.pop().default_slot.children]


async def test_valid_student_is_pending_at_once_and_reaches_the_store(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/entry/students")
    user.find(marker="field-last_name").type("Кузнецова").trigger("blur")
    user.find(marker="field-first_name").type("Ольга")
    set_value(user, "field-class_id", "cls-0009")
    user.find(marker="field-birth_date").type("05.03.2014").trigger("blur")
    set_value(user, "field-gender", "ж")
    user.find(marker="form-save").click()
    await until(lambda: ctx().outbox.pending())
    [entry] = ctx().outbox.pending()
    cmd = entry.command
    assert (cmd.op, cmd.sheet, cmd.user) == ("append", "students", "zam")
    assert cmd.values == {"id": cmd.row_id, "last_name": "Кузнецова", "first_name": "Ольга", "middle_name": "",
                          "class_id": "cls-0009", "birth_date": "05.03.2014", "gender": "ж"}
    assert cmd.row_id.startswith("st-")
    assert cmd.row_id in set(ctx().cache.workbook["students"]["id"])  # shown at once from the outbox overlay
    assert cmd.row_id in ctx().cache.pending["students"]
    assert store_row("students", cmd.row_id) is None
    ctx().worker.drain()
    assert store_row("students", cmd.row_id)[:5] == [cmd.row_id, "Кузнецова", "Ольга", "", "cls-0009"]
    assert ctx().outbox.pending() == []


async def test_invalid_student_shows_inline_messages_and_writes_nothing(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/entry/students")
    user.find(marker="field-first_name").type("Ольга")
    user.find(marker="field-last_name").trigger("blur")
    assert user.find(marker="field-last_name").elements.pop().error == "Обязательное поле не заполнено"
    date = user.find(marker="field-birth_date").type("30.02.2014").trigger("blur")
    assert date.elements.pop().error == "Такой даты нет — в феврале 2014 года 28 дней"
    user.find(marker="form-save").click()
    await user.should_see("Фамилия: Обязательное поле не заполнено")
    await user.should_see("Класс: Обязательное поле не заполнено")
    await user.should_see("Дата рождения: Такой даты нет — в феврале 2014 года 28 дней")
    assert ctx().outbox.entries() == []


async def test_edit_sends_only_changed_fields_with_their_old_texts(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    old = ctx().cache.raw_row("students", "st-00001")
    await user.open("/entry/students/st-00001")
    user.find(marker="field-first_name").clear().type("Тимофей")
    user.find(marker="form-save").click()
    await until(lambda: ctx().outbox.pending())
    [entry] = ctx().outbox.pending()
    assert (entry.command.op, entry.command.row_id) == ("update", "st-00001")
    assert entry.command.values == {"first_name": "Тимофей"}
    assert entry.command.expected == {"first_name": old["first_name"]}
    ctx().worker.drain()
    assert store_row("students", "st-00001")[2] == "Тимофей"


async def test_work_and_its_tasks_on_one_page(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/entry/works")
    user.find(marker="field-title").type("Входная по математике, 5 класс (новая)")
    set_value(user, "field-subject_id", "sub-04")
    user.find(marker="field-parallel").type("5")
    set_value(user, "field-kind", "входная")
    user.find(marker="field-date").type("22.09.2025")
    user.find(marker="field-max_score").type("4")
    for key, value in (("threshold_3", "3"), ("threshold_4", "2"), ("threshold_5", "4")):
        user.find(marker=f"field-{key}").type(value)
    for _ in range(2):
        user.find(marker="rows-tasks-add").click()
    for i, (mx, element) in enumerate((("2", "Дроби"), ("2", "Уравнения"))):
        user.find(marker=f"tasks-{i}-max_score").type(mx)
        user.find(marker=f"tasks-{i}-element").type(element)
    user.find(marker="form-save").click()
    await user.should_see("Минимальный балл на «3»: «Минимальный балл на «3»» < «Минимальный балл на «4»» < "
                          "«Минимальный балл на «5»» должно выполняться, а сейчас 3, 2, 4")
    assert ctx().outbox.entries() == []
    user.find(marker="field-threshold_3").clear().type("1")
    user.find(marker="form-save").click()
    await until(lambda: len(ctx().outbox.pending()) == 3)
    work, *tasks = [e.command for e in ctx().outbox.pending()]
    assert (work.sheet, work.op, work.values["threshold_3"]) == ("works", "append", "1")
    assert [(t.sheet, t.values["work_id"], t.values["number"], t.values["level"]) for t in tasks] == [
        ("tasks", work.row_id, "1", "базовый"), ("tasks", work.row_id, "2", "базовый")]
    ctx().worker.drain()
    assert store_row("tasks", tasks[1].row_id) is not None


async def test_every_entry_sheet_gets_its_form_from_the_declaration(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    for key in ENTRY_SHEETS:
        await user.open(f"/entry/{key}")
        for f in SCHEMA[key].fields[1:]:  # the id is made by the app
            el = user.find(marker=f"field-{f.key}").elements.pop()
            assert el.props["label"] == f.header + (" *" if f.required else ""), (key, f.key)
            assert el.props.get("hint") == (f.help or None), (key, f.key)
    await user.open("/entry/students")
    user.find(marker="entry-search-students").type("Акимов Тимур")
    await user.should_see("Строк: 1")  # the search runs on the server over every row
    table = user.find(marker="entry-table-students").elements.pop()
    assert [r["id"] for r in table.rows] == ["st-00001"]


async def test_a_teacher_sees_a_read_only_list_where_the_role_may_not_write(data_dir: Path, user: User) -> None:
    await sign_in(user, "uchitel")
    await user.open("/entry/students")
    await user.should_see(marker="entry-readonly")
    await user.should_not_see(marker="form-save")
