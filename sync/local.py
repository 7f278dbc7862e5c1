"""The embedded default store: a SQLite file with spreadsheet semantics, so no Google account is needed.

Same verbs and the same odd-content tolerance as the Google store: every cell is text, rows are ragged with
trailing empty cells trimmed, rows are found by the id column at write time. WAL mode; one connection per call
so that a web server thread and the CLI can share the file.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from sync.store import Grid, LayoutReport, SheetLayout, SheetNotFound, WriteResult, header_drift, trim_grid, trim_row

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sheets (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    layout TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS rows (
    sheet_id INTEGER NOT NULL REFERENCES sheets(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    cells TEXT NOT NULL,
    PRIMARY KEY (sheet_id, pos)
) WITHOUT ROWID;
"""


class LocalStore:
    """SheetStore over one SQLite file. Row 0 of a sheet is its header row."""

    kind = "local"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        init = sqlite3.connect(self.path, timeout=30)
        try:
            init.execute("PRAGMA journal_mode=WAL")
            init.executescript(_SCHEMA)
        finally:
            init.close()

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                conn.execute("PRAGMA foreign_keys=ON")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            finally:
                conn.close()

    def spreadsheet_id(self) -> str:
        return str(self.path.resolve())

    def titles(self) -> list[str]:
        with self._conn() as c:
            return [r[0] for r in c.execute("SELECT title FROM sheets ORDER BY position")]

    def read_all(self) -> dict[str, Grid]:
        with self._conn() as c:
            sheets = c.execute("SELECT id, title FROM sheets ORDER BY position").fetchall()
            out: dict[str, Grid] = {title: [] for _, title in sheets}
            names = dict(sheets)
            for sheet_id, cells in c.execute("SELECT sheet_id, cells FROM rows ORDER BY sheet_id, pos"):
                out[names[sheet_id]].append(json.loads(cells))
        return {t: trim_grid(g) for t, g in out.items()}

    def read_rows(self, title: str, id_header: str, ids: Sequence[str]) -> Grid | None:
        """Found in SQL by the id cell, as update_rows and delete_rows find them: the rest is never decoded."""
        with self._conn() as c:
            row = c.execute("SELECT id FROM sheets WHERE title = ?", (title,)).fetchone()
            if row is None:
                return None
            sid = int(row[0])
            head: list[str] | None = None
            for pos, cells in c.execute("SELECT pos, cells FROM rows WHERE sheet_id = ? ORDER BY pos", (sid,)):
                grid = json.loads(cells)
                if any(str(x).strip() for x in grid):
                    head, at = trim_row(grid), int(pos)
                    break
            if head is None:
                return []
            header = [h.strip() for h in head]
            if id_header not in header:
                return [head]
            where = self._rows_by_id(c, sid, header.index(id_header), ids)
            positions = sorted(p for ps in where.values() for p in ps if p > at)
            found = [trim_row(json.loads(c.execute("SELECT cells FROM rows WHERE sheet_id = ? AND pos = ?",
                                                   (sid, p)).fetchone()[0])) for p in positions]
        return [head, *found]

    # -- helpers ---------------------------------------------------------------------------------------------
    @staticmethod
    def _sheet_id(c: sqlite3.Connection, title: str) -> int:
        row = c.execute("SELECT id FROM sheets WHERE title = ?", (title,)).fetchone()
        if row is None:
            raise SheetNotFound(f"worksheet {title!r} not found")
        return int(row[0])

    @staticmethod
    def _create(c: sqlite3.Connection, title: str) -> int:
        pos = c.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM sheets").fetchone()[0]
        return int(c.execute("INSERT INTO sheets (title, position) VALUES (?, ?)", (title, pos)).lastrowid or 0)

    @staticmethod
    def _header(c: sqlite3.Connection, sheet_id: int) -> list[str]:
        row = c.execute("SELECT cells FROM rows WHERE sheet_id = ? AND pos = 0", (sheet_id,)).fetchone()
        return [h.strip() for h in json.loads(row[0])] if row else []

    @staticmethod
    def _rows_by_id(c: sqlite3.Connection, sheet_id: int, id_col: int, ids: Sequence[str]) -> dict[str, list[int]]:
        """id -> positions of the rows holding it (json_extract keeps the scan in C)."""
        found: dict[str, list[int]] = {}
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            q = (f"SELECT pos, TRIM(json_extract(cells, '$[{id_col}]')) FROM rows "
                 f"WHERE sheet_id = ? AND pos > 0 AND TRIM(json_extract(cells, '$[{id_col}]')) IN ({marks})")
            for pos, rid in c.execute(q, (sheet_id, *chunk)):
                found.setdefault(str(rid), []).append(int(pos))
        return found

    # -- writes ----------------------------------------------------------------------------------------------
    def append_rows(self, title: str, rows: Sequence[Sequence[str]]) -> None:
        if not rows:
            return
        with self._conn() as c:
            sid = self._sheet_id(c, title)
            # Google appends after the last row that has any content; trailing empty rows are not kept.
            last = c.execute("SELECT pos, cells FROM rows WHERE sheet_id = ? ORDER BY pos DESC", (sid,))
            top = -1
            for pos, cells in last:
                if json.loads(cells):
                    top = int(pos)
                    break
            c.execute("DELETE FROM rows WHERE sheet_id = ? AND pos > ?", (sid, top))
            c.executemany("INSERT INTO rows (sheet_id, pos, cells) VALUES (?, ?, ?)",
                          [(sid, top + 1 + i, _dump(r)) for i, r in enumerate(rows)])

    def update_rows(self, title: str, id_header: str, changes: Mapping[str, Mapping[str, str]]) -> WriteResult:
        applied, not_found = [], []
        with self._conn() as c:
            sid = self._sheet_id(c, title)
            header = self._header(c, sid)
            if id_header not in header:
                return WriteResult([], list(changes))
            where = self._rows_by_id(c, sid, header.index(id_header), list(changes))
            for rid, values in changes.items():
                positions = where.get(rid)
                if not positions:
                    not_found.append(rid)
                    continue
                for pos in positions:
                    cells = json.loads(c.execute("SELECT cells FROM rows WHERE sheet_id = ? AND pos = ?",
                                                 (sid, pos)).fetchone()[0])
                    for h, v in values.items():
                        if h not in header:
                            continue
                        i = header.index(h)
                        cells += [""] * (i + 1 - len(cells))
                        cells[i] = "" if v is None else str(v)
                    c.execute("UPDATE rows SET cells = ? WHERE sheet_id = ? AND pos = ?", (_dump(cells), sid, pos))
                applied.append(rid)
        return WriteResult(applied, not_found)

    def delete_rows(self, title: str, id_header: str, ids: Sequence[str]) -> WriteResult:
        with self._conn() as c:
            sid = self._sheet_id(c, title)
            header = self._header(c, sid)
            if id_header not in header:
                return WriteResult([], list(ids))
            where = self._rows_by_id(c, sid, header.index(id_header), ids)
            doomed = sorted({p for ps in where.values() for p in ps})
            if doomed:
                # Positions keep their gaps: order is all that matters, and the rows below simply move up.
                c.executemany("DELETE FROM rows WHERE sheet_id = ? AND pos = ?", [(sid, p) for p in doomed])
        return WriteResult([i for i in ids if i in where], [i for i in ids if i not in where])

    def replace_sheet(self, title: str, grid: Sequence[Sequence[str]]) -> None:
        with self._conn() as c:
            row = c.execute("SELECT id FROM sheets WHERE title = ?", (title,)).fetchone()
            sid = int(row[0]) if row else self._create(c, title)
            c.execute("DELETE FROM rows WHERE sheet_id = ?", (sid,))
            c.executemany("INSERT INTO rows (sheet_id, pos, cells) VALUES (?, ?, ?)",
                          [(sid, i, _dump(r)) for i, r in enumerate(trim_grid(grid))])

    def ensure_layout(self, layouts: Sequence[SheetLayout]) -> LayoutReport:
        report = LayoutReport()
        with self._conn() as c:
            for lay in layouts:
                row = c.execute("SELECT id FROM sheets WHERE title = ?", (lay.title,)).fetchone()
                if row is None:
                    sid = self._create(c, lay.title)
                    c.execute("INSERT INTO rows (sheet_id, pos, cells) VALUES (?, 0, ?)", (sid, _dump(lay.headers)))
                    report.created.append(lay.title)
                else:
                    sid = int(row[0])
                    report.existing.append(lay.title)
                    header = self._header(c, sid)
                    if not any(header):
                        has_rows = c.execute("SELECT COUNT(*) FROM rows WHERE sheet_id = ?", (sid,)).fetchone()[0]
                        if not has_rows:
                            c.execute("INSERT INTO rows (sheet_id, pos, cells) VALUES (?, 0, ?)",
                                      (sid, _dump(lay.headers)))
                            report.headers_written.append(lay.title)
                            header = list(lay.headers)
                    missing, extra, renamed = header_drift(lay.headers, header)
                    if missing:
                        report.missing_columns[lay.title] = missing
                    if extra:
                        report.extra_columns[lay.title] = extra
                    if renamed:
                        report.renamed_columns[lay.title] = renamed
                c.execute("UPDATE sheets SET layout = ? WHERE id = ?", (json.dumps({
                    "choices": lay.choices, "ranges": lay.number_ranges, "widths": lay.widths}, ensure_ascii=False),
                    sid))
        return report


def _dump(row: Sequence[object]) -> str:
    return json.dumps(trim_row(row), ensure_ascii=False)
