"""The overview page through NiceGUI's user fixture, asserting numbers computed independently from the demo."""

from __future__ import annotations

from pathlib import Path

from nicegui import ui
from nicegui.testing import User

from app.demo.school import DemoSchool
from reports.labels import fmt_num
from sheets_schema import SCHEMA, validate_workbook
from tests.conftest import sign_in


def _school_numbers(demo: DemoSchool) -> dict[str, float]:
    """Success and quality over every written result of the year, computed by plain counting."""
    wb = validate_workbook(SCHEMA, demo.grids)
    res = wb["results"]
    res = res[res["work_id"].isin(wb["works"]["id"]) & (res["present"] == "да") & res["mark"].notna()]
    marks = res["mark"].astype(int)
    n = len(marks)
    return {"N": n, "success": (marks >= 3).sum() / n * 100, "quality": (marks >= 4).sum() / n * 100}


async def test_overview_shows_school_indicators(data_dir: Path, demo_school: DemoSchool, user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/")
    expected = _school_numbers(demo_school)
    await user.should_see(content=f"{fmt_num(expected['success'], 1)} %", marker="card-success_pct")
    await user.should_see(content=f"{fmt_num(expected['quality'], 1)} %", marker="card-quality_pct")
    await user.should_see(f"писали {expected['N']}")


async def test_overview_table_lists_parallels_and_classes(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/")
    table = user.find(marker="overview-входная").elements.pop()
    assert isinstance(table, ui.table)
    labels = [r["label"].strip("\u2003") for r in table.rows]
    assert labels[0] == "Школа"
    from reports.analytics.rollup import parallel_label

    assert parallel_label(5) in labels and "5«А»" in labels
    assert labels.index(parallel_label(5)) < labels.index("5«А»")


async def test_issues_badge_counts_planted_cells_and_opens_the_list(data_dir: Path, demo_school: DemoSchool,
                                                                    user: User) -> None:
    await sign_in(user, "admin")
    await user.open("/")
    await user.should_see(f"Проблемы данных: {len(demo_school.planted)}")
    await user.open("/issues")
    for planted in demo_school.planted:
        table = user.find(marker=f"issues-{planted.sheet_key}").elements.pop()
        assert isinstance(table, ui.table)
        cells = {r["cell"] for r in table.rows}
        assert (planted.cell or f"строка {planted.row}") in cells


async def test_a_teacher_sees_no_issues_badge_for_a_page_they_cannot_open(data_dir: Path, user: User) -> None:
    await sign_in(user, "uchitel")
    await user.open("/")
    await user.should_see(marker="whoami")
    await user.should_not_see(marker="issues-badge")
    await user.should_not_see("Проблемы данных")
    await user.open("/logout")
    await sign_in(user, "zam")
    await user.open("/")
    await user.should_see(marker="issues-badge")


async def test_empty_store_shows_a_hint_not_an_error(empty_data_dir: Path, user: User) -> None:
    from app.access import Role
    from sync.users import UserStore

    UserStore(empty_data_dir / "users.sqlite3").add("zam", "Зам", Role.DEPUTY, "test-pass-123")
    await sign_in(user, "zam")
    await user.open("/")
    await user.should_see(marker="no-results")
    await user.should_see("Проблемы данных: 0")
