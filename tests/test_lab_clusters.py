"""Clusters of like schools, quartile shares, the ШНОР list and the dynamics over years, hand-worked on tiny frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reports.district.clusters import ShnorSettings, clusters_of, parse_fields, shnor, within_clusters
from reports.district.dynamics import dynamics
from reports.district.scores import lower_share_by_year, quartile_shares
from reports.district.town import Slice
from tests.test_lab_signals_more import cube, dist

SCHOOLS = pd.DataFrame({"code": ["A", "B", "C", "D"], "short_name": ["Школа А", "Школа Б", "Гимназия В", "Лицей Г"],
                        "type": ["СОШ", "СОШ", "гимназия", "лицей"], "low_income_pct": [10.0, 30.0, 20.0, np.nan]})


def test_clusters_by_programme_and_the_social_passport() -> None:
    assert parse_fields("programme, low_income_pct,unknown") == ("programme", "low_income_pct")
    c = clusters_of(SCHOOLS, parse_fields("programme,low_income_pct"))
    # the median of the filled-in shares (10, 30, 20) is 20; a school at the median is «не выше»
    assert c == {"A": "общеобразовательная · малообеспеченные: не выше медианы",
                 "B": "общеобразовательная · малообеспеченные: выше медианы",
                 "C": "гимназия · малообеспеченные: не выше медианы",
                 "D": "лицей · малообеспеченные: нет сведений"}
    assert clusters_of(SCHOOLS, ("programme",))["A"] == clusters_of(SCHOOLS, ("programme",))["B"]
    assert set(clusters_of(SCHOOLS, ()).values()) == {"все школы"}


def test_a_school_against_its_own_cluster() -> None:
    c = cube([(2025, "A", 5, "математика", "ВПР", 10, 2, 2), (2025, "B", 5, "математика", "ВПР", 10, 4, 4),
              (2025, "C", 5, "математика", "ВПР", 10, 9, 1)])
    w = within_clusters(c, {"A": "общ", "B": "общ", "C": "гимн"}, Slice(kind="ВПР"))
    general = w[(w["cluster"] == "общ").to_numpy(dtype=bool)].set_index("school")
    # the cluster: 12 of 20 got «5» or «4» (60 %); A 40 % is 20 points below its cluster, B 20 above
    assert general.loc["", "quality_pct"] == 60 and general.loc["", "quality_pct_diff"] == 0
    assert general.loc["A", "quality_pct_diff"] == pytest.approx(-20)
    assert general.loc["B", "quality_pct_diff"] == pytest.approx(20)
    assert w[(w["school"] == "C").to_numpy(dtype=bool)]["quality_pct_diff"].iloc[0] == 0  # alone in its cluster


def test_shares_in_the_towns_lower_and_upper_quartile() -> None:
    # maximum 30: totals 3 → 10 %, 12 → 40 %, 18 → 60 %, 21 → 70 %, 27 → 90 %
    d = dist([("A", 3, 3), ("A", 12, 1), ("B", 12, 1), ("B", 18, 2), ("B", 21, 1), ("C", 18, 1), ("C", 27, 3)])
    q = quartile_shares(d, {"A": "общ", "B": "общ", "C": "гимн"}).set_index("school")
    # town of 12: 10 % ×3 is the lowest quarter (3 of 12), 90 % ×3 the highest
    assert (q.loc["A", "N"], q.loc["A", "lower_pct"], q.loc["A", "upper_pct"]) == (4, 75, 0)
    assert (q.loc["B", "lower_pct"], q.loc["C", "upper_pct"], q.loc["C", "lower_pct"]) == (0, 75, 0)
    # the cluster «общ» (A + B): 3 of 8 in the lower quartile, none in the upper
    assert q.loc["A", "lower_pct_cluster"] == pytest.approx(37.5) and q.loc["B", "upper_pct_cluster"] == 0
    by_year = lower_share_by_year(d).set_index("school")
    assert by_year.loc["A", "lower_pct"] == 75 and by_year.loc["C", "n_upper"] == 3


def test_the_shnor_list_with_risk_tiers_and_trajectories() -> None:
    rows = {"A": (50, 45, 42), "B": (50, 45, 30), "C": (20, 20, 41), "D": (60, 60, 60), "E": (50, 20, 20),
            "F": (10, 10, 10)}
    lower = pd.DataFrame([(y, s, 10 if s == "D" else 30, p) for s, ps in rows.items()
                          for y, p in zip((2023, 2024, 2025), ps, strict=True)],
                         columns=["year", "school", "N", "lower_pct"])
    s = shnor(lower, ShnorSettings(low_share_pct=40, window_years=3, min_n=15)).set_index("school")
    assert list(s.index) == ["A", "B", "C", "E"]  # D has too few participants, F is never in the low group
    assert (s.loc["A", "tier"], s.loc["A", "trajectory"], s.loc["A", "low_years"]) == ("высокий", "остаётся", 3)
    assert (s.loc["B", "tier"], s.loc["B", "trajectory"]) == ("средний", "выходит")
    assert (s.loc["C", "tier"], s.loc["C", "trajectory"]) == ("низкий", "входит")
    assert (s.loc["E", "tier"], s.loc["E", "trajectory"]) == ("низкий", "выходит")
    assert list(s.index[s["on_list"]]) == ["A", "B"]
    assert s.loc["A", "years"] == "2023/2024, 2024/2025, 2025/2026"
    two = shnor(lower, ShnorSettings(low_share_pct=40, window_years=2, min_n=15)).set_index("school")
    assert two.loc["A", "tier"] == "высокий" and two.loc["B", "tier"] == "низкий"  # the window is a setting


def test_three_years_of_dynamics_against_the_town() -> None:
    c = cube([(y, s, 5, "математика", "ВПР", 10, q, 0) for y, s, q in
              ((2022, "A", 9), (2023, "A", 2), (2024, "A", 4), (2025, "A", 6),
               (2023, "B", 4), (2024, "B", 4), (2025, "B", 8))])
    d = dynamics(c, Slice(year=2022, kind="ВПР"), "A").set_index("year")
    assert list(d.index) == [2023, 2024, 2025]  # the last three years, whatever year the view was on
    # 2023: A 20 %, town (A + B) 6 of 20 = 30 %; 2025: A 60 %, town 14 of 20 = 70 %
    assert (d.loc[2023, "quality_pct"], d.loc[2023, "quality_pct_town"]) == (20, 30)
    assert d.loc[2025, "quality_pct_diff"] == pytest.approx(-10) and d.loc[2024, "quality_pct_diff"] == 0
    assert list(dynamics(c, Slice(kind="ВПР"))["quality_pct_diff"]) == [0, 0, 0]  # the town against itself


def test_an_unknown_cluster_field_is_refused_in_russian() -> None:
    from pydantic import ValidationError

    from app.config import Settings

    with pytest.raises(ValidationError, match="неизвестные поля кластеров: school_size"):
        Settings(cluster_fields="programme,school_size")
    assert Settings(cluster_fields="programme, ovz_pct").cluster_fields == "programme, ovz_pct"
