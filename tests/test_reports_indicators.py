"""Mark indicators against numbers computed by hand (DOMAIN.md formulas)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from reports.analytics.indicators import (
    LEVEL_BANDS,
    SUMMARY_COLUMNS,
    Band,
    LevelBands,
    MarkSummary,
    classify,
    mark_summary,
    summarize,
    with_levels,
)
from reports.labels import INDICATOR_LABELS

NAN = float("nan")


def rows(*pairs: tuple[str, int | None], group: str = "g") -> pd.DataFrame:
    """(present, mark) pairs -> a frame shaped like the results sheet."""
    return pd.DataFrame({
        "grp": [group] * len(pairs),
        "present": pd.Categorical([p for p, _ in pairs], categories=["да", "нет"]),
        "mark": pd.array([m for _, m in pairs], dtype="Int64"),
    })


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)


CASES = [
    pytest.param(
        # 5,5,4,3,2 wrote; 1 absent. N=5. success=(2+1+1)/5=80; quality=(2+1)/5=60;
        # СОУ=(2*100+64+36+16)/5=316/5=63.2; mean=(10+4+3+2)/5=19/5=3.8
        rows(("да", 5), ("да", 5), ("да", 4), ("да", 3), ("да", 2), ("нет", None)),
        dict(n5=2, n4=1, n3=1, n2=1, n1=0, N=5, absent=1, enrolled=6, success_pct=80.0, quality_pct=60.0,
             sou_pct=63.2, mean_mark=3.8),
        id="mixed"),
    pytest.param(
        # nobody wrote: N=0 -> every rate NaN, counts still right
        rows(("нет", None), ("нет", None), ("нет", None)),
        dict(n5=0, n4=0, n3=0, n2=0, n1=0, N=0, absent=3, enrolled=3, success_pct=NAN, quality_pct=NAN,
             sou_pct=NAN, mean_mark=NAN),
        id="everyone-absent"),
    pytest.param(
        rows(),
        dict(n5=0, n4=0, n3=0, n2=0, n1=0, N=0, absent=0, enrolled=0, success_pct=NAN, quality_pct=NAN,
             sou_pct=NAN, mean_mark=NAN),
        id="no-rows"),
    pytest.param(
        # one student with «4»: success 100, quality 100, СОУ 64, mean 4
        rows(("да", 4)),
        dict(n5=0, n4=1, n3=0, n2=0, n1=0, N=1, absent=0, enrolled=1, success_pct=100.0, quality_pct=100.0,
             sou_pct=64.0, mean_mark=4.0),
        id="one-student"),
    pytest.param(
        # «2» and «1»: success 0, quality 0, СОУ=(16+7)/2=11.5, mean=(2+1)/2=1.5 (n1 counts in the mean)
        rows(("да", 2), ("да", 1)),
        dict(n5=0, n4=0, n3=0, n2=1, n1=1, N=2, absent=0, enrolled=2, success_pct=0.0, quality_pct=0.0,
             sou_pct=11.5, mean_mark=1.5),
        id="all-failed-is-zero-not-nan"),
    pytest.param(
        # present but not yet marked: enrolled, not N, not absent. N=1 («3»): СОУ 36
        rows(("да", None), ("да", 3)),
        dict(n5=0, n4=0, n3=1, n2=0, n1=0, N=1, absent=0, enrolled=2, success_pct=100.0, quality_pct=0.0,
             sou_pct=36.0, mean_mark=3.0),
        id="present-without-mark"),
    pytest.param(
        # all five marks once: success 3/5=60, quality 2/5=40, СОУ=(100+64+36+16+7)/5=223/5=44.6, mean=15/5=3
        rows(("да", 5), ("да", 4), ("да", 3), ("да", 2), ("да", 1)),
        dict(n5=1, n4=1, n3=1, n2=1, n1=1, N=5, absent=0, enrolled=5, success_pct=60.0, quality_pct=40.0,
             sou_pct=44.6, mean_mark=3.0),
        id="every-mark"),
]


@pytest.mark.parametrize(("frame", "expected"), CASES)
def test_mark_summary_single_group(frame: pd.DataFrame, expected: dict[str, float]) -> None:
    out = mark_summary(frame)
    assert list(out.columns) == list(SUMMARY_COLUMNS)
    assert len(out) == 1
    row = out.iloc[0]
    for key, want in expected.items():
        assert same(float(row[key]), want), (key, row[key], want)


def test_mark_summary_groups_are_independent_and_sorted() -> None:
    frame = pd.concat([rows(("да", 5), ("да", 3), group="б"), rows(("нет", None), group="а")], ignore_index=True)
    out = mark_summary(frame, by=["grp"])
    assert out["grp"].tolist() == ["а", "б"]
    # а: only an absentee -> N 0, NaN; б: 5 and 3 -> quality 50, СОУ (100+36)/2 = 68
    assert out["N"].tolist() == [0, 2]
    assert math.isnan(out["quality_pct"].iloc[0])
    assert out["quality_pct"].iloc[1] == 50.0
    assert out["sou_pct"].iloc[1] == 68.0


def test_mark_summary_leaves_rows_with_missing_key_out_of_groups() -> None:
    frame = rows(("да", 5), ("да", 2))
    frame["grp"] = pd.array(["x", None], dtype="string")
    out = mark_summary(frame, by=["grp"])
    assert out["grp"].tolist() == ["x"]
    assert out["N"].tolist() == [1]


def test_mark_summary_accepts_boolean_presence_and_no_presence() -> None:
    frame = pd.DataFrame({"present": [True, False, True], "mark": pd.array([4, None, 2], dtype="Int64")})
    out = mark_summary(frame).iloc[0]
    assert (out["N"], out["absent"], out["quality_pct"]) == (2, 1, 50.0)
    # period marks have no presence column: every mark counts as written
    marks = pd.DataFrame({"mark": pd.array([5, 5, 3, None], dtype="Int64")})
    out = mark_summary(marks, present_col=None).iloc[0]
    # N=3: quality 2/3
    assert out["N"] == 3
    assert out["quality_pct"] == pytest.approx(200 / 3)


SOU = [
    # СОУ: 80–100 оптимальный, 60–79 допустимый, ≤59 критический; fractions between ranges go to the lower band
    (100.0, "оптимальный"), (80.0, "оптимальный"), (79.9, "допустимый"), (60.0, "допустимый"),
    (59.99, "критический"), (59.5, "критический"), (0.0, "критический"), (NAN, None),
]
QUALITY = [
    # quality: >60 высокий, 31–59 средний, 20–30 низкий, ≤19 критический
    (100.0, "высокий"), (60.1, "высокий"), (60.0, "средний"), (59.5, "средний"), (31.0, "средний"),
    (30.5, "низкий"), (30.0, "низкий"), (20.0, "низкий"), (19.9, "критический"), (0.0, "критический"),
    (NAN, None),
]


@pytest.mark.parametrize(("value", "label"), SOU)
def test_sou_level_bands(value: float, label: str | None) -> None:
    got = classify(pd.Series([value]), LEVEL_BANDS.sou).iloc[0]
    assert (None if pd.isna(got) else got) == label


@pytest.mark.parametrize(("value", "label"), QUALITY)
def test_quality_level_bands(value: float, label: str | None) -> None:
    got = classify(pd.Series([value]), LEVEL_BANDS.quality).iloc[0]
    assert (None if pd.isna(got) else got) == label


def test_bands_are_configurable_and_ordered() -> None:
    bands = LevelBands(sou=(Band("высоко", 50.0, strict=True), Band("низко", -math.inf)))
    got = classify(pd.Series([50.0, 50.5]), bands.sou)
    assert got.tolist() == ["низко", "высоко"]
    assert got.cat.ordered and list(got.cat.categories) == ["низко", "высоко"]


def test_with_levels_adds_both_level_columns() -> None:
    out = with_levels(mark_summary(rows(("да", 5), ("да", 4))))
    # 5 and 4: СОУ (100+64)/2 = 82 -> оптимальный; quality 100 -> высокий
    assert (out["sou_level"].iloc[0], out["quality_level"].iloc[0]) == ("оптимальный", "высокий")


def test_summarize_returns_a_typed_object_with_russian_rows() -> None:
    summary = summarize(rows(("да", 5), ("да", 3), ("нет", None)))
    # N=2: success 100, quality 50, СОУ (100+36)/2 = 68 -> допустимый, quality 50 -> средний
    assert isinstance(summary, MarkSummary)
    assert (summary.N, summary.absent, summary.enrolled) == (2, 1, 3)
    assert (summary.sou_pct, summary.sou_level, summary.quality_level) == (68.0, "допустимый", "средний")
    assert isinstance(summary.n5, int) and isinstance(summary.sou_pct, float)
    labels = dict(summary.rows())
    assert labels["Качество знаний, %"] == 50.0
    assert labels["СОУ, %"] == 68.0
    assert summary.labels["success_pct"] == INDICATOR_LABELS["success_pct"]


def test_summarize_empty_group_has_nan_rates_and_no_levels() -> None:
    summary = summarize(rows(("нет", None)))
    assert summary.N == 0 and summary.absent == 1
    assert np.isnan(summary.quality_pct) and summary.sou_level is None and summary.quality_level is None


@pytest.mark.parametrize(("bands", "text"), [
    (LevelBands().sou, "оптимальный — от 80 %, допустимый — от 60 %, критический — ниже 60 %"),
    (LevelBands().quality, "высокий — выше 60 %, средний — от 31 %, низкий — от 20 %, критический — ниже 20 %"),
    ((Band("высокий", 50.5, strict=True), Band("низкий", -math.inf)), "высокий — выше 50,5 %, низкий — не выше 50,5 %"),
])
def test_every_level_word_comes_with_its_scale(bands, text) -> None:
    from reports.analytics.indicators import scale_text

    assert scale_text(bands) == text
