"""The dashboard's headline cards show the level the drill-down stands on (issue #15, item 4): a class's cards are
the class's, a student's the student's, a teacher's their own results through the teaching load — never the whole
parallel or subject; a scoped person's top level is «Мои классы», never «Школа». Numbers are counted by hand here:
a loop over the demo school's facts, not the app's indicator code."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote_plus

import pandas as pd
import pytest
from nicegui.testing import User

from app.demo.school import DemoSchool
from reports import results_facts, select
from reports.labels import fmt_num
from sheets_schema import SCHEMA, validate_workbook
from tests.conftest import sign_in
from tests.html_parts import card, href, html_of, part, texts

pytestmark = pytest.mark.ui_app("manual_drain")


@pytest.fixture(scope="module")
def school(demo_school: DemoSchool) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    wb = validate_workbook(SCHEMA, demo_school.grids)
    return results_facts(wb), wb.frames


def by_hand(facts: pd.DataFrame, **equal: object) -> tuple[int, str]:
    """(how many wrote, quality as the card shows it) of the rows matching `equal`, counted one row at a time."""
    wrote = good = 0
    for rec in facts.to_dict("records"):
        if any(str(rec[k]) != str(v) for k, v in equal.items()):
            continue
        if rec["present"] == "да" and pd.notna(rec["mark"]):
            wrote += 1
            good += int(rec["mark"]) >= 4
    return wrote, f"{fmt_num(good / wrote * 100, 1)} %" if wrote else "—"


def a_teacher(facts: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> tuple[str, str, str, pd.DataFrame]:
    """(department, subject, teacher, the teacher's facts by the load) of a subject taught by two or more teachers
    (so the teacher's results differ from the subject's)."""
    load = frames["teaching_load"]
    shared = load.groupby("subject_id")["teacher_id"].nunique()
    subject = str(shared[shared > 1].index[0])
    teacher = str(load.loc[load["subject_id"] == subject, "teacher_id"].iloc[0])
    classes = set(load.loc[(load["subject_id"] == subject) & (load["teacher_id"] == teacher), "class_id"])
    mine = facts[((facts["subject_id"] == subject) & facts["class_id"].isin(classes)).to_numpy(dtype=bool)]
    return str(frames["subjects"].set_index("id")["department_id"][subject]), subject, teacher, mine


def cards_heading(user: User) -> str:
    """Whose the headline cards are («Показатели: …»)."""
    return str(part(html_of(user, "cards-level"), "level"))


async def cards_are(user: User, path: str, wrote: int, quality: str) -> None:
    await user.open(path)
    await user.should_see(marker="card-year-N")
    assert (card(user, "card-year-N")[0], card(user, "card-year-quality_pct")[0]) == (fmt_num(wrote, 0), quality)


async def test_cards_follow_parallel_class_and_student(data_dir: Path, school, user: User) -> None:
    facts, _ = school
    nine = facts[(facts["parallel"] == 9).fillna(False).to_numpy(dtype=bool)]
    cls = str(nine["class_id"].astype(str).value_counts().index[0])
    student = str(nine.loc[(nine["class_id"] == cls).to_numpy(dtype=bool), "student_id"].astype(str).iloc[0])
    at_parallel, at_class, at_student = by_hand(facts, parallel=9), by_hand(facts, class_id=cls), by_hand(
        facts, class_id=cls, student_id=student)
    assert at_parallel[0] > at_class[0] > at_student[0] > 0  # three different levels, three different counts
    await sign_in(user, "zam")
    await cards_are(user, "/dashboard?parallel=9", *at_parallel)
    await cards_are(user, f"/dashboard?parallel=9&class={cls}", *at_class)
    assert "9" in cards_heading(user)  # «Показатели: 9«А»»
    await cards_are(user, f"/dashboard?parallel=9&class={cls}&student={student}", *at_student)
    # the links of a card keep the level: the period opens at the same student
    assert f"student={student}" in str(href(html_of(user, "card-year-N")))


async def test_a_teachers_cards_are_their_own_results(data_dir: Path, school, user: User) -> None:
    facts, frames = school
    dep, subject, teacher, mine = a_teacher(facts, frames)
    at_subject, at_teacher = by_hand(facts, subject_id=subject), by_hand(mine)
    assert at_subject[0] > at_teacher[0] > 0
    await sign_in(user, "zam")
    await cards_are(user, f"/dashboard?axis=subjects&department={dep}&subject={subject}", *at_subject)
    await cards_are(user, f"/dashboard?axis=subjects&department={dep}&subject={subject}&teacher={teacher}",
                    *at_teacher)
    # with a period the cards are the teacher's in that period
    period = "4 четверть"
    wrote, quality = by_hand(select(mine, period=period))  # the period filter itself; the counting by hand
    await user.open(f"/dashboard?axis=subjects&department={dep}&subject={subject}&teacher={teacher}"
                    f"&period={quote_plus(period)}")
    await user.should_see(marker="card-period-N")
    assert (card(user, "card-period-N")[0], card(user, "card-period-quality_pct")[0]) == (fmt_num(wrote, 0), quality)


async def test_a_scoped_person_sees_their_slice_named_as_such(data_dir: Path, user: User) -> None:
    await sign_in(user, "uchitel")
    await user.open("/dashboard")
    await user.should_see(marker="breadcrumbs")
    assert texts(html_of(user, "breadcrumbs")) == ["Мои классы"]
    assert cards_heading(user) == "Показатели: мои классы"
    await user.open("/logout")
    await sign_in(user, "zam")
    await user.open("/dashboard")
    await user.should_see(marker="cards-level")
    assert cards_heading(user) == "Показатели: школа"
