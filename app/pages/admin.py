"""Administration in the browser: accounts (/admin/users: add, disable or enable, set a new password), the write
path's status (/admin/status: what `edumon status` prints) and the справка's letterhead template (/admin/letterhead).

Every action checks the person's rights again on the server (a page opened before a role changed must not act
with the old one) and runs off the event loop: hashing a password and reading the outbox take real time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pandas as pd
from nicegui import events, ui

from app import background
from app.access import ROLE_TITLES, can_open
from app.admin import STAFF, add_user, status_lines
from app.auth import current_account, page
from app.context import configure_letterhead
from app.frame import frame
from app.roles import Role
from app.state import ctx
from app.upload_guard import install_upload_guard
from reports.analytics.portfolio import full_names
from reports.export.letterhead_config import LETTERHEAD, TemplateError
from sheets_schema.errors import UserFacingError
from sync.convert import read_template, save_template
from sync.users import Account

log = logging.getLogger("edumon.admin")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
USER_COLUMNS = [{"name": k, "label": t, "field": k, "align": "left"} for k, t in (
    ("login", "Имя для входа"), ("name", "ФИО"), ("role", "Роль"), ("teacher", "Педагог"), ("state", "Состояние"))]
NO_RIGHTS = "Нет доступа: у вашей роли нет права на это действие"


def allowed(key: str) -> Account | None:
    """The signed-in account when it may still do what page `key` does; otherwise a notice and None."""
    account = current_account()
    if not can_open(account, key):
        ui.notify(NO_RIGHTS, type="negative")
        return None
    return account


async def act(key: str, fn: Callable[..., Any], *args: Any, done: str = "") -> bool:
    """Run an administration action off the event loop after checking the rights; a UserError or ValueError is a
    Russian notice and changes nothing. True when it succeeded."""
    account = allowed(key)
    if account is None:
        return False
    try:
        await background.io_bound(fn, *args)
    except background.Cancelled:
        return False
    except UserFacingError as exc:
        ui.notify(str(exc), type="warning", multi_line=True)
        return False
    login = next((a for a in args if isinstance(a, str)), "")  # the account acted on comes first, never a password
    log.info("%s «%s» by %s", getattr(fn, "__name__", "action"), login, account.login)
    if done:
        ui.notify(done, type="positive")
    return True


def teacher_options(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """teacher id -> «Фамилия Имя Отчество (id)» for the account's link to «Педагоги»."""
    t = frames["teachers"]
    return dict(sorted(((str(i), f"{n} ({i})") for i, n in zip(t["id"], full_names(t), strict=True)),
                       key=lambda kv: kv[1]))


def user_rows(accounts: list[Account], teachers: dict[str, str]) -> list[dict[str, str]]:
    return [{"login": a.login, "name": a.name, "role": ROLE_TITLES.get(a.role, a.role),
             "teacher": teachers.get(a.teacher_id, a.teacher_id or "—"),
             "state": "отключён" if a.disabled else "активен"} for a in accounts]


def _users_page() -> None:
    c = ctx()
    teachers = teacher_options(c.cache.workbook.frames)
    table = ui.table(columns=USER_COLUMNS, rows=[], row_key="login", pagination=25).classes("w-full").props(
        "dense flat").mark("users-table")

    async def reload() -> None:
        accounts = await background.io_bound(c.users.list)
        table.rows = user_rows(accounts or [], teachers)
        login_pick.options = {a["login"]: f"{a['login']} — {a['name']}" for a in table.rows}
        login_pick.update()

    with ui.card().classes("w-full"):
        ui.label("Новый пользователь").classes("text-subtitle1")
        with ui.row().classes("items-end gap-3"):
            login = ui.input("Имя для входа").mark("new-login")
            name = ui.input("ФИО").classes("w-72").mark("new-name")
            role = ui.select({r.value: ROLE_TITLES[r] for r in Role}, label="Роль", value=Role.TEACHER.value
                             ).classes("w-64").mark("new-role")
            teacher = ui.select(teachers, label="Педагог (для учителей)", with_input=True, clearable=True
                                ).classes("w-80").mark("new-teacher")
            password = ui.input("Пароль (не короче 8 символов)", password=True).mark("new-password")

        async def add() -> None:
            ok = await act("users", add_user, c.users, set(teachers), login.value or "", name.value or "",
                           role.value or "", password.value or "", teacher.value or "",
                           done=f"Пользователь «{(login.value or '').strip().lower()}» добавлен")
            if ok:
                login.value = name.value = password.value = ""
                await reload()

        ui.button("Добавить", icon="person_add", on_click=add).mark("add-user")
        teacher.bind_visibility_from(role, "value", backward=lambda v: v in STAFF)

    with ui.card().classes("w-full"):
        ui.label("Пользователь").classes("text-subtitle1")
        with ui.row().classes("items-end gap-3"):
            login_pick = ui.select({}, label="Кого", with_input=True).classes("w-80").mark("pick-user")
            new_password = ui.input("Новый пароль", password=True).mark("reset-password")

        async def set_disabled(disabled: bool) -> None:
            who = login_pick.value or ""
            me = current_account()
            if disabled and me is not None and who == me.login:
                ui.notify("Свою учётную запись отключить нельзя: войдите другим администратором", type="warning")
                return
            if await act("users", c.users.set_disabled, who, disabled,
                         done=f"Пользователь «{who}» {'отключён' if disabled else 'включён'}"):
                await reload()

        async def reset() -> None:
            if await act("users", c.users.set_password, login_pick.value or "", new_password.value or "",
                         done="Пароль изменён; сообщите его пользователю лично"):
                new_password.value = ""

        with ui.row().classes("gap-2"):
            ui.button("Отключить", icon="block", on_click=lambda: set_disabled(True)).mark("disable-user")
            ui.button("Включить", icon="check_circle", on_click=lambda: set_disabled(False)).mark("enable-user")
            ui.button("Сменить пароль", icon="key", on_click=reset).mark("reset-user")
    ui.timer(0.01, reload, once=True)


