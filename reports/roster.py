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
    out = current.reindex(sid).to_numpy(dtype=object)
    out = np.where(pd.isna(out), None, out)
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
    from_class = after["from_class_id"].to_numpy(dtype=object)
    values = np.where(has_after, np.where(pd.isna(from_class), None, from_class), values)
    values = np.where(~has_after & left_school, None, values)
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
