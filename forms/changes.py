"""What a form, the grid or an import wants written: rows of cell texts, never store calls.

The app page turns each `RowChange` into a write command; `expected` carries the exact old cell texts of the
fields an update changes, so the write path can detect that someone else edited the same cells meanwhile.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sheets_schema import Sheet
from sheets_schema import choices as C
from sheets_schema.fields import DATE_FORMAT, Field, FieldType

Op = Literal["append", "update", "delete"]


@dataclass(frozen=True)
class RowChange:
    op: Op
    sheet: str  # sheet key
    row_id: str
    values: dict[str, str]  # field key -> new cell text (append: the whole row; delete: empty)
    expected: dict[str, str] = field(default_factory=dict)  # update: field key -> the old cell text


def cell_text(value: Any) -> str:
    """A spreadsheet or typed value -> the cell text we write: whole numbers without «.0», decimals with a dot (no
    comma warning), dates as ДД.ММ.ГГГГ, TRUE/FALSE as да/нет."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return C.YES if value else C.NO
    if isinstance(value, (int, float)):
        f = float(value)
        return str(int(f)) if f.is_integer() else format(f, ".12g")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime(DATE_FORMAT)
    return str(value).strip()


@functools.lru_cache(maxsize=8192)
def parse_cell(ftype: FieldType, text: str) -> tuple[Any, str | None, str | None]:
    """`FieldType.parse_one`, remembered: it runs pandas per call (~ms), and a grid re-reads the same few texts."""
    return ftype.parse_one(text)


def same_cell(f: Field, old: str, new: str) -> bool:
    """True when two cell texts mean the same value («4,5» and «4.5», «Да» and «да»)."""
    a, b = (old or "").strip(), (new or "").strip()
    if a == b:
        return True
    if not a or not b:
        return False
    va, ea, _ = parse_cell(f.type, a)
    vb, eb, _ = parse_cell(f.type, b)
    return ea is None and eb is None and va is not None and bool(va == vb)


def changed_fields(sheet: Sheet, old: Mapping[str, str], new: Mapping[str, str]) -> dict[str, str]:
    """The fields of `new` whose value differs from `old` (the id never changes)."""
    return {k: (v or "").strip() for k, v in new.items()
            if k != "id" and not same_cell(sheet.field(k), old.get(k, ""), v)}


def edit_change(sheet: Sheet, row_id: str, old: Mapping[str, str], new: Mapping[str, str]) -> RowChange | None:
    """An update of the changed fields only, with their old texts as `expected`; None when nothing changed."""
    values = changed_fields(sheet, old, new)
    if not values:
        return None
    return RowChange("update", sheet.key, row_id, values, {k: old.get(k, "") for k in values})
