"""The drill-down dashboard and the work page through NiceGUI's user fixture (issue #9)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from nicegui import ui
from nicegui.testing import User

from app.demo import DemoSchool
from reports import children, class_rollup, results_facts, subject_rollup
from reports.labels import fmt_num
from reports.rollup import parallel_label
from sheets_schema import SCHEMA, validate_workbook
from sync.convert import find_office
from tests.conftest import sign_in

pytestmark = pytest.mark.nicegui_main_file("tests/ui_main_reports.py")


@pytest.fixture(scope="module")
def tables(demo_school: DemoSchool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    wb = validate_workbook(SCHEMA, demo_school.grids)
    facts = results_facts(wb)
    return facts, class_rollup(facts), subject_rollup(facts, wb)


async def test_drill_down_school_parallel_class_student(data_dir: Path, tables, user: User) -> None:
    facts, classes, _ = tables
    await sign_in(user, "zam")
    await user.open("/dashboard")
    await user.should_see(marker="dashboard-parallels")
    await user.should_see(marker="dashboard-chart")
    user.find(marker=f"drill-{parallel_label(5)}").click()
    await user.should_see(marker="dashboard-classes")
    cls = children(classes, "class", parallel=5).iloc[0]
    user.find(marker=f"drill-{cls['label']}").click()
    await user.should_see(marker="dashboard-students")
    student = children(classes, "student", class_id=cls["class_id"]).iloc[0]
    user.find(marker=f"drill-{student['label']}").click()
    await user.should_see(marker="student-works")
    await user.should_see(fmt_num(student["quality_pct"], 1))
    chart = user.find(marker="dashboard-chart").elements.pop()
    assert isinstance(chart, ui.echart)
    assert [d["value"] for d in chart.options["series"][0]["data"]] == [int(student[c]) for c in
                                                                        ("n5", "n4", "n3", "n2")]


async def test_drill_down_department_subject_teacher(data_dir: Path, tables, user: User) -> None:
    _, _, subjects = tables
    teacher = subjects[subjects["level"] == "teacher"].iloc[0]
    dep = subjects[(subjects["level"] == "department") & (subjects["department_id"] == teacher["department_id"])]
    subj = subjects[(subjects["level"] == "subject") & (subjects["subject_id"] == teacher["subject_id"])]
    await sign_in(user, "zam")
    await user.open("/dashboard")
    user.find(marker="axis-subjects").click()
    await user.should_see(marker="dashboard-departments")
    user.find(marker=f"drill-{dep.iloc[0]['label']}").click()
    await user.should_see(marker="dashboard-subjects")
    user.find(marker=f"drill-{subj.iloc[0]['label']}").click()
    await user.should_see(marker="dashboard-teachers")
    user.find(marker=f"drill-{teacher['label']}").click()
    await user.should_see(marker="dashboard-teacher")
    await user.should_see(fmt_num(teacher["quality_pct"], 1))


async def test_work_page_shows_the_report_and_offers_downloads(data_dir: Path, tables, user: User) -> None:
    facts, _, _ = tables
    wrote = facts[(facts["present"] == "да") & facts["mark"].notna()]
    work_id = str(wrote["work_id"].iloc[0])
    marks = wrote.loc[wrote["work_id"] == work_id, "mark"].astype(int)
    await sign_in(user, "zam")
    await user.open(f"/work/{work_id}")
    await user.should_see(content=f"{fmt_num((marks >= 4).mean() * 100, 1)} %", marker="work-quality_pct")
    await user.should_see(content=f"{fmt_num((marks >= 3).mean() * 100, 1)} %", marker="work-success_pct")
    await user.should_see(marker="work-tasks")
    await user.should_see(marker="work-elements")
    await user.should_see(marker="work-conclusions")
    user.find(marker="download-xlsx").click()
    response = await user.download.next()
    assert response.content[:2] == b"PK"
    user.find(marker="download-pdf").click()
    if find_office() is None:  # a Russian notification, no crash
        await user.should_see("LibreOffice не установлен")
    else:
        assert (await user.download.next()).content.startswith(b"%PDF")


async def test_unknown_work_is_a_russian_message(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/work/w-999")
    await user.should_see(marker="work-not-found")


async def test_the_administrator_may_not_open_the_dashboard(data_dir: Path, user: User) -> None:
    await sign_in(user, "admin")
    await user.open("/dashboard")
    await user.should_see(marker="forbidden")


async def test_a_teacher_sees_no_results_of_other_teachers_works(data_dir: Path, demo_school: DemoSchool, tables,
                                                                  user: User) -> None:
    from sync.users import UserStore

    facts, _, _ = tables
    teacher_id = UserStore(data_dir / "users.sqlite3").get("uchitel").teacher_id
    load = validate_workbook(SCHEMA, demo_school.grids)["teaching_load"]
    mine = set(zip(load.loc[load["teacher_id"] == teacher_id, "class_id"],
                   load.loc[load["teacher_id"] == teacher_id, "subject_id"], strict=True))
    pairs = pd.Series(list(zip(facts["class_id"].astype(str), facts["subject_id"].astype(str), strict=True)))
    theirs = facts.loc[pairs.isin(mine).to_numpy(), "work_id"].astype(str)
    other = next(w for w in facts["work_id"].astype(str).unique() if w not in set(theirs))
    await sign_in(user, "uchitel")
    await user.open(f"/work/{other}")
    await user.should_see(marker="work-no-access")
    await user.open(f"/work/{theirs.iloc[0]}")
    await user.should_see(marker="work-tasks")
