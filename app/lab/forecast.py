"""The town's forecasts (/lab/forecast): each school's expected ОГЭ/ЕГЭ marks, the contingent next year and the
staff's attestations and course obligations by month for three years, each with the error of the method on past
years of the warehouse; the same document as Word, Excel and PDF."""

from __future__ import annotations

from nicegui import ui

from app.lab.document_view import prepared, show
from app.lab.pages import frame, lab, lab_page
from reports.district.builders import parse_params


def create() -> None:
    @lab_page("/lab/forecast", "lab_forecast")
    async def forecast_page(year: str = "") -> None:
        body = frame("Прогнозы с их ошибкой на прошлых годах")
        await ui.context.client.connected()  # every school's forecast takes a while: send the page first
        doc = await prepared(body, lab(), "forecast", parse_params(year), "forecast")
        if doc is None:
            return
        with body:
            ui.label("Прогноз — ориентир для планирования: рядом с каждым сказано, насколько метод ошибался на "
                     "прошлых годах.").classes("text-body2")
            show(doc, f"Прогнозы {doc.meta[0][1]}")
