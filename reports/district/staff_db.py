"""The town's staff database: every school's teachers and leaders as one table of people (a person working in two
schools is one person: the same name and birth year), with a review list of proposed matches the methodologist
confirms or rejects (Decision; kept in the lab's sheet «Сверка кадров»); composition by
category, education, experience, age, position and school; attestation and course obligations by the school's own
rules (reports.analytics.staff, Приказ № 196) — this module only gathers the town's rows for them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reports.analytics.staff import (
    COURSE_YEARS,
    StaffComposition,
    _share_table,
    attestation_due,
    no_recent_courses,
    staff_composition,
)
from reports.labels import column_title
from sheets_schema.choices import CATEGORIES, POSITIONS
from sheets_schema.lab import MATCH_DECISIONS

PERSON_COLUMNS = ("person_id", "full_name", "birth_year", "schools", "positions", "category", "category_date",
                  "education", "experience")
REVIEW_COLUMNS = ("match_key", "full_name", "birth_years", "schools", "reason", "decision")
_SHARED = ("position", "category", "category_date", "education", "experience", "experience_band", "age_band",
           "expires", "attestation_status", "last_course_end", "course_status", "count", "share_pct", "teacher",
           "provider")
TITLES: dict[str, str] = {  # the school's titles where the column is the school's, the town's own beside them
    **{c: column_title(c) for c in _SHARED},
    "person_id": "Код человека", "full_name": "ФИО", "birth_year": "Год рождения", "birth_years": "Годы рождения",
    "schools": "Школы", "school": "Код школы", "short_name": "Школа", "positions": "Должности",
    "reason": "Почему проверить", "decision": "Решение методиста", "people": "Педагогов и руководителей",
    "due": "Аттестация в срок",
    "no_courses": "Без курсов 3 года", "courses": "Курсов", "teachers": "Педагогов", "hours": "Часов",
    "month": "Месяц",
}


def _norm(v: Any) -> str:
    """A name as compared: lower case, «ё» as «е», no dots, single spaces."""
    if not isinstance(v, str):
        return ""
    return re.sub(r"\s+", " ", v.replace(".", " ").lower().replace("ё", "е")).strip()


def _full_name(last: Any, first: Any, middle: Any) -> str:
    return " ".join(str(p).strip() for p in (last, first, middle) if isinstance(p, str) and p.strip())


def _person_id(name_key: str, birth_year: Any) -> str:
    return "p-" + hashlib.blake2b(f"{name_key}|{birth_year}".encode(), digest_size=5).hexdigest()


def current_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Each school's rows of its latest year in the warehouse: the staff it has now."""
    if rows.empty:
        return rows
    latest = rows.groupby("school")["year"].transform("max")
    return rows[(rows["year"] == latest).to_numpy(dtype=bool)].reset_index(drop=True)


@dataclass(frozen=True)
class StaffBase:
    """`rows`: one row per school × teacher with its person_id; `people`: one row per person; `review`: matches a
    person should confirm or reject (one person in several schools — merged unless rejected; the same name with
    another or no birth year, the same surname, name and year with another patronymic — not merged unless
    confirmed), with the decision taken."""

    rows: pd.DataFrame
    people: pd.DataFrame
    review: pd.DataFrame


_RANK = {c: i for i, c in enumerate(CATEGORIES)}  # the list runs from the highest category down
MERGED_REASON = "ФИО и год рождения совпадают, работает в нескольких школах (объединены)"
SAME, APART = MATCH_DECISIONS
UNDECIDED = "не рассмотрено"


@dataclass(frozen=True)
class Decision:
    """The methodologist's word on one proposed match (`match_key` of the review list): `same` — one person."""

    match_key: str
    same: bool


def decisions_of(frame: pd.DataFrame | None) -> tuple[Decision, ...]:
    """The lab sheet «Сверка кадров» as decisions (rows without a key or a known decision are skipped)."""
    if frame is None or frame.empty:
        return ()
    return tuple(Decision(str(k), str(d) == SAME) for k, d in zip(frame["match_key"], frame["decision"], strict=True)
                 if isinstance(k, str) and k and str(d) in MATCH_DECISIONS)


