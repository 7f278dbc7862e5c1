"""spreadsheets.values.*: get, batchGet, update, batchUpdate, append, clear, batchClear — Google's answers and limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .a1 import A1Error, Rect, echo, parse_cells, split_sheet
from .errors import ApiError, bad_range, cell_limit, grid_limits
from .state import Cell, Sheet, Spreadsheet, parse_raw, parse_user_entered, render

RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")


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


def _parser(option: str | None) -> Callable[[Any], Cell]:
    if option == "RAW":
        return parse_raw
    if option == "USER_ENTERED":
        return parse_user_entered
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


def read_range(sheet: Sheet, rect: Rect, option: str = "FORMATTED_VALUE", major: str = "ROWS") -> dict[str, Any]:
    r = _bounded(sheet, rect)
    assert r.row1 is not None
    values: list[list[Any]] = []
    for i in range(r.row0, min(r.row1, len(sheet.cells))):
        out = [c if type(c) is str else render(c, option) for c in sheet.cells[i][r.col0:r.col1]]
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
    return read_range(sheet, rect, _check_render(option), major)


def batch_get(book: Spreadsheet, ranges: Sequence[str], option: str, major: str) -> dict[str, Any]:
    _check_render(option)
    resolved = [resolve(book, t) for t in ranges]  # one bad range fails the whole request, as on Google
    return {"spreadsheetId": book.key, "valueRanges": [read_range(s, r, option, major) for s, r in resolved]}


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


def _with_data(answer: dict[str, Any], sheet: Sheet, rect: Rect, include: bool, option: str) -> dict[str, Any]:
    if include:
        answer["updatedData"] = read_range(sheet, rect, option)
    return answer


def update(book: Spreadsheet, text: str, body: dict[str, Any], input_option: str | None, include: bool = False,
           response_option: str = "FORMATTED_VALUE") -> dict[str, Any]:
    parse = _parser(input_option)
    sheet, rect = resolve(book, text)
    write = _Write(sheet, rect, _rows_of(body.get("values"), body.get("majorDimension", "ROWS")), text)
    answer = {"spreadsheetId": book.key, **write.apply(parse)}
    return _with_data(answer, sheet, write.at, include, response_option)


def batch_update(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    parse = _parser(body.get("valueInputOption"))
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


def append(book: Spreadsheet, text: str, body: dict[str, Any], input_option: str | None, insert_option: str | None,
           limit: int, include: bool = False, response_option: str = "FORMATTED_VALUE") -> dict[str, Any]:
    """Values go after the last row holding data in the range ("the table"), from the range's first column."""
    parse = _parser(input_option)
    if insert_option not in (None, "OVERWRITE", "INSERT_ROWS"):
        raise ApiError(400, f"Invalid value at 'insert_data_option', \"{insert_option}\"")
    sheet, rect = resolve(book, text)
    rows = _rows_of(body.get("values"), body.get("majorDimension", "ROWS"))
    search = rect.clamp(sheet.rows, sheet.cols)
    assert search.row1 is not None and search.col1 is not None
    first = last = -1
    right = search.col0
    for i in range(search.row0, min(search.row1, len(sheet.cells))):
        row = sheet.cells[i][search.col0:search.col1]
        if any(c is not None for c in row):
            first = i if first < 0 else first
            last = i
            right = max(right, search.col0 + max(j for j, c in enumerate(row) if c is not None) + 1)
    target = last + 1 if last >= 0 else search.row0
    height, width = len(rows), max((len(r) for r in rows), default=0)
    new_rows = sheet.rows + height if insert_option == "INSERT_ROWS" else max(sheet.rows, target + height)
    new_cols = max(sheet.cols, search.col0 + width)
    if book.total_cells() - sheet.rows * sheet.cols + new_rows * new_cols > limit:
        raise cell_limit(limit)
    answer: dict[str, Any] = {"spreadsheetId": book.key}
    if last >= 0:
        answer["tableRange"] = echo(sheet.title, Rect(first, search.col0, last + 1, max(right, search.col0 + 1)))
    if insert_option == "INSERT_ROWS" and target < len(sheet.cells):
        sheet.cells[target:target] = [[] for _ in range(height)]
    sheet.rows, sheet.cols = new_rows, new_cols
    write = _Write(sheet, Rect(target, search.col0, target + 1, search.col0 + 1), rows, text)
    updates = {"spreadsheetId": book.key, **write.apply(parse)}
    answer["updates"] = _with_data(updates, sheet, write.at, include, response_option)
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
