"""Assembly of the lab's site: its own workbook (LAB_SCHEMA) on the same store/cache/outbox machinery, its
accounts, the warehouse, the receipts log and the engine (DuckDB or Spark) — all under the lab's data dir."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from app.analytics_cache import AnalyticsMemo
from app.config import Settings
from app.context import open_store, session_secret_of
from reports.district import MATERIALISED, MATERIALISED_SQL
from sheets_schema.lab import LAB_SCHEMA
from sync.cache import WorkbookCache
from sync.files import private_dir
from sync.layout import layouts_of
from sync.store import LayoutReport, SheetStore
from sync.users import UserStore
from sync.warehouse.bundle import load_or_create_key
from sync.warehouse.engines import LabEngine, open_engine
from sync.warehouse.layout import Warehouse
from sync.warehouse.receipts import Receipts
from sync.write.outbox import Outbox
from sync.write.worker import Worker
from sync.write.writer import WritePath

T = TypeVar("T")


@dataclass
class LabContext:
    settings: Settings
    store: SheetStore
    cache: WorkbookCache
    outbox: Outbox
    worker: Worker
    writer: WritePath
    users: UserStore
    warehouse: Warehouse
    receipts: Receipts
    _engine: LabEngine | None = None
    memo: AnalyticsMemo = field(default_factory=AnalyticsMemo)  # the lab pages' numbers of one data version
    _seen: int | None = None  # the data version the engine's views were last refreshed for
    _version_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def engine(self) -> LabEngine:
        """Opened on first use (an engine is not needed to edit the registry); EDUMON_LAB_ENGINE picks which."""
        if self._engine is None:
            s = self.settings
            self._engine = open_engine(s.lab_engine, self.warehouse, MATERIALISED_SQL, spark_master=s.spark_master,
                                       spark_url=s.spark_warehouse_url or None)
        return self._engine

    def data_version(self) -> int:
        """What the lab pages' numbers depend on, as one growing number: the last submission recorded (any way in,
        any process) and the registry's cache version. Blocking (a SQLite read); on a new version the engine's views
        are refreshed first, so a bundle accepted elsewhere is seen."""
        version = (self.receipts.last_id() << 32) + self.cache.version
        with self._version_lock:
            if version != self._seen and self._engine is not None:
                self._engine.refresh()
            self._seen = version
        return version

    async def computed(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` computed once per data version, off the event loop, in a bounded LRU (pages pass
        the scope — a school code, a slice — as arguments; the account's own filtering is done by the caller)."""
        from app import background

        version = await background.io_bound(self.data_version)
        return await self.memo.computed(version, fn, *args, **kwargs)

    def complete_warehouse(self) -> int:
        """Store the derived tables (cube, score histogram) of school-years accepted without them — by an older
        edumon — so the views read them instead of the raw results; blocking. Returns how many school-years."""
        from sync.warehouse.rebuild import rebuild_derived

        done = rebuild_derived(self.warehouse, MATERIALISED)
        if done and self._engine is not None:
            self._engine.refresh()
        return done

    def ensure_layout(self) -> LayoutReport:
        return self.store.ensure_layout(layouts_of(LAB_SCHEMA))

    def pull_key(self) -> bytes:
        """The lab's key for pseudonymising at its edge what it pulls from schools' spreadsheets."""
        return load_or_create_key(self.settings.data_dir / "pull_key")

    def session_secret(self) -> str:
        return session_secret_of(self.settings)

    def registered(self) -> set[str]:
        schools = self.cache.workbook.frames["schools"]
        return set(schools["code"].astype(str))


def build_lab_context(settings: Settings) -> LabContext:
    private_dir(settings.data_dir)
    store = open_store(settings)
    outbox = Outbox(settings.data_dir / "outbox.sqlite3")
    cache = WorkbookCache(store, LAB_SCHEMA, pending=outbox.pending_commands)
    worker = Worker(outbox, store, LAB_SCHEMA, on_applied=cache.refresh, what="edumon lab")
    return LabContext(settings, store, cache, outbox, worker, WritePath(LAB_SCHEMA, outbox, cache, worker),
                      UserStore(settings.data_dir / "users.sqlite3"), Warehouse(settings.warehouse_dir),
                      Receipts(settings.data_dir / "receipts.sqlite3"))


