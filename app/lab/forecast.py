"""The town's forecasts (/lab/forecast): each school's expected ОГЭ/ЕГЭ marks and the contingent next year, each
with the error of the method on past years of the warehouse; the same document as Word, Excel and PDF."""

from __future__ import annotations

from nicegui import ui

from app import background
from app.lab.document_view import show
from app.lab.pages import frame, lab, lab_page
from app.lab.reports_run import build_document
from reports.district.builders import parse_params
from reports.district.catalogue import ReportRefused
from reports.spravka.document import Spravka


def create() -> None:
    @lab_page("/lab/forecast", "lab_forecast")
    async def forecast_page(year: str = "") -> None:
        body = frame("Прогнозы с их ошибкой на прошлых годах")
        await ui.context.client.connected()  # every school's forecast takes a while: send the page first
        with body:
            progress = ui.linear_progress(show_value=False).props("indeterminate").classes("w-96").mark(
                "forecast-progress")
        doc: Spravka | str
        try:
            doc = await background.io_bound(build_document, lab(), "forecast", parse_params(year))
        except ReportRefused as exc:
            doc = str(exc)
        progress.delete()
        with body:
            if isinstance(doc, str):
                ui.label(doc).classes("text-negative").mark("forecast-refused")
                return
            ui.label("Прогноз — ориентир для планирования: рядом с каждым сказано, насколько метод ошибался на "
                     "прошлых годах.").classes("text-body2")
            show(doc, f"Прогнозы {doc.meta[0][1]}")
