"""The town dashboard's numbers and the objectivity signals: hand-worked on a tiny cube, and on a generated
town of three schools the SQL aggregates (through the engine) agree with the school's own formulas."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from app.config import Settings
from app.demo.town import TownSchool, inflate_vpr, registry_grids
from app.lab.context import LabContext, build_lab_context
from reports.analytics.indicators import mark_summary
from reports.district import AGGREGATES, CUBE, MATERIALISED
from reports.district.signals import SignalSettings, flagged_schools, objectivity
from reports.district.town import Slice, breakdown, groups_table, schools_table
from reports.district.town_sql import MARKS_VS_PERIOD, TOWN_AGGREGATES, TOWN_BY_CLASS, TOWN_BY_TEACHER
from sheets_schema.bundle import prune_dangling
from sheets_schema.school import SCHEMA
from sync.warehouse.intake import ingest_bundle
from tests.lab_factory import make_bundle, school_workbook

COLS = ["year", "school", "parallel", "subject", "kind", "period", "N", "n5", "n4", "n3", "n2", "n1", "absent",
        "enrolled"]
SCHOOLS = pd.DataFrame({"code": ["A", "B", "C"], "short_name": ["Школа А", "Школа Б", "Гимназия В"],
                        "type": ["СОШ", "ООШ", "гимназия"]})


def _cube() -> pd.DataFrame:
    rows = [(2025, "A", 5, "математика", "ВПР", "4 четверть", 10, 2, 2, 4, 2, 0, 0, 10),
            (2025, "B", 5, "математика", "ВПР", "4 четверть", 10, 1, 1, 6, 2, 0, 0, 10),
            (2025, "C", 5, "математика", "ВПР", "4 четверть", 10, 5, 3, 2, 0, 0, 0, 10),
            (2025, "A", 6, "математика", "итоговая", "год", 10, 10, 0, 0, 0, 0, 0, 10)]
    return pd.DataFrame(rows, columns=COLS)


def test_schools_against_the_town_by_hand() -> None:
    t = schools_table(_cube(), SCHOOLS, Slice(kind="ВПР")).set_index("school")
    # town ВПР: n5 8, n4 6, n3 12, n2 4 of 30 -> success 26/30, quality 14/30, СОУ 1680/30 = 56, mean 108/30 = 3.6
    a = t.loc["A"]
    assert (a["N"], a["success_pct"], a["quality_pct"], a["sou_pct"], a["mean_mark"]) == (10, 80, 40, 50.4, 3.4)
    assert a["success_pct_diff"] == pytest.approx(80 - 260 / 3)
    assert a["quality_pct_diff"] == pytest.approx(40 - 140 / 3)
    assert a["sou_pct_diff"] == pytest.approx(-5.6)
    assert a["mean_mark_diff"] == pytest.approx(-0.2)
    assert t.loc["C", "quality_pct_diff"] == pytest.approx(80 - 140 / 3)
    # ordered by group and name, never by result: the general schools first, the gymnasium in its own group
    assert list(t.index) == ["A", "B", "C"]
    assert t.loc["C", "group"] == "с углублённым изучением, гимназии, лицеи"


def test_groups_compare_like_with_like() -> None:
    g = groups_table(_cube(), SCHOOLS, Slice(kind="ВПР")).set_index("group")
    general = g.loc["общеобразовательные"]  # A + B: n5 3, n4 3, n3 10, n2 4 of 20
    assert (general["N"], general["quality_pct"], general["success_pct"]) == (20, 30, 80)
    assert general["quality_pct_diff"] == pytest.approx(30 - 140 / 3)


def test_a_parallel_is_compared_with_the_same_parallel_of_the_town() -> None:
    b = breakdown(_cube(), _cube(), Slice(), ["parallel"], "A").set_index("parallel")
    assert b.loc[6, "quality_pct"] == 100 and b.loc[6, "quality_pct_diff"] == 0  # A is the town's only 6th
    assert b.loc[5, "quality_pct_diff"] == pytest.approx(40 - 140 / 3)


def test_signals_fire_on_one_school_and_not_on_others() -> None:
    vs = pd.DataFrame([(2025, "A", "математика", 5, "ВПР", 1, 4, 5), (2025, "B", "математика", 5, "ВПР", 2, 7, 1),
                       (2025, "C", "математика", 5, "ВПР", 0, 10, 0)],
                      columns=["year", "school", "subject", "parallel", "kind", "lowered", "confirmed", "raised"])
    types = dict(zip(SCHOOLS["code"], SCHOOLS["type"], strict=True))
    s = objectivity(_cube(), vs, types, SignalSettings(min_n=10, above_group_pp=15, raised_share_pct=30))
    s = s.set_index("school")
    # A: quality 40 against the rest of its group (B: 20) -> +20 >= 15; raised 5 of 10 = 50 % >= 30
    assert s.loc["A", "quality_above_pp"] == pytest.approx(20)
    assert s.loc["A", "raised_pct"] == 50 and s.loc["A", "lowered_pct"] == 10 and s.loc["A", "confirmed_pct"] == 40
    assert "выше своей группы" in s.loc["A", "signals"] and "выше отметок за период" in s.loc["A", "signals"]
    assert s.loc["B", "signals"] == ""  # 20 is 20 below A, raised 10 %
    assert s.loc["C", "signals"] == ""  # a gymnasium alone in its group: judged only among its own kind
    assert list(flagged_schools(s.reset_index())["school"]) == ["A"]
    stricter = objectivity(_cube(), vs, types, SignalSettings(min_n=10, above_group_pp=25, raised_share_pct=60))
    assert (stricter["signals"] == "").all()  # thresholds are settings


def test_town_aggregates_are_registered_with_the_others() -> None:
    for key, a in TOWN_AGGREGATES.items():
        assert AGGREGATES[key] is a
        assert "FILTER" not in a.sql and "::" not in a.sql  # the portable subset the other engines run


TOWN = [TownSchool("sch-001", "СОШ № 1", "СОШ", 60), TownSchool("gim-002", "Гимназия № 2", "гимназия", 60),
        TownSchool("oosh-03", "Ключевская ООШ", "ООШ", 60)]
INFLATED = "oosh-03"


def town_frames() -> dict[str, dict[str, pd.DataFrame]]:
    out = {}
    for i, s in enumerate(TOWN):
        frames = school_workbook(60, 11 + i)
        if s.code == INFLATED:
            import numpy as np

            frames["results"] = inflate_vpr(frames, np.random.default_rng(3))
            frames = prune_dangling(SCHEMA, frames)[0]
        out[s.code] = frames
    return out


def build_town(root: Path, frames: dict[str, dict[str, pd.DataFrame]]) -> LabContext:
    ctx = build_lab_context(Settings(site="lab", data_dir=root))
    ctx.ensure_layout()
    for title, grid in registry_grids(TOWN, "2025/2026").items():
        ctx.store.replace_sheet(title, grid)
    ctx.cache.refresh()
    for s in TOWN:
        bundle = make_bundle(root.parent / f"{s.code}.zip", frames[s.code], code=s.code)
        assert ingest_bundle(ctx.warehouse, ctx.receipts, bundle, "общая папка", MATERIALISED,
                             registered=ctx.registered()).ok
    ctx.engine.refresh()
    return ctx


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[LabContext, dict]:
    frames = town_frames()
    return build_town(tmp_path_factory.mktemp("town") / "lab", frames), frames


def _school_facts(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The school's own view of its results (names and all), joined in pandas — the independent path."""
    r = frames["results"].merge(frames["works"][["id", "kind", "subject_id"]], left_on="work_id", right_on="id",
                                suffixes=("", "_w"))
    st = frames["students"][["id", "class_id"]].rename(columns={"id": "student_id"})
    r = r.merge(st, on="student_id", how="left")
    cl = frames["classes"][["id", "parallel", "letter"]].rename(columns={"id": "class_id"})
    r = r.merge(cl, on="class_id", how="left")
    return r.merge(frames["subjects"][["id", "name"]].rename(columns={"id": "subject_id", "name": "subject"}),
                   on="subject_id", how="left")


