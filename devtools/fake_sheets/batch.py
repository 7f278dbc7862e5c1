"""spreadsheets.batchUpdate: the structural requests gspread and our store send; all-or-nothing like Google."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from .a1 import Rect, echo
from .errors import ApiError, cell_limit, grid_limits
from .fields import parse_mask, paths
from .state import DEFAULT_COLS, DEFAULT_ROWS, Cell, Formula, Sheet, Shown, Spreadsheet

Handler = Callable[[Spreadsheet, dict[str, Any]], dict[str, Any] | None]
CONDITIONS = {"ONE_OF_LIST": None, "NUMBER_BETWEEN": 2, "NUMBER_NOT_BETWEEN": 2, "NUMBER_GREATER": 1,
              "NUMBER_GREATER_THAN_EQ": 1, "NUMBER_LESS": 1, "NUMBER_LESS_THAN_EQ": 1, "NUMBER_EQ": 1,
              "TEXT_CONTAINS": 1, "DATE_IS_VALID": 0, "BOOLEAN": None, "ONE_OF_RANGE": 1, "CUSTOM_FORMULA": 1}


def _sheet(book: Spreadsheet, sheet_id: Any) -> Sheet:
    sheet = book.by_id(int(sheet_id or 0))
    if sheet is None:
        raise ApiError(400, f"No grid with id: {sheet_id or 0}")
    return sheet


def _grid(book: Spreadsheet, rng: dict[str, Any]) -> tuple[Sheet, Rect]:
    """GridRange -> bounded rect; unbounded sides reach the edge of the grid."""
    sheet = _sheet(book, rng.get("sheetId"))
    rect = Rect(int(rng.get("startRowIndex", 0)), int(rng.get("startColumnIndex", 0)),
                int(rng["endRowIndex"]) if "endRowIndex" in rng else sheet.rows,
                int(rng["endColumnIndex"]) if "endColumnIndex" in rng else sheet.cols)
    assert rect.row1 is not None and rect.col1 is not None
    if rect.row1 > sheet.rows or rect.col1 > sheet.cols or rect.row0 > rect.row1 or rect.col0 > rect.col1:
        raise grid_limits(echo(sheet.title, rect), sheet.rows, sheet.cols)
    return sheet, rect


def _dimension(book: Spreadsheet, rng: dict[str, Any]) -> tuple[Sheet, str, int, int]:
    sheet = _sheet(book, rng.get("sheetId"))
    dim = rng.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        raise ApiError(400, f"Invalid dimension: {dim}")
    size = sheet.rows if dim == "ROWS" else sheet.cols
    start, end = int(rng.get("startIndex", 0)), int(rng.get("endIndex", size))
    if not 0 <= start < end:
        raise ApiError(400, f"Invalid dimension range: [{start}, {end})")
    return sheet, dim, start, end


def add_sheet(book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    props = args.get("properties", {})
    title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
    if book.by_title(title) is not None:
        raise ApiError(400, f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = random.randint(1, 2**31 - 1)
        while book.by_id(sheet_id) is not None:
            sheet_id = random.randint(1, 2**31 - 1)
    elif int(sheet_id) < 0 or book.by_id(int(sheet_id)) is not None:
        raise ApiError(400, f"A sheet with the id {sheet_id} already exists or is not valid.")
    grid = props.get("gridProperties", {})
    sheet = Sheet(int(sheet_id), title, int(grid.get("rowCount", DEFAULT_ROWS)),
                  int(grid.get("columnCount", DEFAULT_COLS)), int(grid.get("frozenRowCount", 0)),
                  int(grid.get("frozenColumnCount", 0)), bool(props.get("hidden", False)))
    index = min(int(props.get("index", len(book.sheets))), len(book.sheets))
    book.sheets.insert(index, sheet)
    return {"addSheet": {"properties": sheet.properties(index)}}


def delete_sheet(book: Spreadsheet, args: dict[str, Any]) -> None:
    sheet = book.by_id(int(args.get("sheetId", -1)))
    if sheet is None:
        raise ApiError(400, f"No sheet with id: {args.get('sheetId')}")
    if len(book.sheets) == 1:
        raise ApiError(400, "You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)


def update_sheet_properties(book: Spreadsheet, args: dict[str, Any]) -> None:
    props = args.get("properties", {})
    sheet = _sheet(book, props.get("sheetId"))
    fields = args.get("fields", "")
    if not fields:
        raise ApiError(400, "At least one field must be updated, but none were specified.")
    chosen = ["title", "index", "hidden", "gridProperties.rowCount", "gridProperties.columnCount",
              "gridProperties.frozenRowCount", "gridProperties.frozenColumnCount"] if fields == "*" \
        else paths(parse_mask(fields))
    grid = props.get("gridProperties", {})
    for path in chosen:
        if path == "title":
            other = book.by_title(props.get("title", ""))
            if other is not None and other is not sheet:
                raise ApiError(400, f'A sheet with the name "{props.get("title")}" already exists.')
            sheet.title = props.get("title", sheet.title)
        elif path == "index":
            book.sheets.remove(sheet)
            book.sheets.insert(min(int(props.get("index", 0)), len(book.sheets)), sheet)
        elif path == "hidden":
            sheet.hidden = bool(props.get("hidden", False))
        elif path.startswith("gridProperties"):
            name = path.split(".", 1)[1] if "." in path else ""
            attr = {"rowCount": "rows", "columnCount": "cols", "frozenRowCount": "frozen_rows",
                    "frozenColumnCount": "frozen_cols"}.get(name)
            if attr is None:
                continue  # other grid properties (gridlines, ...) are accepted and ignored
            setattr(sheet, attr, int(grid.get(name, 0)))
        elif path != "sheetId":
            raise ApiError(400, f"Unsupported field in mask: {path}")
    if all(s.hidden for s in book.sheets):
        raise ApiError(400, "You can't hide all the sheets in a document.")
    if sheet.frozen_rows >= sheet.rows or (sheet.frozen_cols and sheet.frozen_cols >= sheet.cols):
        raise ApiError(400, "You can't freeze all visible rows on the sheet.")


def delete_dimension(book: Spreadsheet, args: dict[str, Any]) -> None:
    sheet, dim, start, end = _dimension(book, args.get("range", {}))
    if dim == "ROWS":
        if end > sheet.rows:
            raise grid_limits(echo(sheet.title, Rect(start, 0, end, sheet.cols)), sheet.rows, sheet.cols)
        if sheet.rows - (end - start) <= sheet.frozen_rows:
            raise ApiError(400, "Sorry, it is not possible to delete all non-frozen rows.")
        del sheet.cells[start:end]
        sheet.rows -= end - start
    else:
        if end > sheet.cols:
            raise grid_limits(echo(sheet.title, Rect(0, start, sheet.rows, end)), sheet.rows, sheet.cols)
        if sheet.cols - (end - start) <= sheet.frozen_cols:
            raise ApiError(400, "Sorry, it is not possible to delete all non-frozen columns.")
        for row in sheet.cells:
            del row[start:end]
        sheet.cols -= end - start


def insert_dimension(book: Spreadsheet, args: dict[str, Any]) -> None:
    sheet, dim, start, end = _dimension(book, args.get("range", {}))
    if dim == "ROWS":
        if start < len(sheet.cells):
            sheet.cells[start:start] = [[] for _ in range(end - start)]
        sheet.rows += end - start
    else:
        for row in sheet.cells:
            if start < len(row):
                row[start:start] = [None] * (end - start)
        sheet.cols += end - start


def append_dimension(book: Spreadsheet, args: dict[str, Any]) -> None:
    sheet = _sheet(book, args.get("sheetId"))
    length = int(args.get("length", 0))
    if length <= 0:
        raise ApiError(400, "length must be positive")
    if args.get("dimension") == "ROWS":
        sheet.rows += length
    elif args.get("dimension") == "COLUMNS":
        sheet.cols += length
    else:
        raise ApiError(400, f"Invalid dimension: {args.get('dimension')}")


def update_dimension_properties(book: Spreadsheet, args: dict[str, Any]) -> None:
    sheet, dim, start, end = _dimension(book, args.get("range", {}))
    if end > (sheet.rows if dim == "ROWS" else sheet.cols):
        raise ApiError(400, f"Invalid dimension range: [{start}, {end}) exceeds the grid")
    size, fields = args.get("properties", {}).get("pixelSize"), args.get("fields", "")
    if not fields:
        raise ApiError(400, "At least one field must be updated, but none were specified.")
    if dim == "COLUMNS" and size is not None and (fields == "*" or "pixelSize" in fields):
        for c in range(start, end):
            sheet.widths[c] = int(size)


def set_data_validation(book: Spreadsheet, args: dict[str, Any]) -> None:
    rng = args.get("range", {})
    sheet, _ = _grid(book, rng)
    rule = args.get("rule")
    if rule is not None:
        cond = rule.get("condition", {})
        kind = cond.get("type")
        if kind not in CONDITIONS:
            raise ApiError(400, f"Invalid value at 'requests.set_data_validation.rule.condition.type', \"{kind}\"")
        need, got = CONDITIONS[kind], len(cond.get("values", []))
        if (need is None and kind == "ONE_OF_LIST" and not got) or (need is not None and got != need):
            raise ApiError(400, f"Invalid ConditionValue for condition {kind}: got {got} values.")
    sheet.validations = [v for v in sheet.validations if v["range"] != rng]
    if rule is not None:
        sheet.validations.append({"range": rng, "rule": rule})


def add_protected_range(book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    """Echoed as Google does: proto3 JSON drops zero and false fields (range.sheetId 0, warningOnly false) and a null
    description; a protection that is not warning-only lists its editors, the requester among them."""
    pr = {k: v for k, v in args.get("protectedRange", {}).items() if v is not None and v is not False}
    sheet, _ = _grid(book, pr.get("range", {}))
    pr["range"] = {k: v for k, v in pr.get("range", {}).items() if v != 0}
    if not pr.get("warningOnly"):
        users = set(pr.get("editors", {}).get("users", [])) | {book.requester}
        pr["editors"] = {**pr.get("editors", {}), "users": sorted(users)}
    book.next_protected_id += 1
    pr.update(protectedRangeId=book.next_protected_id, requestingUserCanEdit=True)
    sheet.protected.append(pr)
    return {"addProtectedRange": {"protectedRange": pr}}


def delete_protected_range(book: Spreadsheet, args: dict[str, Any]) -> None:
    for sheet in book.sheets:
        before = len(sheet.protected)
        sheet.protected = [p for p in sheet.protected if p["protectedRangeId"] != args.get("protectedRangeId")]
        if len(sheet.protected) != before:
            return
    raise ApiError(400, f"No protected range with id: {args.get('protectedRangeId')}")


def _extended(value: dict[str, Any] | None) -> Cell:
    """ExtendedValue -> cell; stringValue is never parsed (a typed "=1+1" stays text)."""
    if not value:
        return None
    if "stringValue" in value:
        return value["stringValue"] or None
    if "numberValue" in value:
        return value["numberValue"]
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "formulaValue" in value:
        return Formula(value["formulaValue"])
    raise ApiError(400, f"Unsupported ExtendedValue: {sorted(value)}")


def _put(sheet: Sheet, r: int, c: int, data: dict[str, Any], top: set[str]) -> None:
    if "*" in top or "userEnteredValue" in top:
        sheet.set(r, c, _extended(data.get("userEnteredValue")))
    if "*" in top or "note" in top:
        if data.get("note"):
            sheet.notes[f"{r},{c}"] = data["note"]
        else:
            sheet.notes.pop(f"{r},{c}", None)


def update_cells(book: Spreadsheet, args: dict[str, Any]) -> None:
    top = {p.split(".")[0] for p in paths(parse_mask(args.get("fields", "")))}
    if not top:
        raise ApiError(400, "At least one field must be updated, but none were specified.")
    rows = args.get("rows", [])
    if "range" in args:
        sheet, rect = _grid(book, args["range"])
    else:
        start = args.get("start", {})
        sheet = _sheet(book, start.get("sheetId"))
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        rect = Rect(r0, c0, r0 + len(rows), c0 + max((len(r.get("values", [])) for r in rows), default=0))
        if rect.row1 > sheet.rows or rect.col1 > sheet.cols:  # type: ignore[operator]
            raise grid_limits(echo(sheet.title, rect), sheet.rows, sheet.cols)
    assert rect.row1 is not None and rect.col1 is not None
    for i in range(rect.row0, rect.row1):
        row = rows[i - rect.row0].get("values", []) if i - rect.row0 < len(rows) else []
        for j in range(rect.col0, rect.col1):
            if i - rect.row0 < len(rows) or "range" in args:
                data = row[j - rect.col0] if j - rect.col0 < len(row) else {}
                _put(sheet, i, j, data, top)


def repeat_cell(book: Spreadsheet, args: dict[str, Any]) -> None:
    sheet, rect = _grid(book, args.get("range", {}))
    top = {p.split(".")[0] for p in paths(parse_mask(args.get("fields", "")))}
    if "userEnteredValue" in top or "note" in top:
        assert rect.row1 is not None and rect.col1 is not None
        for i in range(rect.row0, rect.row1):
            for j in range(rect.col0, rect.col1):
                _put(sheet, i, j, args.get("cell", {}), top & {"userEnteredValue", "note"})
    sheet.formats = [f for f in sheet.formats if f["range"] != args.get("range")]
    sheet.formats.append({"range": args.get("range", {}), "cell": args.get("cell", {}),
                          "fields": args.get("fields", "")})


def update_spreadsheet_properties(book: Spreadsheet, args: dict[str, Any]) -> None:
    props = args.get("properties", {})
    for path in paths(parse_mask(args.get("fields", ""))):
        if path in ("title", "locale", "timeZone"):
            setattr(book, {"timeZone": "time_zone"}.get(path, path), props.get(path, ""))


def _sort_key(cell: Cell, descending: bool) -> tuple[int, Any]:
    """Blanks sort last either way (as in Google's UI and API); numbers before text, text case-insensitively."""
    if cell is None or cell == "":
        return (2, 0)
    value = cell.text if isinstance(cell, Formula) else cell.value if isinstance(cell, Shown) else cell
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, -value if descending else value)
    text = str(value).casefold()
    return (1, _Reversed(text) if descending else text)


