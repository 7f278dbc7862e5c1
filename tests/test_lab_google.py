"""`lab collect --google` against the fake Sheets API: 5 schools, 30% injected faults, every attempt paid from one
token bucket (fake clock) — all collected within the quota, one batchGet per school, resumable after a failure."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from devtools.fake_sheets import FakeSheets, FaultPlan, fake_session, write_service_account
from reports.district import CUBE
from sheets_schema import SCHEMA
from sync.google.http import RetryPolicy
from sync.google.store import GoogleStore
from sync.layout import layouts_of
from sync.warehouse.google_pull import Target, sweep
from sync.warehouse.layout import Warehouse
from sync.warehouse.quota import TokenBucket
from sync.warehouse.receipts import Receipts
from tests.lab_factory import MARK_FIRST, MARK_LAST, marked_grids

TOKEN_URI = "https://oauth2.googleapis.com/token"
RATE, BURST = 10, 2  # per minute; any 60 s may then hold at most RATE + BURST requests


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += max(0.0, seconds)


@pytest.fixture(scope="module")
def grids() -> list[dict]:
    return [marked_grids(30, seed) for seed in range(21, 26)]


@pytest.fixture
def world(tmp_path: Path, grids: list[dict]) -> tuple[FakeSheets, Path]:
    fake = FakeSheets(require_auth=True)
    sa = write_service_account(tmp_path / "sa.json", TOKEN_URI)
    for i, g in enumerate(grids):
        key = f"school-key-{i}"
        fake.create_spreadsheet(key, sheets=("Sheet1",))
        store = GoogleStore(key, sa, session=fake_session(fake))
        store.ensure_layout(layouts_of(SCHEMA))
        for title, grid in g.items():
            store.replace_sheet(title, grid)
    return fake, sa


def _run(fake: FakeSheets, sa: Path, tmp_path: Path, targets: list[Target], clock: Clock, bucket: TokenBucket):
    return sweep(targets, warehouse=Warehouse(tmp_path / "wh"), receipts=Receipts(tmp_path / "r.sqlite3"), cube=CUBE,
                 academic_year="2025/2026", lab_key=b"L" * 32, bucket=bucket, state_path=tmp_path / "sweep.json",
                 credentials_file=sa, base_url="https://sheets.googleapis.com", session=fake_session(fake),
                 policy=RetryPolicy(timeout=5, max_retries=12, max_retry_seconds=100_000, sleep=clock.sleep,
                                    clock=clock.now),
                 on_progress=lambda i, n, code, status: None)


def test_five_schools_with_30_percent_faults_are_all_collected_within_the_quota(world: tuple, tmp_path: Path
                                                                                  ) -> None:
    fake, sa = world
    fake.faults = FaultPlan(rate=0.3, kinds=("429", "500", "drop"), seed=4)
    before = len(fake.api_requests())
    clock = Clock()
    bucket = TokenBucket(RATE, BURST, clock=clock.now, sleep=clock.sleep)
    targets = [Target(f"g-{i}", f"school-key-{i}") for i in range(5)]
    report = _run(fake, sa, tmp_path, targets, clock, bucket)
    assert report.collected == [t.code for t in targets] and not report.failed and not report.refused
    assert sum(fake.faults.injected.values()) > 0  # faults really happened and were retried
    seen = fake.api_requests()[before:]
    assert all(":batchGet" in s.url for s in seen)  # one values.batchGet per school, retries only add more of it
    assert len(seen) == len(bucket.granted) == 5 + sum(fake.faults.injected.values())  # every attempt is paid
    assert bucket.max_in_window(60) <= RATE + BURST
    assert clock.t - 1000.0 >= (len(seen) - BURST) * 60 / RATE - 1e-6  # the sweep was paced, not bursted
    wh = Warehouse(tmp_path / "wh")
    assert sorted(s for _, s in wh.school_years()) == [t.code for t in targets]
    for path in wh.root.rglob("*.parquet"):  # pseudonymised at the lab's edge before anything was stored
        table = pq.read_table(path)
        cells = [str(v) for c in table.column_names for v in table.column(c).to_pylist()]
        assert not any(MARK_LAST in c or MARK_FIRST in c for c in cells), path
    assert not (tmp_path / "sweep.json").exists()  # a completed sweep starts afresh next time


def test_a_sweep_resumes_where_it_stopped(world: tuple, tmp_path: Path) -> None:
    fake, sa = world
    clock = Clock()
    bucket = TokenBucket(60, 5, clock=clock.now, sleep=clock.sleep)
    targets = [Target("g-0", "school-key-0"), Target("g-x", "not-yet-shared"), Target("g-1", "school-key-1")]
    first = _run(fake, sa, tmp_path, targets, clock, bucket)
    assert first.collected == ["g-0", "g-1"] and list(first.failed) == ["g-x"]
    assert "не найдена" in first.failed["g-x"]
    assert (tmp_path / "sweep.json").exists()
    fake.create_spreadsheet("not-yet-shared", sheets=("Sheet1",))
    store = GoogleStore("not-yet-shared", sa, session=fake_session(fake))
    store.ensure_layout(layouts_of(SCHEMA))
    grid = GoogleStore("school-key-2", sa, session=fake_session(fake)).read_all()
    for title, g in grid.items():
        store.replace_sheet(title, g)
    before = len(fake.api_requests())
    second = _run(fake, sa, tmp_path, targets, clock, bucket)
    assert second.skipped == ["g-0", "g-1"] and second.collected == ["g-x"]
    assert len(fake.api_requests()) - before == 1  # only the school left over was read


def test_a_school_sheet_with_a_bad_cell_is_refused_with_its_a1_address(world: tuple, tmp_path: Path) -> None:
    fake, sa = world
    store = GoogleStore("school-key-3", sa, session=fake_session(fake))
    marks = store.read_all()["Отметки за период"]
    col = marks[0].index("Отметка")
    store.update_rows("Отметки за период", "id", {marks[1][0]: {"Отметка": "6"}})
    clock = Clock()
    report = _run(fake, sa, tmp_path, [Target("g-3", "school-key-3")], clock,
                  TokenBucket(60, 5, clock=clock.now, sleep=clock.sleep))
    assert list(report.refused) == ["g-3"]
    letter = chr(ord("A") + col)
    assert any(f"Лист «Отметки за период», {letter}2: Отметка «6»" in p for p in report.refused["g-3"]), \
        report.refused
    assert not list((tmp_path / "wh").rglob("*.parquet"))
