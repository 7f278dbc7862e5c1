"""The in-memory cache of the validated workbook. Pages and reports read it; only refresh() touches the store.

Pending commands from the outbox are laid over the last read, so a teacher sees what they entered at once;
the ids of such rows are kept in `pending` so pages can mark them «ожидает записи».
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sheets_schema import ID_HEADER, Registry, Workbook, validate_workbook

from .commands import WriteCommand
from .store import Grid, SheetStore, StoreError

log = logging.getLogger(__name__)


@dataclass
class CacheStatus:
    refreshed_at: float | None = None  # epoch seconds of the last successful read of the store
    duration: float = 0.0
    last_error: str = ""
    refresh_count: int = 0
    row_counts: dict[str, int] = field(default_factory=dict)


def overlay(schema: Registry, grids: dict[str, Grid], commands: Sequence[WriteCommand]
            ) -> tuple[dict[str, Grid], dict[str, set[str]]]:
    """The grids as they will be once the commands are applied; and the ids each command touched, by sheet key."""
    out = {t: g for t, g in grids.items()}
    touched: dict[str, set[str]] = {}
    for c in commands:
        sheet = schema[c.sheet]
        grid = out.get(sheet.title)
        if not grid:
            continue
        if grid is grids.get(sheet.title):
            grid = out[sheet.title] = [list(r) for r in grid]  # copy on first write
        header = [h.strip() for h in grid[0]]
        if ID_HEADER not in header:
            continue
        id_col = header.index(ID_HEADER)
        where = next((i for i in range(1, len(grid)) if len(grid[i]) > id_col and grid[i][id_col].strip() == c.row_id),
                     None)
        touched.setdefault(c.sheet, set()).add(c.row_id)
        if c.op == "delete":
            if where is not None:
                del grid[where]
            continue
        if c.op == "append" and where is None:
            grid.append([""] * len(header))
            where = len(grid) - 1
            grid[where][id_col] = c.row_id
        if where is None:
            continue
        row = grid[where]
        for k, v in c.values.items():
            h = sheet.header_of(k)
            if h in header:
                i = header.index(h)
                row += [""] * (i + 1 - len(row))
                row[i] = v
    return out, touched


class WorkbookCache:
    """Holds the validated workbook; refreshed by ONE batch read (on start, on a timer, after writes, on demand)."""

    def __init__(self, store: SheetStore, schema: Registry,
                 pending: Callable[[], list[WriteCommand]] | None = None,
                 on_read: Callable[[dict[str, Grid], float], object] | None = None) -> None:
        self.on_read = on_read  # after each successful read: the grids and the time (the last good local copy)
        self.store = store
        self.schema = schema
        self.pending_source = pending
        self._grids: dict[str, Grid] = {}
        self._workbook: Workbook = validate_workbook(schema, {})
        self._dirty = False
        self._lock = threading.RLock()
        self.status = CacheStatus()
        self.pending: dict[str, set[str]] = {}
        self.version = 0  # grows on every change of the workbook, so derived data knows when to recompute

    @property
    def workbook(self) -> Workbook:
        with self._lock:
            if self._dirty:
                self._rebuild()
            return self._workbook

    def _rebuild(self) -> None:
        commands = self.pending_source() if self.pending_source else []
        grids, self.pending = overlay(self.schema, self._grids, commands)
        self._workbook = validate_workbook(self.schema, grids)
        self._dirty = False
        self.version += 1

    def grid(self, sheet_key: str) -> Grid:
        """Raw cells of one sheet as last read (no pending overlay): the «old» values of an edit."""
        return self._grids.get(self.schema[sheet_key].title, [])

    def raw_row(self, sheet_key: str, row_id: str) -> dict[str, str]:
        """field key -> the exact cell text of one row as the store holds it (pending edits included)."""
        with self._lock:
            if self._dirty:
                self._rebuild()
            commands = self.pending_source() if self.pending_source else []
            grids, _ = overlay(self.schema, self._grids, [c for c in commands if c.sheet == sheet_key])
        sheet = self.schema[sheet_key]
        grid = grids.get(sheet.title) or []
        if not grid:
            return {}
        header = [h.strip() for h in grid[0]]
        if ID_HEADER not in header:
            return {}
        id_col = header.index(ID_HEADER)
        for r in grid[1:]:
            if len(r) > id_col and r[id_col].strip() == row_id:
                return {f.key: (r[header.index(f.header)] if f.header in header and header.index(f.header) < len(r)
                                else "") for f in sheet.fields}
        return {}

    def invalidate(self) -> None:
        """Pending commands changed: rebuild the overlay on next read, without touching the store."""
        with self._lock:
            self._dirty = True

    def seed(self, grids: dict[str, Grid], read_at: float) -> None:
        """Start from grids read earlier (the last good local copy) while the store cannot be read."""
        with self._lock:
            self._grids = grids
            self._rebuild()
            self.status.refreshed_at = read_at
            self.status.row_counts = {k: len(v) for k, v in self._workbook.frames.items()}

    def refresh(self) -> bool:
        """Re-read and re-validate; on a store failure keep the last good workbook and record the error."""
        started = time.monotonic()
        try:
            grids = self.store.read_all()
        except StoreError as exc:
            self.status.last_error = str(exc)
            log.warning("cache refresh failed: %s", exc)
            return False
        with self._lock:
            self._grids = grids
            self._rebuild()
            self.status = CacheStatus(time.time(), time.monotonic() - started, "", self.status.refresh_count + 1,
                                      {k: len(v) for k, v in self._workbook.frames.items()})
        if self.on_read is not None:
            self.on_read(grids, self.status.refreshed_at)
        return True
