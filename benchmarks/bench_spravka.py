"""Times the analytical справки the deputy downloads: building each справка from the facts, then Word and Excel.

Run: .venv/bin/python benchmarks/bench_spravka.py [students ...]   (default 600 and 2,500)

The school is the demo school (app.demo.school.generate_demo, validated). Each figure is wall time, best of 3 after a
warm-up, because chart rendering and zip compression are what a person waits for. The pdf is not timed: it is
LibreOffice's conversion of the same docx and depends on the office suite, not on us.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.demo.school import generate_demo  # noqa: E402
from reports import results_facts  # noqa: E402
from reports.export.docx import spravka_docx  # noqa: E402
from reports.export.xlsx import spravka_xlsx  # noqa: E402
from reports.spravka.school import class_spravka, parallel_spravka, school_spravka, teacher_spravka  # noqa: E402
from sheets_schema import SCHEMA, validate_workbook  # noqa: E402


def best_of(fn: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    fn()  # warm-up: imports, fonts, caches
    best, out = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def measure(students: int) -> dict[str, float]:
    frames = validate_workbook(SCHEMA, generate_demo(students, seed=1).grids).frames
    facts = results_facts(frames)
    busiest_class = str(facts["class_id"].value_counts().index[0])
    teacher = str(frames["teaching_load"]["teacher_id"].value_counts().index[0])
    builders = {"школа за год": lambda: school_spravka(facts, frames),
                "школа, 2 четверть": lambda: school_spravka(facts, frames, "2 четверть"),
                "параллель 9": lambda: parallel_spravka(facts, frames, 9),
                "класс": lambda: class_spravka(facts, frames, busiest_class),
                "педагог": lambda: teacher_spravka(facts, frames, teacher)}
    figures: dict[str, float] = {}
    for name, build in builders.items():
        figures[f"{name}: данные"], doc = best_of(build)
        figures[f"{name}: docx"], docx = best_of(lambda doc=doc: spravka_docx(doc))
        figures[f"{name}: xlsx"], _ = best_of(lambda doc=doc: spravka_xlsx(doc))
        figures[f"{name}: docx, КБ"] = len(docx) / 1024
    return figures


def main(sizes: list[int]) -> None:
    rows = [(n, measure(n)) for n in sizes]
    width = max(len(k) for k in rows[0][1]) + 2
    print("wall time, best of 3 (s); sizes in KB")
    print(f"{'students':<{width}}" + "".join(f"{n:>10,}" for n, _ in rows))
    for key in rows[0][1]:
        target = "" if "KB" in key or "kb" in key else "   target < 5 s (a person waits for it)"
        print(f"{key:<{width}}" + "".join(f"{f[key]:>10.2f}" for _, f in rows) + target)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:] if a.isdigit()] or [600, 2500])
