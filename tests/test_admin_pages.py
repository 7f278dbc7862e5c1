"""Administration in the browser through NiceGUI's user fixture: accounts (add, disable, new password), the audit
log with filters, the write path's status and the справка's letterhead — and a teacher refused on the server."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from nicegui import ui
from nicegui.testing import User

from app.admin import parse_since, status_lines
from app.pages.audit import rows_of
from app.state import ctx
from reports.export.letterhead import default_template
from reports.export.letterhead_config import LETTERHEAD
from sheets_schema.errors import UserFacingError
from sync.convert import read_template
from sync.users import UserStore
from sync.write.commands import WriteCommand
from sync.write.writer import WriteStatus
from tests.conftest import PASSWORD, sign_in
from tests.waits import await_until

ADMIN_PAGES = ("/admin/users", "/admin/audit", "/admin/status", "/admin/letterhead")


def _set(user: User, marker: str, value: object) -> None:
    element = user.find(marker=marker).elements.pop()
    element.value = value  # type: ignore[attr-defined]


def _rows(user: User, marker: str) -> list[dict]:
    table = user.find(marker=marker).elements.pop()
    assert isinstance(table, ui.table)
    return list(table.rows)


@pytest.mark.parametrize("login", ["uchitel", "klruk", "shmo", "metodist"])
async def test_staff_cannot_open_any_admin_page(data_dir: Path, user: User, login: str) -> None:
    await sign_in(user, login)
    for url in ADMIN_PAGES:
        await user.open(url)
        await user.should_see(marker="forbidden")
        await user.should_not_see(marker="users-table")
        await user.should_not_see(marker="audit-table")


async def test_the_deputy_reads_the_audit_and_status_but_does_not_manage_accounts(data_dir: Path,
                                                                                  user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/admin/users")
    await user.should_see(marker="forbidden")
    for url, marker in (("/admin/audit", "audit-table"), ("/admin/status", "write-status"),
                        ("/admin/letterhead", "letterhead-state")):
        await user.open(url)
        await user.should_see(marker=marker)


async def test_the_administrator_adds_disables_and_resets_an_account(data_dir: Path, user: User) -> None:
    users = UserStore(data_dir / "users.sqlite3")
    await sign_in(user, "admin")
    await user.open("/admin/users")
    await await_until(lambda: any(r["login"] == "zam" for r in _rows(user, "users-table")))
    teacher = users.get("uchitel").teacher_id
    # a teacher account without a teacher of «Педагоги» is refused, nothing is written
    _set(user, "new-login", "ivanova")
    _set(user, "new-name", "Иванова Анна Петровна")
    _set(user, "new-role", "teacher")
    _set(user, "new-password", "long-enough-1")
    user.find(marker="add-user").click()
    await user.should_see("укажите педагога")
    assert users.get("ivanova") is None
    _set(user, "new-teacher", teacher)
    _set(user, "new-password", "short")  # a weak password: refused too
    user.find(marker="add-user").click()
    await user.should_see("не короче 8 символов")
    assert users.get("ivanova") is None
    _set(user, "new-password", "long-enough-1")
    user.find(marker="add-user").click()
    await await_until(lambda: users.get("ivanova") is not None)
    assert users.get("ivanova").teacher_id == teacher
    await await_until(lambda: any(r["login"] == "ivanova" for r in _rows(user, "users-table")))
    assert users.authenticate("ivanova", "long-enough-1", client="t1") is not None
    # disable, then a new password; the administrator cannot disable themself
    _set(user, "pick-user", "ivanova")
    user.find(marker="disable-user").click()
    await await_until(lambda: users.get("ivanova").disabled)
    await await_until(lambda: any(r["login"] == "ivanova" and r["state"] == "отключён"
                                  for r in _rows(user, "users-table")))
    assert users.authenticate("ivanova", "long-enough-1", client="t2") is None
    user.find(marker="enable-user").click()
    await await_until(lambda: not users.get("ivanova").disabled)
    _set(user, "reset-password", "another-pass-2")
    user.find(marker="reset-user").click()
    await user.should_see("Пароль изменён")
    assert users.authenticate("ivanova", "another-pass-2", client="t3") is not None
    _set(user, "pick-user", "admin")
    user.find(marker="disable-user").click()
    await user.should_see("Свою учётную запись отключить нельзя")
    assert not users.get("admin").disabled


async def test_an_account_disabled_while_its_page_is_open_can_do_nothing_more(data_dir: Path, user: User) -> None:
    users = UserStore(data_dir / "users.sqlite3")
    users.add("admin2", "Второй администратор", "db_admin", PASSWORD)
    await sign_in(user, "admin2")
    await user.open("/admin/users")
    await user.should_see(marker="users-table")
    users.set_disabled("admin2", True)  # the other administrator switched this one off meanwhile
    _set(user, "pick-user", "uchitel")
    user.find(marker="disable-user").click()
    await user.should_see("Нет доступа")
    assert not users.get("uchitel").disabled


async def test_a_page_reads_its_account_once_while_it_is_built(data_dir: Path, user: User,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard, the header and the page body all ask who is signed in: one read of the accounts serves them while
    the page is built (the test above shows an event of an open page reads it again)."""
    await sign_in(user, "zam")
    store, asked = ctx().users, []
    real = store.get
    monkeypatch.setattr(store, "get", lambda login: asked.append(login) or real(login))
    await user.open("/dashboard")
    await user.should_see(marker="whoami")
    assert asked == ["zam"]


