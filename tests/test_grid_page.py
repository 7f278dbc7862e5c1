"""The results grid through the user fixture: a pasted block plus edited cells, one batch on save, right marks.

AG Grid cells cannot be typed into without a browser, so edits arrive the way the browser reports them (the
grid's `cellValueChanged` event) and the paste goes through the page's «Вставить из таблицы» dialog.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from nicegui.testing import User

from app.state import ctx
from forms.results_grid import ResultsGrid
from sync.write.commands import WriteCommand
from tests.conftest import sign_in

pytestmark = pytest.mark.ui_app("manual_drain")

CLASS_ID = "cls-0009"  # 5«А», 15 students in the demo school
MAXIMA = (1, 2, 2)
THRESHOLDS = (2, 3, 5)  # «3» from 2 points, «4» from 3, «5» from 5


def new_work(work_id: str = "w-test") -> str:
    """A fresh work of parallel 5 with three tasks and no results yet (set up through the write path)."""
    cmds = [WriteCommand("append", "works", work_id, {
        "id": work_id, "title": "Проверочная по математике", "subject_id": "sub-04", "parallel": "5",
        "kind": "промежуточная (рубежная)", "date": "15.12.2025", "max_score": str(sum(MAXIMA)),
        "threshold_3": str(THRESHOLDS[0]), "threshold_4": str(THRESHOLDS[1]), "threshold_5": str(THRESHOLDS[2])},
        user="setup")]
    ctx().writer.submit(cmds)
    ctx().writer.submit([WriteCommand("append", "tasks", f"{work_id}-t{i}", {
        "id": f"{work_id}-t{i}", "work_id": work_id, "number": str(i), "max_score": str(m), "element": f"Умение {i}",
        "level": "базовый"}, user="setup") for i, m in enumerate(MAXIMA, start=1)])
    ctx().worker.drain()
    return work_id


def mark_of(total: float) -> int:
    return 5 if total >= THRESHOLDS[2] else 4 if total >= THRESHOLDS[1] else 3 if total >= THRESHOLDS[0] else 2


async def test_whole_class_with_a_pasted_block_is_saved_as_one_batch(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    work_id = new_work()
    calls: list[list[WriteCommand]] = []
    submit = ctx().writer.submit
    ctx().writer.submit = lambda cmds: (calls.append(list(cmds)), submit(cmds))[1]  # type: ignore[method-assign]

    await user.open(f"/grid?work={work_id}&class={CLASS_ID}")
    grid = user.find(marker="results-grid").elements.pop()
    assert isinstance(grid, ResultsGrid)
    students = [r.student_id for r in grid.rows]
    assert len(students) == 15
    headers = [c["headerName"] for c in user.find(marker="results-aggrid").elements.pop().options["columnDefs"]]
    assert headers[2:5] == ["1 (макс. 1)", "2 (макс. 2)", "3 (макс. 2)"]

    # the first ten students: a block copied from a spreadsheet, «н» marks an absent student
    block = ["1\t2\t2", "0\t1\t1", "1\t1\t0", "н\t\t", "0\t0\t0", "1\t2\t1", "1\t0\t2", "0\t2\t2", "1\t1\t1", "0\t0\t1"]
    user.find(marker="paste-open").click()
    user.find(marker="paste-text").type("\n".join(block) + "\n")
    user.find(marker="paste-apply").click()
    await user.should_see("Вставлено ячеек: 30")
    # the other five: cell edits as AG Grid reports them; one is above the task maximum, one student was absent
    aggrid = user.find(marker="results-aggrid")
    typed = {10: ("1", "2", "5"), 11: ("0", "0", "1"), 12: ("1", "1", "2"), 14: ("1", "-", "2")}
    for i, scores in typed.items():
        for col, value in zip(("t1", "t2", "t3"), scores, strict=True):
            aggrid.trigger("cellValueChanged", {"rowId": students[i], "colId": col, "newValue": value})
    aggrid.trigger("cellValueChanged", {"rowId": students[13], "colId": "absent", "newValue": True})

    bad = next(r for r in grid.records() if r["student_id"] == students[10])
    assert bad["_bad"] == {"t3": "Балл за задание 3 (5) больше максимального (2)"} and bad["total"] == ""
    user.find(marker="grid-save").click()
    await user.should_see("Исправьте выделенные ячейки — ничего не сохранено")
    await user.should_see(f"{grid.rows[10].student}, задание 3: Балл за задание 3 (5) больше максимального (2)")
    assert calls == [] and ctx().outbox.pending() == []

    aggrid.trigger("cellValueChanged", {"rowId": students[10], "colId": "t3", "newValue": "2"})
    user.find(marker="grid-save").click()
    await user.should_see("Сохранено: добавлено 15, изменено 0", retries=100)
    assert len(calls) == 1 and len(calls[0]) == 15 and {c.op for c in calls[0]} == {"append"}

    expected = {}
    for i, line in enumerate(block):
        cells = line.split("\t")
        expected[students[i]] = None if cells[0] == "н" else sum(float(c) for c in cells)
    for i, scores in typed.items():
        expected[students[i]] = sum(float(c) for c in (scores if i != 10 else ("1", "2", "2")) if c != "-")
    expected[students[13]] = None
    ctx().worker.drain()
    res = ctx().cache.workbook["results"]
    mine = res[res["work_id"] == work_id].set_index("student_id")
    assert len(mine) == 15
    for sid, total in expected.items():
        if total is None:
            assert mine.loc[sid, "present"] == "нет" and mine.loc[sid, "mark"] is not None
        else:
            assert (mine.loc[sid, "total"], mine.loc[sid, "mark"]) == (total, mark_of(total)), sid

    # a second save sends only what changed: one update, with the old cell texts as expected
    aggrid.trigger("cellValueChanged", {"rowId": students[0], "colId": "t3", "newValue": "0"})
    user.find(marker="grid-save").click()
    await user.should_see("Сохранено: добавлено 0, изменено 1", retries=100)
    [update] = calls[1]
    assert (update.op, update.values, update.expected) == (
        "update", {"scores": "1 2 0", "total": "3", "mark": "4"}, {"scores": "1 2 2", "total": "5", "mark": "5"})


async def test_a_teacher_edits_results_of_own_classes_only(data_dir: Path, user: User) -> None:
    await sign_in(user, "uchitel")
    frames = ctx().cache.workbook.frames
    tid = ctx().users.get("uchitel").teacher_id
    load = frames["teaching_load"]
    mine = load[load["teacher_id"] == tid]
    classes = frames["classes"].set_index("id")["parallel"]
    works, res = frames["works"], frames["results"]
    work_id, class_id = next((w.id, c) for c, s in zip(mine["class_id"], mine["subject_id"], strict=True)
                             for w in works.itertuples() if w.subject_id == s and w.parallel == classes[c]
                             and res["work_id"].eq(w.id).any())
    other = next(c for c, p in classes.items() if p == classes[class_id] and c not in set(mine["class_id"]))

    await user.open(f"/grid?work={work_id}&class={other}")
    await user.should_see(marker="grid-hint")
    await user.should_not_see(marker="results-grid")

    await user.open(f"/grid?work={work_id}&class={class_id}")
    grid = user.find(marker="results-grid").elements.pop()
    row = next(r for r in grid.rows if not r.absent and not r.is_blank())
    old = dict(grid.existing[row.student_id])
    new_first = "0" if row.scores[0] != "0" else "1"
    user.find(marker="results-aggrid").trigger("cellValueChanged", {"rowId": row.student_id, "colId": "t1",
                                                                     "newValue": new_first})
    user.find(marker="grid-save").click()
    await user.should_see("Сохранено: добавлено 0, изменено 1", retries=100)
    [entry] = ctx().outbox.pending()
    assert (entry.command.user, entry.command.row_id) == ("uchitel", old["id"])
    assert entry.command.expected["scores"] == old["scores"]
