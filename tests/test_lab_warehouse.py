"""The warehouse: re-submission replaces a school-year (history kept, years side by side), interrupted commits
roll forward, and DuckDB's indicators of a school equal the school's own engine on the same data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reports import results_facts
from reports.analytics.indicators import mark_summary
from reports.district import CUBE, TOWN_BY_SCHOOL_FROM_CUBE, TOWN_BY_SCHOOL_FROM_RAW, with_rates
from reports.district.aggregates import CUBE_KEYS, ROW_COUNTS
from sync.warehouse import engine as engine_module
from sync.warehouse.engine import Engine
from sync.warehouse.intake import ingest_bundle
from sync.warehouse.layout import COMMIT, Warehouse
from sync.warehouse.receipts import Receipts
from tests.lab_factory import make_bundle, school_workbook


@pytest.fixture(scope="module")
def school() -> dict:
    return school_workbook(80, 11)


@pytest.fixture
def lab(tmp_path: Path) -> tuple[Warehouse, Receipts]:
    return Warehouse(tmp_path / "warehouse"), Receipts(tmp_path / "receipts.sqlite3")


def test_resubmission_replaces_never_duplicates(school: dict, lab: tuple, tmp_path: Path) -> None:
    wh, rc = lab
    first = make_bundle(tmp_path / "1.zip", school)
    assert ingest_bundle(wh, rc, first, "загрузка", CUBE).ok
    fewer = dict(school, results=school["results"].iloc[: len(school["results"]) // 2].reset_index(drop=True))
    assert ingest_bundle(wh, rc, make_bundle(tmp_path / "2.zip", fewer), "загрузка", CUBE).ok
    assert ingest_bundle(wh, rc, make_bundle(tmp_path / "3.zip", fewer), "загрузка", CUBE).ok  # the same again
    engine = Engine(wh, CUBE.sql)
    counts = engine.run(ROW_COUNTS)
    assert counts.to_dict("records") == [{"year": 2025, "school": "sch-t1", "results": len(fewer["results"])}]
    cube_n = engine.run(TOWN_BY_SCHOOL_FROM_CUBE)["enrolled"].sum()
    assert cube_n == len(fewer["results"])  # the cube was replaced with its facts
    history = wh.history(2025, "sch-t1")
    assert len(history) == 2  # both replaced versions are kept
    assert [pd.read_parquet(p).shape[0] for p in history] == [len(school["results"]), len(fewer["results"])]


def test_an_open_engine_sees_a_resubmission_in_its_cube_held_in_memory(school: dict, lab: tuple, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    wh, rc = lab
    assert ingest_bundle(wh, rc, make_bundle(tmp_path / "1.zip", school), "загрузка", CUBE).ok
    engine = Engine(wh, CUBE.sql)
    held = engine._con.sql("SELECT COUNT(*) FROM duckdb_tables() WHERE table_name = '_resident_cube'").fetchall()
    assert held == [(1,)]  # the small stored cube is read from memory, not from one file per school on each query
    assert engine.run(TOWN_BY_SCHOOL_FROM_CUBE)["enrolled"].sum() == len(school["results"])
    fewer = dict(school, results=school["results"].iloc[:40].reset_index(drop=True))
    assert ingest_bundle(wh, rc, make_bundle(tmp_path / "2.zip", fewer), "загрузка", CUBE).ok
    assert engine.run(TOWN_BY_SCHOOL_FROM_CUBE)["enrolled"].sum() == len(school["results"])  # until refreshed
    engine.refresh()
    assert engine.run(TOWN_BY_SCHOOL_FROM_CUBE)["enrolled"].sum() == 40
    files = engine._resident["cube"]
    engine.refresh()  # nothing changed on disk: the held copy stays
    assert engine._resident["cube"] is files
    assert ingest_bundle(wh, rc, make_bundle(tmp_path / "3.zip", school, code="0042"), "загрузка", CUBE).ok
    engine.refresh()
    assert engine.run(TOWN_BY_SCHOOL_FROM_CUBE).groupby("school")["enrolled"].sum().to_dict() == {
        "0042": len(school["results"]), "sch-t1": 40}
    monkeypatch.setattr(engine_module, "RESIDENT_BYTES", 1)  # grown past the limit: read from the files again
    assert ingest_bundle(wh, rc, make_bundle(tmp_path / "4.zip", fewer, code="0042"), "загрузка", CUBE).ok
    engine.refresh()
    assert engine._con.sql("SELECT COUNT(*) FROM duckdb_tables() WHERE table_name = '_resident_cube'").fetchall() == [
        (0,)]  # the copy in memory is dropped, not kept beside the view over the files
    assert engine.run(TOWN_BY_SCHOOL_FROM_CUBE).groupby("school")["enrolled"].sum().to_dict() == {
        "0042": 40, "sch-t1": 40}


def test_years_and_schools_lie_side_by_side(school: dict, lab: tuple, tmp_path: Path) -> None:
    wh, rc = lab
    assert ingest_bundle(wh, rc, make_bundle(tmp_path / "a.zip", school, year="2024/2025"), "загрузка", CUBE).ok
    assert ingest_bundle(wh, rc, make_bundle(tmp_path / "b.zip", school, year="2025/2026"), "загрузка", CUBE).ok
    assert ingest_bundle(wh, rc, make_bundle(tmp_path / "c.zip", school, code="0042"), "загрузка", CUBE).ok
    assert sorted(wh.school_years()) == [(2024, "sch-t1"), (2025, "0042"), (2025, "sch-t1")]
    assert (wh.root / "results" / "year=2024" / "school=sch-t1" / "part-0.parquet").is_file()
    counts = Engine(wh, CUBE.sql).run(ROW_COUNTS)
    assert set(counts["school"]) == {"sch-t1", "0042"}  # a code of digits stays text, leading zeros kept
    assert (counts["results"] == len(school["results"])).all()


def test_an_interrupted_commit_rolls_forward_and_an_unfinished_stage_is_dropped(school: dict, lab: tuple,
                                                                                 tmp_path: Path) -> None:
    wh, rc = lab
    assert ingest_bundle(wh, rc, make_bundle(tmp_path / "a.zip", school), "загрузка", CUBE).ok
    staging = wh.root / "_staging"
    committed = staging / "20990101T000000000000Z"
    (committed / "results").mkdir(parents=True)
    one = pd.read_parquet(wh.partition("results", 2025, "sch-t1") / "part-0.parquet").iloc[:3]
    one.to_parquet(committed / "results" / "part-0.parquet")
    (committed / COMMIT).write_text("2025\nsch-t1\n", encoding="utf-8")
    unfinished = staging / "20990101T000000000001Z"
    (unfinished / "results").mkdir(parents=True)
    again = Warehouse(wh.root)
    assert pd.read_parquet(again.partition("results", 2025, "sch-t1") / "part-0.parquet").shape[0] == 3
    assert not committed.exists() and not unfinished.exists()


def test_duckdb_indicators_of_a_school_equal_the_schools_own_engine(school: dict, lab: tuple, tmp_path: Path
                                                                     ) -> None:
    wh, rc = lab
    assert ingest_bundle(wh, rc, make_bundle(tmp_path / "a.zip", school), "загрузка", CUBE).ok
    engine = Engine(wh, CUBE.sql)
    ours = mark_summary(results_facts(school), by=["parallel", "subject", "kind", "period"])
    ours = ours[ours["enrolled"] > 0].astype({"parallel": "int64", "subject": str, "kind": str, "period": str})
    cube = engine.run(CUBE).dropna(subset=list(CUBE_KEYS)).astype({"parallel": "int64"})
    assert len(cube) == len(ours) > 20
    cols = ["N", "n5", "n4", "n3", "n2", "n1", "absent", "enrolled"]
    merged = ours.merge(cube, on=list(CUBE_KEYS), suffixes=("_school", "_lab"), validate="1:1")
    assert len(merged) == len(ours)
    for c in cols:
        assert (merged[f"{c}_school"].to_numpy() == merged[f"{c}_lab"].to_numpy()).all(), c
    lab_rates = with_rates(merged.drop(columns=["success_pct", "quality_pct", "sou_pct", "mean_mark"])
                           .rename(columns={f"{c}_lab": c for c in cols}))
    for rate in ("success_pct", "quality_pct", "sou_pct", "mean_mark"):  # the school's rates, the lab's counts
        np.testing.assert_allclose(lab_rates[rate].to_numpy(dtype=float), merged[rate].to_numpy(dtype=float),
                                   equal_nan=True)
    by_kind_cube = engine.run(TOWN_BY_SCHOOL_FROM_CUBE).set_index("kind")["N"].sort_index()
    by_kind_raw = engine.run(TOWN_BY_SCHOOL_FROM_RAW).set_index("kind")["N"].sort_index()
    school_by_kind = mark_summary(results_facts(school), by=["kind"]).set_index("kind")["N"]
    assert by_kind_cube.to_dict() == by_kind_raw.to_dict() == {str(k): int(v) for k, v in school_by_kind.items()
                                                               if v > 0 or k in by_kind_cube.index}


def test_an_empty_warehouse_answers_every_aggregate_with_no_rows(tmp_path: Path) -> None:
    engine = Engine(Warehouse(tmp_path / "wh"), CUBE.sql)
    assert engine.run(TOWN_BY_SCHOOL_FROM_CUBE).empty
    assert engine.run(TOWN_BY_SCHOOL_FROM_RAW).empty
