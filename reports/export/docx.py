"""Any справка as a Word document (python-docx), built in memory: `spravka_docx(doc)` returns bytes. Sections are
numbered, weak rows of a table are shaded and set in red, charts are pictures, and the conclusions and
recommendations are ordinary paragraphs the deputy edits before the pedagogical council.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell

from reports.export.charts import chart_png
from reports.labels import fmt_num
from reports.spravka.document import Chart, Figures, Paragraph, Spravka, TableBlock, cell_value
from reports.spravka.narrative import WorkReport

WEAK_COLOR = RGBColor(0xC0, 0x00, 0x00)
WEAK_SHADE = "F8D7DA"
WIDE_TABLE = 10  # columns from which a table is set in a smaller font
PICTURE_WIDTH = Cm(16)
MARGIN = Cm(1.5)
TEXT_WIDTH = Cm(21) - 2 * MARGIN  # A4
CELL_CHARS = 28  # a longer value wraps instead of widening its column further
WORD_CHARS = 16  # a text column is at least as wide as its longest word, up to this many letters
SHORT_CHARS = 10  # values this short (numbers, dates) are «short»
BOLD, CAPITAL = 1.1, 1.35  # a bold letter is wider than a plain one, a capital wider than a small one
CHAR, CHAR_SMALL, CELL_PAD = Cm(0.19), Cm(0.17), Cm(0.3)  # width of a character at 9 and 8 pt, cell padding
TABLE_STYLE, SMALL_STYLE = "TableText", "TableTextSmall"  # paragraph styles of table cells: 9 and 8 pt


def _shade(cell: _Cell, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    props.append(shd)


def _title_word(title: str, char: int) -> float:
    """Width of the widest word of a header title set in bold (EMU), padding included: no title word breaks."""
    words = title.split() or [""]
    return max(sum(char * (CAPITAL if c.isupper() else 1.0) for c in w) for w in words) * BOLD + CELL_PAD


def _widths(header: list[str], rows: list[list[str]], char: int) -> list[int]:
    """Column widths (EMU). Short columns (numbers, dates) get what their values and their widest bold title word
    need, first. Text columns (names, topics, reasons) first get room for their longest word, so no word breaks,
    then share the rest by how much more their longest value asks for; a table that still does not fit shrinks."""

    def chars(n: int) -> float:
        return n * char + CELL_PAD

    fixed: dict[int, float] = {}
    least: dict[int, float] = {}
    want: dict[int, float] = {}
    for j, title in enumerate(header):
        values = [r[j] for r in rows]
        longest = max(map(len, values), default=0)
        title_word = _title_word(title, char)
        if longest <= SHORT_CHARS:
            fixed[j] = max(chars(longest + 1), title_word)
        else:
            word = max((len(w) for v in values for w in v.split()), default=1)
            least[j] = max(chars(min(word, WORD_CHARS)), min(title_word, chars(WORD_CHARS)))
            want[j] = max(chars(min(longest, CELL_CHARS)), least[j])
    room = TEXT_WIDTH - sum(fixed.values())
    extra = sum(want.values()) - sum(least.values())
    widths = dict(fixed)
    for j in want:
        if room >= sum(want.values()):
            widths[j] = want[j] * room / sum(want.values())
        else:
            spare = max(room - sum(least.values()), 0.0)
            widths[j] = least[j] + (spare * (want[j] - least[j]) / extra if extra else 0.0)
    scale = min(1.0, TEXT_WIDTH / sum(widths.values()))
    return [int(widths[j] * scale) for j in range(len(header))]


def _grid(doc: DocxDocument, header: list[str], rows: list[list[str]], weak: list[bool], style_id: str) -> None:
    """A bordered table; cell text takes its size from a paragraph style (far faster than per-run fonts). Right
    after another table an empty paragraph comes first, else Word merges the two into one grid."""
    last = doc.element.body[-1] if len(doc.element.body) else None
    if last is not None and last.tag == qn("w:sectPr"):
        last = last.getprevious()
    if last is not None and last.tag == qn("w:tbl"):
        doc.add_paragraph()
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    widths = _widths(header, rows, CHAR_SMALL if style_id == SMALL_STYLE else CHAR)
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = width
    for tr in table._tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, widths, strict=True):
            tc.width = width
    for i, (row, texts) in enumerate(zip(table.rows, [header, *rows], strict=True)):
        is_weak = i > 0 and weak[i - 1]
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
            para = cell.paragraphs[0]
            para._p.style = style_id
            if i == 0 or is_weak:
                for run in para.runs:
                    run.bold = True
                    if is_weak:
                        run.font.color.rgb = WEAK_COLOR
            if is_weak:
                _shade(cell, WEAK_SHADE)


def _table(doc: DocxDocument, block: TableBlock) -> None:
    records = block.records()
    rows = [[str(cell_value(c, rec[c])) for c in block.columns] for rec in records]
    _grid(doc, [block.title_of(c) for c in block.columns], rows, [block.is_weak(i) for i in range(len(rows))],
          SMALL_STYLE if len(block.columns) >= WIDE_TABLE else TABLE_STYLE)


def _chart(doc: DocxDocument, chart: Chart) -> None:
    if chart.data_table:
        header = [chart.x_title, *chart.categories]
        digits = 0 if chart.integral else 1
        rows = [[name, *(fmt_num(v, digits) for v in values)] for name, values in chart.series.items()]
        _grid(doc, header, rows, [False] * len(rows), TABLE_STYLE)
    doc.add_picture(io.BytesIO(chart_png(chart)), width=PICTURE_WIDTH)
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _figures(doc: DocxDocument, block: Figures) -> None:
    parts = []
    for i, (label, value) in enumerate(block.items):
        label = label if i == 0 or label[1:2].isupper() else label[:1].lower() + label[1:]
        parts.append(f"{label}: {cell_value(block.column_of(i), value)}")
    doc.add_paragraph("; ".join(parts) + ".")


def spravka_docx(spravka: Spravka) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    for name, size in ((TABLE_STYLE, 9), (SMALL_STYLE, 8)):
        cell_style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        cell_style.base_style = style
        cell_style.font.size = Pt(size)
        cell_style.paragraph_format.space_after = Pt(0)
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = MARGIN
        section.top_margin = section.bottom_margin = Cm(1.5)
    doc.add_heading(spravka.heading, level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for label, value in spravka.meta:
        para = doc.add_paragraph()
        para.add_run(f"{label}: ").bold = True
        para.add_run(str(cell_value("", value)))
    if spravka.purpose:
        doc.add_paragraph(spravka.purpose)
    for number, section in enumerate(spravka.sections, start=1):
        doc.add_heading(f"{number}. {section.title}", level=2)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                doc.add_paragraph().add_run(block.text).italic = block.note
            elif isinstance(block, Figures):
                _figures(doc, block)
            elif isinstance(block, TableBlock):
                if block.word:
                    _table(doc, block)
            elif not block.empty:
                _chart(doc, block)
    number = len(spravka.sections)
    doc.add_heading(f"{number + 1}. Выводы", level=2)
    for text in spravka.conclusions:
        doc.add_paragraph(text, style="List Bullet")
    doc.add_heading(f"{number + 2}. Рекомендации", level=2)
    for text in spravka.recommendations:
        doc.add_paragraph(text, style="List Number")
    doc.add_paragraph("")
    doc.add_paragraph(spravka.signature)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def work_docx(report: WorkReport) -> bytes:
    return spravka_docx(report.document())
