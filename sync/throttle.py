"""Sign-in throttling decisions: growing delays per (login, client) and per client across logins.

Pure functions of the attempt history and the time, so tests assert on decisions with an injected clock.
A login is never locked as such: failures from one client do not slow the same login from another client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sheets_schema.errors import UserFacingError


class TooManyAttempts(UserFacingError):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"Слишком много неудачных попыток входа. Повторите через {int(retry_after) + 1} с.")


@dataclass(frozen=True)
class Throttle:
    """`pair_free` failures of one login from one client are free, then each next one waits twice as long
    (from `base` seconds up to `cap`); a success from that client forgives the pair. One client failing on many
    logins gets `client_free` free failures within `memory`, then the same growing delays."""

    pair_free: int = 3
    client_free: int = 10
    base: float = 2.0
    cap: float = 900.0
    memory: float = 24 * 3600.0  # failures older than this are forgotten

    def delay(self, failures: int, free: int) -> float:
        """Seconds to wait after the last of `failures` consecutive failures."""
        if failures < free:
            return 0.0
        return min(self.cap, self.base * 2 ** min(failures - free, 30))

    def wait(self, pair: Sequence[tuple[float, bool]], client_failures: Sequence[float], now: float) -> float:
        """Seconds until the next attempt is allowed (0: now). `pair`: (at, ok) oldest first; `client_failures`:
        failure times of the client across all logins, oldest first."""
        streak: list[float] = []
        for at, ok in pair:
            streak = [] if ok else [*streak, at]
        waits = [0.0]
        if streak:
            waits.append(streak[-1] + self.delay(len(streak), self.pair_free) - now)
        if client_failures:
            waits.append(client_failures[-1] + self.delay(len(client_failures), self.client_free) - now)
        return max(waits)
