"""The справка as a pedagogical council gets it on paper: rendered by LibreOffice where installed, on A4 with the
school's letterhead, page numbers, tables that fit (no number or word broken inside a cell) and the signature
with the last recommendation; the xlsx prints one page wide with its header rows repeated."""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook

from reports.export.docx import MORE_ROWS, spravka_docx
from reports.export.docx_layout import CHAR, CHAR_SMALL, _text_width, fit_table
from reports.export.letterhead import Letterhead, TemplateError, check_template, default_template
from reports.export.xlsx import spravka_xlsx
from reports.spravka.document import WORD_ROWS, Paragraph, Section, Spravka, TableBlock
from reports.spravka.school import class_spravka, school_spravka
from sheets_schema import Workbook
from sync import convert

SCHOOL = "МБОУ «Гимназия № 7»"
HEAD = Letterhead(SCHOOL)
needs_office = pytest.mark.skipif(convert.find_office() is None,
                                  reason="LibreOffice (soffice) не установлен: справка в PDF не проверяется")


def _cell_tokens(docx: bytes) -> Counter[str]:
    doc = Document(io.BytesIO(docx))
    return Counter(w for t in doc.tables for row in t.rows for cell in row.cells for w in cell.text.split())


def _pdf_pages(pdf: bytes, tmp: Path) -> list[str]:
    src = tmp / "s.pdf"
    src.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(src), "-"], capture_output=True, check=True).stdout.decode()
    return text.split("\f")


def _unbroken(docx: bytes, pages: list[str]) -> list[str]:
    """Cell words (numbers among them) found in the PDF fewer times than the tables hold them: each was broken
    inside its cell («44 9», «предме т»)."""
    printed = Counter(w for page in pages for w in page.split())
    return [w for w, n in _cell_tokens(docx).items() if printed[w] < n]


@pytest.fixture(scope="module")
def school_doc(facts: pd.DataFrame, workbook: Workbook) -> Spravka:
    return school_spravka(facts, workbook.frames)


@needs_office
def test_the_school_spravka_prints_on_few_pages_with_every_number_and_word_whole(school_doc: Spravka,
                                                                                  tmp_path: Path) -> None:
    docx = spravka_docx(school_doc, letterhead=HEAD)
    pages = [p for p in _pdf_pages(convert.docx_to_pdf(docx), tmp_path) if p.strip()]
    assert len(pages) <= 13  # 21 pages before tables were fitted and long lists capped
    assert _unbroken(docx, pages) == []
    for i, page in enumerate(pages, start=1):  # the letterhead: school name on every page, «Страница i из N»
        assert SCHOOL in page and f"Страница {i} из {len(pages)}" in page
    last = pages[-1]
    assert "Заместитель директора по УВР" in last
    assert school_doc.recommendations[-1].split()[-1] in last  # the signature never stands alone


@needs_office
def test_a_class_spravka_keeps_numbers_whole_too(facts: pd.DataFrame, workbook: Workbook, tmp_path: Path) -> None:
    cid = str(workbook.frames["classes"]["id"].iloc[20])
    docx = spravka_docx(class_spravka(facts, workbook.frames, cid), letterhead=HEAD)
    pages = [p for p in _pdf_pages(convert.docx_to_pdf(docx), tmp_path) if p.strip()]
    assert _unbroken(docx, pages) == []
    assert len(pages) <= 10


def test_wide_tables_get_a_landscape_section_and_the_conclusions_return_to_portrait(school_doc: Spravka) -> None:
    doc = Document(io.BytesIO(spravka_docx(school_doc, letterhead=HEAD)))
    orientations = [s.orientation for s in doc.sections]
    assert WD_ORIENT.LANDSCAPE in orientations
    assert orientations[0] == orientations[-1] == WD_ORIENT.PORTRAIT
    for s in doc.sections:
        assert (s.page_width > s.page_height) == (s.orientation == WD_ORIENT.LANDSCAPE)


def test_table_widths_leave_room_for_the_longest_number_of_each_column() -> None:
    header = ["Наименование", *[f"Показатель {i}, %" for i in range(12)]]
    rows = [["ШМО учителей естественных наук", *["1 234,5"] * 12], ["химия", *["7"] * 12]]
    fit = fit_table(header, rows)
    assert fit.landscape  # 13 columns of numbers do not fit a portrait page
    size = CHAR_SMALL if fit.small else CHAR
    for j in range(1, 13):
        assert fit.widths[j] >= _text_width("1 234,5", size, bold=True)
    # a narrow table stays portrait
    assert not fit_table(["Класс", "Писали"], [["9«А»", "25"]]).landscape


def _tiny(rows: int, text: str = "") -> Spravka:
    frame = pd.DataFrame({"label": [f"строка {i}" for i in range(rows)], "written": range(rows),
                          "reasons": [text] * rows})
    return Spravka("Справка", (("Период", "1 четверть"),), "", (Section("Список", (
        Paragraph("Текст."), TableBlock(frame, ("label", "written", "reasons"))),),), ("Вывод.",), ("Рекомендация.",))


