"""Small schools for the lab's tests: generated, students renamed to markers a test can search every file for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.config import Settings
from app.demo.school import generate_demo
from app.demo.town import TownSchool, planted, registry_grids
from app.lab.context import LabContext, build_lab_context
from reports.district import MATERIALISED
from sheets_schema import SCHEMA, validate_workbook
from sheets_schema.bundle import prune_dangling, render_grid
from sync.users import UserStore
from sync.warehouse.bundle import bundle_frames, write_bundle
from sync.warehouse.intake import ingest_bundle
from tests.conftest import PASSWORD

MARK_LAST, MARK_FIRST, MARK_MIDDLE = "Маркерова", "Тестина", "Проверковна"
MARK_YEAR = 1901  # every student is born in 1901: no other date of a school falls in that year


def lab_site_env(monkeypatch: pytest.MonkeyPatch, root: Path, **env: str) -> Path:
    """The environment a lab page test runs in: the lab site on the embedded store in `root`, plus `env`."""
    for key, value in {"EDUMON_SITE": "lab", "EDUMON_DATA_DIR": str(root), "EDUMON_BACKEND": "local", **env}.items():
        monkeypatch.setenv(key, value)
    return root


def add_lab_accounts(root: Path, school: str = "sch-001", uploader: str = "Ответственный СОШ № 1") -> None:
    """The lab's three roles in a lab data dir: metodist, school1 (the uploader of `school`) and uo."""
    users = UserStore(root / "users.sqlite3")
    users.add("metodist", "Методист", "lab_methodologist", PASSWORD)
    users.add("school1", uploader, "lab_uploader", PASSWORD, teacher_id=school)
    users.add("uo", "Управление образования", "lab_authority", PASSWORD)


def marked_grids(students: int = 60, seed: int = 5, academic_year: str = "2025/2026") -> dict[str, list[list[str]]]:
    """A school's sheets whose students carry unmistakable names and birth dates, hand-spoiled cells removed."""
    frames = dict(validate_workbook(SCHEMA, generate_demo(students, seed, academic_year).grids).frames)
    st = frames["students"].copy()
    st["last_name"] = [f"{MARK_LAST}{i}" for i in range(len(st))]
    st["first_name"] = MARK_FIRST
    st["middle_name"] = MARK_MIDDLE
    st["birth_date"] = [pd.Timestamp(dt.date(MARK_YEAR, 1, 1) + dt.timedelta(days=i % 360)) for i in range(len(st))]
    frames["students"] = st
    frames = prune_dangling(SCHEMA, frames)[0]
    return {s.title: render_grid(s, frames[s.key]) for s in SCHEMA}


def school_workbook(students: int = 60, seed: int = 5, academic_year: str = "2025/2026") -> dict[str, pd.DataFrame]:
    return dict(validate_workbook(SCHEMA, marked_grids(students, seed, academic_year)).frames)


def make_bundle(out: Path, frames: dict[str, pd.DataFrame], code: str = "sch-t1", year: str = "2025/2026",
                key: bytes = b"k" * 32) -> Path:
    tables, _ = bundle_frames(frames, key)
    write_bundle(out, tables, code, year)
    return out


def town_of_years(root: Path, town: list[TownSchool], years: int = 3, students: int = 120) -> LabContext:
    """A lab holding `years` academic years (the last 2025/2026) of each school of `town`, students renamed to the
    markers, each school's planted patterns (demo_town.planted) applied per year; the registry with its passport."""
    ctx = build_lab_context(Settings(site="lab", data_dir=root))
    ctx.ensure_layout()
    for title, grid in registry_grids(town, "2025/2026").items():
        ctx.store.replace_sheet(title, grid)
    ctx.cache.refresh()
    for i, school in enumerate(town):
        for back in range(years - 1, -1, -1):
            year = f"{2025 - back}/{2026 - back}"
            frames = planted(school, school_workbook(students, 31 + 7 * i + 100 * back, year),
                             np.random.default_rng(i + 10 * back), back)
            frames = prune_dangling(SCHEMA, frames)[0]
            bundle = make_bundle(root.parent / f"{school.code}-{back}.zip", frames, code=school.code, year=year)
            outcome = ingest_bundle(ctx.warehouse, ctx.receipts, bundle, "общая папка", MATERIALISED,
                                    registered=ctx.registered())
            assert outcome.ok, outcome.problems
    ctx.engine.refresh()
    return ctx
