"""The in-memory cache of the validated workbook. Pages and reports read it; only refresh() touches the store."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sheets_schema import Registry, Workbook, validate_workbook

from .store import SheetStore, StoreError

log = logging.getLogger(__name__)


@dataclass
class CacheStatus:
    refreshed_at: float | None = None  # epoch seconds of the last successful refresh
    duration: float = 0.0
    last_error: str = ""
    refresh_count: int = 0
    row_counts: dict[str, int] = field(default_factory=dict)


class WorkbookCache:
    """Holds the validated workbook; refreshed by ONE batch read (on start, on a timer, after writes, on demand)."""

    def __init__(self, store: SheetStore, schema: Registry) -> None:
        self.store = store
        self.schema = schema
        self._workbook: Workbook = validate_workbook(schema, {})
        self._lock = threading.Lock()
        self.status = CacheStatus()
        self._listeners: list[Callable[[Workbook], None]] = []

    @property
    def workbook(self) -> Workbook:
        return self._workbook

    def on_refresh(self, listener: Callable[[Workbook], None]) -> None:
        self._listeners.append(listener)

    def refresh(self) -> bool:
        """Re-read and re-validate; on a store failure keep the last good workbook and record the error."""
        with self._lock:
            started = time.monotonic()
            try:
                grids = self.store.read_all()
            except StoreError as exc:
                self.status.last_error = str(exc)
                log.warning("cache refresh failed: %s", exc)
                return False
            workbook = validate_workbook(self.schema, grids)
            self._workbook = workbook
            self.status = CacheStatus(time.time(), time.monotonic() - started, "", self.status.refresh_count + 1,
                                      {k: len(v) for k, v in workbook.frames.items()})
        for listener in self._listeners:
            listener(workbook)
        return True
