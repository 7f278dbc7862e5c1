"""The letterhead a справка is printed on: a Word template (the school's own, or the default made here) whose header,
footer and first-page block carry the school's name, the period and page numbers.

The template's body (a бланк with the school's details, a logo) comes first on page 1; `{школа}` and `{период}`
are filled in wherever they stand (header, footer, body). The template's styles are used; the few a справка needs
and a template made in Word may lack are added. `LETTERHEAD` is configured once at start-up (app.context) from
EDUMON_SCHOOL_NAME and the template file in the data dir; every справка built without an explicit letterhead uses it.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from reports.export.docx_layout import TEXT_WIDTH, field, has_field, page_setup
from reports.export.letterhead_config import Letterhead, TemplateError

SCHOOL, PERIOD = "{школа}", "{период}"
TABLE_STYLE, SMALL_STYLE = "TableText", "TableTextSmall"  # paragraph styles of table cells: 9 and 8 pt
TEMPLATE_LIMIT = 20 * 1024 * 1024  # a letterhead with a logo is a few hundred KB; nothing sane is bigger


def _add_styles(doc: DocxDocument) -> None:
    names = {s.name for s in doc.styles}
    normal = doc.styles["Normal"]
    for name, size in ((TABLE_STYLE, 9), (SMALL_STYLE, 8)):
        if name not in names:
            style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = normal
            style.font.size = Pt(size)
            style.paragraph_format.space_after = Pt(0)
            style.paragraph_format.space_before = Pt(0)
            style.paragraph_format.line_spacing = 1.0  # the template's Normal may space lines out


def default_template() -> bytes:
    """The template a school starts from: A4, Times New Roman 12 pt, the school's name and the period in the header,
    «Страница N из M» in the footer. A deputy downloads it, puts the school's бланк in, and uploads it back."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    _add_styles(doc)
    for name, size in (("Heading 1", 14), ("Heading 2", 12)):  # black Times, as a council's documents are set
        heading = doc.styles[name]
        heading.font.name = "Times New Roman"
        heading.font.size = Pt(size)
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.font.bold = True
        rfonts = heading.element.rPr.rFonts
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)  # a theme font would win over the name
    section = doc.sections[0]
    page_setup(section, landscape=False)
    head = section.header.paragraphs[0]
    head.text = f"{SCHOOL}\t{PERIOD}"
    head.style.font.size = Pt(9)
    stops = head.paragraph_format.tab_stops
    stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)  # the period at the right margin of a portrait page
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("Страница ")
    field(foot, "PAGE")
    foot.add_run(" из ")
    field(foot, "NUMPAGES")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def check_template(data: bytes) -> None:
    """Raise TemplateError unless `data` is a Word document (.docx) python-docx opens."""
    if len(data) > TEMPLATE_LIMIT:
        raise TemplateError(f"Бланк справки больше {TEMPLATE_LIMIT // (1024 * 1024)} МБ — так много он занимать не "
                            "может; сохраните его без лишних картинок")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError("Бланк справки — не документ Word (.docx): сохраните его в Word как «Документ Word "
                            "(*.docx)» (шаблон .dotx и старый формат .doc не подходят)")
    try:
        Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a foreign or broken package
        raise TemplateError("Бланк справки не открывается как документ Word (.docx): файл повреждён или это "
                            "шаблон .dotx — сохраните его как «Документ Word (*.docx)»") from exc


def _fill(paragraph: DocxParagraph, values: dict[str, str]) -> None:
    """Put the values in for the placeholders of one paragraph (Word splits text into runs at will, so the whole
    text goes into the first run; its formatting is kept)."""
    text = paragraph.text
    if not any(k in text for k in values):
        return
    for key, value in values.items():
        text = text.replace(key, value)
    runs = paragraph.runs
    if not runs:
        return
    runs[0].text = text
    for run in runs[1:]:
        run._r.getparent().remove(run._r)


def _all_paragraphs(doc: DocxDocument) -> list[DocxParagraph]:
    out = list(doc.paragraphs)
    for table in doc.tables:
        out += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not part.is_linked_to_previous:
                out += part.paragraphs
    return out


def open_letterhead(letterhead: Letterhead, period: str) -> DocxDocument:
    """A new document on the letterhead: placeholders filled, the styles a справка needs present, page numbers in
    the footer (added when the template has none)."""
    doc = Document(io.BytesIO(letterhead.template or default_template()))
    _add_styles(doc)
    values = {SCHOOL: letterhead.school, PERIOD: period}
    for paragraph in _all_paragraphs(doc):
        _fill(paragraph, values)
    footer = doc.sections[0].footer
    if not has_field(footer.paragraphs, "PAGE"):
        para = footer.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field(para, "PAGE")
    if not any(p.text.strip() for p in doc.paragraphs) and not doc.tables:  # an empty template body: start clean
        body = doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
    return doc


def style_or_none(doc: DocxDocument, name: str) -> str | None:
    """The style's name when the template has it (a template made in Word may lack «List Bullet»)."""
    return name if name in {s.name for s in doc.styles} else None
