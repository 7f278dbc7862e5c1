"""Sign-in and sign-out."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.responses import RedirectResponse
from nicegui import ui

from app import background
from app.access import ROLE_TITLES
from app.auth import current_account, sign_in, sign_out
from app.state import ctx
from sync.users import Account, TooManyAttempts, UserStore


def login_form(users: Callable[[], UserStore], title: str, subtitle: Callable[[], str], roles: str,
               accept: Callable[[Account], bool] = lambda account: True) -> Callable[[str], RedirectResponse | None]:
    """The sign-in page of a site (the school's, the lab's): throttled, argon2 off the event loop; `accept` says
    whose accounts this site signs in (anyone else is told the same as a wrong password)."""

    def login_page(next: str = "/") -> RedirectResponse | None:  # noqa: A002 - the query parameter's name
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        if current_account() is not None:
            return RedirectResponse(target)
        ui.page_title(f"Вход — {title}")

        async def attempt() -> None:
            client = ui.context.client.ip  # throttled per (login, address) and per address: see sync.throttle
            try:  # argon2 takes a good part of a second: off the event loop
                account = await background.io_bound(users().authenticate, login.value or "",
                                                    password.value or "", client=client)
            except TooManyAttempts as exc:
                message.set_text(str(exc))
                return
            if account is None or not accept(account):
                message.set_text("Неверное имя для входа или пароль")
                password.set_value("")
                return
            sign_in(account)
            ui.navigate.to(target)

        with ui.card().classes("absolute-center w-96"):
            ui.label(title).classes("text-h5")
            ui.label(subtitle()).classes("text-caption")
            login = ui.input("Имя для входа").props("autofocus").classes("w-full").mark("login")
            password = ui.input("Пароль", password=True, password_toggle_button=True).classes("w-full").mark(
                "password").on("keydown.enter", attempt)
            message = ui.label("").classes("text-negative").mark("login-message")
            ui.button("Войти", on_click=attempt).classes("w-full").mark("sign-in")
            ui.label(f"Роли: {roles}").classes("text-caption text-grey-7")
        return None

    return login_page


def create() -> None:
    ui.page("/login")(login_form(lambda: ctx().users, "edumon", lambda: ctx().settings.school_name,
                                 ", ".join(ROLE_TITLES.values())))

    @ui.page("/logout")
    def logout_page() -> RedirectResponse:
        sign_out()
        return RedirectResponse("/login")
