"""The write path pages and imports use: validate → commit to the outbox → show at once → apply in background."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from sheets_schema import Registry

from .cache import WorkbookCache
from .commands import WriteCommand, validate_commands
from .outbox import CONFLICT, PENDING, Outbox
from .worker import Worker


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


class WritePath:
    def __init__(self, schema: Registry, outbox: Outbox, cache: WorkbookCache, worker: Worker) -> None:
        self.schema, self.outbox, self.cache, self.worker = schema, outbox, cache, worker

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
        )
