"""Parity of the lab's two engines: every aggregate of reports.district (the registry, so new ones are covered
too) gives the same rows and the same numbers on DuckDB and on Spark over the same warehouse.

Spark needs pyspark and a Java runtime; without them these tests skip with a message saying what is missing.
One Spark session (local[2], 4 shuffle partitions, no UI) serves the whole module: its start-up is slow.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reports.district import AGGREGATES, CUBE, MATERIALISED, MATERIALISED_SQL, TOWN_BY_SCHOOL_FROM_CUBE, with_rates
from sync.warehouse.engine import Engine
from sync.warehouse.engines import open_engine
from sync.warehouse.intake import ingest_bundle
from sync.warehouse.layout import Warehouse
from sync.warehouse.receipts import Receipts
from tests.lab_factory import make_bundle, school_workbook

SHOWN_DECIMALS = 1  # rates are shown to one decimal on the pages and in the exports


def _spark_or_skip() -> None:
    pytest.importorskip("pyspark", reason="pyspark не установлен — тесты Spark пропущены / pyspark is not installed")
    pytest.importorskip("sqlglot", reason="sqlglot не установлен / sqlglot is not installed")
    if shutil.which("java") is None:
        pytest.skip("нет Java (apt-get install default-jre-headless) — тесты Spark пропущены / no Java runtime")


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """Three school-years: two schools (one code of digits with a leading zero) and a past year of one."""
    tmp = tmp_path_factory.mktemp("town")
    wh, rc = Warehouse(tmp / "warehouse"), Receipts(tmp / "receipts.sqlite3")
    for i, (code, year, seed) in enumerate((("sch-t1", "2025/2026", 11), ("0042", "2025/2026", 12),
                                            ("sch-t1", "2024/2025", 13))):
        bundle = make_bundle(tmp / f"{i}.zip", school_workbook(60, seed), code=code, year=year)
        assert ingest_bundle(wh, rc, bundle, "загрузка", MATERIALISED).ok
    return wh


@pytest.fixture(scope="module")
def spark_town(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    _spark_or_skip()  # before the town is built: without Java nothing is spent
    from sync.warehouse.engine_spark import stop_spark

    engine = open_engine("spark", request.getfixturevalue("town"), MATERIALISED_SQL, spark_master="local[2]")
    yield engine
    stop_spark()


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells (a result's per-task scores) as tuples, so rows sort and compare by value."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
            out[col] = out[col].map(lambda v: tuple(v.tolist() if isinstance(v, np.ndarray) else v)
                                    if isinstance(v, (list, tuple, np.ndarray)) else v)
    return out


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return _plain(frame).sort_values(list(frame.columns), na_position="first").reset_index(drop=True)


def assert_same(duck: pd.DataFrame, spark: pd.DataFrame, what: str) -> None:
    assert list(duck.columns) == list(spark.columns), what
    assert len(duck) == len(spark), what
    duck, spark = _sorted(duck), _sorted(spark)
    for col in duck.columns:
        a, b = duck[col], spark[col]
        assert a.dtype == b.dtype, (what, col, a.dtype, b.dtype)  # the same types reach the pages
        if pd.api.types.is_numeric_dtype(a):
            assert pd.api.types.is_numeric_dtype(b), (what, col, b.dtype)
            np.testing.assert_array_equal(np.round(a.to_numpy(dtype=float), 6), np.round(b.to_numpy(dtype=float), 6),
                                          err_msg=f"{what}.{col}")
        else:
            assert a.astype(object).where(a.notna(), None).tolist() == \
                b.astype(object).where(b.notna(), None).tolist(), (what, col)


@pytest.mark.parametrize("key", sorted(AGGREGATES))
def test_every_aggregate_is_the_same_on_both_engines(key: str, spark_town, town: Warehouse) -> None:  # type: ignore[no-untyped-def]
    aggregate = AGGREGATES[key]
    duck, spark = Engine(town, MATERIALISED_SQL).run(aggregate), spark_town.run(aggregate)
    assert len(duck) > 0, key  # the town holds data for every aggregate: a comparison of empties proves nothing
    assert_same(duck, spark, key)
    if "N" in duck.columns and "n5" in duck.columns:  # the rates a user reads, to the decimal shown
        rates = ["success_pct", "quality_pct", "sou_pct", "mean_mark"]
        assert_same(_sorted(with_rates(duck))[rates].round(SHOWN_DECIMALS),
                    _sorted(with_rates(spark))[rates].round(SHOWN_DECIMALS), f"{key} rates")


def test_partition_columns_have_the_same_types(spark_town, town: Warehouse) -> None:  # type: ignore[no-untyped-def]
    from reports.district.aggregates import ROW_COUNTS

    spark = spark_town.run(ROW_COUNTS)
    assert sorted(spark["school"].unique()) == ["0042", "sch-t1"]  # text, the leading zero kept
    assert sorted(spark["year"].unique().tolist()) == [2024, 2025]
    assert spark["year"].dtype == Engine(town, CUBE.sql).run(ROW_COUNTS)["year"].dtype


def test_cube_view_from_raw_facts_and_empty_warehouse(spark_town, town: Warehouse, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Without stored cubes the cube view is the transpiled CUBE over the raw facts, with the same numbers; an
    empty warehouse gives every aggregate with the same columns and no rows."""
    from reports.district.scores import SCORES_TABLE, STORED_SCORES
    from sync.warehouse.engine_spark import SparkEngine

    raw = tmp_path / "warehouse"
    shutil.copytree(town.root, raw, ignore=shutil.ignore_patterns("cube", SCORES_TABLE))
    no_cubes = SparkEngine(Warehouse(raw), MATERIALISED_SQL)
    assert_same(Engine(town, CUBE.sql).run(TOWN_BY_SCHOOL_FROM_CUBE), no_cubes.run(TOWN_BY_SCHOOL_FROM_CUBE), "raw")
    assert_same(Engine(town, CUBE.sql).run(STORED_SCORES), no_cubes.run(STORED_SCORES), "raw histogram")
    empty = Warehouse(tmp_path / "empty")
    duck_empty, spark_empty = Engine(empty, MATERIALISED_SQL), SparkEngine(empty, MATERIALISED_SQL)
    for key, aggregate in AGGREGATES.items():
        d, s = duck_empty.run(aggregate), spark_empty.run(aggregate)
        assert (list(d.columns), len(d)) == (list(s.columns), len(s)) == (list(d.columns), 0), key


