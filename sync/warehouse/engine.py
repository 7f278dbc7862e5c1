"""The one owner of the DuckDB connection: views over the hive-partitioned Parquet, and running the aggregates
that `reports.district` declares (the app hands them in; this module knows no aggregate of its own)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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
# A stored derived table whose files total less than this is held in the connection's memory (reloaded only when
# its files change): the town's pages read the cube of every school-year, and opening one small file per school on
# each query costs more than the query (300 schools: ~200 ms against a few ms in memory).
RESIDENT_BYTES = 32 * 2**20


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


DerivedSQL = str | Mapping[str, str] | None  # the cube's SQL, or each stored derived table's SQL by its name


def derived_of(cube_sql: DerivedSQL) -> dict[str, str]:
    """The derived tables an engine knows how to compute from the raw ones: {name: SQL}."""
    if cube_sql is None:
        return {}
    return {"cube": cube_sql} if isinstance(cube_sql, str) else dict(cube_sql)


Files = dict[tuple[str, str], tuple[int, int, int]]  # (year=…, school=…) -> its file's (inode, mtime ns, size)


def partition_files(warehouse: Warehouse, table: str, school: str = "*") -> Files:
    """The school-year folders of `table` that hold their file (`school`: one code's folders, `*`: every school's),
    each with what tells a replaced file from the one seen before: a listing per year, a stat per file."""
    found: Files = {}
    try:
        years = [e.path for e in os.scandir(warehouse.root / table) if e.name.startswith("year=") and e.is_dir()]
    except OSError:  # no such table yet
        return found
    for year in years:
        try:
            folders = ([e.name for e in os.scandir(year) if e.name.startswith("school=")] if school == "*"
                       else [f"school={school}"])
        except OSError:  # the year folder went with a concurrent swap
            continue
        for folder in folders:
            try:
                st = os.stat(os.path.join(year, folder, PART))
            except OSError:
                continue
            found[(os.path.basename(year), folder)] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return found


def stored_views(warehouse: Warehouse, derived: Mapping[str, str], school: str = "*",
                 seen: Mapping[str, Files] | None = None) -> tuple[list[str], list[str]]:
    """(stored, computed): the derived views to read from their stored files over `school`'s folders (`*`: every
    school), and those to compute from the raw tables because a school-year there lacks the stored table (a
    warehouse filled before the table was stored, or an intake that did not store it) — the numbers stay the same.
    A stored table the engine has no SQL for is read as it is. `seen`: the tables' folders already listed."""
    bundle = {s.key for s in BUNDLE_SCHEMA}
    names = sorted({*derived, *(t for t in warehouse.tables() if t not in bundle)})

    def folders(table: str) -> set[tuple[str, str]]:
        return set(seen[table] if seen is not None and table in seen else partition_files(warehouse, table, school))

    have = folders("results")
    stored, computed = [], []
    for name in names:
        mine = folders(name)
        if mine and (name not in derived or mine >= have):
            stored.append(name)
        elif name in derived:
            computed.append(name)
    return stored, computed


