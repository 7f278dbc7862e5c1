"""The municipality's management cycle (/lab/cycle): per direction the lab's records of goals, measures and the check
of their effect, each indicator read from the warehouse for the year and the year before; records are added and
corrected on the sheet «Управленческий цикл» with the lab's forms; the same document as Word, Excel and PDF for the
regional authority."""

from __future__ import annotations

from nicegui import ui

from app import background
from app.auth import current_account
from app.lab.access import can_open_lab
from app.lab.document_view import show
from app.lab.pages import frame, lab, lab_page
from app.lab.reports_run import build_document
from reports.district.builders import parse_params
from reports.district.catalogue import ReportRefused
from reports.spravka.document import Spravka
from sheets_schema.lab import MANAGEMENT_CYCLE


def create() -> None:
    @lab_page("/lab/cycle", "lab_cycle")
    async def cycle_page(year: str = "") -> None:
        body = frame("Управленческий цикл муниципалитета")
        account = current_account()
        await ui.context.client.connected()
        with body:
            ui.label("По письму Рособрнадзора от 20.04.2021 № 08-70: по каждому направлению — цели, показатели, "
                     "мониторинг, анализ, адресные рекомендации, меры и проверка их эффекта. Значение показателя "
                     "читается из хранилища за этот и прошлый учебный год.").classes("text-body2")
            if can_open_lab(account, "lab_entry"):
                ui.link(f"Добавить запись в лист «{MANAGEMENT_CYCLE.title}»",
                        f"/lab/entry/{MANAGEMENT_CYCLE.key}").mark("cycle-add")
            progress = ui.linear_progress(show_value=False).props("indeterminate").classes("w-96").mark(
                "cycle-progress")
        doc: Spravka | str
        try:
            doc = await background.io_bound(build_document, lab(), "cycle", parse_params(year))
        except ReportRefused as exc:
            doc = str(exc)
        progress.delete()
        with body:
            if isinstance(doc, str):
                ui.label(doc).classes("text-negative").mark("cycle-refused")
                return
            show(doc, f"Управленческий цикл {doc.meta[0][1]}")
