"""The in-memory cache of the validated workbook. Pages and reports read it; only refresh() touches the store.

Pending commands from the outbox are laid over the last read, so a teacher sees what they entered at once;
the ids of such rows are kept in `pending` so pages can mark them «ожидает записи». An accepted write is laid
over the typed frames of the sheets it touches (`apply`), never by re-validating the workbook; a refresh
validates everything, outside the lock, so pages and saves go on meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from sheets_schema import ID_HEADER, Registry, Workbook, validate_workbook
from sheets_schema.validation import ROW
from sync.overlay import id_index, incremental_sheets, merge_rows, overlay, replace_rows, set_cells
from sync.store import Grid, SheetStore, StoreError
from sync.write.commands import WriteCommand

log = logging.getLogger(__name__)


@dataclass
class CacheStatus:
    refreshed_at: float | None = None  # epoch seconds of the last successful read of the store
    duration: float = 0.0
    last_error: str = ""
    refresh_count: int = 0
    row_counts: dict[str, int] = field(default_factory=dict)


class WorkbookCache:
    """Holds the validated workbook; refreshed by ONE batch read (on start, on a timer, after writes, on demand)."""

    def __init__(self, store: SheetStore, schema: Registry,
                 pending: Callable[[], list[WriteCommand]] | None = None,
                 on_read: Callable[[dict[str, Grid], float], object] | None = None) -> None:
        self.on_read = on_read  # after each successful read: the grids and the time (the last good local copy)
        self.store = store
        self.schema = schema
        self.pending_source = pending
        self._grids: dict[str, Grid] = {}  # as last read
        self._grid_index: dict[str, dict[str, list[int]]] = {}  # title -> id -> positions in _grids (see overlay)
        self._view: dict[str, Grid] = {}  # as last read with pending commands laid over (raw rows come from here)
        self._index: dict[str, dict[str, int]] = {}  # title -> row id -> position in _view, built on first use
        self._workbook: Workbook = validate_workbook(schema, {})
        self._dirty = False
        self._lock = threading.RLock()
        self._incremental = incremental_sheets(schema)
        self._applies = 0  # incremental writes so far
        self._invalidations = 0
        self._since: list[tuple[int, list[WriteCommand], Mapping[str, pd.DataFrame]]] = []  # since last validation
        self._read_ops: list[str] = []  # op ids of the pending commands the last validation laid over
        self._laid: dict[str, WriteCommand] = {}  # op id -> command laid over the last read (not in _grids)
        self.status = CacheStatus()
        self.pending: dict[str, set[str]] = {}
        self.version = 0  # grows on every change of the workbook, so derived data knows when to recompute

    @property
    def workbook(self) -> Workbook:
        with self._lock:
            if self._dirty:
                self._rebuild()
            return self._workbook

    def current(self) -> tuple[int, Workbook]:
        """(version, workbook) read together: what page analytics are keyed by."""
        with self._lock:
            if self._dirty:
                self._rebuild()
            return self.version, self._workbook

    def _rebuild(self) -> None:
        commands = self.pending_source() if self.pending_source else []
        self._read_ops = [c.op_id for c in commands]
        self._laid = {c.op_id: c for c in commands}
        self._view, self.pending = overlay(self.schema, self._grids, commands)
        self._index = {}
        self._workbook = validate_workbook(self.schema, self._view)
        self._since = []
        self._dirty = False
        self.version += 1

    def grid(self, sheet_key: str) -> Grid:
        """Raw cells of one sheet as last read (no pending overlay): the «old» values of an edit."""
        return self._grids.get(self.schema[sheet_key].title, [])

    def _position(self, title: str, row_id: str) -> int | None:
        index = self._index.get(title)
        if index is None:
            index = self._index[title] = {}
            grid = self._view.get(title) or []
            header = [h.strip() for h in grid[0]] if grid else []
            if ID_HEADER in header:
                id_col = header.index(ID_HEADER)
                for i in range(1, len(grid)):
                    r = grid[i]
                    if len(r) > id_col:
                        index.setdefault(r[id_col].strip(), i)
        return index.get(row_id)

    def raw_row(self, sheet_key: str, row_id: str) -> dict[str, str]:
        """field key -> the exact cell text of one row as the store holds it (pending edits included)."""
        sheet = self.schema[sheet_key]
        with self._lock:
            if self._dirty:
                self._rebuild()
            grid = self._view.get(sheet.title) or []
            where = self._position(sheet.title, row_id) if grid else None
            if where is None:
                return {}
            header = [h.strip() for h in grid[0]]
            r = grid[where]
        return {f.key: (r[header.index(f.header)] if f.header in header and header.index(f.header) < len(r) else "")
                for f in sheet.fields}

    def _lay(self, sheet_key: str, c: WriteCommand) -> int | None:
        """Lay one command over the raw view (as `overlay` does); the sheet row it now occupies."""
        sheet = self.schema[sheet_key]
        grid = self._view.get(sheet.title)
        if not grid:
            return None
        header = [h.strip() for h in grid[0]]
        if ID_HEADER not in header:
            return None
        if grid is self._grids.get(sheet.title):
            grid = self._view[sheet.title] = list(grid)  # rows are replaced, never changed in place
        id_col = header.index(ID_HEADER)
        where = self._position(sheet.title, c.row_id)
        if c.op == "delete":
            if where is None:
                return None
            del grid[where]
            self._index.pop(sheet.title, None)
            return where + 1  # the rows below move up by one
        if c.op == "append" and where is None:
            grid.append([""] * len(header))
            where = len(grid) - 1
            grid[where][id_col] = c.row_id
            self._index[sheet.title][c.row_id] = where
        if where is None:
            return None
        row = list(grid[where])
        set_cells(sheet, header, row, c.values)
        grid[where] = row
        return where + 1

    def apply(self, commands: Sequence[WriteCommand], typed: Mapping[str, pd.DataFrame]) -> None:
        """Accepted commands (already in the outbox) and their typed rows from the write check: laid over the frames
        of the sheets they touch; the other sheets are not looked at. A write that other rows depend on re-validates
        the workbook on the next read instead."""
        with self._lock:
            self._applies += 1
            self._since.append((self._applies, list(commands), typed))
            self._laid.update((c.op_id, c) for c in commands)
            self._apply(commands, typed)

    def _apply(self, commands: Sequence[WriteCommand], typed: Mapping[str, pd.DataFrame]) -> None:
        if self._dirty:
            return  # the next read rebuilds from the outbox, these commands included
        if any(c.sheet not in self._incremental for c in commands):
            self._invalidate()
            return
        frames = dict(self._workbook.frames)
        pending = dict(self.pending)
        for sheet_key in dict.fromkeys(c.sheet for c in commands):
            mine = [c for c in commands if c.sheet == sheet_key]
            new = typed.get(sheet_key)
            # a delete moves the rows below it up, so with deletes the commands are laid one at a time, in order
            runs = [[c] for c in mine] if any(c.op == "delete" for c in mine) else [mine]
            for run in runs:
                rows = {c.row_id: r for c in run if (r := self._lay(sheet_key, c)) is not None}
                ids = {c.row_id for c in run}
                part = None if new is None else new[new["id"].astype(object).isin(ids).to_numpy(dtype=bool)]
                frame = replace_rows(frames[sheet_key], part, rows) if len(part if part is not None else ()) == len(
                    ids) and all(c.op == "update" for c in run) else None
                if frame is None:
                    frame = merge_rows(frames[sheet_key], ids, part, rows)
                for c in run:
                    if c.op == "delete" and c.row_id in rows:
                        frame[ROW] = frame[ROW].where(frame[ROW] < rows[c.row_id], frame[ROW] - 1)
                frames[sheet_key] = frame
            pending[sheet_key] = pending.get(sheet_key, set()) | {c.row_id for c in mine}
        self.pending = pending
        self._workbook = Workbook(frames, self._workbook.issues)
        self.version += 1

    def settle(self) -> None:
        """Commands reached the store: rows no longer pending lose their mark; the frames already hold them.

        The outbox is read outside the lock (saves and pages go on meanwhile); only commands laid before that read
        can be found settled by it, and rows of commands laid after it keep their mark."""
        self._index_read_grids()
        with self._lock:
            laid = set(self._laid)
        waiting = self.pending_source() if self.pending_source else []
        ops = {c.op_id for c in waiting}
        with self._lock:
            applied = [c for op, c in self._laid.items() if op in laid and op not in ops]
            if applied:  # the store holds them now: so does the last read, and «old» values of edits follow
                # the index of the read grids is kept between settles: no pass over a big sheet's ids each time
                self._grids, _ = overlay(self.schema, self._grids, applied, self._grid_index)
                for c in applied:
                    del self._laid[c.op_id]
            self._read_ops = [c.op_id for c in waiting]
            touched: dict[str, set[str]] = {}
            for c in [*waiting, *(c for op, c in self._laid.items() if op not in laid)]:
                touched.setdefault(c.sheet, set()).add(c.row_id)
            self.pending = {k: v & touched.get(k, set()) for k, v in self.pending.items() if v & touched.get(k, set())}

    def _index_read_grids(self) -> None:
        """Build the id index of each read grid that laid commands write to and that has none yet, outside the
        lock (the first settle after a read would otherwise hold saves and pages for a pass over a big sheet);
        kept only if that grid is still the one read."""
        with self._lock:
            titles = {self.schema[c.sheet].title for c in self._laid.values()} - set(self._grid_index)
            grids = {t: g for t in titles if (g := self._grids.get(t))}
        for title, grid in grids.items():
            header = [h.strip() for h in grid[0]]
            if ID_HEADER not in header:
                continue
            index = id_index(grid, header.index(ID_HEADER))
            with self._lock:
                if self._grids.get(title) is grid and title not in self._grid_index:
                    self._grid_index[title] = index

    def _invalidate(self) -> None:
        self._dirty = True
        self._invalidations += 1

    def seed(self, grids: dict[str, Grid], read_at: float) -> None:
        """Start from grids read earlier (the last good local copy) while the store cannot be read."""
        with self._lock:
            self._grids, self._grid_index = grids, {}
            self._rebuild()
            self.status.refreshed_at = read_at
            self.status.row_counts = {k: len(v) for k, v in self._workbook.frames.items()}

    def refresh(self) -> bool:
        """Re-read and re-validate; on a store failure keep the last good workbook and record the error.

        The validation runs outside the lock; writes accepted meanwhile are laid over the new workbook."""
        started = time.monotonic()
        with self._lock:
            applies, invalidations = self._applies, self._invalidations
        commands = self.pending_source() if self.pending_source else []  # before the read: none can slip between
        try:
            grids = self.store.read_all()
        except StoreError as exc:
            self.status.last_error = str(exc)
            log.warning("cache refresh failed: %s", exc)
            return False
        ops = [c.op_id for c in commands]
        with self._lock:
            if (grids == self._grids and ops == self._read_ops and not self._dirty and self._applies == applies
                    and self.status.refreshed_at is not None):
                # nothing changed since the last validation: same workbook, same version, page analytics stay
                self.status = CacheStatus(time.time(), time.monotonic() - started, "", self.status.refresh_count + 1,
                                          self.status.row_counts)
                return True
        view, touched = overlay(self.schema, grids, commands)
        workbook = validate_workbook(self.schema, view)
        with self._lock:
            self._read_ops = ops
            self._laid = {c.op_id: c for c in commands}
            self._laid.update((c.op_id, c) for e in self._since if e[0] > applies for c in e[1])
            self._grids, self._view, self._index, self.pending = grids, view, {}, touched
            self._grid_index = {}
            self._workbook = workbook
            self._dirty = self._invalidations != invalidations
            self.version += 1
            self._since = [e for e in self._since if e[0] > applies]
            for _, later, typed in self._since:
                self._apply(later, typed)
            self.status = CacheStatus(time.time(), time.monotonic() - started, "", self.status.refresh_count + 1,
                                      {k: len(v) for k, v in self._workbook.frames.items()})
        if self.on_read is not None:
            self.on_read(grids, self.status.refreshed_at or time.time())
        return True
