"""The cache as one signed-in person may read it: every page, picker, search, download and template takes its rows
from here, so the read scope of app.access (READ, visible_frames, visible_raw_rows) holds everywhere at once.

The scoped workbook is made once per (cached workbook, person) and reused until the cache changes. Nobody signed
in reads nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from app.access import Scope, scope_of, visible_frames, visible_raw_rows
from app.state import ctx
from sheets_schema import Workbook
from sync.users import Account

_lock = threading.Lock()
_memo: dict[tuple[str, str, str], tuple[Workbook, Scope, Workbook]] = {}  # person -> (cache, scope, their view)
_MEMO_PEOPLE = 64
_NOBODY = Scope()  # no pairs, no classes, no teacher: the rows of READ's «school» sheets only


def _key(account: Account | None) -> tuple[str, str, str]:
    return ("", "", "") if account is None or account.disabled else (account.login, str(account.role),
                                                                     account.teacher_id)


def _remembered(full: Workbook, key: tuple[str, str, str]) -> tuple[Workbook, Scope, Workbook] | None:
    with _lock:
        hit = _memo.get(key)
    return hit if hit is not None and hit[0] is full else None


def _view(account: Account | None) -> tuple[Workbook, Scope, Workbook]:
    full = ctx().cache.workbook
    key = _key(account)
    hit = _remembered(full, key)
    if hit is not None:
        return hit
    if key == ("", "", ""):
        scope = _NOBODY
        view = Workbook({k: f.iloc[0:0] for k, f in full.frames.items()}, [])
    else:
        scope = scope_of(account, full.frames)  # type: ignore[arg-type]
        view = full if scope.everything and not scope.anonymous else \
            Workbook(visible_frames(scope, full.frames), full.issues)
    with _lock:
        if len(_memo) >= _MEMO_PEOPLE or any(w is not full for w, _, _ in _memo.values()):
            _memo.clear()
        _memo[key] = (full, scope, view)
    return full, scope, view


def visible_workbook(account: Account | None) -> Workbook:
    """The cached workbook with only the rows (and columns) this account may read."""
    return _view(account)[2]


def remembered_workbook(account: Account | None, full: Workbook) -> Workbook | None:
    """`visible_workbook` when it is already made from the cached workbook `full` (no work, no lock of the cache:
    fit for the event loop), else None."""
    hit = _remembered(full, _key(account))
    return None if hit is None else hit[2]


def scoped_raw_rows(account: Account | None, sheet_key: str, rows: Mapping[str, Mapping[str, str]]
                    ) -> dict[str, dict[str, str]]:
    """Only the raw rows (id -> cells) the account may read, personal cells of others blank."""
    full, scope, _ = _view(account)
    if account is None or account.disabled:
        return {}
    return visible_raw_rows(scope, full.frames, sheet_key, rows)


def visible_raw_row(account: Account | None, sheet_key: str, row_id: str) -> dict[str, str]:
    """field key -> exact cells of one row, or {} when it does not exist or is outside the account's read scope."""
    row = ctx().cache.raw_row(sheet_key, row_id)
    return scoped_raw_rows(account, sheet_key, {row_id: row}).get(row_id, {}) if row else {}
