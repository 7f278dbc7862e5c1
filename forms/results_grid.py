"""The results grid on a page: AG Grid cells typed like a spreadsheet, a pasted block, one batch on save.

The logic lives in `forms.grid`; this module only shows it. Totals and marks are recomputed on the server after
every edit (one source of truth with the import and the sheet check) and patched into the row that changed — the
grid is never rebuilt, so focus, the cell being edited and the scroll position stay. Unsaved rows are kept as a
draft (`forms.grid_draft`) and leaving the page with them asks first (`forms.leave_guard`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from nicegui import events, ui

from sheets_schema import ERROR, SCHEMA
from sheets_schema.fields import fmt_number
from sheets_schema.rows import check_rows

from . import grid as g
from .changes import RowChange
from .entry_form import Frames, SaveResult, problem_lines, resolve
from .grid_draft import DraftBox, apply_draft, draft_of
from .ids import new_row_id
from .leave_guard import LeaveGuard

_BAD = "(p) => !!(p.data && p.data._bad && p.data._bad[p.colDef.field])"
_TIP = "(p) => (p.data && p.data._bad && p.data._bad[p.colDef.field]) || undefined"
_CSS = ".edumon-bad-cell { background-color: #ffcdd2 !important; outline: 1px solid #e53935; }"
# Paste a block copied from Excel / Google Sheets straight into the grid (AG Grid Community has no clipboard
# module): the text and the focused cell go to the server, which applies it with forms.grid.apply_paste.
_ON_READY = """(params) => {
  const el = getElement(__ID__);
  el.$el.addEventListener('paste', (e) => {
    if (params.api.getEditingCells().length) return;
    const text = (e.clipboardData || window.clipboardData).getData('text/plain');
    if (!text) return;
    e.preventDefault();
    const cell = params.api.getFocusedCell();
    const node = cell ? params.api.getDisplayedRowAtIndex(cell.rowIndex) : null;
    el.$emit('pasteBlock', {text: text, rowId: node ? node.id : null, colId: cell ? cell.column.getColId() : null});
  });
  // ↑ and ↓ while a value is being typed keep it and move up or down, as in a spreadsheet (AG Grid's editor keeps
  // those keys to itself); ← and → still move the caret inside the cell being edited
  el.$el.addEventListener('keydown', (e) => {
    if ((e.key !== 'ArrowUp' && e.key !== 'ArrowDown') || e.altKey || e.ctrlKey || e.metaKey) return;
    const [editing] = params.api.getEditingCells();
    if (!editing) return;
    e.preventDefault();
    e.stopPropagation();
    const next = editing.rowIndex + (e.key === 'ArrowDown' ? 1 : -1);
    params.api.stopEditing();
    if (next >= 0 && next < params.api.getDisplayedRowCount()) params.api.setFocusedCell(next, editing.column);
  }, true);
}"""
# The server's recomputed total, mark and bad-cell messages laid over rows in the browser: only those fields, so a
# value typed meanwhile in another cell of the row is not overwritten by the server's older copy.
_PATCH = """(() => {
  const api = getElement(__ID__)?.api;
  if (!api) return;
  for (const [id, patch] of Object.entries(__PATCH__)) {
    const node = api.getRowNode(id);
    if (node) node.setData({...node.data, ...patch});
  }
})()"""
_DERIVED = ("total", "mark", "_bad")
GRID_LEAVE_QUESTION = ("В таблице есть несохранённые баллы. Они остаются черновиком и восстановятся, когда вы снова "
                       "откроете эту работу и класс. Уйти со страницы?")


class ResultsGrid(ui.column):
    """Students of one class × tasks of one work. `on_save(changes)` is the page's write; it returns problems."""

    def __init__(self, spec: g.WorkSpec, students: Sequence[tuple[str, str]],
                 existing: Mapping[str, Mapping[str, str]], *, frames: Callable[[], Frames],
                 on_save: Callable[[list[RowChange]], SaveResult],
                 new_id: Callable[[], str] = lambda: new_row_id("results"), drafts: DraftBox | None = None) -> None:
        super().__init__()
        self.classes("w-full gap-2").mark("results-grid")
        self.spec, self.frames, self.on_save, self.new_id = spec, frames, on_save, new_id
        self.students, self.drafts = list(students), drafts
        self.existing = {sid: dict(raw) for sid, raw in existing.items()}
        self.rows = g.build_rows(spec, students, existing)
        self.guard = LeaveGuard("grid", GRID_LEAVE_QUESTION)
        draft = drafts.load() if drafts is not None else None
        restored = apply_draft(spec, self.rows, self.existing, draft) if draft else None
        ui.add_css(_CSS)
        with self:
            with ui.row().classes("w-full items-center gap-2 bg-amber-1 q-pa-sm rounded-borders").mark(
                    "grid-draft") as self.draft_box:
                ui.icon("history").classes("text-amber-9")
                self.draft_note = ui.label(restored.notice() if restored else "").classes("text-body2")
                ui.button("Отбросить черновик", icon="delete_sweep", on_click=self.discard_draft).props(
                    "flat dense color=negative").mark("grid-draft-discard")
            self.draft_box.visible = bool(restored and (restored.rows or restored.unfit))
            with ui.row().classes("items-center gap-2"):
                ui.button("Вставить из таблицы", icon="content_paste", on_click=self.open_paste).props(
                    "outline").mark("paste-open")
                ui.button("Сохранить", icon="save", on_click=self.save).mark("grid-save")
                self.status = ui.label("").classes("text-body2").mark("grid-status")
            self.aggrid = ui.aggrid(self._options(), auto_size_columns=False).classes("w-full").style(
                f"height: {min(90 + 42 * len(self.rows), 720)}px").mark("results-aggrid")
            self.aggrid.options[":onGridReady"] = _ON_READY.replace("__ID__", str(self.aggrid.id))
            # arm the leave question in the browser at once: the server's answer may come after a closed tab
            self.aggrid.options[":onCellValueChanged"] = f"() => {{ {self.guard.arm_script()}; }}"
            self.aggrid.on("cellValueChanged", self._on_cell)
            self.aggrid.on("pasteBlock", self._on_paste_event)
            self.messages = ui.column().classes("gap-0").mark("grid-messages")
        self._paste_dialog()
        self._show_messages()
        self.guard.set(bool(g.changed_rows(spec, self.rows, self.existing)))

    # -- grid ----------------------------------------------------------------------------------------------------
    def _options(self) -> dict[str, Any]:
        spec = self.spec
        bad = {"cellClassRules": {":edumon-bad-cell": _BAD}, ":tooltipValueGetter": _TIP}
        cols: list[dict[str, Any]] = [
            {"field": "student", "headerName": "Обучающийся", "pinned": "left", "width": 230},
            {"field": g.ABSENT_COL, "headerName": "Не писал", "cellDataType": "boolean", "editable": True,
             "width": 100, **bad},
        ]
        for i, t in enumerate(spec.tasks):
            tip = f"Задание {t.number}: {t.element}" + (f" ({t.level})" if t.level else "")
            cols.append({"field": g.task_col(i), "headerName": f"{t.number} (макс. {fmt_number(t.max_score)})",
                         "headerTooltip": tip, "editable": True, "cellDataType": "text", "width": 110, **bad})
        cols += [{"field": "total", "headerName": f"Сумма (из {fmt_number(spec.max_score)})", "width": 120,
                  "pinned": "right"},
                 {"field": "mark", "headerName": "Отметка", "width": 100, "pinned": "right"}]
        # spreadsheet keys: typing replaces the cell, Enter goes down (also right after an edit), Tab right,
        # arrows move (↑ ↓ also out of an edit); a click only selects (a double click or F2 edits in place)
        return {"columnDefs": cols, "rowData": self.records(), ":getRowId": "(p) => p.data.student_id",
                "defaultColDef": {"sortable": False, "resizable": True, "suppressMovable": True},
                "enterNavigatesVertically": True, "enterNavigatesVerticallyAfterEdit": True,
                "stopEditingWhenCellsLoseFocus": True, "undoRedoCellEditing": True, "tooltipShowDelay": 200}

    def records(self) -> list[dict[str, Any]]:
        return [g.to_record(self.spec, r) for r in self.rows]

    def _push(self, rows: Sequence[g.GridRow], whole: bool = False) -> None:
        """Send recomputed rows to the browser without rebuilding the grid (focus, editing and scroll stay): only
        the derived cells after a typed edit, whole rows after a paste or a discarded draft."""
        records = [g.to_record(self.spec, r) for r in rows]
        with self.aggrid.props.suspend_updates():  # the server's copy stays current; an update would rebuild
            self.aggrid.options["rowData"] = self.records()
        if whole:
            self.aggrid.run_grid_method("applyTransaction", {"update": records})
        else:
            patch = {r["student_id"]: {k: r[k] for k in _DERIVED} for r in records}
            ui.run_javascript(_PATCH.replace("__ID__", str(self.aggrid.id)).replace("__PATCH__", json.dumps(patch)))
        self._show_messages()
        self._keep_draft()

    def _keep_draft(self) -> None:
        """Keep the unsaved rows as the draft (or drop it when nothing is unsaved) and arm the leave question."""
        draft = draft_of(self.spec, self.rows, self.existing)
        if self.drafts is not None:
            if draft is None:
                self.drafts.clear()
            else:
                self.drafts.save(draft)
        self.guard.set(draft is not None)

    @property
    def dirty(self) -> bool:
        return self.guard.dirty

    def discard_draft(self) -> None:
        """Back to the saved results: the draft and the unsaved cells go."""
        self.rows = g.build_rows(self.spec, self.students, self.existing)
        self.draft_box.visible = False
        self._push(self.rows, whole=True)
        self.status.text = "Черновик отброшен"

    def row_of(self, student_id: str) -> g.GridRow | None:
        return next((r for r in self.rows if r.student_id == student_id), None)

    def set_cell(self, student_id: str, col: str, value: Any) -> None:
        """One edited cell (what AG Grid reports after an edit; tests call it too)."""
        row = self.row_of(student_id)
        if row is not None:
            g.set_cell(row, col, value)
            self._push([row])

    def _on_cell(self, e: events.GenericEventArguments) -> None:
        self.guard.armed_in_browser()
        args = e.args or {}
        self.set_cell(str(args.get("rowId") or (args.get("data") or {}).get("student_id")), str(args.get("colId")),
                      args.get("newValue"))

    # -- paste ---------------------------------------------------------------------------------------------------
    def paste(self, text: str, start_row: int = 0, start_col: str | None = None) -> g.PasteReport:
        report = g.apply_paste(self.spec, self.rows, g.parse_tsv(text), start_row, start_col)
        self._push(self.rows, whole=True)
        note = f"Вставлено ячеек: {report.cells}"
        self.status.text = note + (". " + "; ".join(report.messages) if report.messages else "")
        return report

    def _on_paste_event(self, e: events.GenericEventArguments) -> None:
        args = e.args or {}
        index = next((i for i, r in enumerate(self.rows) if r.student_id == args.get("rowId")), 0)
        col = args.get("colId")
        self.paste(str(args.get("text") or ""), index, col if col in self.spec.editable_cols else None)

    def _paste_dialog(self) -> None:
        with ui.dialog() as self.dialog, ui.card().classes("w-[720px] max-w-full"):
            ui.label("Вставить из таблицы").classes("text-h6")
            ui.label("Скопируйте блок ячеек в Excel или Google Таблицах (Ctrl+C) и вставьте сюда (Ctrl+V). Если в "
                     "первом столбце фамилии, строки найдутся по ним; «н» в ячейке балла значит «не писал».")
            self.paste_text = ui.textarea("Ячейки через табуляцию").classes("w-full").props(
                "outlined input-style='font-family: monospace'").mark("paste-text")
            with ui.row().classes("w-full gap-4"):
                self.paste_row = ui.select({i: r.student for i, r in enumerate(self.rows)}, value=0,
                                           label="С какого обучающегося").classes("grow").mark("paste-row")
                self.paste_col = ui.select({c: self.spec.col_title(c) for c in self.spec.editable_cols},
                                           value=self.spec.editable_cols[min(1, len(self.spec.editable_cols) - 1)],
                                           label="С какого столбца").classes("w-48").mark("paste-col")
            with ui.row().classes("w-full justify-end"):
                ui.button("Отмена", on_click=self.dialog.close).props("flat")
                ui.button("Вставить", on_click=self._paste_from_dialog).mark("paste-apply")

    def open_paste(self) -> None:
        self.paste_text.value = ""
        self.dialog.open()

    def _paste_from_dialog(self) -> None:
        self.paste(self.paste_text.value or "", int(self.paste_row.value or 0), self.paste_col.value)
        self.dialog.close()

    # -- messages and save ---------------------------------------------------------------------------------------
    def _show_messages(self, extra: Sequence[str] = ()) -> None:
        self.messages.clear()
        with self.messages:
            for line in [*g.grid_messages(self.spec, self.rows), *extra]:
                ui.label(line).classes("text-negative")

    async def save(self) -> bool:
        """Check every cell and every result row, then hand ONE batch of changes to the page."""
        if g.grid_messages(self.spec, self.rows):
            self._show_messages()
            self.status.text = "Исправьте выделенные ячейки — ничего не сохранено"
            return False
        changes, sources = g.plan_results(self.spec, self.rows, self.existing, self.new_id)
        if not changes:
            self.status.text = "Изменений нет"
            return True
        candidates = [c.values if c.op == "append" else {**self.existing[s.student_id], **c.values}
                      for c, s in zip(changes, sources, strict=True)]
        replacing = [c.row_id for c in changes if c.op == "update"]
        problems = check_rows(SCHEMA, "results", candidates, self.frames(), replacing=replacing)
        problems = [p for p in problems if p.severity == ERROR] or await resolve(self.on_save(changes))
        if problems:
            fields = {f.key: f for f in SCHEMA["results"].fields}
            self._show_messages([problem_lines(fields, [p], f"{sources[p.index].student}: ")[0]
                                 if p.index < len(sources) else p.message for p in problems])
            self.status.text = "Не сохранено — см. сообщения под таблицей"
            return False
        for c, s in zip(changes, sources, strict=True):
            self.existing.setdefault(s.student_id, {"id": c.row_id}).update(c.values)
        added = sum(c.op == "append" for c in changes)
        self.status.text = f"Сохранено: добавлено {added}, изменено {len(changes) - added}"
        self.draft_box.visible = False
        self._show_messages()
        self._keep_draft()
        return True
