"""The monitoring cycle on the work page: stages reached, notes recorded through the write path, access rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from nicegui.testing import User

from app.demo.school import DemoSchool
from app.pages.work_cycle import reached_stage, stage_changes
from app.state import ctx
from reports import results_facts
from sheets_schema import SCHEMA, validate_workbook
from sheets_schema.choices import CYCLE_STAGES
from sync.users import Account
from tests.conftest import sign_in
from tests.test_forms_pages import set_value, store_row, until

pytestmark = pytest.mark.ui_app("manual_drain")

DEPUTY = Account("zam", "Завуч", "deputy", "")
HEAD = Account("shmo", "Руководитель", "head_of_department", "t-001")


def notes(*stages: str) -> pd.DataFrame:
    return pd.DataFrame({"work_id": ["w-1"] * len(stages), "stage": list(stages)})


@pytest.mark.parametrize(("own", "noted", "expected"), [
    (None, (), -1),
    ("проведение", (), 3),
    ("проведение", ("проблема", "анализ"), 5),  # a note for a later stage means the work got there
    ("рекомендации", ("проблема",), 6),
    ("не этап", ("цели и задачи",), 1),
])
def test_reached_stage_is_the_furthest_of_cell_and_notes(own, noted, expected) -> None:
    assert reached_stage({"id": "w-1", "stage": own}, notes(*noted)) == expected


def test_the_deputy_moves_the_work_forward_with_the_note() -> None:
    work = {"id": "w-1", "stage": "проведение"}
    changes = stage_changes(work, "анализ", "  Анализ выполнен  ", DEPUTY, dt.date(2026, 4, 20))
    assert [(c.op, c.sheet) for c in changes] == [("append", "work_stages"), ("update", "works")]
    note, move = changes
    assert note.values == {"id": note.row_id, "work_id": "w-1", "stage": "анализ", "date": "20.04.2026",
                           "note": "Анализ выполнен", "author": "Завуч"}
    assert note.row_id.startswith("ws-")
    assert (move.row_id, move.values, move.expected) == ("w-1", {"stage": "анализ"}, {"stage": "проведение"})
    # a note for an earlier stage adds to the record without moving the work back
    assert [c.sheet for c in stage_changes(work, "проблема", "Уточнили", DEPUTY, dt.date(2026, 4, 20))] == [
        "work_stages"]


def test_a_head_of_department_only_adds_notes() -> None:
    changes = stage_changes({"id": "w-1", "stage": None}, "проблема", "Низкие результаты", HEAD, dt.date(2026, 1, 9))
    assert [c.sheet for c in changes] == ["work_stages"]


def test_demo_notes_follow_each_work_up_to_its_stage(demo_school: DemoSchool) -> None:
    wb = validate_workbook(SCHEMA, demo_school.grids)
    works, stages = wb["works"], wb["work_stages"]
    assert not [i for i in wb.issues if i.sheet_key == "work_stages"]
    per_work = stages.groupby("work_id")["stage"].apply(list)
    for rec in works.to_dict("records"):
        reached = CYCLE_STAGES.index(rec["stage"])
        assert per_work[rec["id"]] == list(CYCLE_STAGES[:reached + 1])


async def test_deputy_records_the_next_stage(data_dir: Path, demo_school: DemoSchool, user: User) -> None:
    works = validate_workbook(SCHEMA, demo_school.grids)["works"]
    work = works[works["stage"] == "анализ"].iloc[0]
    await sign_in(user, "zam")
    await user.open(f"/work/{work['id']}")
    await user.should_see("Текущий этап: анализ", marker="work-stage")
    set_value(user, "stage-select", "рекомендации")
    user.find(marker="stage-note").type("Справка обсуждена на педсовете 25.04")
    user.find(marker="stage-save").click()
    await until(lambda: ctx().outbox.pending())
    sheets = sorted(e.command.sheet for e in ctx().outbox.pending())
    assert sheets == ["work_stages", "works"]
    ctx().worker.drain()
    assert store_row("works", work["id"])[SCHEMA["works"].keys.index("stage")] == "рекомендации"
    await user.open(f"/work/{work['id']}")
    await user.should_see("Текущий этап: рекомендации", marker="work-stage")
    await user.should_see("Справка обсуждена на педсовете 25.04")


async def test_an_empty_note_is_refused_and_nothing_is_written(data_dir: Path, demo_school: DemoSchool,
                                                               user: User) -> None:
    work_id = str(validate_workbook(SCHEMA, demo_school.grids)["works"]["id"].iloc[0])
    await sign_in(user, "zam")
    await user.open(f"/work/{work_id}")
    user.find(marker="stage-save").click()
    await user.should_see("пустая запись не сохраняется")
    assert ctx().outbox.pending() == []


async def test_a_teacher_reads_the_cycle_but_has_no_form(data_dir: Path, user: User) -> None:
    from sync.users import UserStore

    teacher_id = UserStore(data_dir / "users.sqlite3").get("uchitel").teacher_id
    frames = ctx().cache.workbook.frames
    load = frames["teaching_load"]
    mine = set(zip(load.loc[load["teacher_id"] == teacher_id, "class_id"],
                   load.loc[load["teacher_id"] == teacher_id, "subject_id"], strict=True))
    facts = results_facts(ctx().cache.workbook)
    pairs = pd.Series(list(zip(facts["class_id"], facts["subject_id"], strict=True)))
    work = {"id": str(facts.loc[pairs.isin(mine).to_numpy(), "work_id"].iloc[0])}
    await sign_in(user, "uchitel")
    await user.open(f"/work/{work['id']}")
    await user.should_see(marker="work-cycle")
    await user.should_not_see(marker="stage-form")


async def test_a_head_keeps_the_cycle_of_department_works_only(data_dir: Path, user: User) -> None:
    from app.access import scope_of
    from sync.users import UserStore

    head = UserStore(data_dir / "users.sqlite3").get("shmo")
    frames = ctx().cache.workbook.frames
    scope = scope_of(head, frames)
    works = frames["works"]
    inside = works["subject_id"].astype(str).isin(scope.department_subjects)
    own = str(works.loc[inside, "id"].iloc[0])
    # a work of another department in a parallel the head does not teach: no results to see, no form either
    taught = {str(s) for _, s in scope.pairs}
    foreign = str(works.loc[~inside & ~works["subject_id"].astype(str).isin(taught), "id"].iloc[0])
    await sign_in(user, "shmo")
    await user.open(f"/work/{own}")
    await user.should_see(marker="stage-form")
    await user.open(f"/work/{foreign}")
    await user.should_see(marker="work-no-access")
    await user.should_not_see(marker="stage-form")
    await user.should_not_see(marker="work-cycle")
