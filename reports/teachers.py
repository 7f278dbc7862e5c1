"""Results seen from the teacher's side: a teacher owns the results of the subjects they teach in the classes they
teach (teaching_load), which is how a head of department and the deputy director read them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .facts import frames_of
from .indicators import LEVEL_BANDS, LevelBands, mark_summary, with_levels
from .labels import person_label


def teacher_names(teachers: pd.DataFrame) -> pd.Series:
    """id -> «Петрова А. В.»."""
    names = person_label(teachers["last_name"], teachers["first_name"], teachers["middle_name"], initials=True)
    return pd.Series(names.to_numpy(), index=teachers["id"].to_numpy())


def teacher_facts(facts: pd.DataFrame, workbook: Any) -> pd.DataFrame:
    """Facts with teacher_id and teacher: work.subject_id == load.subject_id and student's class == load.class_id.

    A class and subject shared by two teachers (a language split into groups) gives both teachers the whole
    class's results: the schema does not say which student is in which group. Results with no teacher in the load
    are left out here (they still count for the class, the subject and the school).
    """
    frames = frames_of(workbook)
    load = frames["teaching_load"][["teacher_id", "class_id", "subject_id"]].drop_duplicates()
    out = facts.merge(load, on=["class_id", "subject_id"], how="inner", sort=False)
    out["teacher"] = out["teacher_id"].map(teacher_names(frames["teachers"])).astype(object)
    return out


def teachers_by_profile(tfacts: pd.DataFrame, bands: LevelBands = LEVEL_BANDS) -> pd.DataFrame:
    """Each teacher's indicators (quality, СОУ, …) per class profile: does a teacher do as well in a physics-maths
    class as in a universal one? One row per teacher and profile they have results in.
    """
    summary = with_levels(mark_summary(tfacts, by=["teacher_id", "profile"]), bands)
    names = tfacts.drop_duplicates("teacher_id").set_index("teacher_id")["teacher"]
    summary.insert(1, "teacher", summary["teacher_id"].map(names).astype(object))
    return summary.sort_values(["teacher", "profile"], kind="stable").reset_index(drop=True)
