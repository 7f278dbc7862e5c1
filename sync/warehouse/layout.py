"""The warehouse on disk — a contract any engine that reads hive-partitioned Parquet can serve:

    warehouse/<table>/year=YYYY/school=CODE/part-0.parquet    accepted data (YYYY: first year of 2025/2026)
    warehouse/_history/<stamp>/<table>/year=YYYY/school=CODE/  the versions a re-submission replaced
    warehouse/_staging/<stamp>/                                a submission being committed

A school-year is replaced as a whole: its tables are staged, a COMMIT marker is written, then each table's
partition directory is swapped by rename (the old one moves to _history). An interrupted commit is rolled
forward on the next open, an uncommitted stage is deleted — readers never see half a school-year twice.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

PART = "part-0.parquet"
COMMIT = "COMMIT"


def encode(table: pa.Table) -> bytes:
    """A table's Parquet file, as the warehouse and bundles store it."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def year_of(academic_year: str) -> int:
    """«2025/2026» -> 2025, the partition value."""
    return int(academic_year.split("/")[0])


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


class Warehouse:
    """Owns the warehouse directory: staged, atomic replacement of one school-year and listing what is there."""

    _locks: dict[Path, threading.RLock] = {}

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.lock = self._locks.setdefault(self.root.resolve(), threading.RLock())
        self.recover()

    def partition(self, table: str, year: int, school: str) -> Path:
        return self.root / table / f"year={year}" / f"school={school}"

    def files(self, table: str) -> list[Path]:
        return sorted((self.root / table).glob(f"year=*/school=*/{PART}"))

    def tables(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("_"))

    def school_years(self, table: str = "results") -> list[tuple[int, str]]:
        out = []
        for p in self.files(table):
            out.append((int(p.parent.parent.name.split("=", 1)[1]), p.parent.name.split("=", 1)[1]))
        return out

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.root.rglob("*.parquet") if "_history" not in p.parts)

    @contextmanager
    def stage(self) -> Iterator[Path]:
        """A fresh staging directory, held under the warehouse lock; removed unless committed."""
        with self.lock:
            path = self.root / "_staging" / _stamp()
            path.mkdir(parents=True)
            try:
                yield path
            finally:
                if path.exists() and not (path / COMMIT).exists():
                    shutil.rmtree(path, ignore_errors=True)

    @staticmethod
    def write_table(stage: Path, table: str, data: pa.Table | bytes) -> None:
        """One table into the stage: an Arrow table, or its file already encoded (`encode`, in a worker)."""
        target = stage / table
        target.mkdir(parents=True, exist_ok=True)
        (target / PART).write_bytes(data if isinstance(data, bytes) else encode(data))

    def commit(self, stage: Path, year: int, school: str) -> None:
        """Swap every staged table into place for (year, school); the old partitions move to _history."""
        with self.lock:
            (stage / COMMIT).write_text(f"{year}\n{school}\n", encoding="utf-8")
            _fsync_dir(stage)
            self._roll_forward(stage, year, school)

    def replace(self, year: int, school: str, tables: Mapping[str, pa.Table | bytes]) -> None:
        with self.stage() as st:
            for name, data in tables.items():
                self.write_table(st, name, data)
            self.commit(st, year, school)

    def add(self, table: str, year: int, school: str, data: pa.Table) -> None:
        """Store one table of a school-year that has none yet (a derived table made after the fact): written beside
        its place and renamed into it, so a reader sees the whole file or none; the other tables stay as they are."""
        with self.lock:
            target = self.partition(table, year, school)
            target.mkdir(parents=True, exist_ok=True)
            tmp = target / f".{PART}.tmp"
            tmp.write_bytes(encode(data))
            os.replace(tmp, target / PART)
            _fsync_dir(target)

    def _roll_forward(self, stage: Path, year: int, school: str) -> None:
        history = self.root / "_history" / stage.name
        staged = {p.name for p in stage.iterdir() if p.is_dir()}
        for table in sorted(set(staged) | set(self.tables())):
            current = self.partition(table, year, school)
            new = stage / table
            if new.is_dir() or current.exists():
                if current.exists():
                    old = history / table / f"year={year}" / f"school={school}"
                    old.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(current, old)
                if new.is_dir():
                    current.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(new, current)
        shutil.rmtree(stage, ignore_errors=True)

    def recover(self) -> None:
        """Finish commits interrupted after their COMMIT marker; drop stages that never got one."""
        staging = self.root / "_staging"
        if not staging.is_dir():
            return
        with self.lock:
            for st in sorted(staging.iterdir()):
                marker = st / COMMIT
                if marker.is_file():
                    year, school = marker.read_text(encoding="utf-8").split()[:2]
                    self._roll_forward(st, int(year), school)
                else:
                    shutil.rmtree(st, ignore_errors=True)

    def history(self, year: int, school: str, table: str = "results") -> list[Path]:
        """Replaced versions of one school-year's table, oldest first."""
        return sorted((self.root / "_history").glob(f"*/{table}/year={year}/school={school}/{PART}"))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
