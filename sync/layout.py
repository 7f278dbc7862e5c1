"""Schema declaration -> store layout (headers, dropdowns, number ranges, widths). Derived, never retyped."""

from __future__ import annotations

from sheets_schema import Registry, Sheet
from sheets_schema.fields import Choice, Date, LongText, Number, RowId, Scores
from sync.store import SheetLayout


def layout_of(sheet: Sheet) -> SheetLayout:
    choices, ranges, widths, notes = {}, {}, {}, {}
    for f in sheet.fields:
        if isinstance(f.type, Choice):
            choices[f.header] = f.type.options
        if isinstance(f.type, Number):
            ranges[f.header] = (f.type.min_value, f.type.max_value)
        if isinstance(f.type, RowId):
            widths[f.header] = 90
        elif isinstance(f.type, LongText):
            widths[f.header] = 320
        elif isinstance(f.type, Scores):
            widths[f.header] = 220
        elif isinstance(f.type, (Number, Date)):
            widths[f.header] = 110
        else:
            widths[f.header] = max(120, min(260, 9 * len(f.header)))
        if f.help:
            notes[f.header] = f.help
    return SheetLayout(sheet.title, sheet.headers, choices, ranges, widths, notes)


def layouts_of(schema: Registry) -> list[SheetLayout]:
    return [layout_of(s) for s in schema]