def _status_page() -> None:
    c = ctx()
    grid = ui.grid(columns=2).classes("gap-x-6 gap-y-1").mark("write-status")

    async def reload() -> None:
        status = await background.io_bound(c.writer.status)
        if status is None:
            return
        lines = await background.io_bound(status_lines, status, c.users)
        grid.clear()
        with grid:
            for label, value in lines or []:
                ui.label(label).classes("text-weight-medium")
                ui.label(value).mark(f"status-{label}")

    ui.button("Обновить", icon="refresh", on_click=reload).mark("status-refresh")
    if can_open(current_account(), "audit"):
        ui.link("Журнал изменений", "/admin/audit")
    ui.timer(0.01, reload, once=True)


async def _take_template(e: events.UploadEventArguments, state: ui.label) -> None:
    if allowed("letterhead") is None:
        return
    if e.file.size() > 20 * 1024 * 1024:
        ui.notify("Бланк справки больше 20 МБ — так много он занимать не может", type="negative")
        return
    data = await e.file.read()
    from reports.export.letterhead import check_template  # python-docx loads when a letterhead is handled

    try:
        await background.io_bound(check_template, data)
    except TemplateError as exc:
        ui.notify(f"Бланк «{e.file.name}» не принят: {exc}", type="negative", multi_line=True)
        return
    await background.io_bound(save_template, ctx().settings.data_dir, data)
    ctx().letterhead_problem = await background.io_bound(configure_letterhead, ctx().settings) or ""
    state.text = _template_state()
    ui.notify("Бланк справки сохранён: новые справки оформляются на нём", type="positive")


def _template_state() -> str:
    problem = ctx().letterhead_problem
    if problem:
        return problem
    own = LETTERHEAD.template is not None
    return "Справки оформляются на бланке школы." if own else "Справки оформляются на стандартном бланке."


def _letterhead_page() -> None:
    c = ctx()
    ui.markdown("Справки (Word и PDF) печатаются на бланке: это документ Word, в колонтитуле которого стоят "
                "`{школа}` и `{период}` — их заменяют название школы и период справки; что стоит в самом документе "
                "(реквизиты, логотип), идёт первым на первой странице. Скачайте бланк, измените его в Word и "
                "загрузите обратно.")
    state = ui.label(_template_state()).mark("letterhead-state")

    async def download() -> None:
        from reports.export.letterhead import default_template

        current = await background.io_bound(read_template, c.settings.data_dir)
        ui.download.content(current or default_template(), "Бланк справки.docx", DOCX)

    async def reset() -> None:
        if allowed("letterhead") is None:
            return
        await background.io_bound(save_template, c.settings.data_dir, None)
        c.letterhead_problem = await background.io_bound(configure_letterhead, c.settings) or ""
        state.text = _template_state()
        ui.notify("Возвращён стандартный бланк", type="positive")

    with ui.row().classes("gap-2"):
        ui.button("Скачать бланк", icon="download", on_click=download).mark("letterhead-download")
        ui.button("Вернуть стандартный", icon="restart_alt", on_click=reset).mark("letterhead-reset")
    ui.upload(label="Загрузить бланк (.docx)", auto_upload=True, max_file_size=20 * 1024 * 1024,
              on_upload=lambda e: _take_template(e, state),
              on_rejected=lambda: ui.notify("Бланк справки больше 20 МБ", type="negative"),
              ).props('accept=".docx"').classes("w-96").mark("letterhead-upload")


def create() -> None:
    install_upload_guard()

    @page("/admin/users", "users")
    def users_page() -> None:
        with frame("Пользователи"):
            _users_page()

    @page("/admin/status", "status")
    def status_page() -> None:
        with frame("Состояние записи"):
            _status_page()

    @page("/admin/letterhead", "letterhead")
    def letterhead_page() -> None:
        with frame("Бланк справки"):
            _letterhead_page()
