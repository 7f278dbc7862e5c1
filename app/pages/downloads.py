"""Buttons that build a file (справка, tables, staff report) off the event loop and hand it to the browser, with a
progress bar while it is being built. Pages pass builders that return bytes; nothing here knows about reports.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nicegui import ui

from app import background
from sheets_schema.errors import UserFacingError
from sync.convert import MISSING_OFFICE, find_office

log = logging.getLogger("edumon.downloads")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


# not allowed in a file name on Windows, macOS or Linux (plus the guillemets of «9«А»»: «Справка 9А …»)
_NOT_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f«»]')
NAME_LIMIT = 120  # characters of the stem; a long subject or work title is cut, the extension is kept


def file_name(*parts: object, ext: str) -> str:
    """A download's name from what it is: «Справка 9А математика 2 четверть.docx». Empty parts are skipped,
    characters file systems refuse are dropped, spaces collapsed; nothing left gives «Файл»."""
    text = " ".join(str(p) for p in parts if p is not None and str(p).strip())
    stem = re.sub(r"\s+", " ", _NOT_IN_NAMES.sub("", re.sub(r"\s+", " ", text))).strip()[:NAME_LIMIT].strip(" .")
    return f"{stem or 'Файл'}.{ext}"


@dataclass(frozen=True)
class Export:
    label: str
    icon: str
    marker: str
    filename: str
    media_type: str
    build: Callable[[], bytes]
    needs_office: bool = False  # pdf: converted by LibreOffice, refused at once with a message when it is absent


def export_buttons(exports: Sequence[Export], marker: str = "") -> None:
    """One button per export (in a column marked `marker`); while a file is built the buttons are disabled and a
    progress bar runs (made with the first file asked for: most pages are only read)."""
    buttons: list[ui.button] = []
    with ui.column().classes("gap-1").mark(marker) as where:
        with ui.row().classes("gap-2"):
            for export in exports:
                buttons.append(ui.button(export.label, icon=export.icon).mark(export.marker))
    shown: list[tuple[ui.linear_progress, ui.label]] = []

    def busy(on: bool, text: str = "") -> None:
        if not shown:
            with where:
                shown.append((ui.linear_progress(show_value=False).props("indeterminate").classes("w-96").mark(
                    "export-progress"), ui.label("").classes("text-caption text-grey-8").mark("export-status")))
        progress, status = shown[0]
        progress.visible = status.visible = on
        status.text = text
        for b in buttons:
            b.set_enabled(not on)

    async def produce(export: Export) -> None:
        if export.needs_office and find_office() is None:  # say so at once instead of building what nobody converts
            ui.notify(MISSING_OFFICE, type="warning", multi_line=True)
            return
        busy(True, f"Формируется файл «{export.filename}»…")
        try:
            data = await background.io_bound(export.build)
        except UserFacingError as exc:  # no LibreOffice; a class or teacher gone since the page opened
            ui.notify(str(exc), type="warning", multi_line=True)
            return
        except Exception:  # a bug or an InternalError: logged with context, told in Russian, the page stays alive
            log.exception("building %s failed", export.filename)
            ui.notify(f"Не удалось сформировать файл «{export.filename}». Ошибка записана в журнал сервера.",
                      type="negative", multi_line=True)
            return
        finally:
            busy(False)
        ui.download.content(data, export.filename, export.media_type)

    for button, export in zip(buttons, exports, strict=True):
        button.on_click(lambda e=export: produce(e))


def report_exports(base: str, docx: Callable[[], bytes], xlsx: Callable[[], bytes], pdf: Callable[[], bytes],
                   marker_prefix: str = "") -> list[Export]:
    """The usual trio of a справка: Word, Excel and PDF, files named `base`.docx and so on (through `file_name`);
    `marker_prefix` tells several trios on one page apart."""
    return [Export("Справка (Word)", "description", f"{marker_prefix}download-docx", file_name(base, ext="docx"),
                   DOCX, docx),
            Export("Таблицы (Excel)", "table_view", f"{marker_prefix}download-xlsx", file_name(base, ext="xlsx"),
                   XLSX, xlsx),
            Export("Справка (PDF)", "picture_as_pdf", f"{marker_prefix}download-pdf", file_name(base, ext="pdf"),
                   PDF, pdf, needs_office=True)]
