"""The Spark engine: the same views over the same hive-partitioned Parquet as the DuckDB engine, and the same
aggregates, their portable SQL transpiled once by SQLGlot (duckdb -> spark) — for a region on a cluster."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import pandas as pd
import sqlglot

from sheets_schema.bundle import BUNDLE_SCHEMA
from sheets_schema.errors import UserFacingError
from sync.warehouse.bundle import CODE_RE
from sync.warehouse.engine import DerivedSQL, SQLAggregate, _empty, derived_of, integral_sums, stored_views
from sync.warehouse.layout import PART, Warehouse

DEFAULT_MASTER = "local[2]"
SPARK_CONF = {
    "spark.sql.shuffle.partitions": "4",  # a school-year is small; cluster operators override in spark-defaults
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # partition values stay text: a school code «0042» must not become the number 42 (year is cast below)
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.sql.parquet.mergeSchema": "true",  # like DuckDB's union_by_name: a column added later reads as null
}


class SparkUnavailable(UserFacingError):
    """pyspark or a Java runtime is missing: the message says which, in Russian and English."""


@functools.lru_cache(maxsize=256)
def to_spark_sql(sql: str) -> str:
    """The portable (DuckDB-dialect) text of an aggregate in Spark SQL; one definition, never a second copy."""
    return sqlglot.transpile(sql, read="duckdb", write="spark", pretty=False)[0]


def _session(master: str, conf: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:  # pragma: no cover - depends on the installation
        raise SparkUnavailable("Не установлен pyspark (pip install 'edumon[spark]') / pyspark is not installed") from e
    builder = SparkSession.builder.master(master).appName("edumon-lab")
    for key, value in {**SPARK_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as e:  # the JVM could not start (no java on PATH, no JAVA_HOME)
        raise SparkUnavailable(f"Spark не запустился (нужна Java 17+) / Spark failed to start: {e}") from e
    session.sparkContext.setLogLevel("ERROR")
    return session


def _join(root: str, *parts: str) -> str:
    return "/".join([root.rstrip("/"), *parts])


class SparkEngine:
    """Same interface as `engine.Engine`: `refresh` rebuilds the views, `run` returns a pandas frame, `close`.

    `url` is any path Spark reads (a local folder, hdfs://, s3a://…); by default the warehouse's own folder.
    Partition columns come from the path (`basePath`): `year` is cast to INT, `school` stays text, as in DuckDB.
    """

    def __init__(self, warehouse: Warehouse, cube_sql: DerivedSQL = None, master: str = DEFAULT_MASTER,
                 url: str | None = None, conf: dict[str, str] | None = None) -> None:
        self.warehouse = warehouse
        self.derived = derived_of(cube_sql)
        self.cube_sql = self.derived.get("cube")
        self.url = url or str(Path(warehouse.root).resolve())
        self.spark = _session(master, conf)
        self._lock = threading.Lock()
        self.refresh()

    def _read(self, table: str, session=None, school: str = "*"):  # type: ignore[no-untyped-def]
        """The table's DataFrame over every year=/school= partition (or one school's folders), or None when there
        is none yet."""
        from pyspark.errors import AnalysisException
        from pyspark.sql import functions as F

        base = _join(self.url, table)
        try:
            df = (session or self.spark).read.option("basePath", base).parquet(
                _join(base, "year=*", f"school={school}", PART))
        except AnalysisException:  # PATH_NOT_FOUND: no school has sent this table yet
            return None
        return df.withColumn("year", F.col("year").cast("int")).withColumn("school", F.col("school").cast("string"))

    def _empty_frame(self, table: str, session=None):  # type: ignore[no-untyped-def]
        from pyspark.sql.pandas.types import from_arrow_schema

        schema = _empty(table).schema
        return (session or self.spark).createDataFrame([], from_arrow_schema(schema))

    def refresh(self) -> None:
        with self._lock, self.warehouse.lock:
            self._views(self.spark, "*", None)

    def _views(self, session, school: str, wanted: tuple[str, ...] | None) -> None:  # type: ignore[no-untyped-def]
        """The session's views over every school's partitions or over one school's folders (as `Engine._views`):
        those `wanted` (None: all), a derived one from its stored files or computed from the raw tables."""
        stored, computed = stored_views(self.warehouse, self.derived, school)
        names = [n for n in (*stored, *computed) if wanted is None or n in wanted]
        local = any(self.warehouse.root.glob(f"results/year=*/school={school}/{PART}"))  # else only Spark sees them
        frames = {n: self._read(n, session, school) for n in names if n in stored or not local}
        computed = [n for n in names if frames.get(n) is None and n in self.derived]
        for sheet in BUNDLE_SCHEMA:
            if wanted is None or computed or sheet.key in wanted:
                df = self._read(sheet.key, session, school)
                (df if df is not None else self._empty_frame(sheet.key, session)).createOrReplaceTempView(sheet.key)
        for name, df in frames.items():
            if df is not None:
                df.createOrReplaceTempView(name)
        for name in computed:
            session.sql(to_spark_sql(self.derived[name])).createOrReplaceTempView(name)

    def run(self, aggregate: SQLAggregate, school: str | None = None) -> pd.DataFrame:
        """As `Engine.run`: over the town, or over one school's folders in a session of its own (its own views)."""
        if school is None:
            with self._lock:
                df = self.spark.sql(to_spark_sql(aggregate.sql))
        else:
            session = self.spark.newSession()
            with self.warehouse.lock:
                self._views(session, school if CODE_RE.match(school) else " ", tuple(aggregate.views))
            df = session.sql(to_spark_sql(aggregate.sql))
        frame = df.toPandas()
        wide = []
        for field in df.schema.fields:  # the types DuckDB's engine hands over, so pages see no difference
            kind = field.dataType.typeName()
            if kind == "string":  # pandas' string dtype, NaN for null
                frame[field.name] = frame[field.name].astype("str")
            elif kind == "decimal":  # sums over stored cubes (DECIMAL(38,0)): int64, or float with a fraction/null
                frame[field.name] = frame[field.name].astype("float64")
                if getattr(field.dataType, "scale", 1) == 0:
                    wide.append(field.name)
        return integral_sums(frame, wide)

    def close(self) -> None:
        """The session is shared by the process (Spark allows one); stopping it is left to `stop_spark`."""


def stop_spark() -> None:
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover
        return
    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()
