"""The grid offers a person their own works and classes; its draft survives leaving the page; leaving asks first.

Through the user fixture: edits arrive as AG Grid reports them (`cellValueChanged`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from nicegui import app
from nicegui.testing import User

from app.pages.grid_pickers import DRAFTS_KEY
from app.state import ctx
from forms.results_grid import ResultsGrid
from tests.conftest import sign_in
from tests.test_grid_page import CLASS_ID, new_work
from tests.waits import await_until

pytestmark = pytest.mark.ui_app("manual_drain")


def teacher_pairs(login: str) -> tuple[pd.DataFrame, set[tuple[str, int]], set[int]]:
    """The works frame, the (subject, parallel) of the person's load and the parallels of the classes they lead."""
    frames = ctx().cache.workbook.frames
    tid = ctx().users.get(login).teacher_id
    load = frames["teaching_load"]
    parallel = frames["classes"].set_index("id")["parallel"]
    mine = load[load["teacher_id"] == tid]
    pairs = {(s, int(parallel[c])) for c, s in zip(mine["class_id"], mine["subject_id"], strict=True)}
    led = {int(parallel[c]) for c in frames["classes"].loc[frames["classes"]["class_teacher_id"] == tid, "id"]}
    return frames["works"], pairs, led


async def test_a_teacher_is_offered_own_works_newest_first_by_subject(data_dir: Path, user: User) -> None:
    await sign_in(user, "uchitel")
    works, pairs, led = teacher_pairs("uchitel")
    await user.open("/grid")
    offered = user.find(marker="grid-work").elements.pop().options
    expected = {w.id for w in works.itertuples() if (w.subject_id, w.parallel) in pairs or w.parallel in led}
    assert set(offered) == expected and 0 < len(expected) < len(works)
    # grouped by subject (the label starts with it), the newest first within a subject
    by_id = works.set_index("id")
    names = ctx().cache.workbook.frames["subjects"].set_index("id")["name"]
    seen: list[str] = []
    for wid, label in offered.items():
        subject = names[by_id.loc[wid, "subject_id"]]
        assert label.startswith(subject[:1].upper() + subject[1:] + " — "), label
        assert by_id.loc[wid, "title"] in label
        if not seen or seen[-1] != subject:
            assert subject not in seen, f"{subject} appears in two groups"
            seen.append(subject)
    for subject in seen:
        dates = [by_id.loc[w, "date"] for w in offered if names[by_id.loc[w, "subject_id"]] == subject]
        assert dates == sorted(dates, reverse=True), subject

    # a work of another subject is not offered, and opening it by its address shows no grid
    foreign = next(w.id for w in works.itertuples() if w.id not in expected)
    await user.open(f"/grid?work={foreign}&class=")
    await user.should_see("не по вашим предметам и параллелям")
    await user.should_not_see(marker="results-grid")


async def test_the_class_picker_lists_the_teachers_classes_for_the_work(data_dir: Path, user: User) -> None:
    await sign_in(user, "uchitel")
    frames = ctx().cache.workbook.frames
    tid = ctx().users.get("uchitel").teacher_id
    load = frames["teaching_load"]
    classes = frames["classes"].set_index("id")
    mine = load[load["teacher_id"] == tid]
    work = next(w for w in frames["works"].itertuples()
                if ((mine["subject_id"] == w.subject_id)
                    & mine["class_id"].map(classes["parallel"]).eq(w.parallel)).any())
    await user.open(f"/grid?work={work.id}")
    offered = user.find(marker="grid-class").elements.pop().options
    taught = set(mine.loc[mine["subject_id"] == work.subject_id, "class_id"])
    led = set(classes.index[classes["class_teacher_id"] == tid])
    expected = {c for c in taught | led if classes.loc[c, "parallel"] == work.parallel}
    assert set(offered) == expected
    everyone = set(classes.index[classes["parallel"] == work.parallel])
    assert expected < everyone  # the parallel has other classes, not offered


