"""The durable outbox and audit log: a command is on disk before the person is told «сохранено».

SQLite in WAL mode with synchronous=FULL: in WAL mode NORMAL only syncs at checkpoints, so a power cut could
lose the last acknowledged commands; FULL fsyncs the WAL on every commit, which is what «saved» must mean.
The worker's marks (applied, conflict, a failed attempt) are committed without their own fsync: a mark a power cut
loses leaves the command pending, and applying it again changes nothing (the worker skips an append whose row is
there and writes only cells that differ); the next enqueue's fsync makes the marks before it durable too. So a
save's commit never waits behind the worker's fsync.
The same table is the audit log: every command keeps who, when, old → new, and whether it reached the store.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.files import private_file
from sync.write.commands import WriteCommand

PENDING, APPLIED, CONFLICT, REJECTED = "pending", "applied", "conflict", "rejected"
STATUS_RU = {PENDING: "ожидает записи", APPLIED: "записано", CONFLICT: "конфликт", REJECTED: "отклонено таблицей"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS commands (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id TEXT NOT NULL UNIQUE,
    op TEXT NOT NULL,
    sheet TEXT NOT NULL,
    row_id TEXT NOT NULL,
    vals TEXT NOT NULL,
    expected TEXT NOT NULL,
    user TEXT NOT NULL,
    created_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    applied_at REAL,
    found TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS commands_status ON commands(status, seq);
CREATE INDEX IF NOT EXISTS commands_sheet ON commands(sheet, created_at);
"""


@dataclass(frozen=True)
class Entry:
    """One command as the audit log shows it."""

    seq: int
    command: WriteCommand
    status: str
    attempts: int
    last_error: str
    applied_at: float | None
    found: dict[str, str]  # on conflict: what the sheet held instead of the expected old values


class Outbox:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        private_file(self.path)  # who wrote what, with old values: the owner's eyes only
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(_SCHEMA)
        self.wakeup = threading.Event()
        self._decoded: dict[int, WriteCommand] = {}  # seq -> its command (see _command)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _tx(self, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction; `durable=False`: committed without an fsync of its own (the worker's marks)."""
        with self._lock:
            if not durable:
                self._conn.execute("PRAGMA synchronous=NORMAL")
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            finally:
                if not durable:
                    self._conn.execute("PRAGMA synchronous=FULL")

    def enqueue(self, commands: Sequence[WriteCommand]) -> None:
        """All or nothing, durable on return. Re-enqueueing a known op_id is a no-op (a retried form submit)."""
        with self._tx() as c:
            c.executemany(
                "INSERT OR IGNORE INTO commands (op_id, op, sheet, row_id, vals, expected, user, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(x.op_id, x.op, x.sheet, x.row_id, json.dumps(x.values, ensure_ascii=False),
                  json.dumps(x.expected, ensure_ascii=False), x.user, x.created_at) for x in commands])
        self.wakeup.set()

    def _entries(self, where: str, args: Sequence[object] = (), limit: int | None = None) -> list[Entry]:
        q = ("SELECT seq, op_id, op, sheet, row_id, vals, expected, user, created_at, status, attempts, last_error, "
             f"applied_at, found FROM commands WHERE {where} ORDER BY seq")
        if limit:
            q += f" LIMIT {int(limit)}"
        with self._lock:
            rows = self._conn.execute(q, tuple(args)).fetchall()
        return [Entry(r[0], self._command(r), r[9], r[10], r[11], r[12], json.loads(r[13])) for r in rows]

    def _command(self, r: tuple[Any, ...]) -> WriteCommand:
        """The command of a row, decoded once: a command never changes once enqueued (the worker and the cache
        read the pending ones after every save)."""
        seq = r[0]
        command = self._decoded.get(seq)
        if command is None or command.op_id != r[1]:
            if len(self._decoded) > 50_000:
                self._decoded.clear()
            command = self._decoded[seq] = WriteCommand(r[2], r[3], r[4], json.loads(r[5]), json.loads(r[6]), r[7],
                                                        r[1], r[8])
        return command

    def pending(self, limit: int | None = None) -> list[Entry]:
        return self._entries("status = ?", (PENDING,), limit)

    def pending_commands(self) -> list[WriteCommand]:
        """The pending commands in order (what the cache lays over the store after every save and write)."""
        with self._lock:
            rows = self._conn.execute("SELECT seq, op_id, op, sheet, row_id, vals, expected, user, created_at "
                                      "FROM commands WHERE status = ? ORDER BY seq", (PENDING,)).fetchall()
        return [self._command(r) for r in rows]

    def mark(self, seqs: Sequence[int], status: str, error: str = "",
             found: dict[int, dict[str, str]] | None = None) -> None:
        now = time.time() if status == APPLIED else None
        with self._tx(durable=False) as c:
            c.executemany("UPDATE commands SET status = ?, applied_at = ?, last_error = ?, found = ? WHERE seq = ?",
                          [(status, now, error, json.dumps((found or {}).get(s, {}), ensure_ascii=False), s)
                           for s in seqs])

    def note_failure(self, seqs: Sequence[int], error: str) -> None:
        with self._tx(durable=False) as c:
            c.executemany("UPDATE commands SET attempts = attempts + 1, last_error = ? WHERE seq = ?",
                          [(error, s) for s in seqs])

    def entries(self, sheet: str | None = None, user: str | None = None, since: float | None = None,
                status: str | None = None, limit: int | None = None) -> list[Entry]:
        where, args = ["1 = 1"], list[object]()
        for col, val in (("sheet", sheet), ("user", user), ("status", status)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        if since is not None:
            where.append("created_at >= ?")
            args.append(since)
        return self._entries(" AND ".join(where), args, limit)

    def pending_count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM commands WHERE status = ?", (PENDING,)).fetchone()[0])

    def refused(self) -> int:
        """How many commands the store refused (conflicts and rejections), by the status index."""
        with self._lock:
            row = self._conn.execute("SELECT COUNT(*) FROM commands WHERE status IN (?, ?)",
                                     (CONFLICT, REJECTED)).fetchone()
        return int(row[0])

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._conn.execute("SELECT status, COUNT(*) FROM commands GROUP BY status").fetchall())

    def last_applied_at(self) -> float | None:
        with self._lock:
            row = self._conn.execute("SELECT MAX(applied_at) FROM commands WHERE status = ?", (APPLIED,)).fetchone()
        return row[0] if row else None

    def oldest_pending_at(self) -> float | None:
        with self._lock:
            row = self._conn.execute("SELECT MIN(created_at) FROM commands WHERE status = ?", (PENDING,)).fetchone()
        return row[0] if row else None
