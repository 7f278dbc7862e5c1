"""The write path pages and imports use: validate → commit to the outbox → show at once → apply in background."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from sheets_schema import Registry
from sync.cache import WorkbookCache
from sync.write.commands import WriteCommand, validate_commands
from sync.write.outbox import CONFLICT, PENDING, REJECTED, Outbox
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


class WritePath:
    def __init__(self, schema: Registry, outbox: Outbox, cache: WorkbookCache, worker: Worker) -> None:
        self.schema, self.outbox, self.cache, self.worker = schema, outbox, cache, worker
        self._refused = self._refused_count()
        # the write path decides what follows its own applied writes (see after_applied), not a full re-read
        worker.on_applied = self.after_applied

    def _refused_count(self) -> int:
        counts = self.outbox.counts()
        return counts.get(CONFLICT, 0) + counts.get(REJECTED, 0)

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
        over the cache: nothing re-validates the workbook on the way to the acknowledgement."""
        if not commands:
            return
        typed = validate_commands(self.schema, commands, self.cache.workbook.frames)
        self.outbox.enqueue(commands)
        self.cache.apply(commands, typed)

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
