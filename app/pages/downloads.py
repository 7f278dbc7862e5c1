"""Buttons that build a file (справка, tables, staff report) off the event loop and hand it to the browser, with a
progress bar while it is being built (a strip of buttons is one element of plain HTML). Pages pass builders that
return bytes; nothing here knows about reports.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nicegui import ui
from nicegui.events import GenericEventArguments

from app import background
from app.markup import marks_of, tag
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


# Quasar's own markup of a standard primary button with an icon on the left, and of an indeterminate progress bar:
# the strip looks as ui.button and ui.linear_progress do, at the cost of one element for all its buttons
_BUTTON = ("q-btn q-btn-item non-selectable no-outline q-btn--standard q-btn--rectangle bg-primary text-white "
           "q-btn--actionable q-focusable q-hoverable")
_CONTENT = "q-btn__content text-center col items-center q-anchor--skip justify-center row"
_BAR = tag("div", "", "q-linear-progress text-primary w-96", role="progressbar", data_part="progress",
           style="--q-linear-progress-speed: 2100ms; height: 4px", inner=tag(
               "div", "", "q-linear-progress__track absolute-full q-linear-progress__track--light")
           + tag("div", "", "q-linear-progress__model absolute-full q-linear-progress__model--indeterminate"))
# a click on a button of the strip sends that button's marker; a disabled one (a file is being built) sends nothing
_CLICKED = ("(e) => { const b = e.target.closest('button[data-mark]'); "
            "if (b && !b.disabled) emit(b.dataset.mark); }")


def strip_html(exports: Sequence[Export], marker: str, status: str = "") -> str:
    """The buttons of `exports` (each marked with its export's marker) in a row marked `marker`; with a `status`
    (a file is being built) the buttons are disabled and the progress bar and the status run under them."""
    return _strip(tuple((e.label, e.icon, e.marker) for e in exports), marker, status)


@functools.lru_cache(maxsize=128)  # a page's idle strip is the same on every request: made once
def _strip(buttons: tuple[tuple[str, str, str], ...], marker: str, status: str) -> str:
    busy = bool(status)
    row = "".join(tag("button", "", _BUTTON + (" disabled" if busy else ""), type="button", data_mark=mark,
                      disabled=busy, inner=tag("span", "", "q-focus-helper") + tag("span", "", _CONTENT, inner=tag(
                          "i", icon, "q-icon notranslate material-icons on-left", aria_hidden="true")
                          + tag("span", label, "block"))) for label, icon, mark in buttons)
    shown = _BAR + tag("div", status, "text-caption text-grey-8", data_part="status") if busy else ""
    return tag("div", "", "column gap-1", data_mark=marker or None, inner=tag("div", "", "row gap-2", inner=row)
               + shown)


def export_buttons(exports: Sequence[Export], marker: str = "") -> None:
    """One button per export (the strip marked `marker`, each button its export's marker), all of them one element
    of plain HTML (`strip_html`) with one click listener; while a file is built the buttons are disabled and a
    progress bar runs. A click that names no export of the strip (or arrives while one is built) does nothing."""
    by_marker = {e.marker: e for e in exports}
    first = strip_html(exports, marker)
    strip = ui.html(first, sanitize=False).mark(" ".join(marks_of(first)))
    building: list[Export] = []

    def busy(export: Export | None) -> None:
        building[:] = [export] if export else []
        strip.set_content(strip_html(exports, marker, f"Формируется файл «{export.filename}»…" if export else ""))

    async def produce(event: GenericEventArguments) -> None:
        export = by_marker.get(event.args) if isinstance(event.args, str) else None
        if export is None or building:
            return
        if export.needs_office and find_office() is None:  # say so at once instead of building what nobody converts
            ui.notify(MISSING_OFFICE, type="warning", multi_line=True)
            return
        busy(export)
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
            busy(None)
        ui.download.content(data, export.filename, export.media_type)

    strip.on("click", produce, js_handler=_CLICKED)


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
