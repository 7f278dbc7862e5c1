"""Student and teacher portfolios through the user fixture: the right works, olympiads, achievements, courses and
prize-winners (checked against the demo sheets here), who may open whose, and printing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from nicegui import ui
from nicegui.testing import User

from reports.labels import fmt_date, fmt_num
from sheets_schema import Workbook
from tests.conftest import sign_in, teacher_of

pytestmark = pytest.mark.ui_app("manual_drain")


def rows_of(user: User, marker: str) -> list[dict]:
    return user.find(marker=marker).elements.pop().rows


def a_rich_student(workbook: Workbook) -> str:
    """A demo student with olympiad entries and an achievement that has a link."""
    p = workbook["portfolio"]
    linked = set(p.loc[(p["owner"] == "ученик") & p["link"].fillna("").str.startswith("http"), "student_id"])
    return sorted(linked & set(workbook["olympiads"]["student_id"]))[0]


def class_of(workbook: Workbook, student_id: str) -> str:
    s = workbook["students"]
    return str(s.loc[s["id"] == student_id, "class_id"].iloc[0])


async def test_the_student_portfolio_shows_works_olympiads_and_achievements(data_dir: Path, workbook: Workbook,
                                                                             facts: pd.DataFrame, user: User) -> None:
    sid = a_rich_student(workbook)
    res = workbook["results"]
    works = workbook["works"].set_index("id")
    mine = res[res["student_id"] == sid]
    await sign_in(user, "zam")
    await user.open(f"/student/{sid}")
    student = workbook["students"].set_index("id").loc[sid]
    await user.should_see(f"{student['last_name']} {student['first_name']}")
    classes = workbook["classes"].set_index("id")
    cls = classes.loc[student["class_id"]]
    await user.should_see(f"Класс: {cls['parallel']}«{cls['letter']}»", marker="student-class")

    rows = rows_of(user, "student-results")
    expected = []
    for r in mine.itertuples():
        w = works.loc[r.work_id]
        pct = r.total / w["max_score"] * 100 if r.present == "да" and pd.notna(r.total) else None
        expected.append((fmt_date(w["date"]), w["title"], fmt_num(r.total, 1) if pd.notna(r.total) else "—",
                         fmt_num(pct, 1) if pct is not None else "—", str(int(r.mark)) if pd.notna(r.mark) else "—"))
    assert sorted((r["date"], r["work"], r["total"], r["pct"], r["mark"]) for r in rows) == sorted(expected)
    assert [r["date"] for r in rows] == sorted((r["date"] for r in rows), key=lambda d: d.split(".")[::-1])
    chart = user.find(marker="student-chart").elements.pop()
    assert isinstance(chart, ui.echart)
    written = [e for e in expected if e[3] != "—"]
    assert len(chart.options["series"][0]["data"]) == len(written)

    ol = workbook["olympiads"]
    subjects = workbook["subjects"].set_index("id")["name"]
    o = ol[ol["student_id"] == sid]
    assert sorted((r["subject"], r["olympiad_level"], r["status"], r["olympiad_score"])
                  for r in rows_of(user, "student-olympiads")) == sorted(
        (subjects[s], lv, st, fmt_num(sc, 1)) for s, lv, st, sc in zip(o["subject_id"], o["level"], o["status"],
                                                                        o["score"], strict=True))
    p = workbook["portfolio"]
    p = p[(p["owner"] == "ученик") & (p["student_id"] == sid)]
    got = rows_of(user, "student-achievements")
    assert sorted((r["title"], r["href_link"]) for r in got) == sorted(
        (t, "" if pd.isna(link) else link) for t, link in zip(p["title"], p["link"], strict=True))
    assert any(r["href_link"].startswith("http") for r in got)

    pm = workbook["period_marks"]
    pm = pm[pm["student_id"] == sid]
    marks = {r["subject"]: r for r in rows_of(user, "student-marks")}
    for subject_id, period, mark in zip(pm["subject_id"], pm["period"], pm["mark"], strict=True):
        assert marks[subjects[subject_id]][period] == str(int(mark))


async def test_the_portfolios_print_without_the_chrome(data_dir: Path, workbook: Workbook, user: User) -> None:
    await sign_in(user, "zam")
    for target in (f"/student/{a_rich_student(workbook)}", "/teacher/t-001"):
        await user.open(target)
        button = user.find(marker="print").elements.pop()
        assert isinstance(button, ui.button)
        assert "no-print" in button.classes
        handlers = [listener.js_handler for listener in button._event_listeners.values()]
        assert handlers == ["() => window.print()"]


async def test_who_may_open_a_student(data_dir: Path, workbook: Workbook, user: User) -> None:
    tid = teacher_of(data_dir, "uchitel")
    load, students = workbook["teaching_load"], workbook["students"]
    taught = set(load.loc[load["teacher_id"] == tid, "class_id"])
    inside = students.loc[students["class_id"].isin(taught), "id"].iloc[0]
    outside = students.loc[~students["class_id"].isin(taught), "id"].iloc[0]
    await sign_in(user, "uchitel")
    await user.open(f"/student/{outside}")
    await user.should_see(marker="student-forbidden")
    await user.should_see("Нет доступа")
    await user.should_not_see(marker="student-results")
    await user.should_not_see(students.set_index("id").loc[outside, "last_name"])
    await user.open(f"/student/{inside}")
    await user.should_see(marker="student-results")
    await user.open("/student/st-99999")
    await user.should_see(marker="student-not-found")

    await user.open("/logout")
    klruk = teacher_of(data_dir, "klruk")
    own = set(workbook["classes"].loc[workbook["classes"]["class_teacher_id"] == klruk, "id"])
    taught_by_klruk = set(load.loc[load["teacher_id"] == klruk, "class_id"])
    stranger = students.loc[~students["class_id"].isin(own | taught_by_klruk), "id"].iloc[0]
    await sign_in(user, "klruk")
    await user.open(f"/student/{students.loc[students['class_id'].isin(own), 'id'].iloc[0]}")
    await user.should_see(marker="student-results")
    await user.open(f"/student/{stranger}")
    await user.should_see(marker="student-forbidden")


async def test_the_head_of_department_sees_students_of_the_departments_classes(data_dir: Path, workbook: Workbook,
                                                                               user: User) -> None:
    tid = teacher_of(data_dir, "shmo")
    t, s, load = workbook["teachers"], workbook["subjects"], workbook["teaching_load"]
    dep = t.loc[t["id"] == tid, "department_id"].iloc[0]
    subjects = set(s.loc[s["department_id"] == dep, "id"])
    classes = set(load.loc[load["subject_id"].isin(subjects), "class_id"])
    students = workbook["students"]
    await sign_in(user, "shmo")
    await user.open(f"/student/{students.loc[students['class_id'].isin(classes), 'id'].iloc[-1]}")
    await user.should_see(marker="student-results")
    others = students.loc[~students["class_id"].isin(classes), "id"]
    if len(others):
        await user.open(f"/student/{others.iloc[0]}")
        await user.should_see(marker="student-forbidden")


async def test_the_teacher_portfolio_shows_courses_and_prize_winners(data_dir: Path, workbook: Workbook,
                                                                      user: User) -> None:
    tid = teacher_of(data_dir, "shmo")
    courses = workbook["courses"]
    mine = courses[courses["teacher_id"] == tid]
    load, students, ol = workbook["teaching_load"], workbook["students"], workbook["olympiads"]
    pairs = set(zip(load.loc[load["teacher_id"] == tid, "class_id"], load.loc[load["teacher_id"] == tid,
                                                                                "subject_id"], strict=True))
    class_of = students.set_index("id")["class_id"]
    won = ol[ol["status"].isin(["призёр", "победитель"])]
    expected = {(sid, st) for sid, sub, st in zip(won["student_id"], won["subject_id"], won["status"], strict=True)
                if (class_of.get(sid), sub) in pairs}
    assert len(mine) and expected
    await sign_in(user, "shmo")
    await user.open(f"/teacher/{tid}")
    await user.should_see(marker="teacher-card")
    teacher = workbook["teachers"].set_index("id").loc[tid]
    await user.should_see(teacher["category"])
    assert sorted((r["course"], r["hours"], r["course_end"]) for r in rows_of(user, "teacher-courses")) == sorted(
        (c, fmt_num(h, 1), fmt_date(e)) for c, h, e in zip(mine["title"], mine["hours"], mine["end_date"],
                                                           strict=True))
    awards = rows_of(user, "teacher-awards")
    assert {(r["href_student"].removeprefix("/student/"), r["status"]) for r in awards} == expected
    at = workbook["attestations"]
    assert len(rows_of(user, "teacher-attestations")) == int((at["teacher_id"] == tid).sum())
    classes = rows_of(user, "teacher-classes")
    assert len(classes) == len(pairs)


async def test_who_may_open_a_teacher_portfolio(data_dir: Path, workbook: Workbook, user: User) -> None:
    me = teacher_of(data_dir, "uchitel")
    head = teacher_of(data_dir, "shmo")
    t = workbook["teachers"]
    dep = t.loc[t["id"] == head, "department_id"].iloc[0]
    colleague = t.loc[(t["department_id"] == dep) & (t["id"] != head), "id"].iloc[0]
    stranger = t.loc[t["department_id"] != dep, "id"].iloc[0]
    await sign_in(user, "uchitel")
    await user.open(f"/teacher/{head if head != me else stranger}")
    await user.should_see(marker="teacher-forbidden")
    await user.open(f"/teacher/{me}")
    await user.should_see(marker="teacher-card")
    await user.open("/teachers")
    assert [r["href_name"] for r in rows_of(user, "teachers")] == [f"/teacher/{me}"]
    await user.open("/logout")
    await sign_in(user, "shmo")
    await user.open(f"/teacher/{colleague}")
    await user.should_see(marker="teacher-card")
    await user.open(f"/teacher/{stranger}")
    await user.should_see(marker="teacher-forbidden")
    await user.open("/logout")
    await sign_in(user, "metodist")
    await user.open(f"/teacher/{stranger}")
    await user.should_see(marker="teacher-card")
    await user.should_see("Педагоги")  # in the navigation
    await user.open(f"/teacher/{head}")  # prize-winners are listed, but the lab opens no student pages
    awards = rows_of(user, "teacher-awards")
    assert awards and all(r["href_student"] == "" for r in awards)
    await user.open(f"/student/{workbook['students']['id'].iloc[0]}")  # the lab aggregates; no student pages
    await user.should_see(marker="forbidden")


def head_sees(data_dir: Path, workbook: Workbook) -> tuple[str, object]:
    """shmo's teacher id and the (class, subject) rule of their scope, by hand: a pair of their load, any class in
    a subject of their department, or every subject of a class they lead per the classes sheet."""
    tid = teacher_of(data_dir, "shmo")
    t, s, load = workbook["teachers"], workbook["subjects"], workbook["teaching_load"]
    led = set(workbook["classes"].loc[workbook["classes"]["class_teacher_id"] == tid, "id"])
    dep = t.loc[t["id"] == tid, "department_id"].iloc[0]
    subjects = set(s.loc[s["department_id"] == dep, "id"])
    pairs = set(zip(load.loc[load["teacher_id"] == tid, "class_id"], load.loc[load["teacher_id"] == tid, "subject_id"],
                    strict=True))
    return tid, lambda class_id, subject_id: ((class_id, subject_id) in pairs or subject_id in subjects
                                              or class_id in led)


async def test_the_head_of_department_sees_a_students_results_in_the_departments_subjects_only(
        data_dir: Path, workbook: Workbook, user: User) -> None:
    _, sees = head_sees(data_dir, workbook)
    students, res, pm = workbook["students"], workbook["results"], workbook["period_marks"]
    works = workbook["works"].set_index("id")
    subjects = workbook["subjects"].set_index("id")["name"]
    class_of = students.set_index("id")["class_id"]

    def split(frame: pd.DataFrame, subject_of: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
        keep = [sees(class_of.get(sid), sub) for sid, sub in zip(frame["student_id"], subject_of, strict=True)]
        return frame[keep], frame[[not k for k in keep]]

    shown_res, hidden_res = split(res, res["work_id"].map(works["subject_id"]))
    shown_pm, hidden_pm = split(pm, pm["subject_id"])
    # a student of a class in shmo's scope with results and period marks in subjects shmo neither teaches nor heads
    sid = sorted(set(shown_res["student_id"]) & set(hidden_res["student_id"]) & set(shown_pm["student_id"])
                 & set(hidden_pm["student_id"]))[0]
    await sign_in(user, "shmo")
    await user.open(f"/student/{sid}")
    expected = []
    for r in shown_res[shown_res["student_id"] == sid].itertuples():
        w = works.loc[r.work_id]
        pct = r.total / w["max_score"] * 100 if r.present == "да" and pd.notna(r.total) else None
        expected.append((fmt_date(w["date"]), subjects[w["subject_id"]], w["title"],
                         fmt_num(r.total, 1) if pd.notna(r.total) else "—", fmt_num(pct, 1) if pct is not None else "—",
                         str(int(r.mark)) if pd.notna(r.mark) else "—"))
    rows = rows_of(user, "student-results")
    got = sorted((r["date"], r["subject"], r["work"], r["total"], r["pct"], r["mark"]) for r in rows)
    assert got == sorted(expected)
    hidden = {subjects[works.loc[w, "subject_id"]] for w in hidden_res.loc[hidden_res["student_id"] == sid, "work_id"]}
    assert hidden and not hidden & {r["subject"] for r in rows}
    await user.should_see(marker="student-scope-note")  # the page says that other subjects are left out
    chart = user.find(marker="student-chart").elements.pop()
    assert len(chart.options["series"][0]["data"]) == sum(e[4] != "—" for e in expected)

    mine = shown_pm[shown_pm["student_id"] == sid]
    marks = {r["subject"]: r for r in rows_of(user, "student-marks")}
    assert set(marks) == {subjects[x] for x in mine["subject_id"]}
    for subject_id, period, mark in zip(mine["subject_id"], mine["period"], mine["mark"], strict=True):
        assert marks[subjects[subject_id]][period] == str(int(mark))



def test_olympiads_and_period_marks_follow_the_class_subject_rule() -> None:
    """visible_rows on hand-built rows: a teacher of (9А, алгебра), a head of the «филология» subjects, a class
    teacher of 9А, the deputy."""
    from app.access import Scope
    from app.pages.portfolio import visible_rows

    rows = pd.DataFrame({"subject_id": ["alg", "rus", "bio"], "score": [10, 20, 30]}, index=[5, 6, 7])
    teacher = Scope(pairs=frozenset({("9a", "alg")}))
    head = Scope(department_subjects=frozenset({"rus"}))
    lead = Scope(classes=frozenset({"9a"}))
    assert visible_rows(rows, "9a", teacher)["score"].tolist() == [10]
    assert visible_rows(rows, "9b", teacher).empty
    assert visible_rows(rows, "9b", head)["score"].tolist() == [20]
    assert visible_rows(rows, "9a", lead)["score"].tolist() == [10, 20, 30]
    assert visible_rows(rows, "9b", Scope(everything=True))["score"].tolist() == [10, 20, 30]


async def test_the_class_teacher_sees_every_subject_of_their_students(data_dir: Path, workbook: Workbook,
                                                                      user: User) -> None:
    tid = teacher_of(data_dir, "klruk")
    classes, students, res = workbook["classes"], workbook["students"], workbook["results"]
    own = set(classes.loc[classes["class_teacher_id"] == tid, "id"])
    sid = sorted(set(res["student_id"]) & set(students.loc[students["class_id"].isin(own), "id"]))[0]
    await sign_in(user, "klruk")
    await user.open(f"/student/{sid}")
    assert len(rows_of(user, "student-results")) == int((res["student_id"] == sid).sum())
    await user.should_not_see(marker="student-scope-note")


async def test_the_head_of_department_sees_a_colleagues_load_and_awards_within_their_scope(
        data_dir: Path, workbook: Workbook, user: User) -> None:
    tid, sees = head_sees(data_dir, workbook)
    t, load, students, ol = workbook["teachers"], workbook["teaching_load"], workbook["students"], workbook["olympiads"]
    subjects = workbook["subjects"].set_index("id")["name"]
    dep = t.loc[t["id"] == tid, "department_id"].iloc[0]
    class_of = students.set_index("id")["class_id"]
    won = ol[ol["status"].isin(["призёр", "победитель"])]

    def load_of(teacher: str) -> set[tuple[str, str]]:
        mine = load[load["teacher_id"] == teacher]
        return set(zip(mine["class_id"], mine["subject_id"], strict=True))

    colleague = next(c for c in sorted(t.loc[(t["department_id"] == dep) & (t["id"] != tid), "id"])
                     if any(not sees(*p) for p in load_of(c)) and any(sees(*p) for p in load_of(c)))
    visible = {p for p in load_of(colleague) if sees(*p)}
    await sign_in(user, "shmo")
    await user.open(f"/teacher/{colleague}")
    rows = rows_of(user, "teacher-classes")
    names = {c: f"{r['parallel']}«{r['letter']}»" for c, r in workbook["classes"].set_index("id").iterrows()}
    assert sorted((r["class"], r["subject"]) for r in rows) == sorted((names[c], subjects[x]) for c, x in visible)
    expected = {(sid, sub) for sid, sub in zip(won["student_id"], won["subject_id"], strict=True)
                if (class_of.get(sid), sub) in visible}
    awards = rows_of(user, "teacher-awards") if expected else []
    assert {(r["href_student"].removeprefix("/student/"), r["subject"]) for r in awards} == {
        (sid, subjects[sub]) for sid, sub in expected}
