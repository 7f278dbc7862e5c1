"""How a справка sits on the page in Word: column widths that never break a number or a word, the page (portrait or
landscape) a table needs, repeated header rows, rows that do not split, page-number fields and table borders that do
not depend on the styles of the letterhead template.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section as DocxSection
from docx.shared import Cm, Emu
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph
from matplotlib.ft2font import FT2Font

PAGE_W, PAGE_H = Cm(21), Cm(29.7)  # A4
MARGIN = Cm(1.5)
TEXT_WIDTH = PAGE_W - 2 * MARGIN
LANDSCAPE_WIDTH = PAGE_H - 2 * MARGIN
CELL_CHARS = 40  # a longer value wraps instead of widening its column further
WORD_CHARS = 16  # a text column is at least as wide as its longest word, up to this many letters
SHORT_CHARS = 10  # values this short (numbers, dates) are «short»: they never wrap
# text is measured in DejaVu Serif, the widest font a справка meets (LibreOffice sets Times New Roman in it where
# that is not installed): what fits in it fits in Times New Roman, Liberation Serif or PT Serif too
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONTS = {False: FONT_DIR / "DejaVuSerif.ttf", True: FONT_DIR / "DejaVuSerif-Bold.ttf"}
CHAR, CHAR_SMALL = 9, 8  # point sizes of table text: normal and wide tables
CELL_PAD = Cm(0.5)  # left and right cell margins of a bordered table (0.19 cm each) and a little air
EMU_PER_PT = 12700
BORDER_COLOR = "808080"


@lru_cache(maxsize=4096)
def _char_pt(char: str, bold: bool) -> float:
    """Advance width of one character at 1 pt (kerning ignored: a slight overestimate, on the safe side)."""
    font = _font(bold)
    font.set_size(100, 72)
    font.set_text(char)
    return font.get_width_height()[0] / 64 / 100


@lru_cache(maxsize=2)
def _font(bold: bool) -> FT2Font:
    return FT2Font(str(FONTS[bold]))


_MEASURE = threading.Lock()  # FT2Font keeps the text it measured: one thread at a time


def _text_width(text: str, size: int, bold: bool = False) -> float:
    """Width of `text` in a cell (EMU), padding included."""
    with _MEASURE:
        points = sum(_char_pt(c, bold) for c in text) * size
    return points * EMU_PER_PT + CELL_PAD


def _longest_word(texts: list[str], size: int, bold: bool, cap: int | None = None) -> float:
    words = [w[:cap] if cap else w for t in texts for w in t.split()] or [""]
    return max(_text_width(w, size, bold) for w in words)


@dataclass(frozen=True)
class Fit:
    """Column widths (EMU) of a table and whether it needs a landscape page."""

    widths: tuple[int, ...]
    landscape: bool
    small: bool


@dataclass(frozen=True)
class _Need:
    """What a column asks for (EMU; values measured in bold, as weak rows are set): below `hard` a number, a date
    or a word of a value breaks; `least` also keeps every header word whole; `want` is what its values ask for (a
    text column's longest value, up to CELL_CHARS); `text` columns share whatever room is left."""

    hard: float
    least: float
    want: float
    text: bool


def _needs(header: list[str], rows: list[list[str]], size: int) -> list[_Need]:
    out = []
    for j, title in enumerate(header):
        values = [r[j] for r in rows]
        longest = max(map(len, values), default=0)
        title_word = _longest_word([title], CHAR_SMALL, bold=True)  # header rows are set at 8 pt
        if longest <= SHORT_CHARS:
            value = max((_text_width(v, size, bold=True) for v in values), default=CELL_PAD)
            out.append(_Need(value, max(value, title_word), max(value, title_word), False))
        else:
            word = _longest_word(values, size, bold=True, cap=WORD_CHARS)
            least = max(word, min(title_word, _text_width("м" * WORD_CHARS, CHAR_SMALL, bold=True)))
            out.append(_Need(word, least, max(_text_width("м" * min(longest, CELL_CHARS), size), least), True))
    return out


def _share(base: list[float], top: list[float], room: float) -> list[float]:
    """`base` plus the spare room shared by how much more each column asks for (`top` − `base`)."""
    extra = sum(top) - sum(base)
    spare = room - sum(base)
    return [b + (spare * (t - b) / extra if extra else 0.0) for b, t in zip(base, top, strict=True)]


def _spread(needs: list[_Need], room: float) -> list[float]:
    """Widths inside `room`. Everything wanted fits: short columns get what they want, text columns the rest (by
    what they want). Else every column its least and the rest shared by what more each wants; else header words
    may break (numbers and value words keep their width); else everything shrinks alike."""
    hard, least, want = [n.hard for n in needs], [n.least for n in needs], [n.want for n in needs]
    if sum(want) <= room:
        text = sum(n.want for n in needs if n.text)
        if not text:
            return [w * room / sum(want) if sum(want) else 0.0 for w in want]
        spare = room - sum(n.want for n in needs if not n.text)
        return [n.want * spare / text if n.text else n.want for n in needs]
    if sum(least) <= room:
        return _share(least, want, room)
    if sum(hard) <= room:
        return _share(hard, least, room)
    return [h * room / sum(hard) for h in hard]


def fit_table(header: list[str], rows: list[list[str]]) -> Fit:
    """The first layout that keeps every header word whole: portrait 9 pt, portrait 8 pt, landscape 9 pt, landscape
    8 pt; failing all, landscape 8 pt with header words broken (values still whole where at all possible)."""
    tries = ((TEXT_WIDTH, False, False), (TEXT_WIDTH, False, True), (LANDSCAPE_WIDTH, True, False),
             (LANDSCAPE_WIDTH, True, True))
    for room, landscape, small in tries:
        needs = _needs(header, rows, CHAR_SMALL if small else CHAR)
        if sum(n.least for n in needs) <= room or (landscape and small):
            widths = _spread(needs, room)
            return Fit(tuple(int(w) for w in widths), landscape, small)
    raise AssertionError("unreachable: the last layout always fits")


def widths_for(header: list[str], rows: list[list[str]], size: int, room: int) -> list[int]:
    """Widths of a table kept on the current page whatever it needs (a chart's small data table)."""
    return [int(w) for w in _spread(_needs(header, rows, size), room)]


def set_widths(table: Table, widths: tuple[int, ...] | list[int]) -> None:
    table.autofit = False
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = Emu(width)
    for tr in table._tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, widths, strict=True):
            tc.width = Emu(width)


