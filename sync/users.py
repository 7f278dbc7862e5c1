"""Local accounts (SQLite in the data dir, never in the shared sheets) with argon2 hashes; sign-in throttling."""

from __future__ import annotations

import builtins
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sheets_schema.errors import UserFacingError
from sync.files import private_file
from sync.throttle import Throttle, TooManyAttempts

__all__ = ["Account", "TooManyAttempts", "UserError", "UserStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    login TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    teacher_id TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sign_ins (
    login TEXT NOT NULL,
    at REAL NOT NULL,
    ok INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sign_ins_login ON sign_ins(login, at);
"""


@dataclass(frozen=True)
class Account:
    login: str
    name: str
    role: str
    teacher_id: str = ""
    disabled: bool = False


class UserError(UserFacingError):
    """A Russian message for the administrator (duplicate login, unknown user, weak password)."""


class UserStore:
    """Accounts and the sign-in log. Failed sign-ins slow down the (login, client) pair and, across logins, the
    client (sync.throttle) — never the login itself, so nobody can lock the owner out from another machine.
    An unknown or disabled login costs one argon2 verification like a real one, so timing tells nothing."""

    def __init__(self, path: str | Path, throttle: Throttle | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = private_file(Path(path))
        self.clock = clock
        self.throttle = throttle or Throttle()
        self._lock = threading.Lock()
        self._hasher = PasswordHasher()
        self._dummy_hash = ""
        self.verifications = 0  # argon2 verifications done (tests count them: one per attempt, whatever the login)
        self._local = threading.local()  # one connection per thread, opened at its first use
        with self._conn() as c:
            c.executescript(_SCHEMA)
            if "client" not in {r[1] for r in c.execute("PRAGMA table_info(sign_ins)")}:
                c.execute("ALTER TABLE sign_ins ADD COLUMN client TEXT NOT NULL DEFAULT ''")
            c.execute("CREATE INDEX IF NOT EXISTS sign_ins_client ON sign_ins(client, at)")

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection (used as `with self._conn() as c:` — a transaction, committed or rolled back).
        Kept open: every page asks for the signed-in account, and opening SQLite costs more than the query."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password) < 8:
            raise UserError("Пароль должен быть не короче 8 символов")

    def add(self, login: str, name: str, role: str, password: str, teacher_id: str = "") -> Account:
        login = login.strip().lower()
        if not login or not login.replace(".", "").replace("_", "").replace("-", "").isalnum():
            raise UserError("Имя для входа: латинские буквы, цифры, точка, дефис или подчёркивание")
        self._check_password(password)
        with self._lock, self._conn() as c:
            if c.execute("SELECT 1 FROM users WHERE login = ?", (login,)).fetchone():
                raise UserError(f"Пользователь «{login}» уже есть")
            c.execute("INSERT INTO users (login, name, role, teacher_id, password_hash, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)", (login, name, role, teacher_id, self._hasher.hash(password),
                                                    time.time()))
        return Account(login, name, role, teacher_id)

    def get(self, login: str) -> Account | None:
        with self._conn() as c:
            r = c.execute("SELECT login, name, role, teacher_id, disabled FROM users WHERE login = ?",
                          (login.strip().lower(),)).fetchone()
        return Account(r[0], r[1], r[2], r[3], bool(r[4])) if r else None

    def list(self) -> list[Account]:
        with self._conn() as c:
            rows = c.execute("SELECT login, name, role, teacher_id, disabled FROM users ORDER BY role, login")
            return [Account(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def set_password(self, login: str, password: str) -> None:
        self._check_password(password)
        with self._lock, self._conn() as c:
            n = c.execute("UPDATE users SET password_hash = ? WHERE login = ?",
                          (self._hasher.hash(password), login.strip().lower())).rowcount
        if not n:
            raise UserError(f"Нет пользователя «{login}»")

    def set_disabled(self, login: str, disabled: bool = True) -> None:
        with self._lock, self._conn() as c:
            n = c.execute("UPDATE users SET disabled = ? WHERE login = ?",
                          (int(disabled), login.strip().lower())).rowcount
        if not n:
            raise UserError(f"Нет пользователя «{login}»")

    def _history(self, login: str, client: str, now: float
                 ) -> tuple[builtins.list[tuple[float, bool]], builtins.list[float]]:
        """(this pair's attempts, oldest first; the client's failures across logins), inside the throttle's memory."""
        since = now - self.throttle.memory
        with self._conn() as c:
            pair = c.execute("SELECT at, ok FROM sign_ins WHERE login = ? AND client = ? AND at > ? ORDER BY at",
                             (login, client, since)).fetchall()
            by_client = c.execute("SELECT at FROM sign_ins WHERE client = ? AND ok = 0 AND at > ? ORDER BY at",
                                  (client, since)).fetchall()
        return [(a, bool(ok)) for a, ok in pair], [a for (a,) in by_client]

    def locked_for(self, login: str, client: str = "", now: float | None = None) -> float:
        """Seconds until this login may try again from this client (0 when it may)."""
        now = self.clock() if now is None else now
        pair, by_client = self._history(login.strip().lower(), client, now)
        return self.throttle.wait(pair, by_client, now)

    def _verify(self, stored: str | None, password: str) -> bool:
        """One argon2 verification, against a dummy hash when there is no usable account."""
        if not self._dummy_hash:  # made on the first attempt of anyone, so no later attempt pays for it
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(24))
        stored = self._dummy_hash if stored is None else stored
        with self._lock:
            self.verifications += 1
        try:
            return self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def authenticate(self, login: str, password: str, client: str = "", now: float | None = None) -> Account | None:
        """The account when the password is right; None otherwise. Raises TooManyAttempts while throttled.

        `client` identifies where the attempt comes from (the browser's address)."""
        now = self.clock() if now is None else now
        login = login.strip().lower()
        with self._lock:  # decide and count the attempt at once: parallel guesses cannot slip past the throttle
            wait = self.locked_for(login, client, now)
            if wait > 0:
                raise TooManyAttempts(wait)
            with self._conn() as c:  # counted as a failure until the password proves right
                attempt = c.execute("INSERT INTO sign_ins (login, at, ok, client) VALUES (?, ?, 0, ?)",
                                    (login, now, client)).lastrowid
                r = c.execute("SELECT password_hash, disabled FROM users WHERE login = ?", (login,)).fetchone()
        usable = r is not None and not r[1]
        ok = self._verify(r[0] if usable else None, password) and usable
        if not ok:
            return None
        with self._lock, self._conn() as c:
            c.execute("UPDATE sign_ins SET ok = 1 WHERE rowid = ?", (attempt,))
        return self.get(login)

    def failed_sign_ins(self, since: float, at_least: int = 3) -> builtins.list[tuple[str, str, int, float]]:
        """(login, client, failures, last failure) with at least `at_least` failures since `since`, most first:
        what `edumon status` shows the administrator."""
        with self._conn() as c:
            rows = c.execute("SELECT login, client, COUNT(*), MAX(at) FROM sign_ins WHERE ok = 0 AND at >= ? "
                             "GROUP BY login, client HAVING COUNT(*) >= ? ORDER BY COUNT(*) DESC, MAX(at) DESC",
                             (since, at_least)).fetchall()
        return [(r[0], r[1], int(r[2]), float(r[3])) for r in rows]
