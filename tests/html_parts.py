"""Reading the pieces of an element of plain HTML a page makes (a dashboard card): `data-part` names each piece.
One element may hold several marked parts (the dashboard's cards): each part carries its marker as `data-mark`,
and `html_of` gives that part alone."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

from nicegui.testing import User

from tests.waits import await_until

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Part(HTMLParser):
    """Finds where the tag with `data-mark="marker"` begins and ends in a piece of HTML."""

    def __init__(self, marker: str) -> None:
        super().__init__(convert_charrefs=False)
        self.marker, self.depth, self.start, self.end = marker, 0, -1, -1

    def _offset(self) -> int:
        line, column = self.getpos()
        return sum(len(x) for x in self.rawdata.splitlines(keepends=True)[:line - 1]) + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.start < 0 and ("data-mark", self.marker) in attrs:
            self.start, self.depth = self._offset(), 1
        elif self.start >= 0 and self.end < 0 and tag not in _VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.start >= 0 and self.end < 0:
            self.depth -= 1
            if self.depth == 0:
                self.end = self._offset() + len(f"</{tag}>")


def within(content: str, marker: str) -> str:
    """The part of `content` marked `data-mark="marker"` (all of it when it has no such part)."""
    finder = _Part(marker)
    finder.feed(content)
    finder.close()
    return content[finder.start:finder.end] if finder.start >= 0 and finder.end > 0 else content


def html_of(user: User, marker: str) -> str:
    (element,) = user.find(marker=marker).elements
    return within(str(element.content), marker)  # type: ignore[attr-defined]


def html_now(user: User, marker: str) -> str:
    """The content of the element (or part) `marker`, or "" while the page does not have exactly one."""
    found = user.find(marker=marker).elements
    return within(str(next(iter(found)).content), marker) if len(found) == 1 else ""  # type: ignore[attr-defined]


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


class _Table(HTMLParser):
    """The body rows of a `table_html`: per `<tr data-key>`, each `<td data-col>`'s text, link, link classes and
    tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.col: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and "data-key" in a:
            self.rows.append({"key": a["data-key"], "links": {}, "css": {}, "hints": {}})
        elif tag == "td" and self.rows:
            self.col = a.get("data-col")
            self.rows[-1][self.col] = ""
            if a.get("title"):
                self.rows[-1]["hints"][self.col] = a["title"]
        elif tag == "a" and self.col is not None:
            self.rows[-1]["links"][self.col] = a.get("href")
            self.rows[-1]["css"][self.col] = a.get("class")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.col = None

    def handle_data(self, data: str) -> None:
        if self.col is not None:
            self.rows[-1][self.col] += data


def table_rows(content: str) -> list[dict[str, Any]]:
    """The rows of a plain-HTML table: `key`, the text of each column by name, and `links`, `css` (the link's
    classes) and `hints` (tooltips) by column."""
    parser = _Table()
    parser.feed(content)
    parser.close()
    return parser.rows


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append(data.strip())


def texts(content: str) -> list[str]:
    """Every piece of text of some HTML, in order."""
    parser = _Texts()
    parser.feed(content)
    parser.close()
    return parser.texts


def press(user: User, marker: str) -> None:
    """Click the button `marker` of a strip of plain-HTML buttons (app.pages.downloads.strip_html): the strip's one
    listener gets what the browser sends for that button, its marker."""
    user.find(marker=marker).trigger("click", marker)
