"""The durable write path: validate, commit, overlay, apply with retries; conflicts and restarts."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest

from sheets_schema import SCHEMA
from sync.cache import WorkbookCache
from sync.layout import layouts_of
from sync.local import LocalStore
from sync.store import StoreError
from sync.write.commands import CommandRejected, WriteCommand
from sync.write.outbox import APPLIED, CONFLICT, PENDING, Outbox
from sync.write.worker import Worker
from sync.write.writer import WritePath
from tests.test_validation import base_grids
from tests.waits import wait_until

STUDENTS = SCHEMA["students"]


class FlakyStore:
    """Wraps a store and fails a share of calls: before applying, or after applying with the answer lost."""

    def __init__(self, inner, rate: float, seed: int = 1) -> None:
        self.inner, self.rate, self.rng = inner, rate, random.Random(seed)
        self.kind = inner.kind
        self.lock = threading.Lock()
        self.injected = 0

    def _roll(self) -> str:
        with self.lock:
            x = self.rng.random()
            fate = "before" if x < self.rate / 2 else ("lost" if x < self.rate else "ok")
            self.injected += fate != "ok"
        return fate

    def __getattr__(self, name):
        target = getattr(self.inner, name)
        if name not in {"read_all", "read_rows", "append_rows", "update_rows", "delete_rows"}:
            return target

        def call(*args, **kwargs):
            fate = self._roll()
            if fate == "before":
                raise StoreError("429: квота исчерпана (имитация)")
            out = target(*args, **kwargs)
            if fate == "lost" and name not in {"read_all", "read_rows"}:
                raise StoreError("соединение оборвалось после записи (имитация)")
            return out

        return call


def make_path(tmp: Path, store=None):
    inner = LocalStore(tmp / "store.sqlite3")
    inner.ensure_layout(layouts_of(SCHEMA))
    for title, grid in base_grids().items():
        inner.replace_sheet(title, grid)
    store = store(inner) if store else inner
    outbox = Outbox(tmp / "outbox.sqlite3")
    cache = WorkbookCache(store, SCHEMA, pending=outbox.pending_commands)
    assert cache.refresh() or store is not inner
    worker = Worker(outbox, store, SCHEMA, on_applied=cache.refresh, backoff_base=0.001, backoff_max=0.01,
                    idle_wait=0.05)
    return inner, outbox, cache, worker, WritePath(SCHEMA, outbox, cache, worker)


def student(i: int, user: str = "t1") -> WriteCommand:
    return WriteCommand("append", "students", f"st-{user}-{i}", {"last_name": f"Фамилия{i}", "first_name": "Имя",
                                                                 "class_id": "c1"}, user=user)


def student_ids(store) -> list[str]:
    return [r[0] for r in store.read_all()[STUDENTS.title][1:] if r]


def test_saved_command_is_visible_at_once_and_applied_later(tmp_path: Path) -> None:
    inner, outbox, cache, worker, writer = make_path(tmp_path)
    writer.submit([student(1)])
    assert [e.status for e in outbox.entries()] == [PENDING]
    assert "st-t1-1" in set(cache.workbook["students"]["id"])  # overlay: seen before it reaches the store
    assert cache.pending == {"students": {"st-t1-1"}}
    assert "st-t1-1" not in student_ids(inner)
    worker.drain()
    assert student_ids(inner) == ["st1", "st2", "st-t1-1"]
    assert [e.status for e in outbox.entries()] == [APPLIED]
    assert cache.pending == {}


def test_invalid_command_changes_nothing(tmp_path: Path) -> None:
    inner, outbox, cache, worker, writer = make_path(tmp_path)
    before = inner.read_all()
    bad = WriteCommand("append", "students", "st-x", {"last_name": "", "first_name": "Имя", "class_id": "c404",
                                                      "birth_date": "31.02.2014"})
    with pytest.raises(CommandRejected) as err:
        writer.submit([student(1), bad])  # all or nothing: the good one is not accepted either
    messages = [p.message for p in err.value.problems]
    assert messages == ["Обязательное поле не заполнено", "Ссылка на несуществующую строку листа «Классы»: «c404»",
                        "Такой даты нет — в феврале 2014 года 28 дней"]
    assert outbox.entries() == []
    worker.drain()
    assert inner.read_all() == before


def test_update_of_a_hand_edited_cell_is_a_conflict_not_an_overwrite(tmp_path: Path) -> None:
    inner, outbox, cache, worker, writer = make_path(tmp_path)
    old = cache.raw_row("students", "st1")
    assert old["last_name"] == "Петров"
    inner.update_rows(STUDENTS.title, "id", {"st1": {"Фамилия": "Петрова"}})  # someone edits the sheet by hand
    writer.submit([WriteCommand("update", "students", "st1", {"last_name": "Петровский"},
                                expected={"last_name": old["last_name"]}, user="t1")])
    worker.drain()
    entry = outbox.entries()[0]
    assert entry.status == CONFLICT and entry.found == {"last_name": "Петрова"}
    assert inner.read_all()[STUDENTS.title][1][1] == "Петрова"


def test_update_applies_when_nobody_else_touched_the_cell(tmp_path: Path) -> None:
    inner, outbox, cache, worker, writer = make_path(tmp_path)
    writer.submit([WriteCommand("update", "students", "st2", {"middle_name": "Олеговна"},
                                expected={"middle_name": ""}, user="t1")])
    worker.drain()
    assert inner.read_all()[STUDENTS.title][2][:4] == ["st2", "Сидорова", "Анна", "Олеговна"]
    assert outbox.entries()[0].status == APPLIED


def test_commands_survive_a_restart(tmp_path: Path) -> None:
    inner, outbox, cache, worker, writer = make_path(tmp_path)
    writer.submit([student(i) for i in range(5)])
    outbox.close()  # the server dies before the worker ran
    outbox2 = Outbox(tmp_path / "outbox.sqlite3")
    Worker(outbox2, inner, SCHEMA).drain()
    assert student_ids(inner)[2:] == [f"st-t1-{i}" for i in range(5)]


def test_lost_answer_on_append_does_not_duplicate(tmp_path: Path) -> None:
    inner, outbox, cache, worker, writer = make_path(tmp_path)

    class LoseFirstAppend:
        def __init__(self, s):
            self.s, self.kind, self.lost = s, s.kind, False

        def __getattr__(self, n):
            return getattr(self.s, n)

        def append_rows(self, title, rows):
            self.s.append_rows(title, rows)
            if not self.lost:
                self.lost = True
                raise StoreError("ответ потерян")

    worker.store = LoseFirstAppend(inner)
    writer.submit([student(1), student(2)])
    worker.drain()
    assert student_ids(inner) == ["st1", "st2", "st-t1-1", "st-t1-2"]
    assert {e.status for e in outbox.entries()} == {APPLIED}
    assert outbox.entries()[0].attempts == 1


def test_a_thousand_writes_from_twenty_writers_with_faults_and_a_restart(tmp_path: Path) -> None:
    inner, outbox, cache, worker, writer = make_path(tmp_path, store=lambda s: FlakyStore(s, rate=0.3, seed=5))
    worker.start()
    per_writer = 50

    def write(n: int) -> None:
        for i in range(per_writer):
            writer.outbox.enqueue([student(i, user=f"u{n}")])  # validation is covered above; here: durability

    threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    worker.stop()  # kill the worker mid-run ...
    worker2 = Worker(Outbox(tmp_path / "outbox.sqlite3"), worker.store, SCHEMA, backoff_base=0.001,
                     backoff_max=0.01, idle_wait=0.05)
    worker2.start()  # ... and start a fresh one on the same outbox file
    for t in threads:
        t.join()
    wait_until(lambda: not outbox.counts().get(PENDING, 0), limit=300, what="the outbox drained")
    worker2.stop()
    ids = student_ids(inner)
    expected = {f"st-u{n}-{i}" for n in range(20) for i in range(per_writer)}
    assert len(ids) == len(set(ids)), "a write reached the store twice"
    assert set(ids) - {"st1", "st2"} == expected
    entries = outbox.entries()
    assert len(entries) == 1000 and {e.status for e in entries} == {APPLIED}
    assert {e.command.user for e in entries} == {f"u{n}" for n in range(20)}
    assert worker.store.injected > 0  # faults really happened
