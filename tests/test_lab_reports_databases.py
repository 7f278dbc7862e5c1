"""The справки «Кадры и аттестация» and «Олимпиады» on the hand-set town of three schools (tests/lab_staff_town.py,
whose numbers tests/test_lab_databases.py works out by hand): they open in python-docx and openpyxl and show those
numbers; no student, participant code or teacher is named in them; the lab's settings reach them; `edumon lab report
staff|olympiads` writes them and bad arguments get a Russian message; the reports page prepares them."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from nicegui.testing import User
from openpyxl import load_workbook
from typer.testing import CliRunner

from app.cli import cli
from app.lab.context import LabContext
from app.lab.reports_run import build_document, render, with_settings
from reports.district.builders import ReportParams, ReportRefused, parse_params
from reports.district.olympiads import OlympiadRule
from sync.convert import find_office
from tests.html_parts import press
from tests.lab_factory import MARK_FIRST, MARK_LAST, MARK_MIDDLE, MARK_YEAR
from tests.lab_staff_town import ON, PROTOCOLS, STAFF, build, town_frames
from tests.test_lab_databases_pages import lab_env, town_dir  # noqa: F401  (fixtures: the hand-set town on disk)
from tests.test_lab_town_pages import no_student_names, sign_in

runner = CliRunner()
TEACHERS = sorted({last for people in STAFF.values() for last, *_ in people})
CODES = sorted({code for _, code, *_ in PROTOCOLS})


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> LabContext:
    c = build(tmp_path_factory.mktemp("db-reports") / "lab", town_frames())
    yield c
    c.engine.close()


def _docx_rows(blob: bytes) -> list[list[str]]:
    doc = Document(io.BytesIO(blob))
    return [[c.text for c in row.cells] for t in doc.tables for row in t.rows]


def _xlsx_rows(blob: bytes) -> list[list[object]]:
    wb = load_workbook(io.BytesIO(blob))
    return [[c.value for c in row if c.value is not None] for ws in wb.worksheets for row in ws.iter_rows()]


def _all_text(blob: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def _nobody_named(text: str) -> None:
    for marker in (MARK_LAST, MARK_FIRST, MARK_MIDDLE, f"{MARK_YEAR}-", f".{MARK_YEAR}", *TEACHERS, *CODES):
        assert marker not in text, marker


def test_the_staff_spravka_shows_the_hand_worked_numbers(ctx: LabContext) -> None:
    doc = build_document(ctx, "staff", ReportParams(on=ON, months=12))
    docx, xlsx = render(doc, "docx"), render(doc, "xlsx")
    rows = _docx_rows(docx)
    # by school: 4 people each; categories; due within 12 months 2 / 2 / 2; no course in three years A 1, B 0, C 1
    assert ["Школа А", "4", "0", "1", "1", "1", "1", "2", "1"] in rows
    assert ["Гимназия Б", "4", "1", "2", "1", "0", "0", "2", "0"] in rows
    assert ["Школа В", "4", "0", "1", "2", "1", "0", "2", "1"] in rows
    # the town: 11 people (Петрова of A and B is one); 3 of 11 highest = 27,3 %, 4 first = 36,4 %
    assert ["высшая", "3", "27,3"] in rows and ["первая", "4", "36,4"] in rows
    assert ["учитель", "9", "81,8"] in rows and ["60 лет и старше", "1", "9,1"] in rows
    # attestation: two run out under the old five-year term, three fall due in 10.2026, 01.2027, 04.2027
    assert ["10.2026", "1"] in rows and ["01.2027", "1"] in rows and ["категория истекла", "2"] in rows
    assert ["курсов нет", "1"] in rows and ["курсы более трёх лет назад", "1"] in rows
    assert ["ГМЦ", "4", "4", "150"] in rows and ["Академия", "2", "2", "144"] in rows and ["ИРО", "3", "3", "124"] \
        in rows
    paragraphs = [p.text for p in Document(io.BytesIO(docx)).paragraphs]
    assert any("11 педагогов и руководителей (12 должностей" in p for p in paragraphs)
    assert any("нужна аттестация, — 5; у 2 из них категория уже истекла" in p for p in paragraphs)
    # no expiry: Сидоров (2024), Смирнова (01.09.2023), Орлова of C (2025) and the «педагог-наставник» Лебедев
    assert any("Бессрочные категории" in p and "у 4 педагога" in p for p in paragraphs)
    assert Document(io.BytesIO(docx)).inline_shapes  # the charts are pictures in Word
    values = _xlsx_rows(xlsx)
    assert ["ГМЦ", 4, 4, 150] in values and ["Школа А", 4, 0, 1, 1, 1, 1, 2, 1] in values  # numbers stay numbers
    assert any(ws._charts for ws in load_workbook(io.BytesIO(xlsx)).worksheets)
    for blob in (docx, xlsx):
        _nobody_named(_all_text(blob))


def test_the_staff_spravka_follows_the_horizon_and_the_date(ctx: LabContext) -> None:
    rows = _docx_rows(render(build_document(ctx, "staff", ReportParams(on=ON, months=36)), "docx"))
    assert ["Школа В", "4", "0", "1", "2", "1", "0", "3", "1"] in rows  # Морозов's 31.08.2028 within 36 months
    assert ["08.2028", "1"] in rows
    settings = ctx.settings.model_copy(update={"lab_attestation_months": 36})
    assert with_settings(ReportParams(), settings).months == 36  # no --months: the lab's setting
    assert with_settings(ReportParams(months=6), settings).months == 6


def test_the_olympiad_spravka_shows_the_stages_and_the_protocol_check(ctx: LabContext) -> None:
    doc = build_document(ctx, "olympiads", ReportParams())
    docx, xlsx = render(doc, "docx"), render(doc, "xlsx")
    rows = _docx_rows(docx)
    # stages: школьный 6 entries (A 3, B 2, C 1), 1 prize-winner, 2 winners, 2 passed on; the lab's protocols 7 rows
    assert ["школьный", "по данным школ", "6", "6", "1", "2", "2"] in rows
    assert ["муниципальный", "по данным школ", "2", "2", "1", "0", "1"] in rows
    assert ["муниципальный", "протоколы лаборатории", "7", "7", "3", "2", "—"] in rows
    assert ["региональный", "по данным школ", "1", "1", "0", "0", "0"] in rows
    assert ["Школа А", "школьный", "3", "1", "1", "1"] in rows
    assert ["математика", "школьный", "3", "0", "2", "2"] in rows
    # mentors counted, not named: Сидоров (A) prepared four math entries (школьный 2, муниципальный, региональный)
    assert ["Школа А", "математика", "1", "4", "1", "1"] in rows
    text = " ".join(c for r in rows for c in r)
    assert "Строка 2: победитель набрал 48 из 100" in text
    assert "Строки 5, 6, 7: физика, 8 класс, 2025/2026 — победителей и призёров 3 из 4" in text
    paragraphs = [p.text for p in Document(io.BytesIO(docx)).paragraphs]
    assert "Школьный этап: 6 участий (6 участников), призёров — 1, победителей — 2; на муниципальный этап " \
           "прошли 2." in paragraphs
    assert any("Больше всего призёров и победителей: Школа А (3), Гимназия Б (1)." == p for p in paragraphs)
    assert any("Без призёров и победителей: Школа В" in p for p in paragraphs)
    assert ["школьный", "по данным школ", 6, 6, 1, 2, 2] in _xlsx_rows(xlsx)
    for blob in (docx, xlsx):
        _nobody_named(_all_text(blob))
    lenient = build_document(ctx, "olympiads", replace(ReportParams(), rule=OlympiadRule(0.4, 0.75)))
    lenient_text = " ".join(p.text for p in Document(io.BytesIO(render(lenient, "docx"))).paragraphs)
    assert "Протоколы соответствуют правилу." in lenient_text  # 48 > 40; 2 of 3 and 3 of 4 within 75 %


def test_the_olympiad_spravka_of_one_subject_and_its_refusals(ctx: LabContext) -> None:
    doc = build_document(ctx, "olympiads", ReportParams(subject="физика"))
    rows = _docx_rows(render(doc, "docx"))
    assert ["школьный", "по данным школ", "1", "1", "1", "0", "0"] in rows
    assert doc.heading.endswith("(по предмету «физика»)")
    with pytest.raises(ReportRefused, match="За 2019/2020 учебный год олимпиадных результатов нет; есть: 2025/2026"):
        build_document(ctx, "olympiads", ReportParams(year=2019))
    with pytest.raises(ReportRefused, match="олимпиадных результатов \\(по предмету «химия»\\) нет"):
        build_document(ctx, "olympiads", ReportParams(subject="химия"))


@pytest.mark.skipif(find_office() is None, reason="LibreOffice (soffice) не установлен")
def test_the_staff_pdf_comes_from_libreoffice(ctx: LabContext, tmp_path: Path) -> None:
    import subprocess

    pdf = render(build_document(ctx, "staff", ReportParams(on=ON, months=12)), "pdf")
    assert pdf.startswith(b"%PDF")
    (tmp_path / "k.pdf").write_bytes(pdf)
    if Path("/usr/bin/pdftotext").exists():
        text = subprocess.run(["pdftotext", str(tmp_path / "k.pdf"), "-"], capture_output=True, text=True).stdout
        assert "Кадры и аттестация" in text
        _nobody_named(text)


@pytest.mark.parametrize(("months", "on", "message"), [("0", None, "от 1 до 60"), ("пять", None, "от 1 до 60"),
                                                       (None, "31.02.2026", "Дата «31.02.2026»"),
                                                       (None, "2026/06/01", "записана неверно")])
def test_bad_staff_arguments_are_refused_in_russian(months: str | None, on: str | None, message: str) -> None:
    with pytest.raises(ReportRefused, match=message):
        parse_params(months=months, on=on)


def test_dates_are_read_in_both_spellings() -> None:
    assert parse_params(on="01.06.2026").on == parse_params(on="2026-06-01").on == ON
    assert parse_params(months=" 24 ").months == 24


def test_the_cli_writes_both_and_refuses_bad_arguments(lab_env: Path, tmp_path: Path) -> None:  # noqa: F811
    done = runner.invoke(cli, ["lab", "report", "staff", "--out", str(tmp_path / "k.docx"), "--on", "01.06.2026",
                               "--months", "12"])
    assert done.exit_code == 0, done.output
    assert ["ГМЦ", "4", "4", "150"] in _docx_rows((tmp_path / "k.docx").read_bytes())
    done = runner.invoke(cli, ["lab", "report", "olympiads", "--out", str(tmp_path / "o.xlsx")])
    assert done.exit_code == 0, done.output
    assert ["школьный", "по данным школ", 6, 6, 1, 2, 2] in _xlsx_rows((tmp_path / "o.xlsx").read_bytes())
    for args, message in ((["staff", "--months", "100"], "от 1 до 60"), (["staff", "--on", "вчера"], "Дата «вчера»"),
                          (["olympiads", "--year", "2019"], "олимпиадных результатов нет"),
                          (["olympiads", "--parallel", "12"], "от 1 до 11"),
                          (["staff", "--school", "sch-001"], "не использует --school"),
                          (["olympiads", "--kind", "Контрольная", "--months", "3"], "не использует --kind, --months")):
        out = tmp_path / "bad.docx"
        r = runner.invoke(cli, ["lab", "report", *args, "--out", str(out)])
        assert r.exit_code == 2 and message in r.output, (args, r.output)
        assert "Traceback" not in r.output and not out.exists()


async def test_the_reports_page_prepares_both(lab_env: Path, user: User) -> None:  # noqa: F811
    await sign_in(user, "uo")  # the authority: the справки are theirs, counts only
    await user.open("/lab/reports?report=staff&on=2026-06-01&months=12")
    await user.should_see(marker="report-conclusions", retries=600)
    await user.should_see("Информационная справка «Кадры и аттестация» по общеобразовательным организациям города "
                          "на 01.06.2026")
    [area] = user.find(marker="report-conclusions").elements
    assert "нужна аттестация, — 5" in area.value  # type: ignore[attr-defined]
    _nobody_named(no_student_names(user))
    press(user, "download-xlsx")
    assert ["ГМЦ", 4, 4, 150] in _xlsx_rows((await user.download.next()).content)
    await user.open("/lab/reports?report=olympiads&months=abc")  # a mistyped argument: a Russian message
    await user.should_see(marker="report-refused", retries=300)
    await user.open("/lab/reports?report=olympiads")
    await user.should_see(marker="report-conclusions", retries=600)
    _nobody_named(no_student_names(user))
    [grade] = user.find(marker="select-parallel").elements
    assert grade.props["label"] == "Класс"
    assert list(grade.options) == ["", "7"]  # type: ignore[attr-defined]  # the olympiads' grades, not the works'
    await user.open("/lab/staff?on=2026-06-01&months=12")
    await user.should_see(marker="report-link-staff", retries=300)
    await user.open("/lab/olympiads")
    await user.should_see(marker="report-link-olympiads", retries=300)


async def test_an_uploader_gets_no_link_to_the_authoritys_spravki(lab_env: Path, user: User) -> None:  # noqa: F811
    await sign_in(user, "school1")
    await user.open("/lab/staff?on=2026-06-01&months=12")
    await user.should_see(marker="staff-summary", retries=300)
    await user.should_not_see(marker="report-link-staff")
