"""The assessment calendar of the year: every monitoring work with its date and whether its classes have results —
planned (the date is ahead), due (the date has passed, no class has results), partly entered, or done.

A pure function of the workbook's frames; whose works they are is given as the (class, subject) pairs a person is
responsible for (None: the whole school, every class of the work's parallel).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

PLANNED, DUE, PARTLY, DONE = "запланирована", "ждёт результатов", "результаты частично", "есть результаты"
STATUSES = (PLANNED, DUE, PARTLY, DONE)
MONTHS = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь",
          "Декабрь")
SCHEDULE_COLUMNS = ("work_id", "date", "month", "title", "subject", "parallel", "kind", "classes_expected",
                    "classes_done", "status", "pending_classes")


def month_label(day: pd.Timestamp) -> str:
    """«Сентябрь 2025»."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def _status(date: pd.Timestamp, expected: int, done: int, today: pd.Timestamp) -> str:
    if expected and done >= expected:
        return DONE
    if done:
        return PARTLY
    return PLANNED if date > today else DUE


def work_schedule(frames: Mapping[str, pd.DataFrame], today: Any,
                  pairs: frozenset[tuple[str, str]] | None = None) -> pd.DataFrame:
    """One row per work a person is responsible for, by date: which of its classes (`pairs` of class id and subject
    id; None: every class of the parallel) have at least one result row, and the status. `pending_classes` names
    the classes still without results («9«А», 9«Б»»)."""
    today = pd.Timestamp(today).normalize()
    works, classes = frames["works"], frames["classes"]
    names = dict(zip(frames["subjects"]["id"].astype(str), frames["subjects"]["name"].astype(str), strict=True))
    class_name = {str(i): f"{p}«{letter}»" for i, p, letter in
                  zip(classes["id"], classes["parallel"], classes["letter"], strict=True)}
    by_parallel: dict[int, list[str]] = {}
    for cid, par in zip(classes["id"].astype(str), classes["parallel"], strict=True):
        if pd.notna(par):
            by_parallel.setdefault(int(par), []).append(cid)
    student_class = dict(zip(frames["students"]["id"].astype(str), frames["students"]["class_id"].astype(str),
                             strict=True))
    results = frames["results"]
    entered: dict[str, set[str]] = {}
    for wid, sid in zip(results["work_id"].astype(str), results["student_id"].astype(str), strict=True):
        cid = student_class.get(sid)
        if cid is not None:
            entered.setdefault(wid, set()).add(cid)
    rows = []
    for w in works.to_dict("records"):
        if pd.isna(w["date"]) or pd.isna(w["parallel"]):
            continue
        wid, subject = str(w["id"]), str(w["subject_id"])
        own = [c for c in by_parallel.get(int(w["parallel"]), []) if pairs is None or (c, subject) in pairs]
        if not own:
            continue
        done = [c for c in own if c in entered.get(wid, set())]
        date = pd.Timestamp(w["date"])
        status = _status(date, len(own), len(done), today)
        pending = ", ".join(class_name.get(c, c) for c in own if c not in done) if status in (DUE, PARTLY) else ""
        rows.append({"work_id": wid, "date": date, "month": month_label(date), "title": str(w["title"]),
                     "subject": names.get(subject, subject), "parallel": int(w["parallel"]), "kind": str(w["kind"]),
                     "classes_expected": len(own), "classes_done": len(done), "status": status,
                     "pending_classes": pending})
    out = pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS))
    return out.sort_values(["date", "parallel", "subject"], kind="stable").reset_index(drop=True)


def status_counts(schedule: pd.DataFrame) -> dict[str, int]:
    """How many works are in each status (every status present, zero included)."""
    counts = schedule["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STATUSES}
