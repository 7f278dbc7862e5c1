"""Field type → widget: one builder per widget name a field type declares (`FieldType.widget`).

Every widget edits the cell text, not a typed value, so the same parser (`FieldType.parse_one`) judges a form, a
grid and a hand-edited cell alike. A new field type with a new widget name needs one new builder here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from nicegui import ui
from nicegui.elements.mixins.validation_element import ValidationElement

from sheets_schema.base import SchemaError
from sheets_schema.fields import Field

REQUIRED_MARK = " *"


@dataclass(frozen=True)
class WidgetContext:
    """What a builder may need beyond the field: readable labels of referenced rows (id -> label)."""

    options: Callable[[str], Mapping[str, str]]  # referenced sheet key -> {id: label}
    dense: bool = False


Builder = Callable[[Field, str, WidgetContext], ValidationElement]
_BUILDERS: dict[str, Builder] = {}


def converts(*names: str) -> Callable[[Builder], Builder]:
    """Register a builder for widget names (the sqladmin `@converts` idea)."""

    def register(fn: Builder) -> Builder:
        for n in names:
            _BUILDERS[n] = fn
        return fn

    return register


def label_of(f: Field) -> str:
    return f.header + (REQUIRED_MARK if f.required else "")


def _decorate(el: ValidationElement, f: Field, ctx: WidgetContext) -> ValidationElement:
    if f.help:
        el.props["hint"] = f.help
        el.tooltip(f.help)
    if ctx.dense:
        el.props("dense")
    return el


@converts("text", "scores", "number")
def _text(f: Field, value: str, ctx: WidgetContext) -> ValidationElement:
    el = ui.input(label_of(f), value=value)
    if f.type.widget == "scores":
        el.props["placeholder"] = "1 0 2 2 1"
    if f.type.widget == "number":
        el.props["inputmode"] = "decimal"
    return el


@converts("readonly")
def _readonly(f: Field, value: str, ctx: WidgetContext) -> ValidationElement:
    return ui.input(label_of(f), value=value).props("readonly borderless")


@converts("textarea")
def _textarea(f: Field, value: str, ctx: WidgetContext) -> ValidationElement:
    return ui.textarea(label_of(f), value=value).props("autogrow")


@converts("date")
def _date(f: Field, value: str, ctx: WidgetContext) -> ValidationElement:
    el = ui.input(label_of(f), value=value)
    el.props["placeholder"] = "ДД.ММ.ГГГГ"
    with el:
        with ui.menu().props("no-parent-event") as menu:
            ui.date(mask="DD.MM.YYYY").bind_value(el).props("first-day-of-week=1")
        with el.add_slot("append"):
            ui.icon("edit_calendar").on("click", menu.open).classes("cursor-pointer")
    return el


def _select(f: Field, value: str, options: dict[str, str], with_input: bool) -> ValidationElement:
    if value and value not in options:
        options = {**options, value: value}  # keep an odd hand-typed value visible so its error can be shown
    el = ui.select(options, label=label_of(f), value=value or None, with_input=with_input,
                   clearable=not f.required)
    return el


@converts("select")
def _choice(f: Field, value: str, ctx: WidgetContext) -> ValidationElement:
    canon = {o.casefold(): o for o in f.choices}
    return _select(f, canon.get(value.strip().casefold(), value), {o: o for o in f.choices}, False)


@converts("mark")
def _mark(f: Field, value: str, ctx: WidgetContext) -> ValidationElement:
    return _select(f, value.strip(), {str(m): str(m) for m in (5, 4, 3, 2, 1)}, False)


@converts("ref")
def _ref(f: Field, value: str, ctx: WidgetContext) -> ValidationElement:
    options = dict(ctx.options(f.ref or ""))
    return _select(f, value.strip(), options, True)


def build_widget(f: Field, value: str, ctx: WidgetContext) -> ValidationElement:
    """The widget for one field, labelled with its Russian header, a «*» when required and its help text."""
    return _decorate(_BUILDERS[f.type.widget](f, value or "", ctx), f, ctx)


def widget_text(el: ValidationElement) -> str:
    """The cell text a widget holds."""
    value: Any = el.value
    return "" if value is None else str(value).strip()


def _check_every_field_has_a_widget() -> None:
    """At import: a field type whose widget has no builder is a declaration mistake, never a silent text input."""
    from sheets_schema.fields import FieldType

    def kinds(cls: type[FieldType]) -> set[type[FieldType]]:
        return {cls} | {k for sub in cls.__subclasses__() for k in kinds(sub)}

    missing = sorted({c.widget for c in kinds(FieldType) if c.widget not in _BUILDERS})
    if missing:
        raise SchemaError(f"no widget builder for widget types {missing}")


_check_every_field_has_a_widget()
