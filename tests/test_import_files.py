"""Templates and imports without a browser: bad files are refused, every error has its cell, re-uploads add nothing."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile

import openpyxl
import pytest

from forms import grid as g
from forms import upload_file
from forms.importer import ImportPlan, plan_results_import, plan_sheet_import
from forms.templates import GUIDE_TITLE, LISTS_TITLE, SERVICE_TITLE, sheet_template, work_template
from forms.upload_file import UploadLimits, UploadRejected, read_xlsx
from sheets_schema import SCHEMA, validate_workbook
from tests.test_validation import base_grids

CLASS = ("c1", "9«А»")
STUDENTS = [("st3", "Новиков Олег"), ("st1", "Петров Иван"), ("st2", "Сидорова Анна")]


def grids() -> dict[str, list[list[str]]]:
    out = base_grids()
    out[SCHEMA["students"].title].append(["st3", "Новиков", "Олег", "", "c1"])
    return out


@pytest.fixture(scope="module")
def frames():
    return validate_workbook(SCHEMA, grids()).frames


@pytest.fixture(scope="module")
def spec(frames) -> g.WorkSpec:
    return g.work_spec(frames, "w1")  # type: ignore[return-value]


def existing() -> dict[str, dict[str, str]]:
    return {"st1": {"id": "r1", "work_id": "w1", "student_id": "st1", "present": "да", "scores": "1 2 2",
                    "total": "5", "mark": "5"},
            "st2": {"id": "r2", "work_id": "w1", "student_id": "st2", "present": "нет", "scores": "", "total": "",
                    "mark": ""}}


def fill(data: bytes, title: str, cells: dict[str, object]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for addr, value in cells.items():
        wb[title][addr] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def results_plan(data: bytes, frames, spec, current: dict[str, dict[str, str]]) -> ImportPlan:
    counter = itertools.count(1)
    return plan_results_import(read_xlsx(data, "r.xlsx"), SCHEMA, spec, CLASS[1], STUDENTS, current, frames,
                               lambda: f"r-new{next(counter)}")


def apply(current: dict[str, dict[str, str]], plan: ImportPlan) -> dict[str, dict[str, str]]:
    """What the store holds after the plan is written (results keyed by student)."""
    out = {k: dict(v) for k, v in current.items()}
    for c in plan.changes:
        if c.op == "append":
            out[c.values["student_id"]] = dict(c.values)
        else:
            next(r for r in out.values() if r["id"] == c.row_id).update(c.values)
    return out


# -- bad files ---------------------------------------------------------------------------------------------------
def _xlsx() -> bytes:
    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    return buf.getvalue()


def _with_entry(data: bytes, name: str, content: bytes) -> bytes:
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, content)
    return buf.getvalue()


def _corrupted() -> bytes:
    data = bytearray(_with_entry(_xlsx(), "xl/big.xml", b"<x>" + b"abcdefgh" * 4000 + b"</x>"))
    start = data.index(b"xl/big.xml") + 40  # inside the compressed body of that entry
    data[start:start + 64] = bytes(64)
    return bytes(data)


@pytest.mark.parametrize(("make", "filename", "message"), [
    (lambda: b"", "a.xlsx", "Файл пустой"),
    (lambda: "id;Фамилия\n1;Петров\n".encode(), "a.xlsx", "Это не книга Excel (.xlsx)"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "a.xls", "старого формата Excel (.xls)"),
    (lambda: b"PK\x03\x04" + bytes(upload_file.MAX_UPLOAD_BYTES), "a.xlsx", "Файл больше 10 МБ"),
    (lambda: _xlsx()[:900], "a.xlsx", "Файл повреждён"),
    (_corrupted, "a.xlsx", "Файл повреждён"),
    (lambda: _with_entry(_xlsx(), "xl/vbaProject.bin", b"\x00macro"), "a.xlsx", "содержит макросы"),
    (_xlsx, "a.xlsm", "с макросами (.xlsm/.xlsb)"),
    (lambda: _with_entry(b"", "word/document.xml", b"<w/>"), "a.xlsx", "в файле нет листов таблицы"),
])
def test_bad_files_are_refused_with_a_russian_message(make, filename: str, message: str) -> None:
    with pytest.raises(UploadRejected, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        read_xlsx(make(), filename)


def test_zip_bomb_is_refused_by_unpacked_size() -> None:
    bomb = _with_entry(_xlsx(), "xl/worksheets/sheet9.xml", bytes(3_000_000))  # 3 MB of zeros packs to ~3 KB
    assert len(bomb) < 20_000
    with pytest.raises(UploadRejected, match="в распакованном виде больше"):
        read_xlsx(bomb, "bomb.xlsx", UploadLimits(max_unpacked=2_000_000, max_ratio=10_000))


def test_a_plain_workbook_is_read_with_absolute_cell_positions() -> None:
    data = fill(_xlsx(), "Sheet", {"B2": "x", "C3": dt.date(2025, 9, 1), "D3": 2.5})
    book = read_xlsx(data, "a.xlsx")
    assert book.sheets["Sheet"][1][1] == "x" and book.sheets["Sheet"][2][2] == dt.date(2025, 9, 1)


# -- results of a work -------------------------------------------------------------------------------------------
def test_work_template_lists_students_with_hidden_ids_dropdowns_and_formulas(spec) -> None:
    data = work_template(spec, *CLASS, STUDENTS, existing(), SCHEMA.version)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[SCHEMA["results"].title]
    assert [c.value for c in ws[3]] == ["id", "Обучающийся", "Писал", "Задание 1 (макс. 1)", "Задание 2 (макс. 2)",
                                        "Задание 3 (макс. 2)", "Сумма баллов", "Отметка"]
    assert [ws.cell(r, 1).value for r in (4, 5, 6)] == ["st3", "st1", "st2"]
    assert [ws.cell(5, c).value for c in range(3, 7)] == ["да", 1, 2, 2]  # existing results are prefilled
    assert ws.cell(6, 3).value == "нет"
    assert ws.column_dimensions["A"].hidden and ws.protection.sheet
    assert not ws.cell(4, 4).protection.locked and ws.cell(4, 2).protection.locked
    rules = {str(dv.sqref): (dv.type, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert rules["C4:C6"] == ("list", '"да,нет"', None)
    assert rules["E4:E6"] == ("whole", "0", "2")
    assert ws["H4"].value.startswith('=IF(G4="","",IF(G4>=5,5,IF(G4>=3,4,IF(G4>=2,3,2))))'[:12])
    assert wb[SERVICE_TITLE].sheet_state == "veryHidden" and GUIDE_TITLE in wb.sheetnames


def test_three_errors_are_reported_with_their_cells_and_nothing_is_planned(spec, frames) -> None:
    data = work_template(spec, *CLASS, STUDENTS, existing(), SCHEMA.version)
    bad = fill(data, "Результаты", {"C4": "может", "D4": 1, "E4": 1, "F4": 1,  # st3: present is not да/нет
                                    "E5": 5,  # st1: task 2 above its maximum
                                    "C6": "да", "D6": "abc", "E6": 1, "F6": 0})  # st2: not a number
    plan = results_plan(bad, frames, spec, existing())
    assert [p.text() for p in plan.problems] == [
        'Лист "Результаты", ячейка C4: Допустимые значения: да, нет',
        'Лист "Результаты", ячейка E5: Балл за задание 2 (5) больше максимального (2)',
        'Лист "Результаты", ячейка D6: Ожидается число',
    ]
    assert plan.changes == []


def test_corrected_file_appends_and_updates_once_and_a_reupload_adds_nothing(spec, frames) -> None:
    data = work_template(spec, *CLASS, STUDENTS, existing(), SCHEMA.version)
    good = fill(data, "Результаты", {"C4": "да", "D4": 1, "E4": 1, "F4": 0,  # st3: new result, total 2 -> «3»
                                     "E5": 1,  # st1: 1 1 2 -> total 4 -> «4»
                                     "C6": "да", "D6": 0, "E6": 0, "F6": "-"})  # st2 wrote after all: 0 0 -
    plan = results_plan(good, frames, spec, existing())
    assert plan.errors == []
    assert [(c.op, c.row_id, c.values) for c in plan.changes] == [
        ("append", "r-new1", {"id": "r-new1", "work_id": "w1", "student_id": "st3", "present": "да",
                              "scores": "1 1 0", "total": "2", "mark": "3"}),
        ("update", "r1", {"scores": "1 1 2", "total": "4", "mark": "4"}),
        ("update", "r2", {"present": "да", "scores": "0 0 -", "total": "0", "mark": "2"}),
    ]
    assert plan.changes[1].expected == {"scores": "1 2 2", "total": "5", "mark": "5"}
    after = apply(existing(), plan)
    again = results_plan(good, frames, spec, after)
    assert again.changes == [] and again.errors == [] and again.unchanged == 3
    assert "добавлено 0, изменено 0, без изменений 3" in again.summary()


def test_a_row_added_to_the_template_or_a_foreign_student_is_an_error(spec, frames) -> None:
    data = work_template(spec, *CLASS, STUDENTS[:2], {}, SCHEMA.version)
    bad = fill(data, "Результаты", {"A6": "st-alien", "B6": "Чужой Ученик", "C6": "да", "D6": 1, "E6": 1, "F6": 1,
                                    "B7": "Без Id", "D7": 1})
    assert [p.text() for p in results_plan(bad, frames, spec, {}).problems] == [
        'Лист "Результаты", ячейка B6: Обучающийся «Чужой Ученик» не учится в классе 9«А»',
        'Лист "Результаты", ячейка B7: Строка без обучающегося: не добавляйте строки в шаблон',
    ]


# -- any worksheet -----------------------------------------------------------------------------------------------
def test_sheet_template_has_headers_dropdowns_ranges_and_lists() -> None:
    data = sheet_template(SCHEMA, "teachers", {"departments": {"d1": "ШМО математики"}})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[SCHEMA["teachers"].title]
    assert [c.value for c in ws[1]] == SCHEMA["teachers"].headers
    kinds = {str(dv.sqref).split(":")[0]: (dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}
    assert kinds["F2"] == ("list", f"'{LISTS_TITLE}'!$A$2:$A$9")  # «Должность»: 8 positions
    assert kinds["G2"] == ("list", f"'{LISTS_TITLE}'!$C$2:$C$2")  # «ШМО»: the referenced ids
    assert kinds["K2"] == ("whole", "0")
    assert wb[LISTS_TITLE]["C2"].value == "d1" and wb[LISTS_TITLE]["D2"].value == "ШМО математики"


def _students_file(rows: list[list[object]]) -> bytes:
    data = sheet_template(SCHEMA, "students", {"classes": {"c1": "9«А»"}})
    cells = {f"{openpyxl.utils.get_column_letter(c + 1)}{r + 2}": v
             for r, row in enumerate(rows) for c, v in enumerate(row) if v is not None}
    return fill(data, SCHEMA["students"].title, cells)


def test_sheet_upload_errors_have_cell_addresses(frames) -> None:
    data = _students_file([[None, "Кузнецова", "Ольга", None, "c1"], [None, "Орлов", None, None, "c77", "31.02.2012"]])
    plan = plan_sheet_import(read_xlsx(data, "s.xlsx"), SCHEMA, "students", frames, lambda ids: {})
    assert [p.text() for p in plan.problems] == [
        'Лист "Обучающиеся", ячейка C3: Обязательное поле не заполнено',
        'Лист "Обучающиеся", ячейка E3: Ссылка на несуществующую строку листа «Классы»: «c77»',
        'Лист "Обучающиеся", ячейка F3: Такой даты нет — в феврале 2012 года 29 дней',
    ]
    assert plan.changes == []


def test_sheet_upload_appends_with_content_ids_updates_by_id_and_is_idempotent(frames) -> None:
    store = {r[0]: dict(zip(SCHEMA["students"].keys, r + [""] * 7, strict=False))
             for r in grids()[SCHEMA["students"].title][1:]}
    data = _students_file([[None, "Кузнецова", "Ольга", None, "c1", dt.date(2012, 3, 5), "ж"],
                           [None, "Кузнецова", "Ольга", None, "c1", dt.date(2012, 3, 5), "ж"],  # a twin row
                           ["st1", "Петров", "Илья", None, "c1"]])

    def raw_rows(ids):
        return {i: store[i] for i in ids if i in store}

    plan = plan_sheet_import(read_xlsx(data, "s.xlsx"), SCHEMA, "students", frames, raw_rows)
    assert plan.errors == []
    ops = [(c.op, c.row_id, c.values.get("first_name"), c.values.get("birth_date")) for c in plan.changes]
    assert [o[0] for o in ops] == ["append", "append", "update"]
    assert ops[0][1].startswith("st-") and ops[1][1] == ops[0][1] + "-2" and ops[0][3] == "05.03.2012"
    assert plan.changes[2].values == {"first_name": "Илья"} and plan.changes[2].expected == {"first_name": "Иван"}
    for c in plan.changes:
        store.setdefault(c.row_id, {}).update(c.values)
    again = plan_sheet_import(read_xlsx(data, "s.xlsx"), SCHEMA, "students", frames, raw_rows)
    assert again.changes == [] and again.unchanged == 3
