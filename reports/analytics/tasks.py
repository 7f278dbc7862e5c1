"""Per-task and per-content-element analysis («анализ по элементам содержания»).

Per-task scores live in one cell per result as a tuple aligned with the work's tasks sorted by `number`. They are
unpacked once into flat arrays (no row per task is ever stored); a None score means «not scored» and is left out
of that task's denominator. Tasks with a maximum of 0 are not analysed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd

from reports.analytics.groups import dense_unique, group_codes
from reports.analytics.indicators import PRESENT

TASK_COLUMNS = ("work_id", "number", "task_id", "element", "task_level", "task_max")
ELEMENT_MEASURES = ("tasks", "n_scored", "score_sum", "max_sum", "pct_of_max", "weak")


@dataclass(frozen=True)
class WeakRule:
    """An element is weak when its share of the maximum is below `below_pct`, or it is among the `bottom_n`
    lowest of its work (ties included); bottom_n = 0 switches the ranking off."""

    below_pct: float = 50.0
    bottom_n: int = 0


@dataclass(frozen=True)
class Cells:
    """Every scored cell of every written result: which fact row, which task, what score (NaN = not scored)."""

    facts: pd.DataFrame  # the facts that were unpacked, as given
    tasks: pd.DataFrame  # tasks sorted by work and number, columns TASK_COLUMNS, reset index
    row: np.ndarray  # position in `facts`
    task: np.ndarray  # position in `tasks`
    score: np.ndarray


def task_table(tasks: pd.DataFrame) -> pd.DataFrame:
    """Tasks in score order (work, number) with report column names."""
    t = tasks.sort_values(["work_id", "number"], kind="stable").reset_index(drop=True)
    return pd.DataFrame({
        "work_id": t["work_id"], "number": t["number"], "task_id": t["id"], "element": t["element"],
        "task_level": t["level"], "task_max": t["max_score"].astype("float64"),
    })


def unpack_scores(facts: pd.DataFrame, tasks: pd.DataFrame) -> Cells:
    """Flattens the score tuples; scores beyond the work's task list (or of works with no tasks) are dropped."""
    tt = task_table(tasks)
    written = (facts["present"] == PRESENT).fillna(False).to_numpy(dtype=bool) & facts["scores"].notna().to_numpy()
    source = np.flatnonzero(written)
    scores = facts["scores"].to_numpy()[source].tolist()
    lengths = np.fromiter(map(len, scores), dtype=np.int64, count=len(scores))
    if not lengths.sum() or tt.empty:
        empty = np.zeros(0, dtype=np.int64)
        return Cells(facts, tt, empty, empty, np.zeros(0, dtype=float))
    flat = np.array(list(chain.from_iterable(scores)), dtype=float)  # None -> NaN
    local = np.repeat(np.arange(len(scores)), lengths)
    pos = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    work_index = pd.Index(tt["work_id"].drop_duplicates())
    n_tasks = tt.groupby("work_id", sort=False).size().reindex(work_index).to_numpy()
    task_start = np.cumsum(n_tasks) - n_tasks
    wpos = _work_positions(facts["work_id"], work_index)[source][local]
    known = wpos >= 0
    wpos = np.where(known, wpos, 0)
    task = task_start[wpos] + pos
    keep = known & (pos < n_tasks[wpos])
    keep[keep] = tt["task_max"].to_numpy()[task[keep]] > 0
    return Cells(facts, tt, source[local][keep], task[keep], flat[keep])


def _work_positions(work_ids: pd.Series, work_index: pd.Index) -> np.ndarray:
    """Position of each row's work among the works that have tasks (-1 = none); categoricals map by code."""
    if isinstance(work_ids.dtype, pd.CategoricalDtype):
        by_code = work_index.get_indexer(work_ids.cat.categories)
        codes = work_ids.cat.codes.to_numpy()
        return np.where(codes >= 0, by_code[np.maximum(codes, 0)] if len(by_code) else -1, -1)
    return work_index.get_indexer(work_ids)


