"""Signed in as the demo teacher `uchitel`: no student outside their classes, and no colleague's birth date, appears
anywhere — in any page the teacher can open (everything sent to the browser: texts, tables, pickers) or in any file
they can download (every sheet template with its current rows, the results template, the справки).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from nicegui import ui
from nicegui.testing import User
from openpyxl import load_workbook

from app.pages.entry import ENTRY_SHEETS
from reports.labels import fmt_date
from sheets_schema import SCHEMA, Workbook
from tests.conftest import sign_in, teacher_of
from tests.html_parts import press

pytestmark = pytest.mark.ui_app("manual_drain")


class Secrets:
    """What the teacher must never read, worked out from the demo sheets: names and birth dates of the students
    outside the classes they teach or lead, and the birth dates of every colleague."""

    def __init__(self, workbook: Workbook, teacher_id: str) -> None:
        load, classes = workbook["teaching_load"], workbook["classes"]
        self.pairs = sorted(zip(load.loc[load["teacher_id"] == teacher_id, "class_id"],
                                load.loc[load["teacher_id"] == teacher_id, "subject_id"], strict=True))
        mine = {c for c, _ in self.pairs} | set(classes.loc[classes["class_teacher_id"] == teacher_id, "id"])
        st = workbook["students"]
        names = st["last_name"] + " " + st["first_name"]
        inside = st["class_id"].isin(mine).to_numpy(dtype=bool)
        t = workbook["teachers"]
        teacher_names = set(t["last_name"] + " " + t["first_name"])
        self.own_students = list(st.loc[inside, "id"])
        self.foreign_students = list(st.loc[~inside, "id"])
        self.names = set(names[~inside]) - set(names[inside]) - teacher_names  # a namesake inside proves nothing
        own_dates = set(st.loc[inside, "birth_date"]) | set(t.loc[t["id"] == teacher_id, "birth_date"])
        dates = set(st.loc[~inside, "birth_date"]) | set(t.loc[t["id"] != teacher_id, "birth_date"])
        dates = {d for d in dates - own_dates if pd.notna(d)}
        self.dates = {fmt_date(d) for d in dates} | {pd.Timestamp(d).strftime("%Y-%m-%d") for d in dates}
        assert len(self.names) > 100 and len(self.dates) > 100  # the check below has something to find

    def leaks(self, text: str) -> list[str]:
        return sorted(s for s in self.names | self.dates if s in text)


def page_blob(user: User) -> str:
    """Everything the open page sends to the browser: every element with its text and props (table rows, options)."""
    return json.dumps([el._to_dict() for el in user.client.layout.descendants()], ensure_ascii=False, default=str)


def xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
                     if c is not None)


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def a_work_of(workbook: Workbook, pairs: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """(work, class) of the teacher's load that has results."""
    res, works = workbook["results"], workbook["works"].set_index("id")
    st = workbook["students"].set_index("id")["class_id"]
    wanted = set(pairs)
    for wid, sid in zip(res["work_id"], res["student_id"], strict=True):
        if (st[sid], works.at[wid, "subject_id"]) in wanted:
            return str(wid), str(st[sid])
    raise AssertionError("the demo teacher has no results")


async def test_no_page_the_teacher_opens_shows_a_foreign_student_or_a_colleagues_birth_date(
        data_dir: Path, workbook: Workbook, user: User) -> None:
    tid = teacher_of(data_dir, "uchitel")
    secrets = Secrets(workbook, tid)
    work_id, class_id = a_work_of(workbook, secrets.pairs)
    parallel = workbook["classes"].set_index("id").at[class_id, "parallel"]
    await sign_in(user, "uchitel")
    pages = ["/", "/my", "/entry", *[f"/entry/{k}" for k in ENTRY_SHEETS], "/grid", f"/grid?work={work_id}",
             f"/grid?work={work_id}&class={class_id}", "/upload", f"/upload?work={work_id}&class={class_id}",
             "/dashboard", f"/dashboard?parallel={parallel}&class={class_id}", "/dashboard?axis=subjects",
             "/teachers", f"/teacher/{tid}", f"/student/{secrets.own_students[0]}", f"/work/{work_id}",
             f"/work/{work_id}?class={class_id}", f"/entry/students/{secrets.foreign_students[0]}",
             f"/student/{secrets.foreign_students[0]}"]
    pages += [f"/entry/teachers/{t}" for t in workbook["teachers"]["id"] if t != tid][:3]
    for path in pages:
        await user.open(path)
        await user.should_see(marker="whoami")
        assert secrets.leaks(page_blob(user)) == [], path
    await user.open(f"/entry/students/{secrets.foreign_students[0]}")
    await user.should_see(marker="entry-missing")
    await user.open("/entry/students")  # the teacher's own students are there: the check looks at real rows
    rows = user.find(marker="entry-table-students").elements.pop().rows
    assert {r["id"] for r in rows} == set(secrets.own_students)


