"""Objectivity of external-test results (ВПР): each student's ВПР mark against the last period mark in the subject,
and the two signs ФИС ОКО watches — a large share of raised marks, and high totals with failed basic tasks.

The output is a set of signals to check («признак, требующий проверки»), never a verdict on a teacher: a raised
share can have honest causes, and a small class moves the percentages a lot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reports.analytics.groups import first_rows, group_codes, group_counts, lookup
from reports.analytics.indicators import PRESENT
from reports.analytics.periods import CALENDAR, PERIOD_RANK, PERIODS, PeriodCalendar
from reports.analytics.tasks import Cells, solved_share
from reports.labels import SCHOOL_LABEL, fmt_num

LOWERED, CONFIRMED, RAISED = "понизили", "подтвердили", "повысили"
COUNT_COLUMNS = ("N", "compared", "no_period_mark", "lowered", "confirmed", "raised", "lowered_pct",
                 "confirmed_pct", "raised_pct", "assessable", "high_but_basic_failed", "high_but_basic_failed_pct")
SIGNAL_PREFIX = "Признак, требующий проверки"


@dataclass(frozen=True)
class ObjectivityRules:
    """Thresholds of the two signals. A group with fewer than `min_students` compared (or assessable) students
    is never flagged: one student in a class of three is a third of it."""

    kinds: tuple[str, ...] = ("ВПР",)
    raised_pct: float = 15.0  # signal when the share of raised marks is above this
    lowered_pct: float = 60.0  # signal when more than this share got a lower ВПР mark: period marks look inflated
    high_mark: int = 4  # «high total» = a ВПР mark of at least this
    basic_levels: tuple[str, ...] = ("базовый",)
    basic_solved_pct: float = 50.0  # a student «failed the basics» when fully solving fewer basic tasks than this
    high_but_basic_failed_pct: float = 10.0  # signal when the share of such students is above this
    min_students: int = 5


@dataclass(frozen=True)
class Signal:
    """One sign to check: where (school or class, on which work), which indicator, its value and threshold."""

    scope: str  # "school" | "class"
    work_id: str
    class_id: str | None
    indicator: str  # "raised_pct" | "lowered_pct" | "high_but_basic_failed_pct"
    value: float
    threshold: float
    message: str


@dataclass(frozen=True)
class Objectivity:
    """students: one row per ВПР result with the period mark compared; summary: counts and shares per work for
    each class and the school; signals: what exceeded a threshold, worded for the deputy director."""

    students: pd.DataFrame
    summary: pd.DataFrame
    signals: list[Signal] = field(default_factory=list)


def _codes_in(col: pd.Series, other: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of two key columns over one shared vocabulary (-1 = missing or not in `col`)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy().astype(np.int64), lookup(pd.Index(col.cat.categories), other)
    codes, uniques = pd.factorize(col)
    return codes.astype(np.int64), lookup(pd.Index(uniques), other)


def last_period_marks(results: pd.DataFrame, period_marks: pd.DataFrame,
                      calendar: PeriodCalendar = CALENDAR) -> pd.DataFrame:
    """For each result (student_id, subject_id, date), aligned with `results`: the mark of the latest period of
    that subject that ended strictly before the work date, and that period (missing when there is none). Ties in
    end date (2 четверть and 1 полугодие) go to the higher rank, then to the quarter.
    """
    st_r, st_p = _codes_in(results["student_id"], period_marks["student_id"])
    sb_r, sb_p = _codes_in(results["subject_id"], period_marks["subject_id"])
    width = int(max(sb_r.max(initial=0), sb_p.max(initial=0))) + 1
    pcode = pd.Index(list(PERIODS)).get_indexer(period_marks["period"].astype(object))
    ok = (st_p >= 0) & (sb_p >= 0) & (pcode >= 0) & period_marks["mark"].notna().to_numpy()
    right = pd.DataFrame({"_k": (st_p * width + sb_p)[ok], "_p": pcode[ok],
                          "_m": period_marks["mark"].to_numpy(dtype=float, na_value=np.nan)[ok]})
    known = (st_r >= 0) & (sb_r >= 0)
    left = pd.DataFrame({"_k": (st_r * width + sb_r)[known], "_i": np.flatnonzero(known)})
    m = left.merge(right, on="_k", how="inner", sort=False)
    i, p, mark = m["_i"].to_numpy(), m["_p"].to_numpy(), m["_m"].to_numpy()
    dates = results["date"].to_numpy(dtype="datetime64[ns]")[i]
    end = _period_ends(calendar, dates, p)
    before = end < dates
    i, p, end, mark = i[before], p[before], end[before], mark[before]
    rank = np.array([PERIOD_RANK[x] for x in PERIODS])[p]
    quarter = np.array(["четверть" in x for x in PERIODS])[p]
    order = np.lexsort((quarter, rank, end.astype(np.int64), i))
    last = order[np.r_[i[order][1:] != i[order][:-1], True]] if len(order) else order
    out_mark = np.full(len(results), np.nan)
    out_period = np.full(len(results), None, dtype=object)
    out_mark[i[last]] = mark[last]
    out_period[i[last]] = np.array(PERIODS, dtype=object)[p[last]]
    return pd.DataFrame({"period_mark": pd.array(out_mark, dtype="Float64").astype("Int64"),
                         "mark_period": out_period}, index=results.index)


def _period_ends(calendar: PeriodCalendar, dates: np.ndarray, period_codes: np.ndarray) -> np.ndarray:
    """End of each row's period in the academic year of its date: a small (year × period) table, then a take."""
    years = calendar.academic_year(pd.Series(dates)).to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(years)
    uniq = np.unique(years[known]).astype(int)
    table = np.full((len(uniq), len(PERIODS)), np.datetime64("NaT"), dtype="datetime64[ns]")
    for col, period in enumerate(PERIODS):
        if period in calendar.ends:
            table[:, col] = calendar.period_end(period, pd.Series(uniq, dtype="Int64")).to_numpy(
                dtype="datetime64[ns]")
    row = np.searchsorted(uniq, np.where(known, years, uniq[0] if len(uniq) else 0).astype(int))
    out = table[row, period_codes] if len(uniq) else np.full(len(dates), np.datetime64("NaT"), "datetime64[ns]")
    return np.where(known, out, np.datetime64("NaT"))


