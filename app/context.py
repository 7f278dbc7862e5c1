"""Assembly: settings -> store -> cache. The one place that decides which store the product runs on."""

from __future__ import annotations

from dataclasses import dataclass

from reports.periods import CALENDAR, parse_calendar
from sheets_schema import SCHEMA
from sync.cache import WorkbookCache
from sync.layout import layouts_of
from sync.local import LocalStore
from sync.outbox import Outbox
from sync.secrets import load_or_create_secret
from sync.store import LayoutReport, SheetStore
from sync.users import UserStore
from sync.worker import Worker
from sync.writer import WritePath

from .config import Settings


class ConfigError(Exception):
    """Settings that cannot work; the message is Russian and is shown to the person as is."""


def open_store(settings: Settings) -> SheetStore:
    if settings.backend == "local":
        return LocalStore(settings.local_store_path)
    if not settings.spreadsheet_key:
        raise ConfigError("Для хранилища google задайте EDUMON_SPREADSHEET_KEY (ключ Google Таблицы)")
    from sync.google import GoogleStore

    if settings.credentials_file is not None and not settings.credentials_file.is_file():
        raise ConfigError("Файл ключа сервисного аккаунта (EDUMON_CREDENTIALS_FILE) не найден")
    return GoogleStore(settings.spreadsheet_key, settings.credentials_file, base_url=settings.google_base_url,
                       timeout=settings.google_timeout)


@dataclass
class AppContext:
    settings: Settings
    store: SheetStore
    cache: WorkbookCache
    outbox: Outbox
    worker: Worker
    writer: WritePath
    users: UserStore

    def session_secret(self) -> str:
        return self.settings.session_secret or load_or_create_secret(self.settings.data_dir / "session_secret")

    def ensure_layout(self) -> LayoutReport:
        return self.store.ensure_layout(layouts_of(SCHEMA))


def build_context(settings: Settings | None = None) -> AppContext:
    settings = settings or Settings()
    CALENDAR.configure(parse_calendar(settings.calendar))  # the school's quarters, for every report
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(settings)
    outbox = Outbox(settings.data_dir / "outbox.sqlite3")
    cache = WorkbookCache(store, SCHEMA, pending=outbox.pending_commands)
    worker = Worker(outbox, store, SCHEMA, on_applied=cache.refresh)
    return AppContext(settings, store, cache, outbox, worker, WritePath(SCHEMA, outbox, cache, worker),
                      UserStore(settings.data_dir / "users.sqlite3"))


def store_is_empty(store: SheetStore) -> bool:
    """True when no worksheet has any row below its header."""
    return all(len(grid) <= 1 for grid in store.read_all().values())
