"""The write path pages and imports use: validate → commit to the outbox → show at once → apply in background."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sheets_schema import Registry
from sync.cache import WorkbookCache
from sync.write.commands import CommandRejected, WriteCommand, validate_commands
from sync.write.outbox import CONFLICT, PENDING, Outbox
from sync.write.worker import Worker


@dataclass(frozen=True)
class WriteStatus:
    """What the admin page and `edumon status` show."""

    pending: int
    oldest_pending_age: float | None  # seconds
    conflicts: int
    last_refresh_at: float | None
    last_error: str
    requests_last_minute: int | None
    store_kind: str
    last_applied_at: float | None = None  # when a command last reached the store


@dataclass
class _Save:
    """One submit waiting for its group commit."""

    commands: list[WriteCommand]
    done: bool = False
    error: BaseException | None = None


class WritePath:
    def __init__(self, schema: Registry, outbox: Outbox, cache: WorkbookCache, worker: Worker) -> None:
        self.schema, self.outbox, self.cache, self.worker = schema, outbox, cache, worker
        self._queue: list[_Save] = []
        self._queue_lock = threading.Lock()
        self._turn = threading.Condition(self._queue_lock)  # a save waits here for its commit or its turn to lead
        self._leading = False  # a save is committing (or about to): the others wait in _queue
        self._commit_lock = threading.Lock()  # held while a group commits
        self._last_commit = 0.0  # monotonic time the last group's commit ended
        self._refused = self._refused_count()
        # the write path decides what follows its own applied writes (see after_applied), not a full re-read
        worker.on_applied = self.after_applied
        worker.between = self.quiet

    def _refused_count(self) -> int:
        return self.outbox.refused()

    def after_applied(self) -> None:
        """The worker applied commands. The cache holds them already, so only the «ожидает записи» marks change;
        a command the store refused (a conflict, a missing column) was laid over the cache too, so then the cache
        re-reads the store to show what it really holds."""
        refused = self._refused_count()
        if refused != self._refused:
            self._refused = refused
            self.cache.refresh()
        else:
            self.cache.settle()

    def submit(self, commands: Sequence[WriteCommand]) -> None:
        """Durable on return, or CommandRejected with Russian messages and nothing written.

        Checked against the cached workbook (the rows touched, their references and cross-row rules), then laid
        over the cache: nothing re-validates the workbook on the way to the acknowledgement.

        Saves that arrive while another is being committed are committed together (a group commit): one check of
        all their rows, one outbox transaction, one change of the cache. When that joint check finds a problem,
        each save of the group is checked and committed on its own, in order, so a save is only ever refused for
        its own rows and with the same messages."""
        if not commands:
            return
        mine = _Save(list(commands))
        with self._turn:
            self._queue.append(mine)
            while self._leading and not mine.done:
                self._turn.wait()
            lead = not mine.done
            self._leading = self._leading or lead
        if lead:  # no group is committing: this save leads the next one, with every save queued by then
            try:
                self._gather()
                with self._commit_lock:
                    with self._queue_lock:
                        group, self._queue = self._queue, []
                    self._commit(group)
            finally:
                with self._turn:
                    self._leading = False
                    self._last_commit = time.monotonic()
                    self._turn.notify_all()  # the group's saves return at once, not one after another
        if mine.error is not None:
            raise mine.error

    def _gather(self, pause: float = 0.002, rounds: int = 10) -> None:
        """Give the saves on their way a moment to join the group: while the queue grew during a short pause,
        pause again (at most `rounds` times). A wave of teachers saving at once then makes one check, not one for
        the first save and another for the rest; a save alone waits one pause."""
        for _ in range(rounds):
            with self._queue_lock:
                before = len(self._queue)
            time.sleep(pause)
            with self._queue_lock:
                if len(self._queue) == before:
                    return

    def quiet(self, gap: float = 0.03, timeout: float = 1.0) -> None:
        """Wait (at most `timeout` seconds) until no save has been committed or waiting for `gap` seconds: the
        worker's cycle goes between waves of saves instead of competing with them for the processor (the saves
        are acknowledged and shown already; the store gets them a moment later)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._turn:
                self._turn.wait_for(lambda: not self._leading and not self._queue, deadline - time.monotonic())
                left = min(self._last_commit + gap, deadline) - time.monotonic()
            if left <= 0:
                return
            time.sleep(left)

    def _commit(self, group: list[_Save]) -> None:
        try:
            if len(group) > 1:
                together = [c for s in group for c in s.commands]
                try:
                    together, typed = validate_commands(self.schema, together, self.cache.workbook.frames)
                except CommandRejected:
                    pass
                else:
                    self.outbox.enqueue(together)
                    self.cache.apply(together, typed)
                    return
            for save in group:
                try:
                    accepted, typed = validate_commands(self.schema, save.commands, self.cache.workbook.frames)
                except CommandRejected as exc:
                    save.error = exc
                    continue
                self.outbox.enqueue(accepted)
                self.cache.apply(accepted, typed)
                save.done = True
        except BaseException as exc:  # the outbox could not be written: no save of the group was acknowledged
            for save in group:
                if not save.done and save.error is None:
                    save.error = exc
            raise
        finally:
            for save in group:
                save.done = True

    def status(self) -> WriteStatus:
        counts = self.outbox.counts()
        oldest = self.outbox.oldest_pending_at()
        per_minute = getattr(self.cache.store, "requests_in_last_minute", None)
        return WriteStatus(
            pending=counts.get(PENDING, 0),
            oldest_pending_age=(time.time() - oldest) if oldest else None,
            conflicts=counts.get(CONFLICT, 0),
            last_refresh_at=self.cache.status.refreshed_at,
            last_error=self.worker.last_error or self.cache.status.last_error,
            requests_last_minute=per_minute() if callable(per_minute) else None,
            store_kind=self.cache.store.kind,
            last_applied_at=self.outbox.last_applied_at(),
        )
