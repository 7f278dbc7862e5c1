"""Ingest of 30 / 300 schools' bundles into the lab's warehouse, and the town's indicators on DuckDB beside the
school's own pandas path over the same data.

Run: .venv/bin/python benchmarks/bench_lab_ingest.py [--schools 30,300] [--students 200] [--pool 6]

Bundles come from a pool of generated demo schools (app.demo.town.school_frames), each bundle re-coded under its
own school code and key; generating and exporting them is timed apart from the ingest. Ingest is the whole intake
(manifest and hashes, Parquet, the cell-level validation of the typed tables, the staged replace, the indicator
cube) as `lab collect --from DIR` runs it — bundles checked in two worker processes, committed one by one here —
wall-clock time, with the CPU time of this process and of its workers, the machine's load and the CPU other
processes took meanwhile beside it (the machine is shared). `--workers 1` checks every bundle in this process.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.demo.town import TownSchool, export_school, school_frames  # noqa: E402
from reports import results_facts  # noqa: E402
from reports.analytics.indicators import mark_summary  # noqa: E402
from reports.district import (  # noqa: E402
    MATERIALISED,
    MATERIALISED_SQL,
    TOWN_BY_SCHOOL_FROM_CUBE,
    TOWN_BY_SCHOOL_FROM_RAW,
    with_rates,
)
from sync.warehouse.engine import Engine  # noqa: E402
from sync.warehouse.intake import ingest_bundles  # noqa: E402
from sync.warehouse.layout import Warehouse  # noqa: E402
from sync.warehouse.receipts import Receipts  # noqa: E402

TARGET_INGEST_300 = 60.0  # s
TARGET_CUBE_MS = 100.0
TARGET_RAW_S = 3.0


def best(fn, runs: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--schools", default="30,300", help="bundle counts to ingest, e.g. 30,300")
    ap.add_argument("--students", type=int, default=200, help="students per generated school")
    ap.add_argument("--pool", type=int, default=6, help="distinct generated schools the bundles are made from")
    ap.add_argument("--workers", type=int, default=None, help="processes checking bundles (default: as collect does)")
    args = ap.parse_args()
    t = time.perf_counter()
    pool = [school_frames(TownSchool(f"p{i}", f"p{i}", "СОШ", args.students), 100 + i, "2025/2026")
            for i in range(args.pool)]
    print(f"pool: {args.pool} schools of {args.students} students generated in {time.perf_counter() - t:.1f} s")
    for n in (int(c) for c in args.schools.split(",") if c.strip()):
        root = Path(tempfile.mkdtemp(prefix="bench-lab-"))
        try:
            run(root, pool, n, args.workers)
        finally:
            shutil.rmtree(root, ignore_errors=True)


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def machine_cpu() -> float | None:
    """CPU seconds every process on the machine has used so far (Linux /proc/stat; None elsewhere), to tell the
    other work sharing the cores during a measurement."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def run(root: Path, pool: list[dict], n: int, workers: int | None) -> None:
    t = time.perf_counter()
    bundles = []
    for i in range(n):
        path = root / "inbox" / f"s{i:04d}.zip"
        export_school(pool[i % len(pool)], bytes([i % 256]) * 32, f"s{i:04d}", "2025/2026", path)
        bundles.append(path)
    rows = sum(sum(len(f) for f in pool[i % len(pool)].values()) for i in range(n))
    print(f"\n{n} bundles exported in {time.perf_counter() - t:.1f} s (not part of the ingest)")
    wh, rc = Warehouse(root / "warehouse"), Receipts(root / "receipts.sqlite3")
    t, cpu, child, load = time.perf_counter(), time.process_time(), children_cpu(), os.getloadavg()[0]
    machine = machine_cpu()
    for _path, outcome in ingest_bundles(wh, rc, bundles, "общая папка", MATERIALISED, workers=workers):
        assert outcome.ok, outcome.problems[:3]
    seconds, own, child = time.perf_counter() - t, time.process_time() - cpu, children_cpu() - child
    cpu = own + child
    others = None if machine is None else max(0.0, (machine_cpu() or 0.0) - machine - cpu)
    target = TARGET_INGEST_300 * n / 300
    print(f"{n} bundles: ingest {seconds:.1f} s (target < {target:.0f} s, i.e. 300 in < 60 s), "
          f"{rows / seconds:,.0f} rows/s, {seconds / n * 1000:.0f} ms per school "
          f"(CPU {cpu:.1f} s = {own:.1f} s here + {child:.1f} s in workers, {cpu / n * 1000:.0f} ms per school; "
          f"load average {load:.1f} → "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores); warehouse {wh.size_bytes() / 1e6:.1f} MB")
    cores = os.cpu_count() or 1
    if others is not None:
        print(f"  other processes used {others:.1f} s of the {cores * seconds:.1f} s of CPU the {cores} cores had "
              f"meanwhile; this ingest's CPU over {cores} cores is {cpu / cores:.1f} s (target < {target:.0f} s)")
    engine = Engine(wh, MATERIALISED_SQL)
    cube_s = best(lambda: with_rates(engine.run(TOWN_BY_SCHOOL_FROM_CUBE)))
    raw_s = best(lambda: with_rates(engine.run(TOWN_BY_SCHOOL_FROM_RAW)), runs=3)
    print(f"  town dashboard's data from cubes (DuckDB): {cube_s * 1000:.1f} ms (target < {TARGET_CUBE_MS:.0f} ms)")
    print(f"  same indicators recomputed from raw facts (DuckDB): {raw_s:.2f} s (target < {TARGET_RAW_S:.0f} s)")

    def pandas_path() -> None:  # the school's engine, school by school, over the same data
        for i in range(n):
            mark_summary(results_facts(pool[i % len(pool)]), by=["kind"])

    pandas_s = best(pandas_path, runs=1)
    print(f"  same indicators by the school's pandas path: {pandas_s:.2f} s — DuckDB raw facts "
          f"{pandas_s / raw_s:.1f}× faster, cubes {pandas_s / cube_s:.0f}× faster")
    engine.close()


if __name__ == "__main__":
    main()
