"""What an upload may hold and how a refusal is worded: the limits (EDUMON_UPLOAD_*), the Russian rejection, cell
references of the upload's XML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sheets_schema.errors import UserFacingError

MB = 1024 * 1024
EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384
EXCEL_CELL_CHARS = 32_767
_MACRO_EXT = (".xlsm", ".xltm", ".xlam", ".xlsb")
# parts the spreadsheet parser reads besides worksheets and shared strings (drawings, charts, legacy VML and the
# like are only unpacked and counted: nobody parses them, and Excel's own VML is not always well-formed XML)
_PARSED = {"[content_types].xml", "xl/workbook.xml", "xl/styles.xml"}
_MAIN_TYPES = ("spreadsheetml.sheet.main+xml", "spreadsheetml.template.main+xml")
_CTRL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# character references XML 1.0 forbids; calamine refuses &#0; outright, so those are rewritten as Excel's _x0000_
_BAD_REF = re.compile(rb"&#(?:0*([0-8]|1[124-9]|2[0-9]|3[01])|[xX]0*([0-8bBcC]|1[0-9a-fA-F]));")
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


@dataclass(frozen=True)
class UploadLimits:
    """How much an upload may hold; `max_bytes` and `max_cells` come from the settings (EDUMON_UPLOAD_*)."""

    max_bytes: int = 10 * MB
    max_cells: int = 1_000_000  # rows × columns from A1, over all worksheets
    max_unpacked: int = 100 * MB
    max_entries: int = 5000
    max_shared_strings: int = 50 * MB  # unpacked size of the shared strings part
    max_ratio: int = 200  # unpacked / packed of one member above 1 MB
    max_depth: int = 64
    seconds: float = 120.0  # the reading process is stopped after this (a full 1 000 000 cells takes ~30 s)
    memory_bytes: int = 1536 * MB  # address space of the reading process


class UploadRejected(UserFacingError):
    """A file we refuse; the message is Russian, is shown as is, and nothing has been changed."""


@dataclass
class Scan:
    """What the parser will see: per sheet name, cells holding a formula without a saved value (0-based row, col),
    and the XML parts that had to be repaired for the parser (forbidden character references)."""

    formulas: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    repaired: dict[str, bytes] = field(default_factory=dict)


def a1(row: int, col: int) -> str:
    """1-based row and column -> A1."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def parse_ref(ref: str) -> tuple[int, int] | None:
    """A1 -> 1-based (row, column), None when it is not a cell reference."""
    m = _REF.match(ref.strip())
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def corrupted(what: str = "часть его содержимого не читается") -> UploadRejected:
    return UploadRejected(f"Файл повреждён: {what}. Откройте его в Excel и сохраните заново")


def too_big_unpacked(limits: UploadLimits) -> UploadRejected:
    return UploadRejected(f"Файл в распакованном виде больше {limits.max_unpacked // MB} МБ — так не бывает у "
                          "обычной таблицы; загрузка отклонена")


def _n(number: int) -> str:
    return f"{number:,}".replace(",", " ")
