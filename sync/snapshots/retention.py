"""Scheduled snapshots and grandfather-father-son retention.

Retention rules (`keep_reasons`), days, ISO weeks and months counted back from `now` in the schedule's time zone
(UTC when none is given), so that "a day" is the school's day:
- the newest snapshot is never deleted;
- the newest snapshot of each of the last `keep_daily` days, of each of the last `keep_weekly` ISO weeks and of each
  of the last `keep_monthly` months (every snapshot takes part, whatever its kind);
- a snapshot a person took with a note is kept until deleted by hand: the note says it matters;
- a safety snapshot (taken before a restore) is kept for `keep_safety_days` days: it is the way back from a restore
  that went wrong. After that it is an ordinary snapshot;
- a snapshot dated in the future (clock moved back) is kept: we do not delete what we cannot place in time;
- a snapshot whose manifest cannot be read is left alone (listed as broken, for a person to look at).
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from sync.snapshots import (
    MANUAL,
    SAFETY,
    SCHEDULED,
    SnapshotError,
    SnapshotInfo,
    list_snapshots,
    snapshots_root,
    take_snapshot,
)
from sync.store import SheetStore, StoreError

log = logging.getLogger(__name__)
_running = threading.Lock()  # one scheduled run at a time, even if the timer fires again while one is writing


@dataclass
class SnapshotSchedule:
    """Settings-friendly: plain fields that map onto EDUMON_SNAPSHOT_* variables."""

    enabled: bool = True
    at: str = "02:00"  # HH:MM, in `timezone`
    timezone: str = ""  # IANA name such as "Asia/Yekaterinburg"; "" means the server's local time
    keep_daily: int = 7
    keep_weekly: int = 5
    keep_monthly: int = 12
    keep_safety_days: int = 30

    def __post_init__(self) -> None:
        try:
            hours, minutes = (int(x) for x in self.at.split(":"))
            if not (0 <= hours < 24 and 0 <= minutes < 60):
                raise ValueError
        except ValueError:
            raise ValueError(f"время снимка записывается как ЧЧ:ММ (например 02:00), а указано «{self.at}»") from None
        if min(self.keep_daily, self.keep_weekly, self.keep_monthly, self.keep_safety_days) < 0:
            raise ValueError("число хранимых снимков не может быть отрицательным")

    def zone(self, now: datetime) -> tzinfo:
        return ZoneInfo(self.timezone) if self.timezone else now.astimezone().tzinfo or UTC


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # naive means UTC throughout sync


def last_slot(now: datetime, schedule: SnapshotSchedule) -> datetime:
    """The latest scheduled moment at or before `now`."""
    now = _aware(now)
    zone = schedule.zone(now)
    local = now.astimezone(zone)
    hours, minutes = (int(x) for x in schedule.at.split(":"))
    slot = datetime(local.year, local.month, local.day, hours, minutes, tzinfo=zone)
    if slot > local:
        day = local.date() - timedelta(days=1)
        slot = datetime(day.year, day.month, day.day, hours, minutes, tzinfo=zone)
    return slot


def due(last_snapshot_time: datetime | None, now: datetime, schedule: SnapshotSchedule) -> bool:
    """True when the schedule is on and no scheduled snapshot was taken since the latest slot (or ever)."""
    if not schedule.enabled:
        return False
    return last_snapshot_time is None or _aware(last_snapshot_time) < last_slot(now, schedule)


def run_scheduled(store: SheetStore, data_dir: str | Path, now: datetime | None = None,
                  schedule: SnapshotSchedule | None = None) -> SnapshotInfo | None:
    """Called from the app's timer (through run.io_bound): snapshot and prune when due; never raises on a bad day."""
    schedule = schedule or SnapshotSchedule()
    now = _aware(now or datetime.now(UTC))
    if not _running.acquire(blocking=False):
        return None
    try:
        scheduled = [s.created_at for s in list_snapshots(data_dir) if s.kind == SCHEDULED and not s.broken]
        if not due(max(scheduled, default=None), now, schedule):
            return None
        # the Parquet files are the backup; workbook.xlsx is built from them when someone downloads it
        info = take_snapshot(store, data_dir, kind=SCHEDULED, now=now, workbook=False)
        log.info("scheduled snapshot %s: %d rows, %d bytes", info.id, info.data_rows, info.size_bytes)
        prune(data_dir, schedule.keep_daily, schedule.keep_weekly, schedule.keep_monthly, now,
              keep_safety_days=schedule.keep_safety_days, zone=schedule.zone(now))
        return info
    except (StoreError, SnapshotError, OSError) as exc:
        log.warning("scheduled snapshot failed: %s", exc)
        return None
    finally:
        _running.release()


