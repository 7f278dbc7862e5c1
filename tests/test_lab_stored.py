"""What intake stores beside a school-year's tables (its cube, its ВПР score histogram, its per-task sums and
labels) gives the same rows as the aggregates over the raw results; a warehouse lacking them for some school-year
(filled before they were stored) is read from the raw tables with the same numbers, and `rebuild_derived` stores
what is missing. The lab pages' numbers are computed once per data version: two opens share one computation, an
accepted bundle makes a new one."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from nicegui.testing import User

from reports.district import CUBE, MATERIALISED, MATERIALISED_SQL
from reports.district.aggregates import Aggregate
from reports.district.dynamics import STORED_CUBE
from reports.district.scores import SCORE_DISTRIBUTION, SCORES_TABLE, STORED_SCORES
from reports.district.tasks import (
    LABELS_TABLE,
    STORED_TASK_LABELS,
    STORED_TASK_SUMS,
    TASK_LABELS,
    TASK_SUMS,
    TASKS_TABLE,
    per_task,
    per_task_of,
)
from sync.warehouse.engine import Engine
from sync.warehouse.intake import ingest_bundle
from sync.warehouse.layout import Warehouse
from sync.warehouse.rebuild import missing, rebuild_derived
from sync.warehouse.receipts import Receipts
from tests.lab_factory import make_bundle, school_workbook

SCHOOLS = (("sch-t1", "2025/2026", 11), ("0042", "2025/2026", 12), ("sch-t1", "2024/2025", 13))


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Warehouse, dict]:
    tmp = tmp_path_factory.mktemp("stored")
    wh, rc = Warehouse(tmp / "warehouse"), Receipts(tmp / "receipts.sqlite3")
    frames = {}
    for i, (code, year, seed) in enumerate(SCHOOLS):
        frames[(code, year)] = school_workbook(60, seed, year)
        bundle = make_bundle(tmp / f"{i}.zip", frames[(code, year)], code=code, year=year)
        assert ingest_bundle(wh, rc, bundle, "загрузка", MATERIALISED).ok
    return wh, frames


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert len(a) > 0
    pd.testing.assert_frame_equal(_sorted(a), _sorted(b))


def test_the_stored_tables_are_the_aggregates_over_the_raw_results(town: tuple[Warehouse, dict]) -> None:
    wh, frames = town
    assert sorted(wh.school_years(SCORES_TABLE)) == sorted(wh.school_years("results"))
    e = Engine(wh, MATERIALISED_SQL)
    same(e.run(STORED_SCORES), e.run(SCORE_DISTRIBUTION))
    same(e.run(STORED_CUBE), e.run(CUBE))
    same(e.run(STORED_SCORES, school="0042"), e.run(SCORE_DISTRIBUTION, school="0042"))
    # by hand: every written ВПР result with a total is counted once, at its own total
    f = frames[("0042", "2025/2026")]
    vpr = f["works"].loc[f["works"]["kind"] == "ВПР", "id"]
    res = f["results"]
    written = res[res["work_id"].isin(vpr) & (res["present"] == "да") & res["total"].notna()]
    mine = e.run(STORED_SCORES, school="0042")
    assert int(mine["results"].sum()) == len(written) > 0
    top = written["total"].astype(float).value_counts()
    got = mine.groupby(mine["total"].astype(float))["results"].sum()
    assert got.to_dict() == top.to_dict()


def test_the_stored_per_task_sums_and_labels_are_those_over_the_raw_results(town: tuple[Warehouse, dict]) -> None:
    wh, frames = town
    for table in (TASKS_TABLE, LABELS_TABLE):
        assert sorted(wh.school_years(table)) == sorted(wh.school_years("results"))
    e = Engine(wh, MATERIALISED_SQL)
    same(e.run(STORED_TASK_SUMS), e.run(TASK_SUMS))
    same(e.run(STORED_TASK_SUMS, school="0042"), e.run(TASK_SUMS, school="0042"))
    per = per_task_of(e.run)  # what the pages read: the stored rows
    assert len(per) > 0
    pd.testing.assert_frame_equal(per, per_task(e.run(TASK_SUMS), e.run(TASK_LABELS)))
    # the town's labels are the schools' counts added up: each school's works once per task, element and level
    raw = e.run(TASK_LABELS)
    keys = ["year", "subject", "parallel", "kind", "number", "element", "level"]
    town_labels = raw.groupby(keys, dropna=False, as_index=False)["works"].sum()
    same(e.run(STORED_TASK_LABELS)[[*keys, "works"]], town_labels)
    # by hand: the school's present ВПР results with a list of scores, each counted once per task it scored
    f = frames[("0042", "2025/2026")]
    res, tasks = f["results"], f["tasks"]
    vpr = f["works"].loc[f["works"]["kind"] == "ВПР", "id"]
    mine = res[res["work_id"].isin(vpr) & (res["present"] == "да")]
    scored = sum(sum(1 for n in tasks.loc[tasks["work_id"] == r.work_id, "number"].dropna().unique()
                     if r.scores is not None and int(n) <= len(r.scores) and pd.notna(r.scores[int(n) - 1]))
                 for r in mine.itertuples())
    written = per[(per["school"] == "0042") & (per["kind"] == "ВПР") & (per["year"] == 2025)]["written"].sum()
    assert written == scored > 0


@pytest.mark.parametrize(("table", "stored"), [(SCORES_TABLE, STORED_SCORES), (TASKS_TABLE, STORED_TASK_SUMS),
                                               (LABELS_TABLE, STORED_TASK_LABELS)])
def test_a_school_year_without_a_stored_table_is_read_from_the_raw_results_and_rebuilt(
        town: tuple[Warehouse, dict], tmp_path: Path, table: str, stored: Aggregate) -> None:
    wh, _ = town
    old = Warehouse(tmp_path / "warehouse")
    shutil.copytree(wh.root, old.root, dirs_exist_ok=True)
    shutil.rmtree(old.partition(table, 2024, "sch-t1"))  # as an older intake left it
    expected = Engine(wh, MATERIALISED_SQL).run(stored)
    e = Engine(old, MATERIALISED_SQL)
    same(e.run(stored), expected)  # the view is computed from the raw tables: nothing is missing
    same(e.run(stored, school="sch-t1"), Engine(wh, MATERIALISED_SQL).run(stored, school="sch-t1"))
    assert missing(old, MATERIALISED) == [(2024, "sch-t1", [table])]
    done: list[tuple[int, str]] = []
    assert rebuild_derived(old, MATERIALISED, lambda i, n, y, s: done.append((y, s))) == 1
    assert done == [(2024, "sch-t1")] and missing(old, MATERIALISED) == []
    assert (old.partition("results", 2024, "sch-t1") / "part-0.parquet").is_file()  # the raw tables stay
    e.refresh()
    same(e.run(stored), expected)


def test_a_warehouse_without_any_stored_histogram_and_an_empty_one(town: tuple[Warehouse, dict],
                                                                  tmp_path: Path) -> None:
    wh, _ = town
    raw = tmp_path / "raw"
    shutil.copytree(wh.root, raw, ignore=shutil.ignore_patterns(*MATERIALISED))
    e = Engine(Warehouse(raw), MATERIALISED_SQL)
    same(e.run(STORED_SCORES), Engine(wh, MATERIALISED_SQL).run(STORED_SCORES))
    same(e.run(STORED_CUBE), Engine(wh, MATERIALISED_SQL).run(CUBE))
    pd.testing.assert_frame_equal(per_task_of(e.run), per_task_of(Engine(wh, MATERIALISED_SQL).run))
    empty = Engine(Warehouse(tmp_path / "empty"), MATERIALISED_SQL).run(STORED_SCORES)
    assert empty.empty and list(empty.columns) == list(Engine(wh, MATERIALISED_SQL).run(STORED_SCORES).columns)


# -- the lab pages' numbers, once per data version ------------------------------------------------------------------

@pytest.fixture
def lab_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from tests.lab_factory import add_lab_accounts, lab_site_env
    from tests.test_lab_town import build_town, town_frames

    root = tmp_path / "lab"
    build_town(root, town_frames()).engine.close()
    add_lab_accounts(root, "sch-001", "Ответственный СОШ № 1")
    return lab_site_env(monkeypatch, root)


async def test_a_view_is_computed_once_per_data_version(lab_dir: Path, user: User,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from app.lab import dashboard
    from app.lab.pages import lab
    from tests.test_lab_town import town_frames
    from tests.test_lab_town_pages import opened, sign_in

    calls: list[object] = []
    real = dashboard.town_view

    def town_view(sl):  # type: ignore[no-untyped-def]
        calls.append(sl)
        return real(sl)

    monkeypatch.setattr(dashboard, "town_view", town_view)
    await sign_in(user, "metodist")
    first = await opened(user, "/lab/town?kind=ВПР", "town-schools")
    again = await opened(user, "/lab/town?kind=ВПР", "town-schools")
    assert len(calls) == 1 and again == first  # the second open reused the first one's numbers
    await opened(user, "/lab/town?kind=ОГЭ", "town-schools")
    assert len(calls) == 2  # another slice is another entry
    # a school sends its data again, with one ВПР result fewer written: accepted, a new data version
    c = lab()
    frames = town_frames()["sch-001"]
    works = frames["works"]
    res = frames["results"].copy()
    vpr = res["work_id"].isin(works.loc[works["kind"] == "ВПР", "id"]) & (res["present"] == "да")
    row = res.index[vpr.to_numpy()][0]
    res.loc[row, ["present", "scores", "total", "mark"]] = ["нет", None, np.nan, np.nan]
    frames["results"] = res
    bundle = make_bundle(lab_dir.parent / "again.zip", frames, code="sch-001")
    assert ingest_bundle(c.warehouse, c.receipts, bundle, "общая папка", MATERIALISED, registered=c.registered()).ok
    after = await opened(user, "/lab/town?kind=ВПР", "town-schools")
    assert len(calls) == 3  # computed again for the new version, the engine's views refreshed first
    n = {r["school"]: int(r["N"].replace("\u202f", "")) for r in after}
    assert n["sch-001"] == {r["school"]: int(r["N"].replace("\u202f", "")) for r in first}["sch-001"] - 1


def test_the_cli_and_the_site_store_what_an_older_intake_did_not(lab_dir: Path) -> None:
    from typer.testing import CliRunner

    from app.cli import cli
    from app.config import Settings
    from app.lab.context import build_lab_context

    wh = Warehouse(lab_dir / "warehouse")
    years = sorted(wh.school_years(SCORES_TABLE))
    for year, school in years[:2]:
        shutil.rmtree(wh.partition(SCORES_TABLE, year, school))
    ctx = build_lab_context(Settings(site="lab", data_dir=lab_dir))
    before = ctx.engine.run(STORED_SCORES)  # computed from the raw results meanwhile
    first = CliRunner().invoke(cli, ["lab", "rebuild-cubes"])
    assert first.exit_code == 0, first.output
    assert "Досчитано учебных лет школ: 2." in first.output and "[2/2]" in first.output
    assert sorted(wh.school_years(SCORES_TABLE)) == years
    shutil.rmtree(wh.partition(SCORES_TABLE, *years[0]))
    assert ctx.complete_warehouse() == 1 and missing(wh, MATERIALISED) == []  # as the site does when it starts
    same(ctx.engine.run(STORED_SCORES), before)
    again = CliRunner().invoke(cli, ["lab", "rebuild-cubes"])
    assert again.exit_code == 0 and "Все хранимые таблицы уже на месте." in again.output
    ctx.engine.close()