def objectivity(facts: pd.DataFrame, period_marks: pd.DataFrame, tasks: pd.DataFrame,
                rules: ObjectivityRules = ObjectivityRules(), calendar: PeriodCalendar = CALENDAR,
                cells: Cells | None = None) -> Objectivity:
    """ВПР marks vs period marks per class and school, and the signals that cross `rules`' thresholds.
    Pass `cells` unpacked from the same `facts` to reuse them."""
    keep = facts["kind"].astype(object).isin(list(rules.kinds)).to_numpy()
    wrote = ((facts["present"] == PRESENT).fillna(False) & facts["mark"].notna()).to_numpy(dtype=bool)
    rows = np.flatnonzero(keep & wrote)
    v = facts.iloc[rows].reset_index(drop=True)
    cols = ["result_id", "work_id", "work", "subject_id", "subject", "date", "class_id", "class", "student_id",
            "student", "mark"]
    st = pd.concat([v[cols], last_period_marks(v, period_marks, calendar)], axis=1)
    diff = st["mark"].to_numpy(dtype=float, na_value=np.nan) - st["period_mark"].to_numpy(dtype=float,
                                                                                         na_value=np.nan)
    st["comparison"] = pd.Categorical.from_codes(np.select([diff < 0, diff == 0, diff > 0], [0, 1, 2], -1),
                                                 categories=[LOWERED, CONFIRMED, RAISED])
    if cells is not None and cells.facts is facts:
        solved = solved_share(facts, tasks, rules.basic_levels, cells=cells).iloc[rows].reset_index(drop=True)
    else:
        solved = solved_share(v, tasks, rules.basic_levels)
    st["basic_solved_pct"] = solved["solved_pct"].to_numpy()
    assessable = solved["n_scored"].to_numpy() > 0
    high = (st["mark"] >= rules.high_mark).fillna(False).to_numpy(dtype=bool)
    st["high_but_basic_failed"] = assessable & high & (st["basic_solved_pct"] < rules.basic_solved_pct).to_numpy()
    flags = {"compared": ~np.isnan(diff), "no_period_mark": st["period_mark"].isna().to_numpy(),
             "lowered": diff < 0, "confirmed": diff == 0, "raised": diff > 0, "assessable": assessable,
             "high_but_basic_failed": st["high_but_basic_failed"].to_numpy()}
    parts = [_counts(v, ["work_id"], "school", flags), _counts(v, ["work_id", "class_id"], "class", flags)]
    summary = pd.concat(parts, ignore_index=True)
    if len(summary):
        order = np.lexsort((summary["class_id"].cat.codes.to_numpy(), (summary["scope"] == "class").to_numpy(),
                            summary["work_id"].cat.codes.to_numpy()))
        summary = summary.iloc[order].reset_index(drop=True)
    return Objectivity(st, summary, _signals(summary, rules))


