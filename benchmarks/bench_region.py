"""From a town to a region: the lab's queries over a synthetic region of 30 / 300 / 2,000 schools on DuckDB and on
Spark local[2], the same aggregates (reports.district) on the same hive-partitioned Parquet.

Run: .venv/bin/python benchmarks/bench_region.py [--sizes 30,300,2000] [--no-spark | --engines spark] [--runs 3]
     [--only town-level] [--no-tasks] [--keep DIR]   (default 30)

Per size: warehouse size and rows; the indicators (every aggregate of the registry but the per-school cube itself,
the per-task sums and the row extracts; `--only town-level` for those of the target) with the town-level subtotal,
and one school's view (its cube and its raw facts read from its own folders only) — each engine measured in its
own process so its peak memory is its own; the per-task sums (the two tables intake stored, then `per_task`) with
their memory; the row extracts apart (up to --extracts-up-to schools); rows per second; the growth fit over the
sizes run;
compaction of the per-school files of `results` and `cube` into one file per table-year, and the same scans
before and after it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from region_synth import code_of, compact, planted, write_region  # noqa: E402

from reports.district import AGGREGATES, MATERIALISED_SQL, Aggregate  # noqa: E402
from reports.district.aggregates import FACTS  # noqa: E402
from reports.district.tasks import STORED_TASK_LABELS, STORED_TASK_SUMS, TASK_AGGREGATES, per_task_of  # noqa: E402
from sync.warehouse.layout import Warehouse  # noqa: E402

TARGET_TOWN_S_2000 = 60.0  # all town-level indicators of 2,000 schools on DuckDB
TARGET_MEMORY_GB = 4.0
TARGET_ONE_SCHOOL_S = 0.5
COMPACTION_WORTH = 2.0  # compaction pays for a school-year no longer being one folder only from this speed-up


def one_school() -> list[Aggregate]:
    """A school's own page: its cube and its indicators from the raw facts, run on the school's folders only
    (`engine.run(..., school=CODE)`: the views are built over year=*/school=CODE/, nothing else is opened)."""
    return [Aggregate("school_cube", "Куб школы", "SELECT * FROM cube", ("cube",)),
            Aggregate("school_raw", "Показатели школы из фактов",
                      f"SELECT kind, COUNT(*) AS enrolled FROM ({FACTS}) f GROUP BY kind",
                      ("results", "works", "subjects", "students", "classes"))]


def one_school_filtered(code: str) -> list[Aggregate]:
    """The same two queries over the town's views with a WHERE on the partition column (DuckDB prunes the
    `results` scan by its path, but the joined tables' scans are not all pruned) — measured for comparison."""
    quoted = "'" + code.replace("'", "''") + "'"
    return [Aggregate("school_cube_where", "Куб школы (WHERE)", f"SELECT * FROM cube WHERE school = {quoted}",
                      ("cube",)),
            Aggregate("school_raw_where", "Показатели школы из фактов (WHERE)",
                      f"SELECT kind, COUNT(*) AS enrolled FROM ({FACTS}) f WHERE school = {quoted} GROUP BY kind",
                      ("results",))]


