"""PDF of a справка: the docx converted by a converter the caller passes in (sync.convert.docx_to_pdf does it with
LibreOffice). Reports never start processes themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from reports.export.docx import spravka_docx
from reports.spravka.document import Spravka
from reports.spravka.narrative import WorkReport

Converter = Callable[[bytes], bytes]


def pdf_from_docx(docx: bytes, convert: Converter) -> bytes:
    """The converter's PDF of `docx`; checks that what came back really is a PDF."""
    pdf = convert(docx)
    if not pdf.startswith(b"%PDF"):
        raise ValueError("Преобразование в PDF вернуло не PDF-документ")
    return pdf


def spravka_pdf(spravka: Spravka, convert: Converter) -> bytes:
    return pdf_from_docx(spravka_docx(spravka), convert)


def work_pdf(report: WorkReport, convert: Converter) -> bytes:
    return spravka_pdf(report.document(), convert)
