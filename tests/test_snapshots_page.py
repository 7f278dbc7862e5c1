"""The admin snapshots page through NiceGUI's user fixture, on a small store so each action takes milliseconds."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from nicegui import ui
from nicegui.testing import User

from app.access import Role
from app.pages import snapshots as page
from sheets_schema import SCHEMA
from sync import snapshots as snap
from sync.layout import layouts_of
from sync.local import LocalStore
from sync.users import UserStore
from tests.conftest import PASSWORD, sign_in
from tests.waits import await_until

STUDENTS = SCHEMA["students"].title
URL = "/admin/snapshots"


@pytest.fixture
def small_dir(empty_data_dir: Path) -> Path:
    store = LocalStore(empty_data_dir / "edumon.sqlite3")
    store.ensure_layout(layouts_of(SCHEMA))
    store.replace_sheet(STUDENTS, [SCHEMA["students"].headers, ["st1", "Петров", "Иван"], ["st2", "Орлова", "Анна"]])
    users = UserStore(empty_data_dir / "users.sqlite3")
    users.add("admin", "Администратор баз данных", Role.DB_ADMIN, PASSWORD)
    users.add("zam", "Заместитель директора", Role.DEPUTY, PASSWORD)
    return empty_data_dir


def _store(data_dir: Path) -> LocalStore:
    return LocalStore(data_dir / "edumon.sqlite3")


async def _open(user: User, login: str = "admin") -> None:
    page.create()  # app/main.py registers it in production; registering again replaces the route
    await sign_in(user, login)
    await user.open(URL)


def _pick(user: User, marker: str, value: object) -> None:
    element = user.find(marker=marker).elements.pop()
    assert isinstance(element, ui.select)
    element.value = value


def _table_rows(user: User) -> list[dict]:
    table = user.find(marker="snapshots-table").elements.pop()
    assert isinstance(table, ui.table)
    return list(table.rows)


async def _listed(user: User, sid: str) -> None:
    """Table rows are props, not text, so should_see cannot find them: poll the table instead."""
    await await_until(lambda: any(r["id"] == sid for r in _table_rows(user)), what=f"{sid} in the snapshots table")


async def test_empty_list_then_take_a_snapshot_with_a_note(small_dir: Path, user: User) -> None:
    await _open(user)
    await user.should_see(marker="no-snapshots")
    user.find(marker="snapshot-note").type("перед педсоветом")
    user.find(marker="take-snapshot").click()
    await user.should_see("сделан")
    [info] = snap.list_snapshots(small_dir)
    await _listed(user, info.id)
    [row] = _table_rows(user)
    assert (row["id"], row["note"], row["kind"], row["rows"]) == (info.id, "перед педсоветом", "вручную", 2)
    user.find(marker="verify").click()
    await user.should_see("цел — контрольные суммы совпадают")
    assert _table_rows(user)[0]["check"] == "цел"


async def test_diff_restore_and_download(small_dir: Path, user: User) -> None:
    info = snap.take_snapshot(_store(small_dir), small_dir, "исходный")
    _store(small_dir).update_rows(STUDENTS, "id", {"st1": {"Фамилия": "Петрова"}})
    await _open(user)
    await _listed(user, info.id)
    _pick(user, "diff-old", info.id)
    _pick(user, "diff-new", "current")
    user.find(marker="compare").click()
    await user.should_see(marker=f"diff-changed-{STUDENTS}")
    table = user.find(marker=f"diff-changed-{STUDENTS}").elements.pop()
    assert isinstance(table, ui.table)
    assert [(r["key"], r["column"], r["change"]) for r in table.rows] == [("st1", "Фамилия", "«Петров» → «Петрова»")]

    _pick(user, "snapshot-pick", info.id)
    user.find(marker="restore").click()
    await user.should_see(marker="restore-confirm")
    user.find(marker="restore-confirm").click()
    await user.should_see("Восстановлено листов: 1")
    bar = user.find(marker="snapshot-progress").elements.pop()
    await await_until(lambda: bar.value == 1.0, what="the progress bar full")  # bindings copy every 0.1 s
    assert isinstance(bar, ui.linear_progress) and bar.value == 1.0
    assert _store(small_dir).read_all()[STUDENTS][1][1] == "Петров"
    safety = snap.resolve(small_dir, "latest")
    assert safety.kind == snap.SAFETY
    await _listed(user, safety.id)

    _pick(user, "snapshot-pick", info.id)
    user.find(marker="download").click()
    response = await user.download.next()
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book[STUDENTS]["B2"].value == "Петров"


async def test_damaged_snapshot_is_refused_with_a_russian_message(small_dir: Path, user: User) -> None:
    info = snap.take_snapshot(_store(small_dir), small_dir)
    (info.path / "students.parquet").write_bytes(b"PAR1")
    _store(small_dir).replace_sheet(STUDENTS, [SCHEMA["students"].headers])
    before = _store(small_dir).read_all()
    await _open(user)
    await _listed(user, info.id)
    _pick(user, "snapshot-pick", info.id)
    user.find(marker="verify").click()
    await user.should_see("повреждён, восстановление из него невозможно")
    user.find(marker="restore").click()
    await user.should_see("использовать его нельзя")
    assert _store(small_dir).read_all() == before
    _pick(user, "snapshot-pick", None)  # nothing chosen is a hint, not an error
    user.find(marker="restore").click()
    await user.should_see("Выберите снимок")


async def test_only_the_db_administrator_may_open_the_page(small_dir: Path, user: User) -> None:
    await _open(user, "zam")
    await user.should_see(marker="forbidden")
    await user.should_not_see(marker="take-snapshot")
