"""No upload can take the server down: 200+ generated hostile workbooks through the reading entry point the page
uses, each answered with a Russian message, and the process still reads a good file afterwards."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from forms.upload_file import UploadedBook, UploadLimits, UploadRejected, parse_xlsx, read_xlsx
from forms.xlsx_scan import scan_xlsx
from tests.hostile_xlsx import book, corpus, sheet_xml, with_sheet

_CYRILLIC = re.compile("[а-яА-ЯёЁ]")


def _answer(data: bytes) -> str | UploadedBook:
    try:
        return read_xlsx(data, "файл.xlsx")
    except UploadRejected as exc:
        return str(exc)


def test_the_corpus_has_more_than_200_files_of_every_kind() -> None:
    names = [name for name, _, _ in corpus()]
    assert len(names) >= 200 and len(set(names)) == len(names)
    for kind in ("far ", "string", "deep ", "laughs", "truncated", "flipped", "content types", "MB zeros", "csv"):
        assert any(kind in n for n in names), kind


def test_every_hostile_workbook_is_answered_with_a_russian_message_and_the_reader_lives_on() -> None:
    cases = corpus()
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda case: _answer(case[1]), cases))
    wrong = []
    for (name, _, fragment), answer in zip(cases, answers, strict=True):
        if not isinstance(answer, str):
            wrong.append(f"{name}: accepted")
        elif not _CYRILLIC.search(answer) or "Traceback" in answer or (fragment and fragment not in answer):
            wrong.append(f"{name}: {answer}")
    assert wrong == []
    good = read_xlsx(book(), "хороший.xlsx")
    assert good.sheets["Лист1"] == [["Иванов", 1.0]]


def test_a_far_cell_is_refused_naming_the_sheet_and_the_cell_before_any_parsing() -> None:
    far = with_sheet(sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v>'
                               '</c></row>'))
    with pytest.raises(UploadRejected, match="Лист «Лист1»: заполнена ячейка XFD1048576.*1 000 000 ячеек"):
        scan_xlsx(far, "a.xlsx", UploadLimits())  # the check alone, no spreadsheet parser involved
    with pytest.raises(UploadRejected, match="ячейка Z200000"):
        read_xlsx(with_sheet(sheet_xml('<row r="200000"><c r="Z200000"><v>1</v></c></row>')), "a.xlsx")


def test_the_cell_limit_is_a_setting() -> None:
    data = with_sheet(sheet_xml('<row r="100"><c r="J100"><v>1</v></c></row>'))  # 100 rows × 10 columns
    assert len(read_xlsx(data, "a.xlsx", UploadLimits(max_cells=1000)).sheets["Лист1"]) == 100
    with pytest.raises(UploadRejected, match="ячейка J100.*999 ячеек"):
        read_xlsx(data, "a.xlsx", UploadLimits(max_cells=999))


def test_a_parser_abort_in_the_reading_process_becomes_a_message() -> None:
    # with the check switched off, python-calamine tries to allocate 17 billion cells and aborts its process ...
    far = with_sheet(sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v>'
                               '</c></row>'))
    with pytest.raises(UploadRejected, match="больше памяти, чем допустимо"):
        read_xlsx(far, "a.xlsx", UploadLimits(max_cells=10**12))
    # ... or, with only the far cell, panics (an exception Python code does not catch as Exception)
    with pytest.raises(UploadRejected, match="Файл повреждён"):
        read_xlsx(with_sheet(sheet_xml('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')), "a.xlsx",
                  UploadLimits(max_cells=10**12))
    assert read_xlsx(book(), "a.xlsx").sheets["Лист1"][0][0] == "Иванов"


def test_a_reading_process_that_hangs_is_stopped_with_a_message() -> None:
    slow = with_sheet(sheet_xml("".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 60_000))))
    with pytest.raises(UploadRejected, match="не прочитан за 0 с"):
        read_xlsx(slow, "a.xlsx", UploadLimits(seconds=0.01))


def test_forbidden_character_references_are_repaired_for_the_parser() -> None:
    data = with_sheet(sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>а&#0;б&#x1F;в</t></is></c></row>'))
    assert parse_xlsx(data, "a.xlsx").sheets["Лист1"] == [["а\x00б\x1fв"]]
