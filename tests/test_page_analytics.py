"""Page analytics are computed once per cache version, scope and filters, reused across requests, and recomputed
after a write; the dashboard shows a save's numbers at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pandas as pd
import pytest
from nicegui.testing import User

import app.pages.dashboard_panels as panels
from app.analytics_cache import MEMO, AnalyticsMemo
from app.state import ctx
from reports.labels import fmt_num
from sync.write.commands import WriteCommand
from tests.conftest import sign_in
from tests.html_parts import card_shows


def counted(calls: list[object]):
    def fn(frame: pd.DataFrame, n: int = 1) -> int:
        calls.append(n)
        return len(frame) * n
    return fn


async def test_one_version_computes_once_and_a_new_version_again() -> None:
    memo, calls = AnalyticsMemo(), []
    fn, frame = counted(calls), pd.DataFrame({"a": [1, 2, 3]})
    assert [await memo.computed(1, fn, frame) for _ in range(3)] == [3, 3, 3]
    assert await memo.computed(1, fn, frame, n=2) == 6  # other arguments: another entry
    assert calls == [1, 2]
    assert await memo.computed(2, fn, frame) == 3  # a write or a refresh made version 2
    assert calls == [1, 2, 1]
    assert memo.stats.hits == 2 and memo.stats.misses == 3


async def test_concurrent_requests_share_one_run() -> None:
    memo, calls = AnalyticsMemo(), []
    fn, frame = counted(calls), pd.DataFrame({"a": [1, 2]})
    assert await asyncio.gather(*(memo.computed(7, fn, frame) for _ in range(20))) == [2] * 20
    assert calls == [1]


async def test_frames_are_keyed_by_identity_and_the_memo_is_bounded() -> None:
    memo, calls = AnalyticsMemo(limit=2), []
    fn = counted(calls)
    a, b, c = (pd.DataFrame({"x": range(n)}) for n in (1, 2, 3))
    for frame in (a, b, c, a):  # a equal frame that is another object is another key; `a` was evicted by `c`
        await memo.computed(1, fn, frame)
    assert calls == [1, 1, 1, 1]
    assert len(memo._entries) == 2


async def test_the_memo_keeps_within_its_byte_budget() -> None:
    memo = AnalyticsMemo(budget=3 * 8 * 1000 + 3 * 200)  # three frames of 1,000 int64 rows (+ their range index)
    frames = [pd.DataFrame({"x": range(1000)}) for _ in range(5)]
    for f in frames:
        await memo.computed(1, lambda frame: frame.copy(), f)
    assert len(memo._entries) == 3 and memo.held <= memo.budget


def test_off_the_loop_get_uses_the_same_entries() -> None:
    memo, calls = AnalyticsMemo(), []
    fn, frame = counted(calls), pd.DataFrame({"a": [1]})
    assert memo.get(3, fn, frame) == memo.get(3, fn, frame) == 1
    assert calls == [1]


@pytest.fixture
def node_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = panels.node_analytics

    def node_analytics(mine, tmine, frames, level, lines_by):
        seen.append(level)
        return real(mine, tmine, frames, level, lines_by)

    monkeypatch.setattr(panels, "node_analytics", node_analytics)
    MEMO.clear()
    return seen


def written_now() -> int:
    """Results written this year as the cache holds them: present, with a mark, of a known work."""
    frames = ctx().cache.workbook.frames
    res = frames["results"]
    return int((res["work_id"].isin(frames["works"]["id"]) & (res["present"] == "да") & res["mark"].notna()).sum())


async def test_dashboard_reuses_its_analytics_until_a_save_and_then_shows_it(data_dir: Path, user: User,
                                                                            node_calls: list[str]) -> None:
    await sign_in(user, "zam")
    await user.open("/dashboard")
    before = written_now()
    await card_shows(user, "card-year-N", fmt_num(before, 0))
    await user.open("/dashboard")
    await user.should_see(marker="risk-panel")
    assert node_calls == ["school"]  # the second request reused the first one's analytics
    res = ctx().cache.workbook.frames["results"]
    row = res[(res["present"] == "да") & res["mark"].notna()].iloc[0]
    ctx().writer.submit([WriteCommand("update", "results", str(row["id"]),
                                      {"present": "нет", "scores": "", "total": "", "mark": ""}, user="zam")])
    assert written_now() == before - 1  # one written result became «не писал»
    await user.open("/dashboard")
    await card_shows(user, "card-year-N", fmt_num(before - 1, 0))
    assert node_calls == ["school", "school"]
