"""The app starts while Google is down: from the last good local copy, with writes kept in the outbox, and lays
the store out once it is back (the Google path over the in-repo fake Sheets API)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app import context as context_mod
from app.config import Settings
from app.context import AppContext, build_context
from app.outage import catch_up, first_read
from devtools.fake_sheets import FakeSheets, FaultPlan, fake_session, write_service_account
from sheets_schema import SCHEMA
from sync.google.store import GoogleStore
from sync.layout import layouts_of
from sync.store import StoreError
from sync.write.outbox import APPLIED, PENDING
from tests.test_validation import base_grids
from tests.test_write_path import student

STUDENTS = SCHEMA["students"].title


@pytest.fixture
def google(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[FakeSheets, Settings]:
    """The fake Sheets API holding the tiny school; the app's settings point at it (google backend)."""
    fake = FakeSheets(auto_create=True)
    key = write_service_account(tmp_path / "sa.json", "https://oauth2.googleapis.com/token")

    def open_store(settings: Settings) -> GoogleStore:
        store = GoogleStore("school", key, session=fake_session(fake), timeout=0.5, max_retries=2)
        store.retry_policy.sleep = lambda seconds: None
        return store

    monkeypatch.setattr(context_mod, "open_store", open_store)
    seed = open_store(Settings())
    seed.ensure_layout(layouts_of(SCHEMA))
    for title, grid in base_grids().items():
        seed.replace_sheet(title, grid)
    return fake, Settings(data_dir=tmp_path / "data", backend="google", spreadsheet_key="school")


def _start(settings: Settings) -> AppContext:
    ctx = build_context(settings)
    ctx.worker.backoff_base, ctx.worker.backoff_max = 0.001, 0.01
    return ctx


def test_a_successful_read_is_kept_as_a_private_local_copy(google) -> None:
    _fake, settings = google
    ctx = _start(settings)
    assert first_read(ctx) is True
    copy = ctx.copy.load()
    assert copy is not None and copy.read_at == ctx.cache.status.refreshed_at
    assert copy.grids[STUDENTS][1][:3] == ["st1", "Петров", "Иван"]
    assert stat.S_IMODE(ctx.copy.path.stat().st_mode) == 0o600
    assert "sa.json" not in ctx.copy.path.read_text(encoding="utf-8")  # cells only, never the credentials path


def test_the_app_starts_from_the_copy_while_google_is_down_and_catches_up_when_it_is_back(google) -> None:
    fake, settings = google
    first = _start(settings)
    first_read(first)
    read_at = first.cache.status.refreshed_at
    first.outbox.close()

    fake.faults = FaultPlan(always="500")  # the outage begins; the server restarts
    ctx = _start(settings)
    assert first_read(ctx) is False  # no exception: the server starts
    assert list(ctx.cache.workbook["students"]["last_name"]) == ["Петров", "Сидорова"]
    assert ctx.cache.status.refreshed_at == read_at and ctx.cache.status.last_error
    ctx.writer.submit([student(1)])  # accepted into the outbox against the copy
    assert ctx.outbox.counts() == {PENDING: 1}
    with pytest.raises(StoreError):
        ctx.worker.run_once()
    assert not catch_up(ctx) and not ctx.layout_applied

    fake.faults = FaultPlan()  # Google is back; meanwhile someone deleted a worksheet the app needs
    fake.books["school"].sheets = [s for s in fake.books["school"].sheets if s.title != SCHEMA["olympiads"].title]
    assert catch_up(ctx) is True
    assert ctx.layout_applied and not ctx.cache.status.last_error
    assert SCHEMA["olympiads"].title in ctx.store.titles()  # the layout was applied
    ctx.worker.drain()
    assert ctx.outbox.counts() == {APPLIED: 1}
    ids = [r[0] for r in ctx.store.read_all()[STUDENTS][1:]]
    assert ids == ["st1", "st2", "st-t1-1"]


def test_without_a_copy_an_outage_at_start_is_a_clear_message(google) -> None:
    fake, settings = google
    fake.faults = FaultPlan(always="500")
    with pytest.raises(StoreError, match="Локальной копии последнего чтения нет"):
        first_read(_start(settings))


def test_a_copy_of_another_spreadsheet_is_never_shown(google, tmp_path: Path) -> None:
    _fake, settings = google
    ctx = _start(settings)
    first_read(ctx)
    other = type(ctx.copy)(ctx.copy.path, "another-spreadsheet")
    assert other.load() is None


@pytest.mark.ui_app("store_down")
async def test_pages_show_the_time_of_the_last_good_read_during_an_outage(data_dir: Path, user) -> None:
    import datetime as dt

    from app.state import ctx
    from tests.conftest import sign_in

    await sign_in(user, "zam")
    await user.should_see(marker="outage-banner")
    when = dt.datetime.fromtimestamp(ctx().cache.status.refreshed_at).strftime("%d.%m.%Y %H:%M:%S")
    await user.should_see(f"Показаны данные последнего успешного чтения от {when}")
    assert len(ctx().cache.workbook["students"]) > 0  # the school is there, from the copy


def test_edumon_serve_starts_while_the_sheets_api_fails_and_lays_it_out_when_it_is_back(tmp_path: Path) -> None:
    """The real server in a subprocess against the fake Sheets API over loopback."""
    import urllib.request

    from devtools.fake_sheets import start_server
    from tests.browser import served
    from tests.waits import wait_until

    fake = FakeSheets()
    fake.create_spreadsheet("school")
    server = start_server(fake)
    try:
        env = {"EDUMON_BACKEND": "google", "EDUMON_SPREADSHEET_KEY": "school", "EDUMON_GOOGLE_BASE_URL":
               server.base_url, "EDUMON_GOOGLE_TIMEOUT": "2"}
        settings = Settings(data_dir=tmp_path / "data", backend="google", spreadsheet_key="school",
                            google_base_url=server.base_url, google_timeout=2)
        ctx = build_context(settings)
        ctx.ensure_layout()
        for title, grid in base_grids().items():
            ctx.store.replace_sheet(title, grid)
        assert first_read(ctx) is True  # the last good copy
        ctx.outbox.close()

        olympiads = SCHEMA["olympiads"].title
        fake.books["school"].sheets = [s for s in fake.books["school"].sheets if s.title != olympiads]
        fake.faults = FaultPlan(always="500")  # Google is down
        with served(settings.data_dir, env) as url:
            with urllib.request.urlopen(url + "/login", timeout=120) as response:
                assert response.status == 200
            fake.faults = FaultPlan()  # Google is back: the server lays the spreadsheet out by itself
            wait_until(lambda: fake.books["school"].by_title(olympiads) is not None, limit=300,
                       what="the missing worksheet created once the API answers")
    finally:
        server.shutdown()