async def test_no_file_the_teacher_downloads_holds_a_foreign_student_or_a_colleagues_birth_date(
        data_dir: Path, workbook: Workbook, user: User) -> None:
    tid = teacher_of(data_dir, "uchitel")
    secrets = Secrets(workbook, tid)
    work_id, class_id = a_work_of(workbook, secrets.pairs)
    parallel = workbook["classes"].set_index("id").at[class_id, "parallel"]
    own_name = str(workbook["students"].set_index("id").at[secrets.own_students[0], "last_name"])
    await sign_in(user, "uchitel")
    files: dict[str, str] = {}
    await user.open("/upload")
    for sheet in SCHEMA:
        user.find(marker="upload-sheet-key").elements.pop().set_value(sheet.key)
        box = user.find(marker="upload-with-rows").elements.pop()
        assert isinstance(box, ui.checkbox)
        box.set_value(True)
        user.find(marker="download-sheet").click()
        files[f"шаблон {sheet.title}"] = xlsx_text((await user.download.next(timeout=180)).content)
    await user.open(f"/upload?work={work_id}&class={class_id}")
    user.find(marker="download-results").click()
    files["шаблон результатов"] = xlsx_text((await user.download.next(timeout=180)).content)
    await user.open("/my")
    for kind, read in (("docx", docx_text), ("xlsx", xlsx_text)):
        press(user, f"teacher-download-{kind}")
        files[f"справка педагога {kind}"] = read((await user.download.next(timeout=180)).content)
    await user.open(f"/dashboard?parallel={parallel}&class={class_id}")
    await user.should_see(marker="dashboard-exports")
    for kind, read in (("docx", docx_text), ("xlsx", xlsx_text)):
        press(user, f"dashboard-download-{kind}")
        files[f"справка класса {kind}"] = read((await user.download.next(timeout=180)).content)
    for name, text in files.items():
        assert secrets.leaks(text) == [], name
    assert own_name in files["шаблон Обучающиеся"] and own_name in files["шаблон результатов"]


async def test_the_methodologist_reads_no_student_name_in_pages_or_files(data_dir: Path, workbook: Workbook,
                                                                        user: User) -> None:
    st, t = workbook["students"], workbook["teachers"]
    names = set(st["last_name"] + " " + st["first_name"]) - set(t["last_name"] + " " + t["first_name"])
    dates = {fmt_date(d) for d in st["birth_date"].dropna()}
    load = workbook["teaching_load"]
    _, class_id = a_work_of(workbook, zip(load["class_id"], load["subject_id"], strict=True))
    parallel = workbook["classes"].set_index("id").at[class_id, "parallel"]
    awarded = workbook["olympiads"]["teacher_id"].dropna()
    await sign_in(user, "metodist")
    for path in ("/", "/dashboard", f"/dashboard?parallel={parallel}",
                 f"/dashboard?parallel={parallel}&class={class_id}", "/teachers", f"/teacher/{awarded.iloc[0]}"):
        await user.open(path)
        await user.should_see(marker="whoami")
        blob = page_blob(user)
        assert sorted(n for n in names | dates if n in blob) == [], path
    await user.open("/dashboard")
    press(user, "download-olympiads")
    text = xlsx_text((await user.download.next(timeout=180)).content)
    assert sorted(n for n in names | dates if n in text) == []
    assert "Обучающийся " in text  # the olympiad workbook still lists each participant, by a code
