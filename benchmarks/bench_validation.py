"""Validation speed: a results sheet of N rows (per-task scores in one cell) through validate_workbook, and one
school's bundle (its typed tables, as the lab's intake reads them) through validate_typed.

Run: .venv/bin/python benchmarks/bench_validation.py [N ...]   (default 25,000 50,000 100,000)
     .venv/bin/python benchmarks/bench_validation.py --bundle   (the bundle alone)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sheets_schema import SCHEMA, validate_workbook  # noqa: E402

TARGET_TYPED_MS = 40.0  # validate_typed of one school's bundle


def workbook(n: int, tasks: int = 10, seed: int = 1) -> dict[str, list[list[str]]]:
    rng = np.random.default_rng(seed)
    g: dict[str, list[list[str]]] = {s.title: [s.headers] for s in SCHEMA}
    title = {s.key: s.title for s in SCHEMA}
    g[title["departments"]].append(["d1", "ШМО", ""])
    g[title["subjects"]].append(["s1", "Математика", "d1"])
    g[title["classes"]].append(["c1", "9", "А", "универсальный"])
    g[title["works"]].append(["w1", "Итоговая", "s1", "9", "итоговая", "год", "20.05.2026", str(2 * tasks),
                              str(tasks // 2), str(tasks), str(int(tasks * 1.6))])
    g[title["tasks"]] += [[f"k{i}", "w1", str(i + 1), "2", f"Элемент {i}", "базовый"] for i in range(tasks)]
    n_students = n
    g[title["students"]] += [[f"st{i}", "Фамилия", "Имя", "", "c1"] for i in range(n_students)]
    scores = rng.integers(0, 3, size=(n, tasks))
    totals = scores.sum(axis=1)
    cells = [" ".join(map(str, row)) for row in scores]
    g[title["results"]] += [[f"r{i}", "w1", f"st{i}", "да", cells[i], str(totals[i])] for i in range(n)]
    return g


def bundle_tables() -> dict:  # type: ignore[type-arg]
    """A generated school's bundle (200 students) as intake hands it to validation: the typed frames of its
    Parquet tables."""
    from app.demo.town import TownSchool, school_frames
    from sheets_schema.bundle import BUNDLE_SCHEMA
    from sync.warehouse.arrow import to_arrow, typed_frame
    from sync.warehouse.bundle import bundle_frames

    tables, _ = bundle_frames(school_frames(TownSchool("p0", "p0", "СОШ", 200), 100, "2025/2026"), b"k" * 32)
    return {s.key: typed_frame(s, to_arrow(s, tables[s.key])) for s in BUNDLE_SCHEMA}


def typed_bundle(runs: int = 30) -> None:
    from sheets_schema.bundle import BUNDLE_SCHEMA
    from sheets_schema.validation import validate_typed

    frames = bundle_tables()
    validate_typed(BUNDLE_SCHEMA, frames)  # warm
    dt = float("inf")
    for _ in range(runs):
        t0 = time.process_time()
        wb = validate_typed(BUNDLE_SCHEMA, frames)
        dt = min(dt, time.process_time() - t0)
    assert not wb.issues, wb.issues[:3]
    columns = sum(len(s.fields) for s in BUNDLE_SCHEMA)
    print(f"validate_typed, one bundle ({len(frames)} tables, {columns} columns, "
          f"{sum(len(f) for f in frames.values()):,} rows): {dt * 1000:.1f} ms CPU (best of {runs})   "
          f"target < {TARGET_TYPED_MS:.0f} ms")


def main() -> None:
    if sys.argv[1:] == ["--bundle"]:
        typed_bundle()
        return
    sizes = [int(a) for a in sys.argv[1:]] or [25_000, 50_000, 100_000]
    print(f"{'rows':>8} {'CPU s':>8} {'rows/s':>10}  (results + students sheets of that many rows; CPU time, "
          "best of 2)")
    for n in sizes:
        g = workbook(n)
        dt = float("inf")
        for _ in range(2):
            t0 = time.process_time()
            wb = validate_workbook(SCHEMA, g)
            dt = min(dt, time.process_time() - t0)
        assert not wb.issues, wb.issues[:3]
        target = "   target < 0.5 s" if n == 100_000 else ""
        print(f"{n:>8} {dt:>8.3f} {n / dt:>10.0f}{target}")
    if not sys.argv[1:]:
        typed_bundle()


if __name__ == "__main__":
    main()
