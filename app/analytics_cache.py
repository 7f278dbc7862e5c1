"""Page analytics computed once per (cache version, access scope, filters), off the event loop, in a bounded memo.

A page awaits `computed(fn, *args)` instead of calling `fn(*args)`: the first request of a cache version runs the
function in a worker thread (`app.background.io_bound`), concurrent requests for the same key wait for that one run,
and every later request of the same version gets the stored result. Frames and other unhashable arguments are
keyed by identity — which is sound because the memo returns the same objects for the same key, and each entry
keeps its arguments alive so an identity is never reused while its entry exists. A new cache version drops every
entry of the old one; the LRU bounds (entries and bytes of the frames held) cap what one version may hold
(filters and drill-downs people open).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

from app import background
from app.access import Scope, scope_of, visible_facts
from app.derived import derived_for
from app.state import ctx
from app.visible import remembered_workbook, visible_workbook
from sheets_schema import Workbook
from sync.users import Account

T = TypeVar("T")

LIMIT = 384  # entries of one cache version (each page view needs a handful)
BUDGET = 96 * 2**20  # bytes of the frames the entries hold (shallow: strings are shared with the workbook)


@dataclass
class MemoStats:
    hits: int = 0
    misses: int = 0


def _part(value: Any) -> Hashable:
    """A value as part of a key: hashable values as they are, anything else (frames, dicts) by identity."""
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return ("=", type(value).__name__, value)


def size_of(value: Any, depth: int = 0) -> int:
    """Bytes a result holds, roughly: its frames' arrays (containers and dataclasses looked into two levels)."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=False).sum())
    if isinstance(value, pd.Series):
        return int(value.memory_usage(index=True, deep=False))
    if depth < 2:
        if isinstance(value, list | tuple):
            return sum(size_of(v, depth + 1) for v in value)
        if isinstance(value, dict):
            return sum(size_of(v, depth + 1) for v in value.values())
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return sum(size_of(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    return 256


class AnalyticsMemo:
    """(version, function, arguments) -> result, for the current cache version only, least recently used first."""

    def __init__(self, limit: int = LIMIT, budget: int = BUDGET) -> None:
        self.limit, self.budget, self.held = limit, budget, 0
        self.version: int | None = None
        self._entries: OrderedDict[Hashable, tuple[Any, tuple[Any, ...], int]] = OrderedDict()
        self._running: dict[Hashable, asyncio.Future[Any]] = {}
        self._lock = threading.Lock()
        self.stats = MemoStats()

    def key(self, version: int, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Hashable:
        name = f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}"
        bound = _part(getattr(fn, "__self__", None))  # a bound method: its object is part of the key
        named = tuple((k, _part(v)) for k, v in sorted(kwargs.items()))
        return (version, name, bound, tuple(_part(a) for a in args), named)

    def _lookup(self, version: int, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            if self.version != version:  # a write or a refresh: everything of the old version goes
                if self.version is None or version > self.version:
                    self._entries.clear()
                    self.held = 0
                    self.version = version
                return False, None
            if key in self._entries:
                self._entries.move_to_end(key)
                self.stats.hits += 1
                return True, self._entries[key][0]
            return False, None

    def _store(self, version: int, key: Hashable, value: Any, keep: tuple[Any, ...]) -> None:
        size = size_of(value)
        with self._lock:
            self.stats.misses += 1
            if self.version != version or key in self._entries:
                return  # computed for a version that is gone (or twice): give it to the caller, keep one
            self._entries[key] = (value, keep, size)
            self.held += size
            while len(self._entries) > 1 and (len(self._entries) > self.limit or self.held > self.budget):
                self.held -= self._entries.popitem(last=False)[1][2]

    def get(self, version: int, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """The memoised result, computed here when missing (for code already off the event loop)."""
        key = self.key(version, fn, args, kwargs)
        found, value = self._lookup(version, key)
        if found:
            return value
        value = fn(*args, **kwargs)
        self._store(version, key, value, (args, kwargs))
        return value

    async def computed(self, version: int, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """The memoised result; a miss runs `fn` in a worker thread, once however many requests wait for it."""
        return await self.computed_as(version, self.key(version, fn, args, kwargs), fn, *args, **kwargs)

    async def computed_as(self, version: int, key: Hashable, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`computed` under a key the caller names (it must hold everything the result depends on)."""
        found, value = self._lookup(version, key)
        if found:
            return value
        running = self._running.get(key)
        if running is None:
            running = self._running[key] = asyncio.ensure_future(self._compute(version, key, fn, args, kwargs))
            running.add_done_callback(functools.partial(self._finished, key))
        return await asyncio.shield(running)

    def _finished(self, key: Any, _future: object) -> None:
        self._running.pop(key, None)

    async def _compute(self, version: int, key: Hashable, fn: Callable[..., T], args: tuple[Any, ...],
                       kwargs: dict[str, Any]) -> T:
        value = await background.io_bound(fn, *args, **kwargs)  # background.Cancelled when the run is cancelled
        self._store(version, key, value, (args, kwargs))
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.held = 0
            self.version = None


MEMO = AnalyticsMemo()


async def computed(version: int, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` of cache version `version`, computed once and off the event loop."""
    return await MEMO.computed(version, fn, *args, **kwargs)


async def prepared(version: int, key: Hashable, build: Callable[[], T], *keep: Any) -> T:
    """Page-ready data of one view — table rows, chart options, texts — built once per cache version by `build` in
    a worker thread, so a request only makes its elements from it. `key` names the view and the part (hashable;
    `part_key` turns frames into identities) and `keep` are the objects whose identities it holds (kept alive with
    the entry). The result is shared by every request of the view: callers must not change it."""
    return await MEMO.computed_as(version, ("prepared", key), _call, build, keep)


def _call(build: Callable[[], T], _keep: tuple[Any, ...]) -> T:
    return build()


def part_key(*values: Any) -> Hashable:
    """Values as part of a `prepared` key: hashable ones as they are, frames and dicts by identity."""
    return tuple(_part(v) for v in values)


# -- what every page starts from -----------------------------------------------------------------------------------

def school_facts(workbook: Workbook) -> pd.DataFrame:
    """Every result fact of the school (app.derived: once per workbook)."""
    return derived_for(workbook).facts


def scoped_facts(workbook: Workbook, scope: Scope) -> pd.DataFrame:
    """The result facts a scope may see."""
    return visible_facts(derived_for(workbook).facts, scope)


@dataclass(frozen=True)
class PageBase:
    """What a page reads first: the cache version, its workbook, the person's scope and the facts they may see."""

    version: int
    workbook: Workbook
    scope: Scope
    facts: pd.DataFrame  # the school's facts (справки compare with them)
    visible: pd.DataFrame
    seen: Workbook  # the rows (and columns) this person may read: app.visible


async def page_base(account: Account | None) -> PageBase:
    version, workbook = ctx().cache.current()
    scope = await computed(version, scope_of, account, workbook.frames)
    facts = await computed(version, school_facts, workbook)
    visible = await computed(version, scoped_facts, workbook, scope)
    seen = remembered_workbook(account, workbook)  # made once per person and cache (app.visible)
    if seen is None:  # the first time: off the event loop
        seen = await background.io_bound(visible_workbook, account)
    return PageBase(version, workbook, scope, facts, visible, seen)
