"""Scheduled snapshots and grandfather-father-son retention, from hand-made lists of snapshot times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync import snapshots as snap
from sync.local import LocalStore
from sync.snapshots.retention import SnapshotSchedule, due, keep_reasons, last_slot, prune, run_scheduled
from sync.store import StoreError

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # Monday, ISO week 48


@dataclass(frozen=True)
class Snap:
    id: str
    created_at: datetime
    kind: str = snap.SCHEDULED
    note: str = ""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


HISTORY = [  # id: why it is kept or dropped with the default 7 days / 5 weeks / 12 months
    Snap("a", at("2026-11-23 02:00")),  # today, but "b" is newer that day -> dropped
    Snap("b", at("2026-11-23 10:00"), snap.MANUAL),  # newest of all, of today, of week 48, of November
    Snap("c", at("2026-11-22 02:00")),  # newest of the 22nd and of week 47 (Sunday)
    Snap("d", at("2026-11-21 02:00")),  # newest of the 21st
    Snap("e", at("2026-11-21 01:00")),  # older than "d" that day -> dropped
    Snap("f", at("2026-11-16 02:00")),  # outside the 7 days; week 47's newest is "c" -> dropped
    Snap("g", at("2026-11-15 02:00")),  # newest of week 46
    Snap("h", at("2026-11-10 02:00")),  # week 46, older than "g" -> dropped
    Snap("i", at("2026-10-26 02:00")),  # week 44, older than "j" -> dropped
    Snap("j", at("2026-10-31 02:00")),  # newest of week 44 and of October
    Snap("k", at("2026-10-20 02:00"), snap.SAFETY, "перед восстановлением из x"),  # 34 days old -> dropped
    Snap("l", at("2026-11-02 09:00"), snap.SAFETY, "перед восстановлением из y"),  # 21 days: kept; week 45 too
    Snap("m", at("2025-12-05 02:00")),  # December 2025 is the 12th month back -> kept
    Snap("n", at("2025-11-30 02:00")),  # November 2025 is the 13th -> dropped
    Snap("o", at("2024-05-01 02:00"), snap.MANUAL, "конец учебного года"),  # a person's note -> kept
    Snap("p", at("2024-05-02 02:00"), snap.MANUAL, "  "),  # a blank note is no note -> dropped
]


def test_grandfather_father_son_keeps_exactly_these() -> None:
    kept = keep_reasons(HISTORY, NOW)
    assert sorted(kept) == ["b", "c", "d", "g", "j", "l", "m", "o"]
    assert kept["b"] == ["самый новый", "последний за день 23.11.2026", "последний за неделю 48 2026 г.",
                         "последний за 11.2026"]
    assert kept["l"] == ["последний за неделю 45 2026 г.", "страховочный, хранится 30 дн."]
    assert kept["o"] == ["снимок с примечанием"]
    assert kept["m"] == ["последний за 12.2025"]


@pytest.mark.parametrize(("daily", "weekly", "monthly", "safety_days", "expected"), [
    (0, 0, 0, 0, ["b", "o"]),  # the newest and a person's note survive any settings
    (1, 0, 0, 0, ["b", "o"]),
    (3, 0, 0, 0, ["b", "c", "d", "o"]),
    (0, 2, 0, 0, ["b", "c", "o"]),
    (0, 0, 2, 0, ["b", "j", "o"]),
    (0, 0, 0, 40, ["b", "k", "l", "o"]),
])
def test_retention_settings(daily: int, weekly: int, monthly: int, safety_days: int, expected: list[str]) -> None:
    assert sorted(keep_reasons(HISTORY, NOW, daily, weekly, monthly, safety_days)) == expected


def test_the_only_snapshot_and_future_ones_are_kept() -> None:
    assert list(keep_reasons([Snap("old", at("2020-01-01 00:00"))], NOW, 0, 0, 0, 0)) == ["old"]
    future = Snap("future", at("2026-12-01 00:00"))
    assert keep_reasons([Snap("x", at("2026-11-23 01:00")), future], NOW, 0, 0, 0, 0) == {
        "future": ["самый новый", "время снимка в будущем"]}


# -- schedule ----------------------------------------------------------------------------------------------------
MSK = SnapshotSchedule(at="02:00", timezone="Europe/Moscow")  # 02:00 MSK is 23:00 UTC the day before


@pytest.mark.parametrize(("last", "now", "expected"), [
    (None, "2026-11-23 00:30", True),  # never taken: take one now
    ("2026-11-22 23:30", "2026-11-23 00:30", False),  # taken after tonight's slot
    ("2026-11-22 22:59", "2026-11-23 00:30", True),  # taken before it
    ("2026-11-21 23:30", "2026-11-22 22:30", False),  # 01:30 MSK: tonight's slot has not come yet
    ("2026-11-21 23:30", "2026-11-22 23:00", True),  # exactly at the slot
])
def test_due(last: str | None, now: str, expected: bool) -> None:
    assert due(at(last) if last else None, at(now), MSK) is expected


def test_disabled_schedule_is_never_due_and_bad_time_is_refused_in_russian() -> None:
    assert not due(None, NOW, SnapshotSchedule(enabled=False))
    assert last_slot(at("2026-11-23 00:30"), MSK) == at("2026-11-22 23:00")
    with pytest.raises(ValueError, match="ЧЧ:ММ"):
        SnapshotSchedule(at="25:00")


def test_run_scheduled_takes_one_per_night_and_prunes(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "edumon.sqlite3")
    store.replace_sheet("Классы", [["id", "Класс"], ["c1", "5А"]])
    old = snap.take_snapshot(store, tmp_path, now=at("2026-01-10 23:00"), kind=snap.SCHEDULED)
    dec = snap.take_snapshot(store, tmp_path, now=at("2025-12-20 23:00"), kind=snap.SCHEDULED)
    ancient = snap.take_snapshot(store, tmp_path, now=at("2024-01-10 23:00"), kind=snap.SCHEDULED)
    first = run_scheduled(store, tmp_path, at("2026-11-23 00:30"), MSK)
    assert first is not None and first.kind == snap.SCHEDULED and first.id == "20261123T003000Z"
    assert run_scheduled(store, tmp_path, at("2026-11-23 09:00"), MSK) is None  # already done tonight
    second = run_scheduled(store, tmp_path, at("2026-11-23 23:05"), MSK)
    assert second is not None
    ids = [s.id for s in snap.list_snapshots(tmp_path)]
    assert ancient.id not in ids and dec.id in ids and old.id in ids  # 2024 pruned; within 12 months kept
    assert ids[-2:] == [first.id, second.id]


def test_run_scheduled_survives_a_store_outage(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    class Down(LocalStore):
        def read_all(self) -> dict[str, list[list[str]]]:
            raise StoreError("сеть недоступна")

    assert run_scheduled(Down(tmp_path / "x.sqlite3"), tmp_path, NOW) is None
    assert "scheduled snapshot failed" in caplog.text
    assert snap.list_snapshots(tmp_path) == []


def test_prune_on_disk_leaves_broken_snapshots_and_never_half_deletes(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "edumon.sqlite3")
    store.replace_sheet("Классы", [["id"], ["c1"]])
    times = ["2026-11-23 02:00", "2026-11-23 03:00", "2026-11-22 02:00", "2025-01-01 02:00", "2024-01-01 02:00"]
    made = [snap.take_snapshot(store, tmp_path, now=at(t), kind=snap.SCHEDULED) for t in times]
    (made[4].path / "manifest.json").write_text("{", encoding="utf-8")  # broken: left for a person
    preview = prune(tmp_path, now=NOW, dry_run=True)
    assert preview.deleted == [made[3].id, made[0].id] and preview.skipped_broken == [made[4].id]
    assert len(snap.list_snapshots(tmp_path)) == 5
    result = prune(tmp_path, now=NOW)
    assert result.deleted == preview.deleted
    assert [s.id for s in snap.list_snapshots(tmp_path)] == [made[4].id, made[2].id, made[1].id]
    assert not list((tmp_path / "snapshots").glob(".*"))


def test_the_nightly_snapshot_writes_no_xlsx_and_a_download_builds_it(tmp_path: Path) -> None:
    import io

    import openpyxl

    store = LocalStore(tmp_path / "edumon.sqlite3")
    store.replace_sheet("Классы", [["id", "Класс"], ["c1", "=1+1"]])
    info = run_scheduled(store, tmp_path, at("2026-11-23 00:30"), MSK)
    assert info is not None and not (info.path / snap.WORKBOOK).exists()  # Parquet only on the server's timer
    name, content = snap.workbook_bytes(tmp_path, info.id)
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Классы"]
    assert name == f"edumon-{info.id}.xlsx" and sheet["B2"].value == "=1+1" and sheet["B2"].data_type == "s"
