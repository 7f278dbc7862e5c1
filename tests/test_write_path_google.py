"""Issue «no entered result is ever lost»: 1,000 writes from 20 writers through the outbox into the Google store
over the fake Sheets API with 30% injected faults (429, 500, dropped connections, applied-but-answer-lost), the
worker killed and restarted mid-run; every write is in the sheet exactly once and the audit log agrees."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from devtools.fake_sheets import FakeSheets, FaultPlan, fake_session, write_service_account
from sheets_schema import SCHEMA
from sync.cache import WorkbookCache
from sync.google.store import GoogleStore
from sync.layout import layouts_of
from sync.write.outbox import APPLIED, PENDING, Outbox
from sync.write.worker import Worker
from sync.write.writer import WritePath
from tests.test_validation import base_grids
from tests.test_write_path import student, student_ids
from tests.waits import wait_until


@pytest.mark.parametrize("locale", ["en_US", "ru_RU"])
def test_thousand_writes_with_faults_and_restart_against_fake_google(tmp_path: Path, locale: str) -> None:
    fake = FakeSheets(auto_create=True, locale=locale)
    key = write_service_account(tmp_path / "sa.json", "https://oauth2.googleapis.com/token")
    store = GoogleStore("school", key, session=fake_session(fake), timeout=0.5, max_retries=30)
    store.retry_policy.sleep = lambda seconds: None
    store.ensure_layout(layouts_of(SCHEMA))
    for title, grid in base_grids().items():
        store.replace_sheet(title, grid)
    fake.faults = FaultPlan(rate=0.3, kinds=("429", "500", "drop", "lost"), seed=11, retry_after=0)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    cache = WorkbookCache(store, SCHEMA, pending=outbox.pending_commands)
    cache.refresh()
    worker = Worker(outbox, store, SCHEMA, backoff_base=0.001, backoff_max=0.01, idle_wait=0.02, batch_size=60)
    writer = WritePath(SCHEMA, outbox, cache, worker)
    worker.start()

    def write(n: int) -> None:
        for i in range(50):
            writer.outbox.enqueue([student(i, user=f"u{n}")])

    threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    worker.stop()  # the server dies mid-run
    restarted = Worker(Outbox(tmp_path / "outbox.sqlite3"), store, SCHEMA, backoff_base=0.001, backoff_max=0.01,
                       idle_wait=0.02, batch_size=60)
    restarted.start()
    for t in threads:
        t.join()
    wait_until(lambda: not outbox.counts().get(PENDING, 0), limit=300, what="the outbox drained")
    restarted.stop()
    injected = dict(fake.faults.injected)
    fake.faults = FaultPlan()
    ids = student_ids(store)
    expected = {f"st-u{n}-{i}" for n in range(20) for i in range(50)}
    assert len(ids) == len(set(ids)), "a write reached the sheet twice"
    assert set(ids) - {"st1", "st2"} == expected
    entries = outbox.entries()
    assert len(entries) == 1000 and {e.status for e in entries} == {APPLIED}
    assert set(f"{e.command.row_id}" for e in entries) == expected
    assert {"429", "500", "drop", "lost"} <= set(injected)  # every kind of fault really happened
