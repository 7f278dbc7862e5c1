"""The lab's aggregates over the warehouse, declared engine-neutral (SQL); `sync` executes them, never this package."""

from .aggregates import AGGREGATES, CUBE, TOWN_BY_SCHOOL_FROM_CUBE, TOWN_BY_SCHOOL_FROM_RAW, Aggregate
from .indicators import with_rates

__all__ = ["AGGREGATES", "CUBE", "TOWN_BY_SCHOOL_FROM_CUBE", "TOWN_BY_SCHOOL_FROM_RAW", "Aggregate", "with_rates"]
