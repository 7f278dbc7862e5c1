"""The town's staff statistics as an xlsx for the authority: counts and shares only, no person named in it;
every text cell written as text (a school's or a provider's name never becomes a formula)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import pandas as pd
from openpyxl import Workbook

from reports.district.staff_db import TITLES
from reports.export.xlsx import _put, write_table
from reports.labels import column_title


def staff_xlsx(composition: Mapping[str, pd.DataFrame], schools: pd.DataFrame, months: pd.DataFrame,
               providers: pd.DataFrame, heading: str) -> bytes:
    """Sheets «Состав» (each breakdown), «По школам», «Аттестация по месяцам», «Курсы по организациям»."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Состав"
    _put(ws, 1, 1, heading)
    top = 3
    for frame in composition.values():
        first = str(frame.columns[0])
        titles = {**TITLES, first: TITLES.get(first) or column_title(first)}
        top = write_table(ws, top, frame, list(frame.columns), titles=titles)
    ws.column_dimensions["A"].width = 44
    for name, frame in (("По школам", schools), ("Аттестация по месяцам", months),
                        ("Курсы по организациям", providers)):
        sheet = wb.create_sheet(name)
        _put(sheet, 1, 1, heading)
        write_table(sheet, 3, frame, list(frame.columns), titles=_titles(frame))
        sheet.column_dimensions["A"].width = 16 if name == "По школам" else 44
        sheet.column_dimensions["B"].width = 36
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _titles(frame: pd.DataFrame) -> dict[str, str]:
    out: dict[str, Any] = {}
    for c in frame.columns:
        out[c] = TITLES.get(c, c)  # category columns are titled by the category itself
    return out
