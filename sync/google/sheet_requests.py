"""Pure helpers of the Google store: where rows, columns and the header are, and the batchUpdate requests that build
a sheet (add, grow, header, layout)."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sync.store import Row, SheetLayout, header_at, trim_grid

HEADER_NOTE = "Заголовки столбцов задаются схемой edumon; переименование ломает синхронизацию"


def a1_col(letters: str) -> int:
    """Column letters -> 0-based index (the inverse of sheets_schema.col_letter)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def starts_in_column_a(updated_range: str) -> bool:
    return not updated_range or bool(re.search(r"!A\d", updated_range))


def id_cell_cleared(header: Sequence[str], known: Sequence[str], id_header: str) -> bool:
    """The header row is the one last seen, but for a blank where the id header was (A1 cleared by hand)."""
    if id_header not in known:
        return False
    at = known.index(id_header)
    others = [(i, h) for i, h in enumerate(known) if i != at and h]
    return at < len(header) and not header[at] and bool(others) and \
        all(i < len(header) and header[i] == h for i, h in others)


def positions(column: list[str], wanted: Mapping[str, Any] | Sequence[str]) -> dict[str, list[int]]:
    keys = set(wanted)
    out: dict[str, list[int]] = {}
    for i, v in enumerate(column):
        if i > 0 and v in keys:
            out.setdefault(v, []).append(i)
    return out


def runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Sorted row indexes -> half-open runs [(2, 4), (7, 8)] so adjacent rows go in one deleteDimension."""
    out: list[tuple[int, int]] = []
    for i in indexes:
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def fresh_sheet_id(used: Sequence[int]) -> int:
    while (candidate := random.randint(1, 2**31 - 1)) in used:
        pass
    return candidate


def add_sheet(title: str, sheet_id: int, rows: int, cols: int, frozen: int = 0) -> dict[str, Any]:
    grid = {"rowCount": rows, "columnCount": cols, **({"frozenRowCount": frozen} if frozen else {})}
    return {"addSheet": {"properties": {"sheetId": sheet_id, "title": title, "gridProperties": grid}}}


def grow(sheet_id: int, have_rows: int, have_cols: int, rows: int, cols: int) -> list[dict[str, Any]]:
    """appendDimension requests that make the grid at least rows x cols."""
    out = []
    for dim, have, need in (("ROWS", have_rows, rows), ("COLUMNS", have_cols, cols)):
        if need > have:
            out.append({"appendDimension": {"sheetId": sheet_id, "dimension": dim, "length": need - have}})
    return out


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def layout_requests(sid: int, lay: SheetLayout, header: list[str], write_header: bool, rows: int, cols: int,
                     frozen: int, protected: bool) -> list[dict[str, Any]]:
    """Header text and notes, frozen + bold + protected header, dropdowns, number ranges, widths — by header text."""
    out: list[dict[str, Any]] = []
    if write_header and len(header) > cols:
        out += grow(sid, rows, cols, 0, len(header))
    fields = [f for f, on in (("userEnteredValue", write_header), ("note", bool(lay.notes))) if on]
    if fields:
        cells = [{**({"userEnteredValue": {"stringValue": h}} if write_header else {}),
                  **({"note": lay.notes[h]} if h in lay.notes else {})} for h in header]
        out.append({"updateCells": {"start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 0},
                                    "rows": [{"values": cells}], "fields": ",".join(fields)}})
    if frozen < 1:
        out.append({"updateSheetProperties": {"properties": {"sheetId": sid, "gridProperties": {"frozenRowCount": 1}},
                                              "fields": "gridProperties.frozenRowCount"}})
    head = {"sheetId": sid, "startRowIndex": 0, "endRowIndex": 1}
    out.append({"repeatCell": {"range": head, "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                               "fields": "userEnteredFormat.textFormat.bold"}})
    if not protected:
        out.append({"addProtectedRange": {"protectedRange": {"range": head, "description": HEADER_NOTE,
                                                             "warningOnly": True}}})
    at = {h: i for i, h in reversed(list(enumerate(header))) if h}
    for h, options in lay.choices.items():
        if h in at:
            out.append(_validation(sid, at[h], "ONE_OF_LIST", [str(o) for o in options]))
    for h, (lo, hi) in lay.number_ranges.items():
        if h in at and h not in lay.choices and (lo is not None or hi is not None):
            kind = "NUMBER_BETWEEN" if lo is not None and hi is not None else \
                "NUMBER_GREATER_THAN_EQ" if lo is not None else "NUMBER_LESS_THAN_EQ"
            out.append(_validation(sid, at[h], kind, [_num(v) for v in (lo, hi) if v is not None]))
    for h, px in lay.widths.items():
        if h in at:
            out.append({"updateDimensionProperties": {
                "range": {"sheetId": sid, "dimension": "COLUMNS", "startIndex": at[h], "endIndex": at[h] + 1},
                "properties": {"pixelSize": px}, "fields": "pixelSize"}})
    return out


def _validation(sid: int, col: int, kind: str, values: list[str]) -> dict[str, Any]:
    return {"setDataValidation": {
        "range": {"sheetId": sid, "startRowIndex": 1, "startColumnIndex": col, "endColumnIndex": col + 1},
        "rule": {"condition": {"type": kind, "values": [{"userEnteredValue": v} for v in values]},
                 "strict": True, "showCustomUi": kind == "ONE_OF_LIST"}}}


META_FIELDS = "sheets(properties(sheetId,title,index,gridProperties),protectedRanges(range))"


@dataclass(frozen=True)
class SheetMeta:
    """One worksheet as the spreadsheet's metadata describes it (`META_FIELDS`)."""

    sheet_id: int
    title: str
    rows: int
    cols: int
    frozen: int
    header_protected: bool


def sheet_meta(entry: Mapping[str, Any]) -> SheetMeta:
    p = entry["properties"]
    grid = p.get("gridProperties", {})
    protected = any(pr.get("range", {}).get("startRowIndex", 0) == 0 for pr in entry.get("protectedRanges", []))
    return SheetMeta(int(p.get("sheetId", 0)), p["title"], int(grid.get("rowCount", 0)),
                  int(grid.get("columnCount", 0)), int(grid.get("frozenRowCount", 0)), protected)


def missing_rows(grid: Sequence[Row], rows: list[Row], id_header: str) -> list[Row]:
    """The rows a sheet does not hold yet, judged by the id column wherever it is; without one, the batch counts as
    held when the sheet holds it as a block (an append is all-or-nothing)."""
    at = header_at(grid)
    header = [h.strip() for h in grid[at]] if grid else []
    if id_header in header:
        c = header.index(id_header)
        ids = [r[c].strip() if len(r) > c else "" for r in rows]
        if all(ids) and len(set(ids)) == len(ids):
            present = {r[c].strip() for r in grid[at + 1:] if len(r) > c}
            return [r for r, i in zip(rows, ids, strict=True) if i not in present]
    block = trim_grid(rows)
    return [] if any(list(grid[i:i + len(block)]) == block for i in range(at + 1, len(grid) - len(block) + 1)) else rows
