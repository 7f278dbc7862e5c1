"""Local accounts (SQLite in the data dir, never in the shared sheets) with argon2 hashes and sign-in throttling."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

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


class UserError(Exception):
    """A Russian message for the administrator (duplicate login, unknown user, weak password)."""


class TooManyAttempts(Exception):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"Слишком много неудачных попыток входа. Повторите через {int(retry_after) + 1} с.")


class UserStore:
    """Accounts and the sign-in log. After `max_failures` failed attempts within `window` seconds the login is
    locked for `lockout` seconds; the lock is per login, so one attacker cannot lock out the whole school."""

    def __init__(self, path: str | Path, max_failures: int = 5, window: float = 300, lockout: float = 300) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.max_failures, self.window, self.lockout = max_failures, window, lockout
        self._lock = threading.Lock()
        self._hasher = PasswordHasher()
        with self._conn() as c:
            c.executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
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

    def locked_for(self, login: str, now: float | None = None) -> float:
        """Seconds until this login may try again (0 when it may)."""
        now = time.time() if now is None else now
        with self._conn() as c:
            rows = c.execute("SELECT at, ok FROM sign_ins WHERE login = ? AND at > ? ORDER BY at DESC",
                             (login.strip().lower(), now - self.window - self.lockout)).fetchall()
        failures: list[float] = []
        for at, ok in rows:  # newest first, up to the last successful sign-in
            if ok:
                break
            failures.append(at)
        failures.reverse()
        locked_until = 0.0
        k = self.max_failures
        for i in range(k - 1, len(failures)):
            if failures[i] - failures[i - k + 1] <= self.window:  # k failures inside one window: lock
                locked_until = max(locked_until, failures[i] + self.lockout)
        return max(0.0, locked_until - now)

    def authenticate(self, login: str, password: str, now: float | None = None) -> Account | None:
        """The account when the password is right; None otherwise. Raises TooManyAttempts while locked."""
        now = time.time() if now is None else now
        login = login.strip().lower()
        wait = self.locked_for(login, now)
        if wait > 0:
            raise TooManyAttempts(wait)
        with self._conn() as c:
            r = c.execute("SELECT password_hash, disabled FROM users WHERE login = ?", (login,)).fetchone()
        ok = False
        if r is not None and not r[1]:
            try:
                ok = self._hasher.verify(r[0], password)
            except (VerificationError, InvalidHashError):
                ok = False
        with self._lock, self._conn() as c:
            c.execute("INSERT INTO sign_ins (login, at, ok) VALUES (?, ?, ?)", (login, now, int(ok)))
        return self.get(login) if ok else None
