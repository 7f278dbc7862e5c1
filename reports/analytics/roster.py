"""Which class a student was in on a given day, from the «Движение обучающихся» sheet: a result stays with the
class it was written in, and «По списку» of a work is the class roster on the work's date.

A movement (student, date, from class, to class) says the student is in `to` from `date` on (an empty `to`: left the
school) and was in `from` before it (an empty `from`: arrived from outside). The class on day d is the `from` of the
first movement after d; with none after d, it is the student's current class (the «Обучающиеся» sheet), unless the
last movement up to d took the student out of the school.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

MOVEMENTS = "movements"


def classes_on(students: pd.DataFrame, movements: pd.DataFrame | None, student_ids: pd.Series,
               dates: pd.Series) -> np.ndarray:
    """The class id (object; None = not at the school) of each (student, date) pair; positions as given."""
    sid = student_ids.astype(object).to_numpy()
    current = pd.Series(students["class_id"].astype(object).to_numpy(), index=students["id"].astype(object)
                        ).groupby(level=0).first()
    out = current.reindex(sid).to_numpy(dtype=object, copy=True)
    out[pd.isna(out)] = None
    if movements is None or movements.empty:
        return out
    mv = movements.dropna(subset=["student_id", "date"])
    mv = mv.assign(student_id=mv["student_id"].astype(object), date=pd.to_datetime(mv["date"]),
                   **{k: mv[k].astype(object).replace("", None) for k in ("from_class_id", "to_class_id")})
    mine = np.flatnonzero(pd.Series(sid).isin(set(mv["student_id"])).to_numpy() & pd.notna(dates.to_numpy()))
    if not len(mine):
        return out
    left = pd.DataFrame({"_i": mine, "student_id": pd.Series(sid[mine], dtype=object),
                         "date": pd.to_datetime(pd.Series(dates.to_numpy()[mine])).astype("datetime64[ns]")})
    left = left.sort_values("date")
    right = pd.DataFrame({"student_id": pd.Series(mv["student_id"].to_numpy(dtype=object), dtype=object),
                          "date": mv["date"].astype("datetime64[ns]").to_numpy(),
                          "from_class_id": pd.Series(mv["from_class_id"].to_numpy(dtype=object), dtype=object),
                          "to_class_id": pd.Series(mv["to_class_id"].to_numpy(dtype=object), dtype=object)})
    right = right.sort_values("date")
    after = pd.merge_asof(left, right.rename(columns={"date": "_d"}), left_on="date", right_on="_d",
                          by="student_id", direction="forward", allow_exact_matches=False)
    before = pd.merge_asof(left, right.rename(columns={"date": "_d"}), left_on="date", right_on="_d",
                           by="student_id", direction="backward", allow_exact_matches=True)
    idx = after["_i"].to_numpy()
    has_after = after["_d"].notna().to_numpy()
    left_school = (before["_d"].notna() & before["to_class_id"].isna()).to_numpy()
    values = out[idx].copy()
    from_class = after["from_class_id"].to_numpy(dtype=object, copy=True)
    from_class[pd.isna(from_class)] = None
    values[has_after] = from_class[has_after]
    values[~has_after & left_school] = None
    out[idx] = values
    return out


def roster(frames: Mapping[str, pd.DataFrame], class_ids: Any, on: Any) -> pd.DataFrame:
    """Students of the given classes on day `on` (id, class_id): «По списку» of a work written that day."""
    students = frames["students"]
    day = pd.Series([pd.Timestamp(on)] * len(students))
    cls = classes_on(students, frames.get(MOVEMENTS), students["id"], day)
    wanted = {str(c) for c in ([class_ids] if isinstance(class_ids, str) else class_ids)}
    keep = np.array([c is not None and str(c) in wanted for c in cls], dtype=bool)
    return pd.DataFrame({"student_id": students["id"].astype(object).to_numpy()[keep], "class_id": cls[keep]})


NOT_COUNTED_COLUMNS = ("student", "class", "reason")


def work_participants(frames: Mapping[str, pd.DataFrame], work_id: str, date: Any, class_ids: Any,
                      written: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the roster of the classes on the work's date: student_id, class_id; the roster students with no counted
    result: student, class, reason). `written` are the work's facts (student_id). A result row that validation
    excluded is named with its sheet row and the reason; otherwise the result was not entered."""
    from reports.labels import class_label, person_label

    on = roster(frames, class_ids, date) if date is not None and not pd.isna(date) else \
        roster(frames, class_ids, pd.Timestamp.today())
    have = set(written["student_id"].dropna().astype(str))
    missing = on[~on["student_id"].astype(str).isin(have).to_numpy()]
    students = frames["students"].set_index(frames["students"]["id"].astype(str))
    classes = frames["classes"].set_index(frames["classes"]["id"].astype(str))
    rejected = {(str(w), str(s)): (row, msg) for row, _, w, s, msg in frames["results"].attrs.get("rejected", ())}
    rows = []
    for sid, cid in zip(missing["student_id"].astype(str), missing["class_id"].astype(str), strict=True):
        st = students.loc[[sid]]
        name = str(person_label(st["last_name"], st["first_name"]).iloc[0])
        c = classes.loc[[cid]] if cid in classes.index else None
        label = str(class_label(c["parallel"], c["letter"]).iloc[0]) if c is not None else ""
        hit = rejected.get((str(work_id), sid))
        reason = (f"строка {hit[0]} листа «Результаты» не прошла проверку: {hit[1]}" if hit else
                  "результат не внесён")
        rows.append((name, label, reason))
    return on, pd.DataFrame(rows, columns=list(NOT_COUNTED_COLUMNS))
