"""Portfolios and the teacher's own dashboard: a student's record over the year, a teacher's classes, courses,
attestations and the olympiad prize-winners they taught, and the works of their load still without results.

Pure selection and aggregation over the workbook's frames and the fact frame (analytics.facts);
pages only render.
A teacher's classes are the (class, subject) pairs of the teaching load, the same pairs app.access scopes by.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from reports.analytics.facts import display_order
from reports.analytics.indicators import COUNT_COLUMNS, RATE_COLUMNS, mark_summary
from reports.analytics.tasks import WeakRule, element_analysis, task_analysis
from reports.analytics.teachers import teacher_names
from reports.labels import class_label, person_label
from sheets_schema import SCHEMA
from sheets_schema.choices import OLYMPIAD_LEVELS, OLYMPIAD_STATUSES, PERIODS

PAIR_KEYS = ["class_id", "subject_id"]
WEAK_BELOW_PCT = 50.0
AWARDS = OLYMPIAD_STATUSES[1:]  # призёр, победитель
STUDENT_OWNER, TEACHER_OWNER = "ученик", "учитель"

# Columns of these tables that reports.labels does not title: their headers come from the schema, once.
TITLES: dict[str, str] = {
    "olympiad_score": SCHEMA["olympiads"].header_of("score"),
    "course": SCHEMA["courses"].header_of("title"),
    "provider": SCHEMA["courses"].header_of("provider"),
    "hours": SCHEMA["courses"].header_of("hours"),
    "start_date": SCHEMA["courses"].header_of("start_date"),
    "attestation_date": SCHEMA["attestations"].header_of("date"),
    "attestation_category": SCHEMA["attestations"].header_of("category"),
    "topic": SCHEMA["practices"].header_of("topic"),
    "practice_level": SCHEMA["practices"].header_of("level"),
    "description": SCHEMA["practices"].header_of("description"),
    "portfolio_kind": SCHEMA["portfolio"].header_of("kind"),
    "title": SCHEMA["portfolio"].header_of("title"),
    "achievement_level": SCHEMA["portfolio"].header_of("level"),
    "result": SCHEMA["portfolio"].header_of("result"),
    "link": SCHEMA["portfolio"].header_of("link"),
    "event_date": SCHEMA["portfolio"].header_of("date"),
}


def _ids(col: pd.Series) -> pd.Series:
    """An id column as plain text (categoricals and missing values included; missing becomes "")."""
    return col.astype(object).where(col.notna(), "").astype(str)


def _mask(frame: pd.DataFrame, column: str, value: str) -> np.ndarray:
    return (_ids(frame[column]) == str(value)).to_numpy(dtype=bool)


def _class_rank(parallel: pd.Series, letter: pd.Series) -> np.ndarray:
    """Each row's class in school order (0 first; rows of one class share it): reports.analytics.facts.display_order by
    parallel, then letter (as text, so a fact frame's categorical letter sorts like the sheet's), missing last."""
    keys = pd.DataFrame({"parallel": parallel.to_numpy(), "letter": letter.astype("string").to_numpy()})
    order = display_order(keys["parallel"], keys["letter"])
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.cumsum(~keys.iloc[order].duplicated().to_numpy()) - 1
    return rank


def _class_names(classes: pd.DataFrame) -> pd.DataFrame:
    """id -> class label, parallel and a sort rank (school order)."""
    out = pd.DataFrame({"class_id": _ids(classes["id"]).to_numpy(),
                        "class": class_label(classes["parallel"], classes["letter"]).to_numpy(),
                        "parallel": classes["parallel"].to_numpy()})
    return out.assign(_rank=_class_rank(classes["parallel"], classes["letter"])).drop_duplicates("class_id")


def full_names(people: pd.DataFrame) -> pd.Series:
    """«Фамилия Имя Отчество» of rows with last, first and middle names (students, teachers):
    reports.labels.person_label with the middle name after the first one; missing parts are left out."""
    middle = people["middle_name"].astype("string").fillna("")
    first = (people["first_name"].astype("string").fillna("") + " " + middle).str.strip()
    return person_label(people["last_name"], first)


# ---- the teacher's classes -------------------------------------------------------------------------------------

def load_pairs(load: pd.DataFrame, teacher_id: str) -> pd.DataFrame:
    """(class_id, subject_id) of a teacher's teaching load, each pair once."""
    mine = load[_mask(load, "teacher_id", teacher_id)]
    return pd.DataFrame({"class_id": _ids(mine["class_id"]).to_numpy(),
                         "subject_id": _ids(mine["subject_id"]).to_numpy()}).drop_duplicates().reset_index(drop=True)


