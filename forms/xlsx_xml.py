"""Streaming readers of an uploaded workbook's XML parts, each through expat with no DTD, no entities and a depth
limit: the collector of names, the worksheet reader (the farthest cell that holds something, formulas without a
saved value, stray control characters) and the shared strings' size."""

from __future__ import annotations

from xml.parsers import expat

from forms.upload_limits import (
    _BAD_REF,
    _CTRL,
    EXCEL_CELL_CHARS,
    EXCEL_COLS,
    EXCEL_ROWS,
    UploadLimits,
    UploadRejected,
    _n,
    a1,
    corrupted,
    parse_ref,
)
from sheets_schema.errors import UserFacingError


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
