"""Dynamics over the years the warehouse holds (the last three): a school's or the town's indicators per year and
subject, each year against the town's same year and subject."""

from __future__ import annotations

import pandas as pd

from reports.analytics.indicators import RATE_COLUMNS
from reports.district.aggregates import COUNTS, CUBE_KEYS, Aggregate
from reports.district.town import Slice, summed

YEARS = 3  # the window of years the dashboard shows

# The cubes as intake stored them (one row per school-year × parallel × subject × kind × period): the multi-year
# views read these instead of recomputing every year's cube from the raw facts.
STORED_CUBE = Aggregate(
    "stored_cube", "Кубы показателей школ-лет, как их сохранил приём",
    f"SELECT year, school, {', '.join(CUBE_KEYS)}, {', '.join(COUNTS)} FROM cube", ("cube",))


def last_years(cube: pd.DataFrame, years: int = YEARS) -> list[int]:
    return sorted({int(y) for y in cube["year"].dropna().unique()})[-years:] if len(cube) else []


def dynamics(cube: pd.DataFrame, sl: Slice, school: str | None = None, by: tuple[str, ...] = ("subject",),
             years: int = YEARS) -> pd.DataFrame:
    """Per year × `by` of the slice (its year is ignored: every year of the window): N, the four indicators and
    their difference from the town's same year × `by`; the town's own rates are kept as `<rate>_town`."""
    window = last_years(cube, years)
    part = Slice(None, sl.kind, sl.subject, sl.parallel).apply(cube)
    part = part[part["year"].isin(window).to_numpy(dtype=bool)]
    keys = ["year", *by]
    town = summed(part, keys)[[*keys, *RATE_COLUMNS]].rename(columns={c: f"{c}_town" for c in RATE_COLUMNS})
    mine = part if school is None else part[(part["school"].astype(str) == school).to_numpy(dtype=bool)]
    rows = summed(mine, keys).merge(town, on=keys, how="left")
    rows = rows.assign(**{f"{c}_diff": rows[c] - rows[f"{c}_town"] for c in RATE_COLUMNS})
    return rows.sort_values([*by, "year"]).reset_index(drop=True)
