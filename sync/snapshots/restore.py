"""Restore a snapshot into the store: verified first, a safety snapshot taken, with the write worker paused."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sync.snapshots.catalog import (
    load_grids,
    pick_sheets,
    take_snapshot,
)
from sync.snapshots.diff import (
    WorkbookDiff,
    diff_workbooks,
)
from sync.snapshots.format import (
    SAFETY,
    Progress,
    RestoreInterrupted,
    SnapshotInfo,
)
from sync.store import SheetStore, StoreError

log = logging.getLogger(__name__)


def plan_restore(store: SheetStore, data_dir: str | Path, ref: str,
                 sheets: Sequence[str] | None = None) -> tuple[SnapshotInfo, WorkbookDiff]:
    """What a restore would change: the live store (old) against the snapshot (new), chosen sheets only."""
    info, grids = load_grids(data_dir, ref)
    chosen = pick_sheets(list(grids), sheets)
    current = store.read_all()
    diff = diff_workbooks({t: current[t] for t in chosen if t in current}, {t: grids[t] for t in chosen})
    return info, replace(diff, old_label="текущие данные", new_label=info.id)


@dataclass(frozen=True)
class RestoreResult:
    snapshot: SnapshotInfo
    safety: SnapshotInfo
    sheets: list[str]
    rows: int


def restore(store: SheetStore, data_dir: str | Path, ref: str, sheets: Sequence[str] | None = None, *,
            pause: Callable[[], AbstractContextManager[object]] | None = None,
            progress: Progress | None = None, now: datetime | None = None) -> RestoreResult:
    """Verify, then with the write worker paused: a safety snapshot, then replace the chosen worksheets.

    A damaged snapshot or an unknown sheet name raises SnapshotError before the store is touched.
    """
    report = progress or (lambda _f, _m: None)
    report(0.0, "Проверка снимка")
    info, grids = load_grids(data_dir, ref)
    chosen = pick_sheets(list(grids), sheets)
    with (pause or contextlib.nullcontext)():
        safety = take_snapshot(store, data_dir, f"перед восстановлением из {info.id}", kind=SAFETY, now=now,
                               progress=lambda f, m: report(0.1 + 0.3 * f, f"Страховочный снимок: {m}"),
                               workbook=False)
        total, done = max(sum(len(grids[t]) for t in chosen), 1), 0
        restored: list[str] = []
        for title in chosen:
            report(0.4 + 0.6 * done / total, f"Восстановление листа «{title}»")
            try:
                store.replace_sheet(title, grids[title])
            except StoreError as exc:
                log.error("restore from %s stopped at worksheet %r: %s", info.id, title, exc)
                raise RestoreInterrupted(
                    f"Восстановление прервано на листе «{title}»: {exc}. Уже восстановлены: "
                    f"{', '.join(restored) or 'ни одного листа'}. Прежние данные — в страховочном снимке {safety.id}; "
                    f"повторите восстановление, когда хранилище станет доступно.") from exc
            restored.append(title)
            done += len(grids[title])
            log.info("restored worksheet %r from snapshot %s (%d rows)", title, info.id, len(grids[title]))
    report(1.0, "Готово")
    return RestoreResult(info, safety, chosen, sum(max(len(grids[t]) - 1, 0) for t in chosen))
