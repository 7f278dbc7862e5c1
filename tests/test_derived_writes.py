"""An update of the per-task scores alone: the total and mark the sheet derived follow the new scores.

The tiny workbook of tests.test_validation: work w1 has three tasks of 1, 2 and 2 points (25-point thresholds
scaled down: 2 / 3 / 5 of 5 points), r1 holds «1 2 2» with the total 5 and the mark 5 written in the sheet.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_schema import SCHEMA, validate_workbook
from sync.write.commands import CommandRejected, WriteCommand
from tests.test_write_path import make_path

RESULTS = SCHEMA["results"]


def scores_only(row_id: str, scores: str, old: str) -> WriteCommand:
    return WriteCommand("update", "results", row_id, {"scores": scores}, {"scores": old}, user="t1")


def stored(inner, row_id: str) -> dict[str, str]:
    grid = inner.read_all()[RESULTS.title]
    header = [h.strip() for h in grid[0]]
    row = next(r for r in grid[1:] if r and r[0] == row_id)
    return {f.key: row[header.index(f.header)] if header.index(f.header) < len(row) else "" for f in RESULTS.fields}


def test_new_scores_alone_recompute_the_stored_total_and_mark(tmp_path: Path) -> None:
    inner, outbox, cache, worker, writer = make_path(tmp_path)
    writer.submit([scores_only("r1", "1 1 1", "1 2 2")])
    # 1 + 1 + 1 = 3 points; 3 reaches the threshold for «4» (3) but not the one for «5» (5)
    res = cache.workbook["results"].set_index("id")
    assert res.loc["r1", "total"] == 3 and res.loc["r1", "mark"] == 4
    assert outbox.entries()[0].command.values == {"scores": "1 1 1", "total": "3", "mark": "4"}
    worker.drain()
    row = stored(inner, "r1")
    assert (row["scores"], row["total"], row["mark"]) == ("1 1 1", "3", "4")
    assert validate_workbook(SCHEMA, inner.read_all()).issues == []  # the sheet stays consistent


def test_derived_cells_left_empty_in_the_sheet_follow_too(tmp_path: Path) -> None:
    inner, outbox, cache, worker, writer = make_path(tmp_path)
    inner.update_rows(RESULTS.title, "id", {"r1": {RESULTS.header_of("total"): "", RESULTS.header_of("mark"): ""}})
    cache.refresh()
    # 0 + 1 + 0 = 1 point: below the threshold for «3» (2), so «2»
    writer.submit([scores_only("r1", "0 1 0", "1 2 2")])
    res = cache.workbook["results"].set_index("id")
    assert res.loc["r1", "total"] == 1 and res.loc["r1", "mark"] == 2
    worker.drain()
    assert validate_workbook(SCHEMA, inner.read_all())["results"].set_index("id").loc["r1", "mark"] == 2


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"scores": "1 3 1"}, "scores", "Балл за задание 2 (3) больше максимального (2)"),
    ({"scores": "1 1"}, "scores", "Заданий в работе 3, а баллов введено 2"),
    # a total the page sends with the scores is the teacher's own: checked, never replaced
    ({"scores": "1 1 1", "total": "5"}, "total", "«Сумма баллов» (5) не равна сумме баллов по заданиям (3)"),
    ({"scores": "1 1 1", "mark": "5"}, "mark",
     "Отметка 5 не соответствует сумме баллов 3: по критериям работы это «4»"),
])
def test_bad_scores_are_still_refused_with_the_same_message(tmp_path: Path, values, field, message) -> None:
    inner, outbox, cache, worker, writer = make_path(tmp_path)
    with pytest.raises(CommandRejected) as err:
        writer.submit([WriteCommand("update", "results", "r1", values, {"scores": "1 2 2"}, user="t1")])
    assert [(p.field, p.message) for p in err.value.problems] == [(field, message)]
    assert outbox.entries() == []


def test_a_total_entered_by_hand_for_an_unscored_task_is_kept(tmp_path: Path) -> None:
    inner, outbox, cache, worker, writer = make_path(tmp_path)
    # task 2 not scored («-»): the sum of the rest (1 + 2 = 3) is not the result, so the hand-entered 4 stands
    inner.update_rows(RESULTS.title, "id", {"r1": {RESULTS.header_of("scores"): "1 - 2",
                                                   RESULTS.header_of("total"): "4", RESULTS.header_of("mark"): "4"}})
    cache.refresh()
    assert cache.workbook["results"].set_index("id").loc["r1", "total"] == 4
    writer.submit([scores_only("r1", "0 - 2", "1 - 2")])  # still unscored: the total and mark are not derived
    res = cache.workbook["results"].set_index("id")
    assert res.loc["r1", "total"] == 4 and res.loc["r1", "mark"] == 4
    assert outbox.entries()[0].command.values == {"scores": "0 - 2"}
    worker.drain()
    assert (stored(inner, "r1")["total"], stored(inner, "r1")["mark"]) == ("4", "4")