class Engine:
    """Views are rebuilt after each intake (`refresh`, which does nothing when no file changed since the last one);
    queries run on a cursor of the one connection."""

    def __init__(self, warehouse: Warehouse, cube_sql: DerivedSQL = None) -> None:
        self.warehouse = warehouse
        self.derived = derived_of(cube_sql)  # how to compute each derived view where it is not stored
        self.cube_sql = self.derived.get("cube")
        self._con = duckdb.connect(":memory:")
        self._lock = threading.Lock()
        self._seen: dict[str, Files] | None = None  # every table's files when the views were last made
        self._resident: dict[str, Files] = {}  # a table held in memory -> the files it was loaded from
        self.refresh()

    def refresh(self) -> None:
        with self._lock, self.warehouse.lock:
            names = sorted({s.key for s in BUNDLE_SCHEMA} | set(self.derived) | set(self.warehouse.tables()))
            seen = {name: partition_files(self.warehouse, name) for name in names}
            if seen == self._seen:
                return
            before = self._seen or {}
            for sheet in BUNDLE_SCHEMA:  # a view binds its columns when made: remade when its files change
                if sheet.key not in before or seen[sheet.key] != before[sheet.key]:
                    self._view(self._con, sheet.key, bool(seen[sheet.key]))
            stored, computed = stored_views(self.warehouse, self.derived, seen=seen)
            for name in stored:
                self._stored_view(name, seen[name])
            for name in computed:
                self._con.execute(f"CREATE OR REPLACE VIEW {name} AS {self.derived[name]}")
                self._release(name)
            self._seen = seen

    def _stored_view(self, name: str, files: Files) -> None:
        """A stored derived table's view: over a copy in memory when its files are small (`RESIDENT_BYTES`),
        re-read only when a file was added, removed or replaced; over the files otherwise."""
        if sum(size for _ino, _mtime, size in files.values()) >= RESIDENT_BYTES:
            self._con.execute(f"CREATE OR REPLACE VIEW {name} AS {self._scan(name, '*')}")
            self._release(name)
            return
        if self._resident.get(name) != files:
            self._con.execute(f"CREATE OR REPLACE TABLE _resident_{name} AS {self._scan(name, '*')}")
            self._resident[name] = files
        self._con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM _resident_{name}")

    def _release(self, name: str) -> None:
        """Drop the copy in memory of a table no longer read from it (grown past the limit, or computed again)."""
        if self._resident.pop(name, None) is not None:
            self._con.execute(f"DROP TABLE IF EXISTS _resident_{name}")

    def _scan(self, table: str, school: str) -> str:
        return (f"SELECT * FROM read_parquet({_quote(self.warehouse.root / table / '*' / f'school={school}' / PART)}"
                f", {HIVE})")

    def _has(self, table: str, school: str) -> bool:
        return bool(partition_files(self.warehouse, table, school))

    def _view(self, con: duckdb.DuckDBPyConnection, name: str, has_files: bool) -> None:
        if has_files:
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
        A derived view (the cube, …) the school's folders lack is computed from the school's own tables."""
        if not CODE_RE.match(school):  # a code outside the alphabet of codes (a glob character, a path): no folder
            school = " "
        with self.warehouse.lock:  # a commit swaps folders: the CTEs are chosen on a stable tree
            stored, computed = stored_views(self.warehouse, self.derived, school)
            stored = [n for n in stored if n in aggregate.views]
            computed = [n for n in computed if n in aggregate.views]
            ctes = [(s.key, self._scan(s.key, school) if self._has(s.key, school) else f"SELECT * FROM main.{s.key} "
                     "LIMIT 0") for s in BUNDLE_SCHEMA if computed or s.key in aggregate.views]
            ctes += [(n, self._scan(n, school)) for n in stored]
            ctes += [(n, self.derived[n]) for n in computed]
        body = aggregate.sql.lstrip()
        head = ", ".join(f"{name} AS ({q})" for name, q in ctes)
        if body[:4].upper() == "WITH":
            return f"WITH {head}, {body[4:]}"
        return f"WITH {head} {body}"

    def close(self) -> None:
        self._con.close()


def _fetch(cur: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """The rows as pandas, through Arrow where every column converts to the same dtype DuckDB's own `df()` gives
    (text with a value, floats, wide integer sums, integers and flags without a null): several times faster and
    smaller for millions of rows (the per-task sums of a region); any other result (a null integer, a date, a
    list) goes through `df()`, so the pages see the same types either way."""
    table = cur.sql(sql).to_arrow_table()
    if not all(_arrow_plain(f.type, table.column(i).null_count, len(table)) for i, f in enumerate(table.schema)):
        return integral_sums(cur.from_arrow(table).df(), [f.name for f in table.schema if _integral_wide(f.type)])
    huge = []
    for i, f in enumerate(table.schema):
        if pa.types.is_decimal(f.type):  # DuckDB's SUM of integers (HUGEINT, DECIMAL(38,0)): float, as `df()` has it
            table = table.set_column(i, f.name, table.column(i).cast(pa.float64()))
            huge += [f.name] if _integral_wide(f.type) else []
    return integral_sums(table.to_pandas(), huge)


def _arrow_plain(kind: pa.DataType, nulls: int, rows: int) -> bool:
    t = pa.types  # `df()` gives text of no value at all (an empty result, a column of nulls) as objects
    return ((nulls < rows and (t.is_string(kind) or t.is_large_string(kind))) or t.is_floating(kind)
            or t.is_decimal(kind) or (nulls == 0 and (t.is_integer(kind) or t.is_boolean(kind))))


def _integral_wide(kind: pa.DataType) -> bool:
    return pa.types.is_decimal(kind) and getattr(kind, "scale", 1) == 0


def integral_sums(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """DuckDB's SUM of integers is a 128-bit integer (stored cubes hold it as DECIMAL(38,0)) that pandas receives
    as float; give it back as int64 unless it holds a null, so both engines hand the pages the same types."""
    for c in columns:
        if c in frame and not frame[c].isna().any():
            frame[c] = frame[c].astype("int64")
    return frame


_local = threading.local()  # one in-memory connection per thread for intake's cubes (opening one costs ~10 ms)


Derived = SQLAggregate | Mapping[str, SQLAggregate]  # the cube's aggregate, or each derived table's by its name


def derived_tables(derived: Derived, tables: Mapping[str, pa.Table], year: int, school: str) -> dict[str, pa.Table]:
    """The derived tables of one school-year (its cube, …) from its own tables, as stored: without the partition
    columns, which the folders carry. The tables are registered once for every aggregate."""
    named = derived if isinstance(derived, Mapping) else {"cube": derived}
    with _registered(tables, {v for a in named.values() for v in a.views}, year, school) as con:
        return {name: con.sql(a.sql).to_arrow_table().drop_columns(["year", "school"]) for name, a in named.items()}


def run_on_tables(aggregate: SQLAggregate, tables: Mapping[str, pa.Table], year: int, school: str) -> pa.Table:
    """Run an aggregate over one school-year's own tables (a submission being stored), with its partition values:
    one query over the tables in memory, nothing re-read from disk."""
    with _registered(tables, set(aggregate.views), year, school) as con:
        return con.sql(aggregate.sql).to_arrow_table()


@contextmanager
def _registered(tables: Mapping[str, pa.Table], views: set[str], year: int, school: str
                ) -> Iterator[duckdb.DuckDBPyConnection]:
    """This thread's connection with each view an Arrow table of the school-year with its partition columns (as a
    hive scan reads them: year INTEGER, school VARCHAR) — registered, not created, which costs far less."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect(":memory:", config={"threads": 1})  # one school-year: small
    try:
        for name in sorted(views):
            t = tables[name]
            con.register(name, t.append_column("year", pa.repeat(pa.scalar(int(year), pa.int32()), t.num_rows))
                         .append_column("school", pa.repeat(pa.scalar(str(school), pa.string()), t.num_rows)))
        yield con
    finally:
        for name in views:
            con.unregister(name)
