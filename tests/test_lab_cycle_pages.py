"""The management cycle's records edited and deleted in place through NiceGUI's user fixture: the same checks and
Russian messages as a new record (a bad cell changes nothing), an update of the changed cells through the outbox,
a deletion only after its confirmation; the authority's account neither sees the links nor opens the edit page,
and its command is refused on the server."""

from __future__ import annotations

from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User

from app.config import Settings
from app.lab.context import build_lab_context
from app.lab.writes import submit_lab
from sync.users import UserStore
from sync.write.commands import WriteCommand
from tests.lab_factory import lab_site_env
from tests.lab_staff_town import staff_town_dir
from tests.test_lab_town_pages import sign_in

GOAL = "Повысить объективность результатов ВПР"  # the demo cycle's first record, mc-001


@pytest.fixture
def lab_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return lab_site_env(monkeypatch, staff_town_dir(tmp_path / "lab"), EDUMON_ACADEMIC_YEAR="2025/2026")


def stored(root: Path) -> dict[str, dict[str, str]]:
    """id -> cell texts of «Управленческий цикл» as the store and the outbox hold it (another process's view)."""
    ctx = build_lab_context(Settings(site="lab", data_dir=root))
    ctx.cache.refresh()
    ids = ctx.cache.workbook.frames["management_cycle"]["id"].astype(str)
    return {i: ctx.cache.raw_row("management_cycle", i) for i in ids}


def field(user: User, key: str) -> ui.element:
    [el] = user.find(marker=f"field-{key}").elements
    return el


async def test_a_record_is_edited_in_place_with_the_forms_checks(lab_env: Path, user: User) -> None:
    await sign_in(user, "metodist")
    await user.open("/lab/cycle")
    await user.should_see(marker="cycle-edit-mc-001", retries=300)
    await user.open("/lab/cycle/mc-001")
    await user.should_see(marker="field-goal", retries=300)
    assert field(user, "goal").value == GOAL
    field(user, "goal").value = ""  # required: refused with the new record's message
    field(user, "target").value = "много"
    user.find(marker="form-save").click()
    await user.should_see("Цели и задачи: Обязательное поле не заполнено", retries=100)
    await user.should_see(marker="form-errors")
    assert stored(lab_env)["mc-001"]["goal"] == GOAL and stored(lab_env)["mc-001"]["target"] == "10"
    field(user, "goal").value = "Снизить долю школ с сигналами необъективности"
    field(user, "target").value = "8"
    user.find(marker="form-save").click()
    await user.should_see("Сохранено", retries=100)
    row = stored(lab_env)["mc-001"]
    assert (row["goal"], row["target"]) == ("Снизить долю школ с сигналами необъективности", "8")
    assert row["measures"] == "Независимые наблюдатели в школах с сигналами"  # untouched cells kept
    assert len(stored(lab_env)) == 7  # edited in place: no new record
    await user.open("/lab/cycle")
    await user.should_see("Снизить долю школ с сигналами необъективности", retries=300)


async def test_a_record_is_deleted_only_after_the_confirmation(lab_env: Path, user: User) -> None:
    await sign_in(user, "metodist")
    await user.open("/lab/cycle/mc-003")
    await user.should_see(marker="cycle-delete", retries=300)
    user.find(marker="cycle-delete").click()
    await user.should_see("Восстановить её будет нельзя", retries=100)
    user.find(marker="cycle-delete-cancel").click()
    assert "mc-003" in stored(lab_env)  # cancelled: nothing deleted
    user.find(marker="cycle-delete").click()
    user.find(marker="cycle-delete-confirm").click()
    await user.should_see(marker="cycle-records", retries=300)  # back on the cycle's page
    assert "mc-003" not in stored(lab_env) and len(stored(lab_env)) == 6
    await user.should_not_see(marker="cycle-edit-mc-003")
    await user.open("/lab/cycle/mc-003")
    await user.should_see("Запись не найдена: возможно, её уже удалили.", retries=300)


async def test_the_authority_reads_the_cycle_but_cannot_change_a_record(lab_env: Path, user: User) -> None:
    await sign_in(user, "uo")
    await user.open("/lab/cycle")
    await user.should_see(marker="doc-1-1", retries=600)
    await user.should_not_see(marker="cycle-edit-mc-001")
    await user.should_not_see(marker="cycle-records")
    await user.open("/lab/cycle/mc-001")
    await user.should_see(marker="forbidden", retries=300)
    authority = UserStore(lab_env / "users.sqlite3").get("uo")
    for command in (WriteCommand("update", "management_cycle", "mc-001", {"goal": "Чужая цель"}, {"goal": GOAL}),
                    WriteCommand("delete", "management_cycle", "mc-001")):
        assert [p.message for p in submit_lab(authority, [command])] == [
            "Изменять таблицы лаборатории может только методист лаборатории"]
    methodologist = UserStore(lab_env / "users.sqlite3").get("metodist")  # the server checks the cells too
    refused = submit_lab(methodologist, [WriteCommand("update", "management_cycle", "mc-001", {"target": "много"},
                                                      {"target": "10"})])
    assert [(p.field, p.message) for p in refused] == [("target", "Ожидается число")]
    assert stored(lab_env)["mc-001"]["goal"] == GOAL
