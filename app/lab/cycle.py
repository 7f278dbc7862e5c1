"""The municipality's management cycle (/lab/cycle): per direction the lab's records of goals, measures and the check
of their effect, each indicator read from the warehouse for the year and the year before; records are added and
corrected on the sheet «Управленческий цикл» with the lab's forms; the same document as Word, Excel and PDF for the
regional authority."""

from __future__ import annotations

from nicegui import ui

from app.auth import current_account
from app.lab.access import can_open_lab
from app.lab.document_view import prepared, show
from app.lab.pages import frame, lab, lab_page
from reports.district.builders import parse_params
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
        doc = await prepared(body, lab(), "cycle", parse_params(year), "cycle")
        if doc is None:
            return
        with body:
            show(doc, f"Управленческий цикл {doc.meta[0][1]}")