def _write(user_login: str, row_id: str, title: str) -> None:
    c = ctx()
    c.outbox.enqueue([WriteCommand("append", "departments", row_id, {"id": row_id, "name": title},
                                   user=user_login)])


async def test_the_audit_log_filters_by_person_sheet_and_date(data_dir: Path, user: User) -> None:
    await sign_in(user, "admin")
    _write("zam", "dep-audit-1", "ШМО физкультуры")
    _write("admin", "dep-audit-2", "ШМО технологии")
    await user.open("/admin/audit")
    await await_until(lambda: {r["row_id"] for r in _rows(user, "audit-table")} >= {"dep-audit-1", "dep-audit-2"})
    first = next(r for r in _rows(user, "audit-table") if r["row_id"] == "dep-audit-1")
    assert (first["user"], first["sheet"], first["op"]) == ("zam", "ШМО", "добавление")
    assert "«ШМО физкультуры»" in first["changes"]
    _set(user, "audit-user", "zam")
    user.find(marker="audit-show").click()
    await await_until(lambda: {r["row_id"] for r in _rows(user, "audit-table")} == {"dep-audit-1"})
    _set(user, "audit-user", None)
    _set(user, "audit-sheet", "Обучающиеся")
    user.find(marker="audit-show").click()
    await await_until(lambda: _rows(user, "audit-table") == [])
    _set(user, "audit-sheet", None)
    _set(user, "audit-since", "31.02.2026")  # no such date: a Russian notice, the table keeps what it showed
    user.find(marker="audit-show").click()
    await user.should_see("не распознана")
    _set(user, "audit-since", "01.01.2020")
    _set(user, "audit-until", "31.12.2020")  # nothing was written in 2020
    user.find(marker="audit-show").click()
    await await_until(lambda: _rows(user, "audit-table") == [])


def test_audit_rows_are_newest_first_and_a_date_reads_as_people_type_it() -> None:
    assert parse_since("") is None and parse_since("01.09.2025") == parse_since("2025-09-01")
    with pytest.raises(UserFacingError, match="ДД.ММ.ГГГГ"):
        parse_since("вчера")
    assert rows_of([]) == []


async def test_the_status_page_shows_the_outbox_depth_and_the_last_write(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    _write("zam", "dep-status-1", "ШМО музыки")  # the test app does not start the worker: it stays pending
    await user.open("/admin/status")
    await user.should_see(marker="status-Ожидают записи")
    await user.should_see("Последняя запись в таблицу")
    await user.should_see("Неудачные входы за сутки")


def test_the_status_lines_say_what_edumon_status_says(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.sqlite3")
    at = dt.datetime(2026, 3, 2, 10, 15, 0).timestamp()
    st = WriteStatus(pending=3, oldest_pending_age=42.4, conflicts=1, last_refresh_at=at + 60, last_error="",
                     requests_last_minute=12, store_kind="google", last_applied_at=at)
    lines = dict(status_lines(st, users, now=at + 120))
    assert lines["Ожидают записи"] == "3 (самой старой 42 с)"
    assert lines["Последняя запись в таблицу"] == "02.03.2026 10:15:00"
    assert lines["Последнее чтение таблицы"] == "02.03.2026 10:16:00"
    assert (lines["Конфликтов"], lines["Последняя ошибка"]) == ("1", "нет")
    assert lines["Запросов к Google за минуту"] == "12 из 60 разрешённых"


async def test_the_letterhead_can_be_downloaded_and_reset(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/admin/letterhead")
    await user.should_see("стандартном бланке")
    user.find(marker="letterhead-download").click()
    await await_until(lambda: user.download.http_responses)
    data = user.download.http_responses[-1].content
    assert "{школа}" in " ".join(p.text for p in Document(io.BytesIO(data)).sections[0].header.paragraphs)
    assert data[:2] == default_template()[:2] == b"PK"
    assert read_template(data_dir) is None and LETTERHEAD.template is None


async def _upload(user: User, data: bytes, name: str) -> None:
    element = user.find(marker="letterhead-upload").elements.pop()
    assert isinstance(element, ui.upload)
    await element.handle_uploads([ui.upload.SmallFileUpload(name, DOCX, data)])


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def test_the_deputy_puts_the_schools_letterhead_and_a_broken_file_changes_nothing(data_dir: Path,
                                                                                      user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/admin/letterhead")
    await _upload(user, b"not a word document", "бланк.docx")
    await user.should_see("не документ Word")
    assert read_template(data_dir) is None  # nothing saved
    own = Document(io.BytesIO(default_template()))
    own.add_paragraph("Бланк {школа}")
    buf = io.BytesIO()
    own.save(buf)
    try:
        await _upload(user, buf.getvalue(), "бланк.docx")
        await user.should_see("Бланк справки сохранён")
        assert read_template(data_dir) == buf.getvalue() and LETTERHEAD.template == buf.getvalue()
        await user.should_see("на бланке школы")
        user.find(marker="letterhead-reset").click()
        await user.should_see("Возвращён стандартный бланк")
        assert read_template(data_dir) is None and LETTERHEAD.template is None
    finally:
        LETTERHEAD.configure(LETTERHEAD.school, None)  # the process-wide letterhead must not leak into other tests
