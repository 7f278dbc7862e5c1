"""Any справка as a Word document (python-docx), built in memory: `spravka_docx(doc)` returns bytes. It is set on
the school's letterhead (reports.export.letterhead: the school's name and the period in the header, page numbers in
the footer); sections are numbered, weak rows of a table are shaded and set in red, charts are pictures, and the
conclusions and recommendations are ordinary paragraphs the deputy edits before the pedagogical council.

A printed справка keeps to what a council reads: a table too wide for a portrait page gets a landscape page (its
whole section turns), no number or word is broken inside a cell, a long table shows its first rows and «ещё N — в
приложении (xlsx)», a long cell its beginning, and the signature is never alone on the last page.
"""

from __future__ import annotations

import io

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor
from docx.table import _Cell

from reports.export.charts import chart_png
from reports.export.docx_layout import (
    CHAR,
    TEXT_WIDTH,
    Fit,
    borders,
    fit_table,
    is_landscape,
    keep_with_next,
    print_rows,
    set_widths,
    turn,
    widths_for,
)
from reports.export.letterhead import SMALL_STYLE, TABLE_STYLE, Letterhead, open_letterhead, style_or_none
from reports.export.letterhead_config import LETTERHEAD
from reports.labels import fmt_num
from reports.spravka.document import WORD_ROWS, Chart, Figures, Paragraph, Section, Spravka, TableBlock, cell_value
from reports.spravka.narrative import WorkReport

WEAK_COLOR = RGBColor(0xC0, 0x00, 0x00)
WEAK_SHADE = "F8D7DA"
PICTURE_WIDTH = Cm(16)
CELL_TEXT = 100  # letters of a cell Word shows (a long list of reasons); the whole text is in the xlsx
MORE_ROWS = "ещё {n} — в приложении (xlsx)"
MORE_TEXT = " … (полностью — в xlsx)"
PERIOD_LABELS = ("Период", "Учебный год")  # meta lines that name the period in the header


