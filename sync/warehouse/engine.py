"""The one owner of the DuckDB connection: views over the hive-partitioned Parquet, and running the aggregates
that `reports.district` declares (the app hands them in; this module knows no aggregate of its own)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd
import pyarrow as pa

from sheets_schema.bundle import BUNDLE_SCHEMA

from .arrow import arrow_schema
from .bundle import CODE_RE
from .layout import PART, Warehouse

HIVE = "hive_partitioning = true, hive_types = {'year': 'INTEGER', 'school': 'VARCHAR'}, union_by_name = true"


class SQLAggregate(Protocol):
    sql: str
    views: tuple[str, ...]


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _empty(table: str) -> pa.Table:
    schema = arrow_schema(BUNDLE_SCHEMA[table]).append(pa.field("year", pa.int32())).append(
        pa.field("school", pa.string()))
    return schema.empty_table()


class Engine:
    """Views are rebuilt after each intake (`refresh`); queries run on a cursor of the one connection."""

    def __init__(self, warehouse: Warehouse, cube_sql: str | None = None) -> None:
        self.warehouse = warehouse
        self.cube_sql = cube_sql  # how to build an empty `cube` view before any school has sent data
        self._con = duckdb.connect(":memory:")
        self._lock = threading.Lock()
        self.refresh()

    def refresh(self) -> None:
        with self._lock, self.warehouse.lock:
            self._views(self._con, "*", ("cube", *(s.key for s in BUNDLE_SCHEMA)))

    def _views(self, con: duckdb.DuckDBPyConnection, school: str, wanted: tuple[str, ...]) -> None:
        """Views over every school's partitions (`school` = "*") or over one school's folders only, so a school's
        query reads its own files and nothing else (the partition is chosen by the path, not by a filter).
        `cube` without stored cubes is computed from the bundle tables, so it brings them all."""
        root = self.warehouse.root / "cube"
        stored = "cube" in wanted and any(root.glob(f"year=*/school={school}/{PART}"))
        raw = "cube" in wanted and not stored
        for sheet in BUNDLE_SCHEMA:
            if raw or sheet.key in wanted:
                self._view(con, sheet.key, self.warehouse.root / sheet.key, school)
        if stored:
            con.execute(f"CREATE OR REPLACE VIEW cube AS SELECT * FROM read_parquet("
                        f"{_quote(root / '*' / f'school={school}' / PART)}, {HIVE})")
        elif raw and self.cube_sql:
            con.execute(f"CREATE OR REPLACE VIEW cube AS {self.cube_sql}")

    def _view(self, con: duckdb.DuckDBPyConnection, name: str, root: Path, school: str = "*") -> None:
        if any(root.glob(f"year=*/school={school}/{PART}")):
            con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet("
                        f"{_quote(root / '*' / f'school={school}' / PART)}, {HIVE})")
        else:
            con.register("_arrow_empty", _empty(name))  # a table of the connection: cursors see it too
            con.execute(f"CREATE OR REPLACE TABLE _empty_{name} AS SELECT * FROM _arrow_empty")
            con.unregister("_arrow_empty")
            con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM _empty_{name}")

    def run(self, aggregate: SQLAggregate, school: str | None = None) -> pd.DataFrame:
        """The aggregate over the town, or over one school's partitions only (`school`: its code) — the same rows
        as the town's result filtered to that school, read from that school's files alone."""
        if school is not None:
            return self._run_for_school(aggregate, school)
        with self._lock:
            cur = self._con.cursor()
        try:
            return _fetch(cur, aggregate.sql)
        finally:
            cur.close()

    def _run_for_school(self, aggregate: SQLAggregate, school: str) -> pd.DataFrame:
        con = duckdb.connect(":memory:")
        try:
            with self.warehouse.lock:  # a commit swaps folders: views are built on a stable tree
                # a code outside the alphabet of codes (a glob character, a path) names no folder: empty views
                self._views(con, school if CODE_RE.match(school) else " ", tuple(aggregate.views))
            return _fetch(con, aggregate.sql)
        finally:
            con.close()

    def close(self) -> None:
        self._con.close()


def _fetch(cur: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    cur.execute(sql)
    huge = [d[0] for d in cur.description or () if _integral_wide(str(d[1]))]
    return integral_sums(cur.df(), huge)


def _integral_wide(type_name: str) -> bool:
    return type_name == "HUGEINT" or (type_name.startswith("DECIMAL(") and type_name.endswith(",0)"))


def integral_sums(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """DuckDB's SUM of integers is a 128-bit integer (stored cubes hold it as DECIMAL(38,0)) that pandas receives
    as float; give it back as int64 unless it holds a null, so both engines hand the pages the same types."""
    for c in columns:
        if c in frame and not frame[c].isna().any():
            frame[c] = frame[c].astype("int64")
    return frame


def run_on_tables(aggregate: SQLAggregate, tables: Mapping[str, pa.Table], year: int, school: str) -> pa.Table:
    """Run an aggregate over one school-year's own tables (a submission being stored), with its partition values:
    one query over the tables in memory, nothing re-read from disk."""
    con = duckdb.connect(":memory:")
    try:
        for name in aggregate.views:
            con.register(f"_t_{name}", tables[name])
            con.execute(f"CREATE VIEW {name} AS SELECT *, CAST({int(year)} AS INTEGER) AS year, "
                        f"CAST({_quote(Path(school))} AS VARCHAR) AS school FROM _t_{name}")
        return con.sql(aggregate.sql).to_arrow_table()
    finally:
        con.close()
