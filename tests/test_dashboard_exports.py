"""Справки downloaded from the dashboard level they belong to, opened back with python-docx and openpyxl."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from nicegui.testing import User
from openpyxl import load_workbook

from app.state import ctx
from reports import results_facts, select, summarize
from reports.labels import fmt_num
from tests.conftest import sign_in
from tests.html_parts import press

pytestmark = pytest.mark.ui_app("manual_drain")


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


async def test_school_spravka_and_staff_workbook_from_the_school_level(data_dir: Path, user: User) -> None:
    facts = results_facts(ctx().cache.workbook)
    s = summarize(facts)
    await sign_in(user, "zam")
    await user.open("/dashboard")
    await user.should_see(marker="dashboard-exports")
    press(user, "dashboard-download-docx")
    text = docx_text((await user.download.next(timeout=60)).content)
    assert "школ" in text.lower()
    assert f"{fmt_num(s.success_pct)} %" in text and f"{fmt_num(s.quality_pct)} %" in text
    press(user, "download-staff")
    staff = load_workbook(io.BytesIO((await user.download.next(timeout=60)).content))
    teachers = ctx().cache.workbook.frames["teachers"]
    numbers = [c for ws in staff.worksheets for row in ws.iter_rows(values_only=True) for c in row
               if isinstance(c, int)]
    assert len(teachers) in numbers  # the staff total is there as a number


async def test_class_spravka_from_the_class_level_with_a_period(data_dir: Path, user: User) -> None:
    facts = results_facts(ctx().cache.workbook)
    q = select(facts, period="2 четверть")
    wrote = q[q["mark"].notna()]
    cls = wrote.iloc[0]
    mine = q[q["class_id"] == cls["class_id"]]
    s = summarize(mine)
    await sign_in(user, "zam")
    await user.open(f"/dashboard?period=2+четверть&parallel={cls['parallel']}&class={cls['class_id']}")
    await user.should_see(marker="dashboard-exports")
    press(user, "dashboard-download-xlsx")
    book = load_workbook(io.BytesIO((await user.download.next(timeout=60)).content))
    values = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert any(isinstance(v, float) and abs(v - s.quality_pct) < 1e-9 for v in values)
    assert any(isinstance(v, str) and str(cls["class"]) in v for v in values)
    await user.should_not_see(marker="download-staff")  # the staff workbook is offered at the school level only


async def test_the_school_row_of_a_filtered_class_spravka_is_the_whole_school(data_dir: Path, user: User) -> None:
    facts = results_facts(ctx().cache.workbook)
    q = select(facts, period="2 четверть")
    cls = q[q["mark"].notna()].iloc[0]
    school, par = summarize(q), summarize(q[q["parallel"] == cls["parallel"]])
    assert school.N != par.N
    await sign_in(user, "zam")
    await user.open(f"/dashboard?period=2+четверть&parallel={cls['parallel']}&class={cls['class_id']}")
    await user.should_see(marker="dashboard-exports")
    press(user, "dashboard-download-xlsx")
    book = load_workbook(io.BytesIO((await user.download.next(timeout=60)).content))
    rows = {row[0]: row for ws in book.worksheets for row in ws.iter_rows(values_only=True) if row and row[0]}
    assert rows["Школа"][1] == school.N and rows["Школа"][3] == pytest.approx(school.quality_pct)
    assert rows[f"{cls['parallel']}-е классы"][1] == par.N


async def test_a_teacher_gets_no_school_spravka_and_no_staff_workbook(data_dir: Path, user: User) -> None:
    await sign_in(user, "uchitel")
    await user.open("/dashboard")
    await user.should_see(marker="axis-classes")
    await user.should_not_see(marker="dashboard-download-docx")  # the school and parallel справки need the school
    await user.should_not_see(marker="download-staff")
