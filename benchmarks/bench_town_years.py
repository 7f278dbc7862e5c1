"""The lab's multi-year views over a synthetic region: three academic years of every school (benchmarks/region_synth),
then on DuckDB the aggregates the new views read (the cubes and the score histogram intake stores) and the views'
own computation — dynamics, the cohort signals (later result, 4 → 5 drop), threshold peaks, quartile shares and the
ШНОР list. Wall seconds and CPU seconds of the process (all threads: DuckDB's may exceed the wall) side by side.

Run: .venv/bin/python benchmarks/bench_town_years.py [--sizes 30,300] [--runs 3]   (default 30)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_region import peak_rss_mb  # noqa: E402
from region_synth import code_of, write_region  # noqa: E402

from reports.district import CUBE, MATERIALISED_SQL  # noqa: E402
from reports.district.clusters import ShnorSettings, shnor  # noqa: E402
from reports.district.dynamics import STORED_CUBE, dynamics  # noqa: E402
from reports.district.scores import (  # noqa: E402
    SCORE_DISTRIBUTION,
    STORED_SCORES,
    lower_share_by_year,
    quartile_shares,
    threshold_peaks,
)
from reports.district.signals_more import cohort_drop, not_confirmed  # noqa: E402
from reports.district.town import Slice  # noqa: E402
from sync.warehouse.engine import Engine  # noqa: E402
from sync.warehouse.layout import Warehouse  # noqa: E402

TARGET_VIEW_S = 5.0  # each new view of a 300-school region, aggregates and computation together
YEARS = (2023, 2024, 2025)


def best(fn, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The fastest of `runs` calls: (wall seconds, CPU seconds of the process)."""
    times = []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t, time.process_time() - c))
    return min(t for t, _ in times), min(c for _, c in times)


def measure(root: Path, n: int, runs: int) -> None:
    engine = Engine(Warehouse(root), MATERIALISED_SQL)
    cube_s = best(lambda: engine.run(STORED_CUBE), runs)
    raw_cube_s = best(lambda: engine.run(CUBE), 1)  # what the town dashboard read before it read the stored cubes
    raw_s = best(lambda: engine.run(SCORE_DISTRIBUTION), 1)  # what the views read before the histogram was stored
    dist_s = best(lambda: engine.run(STORED_SCORES), runs)
    cube, dist = engine.run(STORED_CUBE), engine.run(STORED_SCORES)
    groups = {code_of(i): "общеобразовательные" for i in range(n)}
    views = {
        "dynamics (one school)": (cube_s, best(lambda: dynamics(cube, Slice(kind="ВПР"), code_of(1)), runs)),
        "later result + 4→5 drop": (cube_s, best(lambda: (not_confirmed(cube, groups), cohort_drop(cube)), runs)),
        "threshold peaks": (dist_s, best(lambda: threshold_peaks(dist), runs)),
        "quartile shares": (dist_s, best(lambda: quartile_shares(dist, groups), runs)),
        "ШНОР": (dist_s, best(lambda: shnor(lower_share_by_year(dist), ShnorSettings()), runs)),
    }
    print(f"  aggregates (wall / CPU): stored cubes {cube_s[0]:.2f} / {cube_s[1]:.2f} s ({len(cube):,} rows; "
          f"from the raw results {raw_cube_s[0]:.2f} / {raw_cube_s[1]:.2f} s); "
          f"stored score histogram {dist_s[0]:.2f} / {dist_s[1]:.2f} s ({len(dist):,} rows; from the raw results "
          f"{raw_s[0]:.2f} / {raw_s[1]:.2f} s)")
    for name, (sql_s, calc_s) in views.items():
        print(f"  {name:24}: {sql_s[0] + calc_s[0]:.2f} s wall, {sql_s[1] + calc_s[1]:.2f} s CPU (aggregate "
              f"{sql_s[0]:.2f} s + computation {calc_s[0]:.2f} s; target < {TARGET_VIEW_S:.0f} s at 300 schools)")
    print(f"  peak memory {peak_rss_mb():,.0f} MB")
    engine.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="30")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        tmp = Path(tempfile.mkdtemp(prefix="bench-years-"))
        try:
            t = time.perf_counter()
            rows = sum(write_region(tmp / "warehouse", n, year=y, seed=2026 + y)[1] for y in YEARS)
            print(f"\n{n} schools × {len(YEARS)} years: {rows:,} result rows, generated in "
                  f"{time.perf_counter() - t:.1f} s")
            measure(tmp / "warehouse", n, args.runs)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
