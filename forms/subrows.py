"""Child rows edited together with their parent on one page (the tasks of a monitoring work).

Each child is a line of compact widgets built by the same registry as a form. Checks that span the children
(numbers repeat, maxima do not add up to the work's maximum) are here, worded with the schema's labels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from nicegui import ui
from nicegui.elements.mixins.validation_element import ValidationElement

from sheets_schema import ERROR, Registry
from sheets_schema.fields import fmt_number
from sheets_schema.rows import RowProblem

from .entry_form import field_message, problem_lines
from .ids import new_row_id
from .leave_guard import LeaveGuard
from .widgets import WidgetContext, build_widget, widget_text


@dataclass
class _Line:
    row_id: str
    initial: dict[str, str]
    widgets: dict[str, ValidationElement] = field(default_factory=dict)
    box: ui.row | None = None
    clean: dict[str, str] = field(default_factory=dict)  # the widgets' texts when opened or last saved

    def texts(self) -> dict[str, str]:
        return {k: widget_text(el) for k, el in self.widgets.items()}


def numbering_problems(rows: Sequence[Mapping[str, str]], number_key: str, header: str) -> list[RowProblem]:
    """A number used twice among the children (task numbers decide the order of scores in a result)."""
    seen: dict[str, int] = {}
    out = []
    for i, r in enumerate(rows):
        n = (r.get(number_key) or "").strip()
        if n and n in seen:
            out.append(RowProblem(i, number_key, f"«{header}» {n} уже есть в строке {seen[n] + 1}"))
        seen.setdefault(n, i)
    return out


def maxima_problem(work_max: str, task_maxima: Sequence[str], work_label: str, task_label: str) -> str | None:
    """A warning when the tasks' maxima do not add up to the work's maximum score."""
    try:
        total = sum(float(m.replace(",", ".")) for m in task_maxima if m.strip())
        wmax = float(work_max.replace(",", "."))
    except ValueError:
        return None
    if not task_maxima or abs(total - wmax) < 1e-9:
        return None
    return f"Сумма «{task_label}» заданий ({fmt_number(total)}) не равна «{work_label}» работы ({fmt_number(wmax)})"


class RowsEditor:
    """Lines of child rows: add, remove (unless `locked`), read back as cell texts, show problems per line."""

    def __init__(self, schema: Registry, sheet_key: str, rows: Sequence[Mapping[str, str]], *, parent_key: str,
                 options: Callable[[str], Mapping[str, str]], locked_reason: str = "",
                 add_label: str = "Добавить строку", next_values: Callable[[int], dict[str, str]] | None = None
                 ) -> None:
        self.schema, self.sheet, self.parent_key = schema, schema[sheet_key], parent_key
        self.fields = [f for f in self.sheet.fields if f.key not in ("id", parent_key)]
        self.ctx = WidgetContext(options, dense=True)
        self.locked_reason = locked_reason
        self.next_values = next_values or (lambda n: {})
        self.lines: list[_Line] = []
        self.removed: list[str] = []
        self.existing = {r["id"] for r in rows if r.get("id")}
        self.guard = LeaveGuard(f"rows-{sheet_key}")
        with ui.column().classes("w-full gap-1").mark(f"rows-{sheet_key}") as self.box:
            pass
        for r in rows:
            self._add(dict(r))
        self.summary = ui.column().classes("gap-0").mark(f"rows-{sheet_key}-errors")
        ui.button(add_label, icon="add", on_click=lambda: self._add(self.next_values(len(self.lines)))).props(
            "flat").mark(f"rows-{sheet_key}-add")

    def changed(self) -> bool:
        """A line added, removed or edited since the page was opened or last saved."""
        return bool(self.removed) or any(ln.row_id not in self.existing or ln.texts() != ln.clean
                                         for ln in self.lines)

    def _add(self, values: dict[str, str]) -> None:
        line = _Line(values.get("id") or new_row_id(self.sheet.key), values)
        with self.box, ui.row().classes("w-full items-start gap-2 no-wrap") as line.box:
            i = len(self.lines)
            for f in self.fields:
                el = build_widget(f, values.get(f.key, ""), self.ctx).classes(
                    "grow" if f.type.widget in ("text", "textarea") else "w-32")
                el.mark(f"{self.sheet.key}-{i}-{f.key}").on("blur", lambda _, e=el, fl=f: setattr(
                    e, "error", field_message(fl, widget_text(e))[0]))
                el.on_value_change(lambda _: self.guard.set(self.changed()))
                line.widgets[f.key] = el
            ui.button(icon="delete", on_click=lambda _, ln=line: self._remove(ln)).props(
                "flat round dense").tooltip("Удалить строку")
        line.clean = line.texts()
        self.lines.append(line)
        self.guard.set(self.changed())

    def _remove(self, line: _Line) -> None:
        if self.locked_reason and line.row_id in self.existing:
            ui.notify(self.locked_reason, type="warning")
            return
        if line.row_id in self.existing:
            self.removed.append(line.row_id)
        if line.box is not None:
            line.box.delete()
        self.lines.remove(line)
        self.guard.set(self.changed())

    def rows(self, parent_id: str) -> list[dict[str, str]]:
        """Every line as a full row of cell texts, with its id and the parent's id."""
        return [{"id": ln.row_id, self.parent_key: parent_id, **{k: widget_text(el) for k, el in ln.widgets.items()}}
                for ln in self.lines]

    def saved(self, parent_id: str) -> None:
        """The lines are in the sheet now: a later save updates them instead of appending them again."""
        for ln, row in zip(self.lines, self.rows(parent_id), strict=True):
            ln.initial = row
            ln.clean = ln.texts()
            self.existing.add(ln.row_id)
        self.removed.clear()
        self.guard.set(False)

    def initial_of(self, index: int) -> dict[str, str]:
        return self.lines[index].initial

    def is_new(self, index: int) -> bool:
        return self.lines[index].row_id not in self.existing

    def show(self, problems: Sequence[RowProblem], extra: Sequence[str] = ()) -> None:
        """Errors under their widgets, and every message listed with the line it belongs to."""
        for i, ln in enumerate(self.lines):
            mine = {p.field: p.message for p in problems if p.index == i and p.severity == ERROR}
            for key, el in ln.widgets.items():
                el.error = mine.get(key)
        fields = {f.key: f for f in self.sheet.fields}
        self.summary.clear()
        with self.summary:
            for p in sorted(problems, key=lambda p: p.index):
                line = problem_lines(fields, [p], prefix=f"Строка {p.index + 1}: ")[0]
                ui.label(line).classes("text-negative" if p.severity == ERROR else "text-orange-9")
            for text in extra:
                ui.label(text).classes("text-orange-9")

