"""Data-quality page: every issue the validation found, grouped by worksheet, with its A1 cell."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from app.auth import page
from app.frame import frame
from app.state import ctx
from sheets_schema import ERROR

COLUMNS: list[dict[str, Any]] = [
    {"name": "cell", "label": "Ячейка", "field": "cell", "align": "left", "sortable": True},
    {"name": "column", "label": "Столбец", "field": "column", "align": "left"},
    {"name": "value", "label": "Значение", "field": "value", "align": "left"},
    {"name": "message", "label": "Что не так", "field": "message", "align": "left"},
    {"name": "severity", "label": "Важность", "field": "severity", "align": "left", "sortable": True},
]


def create() -> None:
    @page("/issues", "issues")
    def issues_page() -> None:
        with frame("Качество данных"):
            issues = ctx().cache.workbook.issues
            if not issues:
                ui.label("Проблем не найдено: все строки учитываются в аналитике.").mark("no-issues")
                return
            errors = sum(1 for i in issues if i.severity == ERROR)
            ui.label(f"Найдено {len(issues)}: ошибок {errors} (такие строки не учитываются в аналитике), "
                     f"предупреждений {len(issues) - errors}. Исправьте ячейки в таблице — данные обновятся "
                     "при следующем чтении.").classes("text-body1")
            by_sheet: dict[tuple[str, str], list] = {}
            for i in issues:
                by_sheet.setdefault((i.sheet_key, i.sheet), []).append(i)
            for (key, sheet), items in by_sheet.items():
                with ui.expansion(f"{sheet} — {len(items)}", value=True).classes("w-full"):
                    rows = [{"cell": i.cell or (f"строка {i.row}" if i.row else "весь лист"), "column": i.column,
                             "value": i.value, "message": i.message, "severity": i.severity} for i in items]
                    ui.table(columns=COLUMNS, rows=rows, row_key="cell").classes("w-full").props(
                        "dense flat wrap-cells").mark(f"issues-{key}")
