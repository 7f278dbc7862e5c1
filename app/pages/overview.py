"""School overview for the academic year: успеваемость, качество, СОУ, средний балл by parallel and class,
for each kind of monitoring work. Reads the cache only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from nicegui import ui

from reports.labels import INDICATOR_LABELS, fmt_num

from ..derived import derived_for
from ..frame import frame
from ..state import ctx

SHOWN = ("N", "absent", "n5", "n4", "n3", "n2", "success_pct", "quality_pct", "sou_pct", "mean_mark")
CARDS = (("success_pct", "%"), ("quality_pct", "%"), ("sou_pct", "%"), ("mean_mark", ""))


def _columns() -> list[dict[str, Any]]:
    cols = [{"name": "label", "label": "Параллель / класс", "field": "label", "align": "left"}]
    cols += [{"name": c, "label": INDICATOR_LABELS[c], "field": c, "align": "right"} for c in SHOWN]
    return cols


def _rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for rec in table.to_dict("records"):
        indent = "\u2003" * max(int(rec["depth"]), 0)
        row = {"key": f"{rec['level']}:{rec.get('parallel')}:{rec.get('class_id')}", "label": indent + str(rec["label"]),
               "level": rec["level"]}
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


def create() -> None:
    @ui.page("/")
    def overview_page() -> None:
        c = ctx()
        with frame(f"Обзор школы — {c.settings.academic_year} учебный год"):
            d = derived_for(c.cache.workbook)
            if d.facts.empty:
                ui.label("Результатов мониторинговых работ пока нет. Заполните лист «Результаты» или загрузите "
                         "демонстрационную школу командой `edumon demo`.").mark("no-results")
                return
            year = d.year
            school = year[year["level"] == "school"].iloc[0]
            _cards(school, f"все работы года: писали {fmt_num(school['N'], 0)}")
            ui.label("Показатели по видам работ").classes("text-h6 q-mt-md")
            by_kind = d.by_kind
            body = by_kind[by_kind["level"].isin(["school", "parallel", "class"])]
            with ui.tabs().classes("w-full") as tabs:
                for kind in d.kinds:
                    ui.tab(kind)
            with ui.tab_panels(tabs, value=d.kinds[0]).classes("w-full"):
                for kind in d.kinds:
                    with ui.tab_panel(kind):
                        table = body[body["kind"] == kind]
                        ui.table(columns=_columns(), rows=_rows(table), row_key="key",
                                 pagination=0).classes("w-full").props("dense flat").mark(
                                     "overview-" + kind.replace(" ", "_"))
