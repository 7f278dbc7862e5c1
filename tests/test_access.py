"""Access rules: a role × page × action matrix, enforced on the server (pages and direct write commands)."""

from __future__ import annotations

from pathlib import Path

import pytest
from nicegui.testing import User

from app.access import PAGES, Role, authorize_commands, scope_of, visible_facts
from app.demo.accounts import pick_demo_staff
from app.demo.school import DemoSchool
from reports.analytics.facts import results_facts
from sheets_schema import SCHEMA, validate_workbook
from sync.users import Account, UserStore
from sync.write.commands import CommandRejected, WriteCommand
from tests.conftest import sign_in

LOGINS = {Role.TEACHER: "uchitel", Role.CLASS_TEACHER: "klruk", Role.HEAD: "shmo", Role.DEPUTY: "zam",
          Role.DB_ADMIN: "admin", Role.METHODOLOGIST: "metodist"}
PAGE_PATHS = {"overview": "/", "issues": "/issues"}


@pytest.fixture(scope="module")
def frames(demo_school: DemoSchool):
    return validate_workbook(SCHEMA, demo_school.grids).frames


def account(role: Role, frames) -> Account:
    staff = pick_demo_staff(frames)
    return Account(LOGINS[role], "Тест", role, staff.get(role, ""))


def own_and_foreign_result(frames, teacher_id: str) -> tuple[dict, dict]:
    """An existing result inside the teacher's load and one outside it."""
    facts = results_facts(frames)
    load = frames["teaching_load"]
    pairs = set(zip(load.loc[load["teacher_id"] == teacher_id, "class_id"],
                    load.loc[load["teacher_id"] == teacher_id, "subject_id"], strict=True))
    inside = facts[[(c, s) in pairs for c, s in zip(facts["class_id"], facts["subject_id"], strict=True)]]
    outside = facts[[(c, s) not in pairs for c, s in zip(facts["class_id"], facts["subject_id"], strict=True)]]
    return inside.iloc[0].to_dict(), outside.iloc[0].to_dict()


def update_result(fact: dict) -> WriteCommand:
    return WriteCommand("update", "results", fact["result_id"], {"present": "нет", "scores": "", "total": "",
                                                                 "mark": ""}, user="t")


def append_student() -> WriteCommand:
    return WriteCommand("append", "students", "st-new", {"last_name": "Новиков", "first_name": "Пётр",
                                                         "class_id": "cls-0001"}, user="t")


# role -> (may edit a result in own load, may edit a result outside it, may add a student)
WRITE_MATRIX = {
    Role.TEACHER: (True, False, False),
    Role.CLASS_TEACHER: (True, False, False),
    Role.HEAD: (True, False, False),
    Role.DEPUTY: (True, True, True),
    Role.DB_ADMIN: (False, False, True),
    Role.METHODOLOGIST: (False, False, False),
}


@pytest.mark.parametrize("role", list(Role))
def test_write_matrix(role: Role, frames) -> None:
    acc = account(role, frames)
    ref_teacher = acc.teacher_id or pick_demo_staff(frames)[Role.TEACHER]
    inside, outside = own_and_foreign_result(frames, ref_teacher)
    if role == Role.HEAD:  # a head's department subjects are in scope too: pick a result outside both
        scope = scope_of(acc, frames)
        facts = results_facts(frames)
        outside = visible_facts(facts, scope)
        outside = facts[~facts["result_id"].isin(outside["result_id"])].iloc[0].to_dict()
    own_ok, foreign_ok, student_ok = WRITE_MATRIX[role]
    for cmd, allowed in ((update_result(inside), own_ok), (update_result(outside), foreign_ok),
                         (append_student(), student_ok)):
        if allowed:
            authorize_commands(acc, [cmd], frames)
        else:
            with pytest.raises(CommandRejected):
                authorize_commands(acc, [cmd], frames)


def test_teacher_cannot_move_a_foreign_result_into_scope_or_sneak_it_into_a_batch(frames) -> None:
    acc = account(Role.TEACHER, frames)
    inside, outside = own_and_foreign_result(frames, acc.teacher_id)
    with pytest.raises(CommandRejected, match="вне вашей нагрузки"):
        authorize_commands(acc, [update_result(inside), update_result(outside)], frames)
    sneaky = WriteCommand("update", "results", outside["result_id"], {"student_id": inside["student_id"],
                                                                      "work_id": inside["work_id"]})
    with pytest.raises(CommandRejected):
        authorize_commands(acc, [sneaky], frames)


