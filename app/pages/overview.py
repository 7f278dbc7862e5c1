"""School overview for the academic year: успеваемость, качество, СОУ, средний балл by parallel and class,
for each kind of monitoring work. Reads the cache only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from nicegui import ui

from app.analytics_cache import computed, page_base
from app.auth import current_account, page
from app.derived import kinds_of, rollups
from app.frame import frame
from app.state import ctx
from reports.analytics.indicators import DISTRIBUTION
from reports.labels import INDICATOR_LABELS, fmt_num

SHOWN = ("N", "absent", *DISTRIBUTION, "success_pct", "quality_pct", "sou_pct", "mean_mark")
CARDS = (("success_pct", "%"), ("quality_pct", "%"), ("sou_pct", "%"), ("mean_mark", ""))


def _columns() -> list[dict[str, Any]]:
    cols = [{"name": "label", "label": "Параллель / класс", "field": "label", "align": "left"}]
    cols += [{"name": c, "label": INDICATOR_LABELS[c], "field": c, "align": "right"} for c in SHOWN]
    return cols


def _rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for rec in table.to_dict("records"):
        indent = "\u2003" * max(int(rec["depth"]), 0)
        row = {"key": f"{rec['level']}:{rec.get('parallel')}:{rec.get('class_id')}",
               "label": indent + str(rec["label"]), "level": rec["level"]}
        for c in SHOWN:
            digits = 2 if c == "mean_mark" else (1 if c.endswith("_pct") else 0)
            row[c] = fmt_num(rec[c], digits)
        rows.append(row)
    return rows


def _cards(school: pd.Series, caption: str) -> None:
    with ui.row().classes("gap-4"):
        for col, unit in CARDS:
            with ui.card().classes("min-w-[180px]"):
                ui.label(INDICATOR_LABELS[col].replace(", %", "")).classes("text-caption text-grey-8")
                value = fmt_num(school[col], 2 if col == "mean_mark" else 1)
                ui.label(f"{value}{(' ' + unit) if unit and value != '—' else ''}").classes("text-h4").mark(
                    f"card-{col}")
                ui.label(caption).classes("text-caption text-grey-7")


def overview_of(facts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[list[dict[str, Any]]]]:
    """The year's roll-up, the roll-up by kind, the kinds, and the table rows of each kind's tab."""
    year, by_kind = rollups(facts)
    kinds = kinds_of(facts)
    body = by_kind[by_kind["level"].isin(["school", "parallel", "class"])]
    return year, by_kind, kinds, [_rows(body[body["kind"] == kind]) for kind in kinds]


def create() -> None:
    @page("/", "overview")
    async def overview_page() -> None:
        c = ctx()
        base = await page_base(current_account())
        scope, facts = base.scope, base.visible
        title = "Обзор школы" if scope.everything else "Мои классы и предметы"
        with frame(f"{title} — {c.settings.academic_year} учебный год"):
            if facts.empty:
                ui.label("Результатов мониторинговых работ пока нет. Заполните лист «Результаты» или загрузите "
                         "демонстрационную школу командой `edumon demo`.").mark("no-results")
                return
            year, _, kinds, tabs_rows = await computed(base.version, overview_of, facts)
            school = year[year["level"] == "school"].iloc[0]
            _cards(school, f"все работы года: писали {fmt_num(school['N'], 0)}")
            ui.label("Показатели по видам работ").classes("text-h6 q-mt-md")
            with ui.tabs().classes("w-full") as tabs:
                for kind in kinds:
                    ui.tab(kind)
            with ui.tab_panels(tabs, value=kinds[0]).classes("w-full"):
                for kind, rows in zip(kinds, tabs_rows, strict=True):
                    with ui.tab_panel(kind):
                        ui.table(columns=_columns(), rows=rows, row_key="key",
                                 pagination=0).classes("w-full").props("dense flat").mark(
                                     "overview-" + kind.replace(" ", "_"))
