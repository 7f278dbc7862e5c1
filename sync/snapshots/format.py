"""The snapshot format: the canonical grid and its sha256, worksheets as Parquet tables, the manifest's
file facts and checksum, and the xlsx copy for people. See the package docstring for the layout."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

import pyarrow as pa

from sheets_schema import col_letter
from sheets_schema.errors import UserFacingError
from sync.store import Grid, Row, trim_grid

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
WORKBOOK = "workbook.xlsx"
MANUAL, SCHEDULED, SAFETY = "manual", "scheduled", "safety"
CURRENT = ("current", "текущие")  # refs that mean "the live store" in diffs
Progress = Callable[[float, str], None]
_ID_RE = re.compile(r"^\d{8}T\d{6}Z(-\d+)?$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")



class SnapshotError(UserFacingError):
    """Root of snapshot errors; the message is Russian and is shown to the person as is."""


class SnapshotNotFound(SnapshotError):
    pass


class SnapshotCorrupt(SnapshotError):
    pass


class RestoreInterrupted(SnapshotError):
    """The store failed part-way through a restore; the message names the safety snapshot."""


@dataclass(frozen=True)
class SheetEntry:
    title: str
    key: str | None  # schema key when the title is a declared sheet
    file: str
    rows: int  # rows of the trimmed grid, header included
    columns: int  # widest row
    sha256: str  # of the canonical grid
    bytes: int
    file_sha256: str


@dataclass(frozen=True)
class SnapshotInfo:
    id: str
    path: Path
    created_at: datetime
    kind: str = MANUAL
    note: str = ""
    store: str = ""
    spreadsheet_id: str = ""
    schema_version: int = 0
    sheets: tuple[SheetEntry, ...] = ()
    size_bytes: int = 0
    broken: str = ""  # why the manifest could not be read; empty when it could

    @property
    def data_rows(self) -> int:
        return sum(max(s.rows - 1, 0) for s in self.sheets)


@dataclass
class VerifyResult:
    id: str
    problems: list[str] = field(default_factory=list)  # the data cannot be trusted: restore is refused
    warnings: list[str] = field(default_factory=list)  # only workbook.xlsx (people open and re-save it in Excel)
    grids: dict[str, Grid] | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems


def canonical_bytes(grid: Sequence[Sequence[object]]) -> bytes:
    return json.dumps(trim_grid(grid), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _digest(grid: Grid) -> str:
    """grid_sha256 of a grid that is already trimmed; hashes it as is, so a stray null can never pass as ""."""
    return hashlib.sha256(json.dumps(grid, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


def _to_table(grid: Grid, title: str) -> pa.Table:
    width = max((len(r) for r in grid), default=0)
    cols: dict[str, pa.Array] = {"row": pa.array(range(1, len(grid) + 1), pa.int32())}
    for j in range(width):
        cols[col_letter(j)] = pa.array([r[j] if j < len(r) else None for r in grid], pa.string())
    table = pa.table(cols)
    return table.replace_schema_metadata({"edumon.title": title})


def _from_table(table: pa.Table) -> Grid:
    names = table.column_names
    expected = ["row", *(col_letter(j) for j in range(len(names) - 1))]
    if names != expected:
        raise ValueError(f"неожиданные столбцы {names[:5]}")
    numbers = table.column("row").to_pylist()
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError("нарушена нумерация строк")
    cols = [table.column(n).to_pylist() for n in names[1:]]
    rows: Iterable[tuple[str | None, ...]] = zip(*cols, strict=True) if cols else (() for _ in numbers)
    grid: Grid = []
    for cells in rows:
        end = len(cells)
        while end and cells[end - 1] is None:
            end -= 1
        grid.append(cast(Row, list(cells[:end])))  # a null inside a row stays null: the hash check then fails
    return grid


_XLSX_MAX_ROWS, _XLSX_MAX_CELL = 1_048_576, 32_767


def write_xlsx(path: Path | BinaryIO, grids: dict[str, Grid], step: Callable[[str, int], None] | None = None) -> None:
    """For people: every cell written as text (a "=1+1" or "#N/A" stays text), bold frozen header."""
    from openpyxl import Workbook as XlsxWorkbook  # built off the hot path, so the server need not load openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = XlsxWorkbook(write_only=True)
    used: set[str] = set()
    for title, grid in grids.items():
        if step:
            step(title, len(grid))
        ws = wb.create_sheet(_xlsx_title(title, used))
        ws.freeze_panes = "A2"
        # A write-only sheet writes each row out inside append(), so one unstyled cell per column is reused.
        spare = [WriteOnlyCell(ws) for _ in range(max((len(r) for r in grid), default=0))]
        for i, row in enumerate(grid[:_XLSX_MAX_ROWS]):
            cells = [WriteOnlyCell(ws) for _ in row] if i == 0 else spare[:len(row)]
            for cell, value in zip(cells, row, strict=True):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:_XLSX_MAX_CELL] if value else None
                cell.data_type = "s"  # never "f" for "=1+1" nor "e" for "#N/A"
                if i == 0:
                    cell.font = bold
            ws.append(cells)
    wb.save(path)
    if isinstance(path, Path):
        _fsync(path)


def _xlsx_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", title).strip("'")[:31] or "Лист"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:27]} ({n})"
        n += 1
    used.add(name.lower())
    return name


def _file_facts(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return {"bytes": path.stat().st_size, "file_sha256": digest.hexdigest()}


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):  # directories cannot be fsynced on some systems
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _manifest_checksum(manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                          .encode("utf-8")).hexdigest()


# -- reading -----------------------------------------------------------------------------------------------------
