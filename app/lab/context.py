"""Assembly of the lab's site: its own workbook (LAB_SCHEMA) on the same store/cache/outbox machinery, its
accounts, the warehouse, the receipts log and the engine (DuckDB or Spark) — all under the lab's data dir."""

from __future__ import annotations

from dataclasses import dataclass

from app.config import Settings
from app.context import open_store, session_secret_of
from reports.district import CUBE
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

    @property
    def engine(self) -> LabEngine:
        """Opened on first use (an engine is not needed to edit the registry); EDUMON_LAB_ENGINE picks which."""
        if self._engine is None:
            s = self.settings
            self._engine = open_engine(s.lab_engine, self.warehouse, CUBE.sql, spark_master=s.spark_master,
                                       spark_url=s.spark_warehouse_url or None)
        return self._engine

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


