"""Cross-process locks beside the outbox: one worker per outbox, and a write lock restore holds against it.

Both are OS file locks (flock) on files in the data dir, so a crashed process releases them by dying and no
heartbeat is needed. flock locks belong to an open file, so two locks on one path conflict inside one process
too. The worker lease is held for the life of a server (or one drain); the write lock for one worker cycle, or
for a whole restore (safety snapshot + replacement), so no write lands in between.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sheets_schema.errors import UserFacingError
from sync.files import FILE_MODE


class LeaseHeld(UserFacingError):
    """Another process holds the lock; the message is Russian and names it."""


def worker_lease_path(outbox_path: Path) -> Path:
    return outbox_path.with_name(outbox_path.name + ".worker.lock")


def write_lock_path(outbox_path: Path) -> Path:
    return outbox_path.with_name(outbox_path.name + ".write.lock")


class FileLock:
    """An exclusive flock on `path`; `holder` (pid, command, since) is written into the file for the message."""

    def __init__(self, path: Path, what: str) -> None:
        self.path, self.what = Path(path), what
        self._fd: int | None = None
        self._guard = threading.Lock()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def holder(self) -> dict[str, object]:
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8") or "{}"))
        except (OSError, ValueError, TypeError):
            return {}

    def try_acquire(self) -> bool:
        with self._guard:
            if self._fd is not None:
                return True
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "what": self.what,
                                     "since": time.time()}, ensure_ascii=False).encode("utf-8"))
            self._fd = fd
            return True

    def acquire(self, timeout: float | None = None, poll: float = 0.05,
                cancel: threading.Event | None = None) -> bool:
        """Wait for the lock up to `timeout` seconds (None: as long as it takes, or until `cancel` is set)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.try_acquire():
            if (deadline is not None and time.monotonic() >= deadline) or (cancel is not None and cancel.is_set()):
                return False
            time.sleep(poll)
        return True

    def release(self) -> None:
        with self._guard:
            if self._fd is None:
                return
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def describe_holder(self) -> str:
        h = self.holder()
        since = h.get("since")
        when = dt.datetime.fromtimestamp(float(since)).strftime("%d.%m.%Y %H:%M:%S") if isinstance(
            since, int | float) else "—"
        return f"процесс {h.get('pid', '?')} на «{h.get('host', '?')}» ({h.get('what', '?')}, с {when})"


def worker_lease(outbox_path: Path, what: str) -> FileLock:
    return FileLock(worker_lease_path(outbox_path), what)


def claim_worker(lease: FileLock) -> None:
    """Take the worker lease or refuse: two workers on one outbox would put rows in the sheet twice."""
    if not lease.try_acquire():
        raise LeaseHeld(f"Очередь записи этого каталога данных уже обслуживает {lease.describe_holder()}. "
                        "Второй сервер или выгрузка очереди на том же каталоге данных не запускаются: "
                        "записи попали бы в таблицу дважды. Остановите первый процесс или укажите другой "
                        "EDUMON_DATA_DIR.")


@contextlib.contextmanager
def writes_held(outbox_path: Path, what: str, timeout: float = 600) -> Iterator[None]:
    """Hold the write lock: the worker of any process finishes its current cycle and waits until we are done."""
    lock = FileLock(write_lock_path(outbox_path), what)
    if not lock.acquire(timeout):
        raise LeaseHeld(f"Не удалось приостановить запись в таблицу за {int(timeout)} с: блокировку держит "
                        f"{lock.describe_holder()}. Повторите позже.")
    try:
        yield
    finally:
        lock.release()
