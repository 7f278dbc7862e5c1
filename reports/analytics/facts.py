"""One «fact» frame: every result with its work, student, class, subject and department, computed once per cache
refresh and reused by every indicator, so no report joins the sheets its own way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from reports.analytics.groups import lookup
from reports.analytics.periods import CALENDAR, PeriodCalendar, in_period
from reports.analytics.roster import MOVEMENTS, classes_on
from reports.labels import class_label, person_label
from sheets_schema import choices as C

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


def positions(ids: pd.Series, keys: pd.Series) -> np.ndarray:
    """Row position of each key among `ids` (-1 where unknown or missing; a repeated id resolves to its first
    row)."""
    first = ~ids.duplicated().to_numpy()
    if first.all():
        return lookup(pd.Index(ids), keys)
    rows = np.flatnonzero(first)
    pos = lookup(pd.Index(ids.iloc[rows]), keys)
    return np.where(pos >= 0, rows[np.maximum(pos, 0)], -1)


def display_order(*columns: pd.Series) -> np.ndarray:
    """Row positions of a sheet in the order people read it (by the given columns; missing values last)."""
    frame = pd.DataFrame({f"k{i}": c.reset_index(drop=True) for i, c in enumerate(columns)})
    if frame.empty:
        return np.zeros(0, dtype=np.int64)
    return frame.sort_values(list(frame.columns), kind="stable", na_position="last").index.to_numpy()


def take(values: pd.Series, pos: np.ndarray, order: np.ndarray | None = None) -> pd.Series:
    """values[pos] (missing where pos = -1). Text becomes a categorical whose categories follow `order` (display
    order), so grouping costs integer codes and sorting by code is sorting for people; a categorical keeps its
    categories (a work kind keeps the order of the monitoring year). An empty text ("") is missing."""
    safe = np.maximum(pos, 0)
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        codes = np.where(pos >= 0, codes[safe], -1) if len(codes) else np.full(len(pos), -1)
        return pd.Series(pd.Categorical.from_codes(codes, dtype=values.dtype))
    if pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        arr = values.to_numpy(dtype=object, na_value=None, copy=True)
        arr[arr == ""] = None
        order = np.arange(len(arr)) if order is None else order
        vcodes = np.full(len(arr), -1, dtype=np.int64)
        ordered_codes, uniques = pd.factorize(arr[order])
        vcodes[order] = ordered_codes
        codes = np.where(pos >= 0, vcodes[safe], -1) if len(vcodes) else np.full(len(pos), -1)
        return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object)))
    return pd.Series(values.array.take(np.where(pos >= 0, pos, -1), allow_fill=True))


def results_facts(workbook: Any) -> pd.DataFrame:
    """Results joined to works, students, classes, subjects and departments (columns FACT_COLUMNS).

    Results of unknown works are dropped (nothing can be computed for them). A result whose student or class is
    unknown is kept with empty class columns, so it still counts for the school but not for any class. The class
    is the one the student was in on the work's date (reports.analytics.roster over «Движение обучающихся»): a September
    5«А» result of a student moved to 5«Б» in October stays with 5«А» and its teacher.
    `pct` is the total as a share of the work's maximum, for results that were written.

    Id and name columns are categoricals in display order (works by date and title, classes by parallel and
    letter, students by class and name, subjects and departments by name): grouping 100,000 results costs
    integer codes, and sorting by code is the order of a справка. An empty cell ("") becomes missing.
    """
    frames = frames_of(workbook)
    works, students, classes = frames["works"], frames["students"], frames["classes"]
    subjects, departments = frames["subjects"], frames["departments"]
    res = frames["results"]
    wi = positions(works["id"], res["work_id"])
    res = res[wi >= 0].reset_index(drop=True)
    wi = wi[wi >= 0]
    si = positions(students["id"], res["student_id"])
    class_of_student = positions(classes["id"], students["class_id"])
    ci = _through(class_of_student, si)
    movements = frames.get(MOVEMENTS)
    if movements is not None and not movements.empty:  # a result stays with the class it was written in
        on_date = classes_on(students, movements, res["student_id"], pd.Series(works["date"].to_numpy()[wi]))
        ci = np.where(si >= 0, positions(classes["id"], pd.Series(on_date, dtype=object)), -1)
    sj = _through(positions(subjects["id"], works["subject_id"]), wi)
    di = _through(positions(departments["id"], subjects["department_id"]), sj)

    w_order = display_order(works["date"], works["title"])
    c_order = display_order(classes["parallel"], classes["letter"])
    class_rank = np.empty(len(classes), dtype=np.int64)
    class_rank[c_order] = np.arange(len(classes))
    student_names = pd.Series(person_label(students["last_name"], students["first_name"]))
    s_order = display_order(pd.Series(_through(class_rank, class_of_student)), student_names)
    sb_order, dp_order = display_order(subjects["name"]), display_order(departments["name"])

    mark = res["mark"].astype("Int64")  # validation already derived missing marks; no second derivation here
    total = res["total"].astype("Float64")
    written = (res["present"] == C.YES).fillna(False).to_numpy(dtype=bool)
    mx = works["max_score"].to_numpy(dtype=float, na_value=np.nan)[wi]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(written & (mx > 0), total.to_numpy(dtype=float, na_value=np.nan) / mx * 100.0, np.nan)
    out: dict[str, Any] = {
        "result_id": res["id"], "work_id": take(works["id"], wi, w_order),
        "student_id": take(students["id"], si, s_order), "present": res["present"], "scores": res["scores"],
        "total": total, "mark": mark, "pct": pct, "work": take(works["title"], wi, w_order),
        "subject_id": take(subjects["id"], sj, sb_order), "subject": take(subjects["name"], sj, sb_order),
        "department_id": take(departments["id"], di, dp_order),
        "department": take(departments["name"], di, dp_order),
    }
    for c in ("kind", "period", "date", "max_score", "threshold_3", "threshold_4", "threshold_5"):
        out[c] = take(works[c], wi)
    out["class_id"] = take(classes["id"], ci, c_order)
    out["class"] = take(pd.Series(class_label(classes["parallel"], classes["letter"])), ci, c_order)
    for c in ("parallel", "letter", "profile"):
        out[c] = take(classes[c], ci)
    out["student"] = take(student_names, si, s_order)
    return pd.DataFrame({c: _array(out[c]) for c in FACT_COLUMNS}, index=pd.RangeIndex(len(res)))


def _array(values: Any) -> Any:
    return values.array if isinstance(values, pd.Series) else values


def _through(inner: np.ndarray, outer: np.ndarray) -> np.ndarray:
    """Follow a second reference: inner[outer], keeping -1 for missing links at either step."""
    if not len(inner):
        return np.full(len(outer), -1)
    return np.where(outer >= 0, inner[np.maximum(outer, 0)], -1)


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
