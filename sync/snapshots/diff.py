"""What changed between two snapshots (or a snapshot and the live store), row by row, keyed by id."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sheets_schema import ID_HEADER, col_letter
from sync.snapshots.catalog import (
    load_grids,
    pick_sheets,
)
from sync.snapshots.format import (
    CURRENT,
    SnapshotError,
)
from sync.store import Grid, SheetStore, trim_grid

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CellChange:
    column: str  # header text, or "столбец F" when the header cell is empty
    old: str
    new: str


@dataclass(frozen=True)
class RowRef:
    key: str  # the id, or "строка N" for a row without one
    row: int  # 1-based sheet row
    cells: tuple[str, ...]


@dataclass(frozen=True)
class RowChange:
    key: str
    old_row: int
    new_row: int
    cells: tuple[CellChange, ...]


@dataclass
class SheetDiff:
    title: str
    status: str = "same"  # same | changed | added (only in new) | removed (only in old)
    header_old: list[str] = field(default_factory=list)
    header_new: list[str] = field(default_factory=list)
    added: list[RowRef] = field(default_factory=list)
    removed: list[RowRef] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    reordered: bool = False  # same rows, different order (restore brings the order back too)


@dataclass
class WorkbookDiff:
    sheets: list[SheetDiff]
    old_label: str = ""
    new_label: str = ""

    @property
    def changed(self) -> list[SheetDiff]:
        return [s for s in self.sheets if s.status != "same"]


def _labels(header: Sequence[str]) -> list[str]:
    """Unique column labels: the header text, "столбец F" for an empty one, "Имя (2)" for a repeated one."""
    out: list[str] = []
    for j, h in enumerate(header):
        label = h.strip() or f"столбец {col_letter(j)}"
        n, base = 2, label
        while label in out:
            label, n = f"{base} ({n})", n + 1
        out.append(label)
    return out


def _keyed(grid: Grid, labels: list[str]) -> dict[tuple[str, ...], tuple[int, list[str]]]:
    """Row key -> (1-based row, row): by id (repeats numbered), rows without an id by their content."""
    at = labels.index(ID_HEADER) if ID_HEADER in labels else -1
    out: dict[tuple[str, ...], tuple[int, list[str]]] = {}
    seen: dict[tuple[str, ...], int] = {}
    for i, row in enumerate(grid[1:], start=2):
        rid = row[at].strip() if 0 <= at < len(row) else ""
        base = ("id", rid) if rid else ("row", *row)
        seen[base] = seen.get(base, 0) + 1
        out[(*base, str(seen[base]))] = (i, row)
    return out


def _ref(key: tuple[str, ...], row: int, cells: list[str]) -> RowRef:
    return RowRef(key[1] if key[0] == "id" else f"строка {row}", row, tuple(cells))


def diff_grids(title: str, old: Grid | None, new: Grid | None) -> SheetDiff:
    """Rows matched by id (rows without an id by content); changed cells named by their column header."""
    status = "added" if old is None else "removed" if new is None else "same"
    old, new = trim_grid(old or []), trim_grid(new or [])
    h_old, h_new = (old[0] if old else []), (new[0] if new else [])
    out = SheetDiff(title, status, h_old, h_new)
    l_old, l_new = _labels(h_old), _labels(h_new)
    a, b = _keyed(old, l_old), _keyed(new, l_new)
    columns = list(dict.fromkeys([*l_old, *l_new]))
    for key, (i, row) in a.items():
        if key not in b:
            out.removed.append(_ref(key, i, row))
            continue
        j, other = b[key]
        was, now = dict(zip(l_old, row, strict=False)), dict(zip(l_new, other, strict=False))
        cells = tuple(CellChange(c, was.get(c, ""), now.get(c, "")) for c in columns
                      if was.get(c, "") != now.get(c, ""))
        if cells:
            out.changed.append(RowChange(_ref(key, i, row).key, i, j, cells))
    out.added = [_ref(key, i, row) for key, (i, row) in b.items() if key not in a]
    common = [k for k in a if k in b]
    out.reordered = common != [k for k in b if k in a]
    if status == "same" and (h_old != h_new or out.added or out.removed or out.changed or out.reordered):
        out.status = "changed"
    return out


def diff_workbooks(old: dict[str, Grid], new: dict[str, Grid], sheets: Sequence[str] | None = None) -> WorkbookDiff:
    titles = list(sheets) if sheets else list(dict.fromkeys([*old, *new]))
    return WorkbookDiff([diff_grids(t, old.get(t), new.get(t)) for t in titles if t in old or t in new])


# -- diff and restore over snapshots -----------------------------------------------------------------------------------
def grids_of(data_dir: str | Path, ref: str, store: SheetStore | None = None) -> tuple[str, dict[str, Grid]]:
    """(label, grids) of a snapshot ref, or of the live store for "current"."""
    if ref.strip().lower() in CURRENT:
        if store is None:
            raise SnapshotError("Текущие данные недоступны: хранилище не открыто")
        return "текущие данные", store.read_all()
    info, grids = load_grids(data_dir, ref)
    return info.id, grids


def diff_refs(data_dir: str | Path, old: str, new: str, sheets: Sequence[str] | None = None,
              store: SheetStore | None = None) -> WorkbookDiff:
    old_label, old_grids = grids_of(data_dir, old, store)
    new_label, new_grids = grids_of(data_dir, new, store)
    chosen = pick_sheets(list(dict.fromkeys([*old_grids, *new_grids])), sheets) if sheets else None
    return replace(diff_workbooks(old_grids, new_grids, chosen), old_label=old_label, new_label=new_label)
