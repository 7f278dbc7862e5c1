"""Deterministic fault injection: which API request fails, and how, decided by a seeded random stream or a script."""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# 429: quota (not applied) · 500: internal error (not applied) · drop: connection closed before applying
# lost: applied, then the connection is closed · slow: answered after the client's timeout (applied)
KINDS = ("429", "500", "drop", "lost", "slow")


@dataclass
class FaultPlan:
    rate: float = 0.0
    kinds: Sequence[str] = KINDS
    seed: int = 0
    retry_after: float | None = 0.0  # seconds in the Retry-After header of injected 429s (None: no header)
    slow_seconds: float = 5.0  # how long a "slow" answer takes (the client should time out first)
    always: str | None = None  # every request fails this way (e.g. "500" forever)
    _script: deque[str | None] = field(default_factory=deque, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    injected: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(KINDS) | ({self.always} - set(KINDS) - {None})
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(map(str, unknown))}")
        self._rng = random.Random(self.seed)

    def script(self, outcomes: Iterable[str | None]) -> None:
        """The next requests fail exactly like this (None = answer normally), before the random stream resumes."""
        with self._lock:
            self._script.extend(outcomes)

    def draw(self) -> str | None:
        with self._lock:
            if self._script:
                kind = self._script.popleft()
            elif self.always:
                kind = self.always
            elif self.rate and self._rng.random() < self.rate:
                kind = self._rng.choice(list(self.kinds))
            else:
                kind = None
            if kind:
                self.injected[kind] = self.injected.get(kind, 0) + 1
            return kind
