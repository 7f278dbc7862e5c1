"""The lab's aggregates over the warehouse, declared engine-neutral (SQL); `sync` executes them, never this package."""

from .aggregates import AGGREGATES, CUBE, TOWN_BY_SCHOOL_FROM_CUBE, TOWN_BY_SCHOOL_FROM_RAW, Aggregate
from .indicators import with_rates
from .town_sql import TOWN_AGGREGATES

AGGREGATES.update(TOWN_AGGREGATES)  # one registry: every engine (and its parity test) runs the town's too

__all__ = ["AGGREGATES", "CUBE", "TOWN_BY_SCHOOL_FROM_CUBE", "TOWN_BY_SCHOOL_FROM_RAW", "Aggregate", "with_rates"]
