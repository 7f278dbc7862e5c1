"""Escaped HTML for the read-only parts of a page that are one `ui.html` element each (the header, the dashboard's
cards, filters and panels): a dozen NiceGUI elements cost more to build per request than the rest of the page.
Every text and attribute value goes through `tag`, so nothing a sheet holds can become markup."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape


def tag(name: str, text: str = "", classes: str = "", *, inner: str = "", **attrs: str | bool | None) -> str:
    """`<name class="classes" attrs…>text inner</name>`. The text and every attribute value are escaped; an
    attribute's `_` is written `-` (data_part → data-part); True writes a bare attribute, None or False none, ""
    an empty one. `inner` is markup made by `tag` itself, put after the text as it is."""
    parts = [name, *([f'class="{escape(classes)}"'] if classes else [])]
    for key, value in attrs.items():
        if value is True:
            parts.append(key.replace("_", "-"))
        elif value is not None and value is not False:
            parts.append(f'{key.replace("_", "-")}="{escape(value)}"')
    return f"<{' '.join(parts)}>{escape(text)}{inner}</{name}>"


_MARK = re.compile(r'data-mark="([^"]*)"')


def marks_of(html: str) -> list[str]:
    """The `data-mark` of every part of some HTML made by `tag`: the markers its one element carries, so tests
    (and element filters) find each part as they found it when it was an element of its own."""
    return _MARK.findall(html)


@dataclass(frozen=True)
class Cell:
    """One cell of a `table_html`: its text, and where it links to (`href`; plain text without), with the link's
    classes (`css`) and a tooltip (`hint`)."""

    text: str
    href: str = ""
    css: str = "text-primary"
    hint: str = ""


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    align: str = "left"  # left | right


def table_html(columns: Sequence[Column], rows: Iterable[tuple[str, Sequence[Cell]]], *, wrap: bool = False) -> str:
    """A read-only table in Quasar's own markup (dense, flat: it looks as a `ui.table` does), one `<tr data-key>`
    per row and one `<td data-col>` per column: a table of NiceGUI costs more per request than the rest of a
    panel, and these are never sorted or edited. `rows` are (key, cells in the order of `columns`)."""
    head = "".join(tag("th", c.title, f"text-{c.align}") for c in columns)
    body = "".join(tag("tr", data_key=key, inner="".join(
        tag("td", "" if cell.href else cell.text, f"text-{c.align}", data_col=c.name, title=cell.hint or None,
            inner=tag("a", cell.text, cell.css, href=cell.href) if cell.href else "")
        for c, cell in zip(columns, cells, strict=True))) for key, cells in rows)
    frame = "q-table__container q-table--horizontal-separator column no-wrap q-table__card q-table--flat q-table--dense"
    return tag("div", "", frame + ("" if wrap else " q-table--no-wrap"), inner=tag(
        "div", "", "q-table__middle scroll", inner=tag("table", "", "q-table", inner=tag(
            "thead", inner=tag("tr", inner=head)) + tag("tbody", inner=body))))
