"""The store protocol: a spreadsheet of named worksheets, a header row, rows of cell strings.

People edit the Google sheet by hand, so any cell may hold anything; stores never raise on odd content.
Rows are found by the `id` column at write time, never by a remembered row number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from sheets_schema.errors import UserFacingError

Row = list[str]
Grid = list[Row]


class StoreError(UserFacingError):
    """Root of every error a store raises (network gave up, spreadsheet missing, quota exhausted...)."""


class SheetNotFound(StoreError):
    pass


@dataclass(frozen=True)
class SheetLayout:
    """What a store needs to lay out one worksheet; derived from a schema declaration by `layout_of`."""

    title: str
    headers: list[str]
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # header -> dropdown options
    number_ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)  # header -> min, max
    widths: dict[str, int] = field(default_factory=dict)  # header -> pixels
    notes: dict[str, str] = field(default_factory=dict)  # header -> help text


@dataclass
class LayoutReport:
    """What ensure_layout did and what it found (header drift is reported, people's data never overwritten)."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    missing_columns: dict[str, list[str]] = field(default_factory=dict)
    extra_columns: dict[str, list[str]] = field(default_factory=dict)
    renamed_columns: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (expected, found)
    headers_written: list[str] = field(default_factory=list)  # sheets whose empty header row was filled


@dataclass(frozen=True)
class WriteResult:
    """Per write call: which ids were applied and which were not found in the sheet at write time."""

    applied: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)


@runtime_checkable
class SheetStore(Protocol):
    kind: str  # "local" or "google"

    def read_all(self) -> dict[str, Grid]:
        """Every worksheet: title -> grid (header row first), trailing empty cells and rows trimmed. One call."""

    def titles(self) -> list[str]:
        """Worksheet titles in tab order."""

    def read_rows(self, title: str, id_header: str, ids: Sequence[str]) -> Grid | None:
        """The header row and the rows whose id column holds one of ids, in sheet order (what a write needs to
        check against; see rows_with_ids); None when the worksheet does not exist. One call."""

    def append_rows(self, title: str, rows: Sequence[Sequence[str]]) -> None:
        """Append rows after the last non-empty row; values are stored as typed text (never as formulas)."""

    def update_rows(self, title: str, id_header: str, changes: Mapping[str, Mapping[str, str]]) -> WriteResult:
        """id -> {header: new value}; rows and columns are located at write time by header text and id."""

    def delete_rows(self, title: str, id_header: str, ids: Sequence[str]) -> WriteResult:
        """Delete every row whose id column holds one of ids."""

    def replace_sheet(self, title: str, grid: Sequence[Sequence[str]]) -> None:
        """Replace the whole content (restore); creates the worksheet if missing."""

    def ensure_layout(self, layouts: Sequence[SheetLayout]) -> LayoutReport:
        """Create missing worksheets with their headers and layout; report header drift; idempotent."""

    def spreadsheet_id(self) -> str:
        """The identity of the spreadsheet (Google key or local file path)."""


def trim_row(row: Sequence[object]) -> Row:
    """Cells as strings with trailing empty cells dropped, as Google returns them."""
    if type(row) is list:
        try:
            "".join(row)  # type: ignore[arg-type]  # every cell is text already (checked in C): only trim
        except TypeError:
            pass
        else:
            out = row.copy()
            while out and out[-1] == "":
                out.pop()
            return out
    out = ["" if c is None else str(c) for c in row]
    while out and out[-1] == "":
        out.pop()
    return out


def trim_grid(grid: Sequence[Sequence[object]]) -> Grid:
    """Rows trimmed, trailing empty rows dropped (empty rows in the middle stay, as in a spreadsheet)."""
    out = [trim_row(r) for r in grid]
    while out and not out[-1]:
        out.pop()
    return out


def header_at(grid: Sequence[Row]) -> int:
    """The header is the first row with anything in it (people insert blank rows above it)."""
    return next((i for i, r in enumerate(grid) if any(c.strip() for c in r)), 0)


def rows_with_ids(grid: Sequence[Row], id_header: str, ids: Sequence[str]) -> Grid:
    """The header row (see header_at) and the rows whose id cell, stripped, is one of ids; only the header when
    the sheet has no id column."""
    if not grid:
        return []
    at = header_at(grid)
    header = [h.strip() for h in grid[at]]
    if id_header not in header:
        return [list(grid[at])]
    col, wanted = header.index(id_header), set(ids)
    return [list(grid[at])] + [list(r) for r in grid[at + 1:] if len(r) > col and r[col].strip() in wanted]


def header_drift(expected: Sequence[str], found: Sequence[str]) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """(missing, extra, renamed-guesses) between the schema's headers and a sheet's header row."""
    found_clean = [h.strip() for h in found]
    missing = [h for h in expected if h not in found_clean]
    extra = [h for h in found_clean if h and h not in expected]
    renamed = []
    for h in list(missing):
        pos = list(expected).index(h)
        if pos < len(found_clean) and found_clean[pos] in extra:
            renamed.append((h, found_clean[pos]))
    return missing, extra, renamed
