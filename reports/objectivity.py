"""Objectivity of external-test results (ВПР): each student's ВПР mark against the last period mark in the subject,
and the two signs ФИС ОКО watches — a large share of raised marks, and high totals with failed basic tasks.

The output is a set of signals to check («признак, требующий проверки»), never a verdict on a teacher: a raised
share can have honest causes, and a small class moves the percentages a lot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .indicators import PRESENT
from .labels import SCHOOL_LABEL, fmt_num
from .periods import CALENDAR, PERIOD_RANK, PeriodCalendar
from .tasks import Cells, solved_share

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
    indicator: str  # "raised_pct" | "high_but_basic_failed_pct"
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


def last_period_marks(results: pd.DataFrame, period_marks: pd.DataFrame,
                      calendar: PeriodCalendar = CALENDAR) -> pd.DataFrame:
    """For each result (result_id, student_id, subject_id, date): the mark of the latest period of that subject
    that ended strictly before the work date. Ties in end date (2 четверть and 1 полугодие) go to the higher rank,
    then to the quarter. Columns: result_id, period_mark, mark_period; results with no such mark are absent.
    """
    r = results[["result_id", "student_id", "subject_id", "date"]]
    pm = period_marks[["student_id", "subject_id", "period", "mark"]].dropna(subset=["mark"])
    pm = pm.assign(period=pm["period"].astype(object))
    m = r.merge(pm, on=["student_id", "subject_id"], how="inner")
    if m.empty:
        return pd.DataFrame({"result_id": pd.Series(dtype="string"), "period_mark": pd.Series(dtype="Int64"),
                             "mark_period": pd.Series(dtype=object)})
    year = calendar.academic_year(m["date"])
    end = pd.Series(pd.NaT, index=m.index, dtype="datetime64[ns]")
    for period in calendar.ends:
        hit = (m["period"] == period).to_numpy()
        if hit.any():
            end[hit] = calendar.period_end(period, year[hit]).to_numpy()
    m = m.assign(_end=end, _rank=m["period"].map(PERIOD_RANK).fillna(0),
                 _quarter=m["period"].astype(str).str.contains("четверть").astype(int))
    m = m[(m["_end"] < m["date"]).fillna(False).to_numpy(dtype=bool)]
    m = m.sort_values(["result_id", "_end", "_rank", "_quarter"], kind="stable").drop_duplicates("result_id",
                                                                                               keep="last")
    return pd.DataFrame({"result_id": m["result_id"].to_numpy(), "period_mark": m["mark"].astype("Int64").array,
                         "mark_period": m["period"].to_numpy()})


def objectivity(facts: pd.DataFrame, period_marks: pd.DataFrame, tasks: pd.DataFrame,
                rules: ObjectivityRules = ObjectivityRules(), calendar: PeriodCalendar = CALENDAR,
                cells: Cells | None = None) -> Objectivity:
    """ВПР marks vs period marks per class and school, and the signals that cross `rules`' thresholds."""
    keep = facts["kind"].astype(object).isin(list(rules.kinds)).to_numpy()
    wrote = ((facts["present"] == PRESENT).fillna(False) & facts["mark"].notna()).to_numpy(dtype=bool)
    v = facts[keep & wrote].reset_index(drop=True)
    cols = ["result_id", "work_id", "work", "subject_id", "subject", "date", "class_id", "class", "student_id",
            "student", "mark"]
    st = v[cols].merge(last_period_marks(v, period_marks, calendar), on="result_id", how="left")
    diff = st["mark"].astype("Float64") - st["period_mark"].astype("Float64")
    st["comparison"] = np.select([(diff < 0).fillna(False), (diff == 0).fillna(False), (diff > 0).fillna(False)],
                                 [LOWERED, CONFIRMED, RAISED], default=None)
    solved = solved_share(v, tasks, rules.basic_levels, cells=_subset(cells, v))
    st = st.merge(solved[["result_id", "n_scored", "solved_pct"]], on="result_id", how="left")
    st["basic_solved_pct"] = st.pop("solved_pct")
    assessable = (st.pop("n_scored").fillna(0) > 0).to_numpy()
    st["high_but_basic_failed"] = assessable & (st["mark"] >= rules.high_mark).fillna(False).to_numpy(dtype=bool) \
        & (st["basic_solved_pct"] < rules.basic_solved_pct).fillna(False).to_numpy(dtype=bool)
    st["_assessable"] = assessable
    summary = pd.concat([_counts(st, ["work_id"], "school"), _counts(st, ["work_id", "class_id"], "class")],
                        ignore_index=True)
    info = v.drop_duplicates("work_id").set_index("work_id")[["work", "subject", "date"]]
    for c in info.columns:
        summary[c] = summary["work_id"].map(info[c]).to_numpy()
    names = v.drop_duplicates("class_id").set_index("class_id")["class"]
    summary["class"] = summary["class_id"].map(names).astype(object).where(summary["scope"] == "class",
                                                                          SCHOOL_LABEL)
    summary = summary.sort_values(["date", "work_id", "scope", "class"], ascending=[True, True, False, True],
                                  kind="stable").reset_index(drop=True)
    summary = summary[["scope", "work_id", "work", "subject", "date", "class_id", "class", *COUNT_COLUMNS]]
    return Objectivity(st.drop(columns="_assessable"), summary, _signals(summary, rules))


