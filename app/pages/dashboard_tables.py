"""The dashboard's level tables and breadcrumbs: one table of plain HTML per level (app.markup.table_html), made
once per version in the prepared step, and the breadcrumbs as plain links."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from nicegui import ui

from app.markup import Cell, Column, table_html, tag
from app.pages.dashboard_panels import digits_of
from reports.analytics.indicators import DISTRIBUTION
from reports.labels import INDICATOR_LABELS, fmt_num

SHOWN = ("N", "absent", *DISTRIBUTION, "success_pct", "quality_pct", "sou_pct", "mean_mark",
         "quality_pct_vs_parent")
NUMBER_COLUMNS = [Column(c, "Качество: ± к уровню выше, п. п." if c == "quality_pct_vs_parent"
                         else INDICATOR_LABELS[c], "right") for c in SHOWN]


def level_html(rows: pd.DataFrame, first_title: str, link_of: Callable[[Mapping[str, Any]], str],
               key: str | None = None) -> str:
    """Rows of one level as a table: the name (headed `first_title`) and every number as text, each opening the
    level below (`link_of` the row; no link where it gives ""); `key` names the column that identifies a row."""
    body = []
    for i, rec in enumerate(rows.to_dict("records")):
        target = link_of(rec)
        cells = [Cell(str(rec["label"]), target)]
        cells += [Cell(fmt_num(rec[c], digits_of(c)), target, "text-black no-underline") for c in SHOWN]
        body.append((str(rec[key]) if key else str(i), cells))
    return table_html([Column("label", first_title), *NUMBER_COLUMNS], body, wrap=True)


def level_table(html: str, marker: str) -> None:
    """One level's table (`level_html`)."""
    ui.html(html, sanitize=False).classes("w-full").mark(marker)


def crumbs(items: list[tuple[str, str]]) -> None:
    """Where the drill-down stands: every level above as a link, the current one in bold."""
    parts = []
    for i, (label, target) in enumerate(items):
        if i:
            parts.append(tag("span", "›"))
        parts.append(tag("a", label, "nicegui-link", href=target) if i < len(items) - 1
                     else tag("span", label, "text-weight-bold"))
    ui.html("".join(parts), sanitize=False).classes("row items-center gap-1").mark("breadcrumbs")
