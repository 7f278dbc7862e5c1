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
from sync.warehouse.arrow import arrow_schema
from sync.warehouse.bundle import CODE_RE
from sync.warehouse.layout import PART, Warehouse

HIVE = "hive_partitioning = true, hive_types = {'year': 'INTEGER', 'school': 'VARCHAR'}, union_by_name = true"


class SQLAggregate(Protocol):
    @property
    def sql(self) -> str: ...

    @property
    def views(self) -> tuple[str, ...]: ...


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
            for sheet in BUNDLE_SCHEMA:
                self._view(self._con, sheet.key, self.warehouse.root / sheet.key)
            if self.warehouse.files("cube"):
                self._con.execute(f"CREATE OR REPLACE VIEW cube AS {self._scan('cube', '*')}")
            elif self.cube_sql:
                self._con.execute(f"CREATE OR REPLACE VIEW cube AS {self.cube_sql}")

    def _scan(self, table: str, school: str) -> str:
        return (f"SELECT * FROM read_parquet({_quote(self.warehouse.root / table / '*' / f'school={school}' / PART)}"
                f", {HIVE})")

    def _has(self, table: str, school: str) -> bool:
        return any((self.warehouse.root / table).glob(f"year=*/school={school}/{PART}"))

    def _view(self, con: duckdb.DuckDBPyConnection, name: str, root: Path) -> None:
        if any(root.glob(f"year=*/school=*/{PART}")):
            con.execute(f"CREATE OR REPLACE VIEW {name} AS {self._scan(name, '*')}")
        else:
            con.register("_arrow_empty", _empty(name))  # a table of the connection: cursors see it too
            con.execute(f"CREATE OR REPLACE TABLE _empty_{name} AS SELECT * FROM _arrow_empty")
            con.unregister("_arrow_empty")
            con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM _empty_{name}")

    def run(self, aggregate: SQLAggregate, school: str | None = None) -> pd.DataFrame:
        """The aggregate over the town, or over one school's partitions only (`school`: its code) — the same rows
        as the town's result filtered to that school, read from that school's files alone."""
        sql = aggregate.sql if school is None else self._for_school(aggregate, school)
        with self._lock:
            cur = self._con.cursor()
        try:
            return _fetch(cur, sql)
        finally:
            cur.close()

    def _for_school(self, aggregate: SQLAggregate, school: str) -> str:
        """The aggregate's text with each view it reads shadowed by a CTE over that school's folders
        (year=*/school=CODE/): the partition is chosen by the path, so no other school's file is listed or opened.
        Without stored cubes, `cube` is computed from the school's own tables."""
        if not CODE_RE.match(school):  # a code outside the alphabet of codes (a glob character, a path): no folder
            school = " "
        with self.warehouse.lock:  # a commit swaps folders: the CTEs are chosen on a stable tree
            stored = "cube" in aggregate.views and self._has("cube", school)
            raw = "cube" in aggregate.views and not stored
            ctes = [(s.key, self._scan(s.key, school) if self._has(s.key, school) else f"SELECT * FROM main.{s.key} "
                     "LIMIT 0") for s in BUNDLE_SCHEMA if raw or s.key in aggregate.views]
            if stored:
                ctes.append(("cube", self._scan("cube", school)))
            elif raw and self.cube_sql:
                ctes.append(("cube", self.cube_sql))
        body = aggregate.sql.lstrip()
        head = ", ".join(f"{name} AS ({q})" for name, q in ctes)
        if body[:4].upper() == "WITH":
            return f"WITH {head}, {body[4:]}"
        return f"WITH {head} {body}"

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


_local = threading.local()  # one in-memory connection per thread for intake's cubes (opening one costs ~10 ms)


def run_on_tables(aggregate: SQLAggregate, tables: Mapping[str, pa.Table], year: int, school: str) -> pa.Table:
    """Run an aggregate over one school-year's own tables (a submission being stored), with its partition values:
    one query over the tables in memory, nothing re-read from disk."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect(":memory:")
    try:
        for name in aggregate.views:
            con.register(f"_t_{name}", tables[name])
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT *, CAST({int(year)} AS INTEGER) AS year, "
                        f"CAST({_quote(Path(school))} AS VARCHAR) AS school FROM _t_{name}")
        return con.sql(aggregate.sql).to_arrow_table()
    finally:
        for name in aggregate.views:
            con.execute(f"DROP VIEW IF EXISTS {name}")
            con.unregister(f"_t_{name}")
