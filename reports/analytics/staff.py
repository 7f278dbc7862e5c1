"""Staff and olympiad statistics for the municipal lab: composition, attestation due, courses, olympiads.

Attestation by the current law (Приказ Минпросвещения России от 24.03.2023 № 196, in force since 01.09.2023):
the first and highest categories and the new «педагог-методист» and «педагог-наставник» established since
01.09.2023 have no expiry; a first or highest category established before keeps its five-year term; attestation
for «соответствие занимаемой должности» is every five years. Professional development courses are due at least once
in three years (273-ФЗ ст. 47). Every date rule takes the reference date `on` as an argument, so a report is
reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reports.analytics.groups import map_values
from reports.analytics.teachers import teacher_names
from reports.labels import Table, column_title
from sheets_schema.choices import CATEGORIES, EDUCATION, OLYMPIAD_STATUSES

NOT_GIVEN = "не указано"
NO_CATEGORY = "без категории"
CONFORMITY = "соответствие занимаемой должности"
LAW_SINCE = pd.Timestamp("2023-09-01")  # Приказ № 196: categories established from this day have no expiry
NEW_CATEGORIES = ("педагог-наставник", "педагог-методист")  # exist only since LAW_SINCE: always without expiry
TERMED_BEFORE_LAW = ("высшая", "первая")  # five years when established before LAW_SINCE, no expiry after
CATEGORY_YEARS = 5
PERMANENT = "бессрочно"
COURSE_YEARS = 3
EXPIRED, EXPIRING, NO_DATE = "категория истекла", "категория истекает", "не указана дата присвоения категории"
NO_COURSES, OLD_COURSES = "курсов нет", "курсы более трёх лет назад"
_, PRIZE, WINNER = OLYMPIAD_STATUSES


@dataclass(frozen=True)
class Bands:
    """pd.cut bins and labels; `right` says which end of each interval is closed."""

    bins: tuple[float, ...]
    labels: tuple[str, ...]
    right: bool

    def cut(self, values: pd.Series) -> pd.Series:
        v = pd.Series(values, dtype="Float64").astype(float)
        return pd.cut(v, bins=list(self.bins), labels=list(self.labels), right=self.right)


# «до 5, 5–10, 10–20, 20–30, свыше 30 лет»: intervals closed on the right, so exactly 5 years is «до 5 лет» and
# «свыше 30» means more than 30, as written.
EXPERIENCE_BANDS = Bands((-math.inf, 5, 10, 20, 30, math.inf),
                         ("до 5 лет", "5–10 лет", "10–20 лет", "20–30 лет", "свыше 30 лет"), right=True)
# Age in full years, intervals closed on the left: 30 is already «30–39 лет».
AGE_BANDS = Bands((-math.inf, 30, 40, 50, 60, math.inf),
                  ("моложе 30 лет", "30–39 лет", "40–49 лет", "50–59 лет", "60 лет и старше"), right=False)


def full_years(born: pd.Series, on: Any) -> pd.Series:
    """Age in full years on `on` (a birthday on `on` counts)."""
    on = pd.Timestamp(on)
    b = pd.to_datetime(born)
    before_birthday = (b.dt.month > on.month) | ((b.dt.month == on.month) & (b.dt.day > on.day))
    return (on.year - b.dt.year - before_birthday.astype(int)).astype("Int64")


def _share_table(values: pd.Series, order: Sequence[str], name: str) -> pd.DataFrame:
    """Counts per group in the given order (zeros kept), then «не указано» if anything is missing; the group column
    is named after what it groups by, so its title comes from the schema or INDICATOR_LABELS."""
    v = values.astype(object).where(values.notna(), NOT_GIVEN)
    groups = [*order, *([NOT_GIVEN] if (v == NOT_GIVEN).any() else [])]
    counts = v.value_counts().reindex(groups, fill_value=0)
    total = int(counts.sum())
    share = counts.to_numpy(dtype=float) / total * 100.0 if total else np.full(len(counts), np.nan)
    return pd.DataFrame({name: groups, "count": counts.to_numpy(dtype=np.int64), "share_pct": share})


@dataclass(frozen=True)
class StaffComposition:
    """Staff by qualification category, education, experience band and age band (count and share, %); the first
    column of each table names its grouping (category, education, experience_band, age_band)."""

    total: int
    by_category: pd.DataFrame
    by_education: pd.DataFrame
    by_experience: pd.DataFrame
    by_age: pd.DataFrame

    def tables(self) -> dict[str, Table]:
        """Each breakdown as a titled table, titled by its grouping column."""
        frames = {"by_category": self.by_category, "by_education": self.by_education,
                  "by_experience": self.by_experience, "by_age": self.by_age}
        return {key: Table(column_title(frame.columns[0]), frame) for key, frame in frames.items()}


def staff_composition(teachers: pd.DataFrame, on: Any, positions: Sequence[str] | None = None,
                      experience: Bands = EXPERIENCE_BANDS, age: Bands = AGE_BANDS) -> StaffComposition:
    """The staff on date `on` (age in full years on it), optionally only the given positions."""
    t = teachers if positions is None else teachers[teachers["position"].astype(object).isin(list(positions))]
    return StaffComposition(
        total=len(t),
        by_category=_share_table(t["category"], CATEGORIES, "category"),
        by_education=_share_table(t["education"], EDUCATION, "education"),
        by_experience=_share_table(experience.cut(t["experience"]), experience.labels, "experience_band"),
        by_age=_share_table(age.cut(full_years(t["birth_date"], on)), age.labels, "age_band"),
    )


def category_term(category: pd.Series, since: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(the date the category or the conformity attestation runs out, whether it has no expiry), by Приказ № 196:
    «педагог-методист» / «педагог-наставник» never expire; «высшая» / «первая» established since 01.09.2023 never
    expire, before it they last five years; «соответствие занимаемой должности» lasts five years. NaT with
    `permanent` False means the date is not known (or there is no category)."""
    cat = category.astype(object)
    dates = pd.to_datetime(since)
    new = cat.isin(NEW_CATEGORIES).to_numpy(dtype=bool)
    termed = cat.isin(TERMED_BEFORE_LAW).to_numpy(dtype=bool)
    after_law = (dates >= LAW_SINCE).fillna(False).to_numpy(dtype=bool)
    permanent = new | (termed & after_law)
    five = (termed & ~after_law) | (cat == CONFORMITY).to_numpy(dtype=bool)
    expires = (dates + pd.DateOffset(years=CATEGORY_YEARS)).where(five & dates.notna().to_numpy(), pd.NaT)
    return expires, permanent