@pytest.mark.parametrize("key", ["cube", "town_by_school", "town_by_school_raw", "town_by_class",
                                 "stored_score_distribution"])
def test_one_schools_view_is_the_same_on_both_engines(key: str, spark_town, town: Warehouse) -> None:  # type: ignore[no-untyped-def]
    """A school's view (its own folders only) gives the same rows on both engines, and a code with no folder none."""
    aggregate = AGGREGATES[key]
    duck = Engine(town, MATERIALISED_SQL).run(aggregate, school="0042")
    assert len(duck) > 0 and set(duck["school"]) == {"0042"}
    assert_same(duck, spark_town.run(aggregate, school="0042"), key)
    assert len(spark_town.run(aggregate, school="nobody")) == 0


def test_per_task_sums_with_unscored_tasks_are_the_same_on_both_engines(spark_town, town: Warehouse,  # type: ignore[no-untyped-def]
                                                                         tmp_path: Path) -> None:
    """«-» (null) scores, lists shorter than their work and results without a list: the per-task sums (the list
    read by task number: 1-based in DuckDB, 0-based in Spark) and `per_task`'s rows are the same on both engines."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from reports.district.tasks import LABELS_TABLE, TASK_SUMS, TASKS_TABLE, per_task_of
    from sync.warehouse.engine_spark import SparkEngine

    spoiled = tmp_path / "warehouse"
    shutil.copytree(town.root, spoiled, ignore=shutil.ignore_patterns(TASKS_TABLE, LABELS_TABLE))  # from the lists
    for part in (spoiled / "results").rglob("*.parquet"):
        table = pq.read_table(part)
        lists = [_spoil(i, v) for i, v in enumerate(table.column("scores").to_pylist())]
        column = pa.array(lists, table.schema.field("scores").type)
        pq.write_table(table.set_column(table.schema.get_field_index("scores"), "scores", column), part)
    duck, spark = Engine(Warehouse(spoiled), MATERIALISED_SQL), SparkEngine(Warehouse(spoiled), MATERIALISED_SQL)
    sums = duck.run(TASK_SUMS)
    assert 0 < sums["written"].sum() < Engine(town, CUBE.sql).run(TASK_SUMS)["written"].sum()  # the spoiling counts
    assert_same(sums, spark.run(TASK_SUMS), "task_sums spoiled")
    pd.testing.assert_frame_equal(per_task_of(duck.run), per_task_of(spark.run))


def _spoil(i: int, scores: list[float | None] | None) -> list[float | None] | None:
    """Every 7th result without a list, every 5th a task short, every 3rd its second task unscored («-»)."""
    if scores is None or i % 7 == 0 or len(scores) < 2:
        return None
    if i % 5 == 0:
        return scores[:-1]
    return [scores[0], None, *scores[2:]] if i % 3 == 0 else scores
