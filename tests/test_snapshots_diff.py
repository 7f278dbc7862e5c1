"""Diff of two workbooks by hand-built grids: rows matched by id, rows without an id by content, cells by header."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync import snapshots as snap
from sync.local import LocalStore
from sync.snapshots import CellChange, RowChange, RowRef, diff_grids, diff_workbooks
from sync.snapshots import diff as snap_diff

H = ["id", "Фамилия", "Класс"]


def test_added_removed_and_changed_rows_by_id() -> None:
    old = [H, ["st1", "Петров", "5А"], ["st2", "Иванова", "5А"], ["st3", "Сидоров", "6Б"]]
    new = [H, ["st1", "Петров", "5А"], ["st3", "Сидоров", "7Б"], ["st4", "Орлова", "5А"], ["st2", "Иванова", "5А"]]
    d = diff_grids("Обучающиеся", old, new)
    assert d.status == "changed"
    assert d.added == [RowRef("st4", 4, ("st4", "Орлова", "5А"))]
    assert d.removed == []
    assert d.changed == [RowChange("st3", 4, 3, (CellChange("Класс", "6Б", "7Б"),))]
    assert d.reordered  # st2 moved below st3


@pytest.mark.parametrize(("old", "new", "added", "removed", "changed"), [
    # a removed row and a cell emptied by trimming (a missing trailing cell is an empty cell)
    ([H, ["st1", "Петров", "5А"], ["st2", "Иванова"]], [H, ["st1", "Петров"]],
     [], ["st2"], [("st1", [("Класс", "5А", "")])]),
    # rows without an id are compared by content: an edited one is removed + added
    ([H, ["", "без id", "5А"], ["", "тоже", "5А"]], [H, ["", "без id", "5А"], ["", "тоже", "6А"]],
     ["строка 3"], ["строка 3"], []),
    # an empty row in the middle is a row too
    ([H, ["st1"], [], ["st2"]], [H, ["st1"], ["st2"]], [], ["строка 3"], []),
    # a repeated id is matched by occurrence
    ([H, ["st1", "A"], ["st1", "B"]], [H, ["st1", "A"], ["st1", "C"]], [], [], [("st1", [("Фамилия", "B", "C")])]),
    # spaces around an id do not make it another row
    ([H, [" st1 ", "A"]], [H, ["st1", "A"]], [], [], [("st1", [("id", " st1 ", "st1")])]),
    # identical
    ([H, ["st1", "A"]], [H, ["st1", "A"]], [], [], []),
])
def test_diff_table(old, new, added, removed, changed) -> None:
    d = diff_grids("Лист", old, new)
    assert [r.key for r in d.added] == added
    assert [r.key for r in d.removed] == removed
    assert [(c.key, [(x.column, x.old, x.new) for x in c.cells]) for c in d.changed] == changed
    assert (d.status == "same") == (not added and not removed and not changed)


def test_cells_are_matched_by_header_when_columns_move() -> None:
    old = [["id", "Фамилия", "Класс"], ["st1", "Петров", "5А"]]
    new = [["id", "Класс", "Фамилия", "Телефон"], ["st1", "5А", "Петров", "+7 900"]]
    d = diff_grids("Обучающиеся", old, new)
    assert d.status == "changed" and d.header_old != d.header_new
    assert d.changed == [RowChange("st1", 2, 2, (CellChange("Телефон", "", "+7 900"),))]


def test_without_an_id_column_every_row_is_compared_by_content_and_empty_headers_get_letters() -> None:
    old = [["Фамилия", ""], ["Петров", "x"]]
    new = [["Фамилия", ""], ["Петров", "x"], ["Орлов", "y"]]
    d = diff_grids("Лист", old, new)
    assert [r.key for r in d.added] == ["строка 3"] and not d.removed
    assert snap_diff._labels(["Фамилия", "", "Фамилия"]) == ["Фамилия", "столбец B", "Фамилия (2)"]


def test_sheets_only_on_one_side() -> None:
    d = diff_workbooks({"Старый": [H, ["st1"]], "Общий": [H]}, {"Новый": [H, ["st2"]], "Общий": [H]})
    status = {s.title: s.status for s in d.sheets}
    assert status == {"Старый": "removed", "Общий": "same", "Новый": "added"}
    assert [s.title for s in d.changed] == ["Старый", "Новый"]
    assert [r.key for r in d.sheets[0].removed] == ["st1"] and [r.key for r in d.sheets[2].added] == ["st2"]


def test_diff_of_two_snapshots_and_of_a_snapshot_with_the_store(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "edumon.sqlite3")
    store.replace_sheet("Обучающиеся", [H, ["st1", "Петров", "5А"]])
    store.replace_sheet("Классы", [["id", "Класс"], ["c1", "5А"]])
    a = snap.take_snapshot(store, tmp_path)
    store.update_rows("Обучающиеся", "id", {"st1": {"Класс": "6А"}})
    store.replace_sheet("Классы", [["id", "Класс"], ["c1", "5А"], ["c2", "6А"]])
    b = snap.take_snapshot(store, tmp_path)
    d = snap.diff_refs(tmp_path, a.id, b.id)
    assert (d.old_label, d.new_label) == (a.id, b.id)
    assert {s.title for s in d.changed} == {"Обучающиеся", "Классы"}
    only = snap.diff_refs(tmp_path, a.id, "latest", ["students"])
    assert [s.title for s in only.sheets] == ["Обучающиеся"]
    assert only.sheets[0].changed[0].cells == (CellChange("Класс", "5А", "6А"),)
    assert not snap.diff_refs(tmp_path, b.id, "current", store=store).changed
