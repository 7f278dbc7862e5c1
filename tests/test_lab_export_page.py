"""The deputy's «Пакет для лаборатории» button on the school's site: a bundle without students' names, off the loop;
a teacher cannot open the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from nicegui.testing import User

from tests.conftest import sign_in


@pytest.fixture
def coded(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The school's code set before the app reads its settings (request it before `user`)."""
    monkeypatch.setenv("EDUMON_SCHOOL_CODE", "sch-001")
    return data_dir


@pytest.fixture
def uncoded(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("EDUMON_SCHOOL_CODE", raising=False)
    return data_dir


async def test_the_deputy_downloads_the_bundle(coded: Path, user: User) -> None:
    data_dir = coded
    await sign_in(user, "zam")
    await user.open("/lab-export")
    user.find(marker="lab-export").click()
    await user.should_see("Готово:", marker="lab-export-status", retries=600)
    written = list((data_dir / "lab-export").glob("sch-001-2025-2026-*.zip"))
    assert len(written) == 1 and written[0].stat().st_size > 0
    assert (data_dir / "lab_key").is_file()


async def test_without_a_school_code_the_page_says_what_to_set(uncoded: Path, user: User) -> None:
    data_dir = uncoded
    await sign_in(user, "zam")
    await user.open("/lab-export")
    user.find(marker="lab-export").click()
    await user.should_see("EDUMON_SCHOOL_CODE", marker="lab-export-status", retries=600)
    assert not (data_dir / "lab-export").exists()


async def test_a_teacher_cannot_open_the_page(data_dir: Path, user: User) -> None:
    await sign_in(user, "uchitel")
    await user.open("/lab-export")
    await user.should_see(marker="forbidden")
