"""The lab's справки, forecasts and management cycle on a generated demo town with a past year: the town's numbers
(first time and kept), each справка's document, its docx / xlsx / pdf, and the forecasts' check on the past year.

Run: .venv/bin/python benchmarks/bench_lab_reports.py [--schools 5] [--past-years 1] [--no-pdf]

Wall-clock seconds on this machine (shared), the process's CPU seconds beside the town's numbers and each document;
the targets are for the first preparation of a page after an intake (the numbers are then kept until the next intake)
and for each file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.config import Settings  # noqa: E402
from app.demo.town import build_town  # noqa: E402
from app.lab.context import build_lab_context  # noqa: E402
from app.lab.reports_run import build_document, render, town_data  # noqa: E402
from reports.district.catalogue import REPORTS, ReportParams  # noqa: E402
from sync.convert import find_office  # noqa: E402

TARGET_FIRST_S = 60.0  # the town's numbers after an intake, once
TARGET_KEPT_S = 0.1  # kept numbers
TARGET_DOC_S = 5.0  # one справка's document from the numbers
TARGET_FILE_S = 5.0  # docx or xlsx; pdf adds LibreOffice's start


def timed(fn):  # type: ignore[no-untyped-def]
    out, t, _ = timed_cpu(fn)
    return out, t


def timed_cpu(fn):  # type: ignore[no-untyped-def]
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--schools", type=int, default=5)
    ap.add_argument("--past-years", type=int, default=1)
    ap.add_argument("--no-pdf", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = build_lab_context(Settings(site="lab", data_dir=Path(tmp) / "lab"))
        _, built = timed(lambda: build_town(ctx, a.schools, 42, "2025/2026", past_years=a.past_years))
        rows = sum(len(p.read_bytes()) for p in ctx.warehouse.files("results"))
        print(f"город: {a.schools} школ, прошлых лет {a.past_years}; собран за {built:.0f} с "
              f"(results: {rows / 1e6:.1f} МБ)")
        data, first, first_cpu = timed_cpu(lambda: town_data(ctx, forecasts=True))
        _, kept = timed(lambda: town_data(ctx, forecasts=True))
        print(f"числа города: первый раз {first:.1f} с, ЦП {first_cpu:.1f} с (цель < {TARGET_FIRST_S:.0f} с), "
              f"сохранённые {kept:.3f} с (цель < {TARGET_KEPT_S} с)")
        for key, kind in REPORTS.items():
            params = ReportParams(school="sch-005") if kind.needs_school else ReportParams()
            doc, t_doc, c_doc = timed_cpu(lambda key=key, params=params: build_document(ctx, key, params, data))
            line = f"  {key:<10} документ {t_doc:.2f} с, ЦП {c_doc:.2f} с (цель < {TARGET_DOC_S:.0f})"
            for fmt in ("docx", "xlsx") + (() if a.no_pdf or find_office() is None else ("pdf",)):
                blob, t, c = timed_cpu(lambda doc=doc, fmt=fmt: render(doc, fmt))
                line += f"; {fmt} {t:.2f} с (ЦП {c:.2f}), {len(blob) // 1024} КБ"
            print(line + f" (цель файла < {TARGET_FILE_S:.0f} с без pdf)")
            if key == "forecast":
                for c in doc.conclusions:
                    print(f"    {c}")
        ctx.engine.close()


if __name__ == "__main__":
    main()
