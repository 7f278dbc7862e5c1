"""One «fact» frame: every result with its work, student, class, subject and department, computed once per cache
refresh and reused by every indicator, so no report joins the sheets its own way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .labels import class_label, person_label
from .marks import marks_by_thresholds
from .periods import CALENDAR, PeriodCalendar, in_period

Frames = Mapping[str, pd.DataFrame]

FACT_COLUMNS = (
    "result_id", "work_id", "student_id", "present", "scores", "total", "mark", "pct",
    "work", "subject_id", "subject", "department_id", "department", "kind", "period", "date",
    "max_score", "threshold_3", "threshold_4", "threshold_5",
    "class_id", "class", "parallel", "letter", "profile", "student",
)


def frames_of(workbook: Any) -> Frames:
    """Accepts a validated `Workbook` or its `frames` dict."""
    return workbook.frames if hasattr(workbook, "frames") else workbook


def _lookup(frame: pd.DataFrame, keys: pd.Series, columns: list[str]) -> pd.DataFrame:
    """Rows of `frame` (by id) for each key, positionally aligned with `keys`; unknown keys give NA."""
    table = frame.set_index("id")[columns]
    return table.reindex(keys.to_numpy()).reset_index(drop=True)


def results_facts(workbook: Any) -> pd.DataFrame:
    """Results joined to works, students, classes, subjects and departments (columns FACT_COLUMNS).

    Results of unknown works are dropped (nothing can be computed for them). A result whose student or class is
    unknown is kept with empty class columns, so it still counts for the school but not for any class.
    `pct` is the total as a share of the work's maximum, for results that were written.
    """
    frames = frames_of(workbook)
    res = frames["results"]
    res = res[res["work_id"].isin(frames["works"]["id"])].reset_index(drop=True)
    w = _lookup(frames["works"], res["work_id"], ["title", "subject_id", "kind", "period", "date", "max_score",
                                                  "threshold_3", "threshold_4", "threshold_5"])
    st = _lookup(frames["students"], res["student_id"], ["last_name", "first_name", "class_id"])
    cl = _lookup(frames["classes"], st["class_id"], ["parallel", "letter", "profile"])
    sb = _lookup(frames["subjects"], w["subject_id"], ["name", "department_id"])
    dp = _lookup(frames["departments"], sb["department_id"], ["name"])

    out = pd.DataFrame({
        "result_id": res["id"], "work_id": res["work_id"], "student_id": res["student_id"],
        "present": res["present"], "scores": res["scores"], "total": res["total"].astype("Float64"),
    })
    mark = res["mark"].astype("Int64")
    missing = mark.isna() & res["total"].notna()
    if missing.any():
        works = frames["works"]
        mark = mark.fillna(marks_by_thresholds(res, works))
    out["mark"] = mark
    written = (res["present"] == "да").fillna(False).to_numpy(dtype=bool)
    total = out["total"].to_numpy(dtype=float, na_value=np.nan)
    mx = w["max_score"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct"] = np.where(written & (mx > 0), total / mx * 100.0, np.nan)
    out["work"] = w["title"]
    out["subject_id"] = w["subject_id"]
    out["subject"] = sb["name"]
    out["department_id"] = sb["department_id"]
    out["department"] = dp["name"]
    for c in ("kind", "period", "date", "max_score", "threshold_3", "threshold_4", "threshold_5"):
        out[c] = w[c]
    out["class_id"] = st["class_id"]
    out["class"] = class_label(cl["parallel"], cl["letter"])
    for c in ("parallel", "letter", "profile"):
        out[c] = cl[c]
    out["student"] = person_label(st["last_name"], st["first_name"])
    return out[list(FACT_COLUMNS)]


def select(facts: pd.DataFrame, *, work_id: str | None = None, kind: str | None = None, period: str | None = None,
           subject_id: str | None = None, date_from: Any = None, date_to: Any = None,
           calendar: PeriodCalendar = CALENDAR) -> pd.DataFrame:
    """The facts of one work, one kind of work, one period (a half-year includes its quarters), one subject or a
    date range; every argument left as None keeps everything, so no arguments means the whole year.
    """
    keep = pd.Series(True, index=facts.index)
    if work_id is not None:
        keep &= facts["work_id"] == work_id
    if kind is not None:
        keep &= (facts["kind"] == kind).fillna(False)
    if subject_id is not None:
        keep &= facts["subject_id"] == subject_id
    if period is not None:
        keep &= in_period(facts["period"], facts["date"], period, calendar)
    if date_from is not None:
        keep &= (facts["date"] >= pd.Timestamp(date_from)).fillna(False)
    if date_to is not None:
        keep &= (facts["date"] <= pd.Timestamp(date_to)).fillna(False)
    return facts[keep.fillna(False).to_numpy(dtype=bool)]