def test_engine_numbers_match_the_schools_own_formulas(town: tuple[LabContext, dict]) -> None:
    ctx, frames = town
    cube = ctx.engine.run(CUBE)
    facts = _school_facts(frames["sch-001"])
    vpr = facts[(facts["kind"] == "ВПР").to_numpy(dtype=bool)]
    own = mark_summary(vpr.assign(k=1), ["k"]).iloc[0]
    row = schools_table(cube, ctx.cache.workbook.frames["schools"], Slice(kind="ВПР")).set_index("school")
    assert row.loc["sch-001", "N"] == own["N"] > 0
    for c in ("success_pct", "quality_pct", "sou_pct", "mean_mark"):
        assert row.loc["sch-001", c] == pytest.approx(own[c])
    by_class = ctx.engine.run(TOWN_BY_CLASS)
    some = facts[facts["class_id"].notna()].iloc[0]
    mine = by_class[(by_class["school"] == "sch-001") & (by_class["class_id"] == some["class_id"])]
    own_class = facts[(facts["class_id"] == some["class_id"]).to_numpy(dtype=bool)]
    assert mine["N"].sum() == mark_summary(own_class.assign(k=1), ["k"]).iloc[0]["N"]


def test_teacher_rows_follow_the_teaching_load(town: tuple[LabContext, dict]) -> None:
    ctx, frames = town
    t = ctx.engine.run(TOWN_BY_TEACHER)
    f = frames["gim-002"]
    load = f["teaching_load"]
    facts = _school_facts(f)
    checked = 0
    for one in load.drop_duplicates(["teacher_id", "subject_id"]).head(12).to_dict("records"):
        classes = load.loc[(load["teacher_id"] == one["teacher_id"]) & (load["subject_id"] == one["subject_id"]),
                           "class_id"]
        expected = facts[(facts["class_id"].isin(classes) & (facts["subject_id"] == one["subject_id"])
                          & (facts["present"] == "да") & facts["mark"].notna()).to_numpy(dtype=bool)]
        subject = f["subjects"].set_index("id").loc[one["subject_id"], "name"]
        got = t[(t["school"] == "gim-002") & (t["teacher_id"] == one["teacher_id"]) & (t["subject"] == subject)]
        assert got["N"].sum() == len(expected)
        checked += len(expected) > 0
    assert checked > 0


