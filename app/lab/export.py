"""The school's side: build the bundle for the lab from the validated cache (the CLI and the deputy's button)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sync.warehouse.bundle import Manifest, bundle_frames, load_or_create_key, write_bundle

from ..context import AppContext, ConfigError

KEY_FILE = "lab_key"  # the pseudonymisation key; stays in the school's data dir


def default_path(ctx: AppContext) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    year = ctx.settings.academic_year.replace("/", "-")
    return ctx.settings.data_dir / "lab-export" / f"{ctx.settings.school_code}-{year}-{stamp}.zip"


def export_for_lab(ctx: AppContext, out: Path | None = None) -> tuple[Path, Manifest, int]:
    """(file written, its manifest, rows left out because they refer to rows with errors)."""
    code = ctx.settings.school_code
    if not code:
        raise ConfigError("Не задан код школы для лаборатории: укажите EDUMON_SCHOOL_CODE (его выдаёт лаборатория)")
    if not ctx.cache.refresh():
        raise ConfigError(f"Не удалось прочитать таблицу школы: {ctx.cache.status.last_error}")
    key = load_or_create_key(ctx.settings.data_dir / KEY_FILE)
    tables, dropped = bundle_frames(ctx.cache.workbook.frames, key)
    target = out or default_path(ctx)
    manifest = write_bundle(target, tables, code, ctx.settings.academic_year)
    return target, manifest, dropped
