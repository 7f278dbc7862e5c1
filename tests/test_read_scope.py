"""Read scope: a role × sheet matrix over the demo school, every cell asserted against rows worked out here by hand
from the teaching load, the classes and the departments; plus the columns hidden and the raw rows of the edit form.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pytest

from app.access import READ, STUDENT_PERSONAL, TEACHER_PERSONAL, Role, scope_of, visible_frames, visible_raw_rows
from app.demo.accounts import pick_demo_staff
from sheets_schema import SCHEMA, Workbook
from sync.users import Account

ALL_ROWS, CLASSES, PAIRS, PEOPLE, OWNER = "every row", "their classes", "their pairs", "their people", "owner"
STUDENTS = "their students"  # rows about a student of their classes
_STAFF = {"departments": ALL_ROWS, "subjects": ALL_ROWS, "teachers": ALL_ROWS, "classes": ALL_ROWS,
          "teaching_load": ALL_ROWS, "works": ALL_ROWS, "tasks": ALL_ROWS, "work_stages": ALL_ROWS,
          "students": CLASSES, "results": PAIRS, "period_marks": PAIRS, "olympiads": PAIRS,
          "courses": PEOPLE, "attestations": PEOPLE, "practices": PEOPLE, "portfolio": OWNER,
          "movements": STUDENTS}
# role -> sheet -> which rows; «their classes» / «their pairs» / «their people» widen with the role as worked out in
# `expected_ids`: a class teacher adds the led class, a head of department the department's subjects and teachers
MATRIX: dict[Role, dict[str, str]] = {
    Role.TEACHER: _STAFF, Role.CLASS_TEACHER: _STAFF, Role.HEAD: _STAFF,
    Role.DEPUTY: dict.fromkeys(_STAFF, ALL_ROWS), Role.DB_ADMIN: dict.fromkeys(_STAFF, ALL_ROWS),
    Role.METHODOLOGIST: dict.fromkeys(_STAFF, ALL_ROWS),
}


def account(role: Role, frames: Mapping[str, pd.DataFrame]) -> Account:
    return Account(f"login-{role}", "Тест", role, pick_demo_staff(frames).get(role, ""))


def people_of(role: Role, teacher_id: str, frames: Mapping[str, pd.DataFrame]) -> dict[str, set]:
    """The teacher's pairs, led classes, department subjects, seen classes and seen teachers — by plain loops."""
    pairs = {(r.class_id, r.subject_id) for r in frames["teaching_load"].itertuples() if r.teacher_id == teacher_id}
    led = {r.id for r in frames["classes"].itertuples() if r.class_teacher_id == teacher_id}
    subjects, teachers = set(), {teacher_id}
    if role == Role.HEAD:
        dept = next(r.department_id for r in frames["teachers"].itertuples() if r.id == teacher_id)
        subjects = {r.id for r in frames["subjects"].itertuples() if r.department_id == dept}
        teachers |= {r.id for r in frames["teachers"].itertuples() if r.department_id == dept}
    classes = {c for c, _ in pairs} | led | {r.class_id for r in frames["teaching_load"].itertuples()
                                             if r.subject_id in subjects}
    return {"pairs": pairs, "led": led, "subjects": subjects, "classes": classes, "teachers": teachers}


def expected_ids(rule: str, sheet: str, role: Role, teacher_id: str, frames: Mapping[str, pd.DataFrame]) -> set[str]:
    f = frames[sheet]
    if rule == ALL_ROWS:
        return set(f["id"])
    p = people_of(role, teacher_id, frames)
    class_of = dict(zip(frames["students"]["id"], frames["students"]["class_id"], strict=True))
    subject_of_work = dict(zip(frames["works"]["id"], frames["works"]["subject_id"], strict=True))

    def pair_ok(student: str, subject: str) -> bool:
        c = class_of.get(student)
        return (c, subject) in p["pairs"] or c in p["led"] or subject in p["subjects"]

    out = set()
    for r in f.to_dict("records"):
        if rule == CLASSES:
            keep = r["class_id"] in p["classes"]
        elif rule == PAIRS:
            keep = pair_ok(r["student_id"], subject_of_work.get(r["work_id"]) if sheet == "results" else
                           r["subject_id"])
        elif rule == PEOPLE:
            keep = r["teacher_id"] in p["teachers"]
        elif rule == STUDENTS:
            keep = class_of.get(r["student_id"]) in p["classes"]
        else:
            keep = (r["teacher_id"] in p["teachers"]) if r["owner"] == "учитель" else \
                class_of.get(r["student_id"]) in p["classes"]
        if keep:
            out.add(r["id"])
    return out


