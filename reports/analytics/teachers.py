"""Results seen from the teacher's side: a teacher owns the results of the subjects they teach in the classes they
teach (teaching_load), which is how a head of department and the deputy director read them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from reports.analytics.facts import display_order, frames_of, positions, take
from reports.analytics.groups import lookup, map_values
from reports.analytics.indicators import LEVEL_BANDS, LevelBands, mark_summary, with_levels
from reports.labels import person_label


def teacher_names(teachers: pd.DataFrame) -> pd.Series:
    """id -> «Петрова А. В.»."""
    names = person_label(teachers["last_name"], teachers["first_name"], teachers["middle_name"], initials=True)
    return pd.Series(names.to_numpy(), index=teachers["id"].to_numpy())


def _codes(col: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of a key column and what they stand for (categoricals already carry both)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy().astype(np.int64), pd.Index(col.cat.categories, dtype=object)
    codes, uniques = pd.factorize(col.to_numpy(dtype=object, na_value=None))
    return codes, pd.Index(uniques, dtype=object)


def teacher_facts(facts: pd.DataFrame, workbook: Any) -> pd.DataFrame:
    """Facts with teacher_id and teacher: work.subject_id == load.subject_id and student's class == load.class_id.

    A class and subject shared by two teachers (a language split into groups) gives both teachers the whole
    class's results: the schema does not say which student is in which group. Results with no teacher in the load
    are left out here (they still count for the class, the subject and the school).
    """
    frames = frames_of(workbook)
    load, teachers = frames["teaching_load"], frames["teachers"]
    fc, classes = _codes(facts["class_id"])
    fs, subjects = _codes(facts["subject_id"])
    lc, ls = lookup(classes, load["class_id"]), lookup(subjects, load["subject_id"])
    lt = positions(teachers["id"], load["teacher_id"])
    width = len(subjects) + 1
    ok = (lc >= 0) & (ls >= 0) & (lt >= 0)
    right = pd.DataFrame({"_k": (lc * width + ls)[ok], "_t": lt[ok]}).drop_duplicates()
    known = (fc >= 0) & (fs >= 0)
    left = pd.DataFrame({"_k": (fc * width + fs)[known], "_i": np.flatnonzero(known)})
    pairs = left.merge(right, on="_k", how="inner", sort=False).sort_values(["_i", "_t"], kind="stable")
    out = facts.iloc[pairs["_i"].to_numpy()].reset_index(drop=True)
    t = pairs["_t"].to_numpy()
    order = display_order(teachers["last_name"], teachers["first_name"], teachers["middle_name"])
    out["teacher_id"] = take(teachers["id"], t, order)
    out["teacher"] = take(pd.Series(teacher_names(teachers).to_numpy()), t, order)
    return out


def teachers_by_profile(tfacts: pd.DataFrame, bands: LevelBands = LEVEL_BANDS) -> pd.DataFrame:
    """Each teacher's indicators (quality, СОУ, …) per class profile: does a teacher do as well in a physics-maths
    class as in a universal one? One row per teacher and profile they have results in.
    """
    summary = with_levels(mark_summary(tfacts, by=["teacher_id", "profile"]), bands)
    names = tfacts.drop_duplicates("teacher_id").set_index("teacher_id")["teacher"]
    summary.insert(1, "teacher", map_values(summary["teacher_id"], names).array)
    return summary.sort_values(["teacher", "profile"], kind="stable").reset_index(drop=True)
