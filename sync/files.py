"""Private files: the data dir is 0700, databases and secrets are 0600 from the moment they exist."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

DIR_MODE, FILE_MODE = 0o700, 0o600


def private_dir(path: Path) -> Path:
    """Create the directory (and parents) and make it reachable by its owner only."""
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # a dir we do not own (a mounted volume) keeps its mode
        os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create the file empty if absent with mode 0600, and tighten an existing one (a database made 0644 before).

    SQLite gives its -wal and -shm files the mode of the database file, so they follow."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            os.chmod(p, FILE_MODE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write atomically (temp file, fsync, rename) with mode 0600: a crash leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