def test_the_matrix_covers_every_role_and_every_sheet() -> None:
    assert set(MATRIX) == set(Role)
    assert all(set(row) == {s.key for s in SCHEMA} == set(READ) for row in MATRIX.values())


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("sheet", [s.key for s in SCHEMA])
def test_each_role_reads_exactly_the_rows_of_its_cell(role: Role, sheet: str, workbook: Workbook) -> None:
    frames = workbook.frames
    acc = account(role, frames)
    seen = visible_frames(scope_of(acc, frames), frames)
    assert set(seen[sheet]["id"]) == expected_ids(MATRIX[role][sheet], sheet, role, acc.teacher_id, frames)
    assert list(seen[sheet].columns) == list(frames[sheet].columns)


@pytest.mark.parametrize("role", [Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD])
def test_staff_see_part_of_the_school_and_not_nothing(role: Role, workbook: Workbook) -> None:
    """The matrix is not trivially true: each staff member sees some students and results, never all of them."""
    frames = workbook.frames
    seen = visible_frames(scope_of(account(role, frames), frames), frames)
    for sheet in ("students", "results", "period_marks", "portfolio"):
        assert 0 < len(seen[sheet]) < len(frames[sheet]), sheet


@pytest.mark.parametrize("role", list(Role))
def test_colleagues_birth_dates_and_personal_fields_are_blank(role: Role, workbook: Workbook) -> None:
    frames = workbook.frames
    acc = account(role, frames)
    teachers = visible_frames(scope_of(acc, frames), frames)["teachers"].set_index("id")
    full = frames["teachers"].set_index("id")
    # the deputy, the administrator and the town's staff database keep everyone's; staff their own (a head: the
    # department's)
    own = set(full.index) if not acc.teacher_id else people_of(role, acc.teacher_id, frames)["teachers"]
    assert full["birth_date"].notna().all()
    for tid in full.index:
        for col in TEACHER_PERSONAL:
            was, now = full.at[tid, col], teachers.at[tid, col]
            assert (now == was or pd.isna(was)) if tid in own else pd.isna(now), (tid, col)
        assert teachers.at[tid, "last_name"] == full.at[tid, "last_name"]  # names still label classes and heads
    assert (teachers["birth_date"].notna().sum() < len(full)) == (role in (Role.TEACHER, Role.CLASS_TEACHER,
                                                                          Role.HEAD))


def test_the_methodologist_sees_every_student_by_a_code_only(workbook: Workbook) -> None:
    frames = workbook.frames
    students = visible_frames(scope_of(account(Role.METHODOLOGIST, frames), frames), frames)["students"]
    assert list(students["last_name"]) == [f"Обучающийся {i}" for i in frames["students"]["id"]]
    for col in STUDENT_PERSONAL[1:]:
        assert students[col].isna().all(), col
    assert list(students["class_id"]) == list(frames["students"]["class_id"])  # aggregates by class still work


def test_raw_rows_that_fail_validation_are_judged_by_their_cells(workbook: Workbook) -> None:
    """The edit form and the templates read raw cells: a hand-broken row of a foreign class stays hidden."""
    frames = workbook.frames
    acc = account(Role.TEACHER, frames)
    scope = scope_of(acc, frames)
    p = people_of(Role.TEACHER, acc.teacher_id, frames)
    st = frames["students"]
    mine = str(st.loc[st["class_id"].isin(p["classes"]), "id"].iloc[0])
    foreign = str(st.loc[~st["class_id"].isin(p["classes"]), "id"].iloc[0])
    cls, subject = sorted(p["pairs"])[0]
    work = frames["works"]
    work_id = str(work.loc[work["subject_id"] == subject, "id"].iloc[0])
    own_student = str(st.loc[st["class_id"] == cls, "id"].iloc[0])
    rows = {"r-own": {"work_id": work_id, "student_id": f" {own_student} ", "total": "много"},
            "r-foreign": {"work_id": work_id, "student_id": foreign, "total": "много"}}
    assert set(visible_raw_rows(scope, frames, "results", rows)) == {"r-own"}
    students = {mine: {"last_name": "А", "class_id": st.set_index("id").at[mine, "class_id"]},
                foreign: {"last_name": "Б", "class_id": st.set_index("id").at[foreign, "class_id"]}}
    assert set(visible_raw_rows(scope, frames, "students", students)) == {mine}
    other = next(t for t in frames["teachers"]["id"] if t != acc.teacher_id)
    teachers = visible_raw_rows(scope, frames, "teachers", {
        other: {"last_name": "В", "birth_date": "01.02.1970"}, acc.teacher_id: {"last_name": "Г",
                                                                                "birth_date": "03.04.1980"}})
    assert teachers[other]["birth_date"] == "" and teachers[acc.teacher_id]["birth_date"] == "03.04.1980"
    deputy = scope_of(account(Role.DEPUTY, frames), frames)
    assert set(visible_raw_rows(deputy, frames, "results", rows)) == {"r-own", "r-foreign"}
