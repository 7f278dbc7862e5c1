"""The token bucket that paces a sweep: hand-worked grants on a fake clock."""

from __future__ import annotations

import pytest

from sync.warehouse.quota import TokenBucket


class Clock:
    def __init__(self) -> None:
        self.t = 0.0
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.t += s


def test_the_burst_is_free_then_one_token_every_60_over_rate_seconds() -> None:
    c = Clock()
    b = TokenBucket(rate_per_minute=30, burst=3, clock=c.now, sleep=c.sleep)
    for _ in range(7):
        b.take()
    # three at once, then one every 2 s: 0, 0, 0, 2, 4, 6, 8
    assert [round(t, 6) for t in b.granted] == [0, 0, 0, 2, 4, 6, 8]
    assert b.max_in_window(60) == 7 and b.max_in_window(2) == 3  # 0,0,0 (2 is outside [0, 2))


def test_any_minute_holds_at_most_rate_plus_burst() -> None:
    c = Clock()
    b = TokenBucket(rate_per_minute=50, burst=5, clock=c.now, sleep=c.sleep)
    for _ in range(400):
        b.take()
    assert b.max_in_window(60) <= 55 < 60
    assert c.t == pytest.approx((400 - 5) * 60 / 50)


@pytest.mark.parametrize("rate, burst", [(0, 1), (10, 0), (-1, 5)])
def test_nonsense_settings_are_refused(rate: float, burst: int) -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate, burst)