class _Reversed:
    def __init__(self, text: str) -> None:
        self.text = text

    def __lt__(self, other: _Reversed) -> bool:
        return self.text > other.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.text == other.text


def sort_range(book: Spreadsheet, args: dict[str, Any]) -> None:
    """What a person does with «Сортировать диапазон»: rows of the range reordered by the sort specs, stably."""
    sheet, rect = _grid(book, args.get("range", {}))
    assert rect.row1 is not None and rect.col1 is not None
    block = [[sheet.get(i, j) for j in range(rect.col0, rect.col1)] for i in range(rect.row0, rect.row1)]
    for spec in reversed(args.get("sortSpecs") or [{"dimensionIndex": rect.col0}]):
        col = int(spec.get("dimensionIndex", 0)) - rect.col0
        if not 0 <= col < rect.col1 - rect.col0:
            raise ApiError(400, f"Invalid sortSpec: dimensionIndex {spec.get('dimensionIndex')} is outside the range")
        descending = spec.get("sortOrder") == "DESCENDING"
        block.sort(key=lambda row, c=col, d=descending: _sort_key(row[c], d))  # type: ignore[misc]
    for i, row in enumerate(block):
        for j, value in enumerate(row):
            sheet.set(rect.row0 + i, rect.col0 + j, value)


