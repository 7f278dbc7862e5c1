"""The standard school mark indicators (DOMAIN.md): distribution, успеваемость, качество, СОУ, средний балл.

Vectorised over any grouping, so one call gives every class of every work; N = 0 gives NaN rates, never 0 and
never an exception, because «no one wrote» and «everyone failed» must not look the same on a dashboard.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from reports.analytics.groups import group_category_counts, group_codes, group_counts
from reports.labels import INDICATOR_LABELS, fmt_num
from sheets_schema import choices as C

MARKS = (5, 4, 3, 2, 1)
COUNT_COLUMNS = ("n5", "n4", "n3", "n2", "n1")
# Every distribution a person reads (tables, charts, sentences) shows all five marks, «1» included: otherwise a
# rare «1» makes «Писали» larger than the sum of the marks shown.
DISTRIBUTION = COUNT_COLUMNS
# Simonov's degree of learning: the weight of each mark in СОУ, %.
SOU_WEIGHTS: Mapping[int, float] = {5: 100.0, 4: 64.0, 3: 36.0, 2: 16.0, 1: 7.0}
RATE_COLUMNS = ("success_pct", "quality_pct", "sou_pct", "mean_mark")
SUMMARY_COLUMNS = (*COUNT_COLUMNS, "N", "absent", "enrolled", *RATE_COLUMNS)
LEVEL_COLUMNS = ("sou_level", "quality_level")
PRESENT, ABSENT = C.PRESENCE


def _present_mask(df: pd.DataFrame, present_col: str | None) -> tuple[np.ndarray, np.ndarray]:
    """(wrote-flag, absent-flag) per row; a boolean column is accepted as well as «да»/«нет»."""
    if present_col is None:
        return np.ones(len(df), dtype=bool), np.zeros(len(df), dtype=bool)
    col = df[present_col]
    if pd.api.types.is_bool_dtype(col):
        flag = col.fillna(False).to_numpy(dtype=bool)
        return flag, ~flag & col.notna().to_numpy()
    return (col == PRESENT).fillna(False).to_numpy(dtype=bool), (col == ABSENT).fillna(False).to_numpy(dtype=bool)


def rates(counts: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """success_pct, quality_pct, sou_pct and mean_mark from the counts n5..n1 and N; N = 0 gives NaN."""
    n = {c: np.asarray(counts[c], dtype=float) for c in COUNT_COLUMNS}
    denom = np.asarray(counts["N"], dtype=float)
    denom = np.where(denom > 0, denom, np.nan)
    return {
        "success_pct": (n["n5"] + n["n4"] + n["n3"]) / denom * 100.0,
        "quality_pct": (n["n5"] + n["n4"]) / denom * 100.0,
        "sou_pct": sum(n[f"n{m}"] * SOU_WEIGHTS[m] for m in MARKS) / denom,
        "mean_mark": sum(n[f"n{m}"] * m for m in MARKS) / denom,
    }


def mark_summary(df: pd.DataFrame, by: Sequence[str] | None = None, mark_col: str = "mark",
                 present_col: str | None = "present") -> pd.DataFrame:
    """Mark distribution and rates per group (group keys as columns; one row when `by` is empty).

    N counts rows that are present and have a mark 1–5; `absent` counts «нет»; `enrolled` counts every row, so a
    present student whose result is not yet marked is enrolled but neither wrote nor absent. `present_col=None`
    treats every marked row as written (period marks). Rows with a missing group key are left out of the groups.
    """
    by = list(by or [])
    mark = df[mark_col].to_numpy(dtype=float, na_value=np.nan)
    present, absent = _present_mask(df, present_col)
    wrote = present & np.isin(mark, MARKS)
    codes, keys = group_codes(df, by)
    n = len(keys)
    category = np.where(wrote, 5 - np.nan_to_num(mark, nan=5.0), -1).astype(np.int64)  # 5 -> 0, …, 1 -> 4
    by_mark = group_category_counts(codes, n, category, len(MARKS))
    data: dict[str, Any] = {k: keys[k].array for k in by}
    data |= {c: by_mark[:, i] for i, c in enumerate(COUNT_COLUMNS)}
    data["N"] = by_mark.sum(axis=1)
    data["absent"] = group_counts(codes, n, absent)
    data["enrolled"] = group_counts(codes, n)
    data |= rates(data)
    return pd.DataFrame(data, index=pd.RangeIndex(n))


@dataclass(frozen=True)
class Band:
    """One level band: values from `lower` up (strictly above `lower` when `strict`)."""

    label: str
    lower: float
    strict: bool = False


@dataclass(frozen=True)
class LevelBands:
    """Level bands of СОУ and quality, highest first.

    The documented ranges are integer: СОУ 80–100 / 60–79 / ≤59, quality >60 / 31–59 / 20–30 / ≤19. A fractional
    value between two ranges (59.5, 30.5, exactly 60 for quality) goes to the lower band: a level is claimed only
    when it is fully reached. So СОУ 79.9 is «допустимый», quality 60.0 is «средний», 60.1 «высокий», 30.5 «низкий».
    """

    sou: tuple[Band, ...] = (Band("оптимальный", 80.0), Band("допустимый", 60.0), Band("критический", -math.inf))
    quality: tuple[Band, ...] = (Band("высокий", 60.0, strict=True), Band("средний", 31.0), Band("низкий", 20.0),
                                 Band("критический", -math.inf))

    def configure(self, bands: LevelBands) -> None:
        """Use these scales from now on (EDUMON_LEVEL_BANDS, parsed by reports.analytics.level_bands); called once
        at start-up on LEVEL_BANDS, the default every level function takes, so every page and справка follows."""
        object.__setattr__(self, "sou", bands.sou)
        object.__setattr__(self, "quality", bands.quality)

    @property
    def lowest_sou(self) -> str:
        """The lowest СОУ level (the one recommendations react to)."""
        return self.sou[-1].label


LEVEL_BANDS = LevelBands()  # the school's scales: configured once at start-up from the setting


def _pct(value: float) -> str:
    return f"{fmt_num(value, 0 if float(value).is_integer() else 1)} %"


def scale_text(bands: Sequence[Band]) -> str:
    """The scale a level word comes from, highest band first: «оптимальный — от 80 %, допустимый — от 60 %,
    критический — ниже 60 %»."""
    parts = []
    for i, band in enumerate(bands):
        if math.isinf(band.lower) and i:
            above = bands[i - 1]
            parts.append(f"{band.label} — {'не выше' if above.strict else 'ниже'} {_pct(above.lower)}")
        else:
            parts.append(f"{band.label} — {'выше' if band.strict else 'от'} {_pct(band.lower)}")
    return ", ".join(parts)


def scales_text(bands: LevelBands = LEVEL_BANDS) -> str:
    """Both scales in one line, for the legend beside every level word a page shows."""
    return f"Уровни СОУ: {scale_text(bands.sou)}. Уровни качества знаний: {scale_text(bands.quality)}."


def classify(values: pd.Series | Sequence[float], bands: Sequence[Band]) -> pd.Series:
    """Band label per value as an ordered categorical (lowest band first); NaN stays missing."""
    v = np.asarray(pd.Series(values, dtype="Float64").to_numpy(dtype=float, na_value=np.nan))
    conds = [(v > b.lower) if b.strict else (v >= b.lower) for b in bands]
    codes = np.select(conds, list(range(len(bands) - 1, -1, -1)), default=-1)
    codes = np.where(np.isnan(v), -1, codes)
    dtype = pd.CategoricalDtype([b.label for b in reversed(bands)], ordered=True)
    index = values.index if isinstance(values, pd.Series) else None
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=index)


def with_levels(summary: pd.DataFrame, bands: LevelBands = LEVEL_BANDS) -> pd.DataFrame:
    """Adds sou_level and quality_level beside the rates."""
    return summary.assign(sou_level=classify(summary["sou_pct"], bands.sou),
                          quality_level=classify(summary["quality_pct"], bands.quality))


def _plain(value: Any, as_type: type) -> Any:
    """A numpy scalar or a missing value as a plain Python value: NaN for a missing rate, None for a missing level."""
    if as_type is str:
        return None if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) \
            else str(value)
    return as_type(value)


@dataclass(frozen=True)
class MarkSummary:
    """The indicators of one group (a class on one work, a student over a year), with Russian labels."""

    n5: int
    n4: int
    n3: int
    n2: int
    n1: int
    N: int
    absent: int
    enrolled: int
    success_pct: float
    quality_pct: float
    sou_pct: float
    mean_mark: float
    sou_level: str | None = None
    quality_level: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> MarkSummary:
        """From one row of mark_summary (with_levels adds the levels; without them they stay None)."""
        types = {**dict.fromkeys(COUNT_COLUMNS + ("N", "absent", "enrolled"), int),
                 **dict.fromkeys(RATE_COLUMNS, float), **dict.fromkeys(LEVEL_COLUMNS, str)}
        return cls(**{f.name: _plain(row.get(f.name), types[f.name]) for f in fields(cls)})

    @property
    def labels(self) -> dict[str, str]:
        return {f.name: INDICATOR_LABELS[f.name] for f in fields(self)}

    def rows(self) -> list[tuple[str, Any]]:
        """(Russian label, value) pairs in declaration order, for a справка's indicator table."""
        return [(INDICATOR_LABELS[f.name], getattr(self, f.name)) for f in fields(self)]


def marks_sentence(s: MarkSummary) -> str:
    """«Отметки: «5» — 2, «4» — 3, «3» — 1, «2» — 0, «1» — 1.» — every mark, so the counts add up to N."""
    return "Отметки: " + ", ".join(f"{INDICATOR_LABELS[c]} — {getattr(s, c)}" for c in DISTRIBUTION) + "."


def summarize(df: pd.DataFrame, mark_col: str = "mark", present_col: str | None = "present",
              bands: LevelBands = LEVEL_BANDS) -> MarkSummary:
    """The whole frame as one group."""
    row = with_levels(mark_summary(df, None, mark_col, present_col), bands).iloc[0]
    return MarkSummary.from_row(row.to_dict())
