"""The xlsx of debtors a methodologist sends to the authority; text stays text (no formula from a school's name)."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook

from reports.district.completeness import BOARD_TITLES, DEBTOR_COLUMNS
from reports.export.xlsx import write_table


def debtors_xlsx(debtors: pd.DataFrame, campaign_title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Должники"
    ws.cell(1, 1, f"Не сдали данные или сдали с нарушениями: {campaign_title}").data_type = "s"
    write_table(ws, 3, debtors, DEBTOR_COLUMNS, titles=BOARD_TITLES)
    for col, width in zip("ABCDEF", (14, 40, 24, 18, 12, 50), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