class Dated(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def kind(self) -> str: ...
    @property
    def note(self) -> str: ...


def _months_back(day: date, n: int) -> tuple[int, int]:
    months = day.year * 12 + day.month - 1 - n
    return months // 12, months % 12 + 1


def keep_reasons(snapshots: Sequence[Dated], now: datetime, keep_daily: int = 7, keep_weekly: int = 5,
                 keep_monthly: int = 12, keep_safety_days: int = 30, zone: tzinfo = UTC) -> dict[str, list[str]]:
    """id -> why it is kept (Russian, for the log and the page); an id missing from the answer may be deleted."""
    now = _aware(now)
    today = now.astimezone(zone).date()
    reasons: dict[str, list[str]] = {}
    ordered = sorted(snapshots, key=lambda s: (_aware(s.created_at), s.id))

    def keep(snap: Dated, why: str) -> None:
        reasons.setdefault(snap.id, []).append(why)

    def newest_per(bucket: Callable[[date], object], wanted: set[object], label: Callable[[object], str]) -> None:
        newest: dict[object, Dated] = {}
        for s in ordered:
            b = bucket(_aware(s.created_at).astimezone(zone).date())
            if b in wanted:
                newest[b] = s
        for b, s in newest.items():
            keep(s, label(b))

    if ordered:
        keep(ordered[-1], "самый новый")
    newest_per(lambda d: d, {today - timedelta(days=k) for k in range(keep_daily)},
               lambda d: f"последний за день {d:%d.%m.%Y}")
    newest_per(lambda d: tuple(d.isocalendar())[:2], {tuple((today - timedelta(weeks=k)).isocalendar())[:2]
                                                     for k in range(keep_weekly)},
               lambda w: f"последний за неделю {w[1]} {w[0]} г.")  # type: ignore[index]
    newest_per(lambda d: (d.year, d.month), {_months_back(today, k) for k in range(keep_monthly)},
               lambda m: f"последний за {m[1]:02d}.{m[0]}")  # type: ignore[index]
    for s in ordered:
        at = _aware(s.created_at)
        if s.kind == MANUAL and s.note.strip():
            keep(s, "снимок с примечанием")
        if s.kind == SAFETY and now - at < timedelta(days=keep_safety_days):
            keep(s, f"страховочный, хранится {keep_safety_days} дн.")
        if at > now:
            keep(s, "время снимка в будущем")
    return reasons


@dataclass
class PruneResult:
    kept: dict[str, list[str]] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    skipped_broken: list[str] = field(default_factory=list)


def prune(data_dir: str | Path, keep_daily: int = 7, keep_weekly: int = 5, keep_monthly: int = 12,
          now: datetime | None = None, *, keep_safety_days: int = 30, zone: tzinfo = UTC,
          dry_run: bool = False) -> PruneResult:
    """Delete the snapshots no rule keeps. A folder is renamed aside first, so none is ever seen half-deleted."""
    now = _aware(now or datetime.now(UTC))
    snaps = list_snapshots(data_dir)
    good = [s for s in snaps if not s.broken]
    reasons = keep_reasons(good, now, keep_daily, keep_weekly, keep_monthly, keep_safety_days, zone)
    result = PruneResult(reasons, [s.id for s in good if s.id not in reasons], [s.id for s in snaps if s.broken])
    if dry_run:
        return result
    root = snapshots_root(data_dir)
    for sid in result.deleted:
        trash = root / f".trash-{sid}"
        (root / sid).rename(trash)
        shutil.rmtree(trash, ignore_errors=True)
        log.info("snapshot %s deleted by retention", sid)
    _sweep(root)
    return result


def _sweep(root: Path, older_than: float = 24 * 3600) -> None:
    """Leftovers of a crash mid-write or mid-delete (hidden folders) go after a day."""
    for path in root.glob(".*"):
        if path.is_dir() and (path.name.startswith((".tmp-", ".trash-"))) and (
                time.time() - path.stat().st_mtime > older_than):
            shutil.rmtree(path, ignore_errors=True)