def _shade(cell: _Cell, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    props.append(shd)


def _after_table(doc: DocxDocument) -> None:
    """Right after another table an empty paragraph comes first, else Word merges the two into one grid."""
    last = doc.element.body[-1] if len(doc.element.body) else None
    if last is not None and last.tag == qn("w:sectPr"):
        last = last.getprevious()
    if last is not None and last.tag == qn("w:tbl"):
        doc.add_paragraph()


def _grid(doc: DocxDocument, header: list[str], rows: list[list[str]], weak: list[bool], widths: list[int],
          style_id: str) -> None:
    """A bordered table; cell text takes its size from a paragraph style (far faster than per-run fonts)."""
    _after_table(doc)
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    borders(table)
    set_widths(table, widths)
    print_rows(table)
    for i, (row, texts) in enumerate(zip(table.rows, [header, *rows], strict=True)):
        is_weak = i > 0 and weak[i - 1]
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
            para = cell.paragraphs[0]
            para._p.style = SMALL_STYLE if i == 0 else style_id  # header rows at 8 pt: long titles fit
            if i == 0 or is_weak:
                for run in para.runs:
                    run.bold = True
                    if is_weak:
                        run.font.color.rgb = WEAK_COLOR
            if is_weak:
                _shade(cell, WEAK_SHADE)


def _short(text: str) -> str:
    """A cell's text cut to CELL_TEXT letters at a boundary («;», then a space), with where the rest is."""
    if len(text) <= CELL_TEXT:
        return text
    head = text[:CELL_TEXT]
    cut = head.rfind("; ")
    cut = cut if cut > CELL_TEXT // 2 else head.rfind(" ")
    return head[:cut if cut > 0 else CELL_TEXT].rstrip(" ;,") + MORE_TEXT


def _rows(block: TableBlock) -> tuple[list[str], list[list[str]], list[bool], int]:
    """Header, the rows Word shows, their weak flags, and how many rows are left to the xlsx."""
    records = block.records()
    shown = records[:WORD_ROWS]
    rows = [[_short(str(cell_value(c, rec[c]))) for c in block.columns] for rec in shown]
    return ([block.title_of(c) for c in block.columns], rows, [block.is_weak(i) for i in range(len(rows))],
            len(records) - len(shown))


def table_fit(block: TableBlock) -> Fit:
    header, rows, _, _ = _rows(block)
    return fit_table(header, rows)


def _table(doc: DocxDocument, block: TableBlock) -> None:
    header, rows, weak, more = _rows(block)
    fit = fit_table(header, rows)
    _grid(doc, header, rows, weak, list(fit.widths), SMALL_STYLE if fit.small else TABLE_STYLE)
    if more:
        doc.add_paragraph().add_run(MORE_ROWS.format(n=more)).italic = True


def _chart(doc: DocxDocument, chart: Chart) -> None:
    if chart.data_table:
        header = [chart.x_title, *chart.categories]
        digits = 0 if chart.integral else 1
        rows = [[name, *(fmt_num(v, digits) for v in values)] for name, values in chart.series.items()]
        _grid(doc, header, rows, [False] * len(rows), widths_for(header, rows, CHAR, TEXT_WIDTH), TABLE_STYLE)
    doc.add_picture(io.BytesIO(chart_png(chart)), width=PICTURE_WIDTH)
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _figures(doc: DocxDocument, block: Figures) -> None:
    parts = []
    for i, (label, value) in enumerate(block.items):
        label = label if i == 0 or label[1:2].isupper() else label[:1].lower() + label[1:]
        parts.append(f"{label}: {cell_value(block.column_of(i), value)}")
    doc.add_paragraph("; ".join(parts) + ".")


def _wide(section: Section) -> bool:
    """The section has a Word table that needs a landscape page: the whole section is set in landscape."""
    return any(isinstance(b, TableBlock) and b.word and table_fit(b).landscape for b in section.blocks)


def _orientations(spravka: Spravka) -> list[bool]:
    """Landscape or not, per section: a section between two landscape ones stays landscape too (each turn of the
    page costs a half-empty page)."""
    wide = [_wide(s) for s in spravka.sections]
    return [w or (0 < i < len(wide) - 1 and wide[i - 1] and wide[i + 1]) for i, w in enumerate(wide)]


def _heading(doc: DocxDocument, text: str, level: int) -> None:
    name = style_or_none(doc, f"Heading {level}")
    if name:
        para = doc.add_paragraph(text, style=name)
    else:  # a template without heading styles: bold text that stays with what follows
        para = doc.add_paragraph()
        para.add_run(text).bold = True
    keep_with_next(para)
    if level == 1:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _items(doc: DocxDocument, lines: tuple[str, ...], style: str, numbered: bool) -> None:
    name = style_or_none(doc, style)
    for i, text in enumerate(lines, start=1):
        doc.add_paragraph(text if name else (f"{i}. {text}" if numbered else f"• {text}"), style=name)


def period_of(spravka: Spravka) -> str:
    """What the header says of the period: «учебный год · 2025/2026», or the work's date."""
    parts = [str(cell_value("", v)) for label, v in spravka.meta if label in PERIOD_LABELS]
    if not parts:
        parts = [str(cell_value("", v)) for label, v in spravka.meta if "дата" in label.lower()][:1]
    return " · ".join(parts)


def spravka_docx(spravka: Spravka, *, letterhead: Letterhead | None = None) -> bytes:
    """The справка on `letterhead` (the configured LETTERHEAD by default)."""
    doc = open_letterhead(letterhead or LETTERHEAD, period_of(spravka))
    _heading(doc, spravka.heading, 1)
    for label, value in spravka.meta:
        para = doc.add_paragraph()
        para.add_run(f"{label}: ").bold = True
        para.add_run(str(cell_value("", value)))
    if spravka.purpose:
        doc.add_paragraph(spravka.purpose)
    for number, (section, wide) in enumerate(zip(spravka.sections, _orientations(spravka), strict=True), start=1):
        if wide != is_landscape(doc.sections[-1]):
            turn(doc, wide)
        _heading(doc, f"{number}. {section.title}", 2)
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
    if is_landscape(doc.sections[-1]):
        turn(doc, False)
    number = len(spravka.sections)
    _heading(doc, f"{number + 1}. Выводы", 2)
    _items(doc, spravka.conclusions, "List Bullet", numbered=False)
    if spravka.level_scales():
        doc.add_paragraph().add_run(spravka.level_scales()).italic = True
    _heading(doc, f"{number + 2}. Рекомендации", 2)
    _items(doc, spravka.recommendations, "List Number", numbered=True)
    if doc.paragraphs:
        keep_with_next(doc.paragraphs[-1])  # the last recommendation goes with the signature onto its page
    keep_with_next(doc.add_paragraph(""))
    doc.add_paragraph(spravka.signature)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def work_docx(report: WorkReport, *, letterhead: Letterhead | None = None) -> bytes:
    return spravka_docx(report.document(), letterhead=letterhead)