async def test_the_deputy_is_offered_every_work(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/grid")
    offered = user.find(marker="grid-work").elements.pop().options
    assert set(offered) == set(ctx().cache.workbook.frames["works"]["id"])


async def test_a_draft_is_kept_restored_discarded_and_cleared_by_a_save(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    work_id = new_work()
    page = f"/grid?work={work_id}&class={CLASS_ID}"
    await user.open(page)
    grid: ResultsGrid = user.find(marker="results-grid").elements.pop()
    first, second = grid.rows[0].student_id, grid.rows[1].student_id
    assert not grid.dirty and not grid.draft_box.visible
    aggrid = user.find(marker="results-aggrid")
    for col, value in (("t1", "1"), ("t2", "2"), ("t3", "0")):
        aggrid.trigger("cellValueChanged", {"rowId": first, "colId": col, "newValue": value})
    aggrid.trigger("cellValueChanged", {"rowId": second, "colId": "absent", "newValue": True})
    assert grid.dirty
    draft = app.storage.general[DRAFTS_KEY]["zam"][f"{work_id}|{CLASS_ID}"]
    assert draft["rows"][first] == {"absent": False, "scores": ["1", "2", "0"], "base": None}
    assert draft["rows"][second]["absent"] is True and set(draft["rows"]) == {first, second}

    # another work asks first; «stay» keeps the page
    user.find(marker="grid-class").elements.pop().set_value(None)
    await user.should_see(marker="grid-leave-dialog")
    user.find(marker="grid-leave-stay").click()
    assert user.find(marker="results-grid").elements.pop() is grid

    # the page opened again (a reload): the draft is back, with the notice
    await user.open(page)
    await user.should_see("Восстановлен несохранённый черновик: обучающихся 2")
    grid = user.find(marker="results-grid").elements.pop()
    assert (grid.row_of(first).scores, grid.row_of(second).absent) == (["1", "2", "0"], True)
    assert grid.dirty and grid.draft_box.visible
    rec = next(r for r in grid.records() if r["student_id"] == first)
    assert (rec["total"], rec["mark"]) == ("3", 4)

    user.find(marker="grid-draft-discard").click()
    await user.should_see("Черновик отброшен")
    assert grid.row_of(first).scores == ["", "", ""] and not grid.row_of(second).absent and not grid.dirty
    assert f"{work_id}|{CLASS_ID}" not in app.storage.general[DRAFTS_KEY]["zam"]
    await user.open(page)
    await user.should_not_see("Восстановлен несохранённый черновик")

    # typed again and saved: the draft is gone, nothing is unsaved
    grid = user.find(marker="results-grid").elements.pop()
    aggrid = user.find(marker="results-aggrid")
    for col, value in (("t1", "1"), ("t2", "1"), ("t3", "1")):
        aggrid.trigger("cellValueChanged", {"rowId": first, "colId": col, "newValue": value})
    assert f"{work_id}|{CLASS_ID}" in app.storage.general[DRAFTS_KEY]["zam"]
    user.find(marker="grid-save").click()
    await user.should_see("Сохранено: добавлено 1, изменено 0", retries=100)
    assert not grid.dirty and f"{work_id}|{CLASS_ID}" not in app.storage.general[DRAFTS_KEY]["zam"]


def leave_calls(user: User) -> list[str]:
    """The leave-guard calls the page sends the browser from now on (`window.edumonLeave.set(key, on, …)`)."""
    calls: list[str] = []
    outbox = user.client.outbox
    enqueue = outbox.enqueue_message

    def record(message_type: str, data: dict, target_id: str) -> None:
        if message_type == "run_javascript" and "edumonLeave.set(" in data.get("code", ""):
            calls.append(data["code"].split("edumonLeave.set(", 1)[1])
        enqueue(message_type, data, target_id)

    outbox.enqueue_message = record  # type: ignore[method-assign]
    return calls


async def test_an_edited_form_arms_the_leave_question_until_it_is_saved(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    sid = str(ctx().cache.workbook.frames["students"]["id"].iloc[0])
    await user.open(f"/entry/students/{sid}")
    calls = leave_calls(user)
    field = user.find(marker="field-first_name").elements.pop()
    old = field.value
    field.set_value(old + "а")
    await await_until(lambda: len(calls) == 1, what="the guard armed")  # sent once the client is connected
    assert calls[0].startswith('"form-students-') and ", true, " in calls[0]
    field.set_value(old)  # typed back: nothing unsaved
    await await_until(lambda: len(calls) == 2, what="the guard disarmed")
    assert ", false, " in calls[1]
    field.set_value("Мария")
    user.find(marker="form-save").click()
    await user.should_see("Сохранено")
    await await_until(lambda: len(calls) == 4, what="the guard disarmed by the save")
    assert [", true, " in c for c in calls] == [True, False, True, False]


async def test_the_upload_page_asks_before_leaving_while_a_file_is_checked(data_dir: Path, user: User) -> None:
    from tests.test_import_page import upload

    await sign_in(user, "zam")
    await user.open("/upload")
    calls = leave_calls(user)
    await upload(user, "upload-sheet", b"not a workbook", "ученики.xlsx")
    await user.should_see(marker="import-headline", retries=100)
    await await_until(lambda: len(calls) == 2, what="armed while checked, disarmed after")
    assert calls[0].startswith('"upload-') and ", true, " in calls[0] and ", false, " in calls[1]


async def test_changing_the_class_with_unsaved_rows_can_save_first(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    work_id = new_work("w-leave")
    await user.open(f"/grid?work={work_id}&class={CLASS_ID}")
    grid: ResultsGrid = user.find(marker="results-grid").elements.pop()
    sid = grid.rows[0].student_id
    aggrid = user.find(marker="results-aggrid")
    for col in ("t1", "t2", "t3"):
        aggrid.trigger("cellValueChanged", {"rowId": sid, "colId": col, "newValue": "1"})
    user.find(marker="grid-class").elements.pop().set_value(None)
    await user.should_see(marker="grid-leave-dialog")
    user.find(marker="grid-leave-save").click()
    await user.should_see("Выберите класс 5-й параллели из вашей нагрузки.")  # the page of the new choice
    ctx().worker.drain()
    res = ctx().cache.workbook["results"]
    saved = res[(res["work_id"] == work_id) & (res["student_id"] == sid)]
    assert list(saved["total"]) == [3]
    assert f"{work_id}|{CLASS_ID}" not in app.storage.general[DRAFTS_KEY].get("zam", {})
