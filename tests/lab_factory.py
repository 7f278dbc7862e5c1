"""Small schools for the lab's tests: generated, students renamed to markers a test can search every file for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from app.demo.school import generate_demo
from sheets_schema import SCHEMA, validate_workbook
from sheets_schema.bundle import prune_dangling, render_grid
from sync.warehouse.bundle import bundle_frames, write_bundle

MARK_LAST, MARK_FIRST, MARK_MIDDLE = "Маркерова", "Тестина", "Проверковна"
MARK_YEAR = 1901  # every student is born in 1901: no other date of a school falls in that year


def marked_grids(students: int = 60, seed: int = 5) -> dict[str, list[list[str]]]:
    """A school's sheets whose students carry unmistakable names and birth dates, hand-spoiled cells removed."""
    frames = dict(validate_workbook(SCHEMA, generate_demo(students, seed).grids).frames)
    st = frames["students"].copy()
    st["last_name"] = [f"{MARK_LAST}{i}" for i in range(len(st))]
    st["first_name"] = MARK_FIRST
    st["middle_name"] = MARK_MIDDLE
    st["birth_date"] = [pd.Timestamp(dt.date(MARK_YEAR, 1, 1) + dt.timedelta(days=i % 360)) for i in range(len(st))]
    frames["students"] = st
    frames = prune_dangling(SCHEMA, frames)[0]
    return {s.title: render_grid(s, frames[s.key]) for s in SCHEMA}


def school_workbook(students: int = 60, seed: int = 5) -> dict[str, pd.DataFrame]:
    return dict(validate_workbook(SCHEMA, marked_grids(students, seed)).frames)


def make_bundle(out: Path, frames: dict[str, pd.DataFrame], code: str = "sch-t1", year: str = "2025/2026",
                key: bytes = b"k" * 32) -> Path:
    tables, _ = bundle_frames(frames, key)
    write_bundle(out, tables, code, year)
    return out
