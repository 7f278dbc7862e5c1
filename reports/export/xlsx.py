"""Any справка as an Excel workbook (openpyxl), built in memory: `spravka_xlsx(doc)` returns bytes.

The «Справка» sheet holds the heading, meta, every section (short tables inline, long ones on their own sheets),
the conclusions and recommendations. Numbers stay numbers with number formats so the deputy can recalculate, and
every chart is a native Excel chart over the cells that hold its numbers.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.export.letterhead_config import LETTERHEAD
from reports.spravka.document import WEAK_MARK, Chart, Figures, Paragraph, Spravka, TableBlock
from reports.spravka.narrative import WorkReport
from reports.spravka.staff import Frames, olympiad_document, staff_document
from sheets_schema import choices as C

MAIN_SHEET = "Справка"
HEADER_FILL = PatternFill("solid", fgColor="DDE3F0")
WEAK_FILL = PatternFill("solid", fgColor="F8D7DA")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
DATE_FORMAT = "DD.MM.YYYY"
EXCEL_CELL_CHARS = 32_767
CHART_ROWS = 16  # rows a chart covers at the default height
PORTRAIT_CHARS = 100  # column widths (characters) an A4 portrait page holds at a readable scale
MAIN_WIDTHS = (48, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def number_format(column: str) -> str | None:
    if column in ("mean_mark", "mean_score", "mean_mark_vs_parent", "mean_mark_change"):
        return "0.00"
    if column.endswith(("_pct", "_vs_parent", "_change", "_vs_parallel", "_vs_school")) or column == "pct_of_max":
        return "0.0"
    return None


def plain(column: str, value: Any) -> Any:
    """A cell value Excel keeps as a number, a date or text."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if column == "weak":
        return WEAK_MARK if bool(value) else ""
    if isinstance(value, (np.bool_, bool)):
        return C.YES if value else C.NO
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(value).to_pydatetime()
    if isinstance(value, (int, float, str, datetime)):
        return value
    return str(value)


def _put(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """The one door for cells: text stays text (openpyxl makes «=…» a formula and «#N/A» an error; data_type "s"
    undoes it), without characters the format forbids and no longer than a cell takes."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:EXCEL_CELL_CHARS]
    cell = ws.cell(row, col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    if isinstance(value, datetime):
        cell.number_format = DATE_FORMAT
    return cell


def write_table(ws: Worksheet, top: int, frame: pd.DataFrame, columns: Sequence[str], *,
                titles: dict[str, str] | None = None, weak: Sequence[bool] | None = None) -> int:
    """Header plus rows starting at row `top`; returns the next free row (one blank row after the table)."""
    block = TableBlock(frame, tuple(columns), titles or {}, tuple(weak or ()))
    return _write_block(ws, top, block)


def _write_block(ws: Worksheet, top: int, block: TableBlock) -> int:
    for j, c in enumerate(block.columns, start=1):
        cell = _put(ws, top, j, block.title_of(c))
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, rec in enumerate(block.records(), start=1):
        weak = block.is_weak(i - 1)
        for j, c in enumerate(block.columns, start=1):
            cell = _put(ws, top + i, j, plain(c, rec[c]))
            cell.border = BORDER
            fmt = number_format(c)
            if fmt:
                cell.number_format = fmt
            if weak:
                cell.fill = WEAK_FILL
    return top + len(block.frame) + 2


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w


def _fitted_widths(block: TableBlock) -> list[float]:
    """A width per column from its title and longest value (titles wrap, so they count less)."""
    out = []
    for c in block.columns:
        longest = max((len(str(plain(c, v) or "")) for v in block.frame[c]), default=0)
        out.append(float(min(max(longest + 2, len(block.title_of(c)) * 0.6, 8), 60)))
    return out


def print_setup(ws: Worksheet, widths: Sequence[float], header_rows: int = 0, school: str = "") -> None:
    """A4, every column on one page width (as many pages down as it takes), landscape when the columns are wider
    than a portrait page, the header row repeated on every page, the school and page numbers in the margins."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sum(widths) > PORTRAIT_CHARS else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0: as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"
    if school:
        ws.oddHeader.left.text = school.replace("&", "&&")
        ws.oddHeader.left.size = 8
    ws.oddFooter.center.text = "Страница &P из &N"
    ws.oddFooter.center.size = 8


def _sheet_title(wb: Workbook, name: str) -> str:
    """A legal, unused sheet name: no []:*?/\\, at most 31 characters, «(2)» appended on a clash."""
    base = _BAD_SHEET_CHARS.sub(" ", name).strip()[:31] or "Лист"
    title, n = base, 1
    while title in wb.sheetnames:
        n += 1
        title = f"{base[:31 - len(f' ({n})')]} ({n})"
    return title


def _chart(ws: Worksheet, top: int, chart: Chart) -> int:
    """The chart's numbers as a small table at `top`, and a native chart over those cells beside it."""
    names = list(chart.series)
    for j, title in enumerate([chart.x_title, *names], start=1):
        cell = _put(ws, top, j, title)
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BORDER
    fmt = "0" if chart.integral else "0.0"
    for i, category in enumerate(chart.categories, start=1):
        _put(ws, top + i, 1, category).border = BORDER
        for j, name in enumerate(names, start=2):
            cell = _put(ws, top + i, j, chart.series[name][i - 1])
            cell.border, cell.number_format = BORDER, fmt
    bottom = top + len(chart.categories)
    native = BarChart() if chart.kind == "bar" else LineChart()
    if chart.kind == "bar":
        native.type = "col"
    native.title = chart.title
    native.y_axis.title = chart.y_title or None
    native.x_axis.title = chart.x_title or None
    native.x_axis.delete = native.y_axis.delete = False  # openpyxl hides both axes by default
    native.add_data(Reference(ws, min_col=2, max_col=1 + len(names), min_row=top, max_row=bottom),
                    titles_from_data=True)
    native.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=bottom))
    if len(names) == 1:
        native.legend = None
    native.height, native.width = 7, 14
    ws.add_chart(native, f"{get_column_letter(len(names) + 3)}{top}")
    return max(bottom + 2, top + CHART_ROWS + 1)