def _match_key(g: pd.DataFrame) -> str:
    """A proposal's key: its schools, names and birth years (no row ids), so it is the same after a re-ingest."""
    members = sorted({f"{s}|{n}|{'' if pd.isna(y) else int(y)}"
                      for s, n, y in zip(g["school"].astype(str), g["name_key"], g["birth_year"], strict=True)})
    return "m-" + hashlib.blake2b("\n".join(members).encode(), digest_size=8).hexdigest()


def _proposals(r: pd.DataFrame) -> list[tuple[str, str, np.ndarray]]:
    """(match key, reason, rows) of every match a person should confirm or reject: one person in several schools
    (merged unless rejected), the same name with another or no birth year and the same surname, name and year with
    another patronymic (not merged unless confirmed)."""
    out = []
    schools = r.groupby("person_id")["school"].nunique()
    for pid in sorted(schools.index[(schools > 1).to_numpy()]):
        mask = (r["person_id"] == pid).to_numpy(dtype=bool)
        out.append((_match_key(r[mask]), MERGED_REASON, mask))
    for key, reason in (("name_key", "ФИО совпадают, год рождения другой или не указан"),
                        ("short_key", "фамилия, имя и год рождения совпадают, отчество другое")):
        people = r.groupby(key)["person_id"].nunique()
        for k in sorted(people.index[(people > 1).to_numpy()]):  # few: only these are looked at row by row
            mask = (r[key] == k).to_numpy(dtype=bool)
            g = r[mask]
            if key == "short_key" and g["name_key"].nunique() < 2:
                continue  # the same full name: reported by the first rule
            if key == "short_key" and g["birth_year"].dropna().nunique() > 1:
                continue  # another patronymic and another year: two people
            out.append((_match_key(g), reason, mask))
    return out


def _decide(r: pd.DataFrame, proposals: list[tuple[str, str, np.ndarray]], decisions: Sequence[Decision]
            ) -> dict[str, str]:
    """Lay the decisions over the rows' person ids (rejected merge: one person per school; confirmed match: one
    person); the decision shown for each proposal."""
    said = {d.match_key: d.same for d in decisions}  # a later decision on the same key wins
    shown: dict[str, str] = {}
    for key, reason, mask in proposals:
        same = said.get(key)
        shown[key] = UNDECIDED if same is None else (SAME if same else APART)
        if same is False and reason == MERGED_REASON:
            r.loc[mask, "person_id"] = [_person_id(n, f"{'' if pd.isna(y) else int(y)}|{s}") for n, y, s in
                                        zip(r.loc[mask, "name_key"], r.loc[mask, "birth_year"],
                                            r.loc[mask, "school"].astype(str), strict=True)]
    for key, reason, mask in proposals:
        if said.get(key) is True and reason != MERGED_REASON:
            r.loc[mask, "person_id"] = min(r.loc[mask, "person_id"])
    return shown