def _row_flag(tr: object, tag: str) -> None:
    props = tr.get_or_add_trPr()  # type: ignore[attr-defined]
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    props.append(flag)


def print_rows(table: Table) -> None:
    """The header row repeats on every page the table runs onto, and no row is split across two pages."""
    for i, tr in enumerate(table._tbl.tr_lst):
        _row_flag(tr, "w:cantSplit")
        if i == 0:
            _row_flag(tr, "w:tblHeader")


def borders(table: Table) -> None:
    """Thin borders set on the table itself: a letterhead template need not have the «Table Grid» style."""
    props = table._tbl.tblPr
    box = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), BORDER_COLOR)
        box.append(line)
    props.append(box)


def page_setup(section: DocxSection, landscape: bool) -> None:
    """A4 with the справка's margins, in the given orientation."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (PAGE_H, PAGE_W) if landscape else (PAGE_W, PAGE_H)
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN
    section.header_distance = section.footer_distance = Cm(0.7)


def turn(doc: object, landscape: bool) -> None:
    """Start a new page in the other orientation (headers and footers carry on from the section before)."""
    page_setup(doc.add_section(WD_SECTION.NEW_PAGE), landscape)  # type: ignore[attr-defined]


def is_landscape(section: DocxSection) -> bool:
    return bool(section.page_width and section.page_height and section.page_width > section.page_height)


def field(paragraph: DocxParagraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) at the end of the paragraph; Word and LibreOffice compute it when printing."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def has_field(paragraphs: list[DocxParagraph], code: str) -> bool:
    return any(code in (t.text or "") for p in paragraphs for t in p._p.iter(qn("w:instrText"))) or any(
        code in (f.get(qn("w:instr")) or "") for p in paragraphs for f in p._p.iter(qn("w:fldSimple")))


def keep_with_next(paragraph: DocxParagraph) -> None:
    paragraph.paragraph_format.keep_with_next = True
