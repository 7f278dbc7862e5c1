"""Services every page that reads or writes rows shares: readable labels of rows, the exact cells of rows, the
person's view of the workbook, whether a role may write a sheet, and submitting changes through the access rules
and the write path."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from app import background
from app.access import WRITE, Role
from app.auth import current_account, submit
from app.state import ctx
from app.visible import scoped_raw_rows, visible_workbook
from forms.changes import RowChange
from reports.labels import row_labels
from sheets_schema import ID_HEADER, SCHEMA, Workbook
from sheets_schema.rows import RowProblem
from sync.users import Account
from sync.write.commands import CommandRejected, WriteCommand

_labels_lock = threading.Lock()
_labels_memo: dict[tuple[str, str], tuple[Workbook, dict[str, str]]] = {}  # (sheet, login) -> (workbook, labels)


def viewer(account: Account | None = None) -> Account | None:
    """The person rows are read for: the given account, else the signed-in one (only on the event loop)."""
    return account if account is not None else current_account()


def ref_labels(sheet_key: str, account: Account | None = None) -> dict[str, str]:
    """id -> readable label of every valid row of a sheet the person may read, sorted by label; recomputed when the
    cache changes."""
    account = viewer(account)
    wb = visible_workbook(account)
    memo_key = (sheet_key, account.login if account is not None else "")
    with _labels_lock:
        memo = _labels_memo.get(memo_key)
        if memo is None or memo[0] is not wb:
            f = wb[sheet_key]
            labels = row_labels(wb.frames, sheet_key).fillna(f["id"].astype(str)) if not f.empty else pd.Series()
            pairs = sorted(zip(f["id"].astype(str), labels.astype(str), strict=True), key=lambda p: p[1].casefold())
            if len(_labels_memo) > 512:
                _labels_memo.clear()
            memo = _labels_memo[memo_key] = (wb, dict(pairs))
        return memo[1]


def raw_rows(sheet_key: str, ids: Iterable[str], account: Account | None = None) -> dict[str, dict[str, str]]:
    """id -> exact cell texts for those ids that exist and the person may read (store cells, with pending edits
    laid over)."""
    account = viewer(account)
    cache = ctx().cache
    cache.workbook  # noqa: B018 — rebuilds the overlay so `pending` is current
    sheet = SCHEMA[sheet_key]
    wanted = set(ids)
    grid = cache.grid(sheet_key)
    out: dict[str, dict[str, str]] = {}
    if grid:
        header = [h.strip() for h in grid[0]]
        cols = {f.key: header.index(f.header) for f in sheet.fields if f.header in header}
        id_col = cols.get("id", header.index(ID_HEADER) if ID_HEADER in header else -1)
        for r in grid[1:]:
            rid = r[id_col].strip() if 0 <= id_col < len(r) else ""
            if rid in wanted and rid not in out:
                out[rid] = {k: (r[c] if c < len(r) else "") for k, c in cols.items()}
    for rid in cache.pending.get(sheet_key, set()) & wanted:
        row = cache.raw_row(sheet_key, rid)
        if row:
            out[rid] = row
        else:
            out.pop(rid, None)
    return scoped_raw_rows(account, sheet_key, out)


def can_write(sheet_key: str, account: Account | None = None) -> bool:
    """Whether the role may write the sheet at all (rows outside a teacher's load are refused on submit)."""
    account = account or current_account()
    return account is not None and Role(account.role) in WRITE.get(sheet_key, frozenset())


async def submit_changes(changes: Sequence[RowChange], account: Account | None = None) -> list[RowProblem]:
    """One batch through access rules and the write path; the problems of a rejection (indexes per sheet)."""
    account = account or current_account()
    if account is None:
        return [RowProblem(0, "", "Сеанс завершён: войдите заново — ничего не сохранено")]
    commands = [WriteCommand(c.op, c.sheet, c.row_id, dict(c.values), dict(c.expected), user=account.login)
                for c in changes]
    try:
        await background.io_bound(submit, account, commands)
    except CommandRejected as exc:
        return exc.problems
    return []


def frames() -> Mapping[str, pd.DataFrame]:
    """The signed-in person's view of the cached workbook (app.visible): what forms show and check against."""
    return visible_workbook(current_account()).frames
