"""Score → mark by each work's thresholds, with the schema's checks reused."""

from __future__ import annotations

import pandas as pd
import pytest

from reports.analytics.marks import marks_by_thresholds, pct_to_mark, threshold_problems
from sheets_schema import SCHEMA


def works(*rows: tuple[str, float, float, float, float]) -> pd.DataFrame:
    return pd.DataFrame({
        "id": pd.array([r[0] for r in rows], dtype="string"),
        **{c: pd.array([r[i + 1] for r in rows], dtype="Float64")
           for i, c in enumerate(("max_score", "threshold_3", "threshold_4", "threshold_5"))},
    })


# DOMAIN.md example: a 25-point work, 0–7 → 2, 8–14 → 3, 15–20 → 4, 21–25 → 5
W25 = ("w25", 25.0, 8.0, 15.0, 21.0)


@pytest.mark.parametrize(("total", "mark"), [
    (0, 2), (7, 2), (7.5, 2), (8, 3), (14, 3), (14.99, 3), (15, 4), (20, 4), (21, 5), (25, 5), (None, None),
])
def test_marks_by_thresholds_at_every_boundary(total: float | None, mark: int | None) -> None:
    results = pd.DataFrame({"work_id": ["w25"], "total": pd.array([total], dtype="Float64")})
    got = marks_by_thresholds(results, works(W25)).iloc[0]
    assert (None if pd.isna(got) else int(got)) == mark


def test_each_result_uses_its_own_work() -> None:
    results = pd.DataFrame({"work_id": ["w25", "w10", "w10", "unknown"],
                            "total": pd.array([15, 15, 9, 20], dtype="Float64")}, index=[10, 11, 12, 13])
    got = marks_by_thresholds(results, works(W25, ("w10", 10.0, 4.0, 6.0, 9.0)))
    # 15 of 25 -> 4; 15 of 10 is above «5» (9) -> 5; 9 of 10 -> 5 (exactly the «5» minimum); unknown work -> none
    assert got.index.tolist() == [10, 11, 12, 13]
    assert got.tolist()[:3] == [4, 5, 5]
    assert pd.isna(got.iloc[3])


def test_broken_thresholds_give_no_mark() -> None:
    results = pd.DataFrame({"work_id": ["bad"], "total": pd.array([9], dtype="Float64")})
    assert pd.isna(marks_by_thresholds(results, works(("bad", 10.0, 6.0, 6.0, 8.0))).iloc[0])


def test_threshold_problems_reuse_the_schema_messages_and_headers() -> None:
    table = works(W25, ("equal", 10.0, 6.0, 6.0, 8.0), ("over", 10.0, 4.0, 6.0, 11.0), ("top", 10.0, 4.0, 6.0, 10.0))
    problems = threshold_problems(table).set_index("work_id")["message"]
    # a «5» threshold equal to the maximum is fine; equal 3/4 thresholds and a «5» above the maximum are not
    assert sorted(problems.index) == ["equal", "over"]
    labels = SCHEMA["works"].column_titles()
    assert labels["threshold_3"] in problems["equal"] and "6, 6, 8" in problems["equal"]
    assert labels["max_score"] in problems["over"] and "(11)" in problems["over"]


def test_threshold_problems_report_missing_thresholds() -> None:
    table = works(("empty", 10.0, 4.0, 6.0, 8.0))
    table["threshold_4"] = pd.array([None], dtype="Float64")
    message = threshold_problems(table)["message"].iloc[0]
    assert SCHEMA["works"].header_of("max_score") in message


@pytest.mark.parametrize(("pct", "mark"), [
    # 25-point work: 28% = 7 points -> 2; 32% = 8 -> 3; 60% = 15 -> 4; 84% = 21 -> 5; 100% -> 5
    (28.0, 2), (32.0, 3), (59.9, 3), (60.0, 4), (84.0, 5), (100.0, 5),
])
def test_pct_to_mark_maps_a_share_through_a_work(pct: float, mark: int) -> None:
    got = pct_to_mark(pd.Series([pct], index=[7]), *W25[1:])
    assert got.index.tolist() == [7]
    assert int(got.iloc[0]) == mark


# Maximum, minimum scores for «3», «4», «5»; a score exactly on a boundary and the mark the table gives it.
@pytest.mark.parametrize(("max_score", "t3", "t4", "t5", "score", "mark"), [
    (24, 8, 16, 21, 16, 4),  # ВПР-4 Russian: 16 of 24 is «4» by the official table, not «3» through 66.666… %
    (24, 8, 16, 21, 15, 3),
    (24, 8, 16, 21, 21, 5),
    (20, 6, 10, 15, 6, 3),
    (20, 6, 10, 15, 15, 5),
    (31, 7, 12, 18, 12, 4),  # 12 of 31 is 38.709… %
    (45, 16, 28, 38, 38, 5),
])
def test_a_boundary_share_earns_the_boundary_mark(max_score: int, t3: int, t4: int, t5: int, score: int,
                                                   mark: int) -> None:
    pct = pd.Series([score / max_score * 100.0])
    assert int(pct_to_mark(pct, max_score, t3, t4, t5).iloc[0]) == mark


def test_every_integer_boundary_of_maxima_5_to_100_keeps_its_mark() -> None:
    # thresholds (s, s+1, s+2) put every score s = 1..max−2 on a boundary of «3»; the share s/max·100 must give 3
    wrong = []
    for mx in range(5, 101):
        for s in range(1, mx - 1):
            got = pct_to_mark(pd.Series([s / mx * 100.0, (s - 1) / mx * 100.0]), mx, s, s + 1, s + 2)
            if got.tolist() != [3, 2]:
                wrong.append((mx, s, got.tolist()))
    assert wrong == []
