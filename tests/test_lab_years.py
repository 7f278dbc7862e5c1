"""Three years of a generated town (4 schools, students as marked names): the dynamics, the cohort signals, the
quartile shares and the ШНОР list through the engine, and the new views through NiceGUI's user fixture — the
methodologist opens them by URL, the roles' rules hold, and no page shows a student's name."""

from __future__ import annotations

from pathlib import Path

import pytest
from nicegui.testing import User

from app.demo.town import TownSchool
from app.lab.context import LabContext
from reports.district import CUBE
from reports.district.clusters import ShnorSettings, clusters_of, shnor
from reports.district.dynamics import dynamics
from reports.district.scores import SCORE_DISTRIBUTION, lower_share_by_year, quartile_shares
from reports.district.signals_more import CohortSettings, cohort_drop, not_confirmed
from reports.district.town import Slice, group_of
from tests.lab_factory import add_lab_accounts, town_of_years
from tests.test_lab_town_pages import no_student_names, opened, rows, sign_in

TOWN = [TownSchool("sch-001", "СОШ № 1", "СОШ", 120, passport=(10, 2, 2)),
        TownSchool("gim-002", "Гимназия № 2", "гимназия", 120, passport=(5, 1, 1)),
        TownSchool("sch-003", "СОШ № 3", "СОШ", 120, weak_years=(0, 1, 2), passport=(35, 8, 20)),
        TownSchool("sch-004", "СОШ № 4", "СОШ", 120, inflated_vpr=True, inflated_parallels=(4,),
                   passport=(20, 4, 5))]
FEW = 5  # a school of 120 has about 11 students a grade


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, LabContext]:
    root = tmp_path_factory.mktemp("town-years") / "lab"
    ctx = town_of_years(root, TOWN, years=3)
    add_lab_accounts(root, "sch-001", "Ответственный СОШ № 1")
    return root, ctx


def test_three_years_of_a_school_against_the_town(town: tuple[Path, LabContext]) -> None:
    cube = town[1].engine.run(CUBE)
    d = dynamics(cube, Slice(kind="ВПР"), "sch-001", by=())
    assert list(d["year"]) == [2023, 2024, 2025] and (d["N"] > 0).all()
    t = dynamics(cube, Slice(kind="ВПР"), None, by=())
    assert list(t["quality_pct_diff"]) == [0, 0, 0]


def test_the_low_school_is_on_the_shnor_list_and_the_others_are_not(town: tuple[Path, LabContext]) -> None:
    dist = town[1].engine.run(SCORE_DISTRIBUTION)
    s = shnor(lower_share_by_year(dist), ShnorSettings(min_n=FEW)).set_index("school")
    assert list(s.index[s["on_list"]]) == ["sch-003"]
    assert (s.loc["sch-003", "tier"], s.loc["sch-003", "trajectory"]) == ("высокий", "остаётся")
    schools = town[1].cache.workbook.frames["schools"]
    q = quartile_shares(dist, clusters_of(schools, ("programme", "low_income_pct")))
    low = q[(q["school"] == "sch-003").to_numpy(dtype=bool)]
    assert (low["n_lower"].sum() / low["N"].sum()) > 0.4  # a quarter would be usual
    assert set(low["cluster"]) == {"общеобразовательная · малообеспеченные: выше медианы"}


def test_the_4th_grade_inflated_school_drops_in_the_5th(town: tuple[Path, LabContext]) -> None:
    cube = town[1].engine.run(CUBE)
    st = CohortSettings(min_n=FEW, drop_pp=30)  # eleven students a grade swing by 25 points on their own
    d = cohort_drop(cube, st)
    assert set(d.loc[d["sharp_drop"].to_numpy(dtype=bool), "school"]) == {"sch-004"}
    assert d[(d["school"] == "gim-002").to_numpy(dtype=bool)]["drop_pp"].notna().all()
    groups = {s.code: group_of(s.type) for s in TOWN}
    nc = not_confirmed(cube, groups, st)
    # its inflated 4th grades stand far above the rest of its group and wait for the next year's 5th grade
    mine = nc[((nc["school"] == "sch-004") & (nc["parallel"] == 4)).to_numpy(dtype=bool)]
    assert len(mine) >= 2 and (mine["above_pp"] >= 15).all()
    both = (mine["year"] < 2025) & mine["subject"].isin(["математика", "русский язык"])  # written in the 5th too
    assert set(mine.loc[both.to_numpy(dtype=bool), "later"].str[:9]) == {"ВПР 5 кл."}
    assert "gim-002" not in set(nc["school"])  # a gymnasium alone among its kind is not judged