def test_the_inflated_school_is_flagged_and_the_others_are_not(town: tuple[LabContext, dict]) -> None:
    ctx, _ = town
    schools = ctx.cache.workbook.frames["schools"]
    types = dict(zip(schools["code"].astype(str), schools["type"].astype(str), strict=True))
    s = objectivity(ctx.engine.run(CUBE), ctx.engine.run(MARKS_VS_PERIOD), types, SignalSettings())
    flagged = set(flagged_schools(s)["school"])
    assert INFLATED in flagged
    assert "gim-002" not in flagged


def test_the_demo_towns_unobjective_school_is_flagged_in_every_subject(tmp_path: Path) -> None:
    from app.demo.town import build_town as build_demo_town
    from reports.district.tasks import anomalous_profiles, per_task_of

    ctx = build_lab_context(Settings(site="lab", data_dir=tmp_path / "lab"))
    build_demo_town(ctx, 7, 42, "2025/2026")  # the plan's first seven: sch-005's ВПР is inflated by design
    ctx.engine.refresh()
    schools = ctx.cache.workbook.frames["schools"]
    types = dict(zip(schools["code"].astype(str), schools["type"].astype(str), strict=True))
    profiles = anomalous_profiles(per_task_of(ctx.engine.run))
    s = objectivity(ctx.engine.run(CUBE), ctx.engine.run(MARKS_VS_PERIOD), types, SignalSettings(), profiles)
    ours = s[(s["school"] == "sch-005").to_numpy(dtype=bool)]
    assert len(ours) >= 5 and (ours["signals"] != "").all()
    counts = flagged_schools(s).set_index("school")["count"]
    assert counts.idxmax() == "sch-005" and counts.drop("sch-005").max() < len(ours) / 2
    ctx.engine.close()
