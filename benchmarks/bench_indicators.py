"""Times every indicator over a school year of 2,500 / 5,000 / 10,000 students to show linear growth.

Run: .venv/bin/python benchmarks/bench_indicators.py [--synthetic] [students ...]

The school comes from the demo generator (app.demo.school.generate_demo, validated with validate_workbook) when it is
available; otherwise, or with --synthetic, from the quick generator below, which builds typed frames directly
(the shape validate_workbook returns): each student writes 3 works (входная, промежуточная, итоговая) in 4
subjects, plus 2 ВПР in grades 4–8; works have 5–12 tasks; 10,000 students ≈ 130,000 results and 1.1 million
task scores. Only analytics is timed (best of 3 runs after a warm-up), as CPU time of this process.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import reports  # noqa: E402
from sheets_schema import SCHEMA  # noqa: E402
from sheets_schema.choices import PROFILES  # noqa: E402
from sheets_schema.rules import score_to_mark  # noqa: E402

SUBJECTS = ("Русский язык", "Математика", "Литература", "История", "Физика", "Химия", "Биология", "Английский язык")
LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"
CLASS_SIZE = 25
YEAR = 2025


def _frame(key: str, data: dict[str, Any]) -> pd.DataFrame:
    """Typed like validation's output: the schema's dtypes, categoricals with the declared options."""
    sheet = SCHEMA[key]
    n = len(next(iter(data.values()))) if data else 0
    cols: dict[str, Any] = {}
    for f in sheet.fields:
        values = data.get(f.key)
        if values is None:
            values = [None] * n
        if f.choices:
            cols[f.key] = pd.Categorical(values, categories=list(f.choices))
        elif f.type.dtype == "string":
            cols[f.key] = pd.array(["" if v is None else v for v in values], dtype="string")
        elif f.type.dtype.startswith("datetime"):
            cols[f.key] = pd.to_datetime(pd.Series(values))
        elif f.type.dtype == "object":
            cols[f.key] = pd.Series(values, dtype=object)
        else:
            cols[f.key] = pd.array(values, dtype=f.type.dtype)
    frame = pd.DataFrame(cols)
    frame["_row"] = np.arange(2, n + 2)
    return frame


def generate(students: int, seed: int = 1) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n_classes = -(-students // CLASS_SIZE)
    parallel = np.arange(n_classes) % 11 + 1
    letter_no = np.arange(n_classes) // 11
    letters = [LETTERS[i % len(LETTERS)] + ("" if i < len(LETTERS) else str(i // len(LETTERS))) for i in letter_no]
    class_ids = [f"c{i}" for i in range(n_classes)]
    deps = ["d0", "d1", "d2", "d3"]
    subj_ids = [f"s{i}" for i in range(len(SUBJECTS))]
    teacher_ids = [f"t{i}" for i in range(max(8, n_classes // 2))]
    frames: dict[str, pd.DataFrame] = {}
    frames["departments"] = _frame("departments", {"id": deps, "name": ["Гуманитарное", "Математическое",
                                                                         "Естественнонаучное", "Языковое"]})
    frames["subjects"] = _frame("subjects", {"id": subj_ids, "name": list(SUBJECTS),
                                             "department_id": [deps[i % 4] for i in range(len(SUBJECTS))]})
    n_t = len(teacher_ids)
    frames["teachers"] = _frame("teachers", {
        "id": teacher_ids, "last_name": [f"Учитель{i}" for i in range(n_t)], "first_name": ["Анна"] * n_t,
        "middle_name": ["Петровна"] * n_t, "position": ["учитель"] * n_t,
        "category": rng.choice(["высшая", "первая", "без категории"], n_t).tolist(),
        "category_date": pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 2000, n_t), unit="D"),
        "experience": rng.integers(0, 40, n_t).tolist(),
        "birth_date": pd.to_datetime("1960-01-01") + pd.to_timedelta(rng.integers(0, 14000, n_t), unit="D")})
    frames["classes"] = _frame("classes", {"id": class_ids, "parallel": parallel.tolist(), "letter": letters,
                                           "profile": [PROFILES[i % len(PROFILES)] for i in range(n_classes)]})
    class_of = np.repeat(np.arange(n_classes), CLASS_SIZE)[:students]
    student_ids = np.array([f"p{i}" for i in range(students)], dtype=object)
    frames["students"] = _frame("students", {"id": student_ids.tolist(), "last_name": [f"Ученик{i}" for i in
                                                                                      range(students)],
                                             "first_name": ["Иван"] * students,
                                             "class_id": [class_ids[c] for c in class_of]})
    # each parallel studies 4 monitored subjects; a class's subject is taught by one teacher
    subj_of_par = {p: [(p + k) % len(SUBJECTS) for k in range(4)] for p in range(1, 12)}
    load = [(teacher_ids[(c * 4 + k) % n_t], class_ids[c], subj_ids[s])
            for c in range(n_classes) for k, s in enumerate(subj_of_par[parallel[c]])]
    frames["teaching_load"] = _frame("teaching_load", {"id": [f"l{i}" for i in range(len(load))],
                                                       "teacher_id": [x[0] for x in load],
                                                       "class_id": [x[1] for x in load],
                                                       "subject_id": [x[2] for x in load]})
    works, tasks = [], []
    kinds = (("входная", "15.09"), ("промежуточная (рубежная)", "16.12"), ("итоговая", "12.05"))
    for p in range(1, 12):
        plan = [(s, k, d) for s in subj_of_par[p] for k, d in kinds]
        if 4 <= p <= 8:
            plan += [(subj_of_par[p][0], "ВПР", "10.04"), (subj_of_par[p][1], "ВПР", "17.04")]
        for s, kind, day in plan:
            n_tasks = int(rng.integers(5, 13))
            maxima = rng.choice([1, 1, 1, 2, 2, 3], n_tasks).astype(float)
            mx = float(maxima.sum())
            year = YEAR if day.endswith((".09", ".12")) else YEAR + 1
            works.append({"id": f"w{len(works)}", "title": f"{kind} {SUBJECTS[s]} {p}", "subject_id": subj_ids[s],
                          "parallel": p, "kind": kind, "date": pd.Timestamp(f"{year}-{day[3:]}-{day[:2]}"),
                          "max_score": mx, "threshold_3": np.ceil(mx * .35), "threshold_4": np.ceil(mx * .6),
                          "threshold_5": np.ceil(mx * .85)})
            for t in range(n_tasks):
                tasks.append({"id": f"k{len(tasks)}", "work_id": works[-1]["id"], "number": t + 1,
                              "max_score": maxima[t], "element": f"Элемент {t % 6 + 1}",
                              "level": ("базовый", "повышенный", "высокий")[min(t * 3 // n_tasks, 2)]})
    frames["works"] = _frame("works", {k: [w[k] for w in works] for k in works[0]})
    frames["tasks"] = _frame("tasks", {k: [t[k] for t in tasks] for k in tasks[0]})
    wk = frames["works"]
    ability = np.clip(rng.normal(0.62, 0.17, students), 0.05, 0.98)
    student_par = parallel[class_of]
    res_w, res_s = [], []
    for p in range(1, 12):
        ws = np.flatnonzero(wk["parallel"].to_numpy() == p)
        ss = np.flatnonzero(student_par == p)
        res_w.append(np.repeat(ws, len(ss)))
        res_s.append(np.tile(ss, len(ws)))
    rw, rs = np.concatenate(res_w), np.concatenate(res_s)
    n = len(rw)
    present = rng.random(n) > 0.05
    tmax = frames["tasks"].groupby("work_id", sort=False)["max_score"].agg(lambda s: s.to_numpy(dtype=float))
    maxima = tmax.reindex(wk["id"]).to_numpy()
    noise = rng.normal(0, 0.18, (n, 12))
    share = np.clip(ability[rs][:, None] + noise, 0, 1)
    scores, totals = [], np.full(n, np.nan)
    for i in range(n):
        if not present[i]:
            scores.append(None)
            continue
        m = maxima[rw[i]]
        sc = np.round(share[i, : len(m)] * m)
        vals = tuple(float(v) for v in sc)
        if i % 97 == 0:  # an unscored task now and then
            vals = (None, *vals[1:])
        scores.append(vals)
        totals[i] = float(sum(v for v in vals if v is not None))
    t = wk.iloc[rw]
    marks = score_to_mark(pd.Series(totals), t["threshold_3"].to_numpy(dtype=float),
                          t["threshold_4"].to_numpy(dtype=float), t["threshold_5"].to_numpy(dtype=float))
    frames["results"] = _frame("results", {
        "id": [f"r{i}" for i in range(n)], "work_id": wk["id"].to_numpy()[rw].tolist(),
        "student_id": student_ids[rs].tolist(), "present": np.where(present, "да", "нет").tolist(),
        "scores": scores, "total": [None if np.isnan(x) else x for x in totals],
        "mark": [None if pd.isna(m) else int(m) for m in marks]})
    pm_rows = [(student_ids[i], subj_ids[s], q, int(np.clip(np.round(2 + ability[i] * 3.4 + rng.normal(0, .5)),
                                                             2, 5)))
               for i in range(students) for s in subj_of_par[student_par[i]][:2]
               for q in ("1 четверть", "2 четверть", "3 четверть")]
    frames["period_marks"] = _frame("period_marks", {"id": [f"m{i}" for i in range(len(pm_rows))],
                                                     "student_id": [r[0] for r in pm_rows],
                                                     "subject_id": [r[1] for r in pm_rows],
                                                     "period": [r[2] for r in pm_rows],
                                                     "mark": [r[3] for r in pm_rows]})
    for s in SCHEMA:
        frames.setdefault(s.key, _frame(s.key, {}))
    return frames


def run_all(frames: dict[str, pd.DataFrame]) -> dict[str, float]:
    """Seconds per step; each step is what a dashboard refresh computes."""
    timings: dict[str, float] = {}
    shared: dict[str, Any] = {}

    def step(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.process_time()
        out = fn()
        timings[name] = time.process_time() - t0
        return out

    facts = step("facts", lambda: reports.results_facts(frames))
    step("classes: every work", lambda: reports.class_rollup(facts, within=("work_id",)))
    step("classes: whole year", lambda: reports.class_rollup(facts))
    step("subjects/teachers: year", lambda: reports.subject_rollup(facts, frames))
    cells = step("tasks: unpack scores", lambda: reports.unpack_scores(facts, frames["tasks"]))
    shared["cells"] = cells
    for by in (("class_id",), ("parallel",), ()):
        step(f"tasks by {by or 'school'}", lambda by=by: reports.task_analysis(facts, frames["tasks"], by,
                                                                               cells=cells))
    step("elements by class", lambda: reports.element_analysis(facts, frames["tasks"], ("class_id",), cells=cells))
    step("objectivity", lambda: reports.objectivity(facts, frames["period_marks"], frames["tasks"], cells=cells))
    step("risk", lambda: reports.students_at_risk(facts))
    return timings


def demo_frames(students: int) -> dict[str, pd.DataFrame] | None:
    """The demo school, validated, or None when the demo generator is not there or fails."""
    try:
        from app.demo.school import generate_demo
        from sheets_schema import validate_workbook
    except ImportError:
        return None
    try:
        return validate_workbook(SCHEMA, generate_demo(students, seed=1).grids).frames
    except Exception as exc:  # the demo belongs to another module: fall back rather than fail the benchmark
        print(f"demo generator failed ({exc!r}); using the synthetic school", file=sys.stderr)
        return None


def main(sizes: list[int], synthetic: bool) -> None:
    rows = []
    source = "synthetic"
    for n in sizes:
        frames = None if synthetic else demo_frames(n)
        if frames is None:
            frames = generate(n)
        else:
            source = "demo"
        run_all(frames)  # warm-up: first calls pay for imports and caches
        best: dict[str, float] = {}
        for _ in range(3):
            for k, v in run_all(frames).items():
                best[k] = min(v, best.get(k, np.inf))
        rows.append((n, len(frames["results"]), best))
    steps = list(rows[0][2])
    width = max(len(s) for s in steps) + 2
    print(f"school: {source}; CPU time, best of 3")
    print(f"{'students':<{width}}" + "".join(f"{n:>10,}" for n, _, _ in rows))
    print(f"{'results':<{width}}" + "".join(f"{r:>10,}" for _, r, _ in rows))
    for s in steps:
        print(f"{s:<{width}}" + "".join(f"{b[s] * 1000:>8.0f}ms" for _, _, b in rows))
    print(f"{'TOTAL':<{width}}" + "".join(f"{sum(b.values()):>9.2f}s" for _, _, b in rows))
    print(f"{'per 1,000 results':<{width}}" + "".join(f"{sum(b.values()) / r * 1e6:>8.1f}ms" for _, r, b in rows)
          + "   target: flat (linear growth)")


if __name__ == "__main__":
    args = sys.argv[1:]
    main([int(a) for a in args if a.isdigit()] or [2500, 5000, 10000], "--synthetic" in args)
