"""A form for one row of any worksheet, generated from its declaration.

Messages come from the schema: on blur the field type's own parser, on save `check_rows` against the cached
workbook, so a form says exactly what `edumon check` would say about the same cell. The form never writes: it
calls `on_save(row)` that the page supplies, and shows the problems the page returns (a rejected write command).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence

import pandas as pd
from nicegui import ui
from nicegui.elements.mixins.validation_element import ValidationElement

from sheets_schema import ERROR, Registry
from sheets_schema.fields import Field
from sheets_schema.rows import RowProblem, check_rows

from .changes import parse_cell
from .ids import new_row_id
from .leave_guard import LeaveGuard
from .widgets import WidgetContext, build_widget, widget_text

REQUIRED_MESSAGE = "Обязательное поле не заполнено"  # the words of sheets_schema.validation

Frames = Mapping[str, pd.DataFrame]
SaveResult = Sequence[RowProblem] | Awaitable[Sequence[RowProblem]]
SaveHandler = Callable[[dict[str, str]], SaveResult]


def field_message(f: Field, text: str) -> tuple[str | None, str | None]:
    """(error, warning) for one cell as typed, worded like the sheet check."""
    if not text.strip():
        return (REQUIRED_MESSAGE if f.required else None), None
    _, error, warning = parse_cell(f.type, text.strip())
    return error, warning


def problem_lines(fields: Mapping[str, Field], problems: Sequence[RowProblem], prefix: str = "") -> list[str]:
    """Problems as lines a person reads: «Фамилия: Обязательное поле не заполнено»."""
    out = []
    for p in problems:
        where = fields[p.field].header if p.field in fields else ""
        tail = f"{where}: {p.message}" if where else p.message
        out.append(prefix + (tail if p.severity == ERROR else f"{tail} (предупреждение)"))
    return out


async def resolve(result: SaveResult) -> list[RowProblem]:
    return list(await result) if inspect.isawaitable(result) else list(result)


class EntryForm:
    """Widgets for the fields of one sheet; `save()` checks the row and hands it to the page."""

    guard: LeaveGuard

    def __init__(self, schema: Registry, sheet_key: str, *, values: Mapping[str, str] | None = None,
                 options: Callable[[str], Mapping[str, str]], frames: Callable[[], Frames],
                 on_save: SaveHandler, replacing: Sequence[str] = (), fixed: Mapping[str, str] | None = None,
                 hidden: Collection[str] = (), columns: int = 2, save_label: str = "Сохранить") -> None:
        self.schema, self.sheet = schema, schema[sheet_key]
        self.initial = {k: (v or "") for k, v in (values or {}).items()}
        self.editing = bool(self.initial.get("id"))
        self.row_id = self.initial.get("id") or new_row_id(sheet_key)
        self.frames, self.on_save, self.replacing = frames, on_save, list(replacing)
        self.fixed = dict(fixed or {})
        self.fields = {f.key: f for f in self.sheet.fields}
        self.widgets: dict[str, ValidationElement] = {}
        ctx = WidgetContext(options)
        with ui.column().classes("w-full gap-2").mark(f"form-{sheet_key}"):
            with ui.grid(columns=columns).classes("w-full gap-x-6 gap-y-1"):
                for f in self.sheet.fields:
                    if f.key in self.fixed or f.key in hidden or (f.key == "id" and not self.editing):
                        continue
                    el = build_widget(f, self.row_id if f.key == "id" else self.initial.get(f.key, ""), ctx)
                    el.mark(f"field-{f.key}").on("blur", lambda _, k=f.key: self.check_field(k))
                    el.on_value_change(lambda _: self.guard.set(self.changed()))
                    self.widgets[f.key] = el
            self.summary = ui.column().classes("gap-0").mark("form-errors")
            if save_label:
                self.button = ui.button(save_label, on_click=self.save).mark("form-save")
        self.guard = LeaveGuard(f"form-{sheet_key}")
        self._clean = self.row()

    def changed(self) -> bool:
        """Something typed since the form was opened or last saved (leaving the page then asks first)."""
        return self.row() != self._clean

    def mark_saved(self) -> None:
        """What the form holds is saved now (the page's own save, when the form has no button)."""
        self._clean = self.row()
        self.guard.set(False)

    def row(self) -> dict[str, str]:
        """The row as cell texts, every field of the sheet (the id included)."""
        out: dict[str, str] = {}
        for f in self.sheet.fields:
            if f.key == "id":
                out[f.key] = self.row_id
            elif f.key in self.fixed:
                out[f.key] = self.fixed[f.key]
            elif f.key in self.widgets:
                out[f.key] = widget_text(self.widgets[f.key])
            else:
                out[f.key] = self.initial.get(f.key, "")
        return out

    def check_field(self, key: str) -> str | None:
        """Inline message of one widget (on blur): required, then the field type's parser."""
        el = self.widgets.get(key)
        if el is None:
            return None
        error, _ = field_message(self.fields[key], widget_text(el))
        el.error = error
        return error

    def check(self, frames: Frames | None = None) -> list[RowProblem]:
        """Every problem of the row, from the same rules that check the whole sheet."""
        return check_rows(self.schema, self.sheet.key, [self.row()], frames if frames is not None else self.frames(),
                          replacing=self.replacing or ([self.row_id] if self.editing else []))

    def show(self, problems: Sequence[RowProblem]) -> None:
        """Messages under their widgets and, all together, under the form."""
        by_field: dict[str, list[str]] = {}
        for p in problems:
            if p.severity == ERROR:
                by_field.setdefault(p.field, []).append(p.message)
        for key, el in self.widgets.items():
            el.error = "; ".join(by_field[key]) if key in by_field else None
        self.summary.clear()
        with self.summary:
            for line, p in zip(problem_lines(self.fields, problems), problems, strict=True):
                ui.label(line).classes("text-negative" if p.severity == ERROR else "text-orange-9")

    async def save(self) -> bool:
        """Check, then hand the row to the page; True when the page accepted it."""
        problems = self.check()
        if any(p.severity == ERROR for p in problems):
            self.show(problems)
            return False
        row = self.row()
        rejected = await resolve(self.on_save(row))
        self.show(rejected or problems)
        if any(p.severity == ERROR for p in rejected):
            return False
        self.initial, self.editing = row, True  # the row exists now: saving again is an edit of it
        self.mark_saved()
        return True
