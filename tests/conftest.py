"""Shared fixtures: a demo school seeded once per session into an embedded store, and settings pointing at it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from nicegui.testing import User

from app.demo.accounts import create_demo_accounts
from app.demo.school import DemoSchool, generate_demo
from reports import results_facts
from sheets_schema import SCHEMA, Workbook, validate_workbook
from sync.layout import layouts_of
from sync.local import LocalStore
from sync.users import UserStore
from tests.waits import patient_user

patient_user()  # condition-based waits with generous limits for NiceGUI's simulated user (tests/waits.py)

# Pages compute their analytics in worker threads, so a page opened by a click finishes after a few event-loop
# turns on a busy machine: the simulated user waits for what it should (not) see up to 10 s, not 0.3 s.
for _wait in (User.should_see, User.should_not_see):
    _wait.__kwdefaults__["retries"] = max(_wait.__kwdefaults__["retries"], 100)

PASSWORD = "test-pass-123"


@pytest.fixture(autouse=True)
def _ui_app(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Which variant of the app tests/ui_main.py builds for the `user` fixture (`@pytest.mark.ui_app(...)`)."""
    marker = request.node.get_closest_marker("ui_app")
    if marker is None:
        monkeypatch.delenv("UI_TEST_APP", raising=False)
    else:
        monkeypatch.setenv("UI_TEST_APP", marker.args[0])

DEMO_STUDENTS = 300
DEMO_SEED = 7


@pytest.fixture(scope="session")
def demo_school() -> DemoSchool:
    return generate_demo(students=DEMO_STUDENTS, seed=DEMO_SEED)


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory, demo_school: DemoSchool) -> Path:
    """A data dir whose embedded store holds the demo school (read-only for tests: copy it before writing)."""
    root = tmp_path_factory.mktemp("seeded")
    store = LocalStore(root / "edumon.sqlite3")
    store.ensure_layout(layouts_of(SCHEMA))
    for sheet in SCHEMA:
        store.replace_sheet(sheet.title, demo_school.grids[sheet.title])
    users = UserStore(root / "users.sqlite3")
    create_demo_accounts(users, validate_workbook(SCHEMA, demo_school.grids).frames, password=PASSWORD)
    return root


@pytest.fixture(scope="session")
def workbook(demo_school: DemoSchool) -> Workbook:
    """The demo school validated (read-only: tests must not change its frames)."""
    return validate_workbook(SCHEMA, demo_school.grids)


@pytest.fixture(scope="session")
def facts(workbook: Workbook) -> pd.DataFrame:
    """The demo school's result facts (read-only)."""
    return results_facts(workbook)


def teacher_of(data_dir: Path, login: str) -> str:
    """The teacher row behind a demo account of the seeded data dir."""
    return UserStore(data_dir / "users.sqlite3").get(login).teacher_id


async def sign_in(user: User, login: str, password: str = PASSWORD) -> None:
    """Sign in through the real sign-in page, as a person would."""
    await user.open("/login")
    user.find(marker="login").type(login)
    user.find(marker="password").type(password)
    user.find(marker="sign-in").click()
    await user.should_see(marker="whoami")


@pytest.fixture
def data_dir(tmp_path: Path, seeded_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the seeded store, with EDUMON_* settings pointing at it."""
    target = tmp_path / "data"
    shutil.copytree(seeded_dir, target)
    monkeypatch.setenv("EDUMON_DATA_DIR", str(target))
    monkeypatch.setenv("EDUMON_BACKEND", "local")
    yield target


@pytest.fixture
def empty_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "empty"
    monkeypatch.setenv("EDUMON_DATA_DIR", str(target))
    monkeypatch.setenv("EDUMON_BACKEND", "local")
    return target
