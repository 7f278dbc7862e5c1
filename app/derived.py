"""Analytics derived from the cached workbook, computed once per cache refresh and shared by every page."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from reports.analytics import facts as facts_mod
from reports.analytics.rollup import class_rollup
from sheets_schema import Workbook
from sheets_schema.choices import WORK_KINDS


@dataclass
class Derived:
    workbook: Workbook

    @cached_property
    def facts(self) -> pd.DataFrame:
        return facts_mod.results_facts(self.workbook)

    @cached_property
    def kinds(self) -> list[str]:
        return kinds_of(self.facts)

    @cached_property
    def _rollups(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return rollups(self.facts)

    @property
    def year(self) -> pd.DataFrame:
        return self._rollups[0]

    @property
    def by_kind(self) -> pd.DataFrame:
        return self._rollups[1]


def kinds_of(facts: pd.DataFrame) -> list[str]:
    """Kinds of work that have results, in the order of the monitoring year."""
    present = set(facts["kind"].dropna().astype(str))
    return [k for k in WORK_KINDS if k in present]


def rollups(facts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(school → parallel → class over the whole year, the same for every kind of work in one roll-up)."""
    # kind stays categorical: its categories follow WORK_KINDS, the order of the monitoring year
    return class_rollup(facts), class_rollup(facts.dropna(subset=["kind"]), within=("kind",))


_lock = threading.Lock()
_memo: dict[int, Derived] = {}


def derived_for(workbook: Workbook) -> Derived:
    """The same Derived for the same cached workbook object; a refresh replaces the workbook and so the memo."""
    with _lock:
        key = id(workbook)
        d = _memo.get(key)
        if d is None or d.workbook is not workbook:
            _memo.clear()
            d = _memo[key] = Derived(workbook)
        return d