def test_a_long_table_shows_its_first_rows_and_says_how_many_more_are_in_the_xlsx() -> None:
    doc = Document(io.BytesIO(spravka_docx(_tiny(WORD_ROWS + 7), letterhead=HEAD)))
    assert len(doc.tables[0].rows) == 1 + WORD_ROWS
    assert MORE_ROWS.format(n=7) in [p.text for p in doc.paragraphs]
    assert MORE_ROWS.format(n=7) == "ещё 7 — в приложении (xlsx)"
    header = doc.tables[0].rows[0]._tr  # the header row repeats on every page; rows are never split
    assert header.trPr.find(qn("w:tblHeader")) is not None
    assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in doc.tables[0]._tbl.tr_lst)
    wb = load_workbook(io.BytesIO(spravka_xlsx(_tiny(WORD_ROWS + 7))))
    labels = [c.value for c in wb["Справка"]["A"]]
    assert all(f"строка {i}" in labels for i in range(WORD_ROWS + 7))  # Excel has every row


def test_a_long_cell_is_cut_at_a_boundary_in_word_and_whole_in_excel() -> None:
    reasons = "; ".join(f"математика, «Контрольная работа № {i}» (15.09.2025)" for i in range(12))
    doc = Document(io.BytesIO(spravka_docx(_tiny(1, reasons), letterhead=HEAD)))
    cell = doc.tables[0].rows[1].cells[2].text
    assert cell.endswith("… (полностью — в xlsx)") and len(cell) < 140 and "(15.09.2025)" in cell
    wb = load_workbook(io.BytesIO(spravka_xlsx(_tiny(1, reasons))))
    assert reasons in [c.value for c in wb["Справка"]["C"]]


def test_the_letterhead_names_the_school_and_the_period_and_numbers_the_pages() -> None:
    doc = Document(io.BytesIO(spravka_docx(_tiny(2), letterhead=HEAD)))
    header = " ".join(p.text for p in doc.sections[0].header.paragraphs)
    assert SCHOOL in header and "1 четверть" in header
    instr = " ".join(t.text for p in doc.sections[0].footer.paragraphs for t in p._p.iter(qn("w:instrText")))
    assert "PAGE" in instr and "NUMPAGES" in instr
    last, signature = doc.paragraphs[-3:-1], doc.paragraphs[-1]
    assert signature.text.startswith("Заместитель директора")
    assert all(p.paragraph_format.keep_with_next for p in last)  # the signature goes with the last recommendation


def _school_template(tmp_path: Path) -> bytes:
    """A template as a deputy makes it in Word: a бланк in the body, own header, no page numbers, no list styles."""
    doc = Document(io.BytesIO(default_template()))
    doc.add_paragraph("Муниципальное бюджетное общеобразовательное учреждение {школа}")
    doc.add_paragraph("ул. Ленина, 1, тел. 2-22-22")
    section = doc.sections[0]
    section.header.paragraphs[0].text = "Бланк: {школа}"
    for p in section.footer.paragraphs:
        p._p.getparent().remove(p._p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_a_school_template_puts_its_blank_first_and_keeps_its_header(tmp_path: Path) -> None:
    doc = Document(io.BytesIO(spravka_docx(_tiny(2), letterhead=Letterhead(SCHOOL, _school_template(tmp_path)))))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == [f"Муниципальное бюджетное общеобразовательное учреждение {SCHOOL}",
                         "ул. Ленина, 1, тел. 2-22-22"]
    assert texts[2] == "Справка"
    assert doc.sections[0].header.paragraphs[0].text == f"Бланк: {SCHOOL}"
    instr = " ".join(t.text for p in doc.sections[0].footer.paragraphs for t in p._p.iter(qn("w:instrText")))
    assert "PAGE" in instr  # a template without page numbers gets them


@pytest.mark.parametrize(("data", "words"), [
    (b"plain text, not a document", "не документ Word"),
    (b"PK\x03\x04" + b"\x00" * 40, "не документ Word"),
])
def test_a_file_that_is_not_a_word_document_is_refused_in_russian(data: bytes, words: str) -> None:
    with pytest.raises(TemplateError, match=words):
        check_template(data)


def test_a_zip_that_is_not_a_docx_is_refused_in_russian(tmp_path: Path) -> None:
    buf = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "привет")
    with pytest.raises(TemplateError, match="не открывается как документ Word"):
        check_template(buf.getvalue())
    check_template(default_template())  # the default passes


def test_the_xlsx_prints_one_page_wide_with_repeated_headers(school_doc: Spravka) -> None:
    wb = load_workbook(io.BytesIO(spravka_xlsx(school_doc)))
    for ws in wb.worksheets:
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert re.search(r"&P", ws.oddFooter.center.text or "")
    main = wb["Справка"]
    assert main.page_setup.orientation == "landscape"  # sixteen columns of tables
    for ws in wb.worksheets[1:]:  # the long tables on their own sheets repeat their header row on every page
        assert ws.print_title_rows == "$1:$1"


@needs_office
def test_the_school_xlsx_prints_on_few_pages(school_doc: Spravka, tmp_path: Path) -> None:
    """95 pages before print setup: LibreOffice lays the workbook out as a printer would."""
    src = tmp_path / "s.xlsx"
    src.write_bytes(spravka_xlsx(school_doc))
    office = convert.find_office()
    subprocess.run([office, f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(src)], capture_output=True, check=True, timeout=120,
                   env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    pages = _pdf_pages((tmp_path / "s.pdf").read_bytes(), tmp_path)
    assert len([p for p in pages if p.strip()]) <= 15
