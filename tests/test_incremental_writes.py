"""A save is checked and laid over the cached frames of the sheets it touches; nothing else is re-validated."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import sheets_schema.rows
import sheets_schema.validation
import sync.cache
from sheets_schema import SCHEMA, validate_workbook
from sync.overlay import incremental_sheets, overlay
from sync.write.commands import CommandRejected, WriteCommand
from tests.test_write_path import make_path, student
from tests.waits import wait_until


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts full validations ("workbook") and sheet validations (by sheet key) from here on."""
    seen: Counter[str] = Counter()
    sheet_fn, book_fn = sheets_schema.validation.validate_sheet, sync.cache.validate_workbook

    def sheet(s, grid):
        seen[s.key] += 1
        return sheet_fn(s, grid)

    def book(schema, grids):
        seen["workbook"] += 1
        return book_fn(schema, grids)

    monkeypatch.setattr(sheets_schema.validation, "validate_sheet", sheet)
    monkeypatch.setattr(sheets_schema.rows, "validate_sheet", sheet)
    monkeypatch.setattr(sync.cache, "validate_workbook", book)
    return seen


def result_commands() -> list[WriteCommand]:
    return [WriteCommand("update", "results", "r1", {"scores": "1 1 1", "total": "", "mark": ""},
                         {"scores": "1 2 2", "total": "5", "mark": "5"}, user="t1"),
            WriteCommand("append", "results", "r3", {"work_id": "w1", "student_id": "st2", "present": "да",
                                                     "scores": "0 1 2"}, user="t1")]


def test_results_are_written_incrementally_and_students_are_not() -> None:
    keys = incremental_sheets(SCHEMA)
    assert "results" in keys and "period_marks" in keys
    assert not {"students", "works", "tasks", "classes", "teachers"} & keys


def test_a_results_save_validates_only_the_rows_it_touches(tmp_path: Path, calls: Counter[str]) -> None:
    _, _, cache, _, writer = make_path(tmp_path)
    version = cache.version
    calls.clear()
    writer.submit(result_commands())
    res = cache.workbook["results"].set_index("id")
    assert calls == Counter({"results": 1})  # the candidates once; no other sheet, no workbook
    assert cache.version > version
    # derived at once like a hand-typed row: 1+1+1 = 3 points; thresholds 2/3/5 give «4»; 0+1+2 = 3 -> «4»
    assert res.loc["r1", "total"] == 3 and res.loc["r1", "mark"] == 4
    assert res.loc["r3", "total"] == 3 and res.loc["r3", "mark"] == 4
    assert cache.pending == {"results": {"r1", "r3"}}
    assert cache.raw_row("results", "r3")["scores"] == "0 1 2"


def test_the_laid_over_frames_equal_a_full_validation(tmp_path: Path) -> None:
    _, outbox, cache, _, writer = make_path(tmp_path)
    writer.submit(result_commands())
    writer.submit([WriteCommand("delete", "results", "r2", user="t1")])
    grids, _ = overlay(SCHEMA, {t: g for t, g in cache._grids.items()}, outbox.pending_commands())
    full = validate_workbook(SCHEMA, grids)
    for key in SCHEMA.keys:
        pd.testing.assert_frame_equal(cache.workbook[key], full[key], check_like=True)
    assert list(cache.workbook["results"]["id"]) == ["r1", "r3"]


