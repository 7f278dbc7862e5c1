"""Reading the pieces of an element of plain HTML a page makes (a dashboard card): `data-part` names each piece."""

from __future__ import annotations

import html
import re
from typing import Any

from nicegui.testing import User

from tests.waits import await_until


def html_of(user: User, marker: str) -> str:
    (element,) = user.find(marker=marker).elements
    return str(element.content)  # type: ignore[attr-defined]


def html_now(user: User, marker: str) -> str:
    """The content of the element `marker`, or "" while the page does not have exactly one."""
    found = user.find(marker=marker).elements
    return str(next(iter(found)).content) if len(found) == 1 else ""  # type: ignore[attr-defined]


def part(content: str | Any, name: str) -> str | None:
    """The text of the piece `name` (None when the element has no such piece)."""
    found = re.search(rf'data-part="{re.escape(name)}"[^>]*>([^<]*)<', str(content))
    return html.unescape(found.group(1)) if found else None


def href(content: str | Any, name: str = "value") -> str | None:
    """Where the piece `name` links to."""
    found = re.search(rf'<a [^>]*data-part="{re.escape(name)}"[^>]*href="([^"]*)"', str(content))
    return html.unescape(found.group(1)) if found else None


def card(user: User, marker: str) -> tuple[str | None, str | None]:
    """(value, change) of a headline card."""
    content = html_of(user, marker)
    return part(content, "value"), part(content, "change")


def _card_now(user: User, marker: str) -> tuple[str | None, str | None] | None:
    content = html_now(user, marker)
    return (part(content, "value"), part(content, "change")) if content else None


async def card_shows(user: User, marker: str, value: str, change: str | None = None) -> None:
    """Wait until the card `marker` shows exactly `value` (and `change`, when given) — the page may still be
    opening after a filter was picked."""
    await await_until(lambda: (shown := _card_now(user, marker)) is not None and shown[0] == value and (
        change is None or shown[1] == change), what=f"{marker} = {value} {change or ''}")
