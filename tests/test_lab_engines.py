"""The engine setting: EDUMON_LAB_ENGINE picks DuckDB or Spark, every aggregate transpiles to Spark SQL, and
DuckDB hands integer sums over as integers (the types Spark gives)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from reports.district import AGGREGATES, CUBE, TOWN_BY_SCHOOL_FROM_CUBE
from sync.warehouse.engine import Engine
from sync.warehouse.engines import open_engine
from sync.warehouse.intake import ingest_bundle
from sync.warehouse.layout import Warehouse
from sync.warehouse.receipts import Receipts
from tests.lab_factory import make_bundle, school_workbook


def test_engine_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (Settings().lab_engine, Settings().spark_master) == ("duckdb", "local[2]")
    monkeypatch.setenv("EDUMON_LAB_ENGINE", "spark")
    monkeypatch.setenv("EDUMON_SPARK_MASTER", "spark://lab-master:7077")
    assert (Settings().lab_engine, Settings().spark_master) == ("spark", "spark://lab-master:7077")
    monkeypatch.setenv("EDUMON_LAB_ENGINE", "pandas")
    with pytest.raises(ValueError):
        Settings()


@pytest.mark.parametrize("key", sorted(AGGREGATES))
def test_every_aggregate_transpiles_to_spark_sql(key: str) -> None:
    pytest.importorskip("sqlglot", reason="sqlglot не установлен / sqlglot is not installed")
    from sync.warehouse.engine_spark import to_spark_sql

    spark_sql = to_spark_sql(AGGREGATES[key].sql)
    assert spark_sql.upper().startswith("SELECT")
    assert "'да'" in spark_sql or "'да'" not in AGGREGATES[key].sql  # Russian literals pass through unchanged


def test_duckdb_is_the_default_and_sums_are_integers(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "warehouse")
    bundle = make_bundle(tmp_path / "a.zip", school_workbook(40, 3))
    assert ingest_bundle(wh, Receipts(tmp_path / "r.sqlite3"), bundle, "загрузка", CUBE).ok
    engine = open_engine("duckdb", wh, CUBE.sql)
    assert isinstance(engine, Engine)
    frame = engine.run(TOWN_BY_SCHOOL_FROM_CUBE)
    assert {str(frame[c].dtype) for c in ("N", "n5", "absent", "enrolled")} == {"int64"}
    assert int(frame["enrolled"].sum()) == len(school_workbook(40, 3)["results"])