def test_an_edit_of_valid_rows_is_set_in_place_and_equals_a_full_validation(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _, outbox, cache, _, writer = make_path(tmp_path)
    before = cache.workbook["results"]
    merged: list[str] = []
    merge = sync.cache.merge_rows
    monkeypatch.setattr(sync.cache, "merge_rows", lambda frame, *a: merged.append("merge") or merge(frame, *a))
    writer.submit(result_commands()[:1])  # r1 only: scores, total and mark changed in place
    writer.submit([WriteCommand("update", "results", "r2", {"present": "да", "scores": "0 0 1"}, user="t1")])
    grids, _ = overlay(SCHEMA, {t: g for t, g in cache._grids.items()}, outbox.pending_commands())
    full = validate_workbook(SCHEMA, grids)
    for key in SCHEMA.keys:
        pd.testing.assert_frame_equal(cache.workbook[key], full[key], check_like=True)
    res = cache.workbook["results"].set_index("id")
    assert (res.loc["r1", "total"], res.loc["r1", "mark"], res.loc["r2", "total"]) == (3, 4, 1)
    assert before.set_index("id").loc["r1", "total"] == 5  # the frame pages hold is not changed underneath them
    assert merged == []  # no filtering, concatenating and sorting of the whole sheet


def test_a_rejected_save_names_the_problem_and_changes_nothing(tmp_path: Path, calls: Counter[str]) -> None:
    _, outbox, cache, _, writer = make_path(tmp_path)
    before, version = cache.workbook["results"].copy(), cache.version
    calls.clear()
    bad = WriteCommand("append", "results", "r9", {"work_id": "w1", "student_id": "st404", "present": "да",
                                                   "scores": "1 5 0"}, user="t1")
    with pytest.raises(CommandRejected) as err:
        writer.submit([bad])
    assert [p.message for p in err.value.problems] == [
        "Ссылка на несуществующую строку листа «Обучающиеся»: «st404»"]
    assert outbox.entries() == [] and cache.version == version
    pd.testing.assert_frame_equal(cache.workbook["results"], before)
    assert calls["workbook"] == 0


def test_a_save_other_rows_depend_on_re_validates_the_workbook_once(tmp_path: Path, calls: Counter[str]) -> None:
    _, _, cache, _, writer = make_path(tmp_path)
    calls.clear()
    writer.submit([student(1)])
    assert "st-t1-1" in set(cache.workbook["students"]["id"])
    assert cache.workbook is cache.workbook
    assert calls["workbook"] == 1


def test_writes_accepted_during_a_refresh_survive_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, cache, worker, writer = make_path(tmp_path)
    real = cache.store.read_all

    def read_then_save():  # a teacher saves while the refresh reads the store
        grids = real()
        writer.submit(result_commands()[1:])
        return grids

    monkeypatch.setattr(cache.store, "read_all", read_then_save)
    assert cache.refresh()
    monkeypatch.setattr(cache.store, "read_all", real)
    assert "r3" in set(cache.workbook["results"]["id"])
    assert cache.pending == {"results": {"r3"}}
    worker.drain()
    assert "r3" in set(cache.workbook["results"]["id"]) and cache.pending == {}


def test_a_refresh_that_finds_nothing_new_and_an_applied_save_keep_the_version(tmp_path: Path,
                                                                             calls: Counter[str]) -> None:
    inner, _, cache, worker, writer = make_path(tmp_path)
    version, workbook = cache.current()
    calls.clear()
    assert cache.refresh()
    assert cache.current() == (version, workbook) and calls["workbook"] == 0
    writer.submit(result_commands()[1:])
    version = cache.version
    worker.drain()  # applied to the store: the cache had it already, only the «ожидает записи» mark goes
    assert cache.version == version and cache.pending == {} and calls["workbook"] == 0
    title = SCHEMA["results"].title
    inner.update_rows(title, "id", {"r3": {SCHEMA["results"].header_of("scores"): "0 0 2"}})  # a hand edit
    assert cache.refresh() and calls["workbook"] == 1 and cache.version > version
    assert cache.workbook["results"].set_index("id").loc["r3", "total"] == 2


def test_the_worker_reads_only_the_rows_of_its_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inner, outbox, cache, worker, writer = make_path(tmp_path)
    reads: list[tuple[str, list[str]]] = []
    real = inner.read_rows

    def read_rows(title, id_header, ids):
        reads.append((title, list(ids)))
        return real(title, id_header, ids)

    def read_all():
        raise AssertionError("the worker read the whole workbook")

    monkeypatch.setattr(inner, "read_rows", read_rows)
    monkeypatch.setattr(inner, "read_all", read_all)
    writer.submit(result_commands())
    worker.drain()
    assert reads == [(SCHEMA["results"].title, ["r1", "r3"])]
    assert outbox.counts() == {"applied": 2}
    monkeypatch.undo()
    res = {r[0]: r for r in inner.read_all()[SCHEMA["results"].title][1:]}
    assert res["r1"][4] == "1 1 1" and res["r3"][4] == "0 1 2"


def test_saves_that_arrive_together_are_checked_together_and_refused_alone(tmp_path: Path,
                                                                           calls: Counter[str]) -> None:
    _, outbox, cache, _, writer = make_path(tmp_path)
    good = result_commands()
    bad = [WriteCommand("append", "results", "r9", {"work_id": "w1", "student_id": "st404", "present": "да",
                                                    "scores": "1 5 0"}, user="t2")]
    other = [WriteCommand("update", "results", "r2", {"present": "нет"}, {"present": "нет"}, user="t3")]
    outcome: dict[str, object] = {}

    def save(name: str, commands: list[WriteCommand]) -> None:
        try:
            writer.submit(commands)
            outcome[name] = "сохранено"
        except CommandRejected as exc:
            outcome[name] = [p.message for p in exc.problems]

    def run(saves: dict[str, list[WriteCommand]]) -> None:
        """The saves queue up while another commit holds the write path, then commit as one group."""
        with writer._commit_lock:
            threads = [threading.Thread(target=save, args=item) for item in saves.items()]
            for t in threads:
                t.start()
            wait_until(lambda: len(writer._queue) == len(saves), what="the saves queued")
        for t in threads:
            t.join()

    calls.clear()
    run({"good": good, "other": other})
    assert outcome == {"good": "сохранено", "other": "сохранено"}
    assert calls == Counter({"results": 1})  # both saves' rows in one check
    calls.clear()
    again = [WriteCommand("update", "results", "r3", {"scores": "1 2 2", "total": "", "mark": ""}, {}, user="t1")]
    run({"bad": bad, "again": again})
    assert outcome["bad"] == ["Ссылка на несуществующую строку листа «Обучающиеся»: «st404»"]
    assert outcome["again"] == "сохранено"
    assert calls["workbook"] == 0
    assert sorted(e.command.row_id for e in outbox.entries()) == ["r1", "r2", "r3", "r3"]  # nothing of «bad»
    assert cache.workbook["results"].set_index("id").loc["r3", "total"] == 5  # 1 + 2 + 2
