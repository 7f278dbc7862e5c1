"""The lab's engine as a setting: DuckDB embedded (default) or Spark (a local session or a cluster's master)."""

from __future__ import annotations

from typing import Literal, Protocol

import pandas as pd

from sync.warehouse.engine import DerivedSQL, Engine, SQLAggregate
from sync.warehouse.layout import Warehouse

EngineKind = Literal["duckdb", "spark"]


class LabEngine(Protocol):
    def refresh(self) -> None: ...
    def run(self, aggregate: SQLAggregate, school: str | None = None) -> pd.DataFrame: ...
    def close(self) -> None: ...


def open_engine(kind: EngineKind, warehouse: Warehouse, cube_sql: DerivedSQL = None, *,
                spark_master: str = "local[2]", spark_url: str | None = None) -> LabEngine:
    """The same views and the same aggregates on either engine; only the speed differs."""
    if kind == "spark":
        from sync.warehouse.engine_spark import SparkEngine  # pyspark is imported only when Spark is chosen

        return SparkEngine(warehouse, cube_sql, master=spark_master, url=spark_url)
    return Engine(warehouse, cube_sql)
