"""Any of the lab's documents (spravka.document.Spravka) shown on a page as the files show it: numbered sections,
tables with the справка's cell text (Russian numbers), charts as ECharts, notes in grey; and its files."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from app import background
from app.lab.reports_run import build_document, render
from app.pages.downloads import export_buttons, report_exports
from reports.district.catalogue import ReportParams, ReportRefused
from reports.spravka.document import Chart, Figures, Paragraph, Spravka, TableBlock, cell_value

FORMAT = "v => v == null ? '—' : v.toLocaleString('ru-RU', {maximumFractionDigits: 1})"


def _table(block: TableBlock, marker: str) -> None:
    cols = [{"name": c, "label": block.title_of(c), "field": c, "align": "left"} for c in block.columns]
    rows = [{"_key": i, **{c: str(cell_value(c, r[c])) for c in block.columns}}
            for i, r in enumerate(block.records())]
    ui.table(columns=cols, rows=rows, row_key="_key", pagination=25).classes("w-full").props(
        "dense flat wrap-cells").mark(marker)


def draw_chart(chart: Chart, marker: str) -> None:
    """A справка's chart as ECharts (the staff page draws its forecast with it too)."""
    series = [{"type": chart.kind, "name": name, "data": list(values)} for name, values in chart.series.items()]
    ui.echart({"title": {"text": chart.title, "textStyle": {"fontSize": 13}},
               "tooltip": {"trigger": "axis", ":valueFormatter": FORMAT}, "legend": {"top": 24},
               "xAxis": {"type": "category", "data": list(chart.categories), "axisLabel": {"rotate": 30}},
               "yAxis": {"type": "value", "name": chart.y_title, "axisLabel": {":formatter": FORMAT}},
               "series": series}).classes("w-full h-72").mark(marker)


def show(doc: Spravka, files_title: str | None = None) -> None:
    """The document's sections; with `files_title`, the Word / Excel / PDF buttons of the same document first."""
    if files_title is not None:
        export_buttons(report_exports(files_title, lambda: render(doc, "docx"), lambda: render(doc, "xlsx"),
                                      lambda: render(doc, "pdf")))
    for n, section in enumerate(doc.sections, start=1):
        ui.label(f"{n}. {section.title}").classes("text-h6")
        for k, block in enumerate(section.blocks, start=1):
            marker = f"doc-{n}-{k}"
            if isinstance(block, Paragraph):
                ui.label(block.text).classes("text-caption text-grey-8" if block.note else "text-body2").mark(marker)
            elif isinstance(block, Figures):
                ui.label("; ".join(f"{label}: {cell_value(block.column_of(i), v)}"
                                   for i, (label, v) in enumerate(block.items))).mark(marker)
            elif isinstance(block, TableBlock):
                _table(block, marker)
            elif not block.empty:
                draw_chart(block, marker)
    if doc.conclusions:
        ui.label("Выводы").classes("text-h6")
        with ui.column().classes("gap-1").mark("doc-conclusions"):
            for text in doc.conclusions:
                ui.label(f"• {text}")


async def prepared(where: ui.element, ctx: Any, key: str, params: ReportParams, marker: str,
                   note: str = "") -> Spravka | None:
    """The справка `key` built off the event loop, with a progress bar (and `note`) in `where` meanwhile; a
    refusal is shown there in Russian (`{marker}-refused`) and gives None."""
    with where:
        progress = ui.linear_progress(show_value=False).props("indeterminate").classes("w-96").mark(
            f"{marker}-progress")
        hint = ui.label(note).classes("text-caption") if note else None
    try:
        return await background.io_bound(build_document, ctx, key, params)
    except ReportRefused as exc:
        with where:
            ui.label(str(exc)).classes("text-negative").mark(f"{marker}-refused")
        return None
    finally:
        progress.delete()
        if hint is not None:
            hint.delete()
