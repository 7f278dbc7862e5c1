"""Analytics derived from the cached workbook, computed once per cache refresh and shared by every page."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from reports import facts as facts_mod
from reports.rollup import class_rollup
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
        """Kinds of work that have results, in the order of the monitoring year."""
        present = set(self.facts["kind"].dropna().astype(str))
        return [k for k in WORK_KINDS if k in present]

    @cached_property
    def by_kind(self) -> pd.DataFrame:
        """school → parallel → class indicators for every kind of work, in one roll-up."""
        return class_rollup(self.facts.dropna(subset=["kind"]).assign(kind=lambda f: f["kind"].astype(str)),
                            within=("kind",))

    @cached_property
    def year(self) -> pd.DataFrame:
        """school → parallel → class over every work of the year."""
        return class_rollup(self.facts)


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
