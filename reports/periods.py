"""The academic calendar: which quarter a date falls in, when a period ends, what a half-year contains.

The workbook records a period only by name (choices.PERIODS), so end dates come from a configurable calendar of
the academic year (September to May): 1 четверть ends 31 Oct, 2 четверть and 1 полугодие 31 Dec, 3 четверть
31 Mar, 4 четверть, 2 полугодие and год 31 May. A school with other holidays passes its own `PeriodCalendar`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sheets_schema.choices import PERIODS

Q1, Q2, Q3, Q4, H1, H2, YEAR = PERIODS

# Order of periods for «the latest period»: a quarter and the half-year ending with it share a rank.
PERIOD_RANK: Mapping[str, int] = {Q1: 1, Q2: 2, H1: 2, Q3: 3, Q4: 4, H2: 4, YEAR: 5}

# What a period contains when filtering works by it.
PERIOD_PARTS: Mapping[str, frozenset[str]] = {
    Q1: frozenset({Q1}), Q2: frozenset({Q2}), Q3: frozenset({Q3}), Q4: frozenset({Q4}),
    H1: frozenset({Q1, Q2, H1}), H2: frozenset({Q3, Q4, H2}), YEAR: frozenset(PERIODS),
}


def _default_ends() -> dict[str, tuple[int, int]]:
    return {Q1: (10, 31), Q2: (12, 31), H1: (12, 31), Q3: (3, 31), Q4: (5, 31), H2: (5, 31), YEAR: (5, 31)}


@dataclass(frozen=True)
class PeriodCalendar:
    """(month, day) on which each period ends; the academic year starts in `start_month`."""

    ends: Mapping[str, tuple[int, int]] = field(default_factory=_default_ends)
    start_month: int = 9

    def academic_year(self, dates: pd.Series) -> pd.Series:
        """The calendar year the academic year of each date started in (15.03.2026 -> 2025)."""
        d = pd.to_datetime(dates)
        return (d.dt.year - (d.dt.month < self.start_month).astype(int)).astype("Int64")

    def period_end(self, period: str, academic_year: pd.Series) -> pd.Series:
        """End date of `period` in each given academic year (datetime64, NaT where the year is missing)."""
        month, day = self.ends[period]
        year = academic_year.to_numpy(dtype=float, na_value=np.nan) + (1 if month < self.start_month else 0)
        known = ~np.isnan(year)
        months = (np.where(known, year, 1970) - 1970).astype(np.int64) * 12 + (month - 1)
        dates = months.astype("datetime64[M]").astype("datetime64[D]") + (day - 1)
        return pd.Series(np.where(known, dates, np.datetime64("NaT")).astype("datetime64[ns]"),
                         index=academic_year.index)

    def quarter_of(self, dates: pd.Series) -> pd.Series:
        """The quarter a date falls in; summer dates after the 3rd quarter count to the 4th (ОГЭ in June)."""
        d = pd.to_datetime(dates)
        year = self.academic_year(d)
        label = pd.Series(np.where(d.isna(), None, Q4), index=d.index, dtype=object)
        for q in (Q3, Q2, Q1):
            label = label.where(~(d <= self.period_end(q, year)).fillna(False), q)
        return label


CALENDAR = PeriodCalendar()


def in_period(period_col: pd.Series, dates: pd.Series, period: str | None,
              calendar: PeriodCalendar = CALENDAR) -> pd.Series:
    """Rows that belong to `period`: by their recorded period, or by date when none is recorded.

    «1 полугодие» includes works of the 1st and 2nd quarters; a work recorded for a half-year is not in either of
    its quarters; None or «год» keeps everything.
    """
    if period is None or period == YEAR:
        return pd.Series(True, index=period_col.index)
    parts = PERIOD_PARTS[period]
    recorded = period_col.astype(object)
    by_name = recorded.isin(parts)
    by_date = recorded.isna() & calendar.quarter_of(dates).isin(parts)
    return by_name | by_date