def class_pairs(load: pd.DataFrame, class_ids: set[str] | frozenset[str]) -> pd.DataFrame:
    """Every (class, subject) taught in the given classes, whoever teaches it: a class teacher's whole class."""
    rows = load[_ids(load["class_id"]).isin(set(class_ids)).to_numpy(dtype=bool)]
    return pd.DataFrame({"class_id": _ids(rows["class_id"]).to_numpy(),
                         "subject_id": _ids(rows["subject_id"]).to_numpy()}).drop_duplicates().reset_index(drop=True)


def pair_facts(facts: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """The facts of the given (class, subject) pairs."""
    if facts.empty or pairs.empty:
        return facts.iloc[0:0]
    key = _ids(facts["class_id"]) + "\x1f" + _ids(facts["subject_id"])
    wanted = set(pairs["class_id"].astype(str) + "\x1f" + pairs["subject_id"].astype(str))
    return facts[key.isin(wanted).to_numpy(dtype=bool)]


def _summary(facts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """mark_summary over plain-text keys (so unobserved categories never appear)."""
    plain = facts.assign(**{k: _ids(facts[k]).to_numpy() for k in by})
    return mark_summary(plain, by=by)


def _with_zero_counts(frame: pd.DataFrame) -> pd.DataFrame:
    for c in (*COUNT_COLUMNS, "N", "absent", "enrolled"):
        frame[c] = frame[c].fillna(0).astype(np.int64)
    return frame


def pair_indicators(facts: pd.DataFrame, pairs: pd.DataFrame, classes: pd.DataFrame, subjects: pd.DataFrame
                    ) -> pd.DataFrame:
    """One row per (class, subject) pair, classes in school order then subjects by name, with the indicators over
    the whole year's works; a pair with no marked results keeps N = 0 and missing rates (nobody wrote)."""
    names = pd.DataFrame({"subject_id": _ids(subjects["id"]).to_numpy(), "subject": subjects["name"].to_numpy()})
    base = pairs.merge(_class_names(classes), on="class_id", how="left").merge(names, on="subject_id", how="left")
    summary = _summary(pair_facts(facts, pairs), PAIR_KEYS)
    out = base.merge(summary, on=PAIR_KEYS, how="left")
    out = _with_zero_counts(out).sort_values(["_rank", "subject"], kind="stable", na_position="last")
    return out.drop(columns="_rank").reset_index(drop=True)


def class_totals(facts: pd.DataFrame, pairs: pd.DataFrame, classes: pd.DataFrame) -> pd.DataFrame:
    """Per class of the pairs (all of their subjects together): the indicators, classes in school order."""
    base = pd.DataFrame({"class_id": pairs["class_id"].drop_duplicates().to_numpy()})
    base = base.merge(_class_names(classes), on="class_id", how="left")
    out = base.merge(_summary(pair_facts(facts, pairs), ["class_id"]), on="class_id", how="left")
    return _with_zero_counts(out).sort_values("_rank", kind="stable").drop(columns="_rank").reset_index(drop=True)


def works_of(facts: pd.DataFrame) -> pd.DataFrame:
    """Per work and class in the facts: title, subject, kind, date and the indicators; by class, then date."""
    if facts.empty:
        cols = ["work_id", "class_id", *COUNT_COLUMNS, "N", "absent", "enrolled", *RATE_COLUMNS, "work", "subject",
                "kind", "date", "class"]
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    summary = _summary(facts, ["work_id", "class_id"])
    first = facts.assign(work_id=_ids(facts["work_id"]).to_numpy(), class_id=_ids(facts["class_id"]).to_numpy())
    first = first.drop_duplicates(["work_id", "class_id"])[["work_id", "class_id", "work", "subject", "kind", "date",
                                                            "class", "parallel", "letter"]]
    out = summary.merge(first, on=["work_id", "class_id"], how="left")
    out["_rank"] = _class_rank(out["parallel"], out["letter"])
    for c in ("work", "subject", "kind", "class"):
        out[c] = out[c].astype(object)
    return out.sort_values(["_rank", "date", "work"], kind="stable").drop(
        columns=["parallel", "letter", "_rank"]).reset_index(drop=True)


def works_without_results(works: pd.DataFrame, classes: pd.DataFrame, subjects: pd.DataFrame, pairs: pd.DataFrame,
                          facts: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Works of the bank for a parallel and subject of the pairs, dated on or before `today` (a work planned for
    later is not missing yet), whose results for that class are missing: none entered, or every row without a total
    and a mark. One row per (work, class), by date then class."""
    cls = _class_names(classes)
    p = pairs.merge(cls, on="class_id", how="inner")
    bank = pd.DataFrame({"work_id": _ids(works["id"]).to_numpy(), "work": works["title"].to_numpy(),
                         "subject_id": _ids(works["subject_id"]).to_numpy(),
                         "parallel": works["parallel"].to_numpy(), "kind": works["kind"].astype(object).to_numpy(),
                         "date": works["date"].to_numpy()})
    bank = bank[(bank["date"] <= pd.Timestamp(today)).fillna(False).to_numpy(dtype=bool)]
    p = p.assign(parallel=p["parallel"].astype("Int64"))
    bank = bank.assign(parallel=bank["parallel"].astype("Int64"))
    due = p.merge(bank, on=["subject_id", "parallel"], how="inner")
    entered = facts[(facts["total"].notna() | facts["mark"].notna()).to_numpy(dtype=bool)]
    have = set(_ids(entered["work_id"]) + "\x1f" + _ids(entered["class_id"]))
    missing = ~(due["work_id"] + "\x1f" + due["class_id"]).isin(have)
    names = pd.Series(subjects["name"].to_numpy(), index=_ids(subjects["id"]).to_numpy())
    out = due[missing.to_numpy(dtype=bool)].copy()
    out["subject"] = out["subject_id"].map(names)
    cols = ["work_id", "work", "subject_id", "subject", "kind", "date", "class_id", "class", "parallel"]
    return out.sort_values(["date", "_rank", "work"], kind="stable")[cols].reset_index(drop=True)


def _work_and_class(table: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Adds the class label, the work title and its date to a per-class task/element table, sorted by date, then
    class in school order, then weakest first (merges, so an empty table or empty facts give an empty frame with
    the same columns)."""
    f = facts.assign(work_id=_ids(facts["work_id"]).to_numpy(), class_id=_ids(facts["class_id"]).to_numpy())
    works = f.drop_duplicates("work_id")
    works = pd.DataFrame({"work_id": works["work_id"].to_numpy(), "work": works["work"].astype(object).to_numpy(),
                          "date": works["date"].to_numpy()})
    classes = f.drop_duplicates("class_id")
    classes = pd.DataFrame({"class_id": classes["class_id"].to_numpy(),
                            "class": classes["class"].astype(object).to_numpy(),
                            "_rank": _class_rank(classes["parallel"], classes["letter"])})
    t = table.assign(work_id=_ids(table["work_id"]).to_numpy(), class_id=_ids(table["class_id"]).to_numpy())
    t = t.merge(classes, on="class_id", how="left").merge(works, on="work_id", how="left")
    t = t.sort_values(["date", "_rank", "pct_of_max"], kind="stable", na_position="last")
    return t.drop(columns="_rank").reset_index(drop=True)


def weak_tasks(facts: pd.DataFrame, tasks: pd.DataFrame, below_pct: float = WEAK_BELOW_PCT) -> pd.DataFrame:
    """Tasks whose class result is below `below_pct` % of the maximum, per class and work, weakest first."""
    table = task_analysis(facts, tasks, by=("class_id",))
    return _work_and_class(table[(table["pct_of_max"] < below_pct).fillna(False).to_numpy(dtype=bool)], facts)


def weak_elements(facts: pd.DataFrame, tasks: pd.DataFrame, below_pct: float = WEAK_BELOW_PCT) -> pd.DataFrame:
    """Content elements below `below_pct` % of the maximum, per class and work («анализ по элементам»)."""
    table = element_analysis(facts, tasks, by=("class_id",), weak=WeakRule(below_pct=below_pct))
    return _work_and_class(table[table["weak"].to_numpy(dtype=bool)], facts)


def class_students(students: pd.DataFrame, classes: pd.DataFrame, class_ids: set[str] | frozenset[str]
                   ) -> pd.DataFrame:
    """Students of the given classes (id, «Фамилия Имя», class id and label, class_order), by class then name."""
    rows = students[_ids(students["class_id"]).isin(set(class_ids)).to_numpy(dtype=bool)]
    out = pd.DataFrame({"student_id": _ids(rows["id"]).to_numpy(),
                        "student": person_label(rows["last_name"], rows["first_name"]).to_numpy(),
                        "class_id": _ids(rows["class_id"]).to_numpy()})
    out = out.merge(_class_names(classes)[["class_id", "class", "_rank"]], on="class_id", how="left")
    out = out.rename(columns={"_rank": "class_order"})
    return out.sort_values(["class_order", "student"], kind="stable").reset_index(drop=True)


# ---- the student's portfolio -----------------------------------------------------------------------------------

def student_card(students: pd.DataFrame, classes: pd.DataFrame, student_id: str) -> dict[str, Any] | None:
    """Name, class id and class label of a student; None when there is no such student."""
    row = students[_mask(students, "id", student_id)]
    if row.empty:
        return None
    r = row.iloc[0]
    name = str(full_names(row).iloc[0])
    cls = _class_names(classes).set_index("class_id")
    class_id = "" if pd.isna(r["class_id"]) else str(r["class_id"])
    return {"student_id": str(student_id), "name": name, "class_id": class_id,
            "class": str(cls.loc[class_id, "class"]) if class_id in cls.index else ""}


def student_results(facts: pd.DataFrame, student_id: str) -> pd.DataFrame:
    """Every work of the student with date, subject, work, total, % of maximum and mark, by date."""
    mine = facts[_mask(facts, "student_id", student_id)]
    cols = ["date", "subject", "work", "kind", "present", "total", "max_score", "pct", "mark", "work_id", "class_id"]
    out = mine[cols].copy()
    for c in ("subject", "work", "kind", "work_id", "class_id"):
        out[c] = out[c].astype(object)
    return out.sort_values(["date", "subject", "work"], kind="stable").reset_index(drop=True)


def student_period_marks(period_marks: pd.DataFrame, subjects: pd.DataFrame, student_id: str) -> pd.DataFrame:
    """Subject × period (columns in the order of the school year, only periods that have a mark)."""
    mine = period_marks[_mask(period_marks, "student_id", student_id)]
    names = pd.Series(subjects["name"].to_numpy(), index=_ids(subjects["id"]).to_numpy())
    if mine.empty:
        return pd.DataFrame({"subject": pd.Series(dtype=object)})
    m = pd.DataFrame({"subject": _ids(mine["subject_id"]).map(names).to_numpy(),
                      "period": mine["period"].astype(object).to_numpy(),
                      "mark": mine["mark"].astype("Int64").to_numpy()})
    wide = m.drop_duplicates(["subject", "period"], keep="last").pivot(index="subject", columns="period",
                                                                       values="mark")
    wide = wide[[p for p in PERIODS if p in wide.columns]]
    wide.columns = [str(c) for c in wide.columns]
    return wide.sort_index().reset_index()


def _olympiad_rows(rows: pd.DataFrame, subjects: pd.DataFrame) -> pd.DataFrame:
    names = pd.Series(subjects["name"].to_numpy(), index=_ids(subjects["id"]).to_numpy())
    return pd.DataFrame({
        "event_date": rows["date"].to_numpy(), "student_id": _ids(rows["student_id"]).to_numpy(),
        "subject_id": _ids(rows["subject_id"]).to_numpy(),
        "subject": _ids(rows["subject_id"]).map(names).to_numpy(),
        "olympiad_level": rows["level"].astype(object).to_numpy(), "status": rows["status"].astype(object).to_numpy(),
        "olympiad_score": rows["score"].to_numpy(dtype=float, na_value=np.nan),
    })


def student_olympiads(olympiads: pd.DataFrame, subjects: pd.DataFrame, student_id: str) -> pd.DataFrame:
    """The student's olympiad entries (subject, stage, status, score), by date."""
    rows = _olympiad_rows(olympiads[_mask(olympiads, "student_id", student_id)], subjects)
    return rows.sort_values(["event_date", "subject"], kind="stable", na_position="last").reset_index(drop=True)


def achievements(portfolio: pd.DataFrame, owner: str, person_id: str) -> pd.DataFrame:
    """Portfolio entries of a student (owner «ученик») or a teacher («учитель»), newest first."""
    column = "student_id" if owner == STUDENT_OWNER else "teacher_id"
    rows = portfolio[((portfolio["owner"] == owner).fillna(False).to_numpy(dtype=bool))
                     & _mask(portfolio, column, person_id)]
    out = pd.DataFrame({
        "event_date": rows["date"].to_numpy(), "portfolio_kind": rows["kind"].astype(object).to_numpy(),
        "title": rows["title"].astype(object).to_numpy(), "achievement_level": rows["level"].astype(object).to_numpy(),
        "result": rows["result"].astype(object).to_numpy(),
        "link": rows["link"].astype(object).where(rows["link"].notna(), "").to_numpy(),
    })
    return out.sort_values("event_date", ascending=False, kind="stable", na_position="last").reset_index(drop=True)


# ---- the teacher's portfolio -----------------------------------------------------------------------------------

def teacher_card(teachers: pd.DataFrame, departments: pd.DataFrame, teacher_id: str) -> dict[str, Any] | None:
    """Full name, short name, position, department, category and its date, education, experience."""
    row = teachers[_mask(teachers, "id", teacher_id)]
    if row.empty:
        return None
    r = row.iloc[0]
    deps = pd.Series(departments["name"].to_numpy(), index=_ids(departments["id"]).to_numpy())
    dep = "" if pd.isna(r["department_id"]) else str(r["department_id"])
    return {"teacher_id": str(teacher_id), "name": str(full_names(row).iloc[0]),
            "short": str(teacher_names(row).iloc[0]), "position": r["position"], "department_id": dep,
            "department": deps.get(dep, ""), "category": r["category"], "category_date": r["category_date"],
            "education": r["education"], "experience": r["experience"]}


def teacher_courses(courses: pd.DataFrame, teacher_id: str) -> pd.DataFrame:
    """Professional development courses, the latest first."""
    rows = courses[_mask(courses, "teacher_id", teacher_id)]
    out = pd.DataFrame({"course": rows["title"].to_numpy(), "provider": rows["provider"].to_numpy(),
                        "hours": rows["hours"].to_numpy(dtype=float, na_value=np.nan),
                        "start_date": rows["start_date"].to_numpy(), "course_end": rows["end_date"].to_numpy()})
    return out.sort_values("course_end", ascending=False, kind="stable", na_position="last").reset_index(drop=True)


def teacher_attestations(attestations: pd.DataFrame, teacher_id: str) -> pd.DataFrame:
    """Attestations (date and category awarded), the latest first."""
    rows = attestations[_mask(attestations, "teacher_id", teacher_id)]
    out = pd.DataFrame({"attestation_date": rows["date"].to_numpy(),
                        "attestation_category": rows["category"].astype(object).to_numpy()})
    return out.sort_values("attestation_date", ascending=False, kind="stable").reset_index(drop=True)


def teacher_practices(practices: pd.DataFrame, teacher_id: str) -> pd.DataFrame:
    """Best pedagogical practice (ППО): topic, level of dissemination, date, description; the latest first."""
    rows = practices[_mask(practices, "teacher_id", teacher_id)]
    out = pd.DataFrame({"event_date": rows["date"].to_numpy(), "topic": rows["topic"].to_numpy(),
                        "practice_level": rows["level"].astype(object).to_numpy(),
                        "description": rows["description"].to_numpy()})
    return out.sort_values("event_date", ascending=False, kind="stable", na_position="last").reset_index(drop=True)


def taught_awards(olympiads: pd.DataFrame, students: pd.DataFrame, classes: pd.DataFrame, subjects: pd.DataFrame,
                  pairs: pd.DataFrame) -> pd.DataFrame:
    """Olympiad winners and prize-winners a teacher taught: entries whose student's class and subject are one of
    the teacher's (class, subject) pairs. Stage order, then date."""
    won = olympiads[olympiads["status"].astype(object).isin(AWARDS).to_numpy(dtype=bool)]
    rows = _olympiad_rows(won, subjects)
    class_of = pd.Series(_ids(students["class_id"]).to_numpy(), index=_ids(students["id"]).to_numpy())
    class_of = class_of[~class_of.index.duplicated()]
    rows["class_id"] = _ids(rows["student_id"].map(class_of))
    key = rows["class_id"] + "\x1f" + rows["subject_id"]
    rows = rows[key.isin(set(_ids(pairs["class_id"]) + "\x1f" + _ids(pairs["subject_id"]))).to_numpy(dtype=bool)]
    people = students.drop_duplicates("id")
    student_names = pd.Series(person_label(people["last_name"], people["first_name"]).to_numpy(),
                              index=_ids(people["id"]).to_numpy())
    rows = rows.assign(student=rows["student_id"].map(student_names))
    rows = rows.merge(_class_names(classes)[["class_id", "class"]], on="class_id", how="left")
    rows["_stage"] = rows["olympiad_level"].map({level: i for i, level in enumerate(OLYMPIAD_LEVELS)})
    return rows.sort_values(["_stage", "event_date", "student"], ascending=[False, True, True], kind="stable",
                            na_position="last").drop(columns="_stage").reset_index(drop=True)