def best(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def peak_rss_mb(pid: str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


# The town-level indicators of the target (< 60 s for 2,000 schools): by school from the cubes and from the raw facts,
# by subject, staff, ВПР against period marks.
TOWN_LEVEL = ("town_by_school", "town_by_school_raw", "town_by_subject", "staff_by_category", "marks_vs_period")
# Not aggregates but extracts: rows that go to pandas (the forecasts' per-result facts, the stored cubes), so they
# grow with the region; measured apart, up to --extracts-up-to schools.
EXTRACTS = ("result_facts", "stored_cube")
# The per-task sums (reports.district.tasks): the two stored tables intake wrote (the sums and the labels, read
# by STORED_TASK_SUMS and STORED_TASK_LABELS) and the pandas step the pages and справки run.
TASK_KEYS = tuple(TASK_AGGREGATES)
TASK_READS = (STORED_TASK_SUMS.key, STORED_TASK_LABELS.key)


def measure(kind: str, root: Path, runs: int, extracts: bool, only: tuple[str, ...], tasks: bool) -> dict:
    """Runs in a child process: open the engine, time one school, the indicators (`only` these keys, if given),
    the per-task sums (if asked) and the extracts (if asked); peak memory after each step."""
    from sync.warehouse.engines import open_engine

    wh = Warehouse(root)
    t = time.perf_counter()
    engine = open_engine(kind, wh, MATERIALISED_SQL)  # type: ignore[arg-type]
    out: dict = {"open_s": time.perf_counter() - t, "queries": {}, "extracts": {}}
    school = code_of(1)
    out["one_school"] = {a.key: best(lambda a=a: engine.run(a, school=school), runs) for a in one_school()}
    out["one_school_s"] = sum(out["one_school"].values())
    out["one_school_where"] = {a.key: best(lambda a=a: engine.run(a), runs) for a in one_school_filtered(school)}
    cpu, load = time.process_time(), os.getloadavg()[0]
    for a in (a for k, a in AGGREGATES.items()
              if k != "cube" and k not in (*EXTRACTS, *TASK_KEYS) and (not only or k in only)):
        out["queries"][a.key] = best(lambda a=a: engine.run(a), runs)
    out["dashboard_s"] = sum(out["queries"].values())
    out["dashboard_cpu_s"] = (time.process_time() - cpu) / runs  # this process's time (the JVM's is apart)
    out["load"] = (load + os.getloadavg()[0]) / 2
    gateway = getattr(getattr(engine.spark.sparkContext, "_gateway", None), "proc", None) if kind == "spark" else None

    def rss() -> float:
        return peak_rss_mb() + (peak_rss_mb(str(gateway.pid)) if gateway is not None else 0.0)

    out["rss_mb"] = rss()
    if tasks:
        cpu, t = time.process_time(), time.perf_counter()
        per = per_task_of(engine.run)
        out["tasks"] = {"seconds": time.perf_counter() - t, "cpu_s": time.process_time() - cpu, "rows": len(per),
                        "rss_mb": rss()}
    if extracts:
        for key in EXTRACTS:
            out["extracts"][key] = best(lambda key=key: engine.run(AGGREGATES[key]), 1)
        out["rss_extracts_mb"] = rss()
    engine.close()
    return out


def compaction(wh: Warehouse, out: Path, runs: int) -> dict:
    import duckdb

    files_before = len(wh.files("results")) + len(wh.files("cube"))
    t = time.perf_counter()
    files_after = compact(wh, out)
    seconds = time.perf_counter() - t
    scan = ("SELECT school, COUNT(*) AS n, SUM(CASE WHEN present = 'да' THEN 1 ELSE 0 END) AS present "
            "FROM read_parquet('{p}', hive_partitioning = true) GROUP BY school")
    pick = "SELECT * FROM read_parquet('{p}', hive_partitioning = true) WHERE school = '" + code_of(1) + "'"
    con = duckdb.connect()
    per_school, compacted = str(wh.root / "results" / "*" / "*" / "*.parquet"), str(out / "results" / "*" / "*.parquet")
    res = {"files_before": files_before, "files_after": files_after, "seconds": seconds,
           "scan_before": best(lambda: con.execute(scan.format(p=per_school)).fetchall(), runs),
           "scan_after": best(lambda: con.execute(scan.format(p=compacted)).fetchall(), runs),
           "pick_before": best(lambda: con.execute(pick.format(p=per_school)).fetchall(), runs),
           "pick_after": best(lambda: con.execute(pick.format(p=compacted)).fetchall(), runs)}
    con.close()
    return res


def child(kind: str, root: Path, runs: int, extracts: bool, only: str, tasks: bool) -> dict | None:
    proc = subprocess.run([sys.executable, __file__, "--measure", kind, str(root), "--runs", str(runs),
                           "--only", only, *(["--extracts"] if extracts else []), *(["--tasks"] if tasks else [])],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"  {kind}: failed — {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else '?'}")
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(kind: str, n: int, rows: int, r: dict) -> None:
    target_town = TARGET_TOWN_S_2000 * n / 2000
    raw = r["queries"].get("town_by_school_raw", float("nan"))
    print(f"  {kind:6}: open {r['open_s']:.1f} s; dashboard {r['dashboard_s']:.2f} s "
          f"(target < {target_town:.1f} s, i.e. 2,000 schools < {TARGET_TOWN_S_2000:.0f} s; CPU "
          f"{r.get('dashboard_cpu_s', float('nan')):.1f} s, load average {r.get('load', float('nan')):.1f} on "
          f"{os.cpu_count()} cores) — "
          + ", ".join(f"{k} {v:.2f}" for k, v in r["queries"].items()))
    print(f"          raw facts {rows / raw:,.0f} rows/s; one school {r['one_school_s']:.3f} s "
          f"(target < {TARGET_ONE_SCHOOL_S} s; " + ", ".join(f"{k} {v:.3f}" for k, v in r["one_school"].items())
          + "; over the town's views with WHERE school: "
          + ", ".join(f"{k} {v:.3f}" for k, v in r.get("one_school_where", {}).items())
          + f"); peak memory {r['rss_mb']:,.0f} MB "
          f"(target < {TARGET_MEMORY_GB * 1024:,.0f} MB)")
    town = [v for k, v in r["queries"].items() if k in TOWN_LEVEL]
    if town:
        print(f"          town-level indicators ({', '.join(k for k in r['queries'] if k in TOWN_LEVEL)}): "
              f"{sum(town):.2f} s (target < {target_town:.1f} s, i.e. 2,000 schools < {TARGET_TOWN_S_2000:.0f} s)")
    if r.get("tasks"):
        t = r["tasks"]
        print(f"          per-task sums (stored, SQL {' + '.join(TASK_READS)}, then per_task): {t['seconds']:.2f} s "
              f"(CPU {t['cpu_s']:.1f} s of this process; target < {target_town:.1f} s like the indicators), "
              f"{t['rows']:,} rows; peak memory {t['rss_mb']:,.0f} MB (target < {TARGET_MEMORY_GB * 1024:,.0f} MB)")
    if r.get("extracts"):
        print("          row extracts (rows to pandas, not indicators): "
              + ", ".join(f"{k} {v:.2f} s" for k, v in r["extracts"].items())
              + f"; peak memory with them {r['rss_extracts_mb']:,.0f} MB")
    else:
        print("          row extracts not run at this size (--extracts-up-to)")


def fit(points: list[tuple[int, float]], what: str) -> None:
    if len(points) < 2:
        return
    xs, ys = [math.log(n) for n, _ in points], [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    at2000 = math.exp(my + b * (math.log(2000) - mx))
    print(f"growth {what}: time ∝ n^{b:.2f}; at 2,000 schools ≈ {at2000:.1f} s (target < {TARGET_TOWN_S_2000:.0f} s)")


def region(tmp: Path, n: int) -> tuple[Warehouse, int, float]:
    """The region of n schools under tmp/warehouse: generated, or the one a previous run kept (tmp/region.json)."""
    marker = tmp / "region.json"
    if marker.is_file():
        info = json.loads(marker.read_text(encoding="utf-8"))
        return Warehouse(tmp / "warehouse"), int(info["rows"]), float(info["seconds"])
    shutil.rmtree(tmp / "warehouse", ignore_errors=True)
    t = time.perf_counter()
    wh, rows = write_region(tmp / "warehouse", n)
    seconds = time.perf_counter() - t
    marker.write_text(json.dumps({"schools": n, "rows": rows, "seconds": seconds}), encoding="utf-8")
    return wh, rows, seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="30", help="school counts, e.g. 30,300,2000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-spark", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="keep each generated region in DIR/<schools>/ and reuse it next time")
    ap.add_argument("--generate-only", action="store_true", help="only generate (with --keep: for a later run)")
    ap.add_argument("--extracts-up-to", type=int, default=300, metavar="N",
                    help="measure the row extracts (every result row to pandas) only up to N schools")
    ap.add_argument("--engines", default="duckdb,spark", help="engines to measure, e.g. spark")
    ap.add_argument("--only", default="", help="only these aggregates as the dashboard, e.g. town-level")
    ap.add_argument("--no-tasks", action="store_true", help="skip the per-task sums")
    ap.add_argument("--tasks", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--no-compaction", action="store_true", help="skip the compaction measurement")
    ap.add_argument("--extracts", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--measure", nargs=2, metavar=("ENGINE", "ROOT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        only = TOWN_LEVEL if args.only == "town-level" else tuple(k for k in args.only.split(",") if k)
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]), args.runs, args.extracts, only,
                                 args.tasks)))
        return
    growth: dict[str, list[tuple[int, float]]] = {"duckdb": [], "spark": []}
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        tmp = Path(args.keep) / str(n) if args.keep else Path(tempfile.mkdtemp(prefix="bench-region-"))
        try:
            wh, rows, seconds = region(tmp, n)
            p = planted(n)
            print(f"\n{n} schools: {rows:,} result rows, warehouse {wh.size_bytes() / 1e6:,.1f} MB in "
                  f"{len(list(wh.root.rglob('*.parquet'))):,} files, generated in {seconds:.1f} s "
                  f"(planted: {len(p.inflated_vpr)} inflated ВПР, {len(p.absent)} absent, {len(p.all_fives)} all «5»)")
            if args.generate_only:
                continue
            for kind in (k for k in args.engines.split(",") if k and not (args.no_spark and k == "spark")):
                r = child(kind, wh.root, args.runs, n <= args.extracts_up_to, args.only, not args.no_tasks)
                if r is not None:
                    report(kind, n, rows, r)
                    growth[kind].append((n, r["dashboard_s"]))
            if args.no_compaction:
                continue
            c = compaction(wh, tmp / "compacted", args.runs)
            print(f"  compaction of results+cube: {c['files_before']:,} files -> {c['files_after']:,} in "
                  f"{c['seconds']:.1f} s; scan of results {c['scan_before']:.2f} s -> {c['scan_after']:.2f} s; "
                  f"one school {c['pick_before']:.3f} s -> {c['pick_after']:.3f} s (target < {TARGET_ONE_SCHOOL_S} s); "
                  f"scan {c['scan_before'] / c['scan_after']:.1f}× faster after it (worth the loss of the per-school "
                  f"folders from {COMPACTION_WORTH:.0f}× on)")
        finally:
            if not args.keep:
                shutil.rmtree(tmp, ignore_errors=True)
    print()
    for kind, points in growth.items():
        fit(points, f"{kind} dashboard")


if __name__ == "__main__":
    main()