@pytest.fixture
def lab_env(town: tuple[Path, LabContext], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EDUMON_SITE", "lab")
    monkeypatch.setenv("EDUMON_DATA_DIR", str(town[0]))
    monkeypatch.setenv("EDUMON_BACKEND", "local")
    monkeypatch.setenv("EDUMON_SIGNAL_MIN_N", str(FEW))
    return town[0]


async def test_the_methodologist_opens_dynamics_clusters_and_shnor(lab_env: Path, user: User) -> None:
    await sign_in(user, "metodist")
    town = await opened(user, "/lab/town/dynamics?kind=ВПР", "dynamics")
    assert {r["year_label"] for r in town} == {"2023/2024", "2024/2025", "2025/2026"}
    assert all(r["quality_pct_diff"] == "+0,0" for r in town)  # the town against itself
    await user.should_see(marker="dynamics-chart")
    school = await opened(user, "/lab/town/school/sch-003/dynamics?kind=ВПР&subject=математика", "dynamics")
    assert all(r["subject"] == "математика" for r in school) and len(school) == 3
    clusters = await opened(user, "/lab/clusters?kind=ВПР", "cluster-schools")
    assert {r["cluster"] for r in clusters} >= {"гимназия · малообеспеченные: не выше медианы"}
    assert any(r["short_name"] == "весь кластер" for r in clusters)
    passport = rows(user, "cluster-passport")
    assert {r["short_name"]: r["low_income_pct"] for r in passport}["СОШ № 3"] == "35,0"
    quartiles = await opened(user, "/lab/clusters/quartiles?year=2025&subject=математика", "quartiles")
    assert quartiles and all(r["year_label"] == "2025/2026" and r["subject"] == "математика" for r in quartiles)
    listed = await opened(user, "/lab/clusters/shnor", "shnor")
    top = next(r for r in listed if r["short_name"] == "СОШ № 3")
    assert (top["tier"], top["trajectory"], top["on_list"]) == ("высокий", "остаётся", "да")
    signals = await opened(user, "/lab/signals", "signal-drop")
    assert any(r["short_name"] == "СОШ № 4" and r["signal"] for r in signals)
    assert {r["year_label"] for r in rows(user, "signal-share")} == {"2023/2024", "2024/2025", "2025/2026"}
    content = await opened(user, "/lab/town/tasks?kind=ВПР", "weak-content")
    assert content and all(r["element"] and r["town_pct"] != "—" for r in content)
    clustered = await opened(user, "/lab/signals?compare=cluster", "signals")
    assert clustered
    no_student_names(user)


@pytest.mark.parametrize("login", ["uo", "school1"])
async def test_who_opens_the_new_views(lab_env: Path, user: User, login: str) -> None:
    await sign_in(user, login)
    allowed = {"uo": {"/lab/clusters", "/lab/clusters/shnor", "/lab/town/dynamics",
                      "/lab/town/school/sch-003/dynamics"},
               "school1": {"/lab/town/dynamics", "/lab/town/school/sch-001/dynamics"}}[login]
    for path in ("/lab/clusters", "/lab/clusters/quartiles", "/lab/clusters/shnor", "/lab/town/dynamics",
                 "/lab/town/school/sch-001/dynamics", "/lab/town/school/sch-003/dynamics"):
        await user.open(path)
        if path in allowed or (login == "uo" and path.startswith("/lab/clusters")) or (
                login == "uo" and path.endswith("dynamics")):
            await user.should_see(marker="crumbs", retries=300)
            await user.should_not_see(marker="forbidden")
        else:
            await user.should_see(marker="forbidden", retries=300)
        no_student_names(user)