def _subset(cells: Cells | None, v: pd.DataFrame) -> Cells | None:
    """Reuse pre-unpacked cells only when they cover exactly these results."""
    if cells is None or len(cells.facts) != len(v):
        return None
    same = cells.facts["result_id"].to_numpy() == v["result_id"].to_numpy()
    return cells if bool(np.all(same)) else None


def _counts(st: pd.DataFrame, by: list[str], scope: str) -> pd.DataFrame:
    flags = pd.DataFrame({
        **{k: st[k] for k in by},
        "N": 1,
        "compared": st["comparison"].notna().astype(np.int64),
        "no_period_mark": st["period_mark"].isna().astype(np.int64),
        "lowered": (st["comparison"] == LOWERED).astype(np.int64),
        "confirmed": (st["comparison"] == CONFIRMED).astype(np.int64),
        "raised": (st["comparison"] == RAISED).astype(np.int64),
        "assessable": st["_assessable"].astype(np.int64),
        "high_but_basic_failed": st["high_but_basic_failed"].astype(np.int64),
    })
    out = flags.groupby(by, sort=True, dropna=True).sum().reset_index()
    compared = out["compared"].to_numpy(dtype=float)
    compared = np.where(compared > 0, compared, np.nan)
    for c in ("lowered", "confirmed", "raised"):
        out[f"{c}_pct"] = out[c].to_numpy(dtype=float) / compared * 100.0
    assessable = out["assessable"].to_numpy(dtype=float)
    out["high_but_basic_failed_pct"] = out["high_but_basic_failed"].to_numpy(dtype=float) / np.where(
        assessable > 0, assessable, np.nan) * 100.0
    out.insert(0, "scope", scope)
    if "class_id" not in out.columns:
        out["class_id"] = pd.Series([pd.NA] * len(out), dtype="string")
    return out


def _signals(summary: pd.DataFrame, rules: ObjectivityRules) -> list[Signal]:
    found: list[Signal] = []
    for row in summary.to_dict("records"):
        school = row["scope"] == "school"
        where = "школа в целом" if school else f"класс {row['class']}"
        work = f"«{row['work']}» ({row['subject']})"
        class_id = None if school else row["class_id"]
        if row["compared"] >= rules.min_students and row["raised_pct"] > rules.raised_pct:
            found.append(Signal(
                row["scope"], row["work_id"], class_id, "raised_pct", float(row["raised_pct"]), rules.raised_pct,
                f"{SIGNAL_PREFIX}: {where}, {work} — отметку выше отметки за период получили "
                f"{fmt_num(row['raised_pct'])} % обучающихся ({row['raised']} из {row['compared']}); "
                f"порог — {fmt_num(rules.raised_pct)} %."))
        share = row["high_but_basic_failed_pct"]
        if row["assessable"] >= rules.min_students and share > rules.high_but_basic_failed_pct:
            found.append(Signal(
                row["scope"], row["work_id"], class_id, "high_but_basic_failed_pct", float(share),
                rules.high_but_basic_failed_pct,
                f"{SIGNAL_PREFIX}: {where}, {work} — отметку «{rules.high_mark}» и выше при выполнении менее "
                f"{fmt_num(rules.basic_solved_pct)} % заданий базового уровня получили {fmt_num(share)} % "
                f"обучающихся ({row['high_but_basic_failed']} из {row['assessable']}); "
                f"порог — {fmt_num(rules.high_but_basic_failed_pct)} %."))
    return found
