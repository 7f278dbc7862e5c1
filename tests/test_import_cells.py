"""Cells people really type: a control character or a formula whose value was never saved is reported at its cell,
the rest of the file is still checked, and nothing is planned."""

from __future__ import annotations

import io
import zipfile

import pytest

from forms.importer import NO_CACHED_VALUE, plan_sheet_import
from forms.templates import work_template
from forms.upload_file import read_xlsx
from sheets_schema import SCHEMA
from tests.test_import_files import CLASS, STUDENTS, _students_file, existing, fill, frames, results_plan, spec

__all__ = ["frames", "spec"]  # module fixtures reused from the import tests
STUDENTS_TITLE = SCHEMA["students"].title


def _patched(data: bytes, old: str, new: bytes) -> bytes:
    """The workbook with one text replaced by raw bytes in every sheet part (openpyxl refuses to write them)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename.startswith("xl/"):
                content = content.replace(old.encode(), new)
            dst.writestr(info.filename, content)
    return out.getvalue()


@pytest.mark.parametrize("written", [b"&#0;", b"\x00", b"_x0001_", b"&#x1B;", b"\x07"])
def test_a_control_character_is_a_problem_of_its_cell_not_a_broken_file(frames, written: bytes) -> None:
    data = _students_file([[None, "Кузнецова", "Ольга", None, "c1"], [None, "ОрловMARK", "Пётр", None, "c77"]])
    plan = plan_sheet_import(read_xlsx(_patched(data, "MARK", written), "s.xlsx"), SCHEMA, "students", frames,
                             lambda ids: {})
    texts = [p.text() for p in plan.problems]
    assert len(texts) == 2 and plan.changes == []
    assert texts[0].startswith(f'Лист "{STUDENTS_TITLE}", ячейка B3: В ячейке невидимый управляющий символ (код ')
    assert texts[1] == f'Лист "{STUDENTS_TITLE}", ячейка E3: Ссылка на несуществующую строку листа «Классы»: «c77»'


def test_a_formula_without_a_saved_value_is_named_instead_of_a_missing_required_field(frames) -> None:
    # openpyxl, like many generators, writes formulas without their values: Excel would compute them on opening
    data = _students_file([[None, "=UPPER(\"кузнецова\")", "Ольга", None, "c1"], [None, "Орлов", "Пётр", None, "c1"]])
    plan = plan_sheet_import(read_xlsx(data, "s.xlsx"), SCHEMA, "students", frames, lambda ids: {})
    assert [p.text() for p in plan.problems] == [f'Лист "{STUDENTS_TITLE}", ячейка B2: {NO_CACHED_VALUE}']
    assert "Обязательное поле" not in plan.problems[0].text() and plan.changes == []
    assert NO_CACHED_VALUE.startswith("В ячейке формула без сохранённого значения")


def test_a_formula_with_a_saved_value_is_read_as_its_value(frames) -> None:
    data = _students_file([[None, "FORMULA", "Ольга", None, "c1"]])
    data = _patched(data, 't="inlineStr"><is><t>FORMULA</t></is>', b't="str"><f>UPPER("x")</f><v>Kuznetsova</v>')
    plan = plan_sheet_import(read_xlsx(data, "s.xlsx"), SCHEMA, "students", frames, lambda ids: {})
    assert plan.errors == [] and plan.changes[0].values["last_name"] == "Kuznetsova"


def test_results_formula_cells_are_named_but_the_template_s_own_total_and_mark_are_not_read(spec, frames) -> None:
    template = work_template(spec, *CLASS, STUDENTS, existing())
    data = fill(template, "Результаты", {"C4": "да", "D4": "=1-1", "E4": 1, "F4": 1})
    plan = results_plan(data, frames, spec, existing())
    assert [p.text() for p in plan.problems] == [f'Лист "Результаты", ячейка D4: {NO_CACHED_VALUE}']
    assert plan.changes == []
