"""`edumon lab collect --google`: read each registered school's spreadsheet with the lab's service account — one
values.batchGet per school, every attempt paid from one token bucket — validate it as the school does (A1
addresses), pseudonymise at the lab's edge, store. Resumable: schools already collected in a sweep are skipped."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name

from sheets_schema import ERROR, SCHEMA, validate_workbook
from sheets_schema.bundle import BUNDLE_SCHEMA
from sheets_schema.errors import UserFacingError
from sync.google.http import RetryPolicy, SheetsHTTPClient, is_unknown_range, load_credentials, store_error
from sync.google.store import READ_PARAMS
from sync.store import StoreError, trim_grid
from sync.warehouse.arrow import to_arrow
from sync.warehouse.bundle import bundle_frames
from sync.warehouse.engine import Derived
from sync.warehouse.intake import Outcome, cap, ingest_tables, issue_line
from sync.warehouse.layout import Warehouse
from sync.warehouse.quota import BucketCounter, TokenBucket
from sync.warehouse.receipts import REFUSED, Receipts


@dataclass(frozen=True)
class Target:
    code: str
    spreadsheet_key: str


@dataclass
class SweepReport:
    collected: list[str] = field(default_factory=list)
    refused: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # not reached (network, quota): a rerun resumes them
    skipped: list[str] = field(default_factory=list)  # already collected earlier in this sweep


def read_school(client: SheetsHTTPClient, key: str) -> dict[str, list[list[str]]]:
    """Every worksheet of the school schema in one values.batchGet."""
    titles = [s.title for s in SCHEMA]
    with client.operation():
        try:
            data = client.values_batch_get(key, [absolute_range_name(t) for t in titles], params=dict(READ_PARAMS))
        except APIError as exc:
            if is_unknown_range(exc):
                raise MissingSheet() from None
            raise store_error(exc, key) from None
    return {t: trim_grid(vr.get("values", [])) for t, vr in zip(titles, data["valueRanges"], strict=True)}


class MissingSheet(UserFacingError):
    pass


def forget_sweep(state_path: Path) -> None:
    """Start the next sweep from the first school (`--restart`)."""
    state_path.unlink(missing_ok=True)


def _load_state(path: Path) -> set[str]:
    try:
        return set(json.loads(path.read_text(encoding="utf-8")).get("done", []))
    except (OSError, ValueError, AttributeError):
        return set()


def _save_state(path: Path, done: set[str]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"done": sorted(done)}, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def sweep(targets: Sequence[Target], *, warehouse: Warehouse, receipts: Receipts, cube: Derived,
          academic_year: str, lab_key: bytes, bucket: TokenBucket, state_path: Path,
          credentials_file: Path | None, base_url: str, session: requests.Session | None = None,
          policy: RetryPolicy | None = None,
          on_progress: Callable[[int, int, str, str], None] | None = None) -> SweepReport:
    """Collect every target once; the state file remembers who is done until the sweep completes."""
    client = SheetsHTTPClient(load_credentials(credentials_file, base_url), session, base_url=base_url,
                              policy=policy or RetryPolicy(), counter=BucketCounter(bucket))
    done = _load_state(state_path)
    report = SweepReport()
    for i, t in enumerate(targets, start=1):
        if t.code in done:
            report.skipped.append(t.code)
            status = "уже собрано"
        else:
            status = _one(client, t, warehouse, receipts, cube, academic_year, lab_key, report)
            if t.code in report.collected or t.code in report.refused:
                done.add(t.code)
                _save_state(state_path, done)
        if on_progress:
            on_progress(i, len(targets), t.code, status)
    if not report.failed:
        state_path.unlink(missing_ok=True)  # the sweep is complete: the next one starts afresh
    return report


def _one(client: SheetsHTTPClient, t: Target, warehouse: Warehouse, receipts: Receipts, cube: Derived,
         academic_year: str, lab_key: bytes, report: SweepReport) -> str:
    try:
        grids = read_school(client, t.spreadsheet_key)
    except MissingSheet:
        problems = ["В Google-таблице школы нет одного из листов схемы: в школе нужно выполнить edumon init-sheets"]
        receipts.record(t.code, academic_year, "google", REFUSED, problems)
        report.refused[t.code] = problems
        return "отклонено"
    except StoreError as exc:
        report.failed[t.code] = str(exc)
        return f"не прочитано: {exc}"
    wb = validate_workbook(SCHEMA, grids)
    problems = [issue_line(i) for i in wb.issues if i.severity == ERROR]
    tables = {}
    if not problems:
        # pseudonymised here, at the lab's edge, before anything is stored: a per-school key derived from the lab's
        frames, _ = bundle_frames(wb.frames, _school_key(lab_key, t.code))
        tables = {s.key: to_arrow(s, frames[s.key]) for s in BUNDLE_SCHEMA}
    outcome: Outcome = ingest_tables(warehouse, receipts, tables, t.code, academic_year, "google", cube,
                                     problems=cap(problems))
    if outcome.ok:
        report.collected.append(t.code)
        return f"собрано: {outcome.rows} результатов"
    report.refused[t.code] = outcome.problems
    return f"отклонено: проблем {len(problems)}"


def _school_key(lab_key: bytes, code: str) -> bytes:
    import hashlib
    import hmac

    return hmac.new(lab_key, code.encode("utf-8"), hashlib.sha256).digest()