def attestation_due(teachers: pd.DataFrame, on: Any, months: int = 12,
                    attestations: pd.DataFrame | None = None) -> pd.DataFrame:
    """Teachers whose category (or conformity attestation) runs out within `months` of `on`, or has run out, by
    category_term; when category_date is empty, it is the teacher's latest attestation to the same category. A
    category with no date at all is listed too, so the gap gets filled, unless it is one of the new categories that
    never expire. «без категории» and categories without expiry are not listed.
    """
    on = pd.Timestamp(on)
    t = teachers[teachers["category"].notna() & (teachers["category"].astype(object) != NO_CATEGORY)].copy()
    since = t["category_date"]
    if attestations is not None and not attestations.empty:
        last = attestations.sort_values("date").drop_duplicates(["teacher_id", "category"], keep="last")
        key = last["teacher_id"].astype(str) + "|" + last["category"].astype(str)
        latest = pd.Series(last["date"].to_numpy(), index=key.to_numpy())
        mine = map_values(t["id"].astype(str) + "|" + t["category"].astype(str), latest)
        since = since.fillna(pd.to_datetime(mine))
    t["category_date"] = since
    t["expires"], permanent = category_term(t["category"], since)
    horizon = on + pd.DateOffset(months=months)
    due = ((t["expires"] <= horizon).fillna(False) | t["expires"].isna()) & ~permanent
    t = t[due.to_numpy(dtype=bool)]
    t["attestation_status"] = np.where(t["expires"].isna(), NO_DATE,
                                       np.where((t["expires"] < on).fillna(False), EXPIRED, EXPIRING))
    t["teacher"] = map_values(t["id"], teacher_names(teachers)).array
    out = t.rename(columns={"id": "teacher_id"})
    cols = ["teacher_id", "teacher", "position", "category", "category_date", "expires", "attestation_status"]
    return out[cols].sort_values(["expires", "teacher"], na_position="last", kind="stable").reset_index(drop=True)


def no_recent_courses(teachers: pd.DataFrame, courses: pd.DataFrame, on: Any, years: int = COURSE_YEARS
                      ) -> pd.DataFrame:
    """Teachers with no course finished in the `years` before `on` (courses.end_date; future courses do not
    count): the ones who never had one, then the longest ago first."""
    on = pd.Timestamp(on)
    done = courses[(courses["end_date"] <= on).fillna(False).to_numpy(dtype=bool)]
    last = done.groupby("teacher_id")["end_date"].max()
    t = teachers.assign(last_course_end=map_values(teachers["id"], last))
    since = on - pd.DateOffset(years=years)
    stale = t["last_course_end"].isna() | (t["last_course_end"] < since).fillna(False)
    t = t[stale.to_numpy(dtype=bool)].copy()
    t["course_status"] = np.where(t["last_course_end"].isna(), NO_COURSES, OLD_COURSES)
    t["teacher"] = map_values(t["id"], teacher_names(teachers)).array
    out = t.rename(columns={"id": "teacher_id"})
    cols = ["teacher_id", "teacher", "position", "last_course_end", "course_status"]
    return out[cols].sort_values(["last_course_end", "teacher"], na_position="first", kind="stable") \
        .reset_index(drop=True)


def olympiad_stats(olympiads: pd.DataFrame, subjects: pd.DataFrame, by: Sequence[str] = ("subject",
                                                                                         "olympiad_level")
                   ) -> pd.DataFrame:
    """Per subject and stage: participants (every entry, winners included), prize-winners, winners and distinct
    students. `by` may hold "subject", "subject_id" and/or "olympiad_level"."""
    names = subjects.set_index("id")["name"]
    o = pd.DataFrame({
        "subject_id": olympiads["subject_id"].to_numpy(),
        "subject": map_values(olympiads["subject_id"], names).array,
        "olympiad_level": olympiads["level"],
        "student_id": olympiads["student_id"].to_numpy(),
        "participants": 1,
        "prize_winners": (olympiads["status"] == PRIZE).fillna(False).astype(np.int64).to_numpy(),
        "winners": (olympiads["status"] == WINNER).fillna(False).astype(np.int64).to_numpy(),
    })
    grouped = o.groupby(list(by), observed=True, sort=True, dropna=False)
    out = grouped[["participants", "prize_winners", "winners"]].sum()
    out["students"] = grouped["student_id"].nunique()
    return out.reset_index()
