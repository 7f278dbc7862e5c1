"""The dashboard's level tables and breadcrumbs: one `ui.table` per level, its rows prepared once per version."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from nicegui import ui

from app.pages import dashboard_panels as panels
from app.pages.dashboard_panels import digits_of
from app.pages.portfolio import link_cell
from reports.analytics.indicators import DISTRIBUTION
from reports.labels import INDICATOR_LABELS, fmt_num

SHOWN = ("N", "absent", *DISTRIBUTION, "success_pct", "quality_pct", "sou_pct", "mean_mark",
         "quality_pct_vs_parent")


def level_rows(rows: pd.DataFrame, link_of: Callable[[Mapping[str, Any]], str], key: str | None = None
               ) -> list[dict[str, Any]]:
    """Rows of one level as table rows: the name and every number as text, the row's link (`href`) to the level
    below; `key` names the column that identifies a row."""
    body = []
    for i, rec in enumerate(rows.to_dict("records")):
        row = {"_key": str(rec[key]) if key else i, "label": str(rec["label"]), "href": link_of(rec)}
        row.update({c: fmt_num(rec[c], digits_of(c)) for c in SHOWN})
        body.append(row)
    return body


NUMBER_COLUMNS = [{"name": c, "label": "Качество: ± к уровню выше, п. п." if c == "quality_pct_vs_parent"
                   else INDICATOR_LABELS[c], "field": c, "align": "right"} for c in SHOWN]


def level_table(body: list[dict[str, Any]], marker: str, first_title: str) -> ui.table:
    """Prepared rows of one level (`level_rows`) as one table (titles from reports.labels): the name and every
    number open the level below."""
    cols = [{"name": "label", "label": first_title, "field": "label", "align": "left"}, *NUMBER_COLUMNS]
    table = panels.shared(ui.table(columns=cols, rows=[], row_key="_key", pagination=0), rows=body).classes(
        "w-full").props("dense flat wrap-cells").mark(marker)
    table.add_slot("body-cell", link_cell("href", "props.col.name === 'label' ? 'text-primary' : "
                                                  "'text-black no-underline'"))
    return table


def crumbs(items: list[tuple[str, str]]) -> None:
    with ui.row().classes("items-center gap-1").mark("breadcrumbs"):
        for i, (label, target) in enumerate(items):
            if i:
                ui.label("›")
            if i < len(items) - 1:
                ui.link(label, target)
            else:
                ui.label(label).classes("text-weight-bold")
