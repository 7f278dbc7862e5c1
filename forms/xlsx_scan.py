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

from forms.upload_limits import (
    _BAD_REF,
    _MACRO_EXT,
    _MAIN_TYPES,
    _PARSED,
    MB,
    Scan,
    UploadLimits,
    UploadRejected,
    _n,
    corrupted,
    too_big_unpacked,
)
from forms.xlsx_xml import (
    _Collect,
    _Sheet,
    _Strings,
    _Xml,
)


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