def _counts(v: pd.DataFrame, by: list[str], scope: str, flags: dict[str, np.ndarray]) -> pd.DataFrame:
    """Counts and shares per group of ВПР results (a work, or a work and a class)."""
    codes, keys = group_codes(v, by)
    n = len(keys)
    first = first_rows(codes, n)  # the first row of each group names it
    data: dict[str, object] = {"scope": np.full(n, scope, dtype=object), "work_id": keys["work_id"].array}
    data |= {c: v[c].array.take(first) for c in ("work", "subject", "date")}
    if "class_id" in by:
        data |= {"class_id": keys["class_id"].array, "class": v["class"].array.take(first).astype(object)}
    else:
        dtype = v["class_id"].dtype
        data["class_id"] = pd.Categorical.from_codes(np.full(n, -1), dtype=dtype) if isinstance(
            dtype, pd.CategoricalDtype) else pd.array([None] * n, dtype="string")
        data["class"] = np.full(n, SCHOOL_LABEL, dtype=object)
    data["N"] = group_counts(codes, n)
    data |= {c: group_counts(codes, n, m) for c, m in flags.items()}
    compared = np.asarray(data["compared"], dtype=float)
    compared[compared <= 0] = np.nan
    for c in ("lowered", "confirmed", "raised"):
        data[f"{c}_pct"] = data[c] / compared * 100.0
    assessable = np.asarray(data["assessable"], dtype=float)
    assessable[assessable <= 0] = np.nan
    data["high_but_basic_failed_pct"] = data["high_but_basic_failed"] / assessable * 100.0
    return pd.DataFrame(data, index=pd.RangeIndex(n))[["scope", "work_id", "work", "subject", "date", "class_id",
                                                       "class", *COUNT_COLUMNS]]


def _signals(summary: pd.DataFrame, rules: ObjectivityRules) -> list[Signal]:
    # (indicator, threshold, count column, base column, what the students got, what it may mean)
    checks = (
        ("raised_pct", rules.raised_pct, "raised", "compared", "отметку выше отметки за период", ""),
        ("lowered_pct", rules.lowered_pct, "lowered", "compared", "отметку ниже отметки за период",
         ": отметки за период могут быть завышены"),
        ("high_but_basic_failed_pct", rules.high_but_basic_failed_pct, "high_but_basic_failed", "assessable",
         f"отметку «{rules.high_mark}» и выше при выполнении менее {fmt_num(rules.basic_solved_pct)} % заданий "
         "базового уровня", ""),
    )
    hits = {c[0]: ((summary[c[3]] >= rules.min_students) & (summary[c[0]] > c[1])).to_numpy() for c in checks}
    found: list[Signal] = []
    flagged = np.flatnonzero(np.logical_or.reduce(list(hits.values())))
    for i, row in zip(flagged, summary.iloc[flagged].to_dict("records"), strict=True):
        school = row["scope"] == "school"
        where = "школа в целом" if school else f"класс {row['class']}"
        work = f"«{row['work']}» ({row['subject']})"
        for indicator, threshold, count, base, got, meaning in checks:
            if hits[indicator][i]:
                found.append(Signal(
                    row["scope"], row["work_id"], None if school else row["class_id"], indicator,
                    float(row[indicator]), threshold,
                    f"{SIGNAL_PREFIX}: {where}, {work} — {got} получили {fmt_num(row[indicator])} % обучающихся "
                    f"({row[count]} из {row[base]}){meaning}; порог — {fmt_num(threshold)} %."))
    return found
