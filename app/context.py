"""Assembly: settings -> store -> cache. The one place that decides which store the product runs on."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from app.config import Settings
from reports.analytics.indicators import LEVEL_BANDS
from reports.analytics.level_bands import parse_level_bands
from reports.analytics.periods import CALENDAR, parse_calendar
from reports.export.letterhead_config import LETTERHEAD, TemplateError
from sheets_schema import SCHEMA
from sheets_schema.errors import UserFacingError
from sync.cache import WorkbookCache
from sync.convert import read_template, template_path
from sync.files import private_dir, private_file
from sync.lastgood import LastGoodCopy
from sync.layout import layouts_of
from sync.local import LocalStore
from sync.secrets import load_or_create_secret
from sync.store import LayoutReport, SheetStore
from sync.users import UserStore
from sync.write.outbox import Outbox
from sync.write.worker import Worker
from sync.write.writer import WritePath

log = logging.getLogger("edumon")


class ConfigError(UserFacingError):
    """Settings that cannot work; the message is Russian and is shown to the person as is."""


def session_secret_of(settings: Settings) -> str:
    """The secret that signs sessions: the setting, or one made once in the site's data dir."""
    return settings.session_secret or load_or_create_secret(settings.data_dir / "session_secret")


def open_store(settings: Settings) -> SheetStore:
    if settings.backend == "local":
        return LocalStore(private_file(settings.local_store_path))
    if not settings.spreadsheet_key:
        raise ConfigError("Для хранилища google задайте EDUMON_SPREADSHEET_KEY (ключ Google Таблицы)")
    from sync.google.store import GoogleStore

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
    copy: LastGoodCopy
    letterhead_problem: str = ""  # why the school's letterhead template is not used ('' when it is, or there is none)
    layout_applied: bool = False  # ensure_layout succeeded in this process (a store down at start gets it later)
    _layout_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def session_secret(self) -> str:
        return session_secret_of(self.settings)

    def ensure_layout(self) -> LayoutReport:
        return self.store.ensure_layout(layouts_of(SCHEMA))

    def ensure_layout_once(self) -> None:
        """Lay the store out the first time it answers; raises StoreError while it does not."""
        with self._layout_lock:
            if not self.layout_applied:
                self.ensure_layout()
                self.layout_applied = True


def configure_letterhead(settings: Settings) -> str:
    """Every справка from now on is set on the school's letterhead: its name and the template in the data dir (the
    default template when there is none). A template that cannot serve is left unused, and the returned Russian
    message says why (the administration page shows it); '' when all is well."""
    template, problem = read_template(settings.data_dir), ""
    if template is not None:
        from reports.export.letterhead import check_template  # python-docx only when the school has its own

        try:
            check_template(template)
        except TemplateError as exc:
            template, problem = None, f"{exc}. Справки оформляются на стандартном бланке."
            log.warning("letterhead template %s unused: %s", template_path(settings.data_dir), exc)
    LETTERHEAD.configure(settings.school_name, template)
    return problem


def build_context(settings: Settings | None = None, what: str = "edumon") -> AppContext:
    """`what` names this process in the outbox lease (the message a second server shows)."""
    settings = settings or Settings()
    CALENDAR.configure(parse_calendar(settings.calendar))  # the school's quarters, for every report
    LEVEL_BANDS.configure(parse_level_bands(settings.level_bands))  # the school's level scales, for every page
    letterhead_problem = configure_letterhead(settings)
    private_dir(settings.data_dir)
    store = open_store(settings)
    outbox = Outbox(settings.data_dir / "outbox.sqlite3")
    copy = LastGoodCopy(settings.data_dir / "last_good_copy.json", store.spreadsheet_id())
    cache = WorkbookCache(store, SCHEMA, pending=outbox.pending_commands, on_read=copy.save)
    worker = Worker(outbox, store, SCHEMA, on_applied=cache.refresh, what=what)
    ctx = AppContext(settings, store, cache, outbox, worker, WritePath(SCHEMA, outbox, cache, worker),
                     UserStore(settings.data_dir / "users.sqlite3"), copy, letterhead_problem)
    worker.prepare = ctx.ensure_layout_once  # a store that was down at start is laid out before the first write
    return ctx


def store_is_empty(store: SheetStore) -> bool:
    """True when no worksheet has any row below its header."""
    return all(len(grid) <= 1 for grid in store.read_all().values())