def match_people(rows: pd.DataFrame, decisions: Sequence[Decision] = ()) -> StaffBase:
    """Rows of STAFF_ROWS (current year) -> people: the same normalised full name and birth year is one person,
    unless the methodologist's `decisions` say otherwise for a proposed match."""
    r = rows.copy()
    r["full_name"] = [_full_name(a, b, c) for a, b, c in zip(r["last_name"], r["first_name"], r["middle_name"],
                                                              strict=True)]
    r["name_key"] = [_norm(n) for n in r["full_name"]]
    r["short_key"] = [f"{_norm(a)}|{_norm(b)}" for a, b in zip(r["last_name"], r["first_name"], strict=True)]
    by = pd.to_numeric(r["birth_year"], errors="coerce")
    r["birth_year"] = by.astype("Int64")
    r["person_id"] = [_person_id(k, "" if pd.isna(y) else int(y)) for k, y in zip(r["name_key"], by, strict=True)]
    proposals = _proposals(r)
    shown = _decide(r, proposals, decisions)
    r["category_date"] = pd.to_datetime(r["category_date"], errors="coerce")
    r["_rank"] = [_RANK.get(str(c), len(_RANK)) for c in r["category"]]
    ordered = r.sort_values(["person_id", "_rank", "category_date"], ascending=[True, True, False], kind="stable")
    first = ordered.drop_duplicates("person_id", keep="first").set_index("person_id")
    schools_of: dict[str, set[str]] = {}
    positions_of: dict[str, set[object]] = {}
    for pid, school, position in zip(r["person_id"], r["school"].astype(str), r["position"].astype(object),
                                     strict=True):
        schools_of.setdefault(pid, set()).add(school)
        positions_of.setdefault(pid, set()).add(position)
    people = pd.DataFrame({
        "person_id": first.index.to_numpy(),
        "full_name": first["full_name"].to_numpy(),
        "last_name": first["last_name"].to_numpy(), "first_name": first["first_name"].to_numpy(),
        "middle_name": first["middle_name"].to_numpy(),
        "birth_year": first["birth_year"].array,
        "schools": [", ".join(sorted(schools_of[p])) for p in first.index],
        "positions": [", ".join(x for x in POSITIONS if x in positions_of[p]) for p in first.index],
        "position": first["position"].to_numpy(),
        "category": first["category"].to_numpy(),
        "category_date": first["category_date"].to_numpy(),
        "education": first["education"].to_numpy(),
        "experience": ordered.groupby("person_id", sort=False)["experience"].max().reindex(first.index).to_numpy(),
    })
    people = people.sort_values(["full_name", "birth_year"], kind="stable").reset_index(drop=True)
    return StaffBase(r.drop(columns=["_rank"]), people, _review(r, proposals, shown))


def _review(r: pd.DataFrame, proposals: list[tuple[str, str, np.ndarray]], shown: dict[str, str]) -> pd.DataFrame:
    out = []
    for key, reason, mask in proposals:
        g = r[mask]
        years = sorted({"не указан" if pd.isna(y) else str(int(y)) for y in g["birth_year"]})
        out.append({"match_key": key, "full_name": " / ".join(sorted(set(g["full_name"]))),
                    "birth_years": ", ".join(years), "schools": ", ".join(sorted(set(map(str, g["school"])))),
                    "reason": reason, "decision": shown[key]})
    return pd.DataFrame(out, columns=list(REVIEW_COLUMNS))


def _as_teachers(people: pd.DataFrame) -> pd.DataFrame:
    """People in the shape of the school's «Педагоги» the school's rules take (id = person_id; age from the birth
    year: the age reached in the year of the report, since the bundle carries the year only)."""
    born = pd.to_datetime(people["birth_year"].astype("Float64").astype(float).map(
        lambda y: f"{int(y)}-01-01" if y == y else None), errors="coerce")
    return people.assign(id=people["person_id"], birth_date=born)


def _person_of(rows: pd.DataFrame) -> pd.Series:
    return pd.Series(rows["person_id"].to_numpy(), index=(rows["school"].astype(str) + "|"
                                                          + rows["teacher_id"].astype(str)).to_numpy())


def _by_person(base: StaffBase, frame: pd.DataFrame) -> pd.DataFrame:
    """A per-teacher frame (school, teacher_id) with teacher_id replaced by the person it belongs to."""
    mapping = _person_of(base.rows)
    mapping = mapping[~mapping.index.duplicated()]
    keys = frame["school"].astype(str) + "|" + frame["teacher_id"].astype(str)
    person = keys.map(mapping)
    return frame.assign(teacher_id=person.to_numpy()).loc[person.notna().to_numpy()]


def attestations_due(base: StaffBase, attestations: pd.DataFrame, on: Any, months: int) -> pd.DataFrame:
    """People whose category or conformity attestation runs out within `months` of `on` (analytics.staff rule)."""
    a = _by_person(base, current_rows(attestations)).assign(date=lambda d: pd.to_datetime(d["date"],
                                                                                              errors="coerce"))
    due = attestation_due(_as_teachers(base.people), on, months, a)
    return _with_people(due, base.people)