def set_basic_filter(book: Spreadsheet, args: dict[str, Any]) -> None:
    flt = args.get("filter", {})
    sheet, _ = _grid(book, flt.get("range", {}))
    sheet.basic_filter = flt  # kept and echoed; like Google, it hides rows from people, not from the API


def clear_basic_filter(book: Spreadsheet, args: dict[str, Any]) -> None:
    _sheet(book, args.get("sheetId")).basic_filter = None


def add_filter_view(book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
    view = dict(args.get("filter", {}))
    sheet, _ = _grid(book, view.get("range", {}))
    book.next_protected_id += 1
    view["filterViewId"] = book.next_protected_id
    sheet.filter_views.append(view)
    return {"addFilterView": {"filter": view}}


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet, "deleteSheet": delete_sheet, "updateSheetProperties": update_sheet_properties,
    "deleteDimension": delete_dimension, "insertDimension": insert_dimension, "appendDimension": append_dimension,
    "updateDimensionProperties": update_dimension_properties, "setDataValidation": set_data_validation,
    "addProtectedRange": add_protected_range, "deleteProtectedRange": delete_protected_range,
    "updateCells": update_cells, "repeatCell": repeat_cell,
    "updateSpreadsheetProperties": update_spreadsheet_properties, "sortRange": sort_range,
    "setBasicFilter": set_basic_filter, "clearBasicFilter": clear_basic_filter, "addFilterView": add_filter_view,
}


def batch_update(book: Spreadsheet, body: dict[str, Any], limit: int) -> dict[str, Any]:
    backup = ([s.clone() for s in book.sheets], book.next_protected_id, book.title)
    replies: list[dict[str, Any]] = []
    try:
        for i, req in enumerate(body.get("requests") or []):
            if not isinstance(req, dict) or len(req) != 1:
                raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request must be set.")
            kind, args = next(iter(req.items()))
            handler = HANDLERS.get(kind)
            if handler is None:
                raise ApiError(400, f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': "
                                    f"Cannot find field.")
            try:
                replies.append(handler(book, args or {}) or {})
            except ApiError as exc:
                raise ApiError(exc.code, f"Invalid requests[{i}].{kind}: {exc.message}") from None
        if book.total_cells() > limit:
            raise cell_limit(limit)
    except ApiError:
        book.sheets, book.next_protected_id, book.title = backup
        raise
    answer: dict[str, Any] = {"spreadsheetId": book.key, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        answer["updatedSpreadsheet"] = book.metadata()
    return answer
