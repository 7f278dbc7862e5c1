"""The town dashboard through NiceGUI's user fixture: the methodologist drills town → school → parallel → class and
town → subject → school → teacher by the pages' own links, sees the unobjective school flagged; who may open what
is a matrix of roles × views; no page of the lab shows a student's name."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from nicegui import ui
from nicegui.testing import User

from tests.conftest import PASSWORD
from tests.lab_factory import MARK_FIRST, MARK_LAST, MARK_MIDDLE, add_lab_accounts
from tests.test_lab_town import INFLATED, build_town, town_frames

MATH = quote("математика")


@pytest.fixture(scope="module")
def town_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("town-pages") / "lab"
    ctx = build_town(root, town_frames())
    ctx.engine.close()
    add_lab_accounts(root, "sch-001", "Ответственный СОШ № 1")
    return root


@pytest.fixture
def lab_env(town_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EDUMON_SITE", "lab")
    monkeypatch.setenv("EDUMON_DATA_DIR", str(town_dir))
    monkeypatch.setenv("EDUMON_BACKEND", "local")
    monkeypatch.setenv("EDUMON_SIGNAL_MIN_N", "15")
    return town_dir


async def sign_in(user: User, login: str) -> None:
    await user.open("/login")
    user.find(marker="login").type(login)
    user.find(marker="password").type(PASSWORD)
    user.find(marker="sign-in").click()
    await user.should_see(marker="whoami", retries=300)


def rows(user: User, marker: str) -> list[dict]:
    table = user.find(marker=marker).elements.pop()
    assert isinstance(table, ui.table)
    return list(table.rows)


def no_student_names(user: User) -> str:
    """Every element's text and properties (tables' rows, charts' options) of the page as shown."""
    text = json.dumps([[getattr(e, "text", ""), e.props] for e in user.client.elements.values()],
                      ensure_ascii=False, default=str)
    assert MARK_LAST not in text and MARK_FIRST not in text and MARK_MIDDLE not in text
    return text


async def opened(user: User, path: str, marker: str) -> list[dict]:
    await user.open(path)
    await user.should_see(marker=marker, retries=300)
    no_student_names(user)
    return rows(user, marker) if marker not in ("forbidden", "town-chart") else []


async def test_the_methodologist_drills_to_a_class_and_a_teacher(lab_env: Path, user: User) -> None:
    await sign_in(user, "metodist")
    town = await opened(user, "/lab/town?kind=ВПР", "town-schools")
    assert "Ключевская ООШ" in no_student_names(user)  # the scan reads the tables' rows
    assert {r["school"] for r in town} == {"sch-001", "gim-002", "oosh-03"}
    assert all(r["N"] not in ("", "0") for r in town) and all("," in r["quality_pct"] for r in town
                                                                   if r["quality_pct"] != "—")
    groups = {r["group"] for r in rows(user, "town-groups")}
    assert groups == {"общеобразовательные", "с углублённым изучением, гимназии, лицеи"}
    school = next(r for r in town if r["school"] == "sch-001")
    parallels = await opened(user, school["link"], "school-parallels")
    assert parallels and all(r["link"].startswith("/lab/town/school/sch-001/parallel/") for r in parallels)
    classes = await opened(user, parallels[0]["link"], "parallel-classes")
    assert classes and all(r["link"].startswith("/lab/town/school/sch-001/class/") for r in classes)
    subjects = await opened(user, classes[0]["link"], "class-subjects")
    assert subjects and all(r["kind"] == "ВПР" for r in subjects)
    town_subjects = await opened(user, "/lab/town", "town-subjects")
    math = next(r for r in town_subjects if r["subject"] == "математика")
    by_school = await opened(user, math["link"], "subject-schools")
    gim = next(r for r in by_school if r["school"] == "gim-002")
    teachers = await opened(user, gim["link"], "subject-teachers")
    assert teachers and all(r["subject"] == "математика" and r["teacher"] != "—" for r in teachers)
    profile = await opened(user, "/lab/town/school/oosh-03/tasks", "task-profile")
    assert profile and all(r["kind"] == "ВПР" and r["diff_pp"] != "" for r in profile)
    weak = await opened(user, "/lab/town/tasks", "weak-elements")
    assert weak and all(r["town_pct"] != "—" for r in weak)
    await opened(user, "/", "board")
    await opened(user, "/lab/entry/schools", "lab-rows")


async def test_the_methodologist_sees_the_unobjective_school_flagged(lab_env: Path, user: User) -> None:
    await sign_in(user, "metodist")
    flagged = await opened(user, "/lab/signals", "flagged-schools")
    assert [r["short_name"] for r in flagged] == ["Ключевская ООШ"]  # INFLATED
    assert INFLATED == "oosh-03"
    shares = rows(user, "signals")
    assert all(r["signals"] == "" for r in shares if r["short_name"] == "Гимназия № 2")


# login -> view -> may open it (a school's own rows only for its uploader; the authority reads aggregates only)
VIEWS = {
    "town": "/lab/town",
    "own school": "/lab/town/school/sch-001",
    "other school": "/lab/town/school/gim-002",
    "own parallel": "/lab/town/school/sch-001/parallel/5",
    "other class": "/lab/town/school/gim-002/class/cls-0001",
    "subject": f"/lab/town/subject/{MATH}",
    "teachers": f"/lab/town/subject/{MATH}/school/sch-001",
    "signals": "/lab/signals",
    "weak elements": "/lab/town/tasks",
    "other profile": "/lab/town/school/gim-002/tasks",
    "entry": "/lab/entry/schools",
}
MATRIX = {
    "metodist": {v: True for v in VIEWS},
    "uo": {"town": True, "own school": True, "other school": True, "own parallel": False, "other class": False,
           "subject": True, "teachers": False, "signals": True, "weak elements": True, "other profile": True,
           "entry": False},
    "school1": {"town": True, "own school": True, "other school": False, "own parallel": True, "other class": False,
                "subject": True, "teachers": False, "signals": False, "weak elements": False,
                "other profile": False, "entry": False},
}


@pytest.mark.parametrize("login", ["metodist", "uo", "school1"])
async def test_roles_matrix(lab_env: Path, user: User, login: str) -> None:
    await sign_in(user, login)
    for view, path in VIEWS.items():
        await user.open(path)
        if MATRIX[login][view]:
            shown = {"signals": "signals", "entry": "lab-rows"}.get(view, "crumbs")
            await user.should_see(marker=shown, retries=300)
            await user.should_not_see(marker="forbidden")
        else:
            await user.should_see(marker="forbidden", retries=300)
        no_student_names(user)
    if login == "school1":  # the town's aggregates, and of the schools only their own row
        town = await opened(user, "/lab/town", "town-schools")
        assert [r["school"] for r in town] == ["sch-001"]
        assert rows(user, "town-groups")