def test_a_changed_teaching_load_changes_what_a_teacher_may_save(frames) -> None:
    """The write check keeps a teacher's scope between saves; a new read of the load (other frames) is obeyed."""
    acc = account(Role.TEACHER, frames)
    inside, outside = own_and_foreign_result(frames, acc.teacher_id)
    authorize_commands(acc, [update_result(inside)], frames)
    load, classes = frames["teaching_load"].copy(), frames["classes"].copy()
    # the deputy gave the teacher's lessons, and the class they lead, to a colleague
    load.loc[(load["teacher_id"] == acc.teacher_id).to_numpy(dtype=bool), "teacher_id"] = "t-somebody-else"
    leads = (classes["class_teacher_id"] == acc.teacher_id).fillna(False).to_numpy(dtype=bool)
    classes.loc[leads, "class_teacher_id"] = "t-somebody-else"
    with pytest.raises(CommandRejected, match="вне вашей нагрузки"):
        authorize_commands(acc, [update_result(inside)], {**frames, "teaching_load": load, "classes": classes})
    authorize_commands(acc, [update_result(inside)], frames)  # the load as it was: allowed again


def test_teacher_sees_only_own_classes_and_subjects(frames) -> None:
    acc = account(Role.TEACHER, frames)
    facts = results_facts(frames)
    mine = visible_facts(facts, scope_of(acc, frames))
    load = frames["teaching_load"]
    pairs = set(zip(load.loc[load["teacher_id"] == acc.teacher_id, "class_id"],
                    load.loc[load["teacher_id"] == acc.teacher_id, "subject_id"], strict=True))
    assert 0 < len(mine) < len(facts)
    assert set(zip(mine["class_id"], mine["subject_id"], strict=True)) <= pairs


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("page_key", list(PAGE_PATHS))
async def test_page_matrix(data_dir: Path, user: User, role: Role, page_key: str) -> None:
    await sign_in(user, LOGINS[role])
    await user.open(PAGE_PATHS[page_key])
    if role in PAGES[page_key]:
        await user.should_not_see(marker="forbidden")
    else:
        await user.should_see(marker="forbidden")


async def test_pages_need_a_session(data_dir: Path, user: User) -> None:
    await user.open("/issues")
    await user.should_see(marker="sign-in")


async def test_wrong_password_is_refused(data_dir: Path, user: User) -> None:
    await user.open("/login")
    user.find(marker="login").type("zam")
    user.find(marker="password").type("wrong-password")
    user.find(marker="sign-in").click()
    await user.should_see("Неверное имя для входа или пароль")
    await user.should_not_see(marker="whoami")


def test_disabled_account_cannot_sign_in(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "u.sqlite3")
    users.add("t1", "Учитель", Role.TEACHER, "password-1", "t-001")
    users.set_disabled("t1")
    assert users.authenticate("t1", "password-1") is None


def test_passwords_are_stored_as_argon2_hashes(tmp_path: Path) -> None:
    import sqlite3

    users = UserStore(tmp_path / "u.sqlite3")
    users.add("zam", "Зам", Role.DEPUTY, "секретный-пароль")
    (stored,) = sqlite3.connect(tmp_path / "u.sqlite3").execute("SELECT password_hash FROM users").fetchone()
    assert stored.startswith("$argon2") and "секретный" not in stored


@pytest.mark.parametrize(("role", "own_department", "allowed"), [
    (Role.HEAD, True, True), (Role.HEAD, False, False), (Role.DEPUTY, False, True), (Role.TEACHER, True, False),
    (Role.CLASS_TEACHER, True, False), (Role.METHODOLOGIST, True, False),
])
def test_who_may_keep_the_monitoring_cycle_of_a_work(frames, role: Role, own_department: bool,
                                                      allowed: bool) -> None:
    head = account(Role.HEAD, frames)
    subjects = scope_of(head, frames).department_subjects
    works = frames["works"]
    inside = works["subject_id"].astype(str).isin(subjects)
    work_id = str(works.loc[inside if own_department else ~inside, "id"].iloc[0])
    cmd = WriteCommand("append", "work_stages", "ws-new", {"work_id": work_id, "stage": "анализ",
                                                           "date": "01.04.2026", "note": "Анализ"}, user="t")
    acc = head if role == Role.HEAD else account(role, frames)
    if allowed:
        authorize_commands(acc, [cmd], frames)
    else:
        with pytest.raises(CommandRejected):
            authorize_commands(acc, [cmd], frames)