def spravka_xlsx(spravka: Spravka) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = MAIN_SHEET
    _put(ws, 1, 1, spravka.heading).font = Font(bold=True, size=14)
    row = 3
    for label, value in spravka.meta:
        _put(ws, row, 1, label).font = BOLD
        _put(ws, row, 2, plain("", value))
        row += 1
    if spravka.purpose:
        _put(ws, row, 1, spravka.purpose)
        row += 1
    row += 1
    for number, section in enumerate(spravka.sections, start=1):
        _put(ws, row, 1, f"{number}. {section.title}").font = Font(bold=True, size=12)
        row += 1
        for block in section.blocks:
            if isinstance(block, TableBlock) and not block.excel:
                continue
            if isinstance(block, Paragraph):
                _put(ws, row, 1, block.text).font = Font(italic=block.note)
                row += 1
            elif isinstance(block, Figures):
                for i, (label, value) in enumerate(block.items):
                    _put(ws, row, 1, label)
                    cell = _put(ws, row, 2, plain(block.column_of(i), value))
                    cell.number_format = number_format(block.column_of(i)) or cell.number_format
                    row += 1
                row += 1
            elif isinstance(block, TableBlock) and block.sheet:
                sheet = wb.create_sheet(_sheet_title(wb, block.sheet))
                _write_block(sheet, 1, block)
                widths = _fitted_widths(block)
                _widths(sheet, widths)
                sheet.freeze_panes = "A2"
                print_setup(sheet, widths, header_rows=1, school=LETTERHEAD.school)
                _put(ws, row, 1, f"Таблица — на листе «{sheet.title}».").font = Font(italic=True)
                row += 1
            elif isinstance(block, TableBlock):
                row = _write_block(ws, row, block)
            elif not block.empty:
                row = _chart(ws, row, block)
        row += 1
    for title, lines in (("Выводы", spravka.conclusions), ("Рекомендации", spravka.recommendations)):
        _put(ws, row, 1, title).font = Font(bold=True, size=12)
        for i, text in enumerate(lines, start=1):
            row += 1
            _put(ws, row, 1, text if title == "Выводы" else f"{i}. {text}")
        row += 2
    if spravka.level_scales():
        _put(ws, row, 1, spravka.level_scales()).font = Font(italic=True)
        row += 2
    _put(ws, row, 1, spravka.signature)
    used = MAIN_WIDTHS[:max(ws.max_column, 2)]
    _widths(ws, MAIN_WIDTHS)
    print_setup(ws, used, school=LETTERHEAD.school)
    ws.print_area = f"A1:{get_column_letter(len(used))}{ws.max_row}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def work_xlsx(report: WorkReport) -> bytes:
    return spravka_xlsx(report.document())


def staff_xlsx(frames: Frames, on_date: Any) -> bytes:
    """Staff statistics on `on_date`: composition (with a native chart of the categories), attestation due within
    12 months, teachers without courses in three years."""
    return spravka_xlsx(staff_document(frames, on_date))


def olympiad_xlsx(frames: Frames) -> bytes:
    """Olympiad results by subject and stage (with a native chart by stage) and the winners and prize-winners."""
    return spravka_xlsx(olympiad_document(frames))
