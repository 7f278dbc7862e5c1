"""Derived tables for school-years stored before those tables were (a warehouse filled by an older edumon, or by an
intake that stored the cube only): each is computed from the school-year's own stored tables, as intake does."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pyarrow.parquet as pq

from sync.warehouse.engine import SQLAggregate, derived_tables
from sync.warehouse.layout import PART, Warehouse

Progress = Callable[[int, int, int, str], None]  # (done, of, year, school)


def missing(warehouse: Warehouse, derived: Mapping[str, SQLAggregate]) -> list[tuple[int, str, list[str]]]:
    """(year, school, the derived tables it lacks) for every stored school-year that lacks one."""
    have = {name: set(warehouse.school_years(name)) for name in derived}
    out = []
    for year, school in sorted(set(warehouse.school_years("results"))):
        lacking = [name for name in derived if (year, school) not in have[name]]
        if lacking:
            out.append((year, school, lacking))
    return out


def rebuild_derived(warehouse: Warehouse, derived: Mapping[str, SQLAggregate], progress: Progress | None = None
                    ) -> int:
    """Store every missing derived table; returns how many school-years got one. Each school-year is read, computed
    and written under the warehouse's lock (an intake of the same school-year waits, so a newer submission is never
    overwritten by numbers of the older one); the engine's views are to be refreshed afterwards."""
    todo = missing(warehouse, derived)
    for i, (year, school, lacking) in enumerate(todo, 1):
        with warehouse.lock:
            wanted = {name: derived[name] for name in lacking  # an intake since the listing may have stored it
                      if not (warehouse.partition(name, year, school) / PART).is_file()}
            views = sorted({v for a in wanted.values() for v in a.views})
            sources = {v: warehouse.partition(v, year, school) / PART for v in views}
            if wanted and all(p.is_file() for p in sources.values()):
                tables = {v: pq.read_table(p) for v, p in sources.items()}
                for name, data in derived_tables(wanted, tables, year, school).items():
                    warehouse.add(name, year, school, data)
        if progress:
            progress(i, len(todo), year, school)
    return len(todo)
