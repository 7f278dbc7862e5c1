"""Shared page chrome: header with navigation, the data-quality badge and the cache status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from html import escape

from nicegui import ui

from app.access import ROLE_TITLES, can_open
from app.auth import current_account
from app.outage import banner
from app.state import ctx
from forms import leave_guard

# (label, target, page key of app.access.PAGES): only pages the role may open are shown
NAV = [("Обзор школы", "/", "overview"), ("Мой кабинет", "/my", "my"), ("Ввод данных", "/entry", "entry"),
       ("Ввод результатов", "/grid", "grid"), ("Загрузка таблиц", "/upload", "upload"),
       ("Аналитика", "/dashboard", "reports"), ("Педагоги", "/teachers", "teacher_portfolio"),
       ("Качество данных", "/issues", "issues"), ("Снимки", "/admin/snapshots", "snapshots"),
       ("Для лаборатории", "/lab-export", "lab_export"), ("Календарь", "/calendar", "calendar"),
       ("Пользователи", "/admin/users", "users"), ("Журнал", "/admin/audit", "audit"),
       ("Запись", "/admin/status", "status"), ("Бланк справки", "/admin/letterhead", "letterhead")]


def header_strip(brand: str, subtitle: str, links: Iterable[tuple[str, str]]) -> None:
    """The header's name, subtitle and navigation links as one element of plain HTML: every page builds its header,
    and a dozen NiceGUI links with their labels cost more than the rest of a small page. Every text and address is
    escaped; the links are ordinary anchors, as ui.link makes them."""
    parts = [f'<span class="text-h6 text-weight-bold">{escape(brand)}</span>']
    if subtitle:
        parts.append(f'<span class="text-subtitle2 opacity-80">{escape(subtitle)}</span>')
    parts += [f'<a class="text-white no-underline" href="{escape(target)}">{escape(label)}</a>'
              for label, target in links]
    ui.html("".join(parts), sanitize=False).classes("row items-center gap-4").mark("nav")


@contextmanager
def frame(title: str) -> Iterator[None]:
    c = ctx()
    workbook = c.cache.workbook
    ui.page_title(f"{title} — edumon")
    leave_guard.install()  # unsaved edits of any page ask before the page is left
    with ui.header().classes("items-center justify-between bg-indigo-8 q-px-md"):
        account = current_account()
        header_strip("edumon", c.settings.school_name,
                     ((label, target) for label, target, key in NAV if can_open(account, key)))
        with ui.row().classes("items-center gap-3"):
            n = len(workbook.issues)
            if can_open(account, "issues"):  # no badge pointing at a page this person cannot open
                with ui.link(target="/issues").classes("no-underline").mark("issues-badge"):
                    ui.badge(f"Проблемы данных: {n}", color="negative" if workbook.error_count else
                             ("warning" if n else "positive")).classes("text-body2 q-pa-sm")
            status = c.cache.status
            when = (dt.datetime.fromtimestamp(status.refreshed_at).strftime("%H:%M:%S")
                    if status.refreshed_at else "—")
            ui.label(f"Данные на {when}").classes("text-caption opacity-80").tooltip(
                status.last_error or f"Учебный год {c.settings.academic_year}; хранилище: {c.store.kind}")
            if account is not None:
                ui.label(f"{account.name} ({ROLE_TITLES[account.role]})").classes("text-body2").mark("whoami")
                ui.link("Выйти", "/logout").classes("text-white").mark("logout")
    banner(c)
    with ui.column().classes("w-full q-pa-md gap-4"):
        ui.label(title).classes("text-h5")
        yield
