"""A token bucket that keeps a whole sweep of Google requests under the per-minute quota (clock injectable)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from sync.google.http import RequestCounter


class TokenBucket:
    """`rate` tokens per minute, at most `burst` saved up: any 60 s then hold at most burst + rate requests."""

    def __init__(self, rate_per_minute: float = 50, burst: int = 5, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate_per_minute <= 0 or burst < 1:
            raise ValueError("rate and burst must be positive")
        self.rate = rate_per_minute / 60.0
        self.burst = burst
        self.clock, self.sleep = clock, sleep
        self._tokens = float(burst)
        self._at = clock()
        self._lock = threading.Lock()
        self.granted: deque[float] = deque(maxlen=100_000)  # when each token was taken (tests, progress)

    def take(self) -> None:
        """Wait until a token is there and take it."""
        with self._lock:
            while True:
                now = self.clock()
                self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate)
                self._at = now
                if self._tokens >= 1 - 1e-9:  # rounding must never leave a waiter one ulp short forever
                    self._tokens = max(0.0, self._tokens - 1)
                    self.granted.append(now)
                    return
                self.sleep(max(0.001, (1 - self._tokens) / self.rate))

    def max_in_window(self, seconds: float = 60.0) -> int:
        """The most tokens granted within any window of `seconds` (a sweep's peak request rate)."""
        times, best, lo = list(self.granted), 0, 0
        for hi, t in enumerate(times):
            while t - times[lo] >= seconds:
                lo += 1
            best = max(best, hi - lo + 1)
        return best


class BucketCounter(RequestCounter):
    """Counts each request attempt (retries too) and makes it wait for a token first."""

    def __init__(self, bucket: TokenBucket) -> None:
        super().__init__(bucket.clock)
        self.bucket = bucket

    def add(self, kind: str) -> None:
        self.bucket.take()
        super().add(kind)
