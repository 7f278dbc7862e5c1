"""The Google store: a SheetStore over one Google spreadsheet, through gspread 6's HTTP client and a service account.

Reads: the whole workbook in ONE values.batchGet, FORMATTED_VALUE, ROWS (plus a cached spreadsheets.get for titles).
FORMATTED_VALUE returns the text a person sees: what we write RAW comes back byte-identical (strings are never
formatted), and what people type keeps its shape — "4,5" or "12.10.2025" in a ru_RU sheet stay those strings, where
UNFORMATTED_VALUE would turn them into 4.5 and a serial day number. A formula a person typed reads as its result,
which is what they see too. gspread's numericise is never used.

Writes are RAW (a typed "=IMPORTXML(...)" stays text) and batched: one values.append, one values.batchUpdate, or one
spreadsheets.batchUpdate per call. Rows are located at write time by the id column, never by a remembered number.

Idempotency: Google has no request ids, so a write retried after "applied, but the answer was lost" could apply twice.
values.update/batchUpdate/clear are idempotent and retried blindly. Appends, row deletions and sheet creation are not:
for them a lost answer makes the store look again (`_until_applied`) and send only what is still missing — an append
skips rows whose id is already in the sheet (without an id column: a batch already held as a block).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name, rowcol_to_a1

from sheets_schema import ID_HEADER, col_letter
from sync.google.http import (
    GOOGLE_BASE_URL,
    AnswerLost,
    RequestCounter,
    RetryPolicy,
    SheetsHTTPClient,
    account_of,
    is_unknown_range,
    load_credentials,
    store_error,
)
from sync.google.sheet_requests import (
    META_FIELDS,
    SheetMeta,
    a1_col,
    add_sheet,
    fresh_sheet_id,
    grow,
    id_cell_cleared,
    layout_requests,
    missing_rows,
    positions,
    runs,
    sheet_meta,
    starts_in_column_a,
)
from sync.store import (
    Grid,
    LayoutReport,
    Row,
    SheetLayout,
    SheetNotFound,
    StoreError,
    WriteResult,
    header_at,
    header_drift,
    rows_with_ids,
    trim_grid,
    trim_row,
)

log = logging.getLogger(__name__)

__all__ = ["GoogleStore"]  # its errors (SheetsUnavailable, QuotaExhausted, SheetsRejected...) live in sync.google.http

READ_PARAMS = {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"}
Plan = Callable[[bool], Callable[[], Any] | None]


class GoogleStore:
    kind = "google"

    def __init__(self, spreadsheet_key: str, credentials_file: str | Path | None,
                 base_url: str = GOOGLE_BASE_URL, timeout: float = 30, max_retries: int = 6,
                 max_retry_seconds: float = 120, session: requests.Session | None = None, *,
                 metadata_ttl: float = 300.0) -> None:
        if not spreadsheet_key:
            raise StoreError("не задан ключ Google-таблицы")
        self.key = spreadsheet_key
        self.retry_policy = RetryPolicy(timeout, max_retries, max_retry_seconds)
        self.counter = RequestCounter()
        self._http = SheetsHTTPClient(load_credentials(credentials_file, base_url), session, base_url=base_url,
                                      policy=self.retry_policy, counter=self.counter)
        self._meta: list[SheetMeta] | None = None
        self._meta_at = 0.0
        self._metadata_ttl = metadata_ttl  # sheets people add or rename by hand show up within this many seconds
        self._headers: dict[str, list[str]] = {}  # last header row seen per sheet: guesses where the id column is
        self._lock = threading.RLock()

    @property
    def request_count(self) -> int:
        return self.counter.total

    def requests_in_last_minute(self, kind: str | None = None) -> int:
        """Requests sent in the last 60 s; kind "read" or "write" (each has its own quota of 60), None for both."""
        return self.counter.in_last_minute(kind)

    def spreadsheet_id(self) -> str:
        return self.key

    # -- reads ---------------------------------------------------------------------------------------------------
    def titles(self) -> list[str]:
        with self._lock, self._errors():
            return [s.title for s in self._sheets(fresh=True)]

    def read_all(self) -> dict[str, Grid]:
        return self._read(None)

    def read_rows(self, title: str, id_header: str, ids: Sequence[str]) -> Grid | None:
        """One batchGet of the worksheet (Sheets cannot filter by a column's values), narrowed here."""
        grid = self._read({title}).get(title)
        return None if grid is None else rows_with_ids(grid, id_header, ids)

    def _read(self, only: set[str] | None) -> dict[str, Grid]:
        """Every worksheet, or those of `only` that exist, in one batchGet."""
        with self._lock, self._errors(), self._http.operation():
            try:
                sheets = self._sheets()
                grids = self._grids([s.title for s in sheets if only is None or s.title in only])
            except APIError as exc:
                if not is_unknown_range(exc):  # else a cached title was renamed or deleted by hand: look again
                    raise
                grids = self._grids([s.title for s in self._sheets(fresh=True) if only is None or s.title in only])
        for title, grid in grids.items():
            if grid:
                at, known = header_at(grid), self._headers.get(title, [])
                row = [h.strip() for h in grid[at]]
                if ID_HEADER not in row and id_cell_cleared(row, known, ID_HEADER):
                    grid[at] = [*grid[at]]  # the id header cell was cleared by hand: read it as it was
                    grid[at][known.index(ID_HEADER)] = ID_HEADER
                self._headers[title] = [h.strip() for h in grid[at]]
        return grids

    # -- writes --------------------------------------------------------------------------------------------------
    def append_rows(self, title: str, rows: Sequence[Sequence[str]]) -> None:
        if not rows:
            return
        pending = [trim_row(r) for r in rows]
        width = max(len(self._headers.get(title, [])), max(len(r) for r in pending), 1)
        landed: list[str] = []

        def plan(first: bool) -> Callable[[], Any] | None:
            nonlocal pending
            if not first:
                pending = self._not_yet_appended(title, pending)
            if not pending:
                return None
            body = {"values": pending}

            def send() -> None:
                # the whole table's columns from row 1: Google extends the region of the range's last filled cell,
                # so a blank row above the header, a cleared A1 or a gap under the header cannot put rows above it
                # (a single-cell anchor that is empty is written AT: WorksheetTest.test_insert_row)
                reply = self._http.values_append(self.key, absolute_range_name(title, f"A1:{col_letter(width - 1)}"), {
                    "valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS",
                    "includeValuesInResponse": "false"}, body)
                landed.append(reply.get("updates", {}).get("updatedRange", ""))
            return send

        with self._lock, self._errors(title):
            if self._find(title) is None:
                raise SheetNotFound(f"лист «{title}» не найден в Google-таблице (переименован или удалён?)")
            self._until_applied(plan)
            if landed and not starts_in_column_a(landed[-1]):
                self._move_to_column_a(title, landed[-1], pending, width)

    def _move_to_column_a(self, title: str, updated: str, rows: list[Row], width: int) -> None:
        """Google extended a table that does not start in column A (a stray cell typed apart under the table):
        our rows went in shifted right. Blank them and write them again under the last row, from column A."""
        grid = self._grids([title])[title]
        m = re.search(r"!([A-Z]+)(\d+)", updated)
        assert m is not None
        top, left = int(m.group(2)) - 1, a1_col(m.group(1))
        for i in range(top, min(top + len(rows), len(grid))):
            grid[i] = grid[i][:left]
        last = max((i for i, r in enumerate(grid) if any(c.strip() for c in r[:width])), default=-1)
        data = [{"range": updated, "values": [[""] * len(r) for r in rows]},
                {"range": absolute_range_name(title, f"A{last + 2}"), "values": rows}]
        log.warning("append to %r landed at %s; moved to A%d", title, updated, last + 2)
        self._http.values_batch_update(self.key, {"valueInputOption": "RAW", "data": data})

    def update_rows(self, title: str, id_header: str, changes: Mapping[str, Mapping[str, str]]) -> WriteResult:
        with self._lock, self._errors(title), self._http.operation():
            header, ids, _ = self._locate(title, id_header)
            if header is None:
                return WriteResult([], list(changes))
            where = positions(ids, changes)
            applied, not_found, data = [], [], []
            for rid, values in changes.items():
                if rid not in where:
                    not_found.append(rid)
                    continue
                applied.append(rid)
                cells = {header.index(h): "" if v is None else str(v) for h, v in values.items() if h in header}
                if not cells:
                    continue
                lo, hi = min(cells), max(cells)
                row = [cells.get(c) for c in range(lo, hi + 1)]  # None: "leave this cell as it is"
                data += [{"range": absolute_range_name(title, rowcol_to_a1(r + 1, lo + 1)), "values": [row]}
                         for r in where[rid]]
            if data:  # idempotent: a blind retry rewrites the same cells
                self._http.values_batch_update(self.key, {"valueInputOption": "RAW", "data": data})
            return WriteResult(applied, not_found)

    def delete_rows(self, title: str, id_header: str, ids: Sequence[str]) -> WriteResult:
        found: set[str] | None = None
        wanted = set(ids)

        def plan(first: bool) -> Callable[[], Any] | None:
            nonlocal found
            header, column, grid_rows = self._locate(title, id_header)
            doomed = sorted(i for i, v in enumerate(column) if i > 0 and v in wanted) if header else []
            if found is None:
                found = {column[i] for i in doomed}
            sheet = self._find(title)
            if not doomed or sheet is None:
                return None
            requests_: list[dict[str, Any]] = []
            if len(doomed) >= grid_rows - sheet.frozen:  # Google refuses to delete every non-frozen row
                requests_.append({"appendDimension": {"sheetId": sheet.sheet_id, "dimension": "ROWS", "length": 1}})
            requests_ += [{"deleteDimension": {"range": {"sheetId": sheet.sheet_id, "dimension": "ROWS",
                                                         "startIndex": a, "endIndex": b}}}
                          for a, b in reversed(runs(doomed))]  # bottom-up, so earlier indexes stay valid
            return lambda: self._batch(requests_)

        with self._lock, self._errors(title):
            self._until_applied(plan)
        hit = found or set()
        return WriteResult([i for i in ids if i in hit], [i for i in ids if i not in hit])

    def replace_sheet(self, title: str, grid: Sequence[Sequence[str]]) -> None:
        rows = trim_grid(grid)
        height, width = len(rows), max((len(r) for r in rows), default=0)

        def plan(first: bool) -> Callable[[], Any] | None:
            sheet = self._find(title, fresh=True)
            if sheet is None:
                new_id = fresh_sheet_id([s.sheet_id for s in self._sheets()])
                reqs = [add_sheet(title, new_id, max(height, 1000), max(width, 26))]
            else:
                reqs = grow(sheet.sheet_id, sheet.rows, sheet.cols, height, width)
                reqs.append({"updateCells": {"range": {"sheetId": sheet.sheet_id}, "fields": "userEnteredValue"}})
            return lambda: self._batch(reqs)  # creates or resizes and clears values (formatting stays)

        with self._lock, self._errors(title):
            self._until_applied(plan)
            if rows:
                self._http.values_update(self.key, absolute_range_name(title, "A1"),
                                         params={"valueInputOption": "RAW"}, body={"values": rows})

    def ensure_layout(self, layouts: Sequence[SheetLayout]) -> LayoutReport:
        report: LayoutReport | None = None

        def plan(first: bool) -> Callable[[], Any] | None:
            nonlocal report
            sheets = {s.title: s for s in self._sheets(fresh=True)}
            existing = [lay for lay in layouts if lay.title in sheets]
            headers = self._header_rows([lay.title for lay in existing])
            blank = [t for t, h in headers.items() if not any(h)]
            empty = {t for t, g in self._grids(blank).items() if not g}  # header written only into empty sheets
            rep, reqs, used = LayoutReport(), [], [s.sheet_id for s in sheets.values()]
            for lay in layouts:
                if lay.title not in sheets:
                    rep.created.append(lay.title)
                    used.append(fresh_sheet_id(used))
                    reqs.append(add_sheet(lay.title, used[-1], 1000, max(len(lay.headers), 1), frozen=1))
                    reqs += layout_requests(used[-1], lay, list(lay.headers), True, 1000, len(lay.headers), 1,
                                             False)
                    continue
                s, header = sheets[lay.title], headers[lay.title]
                rep.existing.append(lay.title)
                if lay.title in empty:
                    rep.headers_written.append(lay.title)
                    header = list(lay.headers)
                self._headers[lay.title] = list(lay.headers) if id_cell_cleared(header, lay.headers, ID_HEADER) \
                    else header  # what reads and writes go by until the next look
                missing, extra, renamed = header_drift(lay.headers, header)
                if missing:
                    rep.missing_columns[lay.title] = missing
                if extra:
                    rep.extra_columns[lay.title] = extra
                if renamed:
                    rep.renamed_columns[lay.title] = renamed
                reqs += layout_requests(s.sheet_id, lay, header, lay.title in empty, s.rows, s.cols, s.frozen,
                                         s.header_protected)
            report = report or rep
            return (lambda: self._batch(reqs)) if reqs else None

        with self._lock, self._errors():
            self._until_applied(plan)
        assert report is not None
        return report

    # -- helpers -------------------------------------------------------------------------------------------------
    @contextmanager
    def _errors(self, title: str | None = None) -> Iterator[None]:
        try:
            yield
        except APIError as exc:
            if exc.code == 400:
                self._meta = None  # a sheet renamed, deleted or re-frozen by hand: look again next time
            raise store_error(exc, self.key, title, account_of(self._http.auth)) from None

    def _until_applied(self, plan: Plan) -> None:
        """Run a non-idempotent write; after a lost answer, plan again from what the sheet now holds."""
        with self._http.operation() as budget:
            first = True
            while (send := plan(first)) is not None:
                try:
                    with self._http.answer_may_be_lost():
                        send()
                    return
                except AnswerLost as lost:
                    self._meta = None
                    budget.wait(lost.failure)
                    first = False

    def _batch(self, reqs: list[dict[str, Any]]) -> None:
        reply = self._http.batch_update(self.key, {"requests": reqs})
        for r in reply.get("replies", []):
            if "addSheet" in r and self._meta is not None:
                self._meta.append(sheet_meta({"properties": r["addSheet"]["properties"]}))

    def _sheets(self, fresh: bool = False) -> list[SheetMeta]:
        if fresh or self._meta is None or time.monotonic() - self._meta_at > self._metadata_ttl:
            meta = self._http.fetch_sheet_metadata(self.key, params={"includeGridData": "false",
                                                                     "fields": META_FIELDS})
            self._meta = [sheet_meta(s) for s in meta.get("sheets", [])]
            self._meta_at = time.monotonic()
        return self._meta

    def _find(self, title: str, fresh: bool = False) -> SheetMeta | None:
        for s in self._sheets(fresh):
            if s.title == title:
                return s
        return None if fresh else self._find(title, fresh=True)

    def _header_rows(self, titles: list[str]) -> dict[str, Row]:
        return {t: [h.strip() for h in (g or [[]])[0]] for t, g in self._grids(titles, "1:1").items()}

    def _grids(self, titles: list[str], cells: str | None = None) -> dict[str, Grid]:
        if not titles:
            return {}
        data = self._http.values_batch_get(self.key, [absolute_range_name(t, cells) for t in titles],
                                           params=dict(READ_PARAMS))
        return {t: trim_grid(vr.get("values", [])) for t, vr in zip(titles, data["valueRanges"], strict=True)}

    def _locate(self, title: str, id_header: str) -> tuple[list[str] | None, list[str], int]:
        """(header row, id column cells with row 0 = header, grid row count) — one batchGet when the guess is right."""
        known = self._headers.get(title, [])
        guess = known.index(id_header) if id_header in known else 0
        letter = col_letter(guess)
        data = self._http.values_batch_get(self.key, [absolute_range_name(title, "1:1"),
                                                      absolute_range_name(title, f"{letter}:{letter}")],
                                           params=dict(READ_PARAMS))
        head_vr, col_vr = data["valueRanges"]
        header = [h.strip() for h in (head_vr.get("values") or [[]])[0]]
        if id_header not in header and id_cell_cleared(header, known, id_header):
            header[guess] = id_header  # its header cell was cleared by hand; the ids are still in that column
        if id_header not in header:  # blank rows inserted above the header by hand: look for it in the whole sheet
            return self._locate_below(title, id_header)
        self._headers[title] = header
        col = header.index(id_header)
        if col != guess:  # columns were moved by hand since we last looked
            letter = col_letter(col)
            col_vr = self._http.values_batch_get(self.key, [absolute_range_name(title, f"{letter}:{letter}")],
                                                 params=dict(READ_PARAMS))["valueRanges"][0]
        column = [r[0].strip() if r else "" for r in col_vr.get("values", [])]
        m = re.search(r"(\d+)$", col_vr.get("range", ""))
        return header, column, int(m.group(1)) if m else len(column)

    def _locate_below(self, title: str, id_header: str) -> tuple[list[str] | None, list[str], int]:
        grid = self._grids([title])[title]
        at = header_at(grid)
        header = [h.strip() for h in grid[at]] if grid else []
        sheet = self._find(title)
        if id_header not in header or sheet is None:
            return None, [], 0
        self._headers[title] = header
        col = header.index(id_header)
        column = ["" if i <= at else (r[col].strip() if len(r) > col else "") for i, r in enumerate(grid)]
        return header, column, sheet.rows

    def _not_yet_appended(self, title: str, rows: list[Row]) -> list[Row]:
        """After a lost append answer: the rows Google does not hold yet (see `missing_rows`)."""
        return missing_rows(self._grids([title])[title], rows, ID_HEADER)
