"""A monitoring work: participants, indicators against the parallel / previous work / school, per-task and
per-element tables with the weakest elements, students at risk, and the справка as docx, xlsx or pdf.
Reads the cache only; everything is filtered to what the signed-in person may see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from fastapi import Request
from nicegui import ui

from app.analytics_cache import computed, page_base
from app.auth import page
from app.frame import frame
from app.pages.downloads import export_buttons, report_exports
from app.pages.work_chart import task_chart
from app.pages.work_cycle import cycle_panel, may_keep_cycle
from reports.analytics.indicators import scales_text
from reports.labels import column_title, fmt_num
from reports.spravka.narrative import (
    CLASS_COLUMNS,
    COMPARISON_COLUMNS,
    ELEMENT_COLUMNS,
    RISK_COLUMNS,
    TASK_COLUMNS,
    WorkNotFound,
    WorkReport,
    cell_value,
    work_report,
)
from sync.convert import docx_to_pdf
from sync.users import Account

CARDS = ("enrolled", "N", "absent", "success_pct", "quality_pct", "sou_pct", "mean_mark")


def table_rows(frame_: pd.DataFrame, columns: Sequence[str], titles: Mapping[str, str] | None = None
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(columns, rows) of a read-only table: Russian titles from reports.labels, справка-style cell text."""
    titles = titles or {}
    cols = [{"name": c, "label": titles.get(c, column_title(c)), "field": c,
             "align": "left" if frame_[c].dtype == object or c in ("label", "class", "element") else "right"}
            for c in columns]
    rows = [{"_key": i, **{c: cell_value(c, rec[c]) for c in columns}}
            for i, rec in enumerate(frame_[list(columns)].to_dict("records"))]
    return cols, rows


def table(frame_: pd.DataFrame, columns: Sequence[str], marker: str, titles: dict[str, str] | None = None) -> ui.table:
    """A read-only table with Russian titles from reports.labels and справка-style cell text."""
    cols, rows = table_rows(frame_, columns, titles)
    return ui.table(columns=cols, rows=rows, row_key="_key", pagination=0).classes("w-full").props(
        "dense flat wrap-cells").mark(marker)


def _cards(report: WorkReport) -> None:
    s = report.summary
    with ui.row().classes("gap-3"):
        for key in CARDS:
            value = getattr(s, key)
            digits = 2 if key == "mean_mark" else (1 if key.endswith("_pct") else 0)
            text = fmt_num(value, digits) + (" %" if key.endswith("_pct") and value == value else "")
            with ui.card().classes("min-w-[140px]"):
                ui.label(column_title(key).replace(", %", "")).classes("text-caption text-grey-8")
                ui.label(text).classes("text-h5").mark(f"work-{key}")


def _docx(report: WorkReport) -> bytes:
    from reports.export.docx import work_docx  # the export libraries (python-docx, matplotlib, openpyxl) load with

    return work_docx(report)  # the first download, not with the server


def _xlsx(report: WorkReport) -> bytes:
    from reports.export.xlsx import work_xlsx

    return work_xlsx(report)


def _pdf(report: WorkReport) -> bytes:
    from reports.export.pdf import work_pdf

    return work_pdf(report, docx_to_pdf)


def _downloads(report: WorkReport) -> None:
    base = f"Справка {report.scope_label} {report.subject} {report.kind} {report.date}"
    export_buttons(report_exports(base, lambda: _docx(report), lambda: _xlsx(report), lambda: _pdf(report)))


def render(report: WorkReport, class_links: Sequence[tuple[str, str]] = ()) -> None:
    """The work's page body; `class_links` are (class id, name) pairs that open a class справка."""
    ui.label(f"{report.subject} · {report.kind} · {report.date or 'дата не указана'} · {report.scope_label}"
             ).classes("text-subtitle1").mark("work-meta")
    ui.label(report.purpose).classes("text-body2 text-grey-8")
    _downloads(report)
    _cards(report)
    ui.label("Сравнение").classes("text-h6")
    table(report.comparisons, COMPARISON_COLUMNS, "work-comparisons", {"label": "Группа"})
    if len(report.classes):
        ui.label("По классам").classes("text-h6")
        table(report.classes, CLASS_COLUMNS, "work-classes").tooltip(scales_text())
        ui.label(scales_text()).classes("text-caption text-grey-7").mark("work-classes-scale")
        with ui.row().classes("gap-2"):
            for cid, name in class_links:
                ui.link(f"Справка {name}", f"/work/{report.work_id}?class={cid}").mark(f"work-class-{cid}")
    ui.label("Анализ выполнения заданий").classes("text-h6")
    task_chart(report.tasks)
    table(report.tasks, TASK_COLUMNS, "work-tasks")
    ui.label("Анализ по элементам содержания (слабые — менее 50 % от максимума)").classes("text-h6")
    table(report.elements, ELEMENT_COLUMNS, "work-elements")
    ui.label("Обучающиеся группы риска").classes("text-h6")
    if len(report.at_risk):
        table(report.at_risk, RISK_COLUMNS, "work-risk")
    else:
        ui.label("Нет.").mark("work-risk-none")
    ui.label("Выводы").classes("text-h6")
    with ui.column().classes("gap-1").mark("work-conclusions"):
        for text in report.conclusions:
            ui.label(f"• {text}")
    ui.label(scales_text()).classes("text-caption text-grey-7").mark("work-scale")  # the scale of every level word
    ui.label("Рекомендации").classes("text-h6")
    with ui.column().classes("gap-1").mark("work-recommendations"):
        for i, text in enumerate(report.recommendations, start=1):
            ui.label(f"{i}. {text}")


def work_view(facts: pd.DataFrame, frames: Mapping[str, pd.DataFrame], work_id: str, class_id: str | None
              ) -> tuple[WorkReport | str, list[tuple[str, str]], bool]:
    """The work's report (or the Russian reason there is none), the (class id, name) pairs seen of it, and whether
    any of its results is seen."""
    mine = facts[(facts["work_id"] == work_id).fillna(False).to_numpy(dtype=bool)]
    pairs = mine[["class_id", "class"]].dropna().drop_duplicates("class_id")
    seen = [(str(a), str(b)) for a, b in pairs.itertuples(index=False)]
    try:
        return work_report(facts, frames, work_id, class_id=class_id), seen, not mine.empty
    except WorkNotFound as exc:
        return str(exc), seen, not mine.empty


def create() -> None:
    @page("/work/{work_id}", "work")
    async def work_page(work_id: str, request: Request, account: Account) -> None:
        base = await page_base(account)
        workbook, scope = base.workbook, base.scope
        class_id = request.query_params.get("class") or None
        report, seen, any_seen = await computed(base.version, work_view, base.visible, base.seen.frames, work_id,
                                                class_id)
        if isinstance(report, str):
            with frame("Мониторинговая работа"):
                ui.label(report).mark("work-not-found")
            return
        works = workbook.frames["works"]
        work = works[works["id"].astype(str) == work_id].iloc[0].to_dict()
        with frame(report.title):
            if not any_seen and not scope.everything:
                ui.label("Результатов этой работы в ваших классах и предметах нет.").mark("work-no-access")
                if may_keep_cycle(account, work_id, workbook.frames):  # a head plans the works of the department
                    cycle_panel(work, workbook.frames, account)
                return
            if class_id is not None:
                ui.link("← вся параллель", f"/work/{work_id}").mark("work-back")
            render(report, seen)
            cycle_panel(work, workbook.frames, account)
