"""The lab's log of submissions (SQLite in the lab's data dir): who sent what, when, how it went, the lab's comment."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school TEXT NOT NULL,
    academic_year TEXT NOT NULL,
    received_at REAL NOT NULL,
    via TEXT NOT NULL,
    status TEXT NOT NULL,
    problems TEXT NOT NULL DEFAULT '[]',
    rows INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    who TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS submissions_school ON submissions(school, academic_year, received_at);
"""

_INSERT = ("INSERT INTO submissions (school, academic_year, received_at, via, status, problems, rows, who) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")

ACCEPTED, REFUSED, RETURNED = "принят", "отклонён", "возвращён на доработку"


@dataclass(frozen=True)
class Submission:
    id: int
    school: str
    academic_year: str
    received_at: float
    via: str
    status: str
    problems: list[str]
    rows: int
    comment: str
    who: str


class Receipts:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._batches: dict[int, sqlite3.Connection] = {}  # thread -> the connection of its open `batch()`
        with self._connect() as con:
            con.executescript(_SCHEMA)

    def _connect(self, check_same_thread: bool = True) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30, check_same_thread=check_same_thread)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        return con

    def record(self, school: str, academic_year: str, via: str, status: str, problems: list[str], rows: int = 0,
               who: str = "", at: float | None = None) -> int:
        values = (school, academic_year, time.time() if at is None else at, via, status,
                  json.dumps(problems, ensure_ascii=False), rows, who)
        batch = self._batches.get(threading.get_ident())
        if batch is not None:  # inside `batch()` on this thread: its open connection, committed at once
            with batch:
                return int(batch.execute(_INSERT, values).lastrowid or 0)
        with self._lock, self._connect() as con:
            return int(con.execute(_INSERT, values).lastrowid or 0)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Records made inside, on this thread, go through one open connection that does not wait for the disk at
        each commit (a folder of bundles): each is committed at once and survives the process ending; only the
        machine losing power may drop the last few, as it may the warehouse's files written just before."""
        owner = threading.get_ident()
        if owner in self._batches:
            yield
            return
        con = self._connect(check_same_thread=False)  # a generator holding the batch may be closed on another thread
        con.execute("PRAGMA synchronous=NORMAL")
        self._batches[owner] = con
        try:
            yield
        finally:
            del self._batches[owner]
            con.close()

    def return_for_correction(self, school: str, academic_year: str, comment: str) -> bool:
        """Mark the school-year's last accepted submission as returned, with the lab's comment."""
        with self._lock, self._connect() as con:
            row = con.execute("SELECT id FROM submissions WHERE school = ? AND academic_year = ? AND status = ? "
                              "ORDER BY received_at DESC, id DESC LIMIT 1",
                              (school, academic_year, ACCEPTED)).fetchone()
            if row is None:
                return False
            con.execute("UPDATE submissions SET status = ?, comment = ? WHERE id = ?", (RETURNED, comment, row[0]))
            return True

    def last_id(self) -> int:
        """The number of the last submission recorded (0 before any): grows with every attempt, so what is read
        from the warehouse can be kept until the next one."""
        with self._connect() as con:
            return int(con.execute("SELECT COALESCE(MAX(id), 0) FROM submissions").fetchone()[0])

    def all(self) -> list[Submission]:
        with self._connect() as con:
            rows = con.execute("SELECT id, school, academic_year, received_at, via, status, problems, rows, comment, "
                               "who FROM submissions ORDER BY received_at, id").fetchall()
        return [Submission(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8], r[9]) for r in rows]
