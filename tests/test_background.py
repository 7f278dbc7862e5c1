"""Pages survive cancelled background calls: NiceGUI's run.io_bound answers None when cancelled."""

from __future__ import annotations

from pathlib import Path

import pytest
from nicegui import run
from nicegui.testing import User

from app import background
from app.access import Role
from app.pages import snapshots as page
from sync.users import UserStore
from tests.conftest import PASSWORD, sign_in


async def _cancelled(*args: object, **kwargs: object) -> None:
    return None  # what run.io_bound / run.cpu_bound answer for a cancelled call or a stopping server


async def test_a_call_whose_own_result_is_none_is_not_mistaken_for_a_cancelled_one(user: User) -> None:
    assert await background.io_bound(dict.clear, {"a": 1}) is None
    assert await background.io_bound(sum, [1, 2, 3]) == 6


async def test_a_cancelled_call_raises_cancelled_instead_of_returning_none(user: User,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "io_bound", _cancelled)
    monkeypatch.setattr(run, "cpu_bound", _cancelled)
    with pytest.raises(background.Cancelled):
        await background.io_bound(sum, [1, 2])
    with pytest.raises(background.Cancelled):
        await background.cpu_bound(sum, [1, 2])


async def test_the_snapshots_page_survives_a_cancelled_listing(empty_data_dir: Path, user: User,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    UserStore(empty_data_dir / "users.sqlite3").add("admin", "Администратор", Role.DB_ADMIN, PASSWORD)
    page.create()
    await sign_in(user, "admin")
    monkeypatch.setattr(run, "io_bound", _cancelled)
    await user.open("/admin/snapshots")
    await user.should_see("Действие прервано")
    await user.should_see(marker="no-snapshots")  # the page is there, with an empty list
    user.find(marker="take-snapshot").click()  # an action cancelled the same way: a notice, the page stays
    await user.should_see(marker="snapshots-table")
