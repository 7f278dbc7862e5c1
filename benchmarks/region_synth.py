"""A synthetic region for benchmarks only: N schools × students × works written straight into the warehouse
layout (not through the school demo), with realistic spreads and a few planted anomalies.

Sizes: students per school log-normal around 600 (60…1,500); ~40 works a student writes in a year (subjects of
the parallel × kinds × periods); 7 % absent; marks drawn from the school's level. Each work has 8–15 tasks of
1–3 points (a task's element and level depend on the subject, parallel and number only, as a federal work's do),
and each present result its per-task scores, drawn from its mark (0.5 % left unscored); every 50th school enters
totals only (no scores). Planted: every 97th school has inflated ВПР (almost only «4» and «5»), every 113th has a
third of its students absent, every 131st puts «5» for everything. The cube (and every other derived table) of each
school-year is computed like intake does, over its own tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from reports.district import MATERIALISED
from sheets_schema.bundle import BUNDLE_SCHEMA
from sync.warehouse.arrow import arrow_schema
from sync.warehouse.engine import derived_tables
from sync.warehouse.layout import PART, Warehouse

SUBJECTS = ("русский язык", "математика", "литература", "история", "обществознание", "физика", "химия",
            "биология", "география", "информатика", "английский язык", "окружающий мир")
KINDS = ("входная", "промежуточная (рубежная)", "итоговая", "административная", "ВПР")
PERIODS = ("1 четверть", "2 четверть", "3 четверть", "4 четверть", "год")
CATEGORIES = ("высшая", "первая", "соответствие занимаемой должности", "без категории")
WORKS_PER_PARALLEL = 40
TASKS_PER_WORK = (8, 15)
LEVELS = ("базовый", "базовый", "базовый", "повышенный", "высокий")  # a task's level by its number
SHEETS = {s.key: s for s in BUNDLE_SCHEMA}


@dataclass(frozen=True)
class Planted:
    inflated_vpr: tuple[str, ...]
    absent: tuple[str, ...]
    all_fives: tuple[str, ...]


def code_of(i: int) -> str:
    return f"r{i:05d}"


def planted(n: int) -> Planted:
    return Planted(tuple(code_of(i) for i in range(n) if i % 97 == 5),
                   tuple(code_of(i) for i in range(n) if i % 113 == 7),
                   tuple(code_of(i) for i in range(n) if i % 131 == 11))


def _table(key: str, columns: dict[str, np.ndarray | list]) -> pa.Table:
    """All declared columns of the bundle table; those the benchmark does not need are null."""
    schema = arrow_schema(SHEETS[key])
    n = len(next(iter(columns.values())))
    arrays = [pa.array(columns[f.name], type=f.type) if f.name in columns else pa.nulls(n, f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def school_tables(i: int, rng: np.random.Generator, plan: Planted) -> dict[str, pa.Table]:
    code = code_of(i)
    n_students = int(np.clip(rng.lognormal(np.log(600), 0.5), 60, 1500))
    parallels = np.arange(1, 12)
    classes_per = np.maximum(1, np.round(n_students / 11 / 25)).astype(int)
    class_parallel = np.repeat(parallels, classes_per)
    class_ids = np.array([f"cls-{k:04d}" for k in range(len(class_parallel))])
    st_class = rng.integers(0, len(class_ids), n_students)
    st_ids = np.array([f"st-{k:05d}" for k in range(n_students)])
    subj_ids = np.array([f"sub-{k:02d}" for k in range(len(SUBJECTS))])
    # works: each parallel writes WORKS_PER_PARALLEL works over subjects × kinds × periods
    w_par = np.repeat(parallels, WORKS_PER_PARALLEL)
    nw = len(w_par)
    w_ids = np.array([f"w-{k:04d}" for k in range(nw)])
    w_subj = rng.integers(0, len(SUBJECTS), nw)
    w_kind = rng.integers(0, len(KINDS), nw)
    w_period = rng.integers(0, len(PERIODS), nw)
    # results: every student × every work of the student's parallel
    st_par = class_parallel[st_class]
    by_par = {p: np.flatnonzero(w_par == p) for p in parallels}
    r_st = np.concatenate([np.repeat(np.flatnonzero(st_par == p), len(by_par[p])) for p in parallels])
    r_w = np.concatenate([np.tile(by_par[p], int((st_par == p).sum())) for p in parallels])
    n = len(r_st)
    absent_rate = 0.33 if code in plan.absent else 0.07
    present = np.where(rng.random(n) < absent_rate, "нет", "да")
    level = rng.normal(0, 0.35)  # the school's level shifts the mark distribution
    probs = np.array([0.04, 0.30, 0.42, 0.24]) + np.array([-0.02, -0.10, 0.02, 0.10]) * level
    probs = np.clip(probs, 0.01, None) / np.clip(probs, 0.01, None).sum()
    mark = rng.choice(np.array([2, 3, 4, 5]), n, p=probs).astype(float)
    if code in plan.inflated_vpr:
        vpr = w_kind[r_w] == KINDS.index("ВПР")
        mark[vpr] = rng.choice(np.array([4, 5]), int(vpr.sum()), p=[0.4, 0.6])
    if code in plan.all_fives:
        mark[:] = 5
    mark[present == "нет"] = np.nan
    total = np.where(np.isnan(mark), np.nan, mark * 4 + rng.integers(-2, 3, n))
    tasks, scores = _tasks_and_scores(rng, w_ids, w_subj, w_par, r_w, mark, i % 50 != 3)
    n_teachers = max(4, n_students // 15)
    return {
        "classes": _table("classes", {"id": class_ids, "parallel": class_parallel.astype(np.int64)}),
        "students": _table("students", {"id": st_ids, "class_id": class_ids[st_class],
                                        "gender": rng.choice(np.array(["м", "ж"]), n_students)}),
        "subjects": _table("subjects", {"id": subj_ids, "name": list(SUBJECTS)}),
        "works": _table("works", {"id": w_ids, "subject_id": subj_ids[w_subj], "parallel": w_par.astype(np.int64),
                                  "kind": np.array(KINDS)[w_kind], "period": np.array(PERIODS)[w_period]}),
        "results": _table("results", {"id": np.array([f"r-{k:06d}" for k in range(n)]), "work_id": w_ids[r_w],
                                      "student_id": st_ids[r_st], "present": present,
                                      "total": pa.array(total, from_pandas=True),
                                      "mark": pa.array(mark, type=pa.int64(), from_pandas=True),
                                      "scores": scores}),
        "tasks": tasks,
        "teachers": _table("teachers", {"id": np.array([f"t-{k:03d}" for k in range(n_teachers)]),
                                        "category": rng.choice(np.array(CATEGORIES), n_teachers,
                                                               p=[0.3, 0.35, 0.25, 0.1])}),
    }


def _tasks_and_scores(rng: np.random.Generator, w_ids: np.ndarray, w_subj: np.ndarray, w_par: np.ndarray,
                      r_w: np.ndarray, mark: np.ndarray, scored: bool) -> tuple[pa.Table, pa.Array]:
    """Each work's tasks, and each result's per-task scores (binomial, the chance of a point rising with the mark;
    null for the absent and for every result of a school that enters totals only)."""
    nt = rng.integers(TASKS_PER_WORK[0], TASKS_PER_WORK[1] + 1, len(w_ids))
    start = np.r_[0, np.cumsum(nt)[:-1]]
    number = np.arange(nt.sum()) - np.repeat(start, nt) + 1
    t_work = np.repeat(np.arange(len(w_ids)), nt)
    t_max = 1 + (number * 7 + w_par[t_work]) % 3  # 1–3 points, the same for a task of a subject-parallel
    element = np.array([f"Элемент {s + 1}.{p}.{k}" for s, p, k in zip(w_subj[t_work], w_par[t_work], number,
                                                                      strict=True)])
    level = np.array(LEVELS)[(number - 1) % len(LEVELS)]
    tasks = _table("tasks", {"id": np.array([f"tsk-{k:06d}" for k in range(len(number))]), "work_id": w_ids[t_work],
                             "number": number.astype(np.int64), "max_score": t_max.astype(float),
                             "element": element, "level": level})
    written = ~np.isnan(mark) & scored
    per = np.where(written, nt[r_w], 0)
    flat_task = np.repeat(start[r_w], per) + (np.arange(per.sum()) - np.repeat(np.r_[0, np.cumsum(per)[:-1]], per))
    chance = np.clip((np.nan_to_num(mark) - 1.5) / 4.0, 0.05, 0.95)
    values = rng.binomial(t_max[flat_task], np.repeat(chance, per)).astype(float)
    values[rng.random(len(values)) < 0.005] = np.nan  # «-»: a task left unscored
    offsets = pa.array(np.r_[0, np.cumsum(per)].astype(np.int32))
    scores = pa.ListArray.from_arrays(offsets, pa.array(values, from_pandas=True), mask=pa.array(~written))
    return tasks, scores


def write_region(root: Path, n_schools: int, year: int = 2025, seed: int = 2026) -> tuple[Warehouse, int]:
    """The region's warehouse under `root` (one school-year per school, with its cube); returns it and result rows."""
    wh = Warehouse(root)
    rng = np.random.default_rng(seed)
    plan = planted(n_schools)
    rows = 0
    for i in range(n_schools):
        tables = school_tables(i, rng, plan)
        rows += tables["results"].num_rows
        tables.update(derived_tables(MATERIALISED, tables, year, code_of(i)))  # the cube and the rest, as intake
        for name, data in tables.items():
            part = wh.partition(name, year, code_of(i))
            part.mkdir(parents=True, exist_ok=True)
            pq.write_table(data, part / PART, compression="zstd")
    return wh, rows


def compact(wh: Warehouse, out: Path, tables: tuple[str, ...] = ("results", "cube")) -> int:
    """A compacted copy for measurement: per table-year one file sorted by school (a row group per ~64 schools),
    so a school is still found by min/max statistics. Returns the number of files written."""
    import duckdb

    con = duckdb.connect(":memory:")
    written = 0
    try:
        for table in tables:
            src = str(wh.root / table / "*" / "*" / PART)
            dest = out / table
            dest.mkdir(parents=True, exist_ok=True)
            con.execute(f"COPY (SELECT * FROM read_parquet('{src}', hive_partitioning = true, "
                        f"hive_types = {{'year': 'INTEGER', 'school': 'VARCHAR'}}) ORDER BY year, school) "
                        f"TO '{dest}' (FORMAT parquet, PARTITION_BY (year), COMPRESSION zstd, "
                        f"ROW_GROUP_SIZE 1000000, FILENAME_PATTERN 'part-{{i}}', OVERWRITE_OR_IGNORE true)")
            written += len(list(dest.rglob("*.parquet")))
    finally:
        con.close()
    return written