def courses_due(base: StaffBase, courses: pd.DataFrame, on: Any) -> pd.DataFrame:
    """People with no course finished in the three years before `on` (273-ФЗ ст. 47; reports.analytics.staff rule)."""
    c = _by_person(base, current_rows(courses)).assign(end_date=lambda d: pd.to_datetime(d["end_date"],
                                                                                            errors="coerce"))
    return _with_people(no_recent_courses(_as_teachers(base.people), c, on), base.people)


def _with_people(due: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    info = people[["person_id", "full_name", "schools"]].rename(columns={"person_id": "teacher_id"})
    return due.merge(info, on="teacher_id", how="left").rename(columns={"teacher_id": "person_id"})


def course_hours(base: StaffBase, courses: pd.DataFrame, on: Any, years: int = COURSE_YEARS) -> pd.DataFrame:
    """Courses finished in the `years` before `on` by provider: courses, people and hours (a course two schools
    both report for the same person counts once)."""
    on = pd.Timestamp(on)
    c = _by_person(base, current_rows(courses)).assign(end_date=lambda d: pd.to_datetime(d["end_date"],
                                                                                            errors="coerce"))
    c = c[((c["end_date"] <= on) & (c["end_date"] > on - pd.DateOffset(years=years))).fillna(False).to_numpy()]
    c = c.drop_duplicates(["teacher_id", "title", "provider", "end_date"])
    c = c.assign(provider=c["provider"].astype(object).where(c["provider"].notna(), "не указана"))
    out = c.groupby("provider", as_index=False).agg(courses=("title", "size"), teachers=("teacher_id", "nunique"),
                                                    hours=("hours", "sum"))
    return out.sort_values(["hours", "provider"], ascending=[False, True], kind="stable").reset_index(drop=True)


def composition(base: StaffBase, on: Any) -> tuple[StaffComposition, pd.DataFrame]:
    """The town's people by category, education, experience band and age band (the school's bands), and by
    position (a person with two positions counts under the first in the list of positions)."""
    people = _as_teachers(base.people)
    return staff_composition(people, on), _share_table(people["position"], POSITIONS, "position")


def by_school(base: StaffBase, due: pd.DataFrame, stale: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    """Per school: its teachers and leaders, each category's count, and how many are due for attestation or
    courses (a person of two schools counts in both)."""
    r = base.rows
    counts = pd.crosstab(r["school"], r["category"].astype(object).fillna("не указано"))
    counts = counts.reindex(columns=[c for c in CATEGORIES if c in counts.columns], fill_value=0)
    out = pd.DataFrame({"school": counts.index.astype(str), "people": r.groupby("school").size()
                        .reindex(counts.index).to_numpy(dtype=np.int64)})
    for c in counts.columns:
        out[c] = counts[c].to_numpy(dtype=np.int64)
    for col, frame in (("due", due), ("no_courses", stale)):
        hit = r[r["person_id"].isin(set(frame["person_id"]))].groupby("school").size()
        out[col] = hit.reindex(counts.index, fill_value=0).to_numpy(dtype=np.int64)
    names = dict(zip(schools["code"].astype(str), schools["short_name"].astype(str), strict=True))
    out.insert(1, "short_name", [names.get(s, s) for s in out["school"]])
    return out.sort_values("short_name", kind="stable").reset_index(drop=True)


def due_by_month(due: pd.DataFrame) -> pd.DataFrame:
    """How many attestations fall due in each month (ММ.ГГГГ, in order; the expired and the undated in rows of
    their own, after the months)."""
    expiring = (due["attestation_status"] == "категория истекает").to_numpy(dtype=bool)
    key = due["expires"].dt.strftime("%Y-%m").astype(object).where(expiring, "~" + due["attestation_status"])
    label = due["expires"].dt.strftime("%m.%Y").astype(object).where(expiring, due["attestation_status"])
    out = pd.DataFrame({"key": key, "month": label}).groupby(["key", "month"], as_index=False).size()
    return out.rename(columns={"size": "count"}).sort_values("key")[["month", "count"]].reset_index(drop=True)
