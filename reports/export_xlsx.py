"""The справка of a monitoring work as an Excel workbook (openpyxl), built in memory: `work_xlsx(report)` returns
bytes. Numbers stay numbers (formatted, not text) so the deputy can recalculate; the mark distribution carries a
native Excel bar chart.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .labels import column_title
from .narrative import (
    CLASS_COLUMNS,
    COMPARISON_COLUMNS,
    ELEMENT_COLUMNS,
    RISK_COLUMNS,
    TASK_COLUMNS,
    WEAK_MARK,
    WorkReport,
)

HEADER_FILL = PatternFill("solid", fgColor="DDE3F0")
WEAK_FILL = PatternFill("solid", fgColor="F8D7DA")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)


def _number_format(column: str) -> str | None:
    if column in ("mean_mark", "mean_score"):
        return "0.00"
    if column.endswith("_pct") or column.endswith("_vs_parent") or column == "pct_of_max":
        return "0.0"
    return None


def _plain(column: str, value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if column == "weak":
        return WEAK_MARK if bool(value) else ""
    if isinstance(value, (np.bool_, bool)):
        return "да" if value else "нет"
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def write_table(ws: Worksheet, top: int, frame: pd.DataFrame, columns: Sequence[str], *,
                titles: dict[str, str] | None = None, weak: Sequence[bool] | None = None) -> int:
    """Header plus rows starting at row `top`; returns the next free row."""
    titles = titles or {}
    for j, c in enumerate(columns, start=1):
        cell = ws.cell(top, j, titles.get(c, column_title(c)))
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, rec in enumerate(frame[list(columns)].to_dict("records"), start=1):
        for j, c in enumerate(columns, start=1):
            cell = ws.cell(top + i, j, _plain(c, rec[c]))
            cell.border = BORDER
            fmt = _number_format(c)
            if fmt:
                cell.number_format = fmt
            if weak is not None and bool(weak[i - 1]):
                cell.fill = WEAK_FILL
    return top + len(frame) + 2


def _widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w


def work_xlsx(report: WorkReport) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Справка"
    ws["A1"] = report.heading
    ws["A1"].font = Font(bold=True, size=14)
    info = [("Предмет", report.subject), ("Вид работы", report.kind), ("Дата проведения", report.date),
            ("Участники", report.scope_label), ("Цель", report.purpose)]
    row = 3
    for label, value in info:
        ws.cell(row, 1, label).font = BOLD
        ws.cell(row, 2, value)
        row += 1
    row += 1
    s = report.summary
    ws.cell(row, 1, "Участники").font = BOLD
    row += 1
    for key in ("enrolled", "N", "absent"):
        ws.cell(row, 1, column_title(key))
        ws.cell(row, 2, int(getattr(s, key)))
        row += 1
    row += 1
    ws.cell(row, 1, "Распределение отметок").font = BOLD
    row += 1
    head = row
    ws.cell(head, 1, "Отметка").font = BOLD
    ws.cell(head, 2, "Обучающихся").font = BOLD
    for label, count in report.distribution():
        row += 1
        ws.cell(row, 1, label)
        ws.cell(row, 2, count)
    chart = BarChart()
    chart.type = "col"
    chart.title = "Распределение отметок"
    chart.y_axis.title = "Обучающихся"
    chart.x_axis.title = "Отметка"
    chart.add_data(Reference(ws, min_col=2, min_row=head, max_row=row), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=row))
    chart.legend = None
    chart.height, chart.width = 7, 12
    ws.add_chart(chart, f"D{head}")
    row = max(row + 2, head + 16)
    ws.cell(row, 1, "Показатели и сравнение").font = BOLD
    row = write_table(ws, row + 1, report.comparisons, COMPARISON_COLUMNS, titles={"label": "Группа"})
    ws.cell(row, 1, "Выводы").font = BOLD
    for text in report.conclusions:
        row += 1
        ws.cell(row, 1, text)
    row += 2
    ws.cell(row, 1, "Рекомендации").font = BOLD
    for i, text in enumerate(report.recommendations, start=1):
        row += 1
        ws.cell(row, 1, f"{i}. {text}")
    _widths(ws, (48, 12, 14, 14, 12, 12))

    if len(report.classes):
        wc = wb.create_sheet("Классы")
        write_table(wc, 1, report.classes, CLASS_COLUMNS)
        _widths(wc, [10] + [12] * (len(CLASS_COLUMNS) - 1))
    wt = wb.create_sheet("Задания")
    write_table(wt, 1, report.tasks, TASK_COLUMNS, weak=list(report.tasks["weak"]))
    _widths(wt, (8, 48, 12, 10, 12, 12, 12, 12, 12, 12))
    we = wb.create_sheet("Элементы содержания")
    write_table(we, 1, report.elements, ELEMENT_COLUMNS, weak=list(report.elements["weak"]))
    _widths(we, (56, 14, 14, 14))
    wr = wb.create_sheet("Группа риска")
    write_table(wr, 1, report.at_risk, RISK_COLUMNS)
    _widths(wr, (28, 10, 10, 10, 14, 100))
    for sheet in wb.worksheets[1:]:
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
