"""The academic calendar: which quarter a date falls in, when a period ends, what a half-year contains.

The workbook records a period only by name (choices.PERIODS), so end dates come from the school calendar: the
real end date of each quarter and half-year per academic year (the setting EDUMON_CALENDAR, parsed by
parse_calendar), and for a year the setting does not give, a default academic year (September to May): 1 четверть
ends 31 Oct, 2 четверть and 1 полугодие 31 Dec, 3 четверть 31 Mar, 4 четверть, 2 полугодие and год 31 May.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sheets_schema.choices import PERIODS
from sheets_schema.errors import UserFacingError

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


YearEnds = dict[int, dict[str, pd.Timestamp]]  # academic year (its first calendar year) -> period -> last day


@dataclass(frozen=True)
class PeriodCalendar:
    """(month, day) on which each period ends by default; `years` holds the school's real end dates of the given
    academic years (filled from the setting by `configure`); the academic year starts in `start_month`."""

    ends: Mapping[str, tuple[int, int]] = field(default_factory=_default_ends)
    start_month: int = 9
    years: YearEnds = field(default_factory=dict, compare=False, hash=False)

    def configure(self, years: YearEnds) -> None:
        """Use these end dates (parse_calendar of the setting) from now on; called once at start-up."""
        self.years.clear()
        self.years.update(years)

    def academic_year(self, dates: pd.Series) -> pd.Series:
        """The calendar year the academic year of each date started in (15.03.2026 -> 2025)."""
        d = pd.to_datetime(dates)
        return (d.dt.year - (d.dt.month < self.start_month).astype(int)).astype("Int64")

    def period_end(self, period: str, academic_year: pd.Series) -> pd.Series:
        """End date of `period` in each given academic year (datetime64, NaT where the year is missing)."""
        month, day = self.ends[period]
        start = academic_year.to_numpy(dtype=float, na_value=np.nan)
        year = start + (1 if month < self.start_month else 0)
        known = ~np.isnan(year)
        months = (np.where(known, year, 1970) - 1970).astype(np.int64) * 12 + (month - 1)
        dates = (months.astype("datetime64[M]").astype("datetime64[D]") + (day - 1)).astype("datetime64[ns]")
        for y, ends in self.years.items():
            if period in ends:
                dates = np.where(start == y, np.datetime64(ends[period].to_datetime64(), "ns"), dates)
        return pd.Series(np.where(known, dates, np.datetime64("NaT")).astype("datetime64[ns]"),
                         index=academic_year.index)

    def quarter_of(self, dates: pd.Series) -> pd.Series:
        """The quarter a date falls in; summer dates after the 3rd quarter count to the 4th (ОГЭ in June)."""
        d = pd.to_datetime(dates)
        year = self.academic_year(d)
        label = pd.Series(Q4, index=d.index, dtype=object).mask(d.isna(), None)
        for q in (Q3, Q2, Q1):
            label = label.where(~(d <= self.period_end(q, year)).fillna(False), q)
        return label


CALENDAR = PeriodCalendar()  # the school's calendar: configured once at start-up from the setting

# what a half-year and the year end with, when the setting names only the quarters
_ENDS_WITH = {H1: Q2, H2: Q4, YEAR: Q4}
_YEAR_RE = re.compile(r"^\s*(\d{4})\s*/\s*(\d{4})\s*:(.*)$")


class CalendarError(UserFacingError):
    """The calendar setting cannot be read; the message is Russian and names the part at fault."""


def parse_calendar(text: str) -> YearEnds:
    """«2025/2026: 1 четверть=26.10.2025, 2 четверть=28.12.2025, 3 четверть=20.03.2026, 4 четверть=26.05.2026»,
    academic years separated by «;» or new lines. The half-years and the year end with their last quarter unless
    given. Periods must end in order and inside their academic year; an empty text keeps the default calendar."""
    out: YearEnds = {}
    for chunk in filter(None, (c.strip() for c in re.split(r"[;\n]", text or ""))):
        m = _YEAR_RE.match(chunk)
        if not m or int(m.group(2)) != int(m.group(1)) + 1:
            raise CalendarError(f"Календарь: «{chunk}» — ожидается «2025/2026: 1 четверть=26.10.2025, …»")
        start = int(m.group(1))
        ends: dict[str, pd.Timestamp] = {}
        for part in filter(None, (p.strip() for p in m.group(3).split(","))):
            name, _, day = (s.strip() for s in part.partition("="))
            if name not in PERIODS:
                raise CalendarError(f"Календарь {start}/{start + 1}: неизвестный период «{name}»; допустимы: "
                                    + ", ".join(PERIODS))
            when = pd.to_datetime(day, format="%d.%m.%Y", errors="coerce")
            if pd.isna(when) or not (pd.Timestamp(start, 9, 1) <= when <= pd.Timestamp(start + 1, 8, 31)):
                raise CalendarError(f"Календарь {start}/{start + 1}: дата окончания периода «{name}» «{day}» — "
                                    f"ожидается ДД.ММ.ГГГГ с 01.09.{start} по 31.08.{start + 1}")
            ends[name] = when
        for half, quarter in _ENDS_WITH.items():
            if half not in ends and quarter in ends:
                ends[half] = ends[quarter]
        quarters = [ends[q] for q in (Q1, Q2, Q3, Q4) if q in ends]
        if quarters != sorted(quarters) or len(set(quarters)) != len(quarters):
            raise CalendarError(f"Календарь {start}/{start + 1}: четверти должны заканчиваться одна за другой")
        out[start] = ends
    return out


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
