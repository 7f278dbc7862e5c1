"""The school's side: build the bundle for the lab from the validated cache (the CLI and the deputy's button)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.context import AppContext, ConfigError
from sheets_schema import SCHEMA, validate_workbook
from sync.snapshots import SnapshotError, load_grids
from sync.warehouse.bundle import YEAR_RE, Manifest, bundle_frames, load_or_create_key, write_bundle

KEY_FILE = "lab_key"  # the pseudonymisation key; stays in the school's data dir


def default_path(ctx: AppContext) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    year = ctx.settings.academic_year.replace("/", "-")
    return ctx.settings.data_dir / "lab-export" / f"{ctx.settings.school_code}-{year}-{stamp}.zip"


def export_for_lab(ctx: AppContext, out: Path | None = None, snapshot: str | None = None,
                   academic_year: str | None = None) -> tuple[Path, Manifest, int]:
    """(file written, its manifest, rows left out because they refer to rows with errors).

    With `snapshot`, the bundle is built from that snapshot of a past year (the school's archive), for
    `academic_year`; otherwise from the current workbook for the current year."""
    code = ctx.settings.school_code
    if not code:
        raise ConfigError("Не задан код школы для лаборатории: укажите EDUMON_SCHOOL_CODE (его выдаёт лаборатория)")
    year = academic_year or ctx.settings.academic_year
    m = YEAR_RE.match(year)
    if not m or int(m[2]) != int(m[1]) + 1:
        raise ConfigError(f"Учебный год «{year}» записан неверно (нужно, например, 2024/2025)")
    if snapshot is not None:
        try:
            _, grids = load_grids(ctx.settings.data_dir, snapshot)
        except SnapshotError as exc:
            raise ConfigError(f"Снимок «{snapshot}» не открыть: {exc}") from None
        frames = validate_workbook(SCHEMA, grids).frames
    else:
        if not ctx.cache.refresh():
            raise ConfigError(f"Не удалось прочитать таблицу школы: {ctx.cache.status.last_error}")
        frames = ctx.cache.workbook.frames
    key = load_or_create_key(ctx.settings.data_dir / KEY_FILE)
    tables, dropped = bundle_frames(frames, key)
    target = out or default_path(ctx)
    manifest = write_bundle(target, tables, code, year)
    return target, manifest, dropped
