"""A1 notation as the Sheets API reads and echoes it: quoted titles, open-ended ranges, grid clamping."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sheets_schema import col_letter  # one A1 helper for the whole project

_CELL = re.compile(r"^\$?([A-Za-z]*)\$?(\d*)$")
_SIMPLE_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_CELL = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d+[Cc]\d+)$")


class A1Error(ValueError):
    """The text is not an A1 range (the API answers 400 «Unable to parse range»)."""


def col_index(letters: str) -> int:
    """Letters -> 0-based column index."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def quote_title(title: str) -> str:
    """A title as Google echoes it: bare when it is a plain identifier, else single-quoted with '' escapes."""
    if _SIMPLE_TITLE.match(title) and not _LOOKS_LIKE_CELL.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class Rect:
    """A 0-based half-open rectangle; None on an end means "to the edge of the grid"."""

    row0: int = 0
    col0: int = 0
    row1: int | None = None
    col1: int | None = None

    @property
    def single_cell(self) -> bool:
        return self.row1 == self.row0 + 1 and self.col1 == self.col0 + 1

    def clamp(self, rows: int, cols: int) -> Rect:
        return Rect(self.row0, self.col0, rows if self.row1 is None else self.row1,
                    cols if self.col1 is None else self.col1)

    def fits(self, rows: int, cols: int) -> bool:
        return (self.row1 is None or self.row1 <= rows) and (self.col1 is None or self.col1 <= cols) \
            and self.row0 < max(rows, 1) and self.col0 < max(cols, 1)

    def a1(self) -> str:
        """Bounded rect -> "A1:C5" (a single cell -> "A1")."""
        assert self.row1 is not None and self.col1 is not None
        start = f"{col_letter(self.col0)}{self.row0 + 1}"
        if self.single_cell:
            return start
        return f"{start}:{col_letter(max(self.col1 - 1, self.col0))}{max(self.row1, self.row0 + 1)}"


def split_sheet(text: str) -> tuple[str | None, str | None]:
    """"'My ''x'' sheet'!A1:B2" -> ("My 'x' sheet", "A1:B2"); "A1:B2" -> (None, "A1:B2"); "'S'" -> ("S", None)."""
    if text.startswith("'"):
        i, title = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    title.append("'")
                    i += 2
                    continue
                rest = text[i + 1:]
                if rest == "":
                    return "".join(title), None
                if rest.startswith("!"):
                    return "".join(title), rest[1:] or None
                raise A1Error(text)
            title.append(ch)
            i += 1
        raise A1Error(text)
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells or None
    return None, text


def parse_cells(text: str) -> Rect:
    """"A1", "A1:C5", "A:A", "1:3", "A2:Z", "A1:1" -> Rect."""
    parts = text.split(":")
    if len(parts) > 2 or not text:
        raise A1Error(text)
    m0 = _CELL.match(parts[0])
    if not m0 or not (m0.group(1) or m0.group(2)):
        raise A1Error(text)
    c0 = col_index(m0.group(1)) if m0.group(1) else 0
    r0 = int(m0.group(2)) - 1 if m0.group(2) else 0
    if r0 < 0:
        raise A1Error(text)
    if len(parts) == 1:
        if not (m0.group(1) and m0.group(2)):
            raise A1Error(text)
        return Rect(r0, c0, r0 + 1, c0 + 1)
    m1 = _CELL.match(parts[1])
    if not m1 or not (m1.group(1) or m1.group(2)):
        raise A1Error(text)
    c1 = col_index(m1.group(1)) + 1 if m1.group(1) else None
    r1 = int(m1.group(2)) if m1.group(2) else None
    # Google normalises reversed ranges (B2:A1 == A1:B2)
    if c1 is not None and c1 <= c0:
        c0, c1 = c1 - 1, c0 + 1
    if r1 is not None and r1 <= r0:
        r0, r1 = r1 - 1, r0 + 1
    return Rect(r0, c0, r1, c1)


def echo(title: str, rect: Rect) -> str:
    return f"{quote_title(title)}!{rect.a1()}"
