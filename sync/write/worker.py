"""The worker that drains the outbox into the store: in order, batched, retried with backoff, idempotent.

Each cycle reads, per worksheet it writes to, the header and the rows of the batch's ids (`read_rows`: never the
whole workbook) and keeps that view current while applying, so an append whose row id is already there (the
answer to an earlier attempt was lost, or the server restarted mid-write) is skipped, and an update whose cell was
changed by hand meanwhile is recorded as a conflict instead of overwriting it.

One worker per outbox across processes (the worker lease, see sync.lease), and every cycle holds the write lock,
which a restore in any process takes to pause the worker.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import groupby

from sheets_schema import ID_HEADER, Registry
from sync.lease import FileLock, claim_worker, worker_lease, write_lock_path
from sync.store import Grid, SheetStore, StoreError, header_at
from sync.write.outbox import APPLIED, CONFLICT, REJECTED, Entry, Outbox

log = logging.getLogger(__name__)


class _SheetView:
    """The header and id -> row of the batch's rows of one worksheet as read at the start of a cycle, kept current
    while applying."""

    def __init__(self, grid: Grid) -> None:
        at = header_at(grid)
        self.header = [h.strip() for h in grid[at]] if grid else []
        self.id_col = self.header.index(ID_HEADER) if ID_HEADER in self.header else -1
        self.rows: dict[str, list[str]] = {}
        if self.id_col >= 0:
            for r in grid[at + 1:]:
                if len(r) > self.id_col and r[self.id_col].strip():
                    self.rows.setdefault(r[self.id_col].strip(), list(r))

    def cell(self, row: list[str], header: str) -> str:
        i = self.header.index(header)
        return row[i].strip() if i < len(row) else ""

    def set(self, row: list[str], header: str, value: str) -> None:
        i = self.header.index(header)
        row += [""] * (i + 1 - len(row))
        row[i] = value


class Worker:
    def __init__(self, outbox: Outbox, store: SheetStore, schema: Registry,
                 on_applied: Callable[[], object] | None = None, batch_size: int = 500,
                 backoff_base: float = 1.0, backoff_max: float = 60.0, idle_wait: float = 5.0,
                 prepare: Callable[[], object] | None = None, what: str = "edumon") -> None:
        """`prepare` runs before each cycle (the app lays out a store that was down at start; raises StoreError
        while it still is); `what` names this process in the lease for the message another process shows."""
        self.outbox, self.store, self.schema = outbox, store, schema
        self.on_applied, self.prepare = on_applied, prepare
        self.lease = worker_lease(outbox.path, what)
        self._write_lock = FileLock(write_lock_path(outbox.path), what)
        self.batch_size, self.backoff_base, self.backoff_max, self.idle_wait = (batch_size, backoff_base,
                                                                               backoff_max, idle_wait)
        self.between: Callable[[], object] | None = None  # the background loop waits on it before a cycle
        self.backlog = 5000  # with this many commands waiting, the background loop no longer waits on `between`
        self._cycle = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error = ""
        self.failures = 0

    # -- one cycle ---------------------------------------------------------------------------------------------
    def run_once(self, yielding: bool = False) -> int:
        """Apply up to batch_size pending commands; returns how many were settled. Raises StoreError on failure.

        `yielding` (the background loop): between reading the store, writing to it and settling the cache, wait
        for `between` too, so no more than one step of a cycle competes with a wave of saves — while fewer than
        `backlog` commands wait; with more, the worker goes flat out so the store keeps up."""
        def pause() -> None:
            if yielding and self.between is not None and self.outbox.pending_count() < self.backlog:
                self.between()
        with self._cycle, self._writes():
            entries = self.outbox.pending(self.batch_size)
            if not entries:
                return 0
            if self.prepare is not None:
                self.prepare()
            grids = self._read(entries)
            pause()
            views: dict[str, _SheetView] = {}
            settled = 0
            for (sheet_key, op), group_iter in groupby(entries, key=lambda e: (e.command.sheet, e.command.op)):
                group = list(group_iter)
                sheet = self.schema[sheet_key]
                if sheet.title not in grids:
                    self.outbox.mark([e.seq for e in group], REJECTED, f"Лист «{sheet.title}» не найден в таблице")
                    settled += len(group)
                    continue
                view = views.setdefault(sheet.title, _SheetView(grids[sheet.title]))
                try:
                    settled += getattr(self, f"_apply_{op}")(sheet.title, sheet, view, group)
                except StoreError as exc:
                    self.outbox.note_failure([e.seq for e in group], str(exc))
                    raise
            self.last_error, self.failures = "", 0
        if settled and self.on_applied is not None:
            pause()
            self.on_applied()
        return settled

    def _read(self, entries: list[Entry]) -> dict[str, Grid]:
        """title -> header and the rows of the batch's ids, for each worksheet the batch writes to that exists."""
        ids: dict[str, list[str]] = {}
        for e in entries:
            ids.setdefault(self.schema[e.command.sheet].title, []).append(e.command.row_id)
        grids = {t: self.store.read_rows(t, ID_HEADER, list(dict.fromkeys(i))) for t, i in ids.items()}
        return {t: g for t, g in grids.items() if g is not None}

    def _missing_headers(self, sheet, view: _SheetView, keys) -> list[str]:
        return [sheet.header_of(k) for k in keys if sheet.header_of(k) not in view.header]

    def _apply_append(self, title: str, sheet, view: _SheetView, group: list[Entry]) -> int:
        rows, done, rejected = [], [], {}
        for e in group:
            c = e.command
            if c.row_id in view.rows:  # already in the sheet: a retry after a lost answer, or a restart
                done.append(e.seq)
                continue
            missing = self._missing_headers(sheet, view, [k for k, v in c.values.items() if v != ""])
            if missing or view.id_col < 0:
                rejected[e.seq] = "В таблице нет столбцов: " + ", ".join(missing or [ID_HEADER])
                continue
            by_header = {sheet.header_of(k): v for k, v in c.values.items()}
            by_header[ID_HEADER] = c.row_id
            row = [by_header.get(h, "") for h in view.header]
            rows.append(row)
            view.rows[c.row_id] = row
            done.append(e.seq)
        if rows:
            self.store.append_rows(title, rows)
        self.outbox.mark(done, APPLIED)
        for seq, msg in rejected.items():
            self.outbox.mark([seq], REJECTED, msg)
        return len(group)

    def _apply_update(self, title: str, sheet, view: _SheetView, group: list[Entry]) -> int:
        changes: dict[str, dict[str, str]] = {}
        done, conflicts, found = [], [], {}
        for e in group:
            c = e.command
            row = view.rows.get(c.row_id)
            if row is None:
                conflicts.append(e.seq)
                found[e.seq] = {"id": "строка удалена или изменён её id в таблице"}
                continue
            missing = self._missing_headers(sheet, view, c.values)
            if missing:
                conflicts.append(e.seq)
                found[e.seq] = {"": "в таблице нет столбцов: " + ", ".join(missing)}
                continue
            clash = {}
            for k, new in c.values.items():
                h = sheet.header_of(k)
                now = view.cell(row, h)
                if now != new.strip() and k in c.expected and now != c.expected[k].strip():
                    clash[k] = now
            if clash:  # someone edited the same cell in the sheet: record it, never overwrite silently
                conflicts.append(e.seq)
                found[e.seq] = clash
                continue
            for k, new in c.values.items():
                h = sheet.header_of(k)
                if view.cell(row, h) != new.strip():
                    changes.setdefault(c.row_id, {})[h] = new
                view.set(row, h, new)
            done.append(e.seq)
        if changes:
            self.store.update_rows(title, ID_HEADER, changes)
        self.outbox.mark(done, APPLIED)
        if conflicts:
            self.outbox.mark(conflicts, CONFLICT, "Ячейка изменена в таблице после того, как её открыли в edumon",
                             found)
        return len(group)

    def _apply_delete(self, title: str, sheet, view: _SheetView, group: list[Entry]) -> int:
        ids = [e.command.row_id for e in group if e.command.row_id in view.rows]
        if ids:
            self.store.delete_rows(title, ID_HEADER, ids)
            for i in ids:
                view.rows.pop(i, None)
        self.outbox.mark([e.seq for e in group], APPLIED)  # a row already gone is what a delete wants
        return len(group)

    # -- background thread -------------------------------------------------------------------------------------
    @contextmanager
    def _writes(self, cancellable: bool = True) -> Iterator[None]:
        """The cross-process write lock for one cycle: waits while a restore holds it (the worker pauses)."""
        if not self._write_lock.acquire(cancel=self._stop if cancellable else None):
            raise StoreError("запись приостановлена: сервер останавливается")
        try:
            yield
        finally:
            self._write_lock.release()

    def drain(self, max_cycles: int = 1000) -> None:
        """Apply everything pending now, retrying failures with backoff (CLI and tests).

        Raises LeaseHeld (Russian message) when another process is the worker of this outbox."""
        claimed = not self.lease.held
        claim_worker(self.lease)
        try:
            for _ in range(max_cycles):
                try:
                    if self.run_once() == 0:
                        return
                except StoreError as exc:
                    self._failed(exc)
                    self._stop.wait(self._delay())
        finally:
            if claimed and not (self._thread and self._thread.is_alive()):
                self.lease.release()

    def _failed(self, exc: Exception) -> None:
        self.failures += 1
        self.last_error = str(exc)
        log.warning("outbox worker: attempt failed (%s in a row): %s", self.failures, exc)

    def _delay(self) -> float:
        return random.uniform(0, min(self.backoff_max, self.backoff_base * 2 ** min(self.failures, 16)))

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if self.between is not None and self.outbox.pending_count() < self.backlog:
                    self.between()  # the write path lets saves being committed go first
                if self.run_once(yielding=True) == 0:
                    self.outbox.wakeup.wait(self.idle_wait)
                    self.outbox.wakeup.clear()
            except Exception as exc:  # the worker must never die: log, back off, try again
                if not isinstance(exc, StoreError):
                    log.exception("outbox worker: unexpected error")
                self._failed(exc)
                self._stop.wait(self._delay())

    def claim(self) -> None:
        """Take the worker lease for the life of this process (a server); LeaseHeld when another one has it."""
        claim_worker(self.lease)

    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self.claim()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="edumon-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self.outbox.wakeup.set()
        if self._thread:
            self._thread.join(timeout)
        self.lease.release()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Hold the worker between cycles (restore replaces whole sheets underneath it), in every process."""
        with self._cycle, self._writes(cancellable=False):
            yield
