"""Shared page chrome: header with navigation, the data-quality badge and the cache status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from nicegui import ui

from app.access import ROLE_TITLES, can_open
from app.auth import current_account
from app.markup import marks_of, tag
from app.outage import banner
from app.state import ctx
from forms import leave_guard
from sync.users import Account

# (label, target, page key of app.access.PAGES): only pages the role may open are shown
NAV = [("Обзор школы", "/", "overview"), ("Мой кабинет", "/my", "my"), ("Ввод данных", "/entry", "entry"),
       ("Ввод результатов", "/grid", "grid"), ("Загрузка таблиц", "/upload", "upload"),
       ("Аналитика", "/dashboard", "reports"), ("Педагоги", "/teachers", "teacher_portfolio"),
       ("Качество данных", "/issues", "issues"), ("Снимки", "/admin/snapshots", "snapshots"),
       ("Для лаборатории", "/lab-export", "lab_export"), ("Календарь", "/calendar", "calendar"),
       ("Пользователи", "/admin/users", "users"), ("Журнал", "/admin/audit", "audit"),
       ("Запись", "/admin/status", "status"), ("Бланк справки", "/admin/letterhead", "letterhead")]


def nav_html(brand: str, subtitle: str, links: Iterable[tuple[str, str]]) -> str:
    """The header's name, subtitle and navigation links (ordinary anchors, as ui.link makes them), escaped."""
    parts = [tag("span", brand, "text-h6 text-weight-bold")]
    if subtitle:
        parts.append(tag("span", subtitle, "text-subtitle2 opacity-80"))
    parts += [tag("a", label, "text-white no-underline", href=target) for label, target in links]
    return tag("div", "", "row items-center gap-4", data_mark="nav", inner="".join(parts))


def who_html(account: Account, role_title: str) -> str:
    """Who is signed in, and the way out."""
    return tag("span", "", "row items-center gap-3", data_mark="whoami", inner=tag(
        "span", f"{account.name} ({role_title})", "text-body2", data_part="whoami")
        + tag("a", "Выйти", "text-white", href="/logout", data_part="logout"))


def status_html(c: Any, account: Account | None) -> str:
    """The header's right side: the data-quality badge (only for those who may open the list), when the data were
    read (the store and any read error in its tooltip), who is signed in."""
    parts = []
    if can_open(account, "issues"):  # no badge pointing at a page this person cannot open
        workbook = c.cache.workbook
        n = len(workbook.issues)
        color = "negative" if workbook.error_count else ("warning" if n else "positive")
        parts.append(tag("a", "", "no-underline", href="/issues", data_part="issues-badge", data_mark="issues-badge",
                         inner=tag("span", f"Проблемы данных: {n}",
                                   f"q-badge bg-{color} text-white text-body2 q-pa-sm")))
    status = c.cache.status
    when = dt.datetime.fromtimestamp(status.refreshed_at).strftime("%H:%M:%S") if status.refreshed_at else "—"
    tip = status.last_error or f"Учебный год {c.settings.academic_year}; хранилище: {c.store.kind}"
    parts.append(tag("span", f"Данные на {when}", "text-caption opacity-80", title=tip))
    if account is not None:
        parts.append(who_html(account, ROLE_TITLES[account.role]))
    return tag("div", "", "row items-center gap-3", inner="".join(parts))


def header_strip(brand: str, subtitle: str, links: Iterable[tuple[str, str]], right: str = "") -> None:
    """All of the header as one element of plain HTML: the navigation (nav_html) and its right side (`right`, made
    by `tag`). Every page builds its header, and a dozen NiceGUI links with their labels cost more than the rest of
    a small page; each part is found by its marker."""
    html = nav_html(brand, subtitle, links) + right
    ui.html(html, sanitize=False).classes("row w-full items-center justify-between gap-3").mark(*marks_of(html))


@contextmanager
def frame(title: str) -> Iterator[None]:
    c = ctx()
    ui.page_title(f"{title} — edumon")
    leave_guard.install()  # unsaved edits of any page ask before the page is left
    with ui.header().classes("items-center justify-between bg-indigo-8 q-px-md"):
        account = current_account()
        header_strip("edumon", c.settings.school_name,
                     ((label, target) for label, target, key in NAV if can_open(account, key)), status_html(c, account))
    banner(c)
    with ui.column().classes("w-full q-pa-md gap-4"):
        ui.label(title).classes("text-h5")
        yield
