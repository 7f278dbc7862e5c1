"""One worker per outbox across processes, and restore pausing it: every write reaches the sheet exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sheets_schema import SCHEMA
from sync import snapshots as snap
from sync.lease import LeaseHeld, writes_held
from sync.local import LocalStore
from sync.write.commands import WriteCommand
from sync.write.outbox import APPLIED, PENDING, Outbox
from sync.write.worker import Worker
from tests.browser import free_port, served
from tests.test_write_path import make_path, student, student_ids
from tests.waits import wait_until

STUDENTS = SCHEMA["students"].title


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}


def test_a_second_drain_on_the_same_outbox_refuses_in_russian(tmp_path: Path) -> None:
    inner, outbox, _cache, worker, writer = make_path(tmp_path)
    worker.claim()  # the server of this data dir
    writer.submit([student(1)])
    other = Worker(Outbox(tmp_path / "outbox.sqlite3"), inner, SCHEMA, what="edumon drain")
    with pytest.raises(LeaseHeld, match="уже обслуживает процесс .*edumon"):
        other.drain()
    assert outbox.counts() == {PENDING: 1}  # the refused drain wrote nothing
    worker.stop()  # releases the lease
    other.drain()
    assert student_ids(inner) == ["st1", "st2", "st-t1-1"]


def test_two_processes_draining_one_outbox_with_faults_write_everything_exactly_once(tmp_path: Path) -> None:
    inner, outbox, _cache, _worker, _writer = make_path(tmp_path)
    outbox.enqueue([student(i) for i in range(60)])  # appends, then updates and deletes of some of the rows
    outbox.enqueue([student(i, user="t2") for i in range(20)])
    outbox.enqueue([WriteCommand("update", "students", f"st-t2-{i}", {"first_name": "Пётр"},
                                 {"first_name": "Имя"}, user="t2") for i in range(20)])
    outbox.enqueue([WriteCommand("delete", "students", f"st-t2-{i}", {}, user="t2") for i in range(0, 20, 2)])
    procs = [subprocess.Popen([sys.executable, "-m", "tests.drain_process", str(tmp_path), str(seed)],
                              env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for seed in (11, 12)]
    wait_until(lambda: all((tmp_path / f"ready-{s}").exists() for s in (11, 12)), what="drainers ready")
    (tmp_path / "go").touch()
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        outs.append(json.loads(out.strip().splitlines()[-1]))
    got = student_ids(inner)
    assert len(got) == len(set(got)), f"a write reached the sheet twice: {sorted(got)}"
    kept = {f"st-t2-{i}" for i in range(1, 20, 2)}
    assert set(got) == {"st1", "st2"} | {f"st-t1-{i}" for i in range(60)} | kept
    rows = {r[0]: r for r in inner.read_all()[STUDENTS][1:]}
    assert all(rows[i][2] == "Пётр" for i in kept)
    assert {e.status for e in outbox.entries()} == {APPLIED}
    assert sum(o["injected"] for o in outs) > 0  # faults really happened
    assert sum(o["refused"] for o in outs) > 0  # and the processes really competed for the outbox


def test_a_second_server_on_the_same_data_dir_refuses_to_start(tmp_path: Path, seeded_dir: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(seeded_dir, data)
    with served(data):
        env = {**_env(), "EDUMON_DATA_DIR": str(data), "EDUMON_PORT": str(free_port()), "EDUMON_BACKEND": "local"}
        second = subprocess.run([sys.executable, "-m", "app.cli", "serve"], env=env, capture_output=True, text=True,
                                timeout=300)
    assert second.returncode == 1
    assert "уже обслуживает" in second.stderr and "edumon serve" in second.stderr
    assert "Traceback" not in second.stderr


class _Witness:
    """A store that, when restore replaces a sheet, submits a write and gives the worker every chance to apply it
    right then: with the worker paused, nothing may land between the safety snapshot and the replacement."""

    def __init__(self, inner: LocalStore, writer_outbox: Outbox) -> None:
        self.inner, self.kind, self.outbox = inner, inner.kind, writer_outbox
        self.events: list[str] = []

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)

    def append_rows(self, title, rows):  # type: ignore[no-untyped-def]
        self.events.append("append")
        return self.inner.append_rows(title, rows)

    def replace_sheet(self, title, grid):  # type: ignore[no-untyped-def]
        self.events.append("replace start")
        self.outbox.enqueue([student(99, user="during")])
        try:  # today's worker applies it within milliseconds; a paused one never does
            wait_until(lambda: self.outbox.counts().get(APPLIED, 0), limit=3, what="the worker writes")
        except AssertionError:
            pass
        self.inner.replace_sheet(title, grid)
        self.events.append("replace end")


def test_cli_restore_pauses_the_running_servers_worker(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import context
    from app.cli import cli

    inner = LocalStore(data_dir / "edumon.sqlite3")
    info = snap.take_snapshot(inner, data_dir, "до правки")
    first = inner.read_all()[STUDENTS][1]
    inner.update_rows(STUDENTS, "id", {first[0]: {"Фамилия": "Изменённая"}})
    server_outbox = Outbox(data_dir / "outbox.sqlite3")
    witness = _Witness(inner, server_outbox)
    server = Worker(server_outbox, witness, SCHEMA, backoff_base=0.001, backoff_max=0.01, idle_wait=0.02,
                    what="edumon serve")
    server.start()  # the running server, in this process: its own lease file descriptors conflict all the same
    monkeypatch.setattr(context, "open_store", lambda settings: witness)
    try:
        result = CliRunner().invoke(cli, ["restore", info.id, "--yes"])
        assert result.exit_code == 0, result.output
        wait_until(lambda: server_outbox.counts().get(APPLIED, 0) == 1, what="the paused write applied afterwards")
    finally:
        server.stop()
    assert witness.events == ["replace start", "replace end", "append"]
    students = inner.read_all()[STUDENTS]
    assert students[1][1] == first[1]  # restored
    assert [r[0] for r in students].count("st-during-99") == 1


def test_writes_held_waits_for_the_lock_and_says_who_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    with writes_held(path, "edumon restore"):
        taken = threading.Event()

        def other() -> None:
            try:
                with writes_held(path, "второй", timeout=0.2):
                    taken.set()
            except LeaseHeld as exc:
                errors.append(str(exc))

        errors: list[str] = []
        t = threading.Thread(target=other)
        t.start()
        t.join(60)
    assert not taken.is_set()
    assert errors and "edumon restore" in errors[0] and "Не удалось приостановить запись" in errors[0]
