"""The fake's workbook model: spreadsheets of grid sheets holding typed cells, and how Google stores and renders them.

A cell is None (empty), str, int/float, bool, a Formula or a Shown number (typed with a format: 2,000,000.01, 50%, a
date). RAW input is stored as sent; USER_ENTERED input is parsed per the spreadsheet's locale (typed.py).
"""

from __future__ import annotations

import ast
import json
import operator
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_ROWS, DEFAULT_COLS = 1000, 26
CELL_LIMIT = 10_000_000


@dataclass(frozen=True)
class Formula:
    text: str  # including the leading "="


@dataclass(frozen=True)
class Shown:
    """A number with the format Google gave it from what was typed: kind "grouped" or "percent" (pattern = number of
    decimals) or "date" (value = serial day number, pattern = how it is shown). See typed.py."""

    value: int | float
    kind: str
    pattern: str


Cell = str | int | float | bool | Formula | Shown | None

def parse_raw(value: Any) -> Cell:
    """RAW input: stored as sent (strings stay strings, "=1+1" included); "" and null clear."""
    if value is None or value == "":
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


_OPS: dict[type, Any] = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
                         ast.Div: operator.truediv, ast.Pow: operator.pow, ast.USub: operator.neg,
                         ast.UAdd: operator.pos}


def evaluate(formula: Formula) -> int | float | str:
    """Trivial arithmetic only ("=1+1" -> 2); anything else renders as Google's #NAME? (documented limitation)."""

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))  # type: ignore[no-any-return]
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.operand))  # type: ignore[no-any-return]
        raise ValueError(node)

    try:
        result = ev(ast.parse(formula.text[1:].strip().replace("^", "**"), mode="eval").body)  # "= 1 / 1024" too
    except ZeroDivisionError:
        return "#DIV/0!"
    except (SyntaxError, ValueError, TypeError, OverflowError):
        return "#NAME?"
    return int(result) if isinstance(result, float) and result.is_integer() and abs(result) < 1e15 else result


@dataclass
class Sheet:
    sheet_id: int
    title: str
    rows: int = DEFAULT_ROWS
    cols: int = DEFAULT_COLS
    frozen_rows: int = 0
    frozen_cols: int = 0
    hidden: bool = False
    cells: list[list[Cell]] = field(default_factory=list)  # ragged; only as far as something was written
    validations: list[dict[str, Any]] = field(default_factory=list)
    protected: list[dict[str, Any]] = field(default_factory=list)
    formats: list[dict[str, Any]] = field(default_factory=list)
    widths: dict[int, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # "row,col" -> note
    basic_filter: dict[str, Any] | None = None
    filter_views: list[dict[str, Any]] = field(default_factory=list)

    def clone(self) -> Sheet:
        return Sheet(self.sheet_id, self.title, self.rows, self.cols, self.frozen_rows, self.frozen_cols,
                     self.hidden, [list(r) for r in self.cells], json.loads(json.dumps(self.validations)),
                     json.loads(json.dumps(self.protected)), json.loads(json.dumps(self.formats)),
                     dict(self.widths), dict(self.notes), json.loads(json.dumps(self.basic_filter)),
                     json.loads(json.dumps(self.filter_views)))

    def get(self, r: int, c: int) -> Cell:
        if r < len(self.cells) and c < len(self.cells[r]):
            return self.cells[r][c]
        return None

    def set(self, r: int, c: int, value: Cell) -> None:
        if value is None and (r >= len(self.cells) or c >= len(self.cells[r])):
            return
        while len(self.cells) <= r:
            self.cells.append([])
        row = self.cells[r]
        if len(row) <= c:
            row.extend([None] * (c + 1 - len(row)))
        row[c] = value

    def properties(self, index: int) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.rows, "columnCount": self.cols}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        props: dict[str, Any] = {"sheetId": self.sheet_id, "title": self.title, "index": index,
                                 "sheetType": "GRID", "gridProperties": grid}
        if self.hidden:
            props["hidden"] = True
        return props


@dataclass
class Spreadsheet:
    key: str
    title: str = "Новая таблица"
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"
    sheets: list[Sheet] = field(default_factory=list)
    next_protected_id: int = 1_000_000
    shared_with: set[str] | None = None  # None: anyone may open it; else only these accounts (others get 403)
    requester: str = "owner@example.com"  # who sends the request being answered (fills protected-range editors)

    def by_title(self, title: str) -> Sheet | None:
        for s in self.sheets:
            if s.title == title:
                return s
        return None

    def by_id(self, sheet_id: int) -> Sheet | None:
        for s in self.sheets:
            if s.sheet_id == sheet_id:
                return s
        return None

    def total_cells(self) -> int:
        return sum(s.rows * s.cols for s in self.sheets)

    def metadata(self) -> dict[str, Any]:
        sheets = []
        for i, s in enumerate(self.sheets):
            entry: dict[str, Any] = {"properties": s.properties(i)}
            if s.protected:
                entry["protectedRanges"] = s.protected
            if s.basic_filter:
                entry["basicFilter"] = s.basic_filter
            if s.filter_views:
                entry["filterViews"] = s.filter_views
            sheets.append(entry)
        return {
            "spreadsheetId": self.key,
            "properties": {"title": self.title, "locale": self.locale, "autoRecalc": "ON_CHANGE",
                           "timeZone": self.time_zone},
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.key}/edit",
        }


# -- persistence ---------------------------------------------------------------------------------------------------
def _cell_to_json(c: Cell) -> Any:
    if isinstance(c, Shown):
        return {"n": c.value, "k": c.kind, "p": c.pattern}
    return {"f": c.text} if isinstance(c, Formula) else c


def _cell_from_json(v: Any) -> Cell:
    if isinstance(v, dict):
        return Formula(v["f"]) if "f" in v else Shown(v["n"], v["k"], v["p"])
    return v


def dump_state(books: dict[str, Spreadsheet], path: Path) -> None:
    """Atomic write (temp file + rename) so a killed server never leaves half a state file."""
    data = {}
    for key, book in books.items():
        sheets = []
        for s in book.sheets:
            sheets.append({**{k: v for k, v in vars(s).items() if k not in ("cells", "widths")},
                           "widths": {str(k): v for k, v in s.widths.items()},
                           "cells": [[_cell_to_json(c) for c in row] for row in s.cells]})
        data[key] = {"title": book.title, "locale": book.locale, "time_zone": book.time_zone,
                     "next_protected_id": book.next_protected_id, "sheets": sheets}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    os.replace(tmp, path)


def load_state(path: Path) -> dict[str, Spreadsheet]:
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    books = {}
    for key, b in raw.items():
        sheets = []
        for s in b["sheets"]:
            cells = [[_cell_from_json(c) for c in row] for row in s.pop("cells")]
            widths = {int(k): v for k, v in s.pop("widths").items()}
            sheets.append(Sheet(**s, cells=cells, widths=widths))
        books[key] = Spreadsheet(key, b["title"], b["locale"], b["time_zone"], sheets, b["next_protected_id"])
    return books
