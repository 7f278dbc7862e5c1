"""Snapshot and restore of a demo school: time, size, and (Google over the in-process fake) API requests.

Run: .venv/bin/python benchmarks/bench_snapshots.py [STUDENTS] [--local]   (default 10,000; `--local`: the local
store only, and its first snapshot without workbook.xlsx — the targeted figures, in a fraction of the time)
Times are wall seconds, with the process's CPU seconds, the time spent waiting in fsync and the load average
beside the targeted ones: on a shared machine wall − CPU − fsync is time spent waiting for a core.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.demo.school import generate_demo
from sync import snapshots as snap
from sync.local import LocalStore
from sync.snapshots import catalog, format
from sync.store import SheetStore

CPU: dict[str, float] = {}  # label -> CPU seconds of the last timed call (the machine may be shared)
FSYNC: dict[str, float] = {}  # label -> wall seconds spent in fsync during the last timed call
_in_fsync = [0.0]
_fsync = format._fsync


def _counted_fsync(path: Path) -> None:
    started = time.perf_counter()
    _fsync(path)
    _in_fsync[0] += time.perf_counter() - started


catalog._fsync = format._fsync = _counted_fsync  # type: ignore[assignment]  # measured, not changed


def _timed(fn: Callable[[], Any], label: str = "") -> tuple[Any, float]:
    started, cpu, _in_fsync[0] = time.perf_counter(), time.process_time(), 0.0
    out = fn()
    CPU[label] = time.process_time() - cpu
    FSYNC[label] = _in_fsync[0]
    return out, time.perf_counter() - started


def _costs(label: str) -> str:
    return f"(CPU {CPU[label]:.2f} s, fsync {FSYNC[label]:.2f} s, load average {os.getloadavg()[0]:.1f})"


def _google() -> tuple[SheetStore, Callable[[], int]] | None:
    try:
        from devtools.fake_sheets import FakeSheets, fake_session
        from sync.google.store import GoogleStore
    except ImportError:
        return None
    fake = FakeSheets(auto_create=True)
    key = fake.create_spreadsheet()
    store = GoogleStore(key, None, base_url="https://fake.local", session=fake_session(fake, ("https://fake.local/",)))
    return store, lambda: len(fake.api_requests())


def bench(name: str, store: SheetStore, grids: dict[str, list[list[str]]], root: Path,
          requests: Callable[[], int] | None, workbook: bool = True) -> None:
    for title, grid in grids.items():
        store.replace_sheet(title, grid)
    before = requests() if requests else 0
    info, t_snap = _timed(lambda: snap.take_snapshot(store, root, "benchmark", workbook=workbook), "snap")
    after_snap = requests() if requests else 0
    bare, t_bare = _timed(lambda: snap.take_snapshot(store, root, workbook=False), "bare")
    parquet = sum(s.bytes for s in info.sheets)
    xlsx = info.size_bytes - parquet - (info.path / snap.MANIFEST).stat().st_size
    _, t_verify = _timed(lambda: snap.verify(root, info.id))
    mid = requests() if requests else 0
    result, t_restore = _timed(lambda: snap.restore(store, root, info.id), "restore")
    after = requests() if requests else 0
    same = {t: g for t, g in store.read_all().items() if t in grids} == grids
    print(f"\n{name}: {info.data_rows:,} data rows in {len(info.sheets)} worksheets".replace(",", " "))
    what = "read + Parquet + xlsx" if workbook else "read + Parquet, no xlsx"
    print(f"  snapshot ({what}) {t_snap:7.2f} s   size {info.size_bytes / 2**20:6.1f} MiB "
          f"(Parquet {parquet / 2**20:.1f} MiB, workbook.xlsx {xlsx / 2**20:.1f} MiB)   target: off the hot path")
    print(f"  snapshot without workbook.xlsx   {t_bare:7.2f} s   size {bare.size_bytes / 2**20:6.1f} MiB"
          f"   {_costs('bare')}   target < 15 s at 10,000 students")
    print(f"  verify                           {t_verify:7.2f} s")
    print(f"  restore (verify + safety + write){t_restore:7.2f} s   {_costs('restore')}   "
          f"{len(result.sheets)} worksheets; "
          f"byte-identical: {'yes' if same else 'NO'}   target < 30 s at 10,000 students, byte-identical")
    if requests:
        print(f"  API requests: snapshot {after_snap - before}, restore {after - mid} "
              f"(safety snapshot read + one replace per worksheet)")


def main() -> None:
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    students, local_only = int(numbers[0]) if numbers else 10_000, "--local" in sys.argv
    school, t_gen = _timed(lambda: generate_demo(students=students))
    print(f"demo school of {students} students generated in {t_gen:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bench("local store (SQLite)", LocalStore(root / "local" / "edumon.sqlite3"), school.grids, root / "local",
              None, workbook=not local_only)
        if local_only:
            return
        google = _google()
        if google is None:
            print("\nGoogle store: sync.google.store / devtools.fake_sheets not available in this checkout — skipped")
        else:
            bench("Google store over the in-process fake Sheets API", google[0], school.grids, root / "google",
                  google[1])


if __name__ == "__main__":
    main()
