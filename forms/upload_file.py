"""Reading an uploaded .xlsx safely, in memory: refuse what is not a plain workbook before parsing it.

Checked in this order, each with a Russian message: size, the zip signature (an old .xls, a CSV, a renamed
file), a readable zip, the total unpacked size and the entry count (zip bombs — counted while actually
unpacking, so lying headers do not help), macros (.xlsm, vbaProject.bin), then python-calamine reads the cells.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib
from dataclasses import dataclass, field

from python_calamine import CalamineWorkbook

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 5000
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other old Office files
_MACRO_EXT = (".xlsm", ".xltm", ".xlam", ".xlsb")

Cell = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


class UploadRejected(Exception):
    """A file we refuse; the message is Russian, is shown as is, and nothing has been changed."""


@dataclass
class UploadedBook:
    """Every worksheet as rows of values from cell A1 (empty cells are ''), and which sheets are hidden."""

    sheets: dict[str, list[list[Cell]]]
    hidden: set[str] = field(default_factory=set)

    def meta(self, title: str) -> dict[str, str]:
        """Key → value pairs of a two-column service sheet."""
        out: dict[str, str] = {}
        for row in self.sheets.get(title, []):
            if len(row) >= 2 and str(row[0]).strip():
                value = row[1]
                out[str(row[0]).strip()] = str(int(value)) if isinstance(value, float) and value.is_integer() \
                    else str(value).strip()
        return out


def _check_zip(data: bytes, filename: str) -> None:
    if filename.lower().endswith(_MACRO_EXT):
        raise UploadRejected("Файл с макросами (.xlsm/.xlsb) не принимается: сохраните книгу как «Книга Excel "
                             "(.xlsx)» без макросов")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise UploadRejected("Файл повреждён: не удаётся открыть его как книгу Excel (.xlsx)") from exc
    with zf:
        infos = zf.infolist()
        names = {i.filename.lower() for i in infos}
        if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise UploadRejected(_too_big_unpacked())
        if any(n.endswith("vbaproject.bin") for n in names) or _macro_content_types(zf):
            raise UploadRejected("Книга содержит макросы — такие файлы не принимаются. Сохраните её как «Книга "
                                 "Excel (.xlsx)» без макросов")
        if "xl/workbook.xml" not in names:
            raise UploadRejected("Это не книга Excel (.xlsx): в файле нет листов таблицы")
        unpacked = 0
        try:
            for info in infos:
                with zf.open(info) as f:
                    while chunk := f.read(1 << 20):
                        unpacked += len(chunk)
                        if unpacked > MAX_UNPACKED_BYTES:
                            raise UploadRejected(_too_big_unpacked())
        except UploadRejected:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise UploadRejected("Файл повреждён: часть его содержимого не читается. Откройте его в Excel и "
                                 "сохраните заново") from exc


def _macro_content_types(zf: zipfile.ZipFile) -> bool:
    try:
        with zf.open("[Content_Types].xml") as f:
            head = f.read(1 << 20)
    except KeyError:
        return False
    return b"macroenabled" in head.lower()


def _too_big_unpacked() -> str:
    return (f"Файл в распакованном виде больше {MAX_UNPACKED_BYTES // (1024 * 1024)} МБ — так не бывает у "
            "обычной таблицы; загрузка отклонена")


def read_xlsx(data: bytes, filename: str = "") -> UploadedBook:
    """The cells of an uploaded workbook, or UploadRejected with a message for the person."""
    if not data:
        raise UploadRejected("Файл пустой")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected(f"Файл больше {MAX_UPLOAD_BYTES // (1024 * 1024)} МБ: разделите его на части")
    if data.startswith(_OLE_MAGIC):
        raise UploadRejected("Это файл старого формата Excel (.xls): сохраните его как «Книга Excel (.xlsx)»")
    if not data.startswith(_ZIP_MAGIC):
        raise UploadRejected("Это не книга Excel (.xlsx). Сохраните таблицу в формате .xlsx и загрузите снова")
    _check_zip(data, filename)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: dict[str, list[list[Cell]]] = {}
        hidden: set[str] = set()
        for meta in wb.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):
                continue
            sheets[meta.name] = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            if "Visible" != str(meta.visible).rsplit(".", 1)[-1]:
                hidden.add(meta.name)
    except Exception as exc:  # calamine raises its own zoo of errors on broken XML inside a valid zip
        raise UploadRejected("Файл повреждён: не удаётся прочитать листы книги. Откройте его в Excel и сохраните "
                             "заново") from exc
    return UploadedBook(sheets, hidden)
