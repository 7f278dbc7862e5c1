"""Generated hostile workbooks for the upload tests: far cells, huge shared strings, deep XML, entity attacks,
broken zips, wrong content types, zip bombs and files that are not workbooks at all.

Each case is (name, bytes, a fragment its refusal must contain or None when any Russian refusal will do).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
Case = tuple[str, bytes, str | None]


def content_types(main: str = MAIN_TYPE) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>')


def sheet_xml(cells: str = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>1</v></c></row>',
              dimension: str = "A1:B1") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><dimension ref="{dimension}"/>' \
           f'<sheetData>{cells}</sheetData></worksheet>'


def shared_xml(strings: tuple[str, ...] = ("Иванов",)) -> str:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="{len(strings)}">{items}</sst>'


def parts(**override: str | bytes | None) -> dict[str, str | bytes | None]:
    """The parts of a minimal valid workbook with one sheet «Лист1»; an override of None drops the part."""
    base: dict[str, str | bytes | None] = {
        "[Content_Types].xml": content_types(),
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                       'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                       'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets>'
                           '<sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                                      'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
                                      f'{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
                                      f'Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml(),
        "xl/sharedStrings.xml": shared_xml(),
    }
    base.update({k.replace("__", "/"): v for k, v in override.items()})
    return base


def pack(files: dict[str, str | bytes | None], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, content in files.items():
            if content is not None:
                zf.writestr(name, content.encode() if isinstance(content, str) else content)
    return out.getvalue()


def book(**override: str | bytes | None) -> bytes:
    return pack(parts(**override))


def with_sheet(xml: str) -> bytes:
    return pack(parts(**{"xl/worksheets/sheet1.xml": xml}))


def far_cells() -> Iterator[Case]:
    kinds = {
        "number": '<c r="{ref}"><v>1</v></c>',
        "inline": '<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>',
        "shared": '<c r="{ref}" t="s"><v>0</v></c>',
        "formula": '<c r="{ref}"><f>1+1</f><v>2</v></c>',
    }
    refs = ["XFD1048576", "Z200000", "A1000001", "XFD100", "AAA2000", "B600000", "CW10101", "ZZ5000", "A1048576",
            "XFD1048575", "IV65536", "BA20000"]
    for ref in refs:
        row = int("".join(ch for ch in ref if ch.isdigit()))
        for kind, cell in kinds.items():
            cells = f'<row r="1"><c r="A1"><v>1</v></c></row><row r="{row}">{cell.format(ref=ref)}</row>'
            yield f"far {ref} {kind}", with_sheet(sheet_xml(cells)), ref
    for ref in ("XFD1048576", "Z200000", "AAA2000", "A1000001"):  # the dimension claims nothing but A1
        row = int("".join(ch for ch in ref if ch.isdigit()))
        yield f"far {ref} under a small dimension", with_sheet(sheet_xml(
            f'<row r="1"><c r="A1"><v>1</v></c></row><row r="{row}"><c r="{ref}"><v>1</v></c></row>', "A1")), ref
    # no r attributes: position by counting, as calamine does
    yield "far row without refs", with_sheet(sheet_xml('<row r="1048576"><c><v>1</v></c><c><v>2</v></c></row>')), \
        "A1048576"
    yield "wide row without refs", with_sheet(sheet_xml('<row r="100">' + "<c><v>1</v></c>" * 10_001 + "</row>")), None
    for ref in ("A1048577", "XFE1", "AAAA1", "A99999999"):
        yield f"beyond the sheet {ref}", with_sheet(sheet_xml(f'<row><c r="{ref}"><v>1</v></c></row>')), None
    for ref in ("1A", "A0", "A-1", "Ж1", "A 1", "A1B"):
        yield f"malformed ref {ref}", with_sheet(sheet_xml(f'<row><c r="{ref}"><v>1</v></c></row>')), None
    yield "two sheets adding up", pack(parts(**{
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets><sheet name="А" '
                           'sheetId="1" r:id="rId1"/><sheet name="Б" sheetId="2" r:id="rId3"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                                      f'package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/worksheet" '
                                      'Target="worksheets/sheet1.xml"/><Relationship Id="rId3" Type="'
                                      f'{REL_NS}/worksheet" Target="/xl/elsewhere/other.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml('<row r="600000"><c r="A600000"><v>1</v></c></row>'),
        "xl/elsewhere/other.xml": sheet_xml('<row r="600000"><c r="A600000"><v>1</v></c></row>'),
    })), "A600000"


def shared_strings() -> Iterator[Case]:
    yield "one string of 40 000 chars", book(**{"xl/sharedStrings.xml": shared_xml(("ж" * 40_000,))}), "32"
    yield "one run-split string of 40 000 chars", book(**{"xl/sharedStrings.xml": (
        f'<sst xmlns="{NS}"><si>' + "<r><t>" + "я" * 10_000 + "</t></r>" * 1 + ("<r><t>" + "я" * 10_000 + "</t></r>")
        * 3 + "</si></sst>")}), "32"
    yield "shared strings of 60 MB", book(**{"xl/sharedStrings.xml": shared_xml(("a" * 30_000,) * 2_000)}), None
    yield "1.1 million shared strings", book(**{"xl/sharedStrings.xml": shared_xml(tuple(str(i) for i in
                                                                                         range(1_100_000)))}), "строк"
    yield "shared strings deeply nested", book(**{"xl/sharedStrings.xml": f'<sst xmlns="{NS}"><si>' + "<r>" * 5000 +
                                                  "</r>" * 5000 + "</si></sst>"}), None
    yield "shared strings not xml", book(**{"xl/sharedStrings.xml": "<sst><si><t>a</si>"}), "Файл повреждён"


DEEP_PARTS = ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml",
              "[Content_Types].xml", "xl/_rels/workbook.xml.rels")


def deep_xml() -> Iterator[Case]:
    for part in DEEP_PARTS:
        for depth in (100, 100_000):
            yield f"deep {part} {depth}", book(**{part: "<a>" * depth + "</a>" * depth}), None


def entities() -> Iterator[Case]:
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
        + ']>')
    xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    param = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'
    bodies = {
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
                                    '{ref}</t></is></c></row></sheetData></worksheet>',
        "xl/sharedStrings.xml": f'<sst xmlns="{NS}"><si><t>{{ref}}</t></si></sst>',
        "xl/workbook.xml": f'<workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets><sheet name="{{ref}}" sheetId="1" '
                           'r:id="rId1"/></sheets></workbook>',
        "xl/styles.xml": f'<styleSheet xmlns="{NS}"><numFmts><numFmt numFmtId="164" formatCode="{{ref}}"/></numFmts>'
                         '</styleSheet>',
        "[Content_Types].xml": content_types().replace("<Default", "<Default Extension=\"x\" ContentType=\"{ref}\"/>"
                                                       "<Default", 1).split("?>", 1)[1],
    }
    for part, body in bodies.items():
        yield f"billion laughs in {part}", book(**{part: laughs + body.replace("{ref}", "&lol9;")}), "DTD"
        yield f"external entity in {part}", book(**{part: xxe + body.replace("{ref}", "&x;")}), "DTD"
        yield f"parameter entity in {part}", book(**{part: param + body.replace("{ref}", "x")}), "DTD"


def broken_zips() -> Iterator[Case]:
    good = book()
    for n in range(1, 51):
        cut = len(good) * n // 51
        yield f"truncated at {cut}", good[:cut], None
    start = good.index(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
    for n in range(20):
        data = bytearray(good)
        data[start + 5 + n * 3] ^= 0xFF  # inside the compressed body of the sheet: CRC or deflate fails
        yield f"flipped byte {n}", bytes(data), "Файл повреждён"
    yield "no workbook part", book(**{"xl/workbook.xml": None}), "нет листов"
    yield "sheet part missing", book(**{"xl/worksheets/sheet1.xml": None}), None
    yield "sheet not xml", with_sheet("<worksheet><sheetData><row><c r='A1'><v>1</c></row>"), "Файл повреждён"
    yield "sheet invalid utf-8", book(**{
        "xl/worksheets/sheet1.xml": sheet_xml().encode()[:-20] + b"\xff\xfe\xfa" + sheet_xml().encode()[-20:]}), None
    yield "rels outside the zip", book(**{"xl/_rels/workbook.xml.rels": str(parts()["xl/_rels/workbook.xml.rels"])
                                          .replace("worksheets/sheet1.xml", "../../../etc/passwd")}), None
    yield "empty zip", pack({}), None
    yield "only content types", pack({"[Content_Types].xml": content_types()}), "нет листов"
    yield "undefined entity", with_sheet(sheet_xml().replace("<v>1</v>", "<v>&nbsp;</v>")), "Файл повреждён"
    yield "stored with unknown compression", _unknown_method(good), None
    yield "encrypted member flag", _encrypted_flag(good), None


def _unknown_method(data: bytes) -> bytes:
    out = bytearray(data)
    i = 0
    while (i := out.find(b"PK\x01\x02", i)) >= 0:  # central directory entries: method at +10
        out[i + 10:i + 12] = (99).to_bytes(2, "little")
        i += 4
    return bytes(out)


def _encrypted_flag(data: bytes) -> bytes:
    out = bytearray(data)
    i = 0
    while (i := out.find(b"PK\x01\x02", i)) >= 0:  # general purpose flag at +8: bit 0 = encrypted
        out[i + 8] |= 1
        i += 4
    return bytes(out)


def content_type_cases() -> Iterator[Case]:
    yield "no content types", book(**{"[Content_Types].xml": None}), "Это не книга Excel"
    yield "a Word document's content types", book(**{"[Content_Types].xml": content_types(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")}), "Это не книга Excel"
    yield "a presentation's content types", book(**{"[Content_Types].xml": content_types(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml")}), "Это не книга Excel"
    yield "macro-enabled content type", book(**{"[Content_Types].xml": content_types(
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml")}), "макрос"
    yield "vbaProject inside", book(**{"xl/vbaProject.bin": b"\x00" * 64}), "макрос"
    yield "content types not xml", book(**{"[Content_Types].xml": "<Types><Default"}), "Файл повреждён"
    yield "an OpenDocument spreadsheet", pack({"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                                               "content.xml": "<office:document-content/>"}), "Это не книга Excel"
    yield "a docx", pack({"[Content_Types].xml": content_types("application/vnd.openxmlformats-officedocument."
                                                               "wordprocessingml.document.main+xml"),
                          "word/document.xml": "<w:document/>"}), "Это не книга Excel"


def zip_bombs() -> Iterator[Case]:
    yield "sheet of 90 MB zeros", book(**{"xl/worksheets/sheet1.xml": b"\x00" * 90_000_000}), None
    yield "extra part of 200 MB", book(**{"xl/media/big.bin": b"A" * 200_000_000}), None
    yield "sheet padded to 60 MB", with_sheet(sheet_xml().replace("<sheetData>", " " * 60_000_000 + "<sheetData>")), \
        None
    yield "6000 members", pack({**parts(), **{f"xl/media/{i}.bin": b"" for i in range(6000)}}), "частей"
    yield "embedded object of 5 MB zeros", book(**{"xl/embeddings/oleObject1.bin": b"\x00" * 5_000_000}), "zip-бомбы"
    yield "lying sizes", _lying_sizes(book(**{"xl/worksheets/sheet1.xml": sheet_xml(
        "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 200)) + " " * 150_000_000)})), \
        None


def _lying_sizes(data: bytes) -> bytes:
    """Every declared uncompressed size set to 1 byte: the unpacking still counts the real bytes."""
    out = bytearray(data)
    for sig, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        i = 0
        while (i := out.find(sig, i)) >= 0:
            out[i + at:i + at + 4] = (1).to_bytes(4, "little")
            i += 4
    return bytes(out)


def not_workbooks() -> Iterator[Case]:
    yield "csv", "id;Фамилия\n1;Петров\n".encode(), "Это не книга Excel"
    yield "csv in utf-16", "\ufeffid\tФамилия\n1\tПетров\n".encode("utf-16"), "Это не книга Excel"
    yield "csv with NUL", b"id,name\n1,\x00\x00\x00\n", "Это не книга Excel"
    yield "csv starting with PK", b"PK,name\n1,x\n", "Это не книга Excel"
    yield "csv formula injection", b'=HYPERLINK("http://x","y"),1\n', "Это не книга Excel"
    yield "html table", b"<table><tr><td>1</td></tr></table>", "Это не книга Excel"
    yield "old xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "старого формата"
    yield "empty", b"", "Файл пустой"
    yield "only the zip magic", b"PK\x03\x04", "Файл повреждён"
    yield "11 MB", b"PK\x03\x04" + bytes(11 * 1024 * 1024), "больше 10 МБ"
    yield "a zip of a csv", pack({"data.csv": "id;Фамилия\n1;Петров\n"}), "нет листов"
    yield "junk before the zip", b"MZ" + book(), "Это не книга Excel"
    yield "csv with a BOM and quotes", '\ufeff"id";"Фамилия ""Петров"""\n'.encode(), "Это не книга Excel"
    yield "random bytes", bytes((i * 7919) % 251 for i in range(5000)), "Это не книга Excel"


def corpus() -> list[Case]:
    return [*far_cells(), *shared_strings(), *deep_xml(), *entities(), *broken_zips(), *content_type_cases(),
            *zip_bombs(), *not_workbooks()]
