"""Looking inside an uploaded .xlsx before any parser materialises it: zip members, their sizes, the XML's shape and
how far the cells reach.

Everything is streamed with bounds. Each zip member is unpacked chunk by chunk and counted (headers may lie) and
its packing ratio watched (zip bombs); each XML part goes through expat with no DTD, no entities and a depth limit;
a worksheet's extent is its farthest cell that holds something (the `r` refs of `<c>` with a value or a formula —
that is what python-calamine sizes its grid by, counted from A1; the declared `<dimension>` is not trusted either
way). Stray control characters (raw or as `&#1;`) are tolerated here so they can be reported per cell later.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

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


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _Refused(UserFacingError):
    """Raised inside expat handlers; carries the rejection out of Parse()."""

    def __init__(self, rejection: UploadRejected) -> None:
        super().__init__(str(rejection))
        self.rejection = rejection


class _Xml:
    """One XML part fed in chunks: no DTD, no entities, bounded depth; subclasses look at elements."""

    def __init__(self, part: str, limits: UploadLimits) -> None:
        self.part, self.limits, self.depth, self.bad_refs = part, limits, 0, 0
        self._tail = b""
        p = expat.ParserCreate()
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._doctype
        p.EntityDeclHandler = self._doctype
        p.StartElementHandler = self._enter
        p.EndElementHandler = self._leave
        p.buffer_text = True
        self.parser = p

    def _doctype(self, *_: object) -> None:
        raise _Refused(UploadRejected(f"Файл отклонён: часть «{self.part}» содержит объявления DTD или сущностей — "
                                      "в книгах Excel их не бывает"))

    def _enter(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise _Refused(UploadRejected(f"Файл отклонён: вложенность XML в части «{self.part}» больше "
                                          f"{self.limits.max_depth} уровней — так не бывает у обычной таблицы"))
        self.start(name.rpartition(":")[2] if ":" in name else name, attrs)

    def _leave(self, name: str) -> None:
        self.depth -= 1
        self.end(name.rpartition(":")[2] if ":" in name else name)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def feed(self, chunk: bytes, final: bool = False) -> None:
        data = self._tail + chunk
        self._tail = b""
        amp = data.rfind(b"&")
        if not final and amp >= 0 and b";" not in data[amp:] and len(data) - amp < 16:
            data, self._tail = data[:amp], data[amp:]  # a character reference cut by the chunk boundary
        data, n = _BAD_REF.subn(b" ", data)
        self.bad_refs += n
        data = _CTRL.sub(b" ", data)
        try:
            self.parser.Parse(data, final)
        except _Refused as exc:
            raise exc.rejection from None
        except expat.ExpatError as exc:
            raise corrupted(f"часть «{self.part}» не является правильным XML") from exc


class _Collect(_Xml):
    """Attributes of the elements named in `names` (workbook sheets, relationships, content types)."""

    def __init__(self, part: str, limits: UploadLimits, names: set[str]) -> None:
        super().__init__(part, limits)
        self.names = names
        self.found: list[tuple[str, dict[str, str]]] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name in self.names and len(self.found) < 100_000:
            self.found.append((name, {_local(k): v for k, v in attrs.items()}))


class _Sheet(_Xml):
    """The farthest filled cell of a worksheet and its formula cells without a saved value."""

    def __init__(self, part: str, limits: UploadLimits, title: str) -> None:
        super().__init__(part, limits)
        self.title = title
        self.row = self.col = 0  # position of the current row / cell (1-based), as calamine counts them
        self.max_row = self.max_col = 0
        self.far = (0, 0)
        self.cells = 0
        self.in_cell = self.in_value = self.has_value = self.has_formula = self.text_typed = False
        self.formulas: set[tuple[int, int]] = set()
        self.parser.CharacterDataHandler = self._text

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "c":
            ref = attrs.get("r")
            if ref is not None:
                pos = parse_ref(ref)
                if pos is None:
                    raise _Refused(corrupted(f"на листе «{self.title}» неправильный адрес ячейки «{ref[:20]}»"))
                self.row, self.col = pos
            else:
                self.col += 1
            if self.row > EXCEL_ROWS or self.col > EXCEL_COLS:
                raise _Refused(UploadRejected(f"Лист «{self.title}»: ячейка {a1(self.row, self.col)} за пределами "
                                              "листа Excel — файл повреждён или создан не в Excel"))
            self.in_cell, self.has_value, self.has_formula = True, False, False
            self.text_typed = attrs.get("t") in ("str", "inlineStr")  # an empty saved text is still a value
            self.cells += 1
            if self.cells > 4 * self.limits.max_cells:
                raise _Refused(self.too_many(self.row, self.col))
        elif name == "row":
            r = attrs.get("r")
            self.row = int(r) if r and r.isdigit() else self.row + 1
            self.col = 0
        elif self.in_cell and name in ("v", "is"):
            self.in_value = True
            self.has_value = self.has_value or self.text_typed
        elif self.in_cell and name == "f":
            self.has_formula = True

    def _text(self, text: str) -> None:
        if self.in_value and text.strip():
            self.has_value = True

    def end(self, name: str) -> None:
        if name in ("v", "is"):
            self.in_value = False
            return
        if name != "c":
            return
        self.in_cell = False
        if not (self.has_value or self.has_formula):
            return
        if self.row > self.max_row or self.col > self.max_col:
            self.max_row, self.max_col = max(self.max_row, self.row), max(self.max_col, self.col)
            if self.row * self.col >= self.far[0] * self.far[1]:
                self.far = (self.row, self.col)
            if self.max_row * self.max_col > self.limits.max_cells:
                raise _Refused(self.too_many(self.row, self.col))
        if self.has_formula and not self.has_value and len(self.formulas) < self.limits.max_cells:
            self.formulas.add((self.row - 1, self.col - 1))

    @property
    def area(self) -> int:
        return self.max_row * self.max_col

    def too_many(self, row: int, col: int) -> UploadRejected:
        return UploadRejected(
            f"Лист «{self.title}»: заполнена ячейка {a1(row, col)}, и таблица от A1 до неё больше допустимых "
            f"{_n(self.limits.max_cells)} ячеек (строки × столбцы). Удалите содержимое за пределами таблицы "
            "(строки ниже и столбцы правее данных) и загрузите снова")


class _Strings(_Xml):
    """Shared strings: none longer than Excel allows."""

    def __init__(self, part: str, limits: UploadLimits) -> None:
        super().__init__(part, limits)
        self.length = self.count = 0
        self.parser.CharacterDataHandler = self._text

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "si":
            self.length = 0
            self.count += 1
            if self.count > self.limits.max_cells:
                raise _Refused(UploadRejected(f"Файл отклонён: в книге больше {_n(self.limits.max_cells)} разных "
                                              "строк текста — больше, чем ячеек может быть в загрузке"))

    def _text(self, text: str) -> None:
        self.length += len(text)
        if self.length > EXCEL_CELL_CHARS:
            raise _Refused(UploadRejected(f"Файл отклонён: в нём есть текст длиннее {_n(EXCEL_CELL_CHARS)} символов "
                                          "— в ячейку Excel столько не помещается"))


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: UploadLimits, total: list[int]) -> Iterator[bytes]:
    """A member unpacked in 1 MB chunks, counted against the total and its packing ratio as it goes."""
    seen = 0
    with zf.open(info) as f:
        while chunk := f.read(MB):
            seen += len(chunk)
            total[0] += len(chunk)
            if total[0] > limits.max_unpacked:
                raise too_big_unpacked(limits)
            if seen > MB and seen > limits.max_ratio * max(info.compress_size, 1):
                raise UploadRejected(f"Файл отклонён: часть «{info.filename[:80]}» распаковывается в сотни раз "
                                     "больше своего размера (признак «zip-бомбы»)")
            yield chunk


def _resolve(base: str, target: str) -> str:
    """A relationship target as a zip member name (targets are relative to the part's folder or absolute)."""
    path = target[1:] if target.startswith("/") else posixpath.join(base, target)
    return posixpath.normpath(path).lstrip("/")


def _collect(zf: zipfile.ZipFile, name: str, limits: UploadLimits, elements: set[str],
             total: list[int]) -> list[tuple[str, dict[str, str]]]:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return []
    xml = _Collect(name, limits, elements)
    for chunk in _chunks(zf, info, limits, total):
        xml.feed(chunk)
    xml.feed(b"", final=True)
    return xml.found


def _worksheets(zf: zipfile.ZipFile, limits: UploadLimits, total: list[int]) -> dict[str, str]:
    """Zip member of each worksheet -> its sheet name, by workbook.xml and its relationships (as calamine finds
    them)."""
    sheets = _collect(zf, "xl/workbook.xml", limits, {"sheet"}, total)
    rels = {a.get("Id", ""): a.get("Target", "")
            for _, a in _collect(zf, "xl/_rels/workbook.xml.rels", limits, {"Relationship"}, total)}
    out: dict[str, str] = {}
    for _, attrs in sheets:
        target = rels.get(attrs.get("id", ""))
        if target:
            out[_resolve("xl", target)] = attrs.get("name", "")
    return out


def _content_types(zf: zipfile.ZipFile, limits: UploadLimits, total: list[int]) -> None:
    found = _collect(zf, "[Content_Types].xml", limits, {"Default", "Override"}, total)
    types = [a.get("ContentType", "").lower() for _, a in found]
    if any("macroenabled" in t for t in types):
        raise UploadRejected("Книга содержит макросы — такие файлы не принимаются. Сохраните её как «Книга Excel "
                             "(.xlsx)» без макросов")
    if not any(t.endswith(_MAIN_TYPES) for t in types):
        raise UploadRejected("Это не книга Excel (.xlsx): в файле нет описания книги. Сохраните таблицу в Excel "
                             "как «Книга Excel (.xlsx)» и загрузите снова")


def scan_xlsx(data: bytes, filename: str, limits: UploadLimits) -> Scan:
    """Every check that needs no spreadsheet parser; UploadRejected with a Russian message on the first failure."""
    if filename.lower().endswith(_MACRO_EXT):
        raise UploadRejected("Файл с макросами (.xlsm/.xlsb) не принимается: сохраните книгу как «Книга Excel "
                             "(.xlsx)» без макросов")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise corrupted("не удаётся открыть его как книгу Excel (.xlsx)") from exc
    try:
        with zf:
            return _scan(zf, limits)
    except UploadRejected:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError,
            KeyError) as exc:  # RuntimeError: encrypted members
        raise corrupted() from exc


