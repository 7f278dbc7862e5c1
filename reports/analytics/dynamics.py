"""Dynamics: the same class (or student) across входная → промежуточная (рубежная) → итоговая in a subject, with
the change of every indicator from the previous step — the «compared with the previous work» of a справка.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from reports.analytics.groups import map_values
from reports.analytics.indicators import (
    LEVEL_BANDS,
    RATE_COLUMNS,
    SUMMARY_COLUMNS,
    LevelBands,
    mark_summary,
    with_levels,
)
from sheets_schema.choices import WORK_KINDS

DYNAMICS_KINDS: tuple[str, ...] = WORK_KINDS[:3]
TRACKED = (*RATE_COLUMNS, "mean_pct")
CHANGE_COLUMNS = tuple(f"{c}_change" for c in TRACKED)
_LABELS = {"class_id": ("class",), "student_id": ("student", "class"), "teacher_id": ("teacher",)}


def kind_rank(kind: pd.Series) -> np.ndarray:
    """Position of each kind in the monitoring year (choices.WORK_KINDS); unknown kinds go last."""
    order = {k: i for i, k in enumerate(WORK_KINDS)}
    return kind.astype(object).map(order).fillna(len(WORK_KINDS)).to_numpy(dtype=np.int64)


def dynamics(facts: pd.DataFrame, subject_id: str | None = None, by: Sequence[str] = ("class_id",),
             kinds: Sequence[str] = DYNAMICS_KINDS, bands: LevelBands = LEVEL_BANDS) -> pd.DataFrame:
    """One row per group (by=("class_id",) or ("student_id",)) and work of the subject, ordered by kind (in the
    order of choices.WORK_KINDS) then date; `step` numbers the works, `<indicator>_change` is the difference
    from the group's previous step (NaN at the first step or when either side has N = 0). mean_pct is the mean
    total as a share of the maximum, so works with different maxima compare.
    """
    by = list(by)
    keep = facts["kind"].astype(object).isin(list(kinds)).to_numpy()
    if subject_id is not None:
        keep = keep & (facts["subject_id"] == subject_id).fillna(False).to_numpy(dtype=bool)
    f = facts[keep]
    keys = [*by, "work_id"]
    labels = list(dict.fromkeys(lab for key in by for lab in _LABELS.get(key, ())))
    cols = [*by, *labels, "step", "work_id", "work", "kind", "date", *SUMMARY_COLUMNS, "mean_pct",
            "sou_level", "quality_level", *CHANGE_COLUMNS]
    if f.empty:
        return pd.DataFrame(columns=cols)
    out = with_levels(mark_summary(f, by=keys), bands)
    mean_pct = f.groupby(keys, observed=True, sort=False)["pct"].mean().rename("mean_pct").reset_index()
    out = out.merge(mean_pct, on=keys, how="left")
    works = f.drop_duplicates("work_id").set_index("work_id")[["work", "kind", "date"]]
    for c in ("work", "kind", "date"):
        out[c] = map_values(out["work_id"], works[c]).array
    for key in by:
        for label in _LABELS.get(key, ()):
            names = f.drop_duplicates(key).set_index(key)[label]
            out[label] = map_values(out[key], names).array
    out["_rank"] = kind_rank(out["kind"])
    out = out.sort_values([*by, "_rank", "date", "work_id"], kind="stable").drop(columns="_rank")
    out = out.reset_index(drop=True)
    grouped = out.groupby(by, sort=False, observed=True) if by else None
    out["step"] = grouped.cumcount() + 1 if grouped is not None else np.arange(1, len(out) + 1)
    for c in TRACKED:
        values = out[c].astype(float)
        out[f"{c}_change"] = values.groupby([out[k] for k in by], sort=False).diff() if by else values.diff()
    return out[cols]
