"""Rates of the lab's aggregates with the school's own formulas (analytics.indicators),
so a rate has one definition."""

from __future__ import annotations

import pandas as pd

from reports.analytics.indicators import COUNT_COLUMNS, rates


def with_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Adds success_pct, quality_pct, sou_pct and mean_mark to a frame of N and n5..n1 (N = 0 gives NaN)."""
    if counts.empty:
        return counts.assign(**{c: pd.Series(dtype=float) for c in ("success_pct", "quality_pct", "sou_pct",
                                                                    "mean_mark")})
    data = {c: counts[c].to_numpy(dtype=float) for c in (*COUNT_COLUMNS, "N")}
    return counts.assign(**rates(data))