def _scan(zf: zipfile.ZipFile, limits: UploadLimits) -> Scan:
    infos = zf.infolist()
    names = {i.filename.lower() for i in infos}
    if len(infos) > limits.max_entries:
        raise UploadRejected(f"Файл отклонён: в нём больше {_n(limits.max_entries)} частей — так не бывает у "
                             "обычной таблицы")
    if sum(i.file_size for i in infos) > limits.max_unpacked:
        raise too_big_unpacked(limits)
    if any(n.endswith("vbaproject.bin") for n in names):
        raise UploadRejected("Книга содержит макросы — такие файлы не принимаются. Сохраните её как «Книга Excel "
                             "(.xlsx)» без макросов")
    if "xl/workbook.xml" not in names:
        raise UploadRejected("Это не книга Excel (.xlsx): в файле нет листов таблицы")
    total = [0]
    _content_types(zf, limits, total)
    sheets = {k.lower(): v for k, v in _worksheets(zf, limits, total).items()}
    scan, area, biggest = Scan(), 0, None
    for info in infos:
        name = info.filename
        lower = name.lower()
        xml: _Xml | None = None
        if lower in sheets or (lower.startswith("xl/worksheets/") and lower.endswith(".xml")):
            xml = _Sheet(name, limits, sheets.get(lower) or posixpath.basename(name))  # by name case, as parsers may
        elif lower.endswith("sharedstrings.xml"):
            if info.file_size > limits.max_shared_strings:
                raise UploadRejected(f"Файл отклонён: общий словарь строк книги больше "
                                     f"{limits.max_shared_strings // MB} МБ — так не бывает у обычной таблицы")
            xml = _Strings(name, limits)
        elif lower in _PARSED or lower.endswith(".rels"):
            xml = _Xml(name, limits)
        shared = 0
        for chunk in _chunks(zf, info, limits, total):
            if xml is not None:
                xml.feed(chunk)
            if isinstance(xml, _Strings):
                shared += len(chunk)
                if shared > limits.max_shared_strings:
                    raise UploadRejected(f"Файл отклонён: общий словарь строк книги больше "
                                         f"{limits.max_shared_strings // MB} МБ — так не бывает у обычной таблицы")
        if xml is not None:
            xml.feed(b"", final=True)
        if isinstance(xml, _Sheet):
            area += xml.area
            biggest = xml if biggest is None or xml.area > biggest.area else biggest
            if area > limits.max_cells:
                raise biggest.too_many(*biggest.far)
            if xml.formulas:
                scan.formulas[xml.title] = xml.formulas
        if isinstance(xml, (_Sheet, _Strings)) and xml.bad_refs:  # its size was counted above
            scan.repaired[name] = _BAD_REF.sub(_excel_escape, zf.read(info))
    return scan


def _excel_escape(m: re.Match[bytes]) -> bytes:
    code = int(m.group(1)) if m.group(1) is not None else int(m.group(2), 16)
    return b"_x%04X_" % code


def repaired_zip(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The same workbook with the given members replaced (bounded: the parts were counted by the scan)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, parts[info.filename] if info.filename in parts else src.read(info))
    return out.getvalue()

