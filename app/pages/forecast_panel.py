"""The forecast block of the class, student and dashboard pages: computed off the event loop after the page is
drawn, shown with the sentence that says how well the method predicted the past."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
from nicegui import run, ui

from app.pages.work import table
from reports.spravka.forecast import NEXT_COLUMNS, Outlook, class_outlook, student_outlook

EXAM_COLUMNS = ("class", "n5", "n4", "n3", "n2", "n1", "N", "quality_pct", "mean_mark")


def _show(box: ui.element, outlook: Outlook | None, marker: str) -> None:
    box.clear()
    with box:
        ui.label("Прогноз").classes("text-h6")
        if outlook is None:  # the computation was cancelled (the client left)
            return
        if len(outlook.next_results):
            table(outlook.next_results, NEXT_COLUMNS, marker)
        else:
            ui.label("Результатов для прогноза нет.").mark(f"{marker}-none")
        for sentence in outlook.sentences():
            ui.label(sentence).mark(f"{marker}-check")
        ui.label("Полоса не строится для рядов короче пяти результатов.").classes("text-caption text-grey-7")
        if outlook.exam is not None and len(outlook.exam.classes):
            ui.label(f"Ожидаемые отметки: «{outlook.exam_title}»").classes("text-subtitle1")
            table(outlook.exam.classes, EXAM_COLUMNS, f"{marker}-exam")


def _later(compute: Callable[[], Outlook], marker: str) -> None:
    box = ui.column().classes("w-full").mark(marker + "-box")
    with box:
        ui.label("Прогноз считается…").classes("text-caption text-grey-7")

    async def fill() -> None:
        outlook = await run.io_bound(compute)
        if not box.is_deleted:
            _show(box, outlook, marker)

    ui.timer(0, fill, once=True)


def class_forecast(facts: pd.DataFrame, frames: Mapping[str, pd.DataFrame], class_id: str) -> None:
    _later(lambda: class_outlook(facts, frames, class_id), "forecast-class")


def student_forecast(facts: pd.DataFrame, student_id: str) -> None:
    _later(lambda: student_outlook(facts, student_id), "forecast-student")
