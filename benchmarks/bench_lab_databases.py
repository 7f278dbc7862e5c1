"""The town's staff, olympiad and best-practice databases on 30 / 300 schools: what each page computes (the warehouse
reads through DuckDB, then matching people across schools, the attestation and course rules, the stage counts, the
bank; the staff page's three years' forecast and its backtest), wall-clock and CPU time, best of three.

Run: .venv/bin/python benchmarks/bench_lab_databases.py [--students 200] [--pool 4] [counts ...]   (default 30 300)

A pool of generated demo schools is ingested as bundles; the town's schools are copies of their partitions under new
codes, every teacher's surname given the school's number except one teacher in twenty, who keeps it (a person of
several schools, to be matched).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from app.demo.town import TownSchool, export_school, school_frames  # noqa: E402
from reports.district import CUBE  # noqa: E402
from reports.district.olympiads import stages, totals  # noqa: E402
from reports.district.practice import Search, bank  # noqa: E402
from reports.district.staff_db import (  # noqa: E402
    attestations_due,
    by_school,
    composition,
    course_hours,
    courses_due,
    current_rows,
    match_people,
)
from reports.district.staff_forecast import outlook  # noqa: E402
from reports.district.staff_sql import (  # noqa: E402
    OLYMPIAD_COUNTS,
    OLYMPIAD_PASSED,
    PRACTICE_ROWS,
    STAFF_ATTESTATIONS,
    STAFF_COURSES,
    STAFF_ROWS,
    TEACHER_SUBJECTS,
)
from sync.warehouse.engine import Engine  # noqa: E402
from sync.warehouse.intake import ingest_bundle  # noqa: E402
from sync.warehouse.layout import PART, Warehouse  # noqa: E402
from sync.warehouse.receipts import Receipts  # noqa: E402

TARGET_S = {30: 1.0, 300: 5.0}  # per page's computation
ON = dt.date(2026, 6, 1)


def best(fn, runs: int = 3) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(wall, CPU) seconds, each the best of `runs` (CPU: this process, the DuckDB threads included)."""
    times, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return min(times), min(cpu)


def staff_page(e: Engine, schools: pd.DataFrame) -> int:
    """As app.lab.staff.compute: the lists, the composition and the three years' forecast with its backtest."""
    every = e.run(STAFF_ROWS)
    base = match_people(current_rows(every))
    courses, attestations = e.run(STAFF_COURSES), e.run(STAFF_ATTESTATIONS)
    due = attestations_due(base, attestations, ON, 12)
    stale = courses_due(base, courses, ON)
    composition(base, ON)
    by_school(base, due, stale, schools)
    course_hours(base, courses, ON)
    outlook(every, attestations, courses, ON, base=base)
    return len(base.people)


def olympiad_page(e: Engine) -> int:
    counts, passed = e.run(OLYMPIAD_COUNTS), e.run(OLYMPIAD_PASSED)
    empty = counts.iloc[0:0]
    stages(counts, passed, empty)
    totals(counts, ["school", "stage_no", "stage"], passed)
    return int(counts["participants"].sum())


def practice_page(e: Engine, schools: pd.DataFrame) -> int:
    town = pd.DataFrame(columns=["school_id", "author", "topic", "level", "date", "description"])
    b = bank(e.run(PRACTICE_ROWS), e.run(TEACHER_SUBJECTS), town, schools, current_rows(e.run(STAFF_ROWS)))
    Search(text="цифровых ресурсов").apply(b)
    return len(b)


def run(root: Path, pool: list[dict[str, pd.DataFrame]], n: int) -> None:
    """The pool's schools are ingested once; the town's n school-years are copies of their partitions under new
    codes (the warehouse's own format), each copy's teachers renamed but for one in twenty."""
    wh, rc = Warehouse(root / "warehouse"), Receipts(root / "receipts.sqlite3")
    t = time.perf_counter()
    for i, frames in enumerate(pool):
        path = root / f"p{i}.zip"
        export_school(frames, b"k" * 32, f"p{i}", "2025/2026", path)
        assert ingest_bundle(wh, rc, path, "загрузка", CUBE).ok
    for i in range(n):
        src = f"p{i % len(pool)}"
        for table in wh.tables():
            part = wh.partition(table, 2025, src)
            if not part.is_dir():
                continue
            dst = wh.partition(table, 2025, f"s{i:04d}")
            shutil.copytree(part, dst)
            if table == "teachers":
                data = pq.read_table(dst / PART)
                names = [v if k % 20 == 0 else f"{v}-{i}" for k, v in enumerate(data.column("last_name").to_pylist())]
                pq.write_table(data.set_column(data.schema.get_field_index("last_name"), "last_name",
                                               pa.array(names, pa.string())), dst / PART)
    for i in range(len(pool)):
        for table in wh.tables():
            shutil.rmtree(wh.partition(table, 2025, f"p{i}"), ignore_errors=True)
    print(f"{n} schools written in {time.perf_counter() - t:.1f} s")
    e = Engine(wh, CUBE.sql)
    schools = pd.DataFrame({"id": [f"s{i:04d}" for i in range(n)], "code": [f"s{i:04d}" for i in range(n)],
                            "short_name": [f"Школа {i}" for i in range(n)]})
    target = TARGET_S.get(n, 5.0)
    for name, fn in (("кадры", lambda: staff_page(e, schools)), ("олимпиады", lambda: olympiad_page(e)),
                     ("ППО", lambda: practice_page(e, schools))):
        size = fn()
        s, cpu = best(fn)
        print(f"  {name:<10} {s:6.2f} s, CPU {cpu:6.2f} s  (строк: {size})   цель < {target:.1f} s  "
              f"{'OK' if s < target else 'НЕТ'}")
    e.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("counts", nargs="*", type=int, default=[30, 300])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--pool", type=int, default=4)
    args = ap.parse_args()
    pool = [school_frames(TownSchool(f"p{i}", f"p{i}", "СОШ", args.students), 100 + i, "2025/2026")
            for i in range(args.pool)]
    for n in args.counts:
        root = Path(tempfile.mkdtemp(prefix="bench-lab-db-"))
        try:
            run(root, pool, n)
        finally:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
