"""spreadsheets.values.*: get, batchGet, update, batchUpdate, append, clear, batchClear, answered like Google."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .a1 import A1Error, Rect, echo, parse_cells, split_sheet
from .errors import ApiError, bad_range, cell_limit, grid_limits
from .state import Cell, Sheet, Spreadsheet, parse_raw
from .typed import parse_user_entered, render

RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
CELL_CHARS = 50_000


def resolve(book: Spreadsheet, text: str) -> tuple[Sheet, Rect]:
    """A1 text -> (sheet, rect); 400 «Unable to parse range» for unknown sheets and bad notation, like Google."""
    try:
        title, cells = split_sheet(text)
        if title is None:
            sheet = book.by_title(text)
            if sheet is not None:
                return sheet, Rect()
            return book.sheets[0], parse_cells(text)
        sheet = book.by_title(title)
        if sheet is None:
            raise bad_range(text)
        return sheet, Rect() if cells is None else parse_cells(cells)
    except A1Error:
        raise bad_range(text) from None


def _parser(option: str | None, locale: str = "en_US") -> Callable[[Any], Cell]:
    if option == "RAW":
        return parse_raw
    if option == "USER_ENTERED":
        return lambda value: parse_user_entered(value, locale)
    if not option:
        raise ApiError(400, "'valueInputOption' is required but not specified")
    raise ApiError(400, f"Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4."
                        f"ValueInputOption), \"{option}\"")


def _check_render(option: str) -> str:
    if option not in RENDER_OPTIONS:
        raise ApiError(400, f"Invalid value at 'value_render_option', \"{option}\"")
    return option


def _bounded(sheet: Sheet, rect: Rect) -> Rect:
    if not rect.fits(sheet.rows, sheet.cols):
        bounded = rect.clamp(max(sheet.rows, rect.row0 + 1), max(sheet.cols, rect.col0 + 1))
        raise grid_limits(echo(sheet.title, bounded), sheet.rows, sheet.cols)
    return rect.clamp(sheet.rows, sheet.cols)


def _rows_of(values: Any, major: str = "ROWS") -> list[list[Any]]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        raise ApiError(400, "Invalid values: expected a list of lists")
    if major == "COLUMNS":
        height = max((len(c) for c in values), default=0)
        return [[c[i] if i < len(c) else None for c in values] for i in range(height)]
    return values


def read_range(sheet: Sheet, rect: Rect, option: str = "FORMATTED_VALUE", major: str = "ROWS",
               locale: str = "en_US") -> dict[str, Any]:
    r = _bounded(sheet, rect)
    assert r.row1 is not None
    values: list[list[Any]] = []
    for i in range(r.row0, min(r.row1, len(sheet.cells))):
        out = [c if type(c) is str else render(c, option, locale) for c in sheet.cells[i][r.col0:r.col1]]
        while out and out[-1] == "":
            out.pop()
        values.append(out)
    while values and not values[-1]:
        values.pop()
    if major == "COLUMNS" and values:
        width = max(len(row) for row in values)
        cols = [[row[j] if j < len(row) else "" for row in values] for j in range(width)]
        values = []
        for col in cols:
            while col and col[-1] == "":
                col.pop()
            values.append(col)
    answer: dict[str, Any] = {"range": echo(sheet.title, r), "majorDimension": major}
    if values:
        answer["values"] = values
    return answer


def get(book: Spreadsheet, text: str, option: str, major: str) -> dict[str, Any]:
    sheet, rect = resolve(book, text)
    return read_range(sheet, rect, _check_render(option), major, book.locale)


def batch_get(book: Spreadsheet, ranges: Sequence[str], option: str, major: str) -> dict[str, Any]:
    _check_render(option)
    resolved = [resolve(book, t) for t in ranges]  # one bad range fails the whole request, as on Google
    return {"spreadsheetId": book.key,
            "valueRanges": [read_range(s, r, option, major, book.locale) for s, r in resolved]}


class _Write:
    """One validated rectangle write, applied only after every write of the request has been checked."""

    def __init__(self, sheet: Sheet, rect: Rect, rows: list[list[Any]], text: str) -> None:
        self.sheet, self.rows = sheet, rows
        self.height, self.width = len(rows), max((len(r) for r in rows), default=0)
        r0, c0 = rect.row0, rect.col0
        if not rect.single_cell:  # a single cell is an anchor; a bounded range must hold the data
            if rect.row1 is not None and r0 + self.height > rect.row1:
                raise ApiError(400, f"Requested writing within range [{text}], but tried writing to row "
                                    f"[{r0 + self.height}]")
            if rect.col1 is not None and c0 + self.width > rect.col1:
                raise ApiError(400, f"Requested writing within range [{text}], but tried writing to column "
                                    f"[{c0 + self.width}]")
        if r0 + self.height > sheet.rows or c0 + self.width > sheet.cols:
            raise grid_limits(echo(sheet.title, Rect(r0, c0, r0 + max(self.height, 1), c0 + max(self.width, 1))),
                              sheet.rows, sheet.cols)
        self.at = Rect(r0, c0, r0 + max(self.height, 1), c0 + max(self.width, 1))
        if any(isinstance(v, str) and len(v) > CELL_CHARS for row in rows for v in row):
            raise ApiError(400, f"Your input contains more than the maximum of {CELL_CHARS} characters in a single "
                                f"cell.")

    def apply(self, parse: Callable[[Any], Cell]) -> dict[str, Any]:
        cells = 0
        for i, row in enumerate(self.rows):
            for j, v in enumerate(row):
                if v is not None:  # null means "leave this cell as it is"
                    self.sheet.set(self.at.row0 + i, self.at.col0 + j, parse(v))
                    cells += 1
        if not self.height:
            return {}
        return {"updatedRange": echo(self.sheet.title, self.at), "updatedRows": self.height,
                "updatedColumns": self.width, "updatedCells": cells}


def _with_data(answer: dict[str, Any], sheet: Sheet, rect: Rect, include: bool, option: str,
               locale: str = "en_US") -> dict[str, Any]:
    if include:
        answer["updatedData"] = read_range(sheet, rect, option, locale=locale)
    return answer


def update(book: Spreadsheet, text: str, body: dict[str, Any], input_option: str | None, include: bool = False,
           response_option: str = "FORMATTED_VALUE") -> dict[str, Any]:
    parse = _parser(input_option, book.locale)
    sheet, rect = resolve(book, text)
    write = _Write(sheet, rect, _rows_of(body.get("values"), body.get("majorDimension", "ROWS")), text)
    answer = {"spreadsheetId": book.key, **write.apply(parse)}
    return _with_data(answer, sheet, write.at, include, response_option, book.locale)


def batch_update(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    parse = _parser(body.get("valueInputOption"), book.locale)
    writes = []
    for item in body.get("data", []):
        sheet, rect = resolve(book, item.get("range", ""))
        writes.append(_Write(sheet, rect, _rows_of(item.get("values"), item.get("majorDimension", "ROWS")),
                             item.get("range", "")))
    responses = [{"spreadsheetId": book.key, **w.apply(parse)} for w in writes]
    answer: dict[str, Any] = {"spreadsheetId": book.key}
    if writes:
        answer.update({
            "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
            "totalUpdatedColumns": max((r.get("updatedColumns", 0) for r in responses), default=0),
            "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
            "totalUpdatedSheets": len({id(w.sheet) for w in writes}),
            "responses": responses})
    return answer


def _region(sheet: Sheet, r: int, c: int, bounds: Rect) -> Rect:
    """The "table" around a cell, as Google finds it: grow a rectangle while any cell touching it (diagonals too)
    holds a value. A fully blank row or column ends a table; a blank cell inside a row does not split it."""
    assert bounds.row1 is not None and bounds.col1 is not None
    last_row = min(bounds.row1, len(sheet.cells))

    def row_has(i: int, c0: int, c1: int) -> bool:
        if not bounds.row0 <= i < last_row:
            return False
        return any(v is not None for v in sheet.cells[i][max(c0, bounds.col0):min(c1, bounds.col1)])

    def col_has(j: int, r0: int, r1: int) -> bool:
        if not bounds.col0 <= j < bounds.col1:
            return False
        return any(sheet.get(i, j) is not None for i in range(max(r0, bounds.row0), min(r1, last_row)))

    top, left, bottom, right = r, c, r + 1, c + 1
    grown = True
    while grown:
        grown = False
        while row_has(bottom, left - 1, right + 1):
            bottom, grown = bottom + 1, True
        while row_has(top - 1, left - 1, right + 1):
            top, grown = top - 1, True
        while col_has(right, top - 1, bottom + 1):
            right, grown = right + 1, True
        while col_has(left - 1, top - 1, bottom + 1):
            left, grown = left - 1, True
    return Rect(top, left, bottom, right)


def find_table(sheet: Sheet, rect: Rect) -> Rect | None:
    """The table values.append extends, as the recordings show Google choosing it (tests/data/cassettes):

    - a single-cell range is an anchor: an empty anchor cell means no table (the values go AT the anchor, even with
      data below it — WorksheetTest.test_insert_row); a filled one means the region around it (test_append_row_with_
      empty_value_and_table_range: row 1 ["x", "", "z"] anchored at A1 gives the table A1);
    - a wider range (a bare sheet title included) means the region, inside the range, of its LAST filled cell in
      reading order (test_append_row_with_empty_value: the same row appended to 'Sheet1' gives the table C1).
    """
    if rect.single_cell:
        if sheet.get(rect.row0, rect.col0) is None:
            return None
        return _region(sheet, rect.row0, rect.col0, Rect(0, 0, sheet.rows, sheet.cols))
    bounds = rect.clamp(sheet.rows, sheet.cols)
    assert bounds.row1 is not None and bounds.col1 is not None
    for i in range(min(bounds.row1, len(sheet.cells)) - 1, bounds.row0 - 1, -1):
        row = sheet.cells[i]
        for j in range(min(bounds.col1, len(row)) - 1, bounds.col0 - 1, -1):
            if row[j] is not None:
                return _region(sheet, i, j, bounds)
    return None


def append(book: Spreadsheet, text: str, body: dict[str, Any], input_option: str | None, insert_option: str | None,
           limit: int, include: bool = False, response_option: str = "FORMATTED_VALUE") -> dict[str, Any]:
    """Values go in the row after the table found in the range, from the table's first column."""
    parse = _parser(input_option, book.locale)
    if insert_option not in (None, "OVERWRITE", "INSERT_ROWS"):
        raise ApiError(400, f"Invalid value at 'insert_data_option', \"{insert_option}\"")
    sheet, rect = resolve(book, text)
    rows = _rows_of(body.get("values"), body.get("majorDimension", "ROWS"))
    table = find_table(sheet, rect)
    target, first_col = (table.row1, table.col0) if table else (rect.row0, rect.col0)
    assert target is not None
    height, width = len(rows), max((len(r) for r in rows), default=0)
    new_rows = sheet.rows + height if insert_option == "INSERT_ROWS" else max(sheet.rows, target + height)
    new_cols = max(sheet.cols, first_col + width)
    if book.total_cells() - sheet.rows * sheet.cols + new_rows * new_cols > limit:
        raise cell_limit(limit)
    answer: dict[str, Any] = {"spreadsheetId": book.key}
    if table:
        answer["tableRange"] = echo(sheet.title, table)
    if insert_option == "INSERT_ROWS" and target < len(sheet.cells):
        sheet.cells[target:target] = [[] for _ in range(height)]
    sheet.rows, sheet.cols = new_rows, new_cols
    write = _Write(sheet, Rect(target, first_col, target + 1, first_col + 1), rows, text)
    answer["updates"] = _with_data({"spreadsheetId": book.key, **write.apply(parse)}, sheet, write.at, include,
                                   response_option, book.locale)
    return answer


def clear(book: Spreadsheet, text: str) -> str:
    sheet, rect = resolve(book, text)
    r = _bounded(sheet, rect)
    assert r.row1 is not None and r.col1 is not None
    for i in range(r.row0, min(r.row1, len(sheet.cells))):
        row = sheet.cells[i]
        for j in range(r.col0, min(r.col1, len(row))):
            row[j] = None
    return echo(sheet.title, r)


def batch_clear(book: Spreadsheet, ranges: Sequence[str]) -> dict[str, Any]:
    for t in ranges:
        sheet, rect = resolve(book, t)
        _bounded(sheet, rect)
    return {"spreadsheetId": book.key, "clearedRanges": [clear(book, t) for t in ranges]}