def _aggregate(cells: Cells, by: Sequence[str], item: np.ndarray, n_items: int
               ) -> tuple[pd.DataFrame, np.ndarray, dict[str, np.ndarray]]:
    """Sums per (group, item) over the cells, item being a task or a content element of each cell's task.

    Returns the group keys of each output row, its item, and the sums; rows come sorted by group then item.
    """
    codes, keys = group_codes(cells.facts, by)
    g, it, score, task = codes[cells.row], item, cells.score, cells.task
    if not (g >= 0).all():  # results with a missing key (a class row gone) belong to no group
        ok = g >= 0
        g, it, score, task = g[ok], it[ok], score[ok], task[ok]
    task_max = cells.tasks["task_max"].to_numpy()[task]
    scored = ~np.isnan(score)
    s0 = np.where(scored, score, 0.0)
    combo = g * n_items + it
    uniq, inverse = dense_unique(combo, len(keys) * n_items)

    def count(where: np.ndarray) -> np.ndarray:
        return np.bincount(inverse[where], minlength=len(uniq))

    sums = {"n_scored": count(scored), "n_full": count(scored & (s0 >= task_max)), "n_zero": count(scored & (s0 <= 0)),
            "score_sum": np.bincount(inverse, weights=s0, minlength=len(uniq)),
            "max_sum": np.bincount(inverse[scored], weights=task_max[scored], minlength=len(uniq))}
    group_rows = keys.iloc[uniq // n_items].reset_index(drop=True) if by else pd.DataFrame(index=range(len(uniq)))
    return group_rows, uniq % n_items, sums


def _pct(num: pd.Series | np.ndarray, den: pd.Series | np.ndarray) -> np.ndarray:
    d = np.asarray(den, dtype=float)
    return np.asarray(num, dtype=float) / np.where(d > 0, d, np.nan) * 100.0


def task_analysis(facts: pd.DataFrame, tasks: pd.DataFrame, by: Sequence[str] = ("class_id",),
                  cells: Cells | None = None) -> pd.DataFrame:
    """Per group (by=("class_id",) a class, ("parallel",) a parallel, () the school) and task: how many were scored,
    the mean score, % of the maximum, and the shares who solved it fully / partly / not at all (of those scored).
    Pass `cells` from unpack_scores to reuse the unpacking across several calls. Sorted by group, work, number.
    """
    cells = cells if cells is not None else unpack_scores(facts, tasks)
    tt = cells.tasks
    groups, items, sums = _aggregate(cells, by, cells.task, len(tt))
    n = sums["n_scored"].astype(float)
    full, zero = sums["n_full"], sums["n_zero"]
    data = {k: groups[k].array for k in by}
    data |= {c: tt[c].array.take(items) for c in TASK_COLUMNS}
    data |= {"n_scored": sums["n_scored"], "mean_score": _pct(sums["score_sum"], n) / 100.0,
             "pct_of_max": _pct(sums["score_sum"], sums["max_sum"]), "full_pct": _pct(full, n),
             "partial_pct": _pct(n - full - zero, n), "zero_pct": _pct(zero, n)}
    return pd.DataFrame(data, index=pd.RangeIndex(len(items)))


def element_analysis(facts: pd.DataFrame, tasks: pd.DataFrame, by: Sequence[str] = ("class_id",),
                     weak: WeakRule = WeakRule(), cells: Cells | None = None) -> pd.DataFrame:
    """Per group, work and content element: the mean share of the maximum over the element's tasks (scored points /
    maximum of the scored tasks, so a hard two-point task weighs twice a one-point one) and the weak flag.
    Sorted by group and work, weakest element first.
    """
    cells = cells if cells is not None else unpack_scores(facts, tasks)
    tt = cells.tasks
    element_of_task = tt.groupby(["work_id", "element"], sort=False).ngroup().to_numpy()
    n_elements = int(element_of_task.max()) + 1 if len(element_of_task) else 0
    groups, items, sums = _aggregate(cells, by, element_of_task[cells.task], n_elements)
    first = np.unique(element_of_task, return_index=True)[1]
    numbers: list[list[int]] = [[] for _ in range(n_elements)]
    for e, number in zip(element_of_task, tt["number"].tolist(), strict=True):
        numbers[e].append(number)
    listed = np.array([", ".join(str(x) for x in sorted(ns)) for ns in numbers], dtype=object)
    data = {k: groups[k].array for k in by}
    data |= {c: tt[c].array.take(first[items]) for c in ("work_id", "element")}
    data["tasks"] = listed[items]
    data |= {c: sums[c] for c in ("n_scored", "score_sum", "max_sum")}
    data["pct_of_max"] = _pct(sums["score_sum"], sums["max_sum"])
    out = pd.DataFrame(data, index=pd.RangeIndex(len(items)))
    out["weak"] = mark_weak(out, [*by, "work_id"], weak)
    cols = [*by, "work_id", "element", *ELEMENT_MEASURES]
    return out[cols].sort_values([*by, "work_id", "pct_of_max"], kind="stable").reset_index(drop=True)


def mark_weak(table: pd.DataFrame, group: Sequence[str], rule: WeakRule) -> pd.Series:
    """Weak-element flag per row of an element table (see WeakRule); elements with nothing scored are not weak."""
    pct = table["pct_of_max"]
    weak = (pct < rule.below_pct).fillna(False)
    if rule.bottom_n > 0:
        rank = pct.groupby([table[c] for c in group], observed=True, dropna=False).rank(method="min") \
            if group else pct.rank(method="min")
        weak |= (rank <= rule.bottom_n).fillna(False)
    return weak.astype(bool)


def solved_share(facts: pd.DataFrame, tasks: pd.DataFrame, levels: Sequence[str] = ("базовый",),
                 cells: Cells | None = None) -> pd.DataFrame:
    """Per fact row (aligned with `facts`): tasks of the given difficulty levels scored, solved fully, and the
    solved share (%; NaN when none was scored). Objectivity uses it for «high mark but basic tasks failed».
    """
    cells = cells if cells is not None and cells.facts is facts else unpack_scores(facts, tasks)
    in_level = cells.tasks["task_level"].astype(object).isin(list(levels)).to_numpy()[cells.task]
    scored = in_level & ~np.isnan(cells.score)
    task_max = cells.tasks["task_max"].to_numpy()[cells.task]
    n_scored = np.bincount(cells.row[scored], minlength=len(facts))
    n_solved = np.bincount(cells.row[scored & (cells.score >= task_max)], minlength=len(facts))
    return pd.DataFrame({"n_scored": n_scored, "n_solved": n_solved, "solved_pct": _pct(n_solved, n_scored)},
                        index=facts.index)
