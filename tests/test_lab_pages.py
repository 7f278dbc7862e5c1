"""The lab's site through NiceGUI's user fixture: the board matches what was sent, an uploader sends only for
their school (another school's bundle is refused with a Russian reason), the authority only reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User

from app.config import Settings
from app.demo.town import TownSchool, registry_grids
from app.lab.context import build_lab_context
from reports.district import CUBE
from sync.warehouse.intake import ingest_bundle
from tests.conftest import PASSWORD
from tests.lab_factory import add_lab_accounts, make_bundle, school_workbook

TOWN = [TownSchool("sch-001", "СОШ № 1", "СОШ", 60), TownSchool("gim-002", "Гимназия № 2", "гимназия", 60),
        TownSchool("oosh-03", "Ключевская ООШ", "ООШ", 60)]


@pytest.fixture(scope="module")
def frames() -> dict:
    return school_workbook(40, 9)


@pytest.fixture
def lab_dir(tmp_path: Path, frames: dict, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "lab"
    ctx = build_lab_context(Settings(site="lab", data_dir=root))
    ctx.ensure_layout()
    for title, grid in registry_grids(TOWN, "2025/2026").items():
        ctx.store.replace_sheet(title, grid)
    ctx.cache.refresh()
    bundle = make_bundle(tmp_path / "gim.zip", frames, code="gim-002")
    assert ingest_bundle(ctx.warehouse, ctx.receipts, bundle, "общая папка", CUBE, registered=ctx.registered()).ok
    add_lab_accounts(root, "sch-001", "Ответственный СОШ № 1")
    make_bundle(tmp_path / "ours.zip", frames, code="sch-001")
    make_bundle(tmp_path / "theirs.zip", frames, code="oosh-03")
    monkeypatch.setenv("EDUMON_SITE", "lab")
    monkeypatch.setenv("EDUMON_DATA_DIR", str(root))
    monkeypatch.setenv("EDUMON_BACKEND", "local")
    return root


async def sign_in(user: User, login: str) -> None:
    """Through the lab's sign-in page; the board it lands on is built off the loop, so wait for it generously."""
    await user.open("/login")
    user.find(marker="login").type(login)
    user.find(marker="password").type(PASSWORD)
    user.find(marker="sign-in").click()
    await user.should_see(marker="whoami", retries=300)


def _board(user: User) -> dict[str, dict]:
    table = user.find(marker="board").elements.pop()
    assert isinstance(table, ui.table)
    return {r["code"]: r for r in table.rows}


async def _upload(user: User, data: bytes, name: str) -> None:
    element = user.find(marker="lab-upload").elements.pop()
    assert isinstance(element, ui.upload)
    await element.handle_uploads([ui.upload.SmallFileUpload(name, "application/zip", data)])


async def test_the_board_shows_who_sent(lab_dir: Path, user: User) -> None:
    await sign_in(user, "metodist")
    await user.open("/")
    await user.should_see("принято 1 из 3, не прислали 2", marker="board-summary", retries=300)
    rows = _board(user)
    assert {c: r["status"] for c, r in rows.items()} == {"sch-001": "не прислан", "gim-002": "принят",
                                                         "oosh-03": "не прислан"}
    indicators = user.find(marker="town-indicators").elements.pop()
    assert {r["school"] for r in indicators.rows} == {"gim-002"}


async def test_an_uploader_sends_only_for_their_school(lab_dir: Path, user: User) -> None:
    await sign_in(user, "school1")
    await user.open("/lab/upload")
    await user.should_see("sch-001", marker="upload-school")
    await _upload(user, (lab_dir.parent / "theirs.zip").read_bytes(), "theirs.zip")
    await user.should_see("Пакет подписан кодом школы «oosh-03», а учётная запись относится к школе «sch-001»",
                          marker="upload-problem", retries=600)
    await _upload(user, (lab_dir.parent / "ours.zip").read_bytes(), "ours.zip")
    await user.should_see(marker="upload-ok", retries=600)
    await user.open("/")
    await user.should_see(marker="board", retries=300)
    rows = _board(user)
    assert rows["sch-001"]["status"] == "принят" and set(rows) == {"sch-001"}  # the others' rows are not theirs


async def test_the_authority_reads_the_board_but_cannot_upload_or_edit(lab_dir: Path, user: User) -> None:
    await sign_in(user, "uo")
    await user.open("/")
    await user.should_see(marker="board", retries=300)
    await user.open("/lab/upload")
    await user.should_see(marker="forbidden")
    await user.open("/lab/entry/schools")
    await user.should_see(marker="forbidden")
