"""The lab's справки, forecasts and management cycle through NiceGUI's user fixture: the methodologist prepares the
town's справка, edits its conclusions and downloads the files with the edits; the forecast and cycle pages show
their documents; who may open what; bad arguments get a Russian message; no page shows a student's name."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from nicegui import ui
from nicegui.testing import User
from openpyxl import load_workbook

from tests.html_parts import press
from tests.test_lab_town_pages import lab_env, no_student_names, sign_in, town_dir  # noqa: F401  (fixtures)


async def prepared(user: User, path: str, marker: str) -> None:
    await user.open(path)
    await user.should_see(marker=marker, retries=600)
    no_student_names(user)


def textarea(user: User, marker: str) -> ui.textarea:
    [area] = user.find(marker=marker).elements
    assert isinstance(area, ui.textarea)
    return area


async def test_the_town_spravka_is_edited_and_downloaded(lab_env: Path, user: User) -> None:  # noqa: F811
    await sign_in(user, "metodist")
    await prepared(user, "/lab/reports?report=town-vpr&kind=ВПР", "report-conclusions")
    await user.should_see("Справка по итогам ВПР в общеобразовательных организациях города")
    conclusions = textarea(user, "report-conclusions")
    assert conclusions.value.startswith("В работе участвовали ")
    assert "Ключевская ООШ" in conclusions.value  # the inflated school's signals, prefilled from the numbers
    conclusions.value = "Вывод методиста: =1+1\nВторой вывод"
    press(user, "download-xlsx")
    xlsx = await user.download.next()
    wb = load_workbook(io.BytesIO(xlsx.content))
    texts = [c for row in wb["Справка"].iter_rows() for c in row if isinstance(c.value, str)]
    mine = [c for c in texts if c.value == "Вывод методиста: =1+1"]
    assert mine and mine[0].data_type == "s"
    assert not any(c.value.startswith("В работе участвовали") for c in texts)  # the edit replaced the prefill
    press(user, "download-docx")
    docx = await user.download.next()
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "Второй вывод" in paragraphs


async def test_a_schools_profile_page(lab_env: Path, user: User) -> None:  # noqa: F811
    await sign_in(user, "uo")  # the authority reads aggregates: the справки are theirs
    await prepared(user, "/lab/town/school/gim-002", "school-profile-report")  # the school's page links it
    await prepared(user, "/lab/reports?report=school&school=gim-002", "report-heading")
    await user.should_see("Профиль общеобразовательной организации: Гимназия № 2")
    await prepared(user, "/lab/reports?report=school", "report-choose-school")


async def test_bad_arguments_get_a_russian_message(lab_env: Path, user: User) -> None:  # noqa: F811
    await sign_in(user, "metodist")
    await prepared(user, "/lab/reports?report=town-vpr&year=2025-2026", "report-refused")
    await user.should_see("Учебный год «2025-2026» записан неверно")
    await prepared(user, "/lab/reports?report=town-vpr&year=2019", "report-refused")
    await user.should_see("За 2019/2020 учебный год данных нет")
    await prepared(user, "/lab/reports?report=town-vpr&parallel=99", "report-refused")


async def test_the_forecast_page_says_how_wrong_it_was(lab_env: Path, user: User) -> None:  # noqa: F811
    await sign_in(user, "metodist")
    await prepared(user, "/lab/forecast", "doc-1-1")
    # one year in this town: every forecast says it could not be checked, none pretends
    await user.should_see("ОГЭ (ГИА-9): Прогноз не проверен")
    await user.should_see("Контингент: Прогноз не проверен")
    [table] = user.find(marker="doc-1-1").elements
    assert isinstance(table, ui.table) and {r["short_name"] for r in table.rows} <= {
        "СОШ № 1", "Гимназия № 2", "Ключевская ООШ"}


async def test_the_cycle_page(lab_env: Path, user: User) -> None:  # noqa: F811
    await sign_in(user, "metodist")
    await prepared(user, "/lab/cycle", "doc-1-1")
    await user.should_see(marker="cycle-add")
    [table] = user.find(marker="doc-1-1").elements
    assert isinstance(table, ui.table) and len(table.rows) == 7
    assert any(r["indicator"] == "доля школ с сигналами необъективности ВПР, %" and r["value"] == "33,3"
               for r in table.rows)  # one school of three
    await user.open("/logout")
    await sign_in(user, "uo")
    await prepared(user, "/lab/cycle", "doc-1-1")
    await user.should_not_see(marker="cycle-add")  # the authority reads; the methodologist keeps the records


@pytest.mark.parametrize("path", ["/lab/reports", "/lab/forecast", "/lab/cycle"])
async def test_a_schools_uploader_does_not_open_them(lab_env: Path, user: User, path: str) -> None:  # noqa: F811
    await sign_in(user, "school1")
    await user.open(path)
    await user.should_see(marker="forbidden", retries=300)
