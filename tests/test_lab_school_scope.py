"""One school's view reads that school's folders only: the same rows as the town's result filtered to the school,
and another school's files are never opened (a damaged one does not disturb it)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reports.district import CUBE, TOWN_BY_SCHOOL_FROM_CUBE, TOWN_BY_SCHOOL_FROM_RAW
from reports.district.town_sql import TOWN_BY_CLASS
from sync.warehouse.engine import Engine
from sync.warehouse.intake import ingest_bundle
from sync.warehouse.layout import PART, Warehouse
from sync.warehouse.receipts import Receipts
from tests.lab_factory import make_bundle, school_workbook


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    root = tmp_path_factory.mktemp("town")
    wh, rc = Warehouse(root / "warehouse"), Receipts(root / "receipts.sqlite3")
    for code, seed, year in (("sch-a", 3, "2025/2026"), ("0042", 4, "2025/2026"), ("0042", 5, "2024/2025")):
        bundle = make_bundle(root / f"{code}-{year[:4]}.zip", school_workbook(40, seed), code=code, year=year)
        assert ingest_bundle(wh, rc, bundle, "загрузка", CUBE).ok
    return wh


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(list(df.columns)).reset_index(drop=True)


@pytest.mark.parametrize("aggregate", [CUBE, TOWN_BY_SCHOOL_FROM_CUBE, TOWN_BY_SCHOOL_FROM_RAW, TOWN_BY_CLASS],
                         ids=lambda a: a.key)
@pytest.mark.parametrize("code", ["sch-a", "0042"])
def test_a_schools_view_equals_the_town_filtered_to_it(town: Warehouse, aggregate, code: str) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(town, CUBE.sql)
    whole = engine.run(aggregate)
    mine = engine.run(aggregate, school=code)
    assert len(mine) > 0
    assert set(mine["school"]) == {code}  # «0042» stays text
    expected = whole[whole["school"] == code]
    pd.testing.assert_frame_equal(_sorted(mine), _sorted(expected), check_dtype=False)
    engine.close()


def test_a_schools_view_never_opens_another_schools_files(town: Warehouse, tmp_path: Path) -> None:
    import shutil

    copy = Warehouse(tmp_path / "warehouse")
    shutil.copytree(town.root, copy.root, dirs_exist_ok=True)
    engine = Engine(copy, CUBE.sql)
    before = engine.run(TOWN_BY_CLASS, school="0042")
    for table in ("results", "works", "students", "classes", "subjects", "cube"):
        (copy.partition(table, 2025, "sch-a") / PART).write_bytes(b"not parquet")  # another school, damaged
    with pytest.raises(Exception):  # noqa: B017 - the town-wide query does read it
        engine.run(TOWN_BY_CLASS)
    pd.testing.assert_frame_equal(_sorted(engine.run(TOWN_BY_CLASS, school="0042")), _sorted(before))
    assert len(engine.run(CUBE, school="0042")) > 0
    engine.close()


@pytest.mark.parametrize("code", ["nobody", "*", "../sch-a", "sch-a/../0042"])
def test_a_code_with_no_folder_gives_an_empty_view_with_its_columns(town: Warehouse, code: str) -> None:
    engine = Engine(town, CUBE.sql)
    empty = engine.run(TOWN_BY_SCHOOL_FROM_RAW, school=code)
    assert empty.empty and list(empty.columns) == list(engine.run(TOWN_BY_SCHOOL_FROM_RAW).columns)
    engine.close()
