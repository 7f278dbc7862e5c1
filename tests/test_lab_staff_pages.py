"""The staff page's forecast and the methodologist's decisions on proposed matches, through NiceGUI's user fixture
on the hand-set town of three schools (tests.lab_staff_town): the months' counts worked by hand, the backtest's
Russian sentence, a decision splitting the person of schools A and B and another joining the two Орловы, kept in
the lab's sheet «Сверка кадров» through the outbox and still honoured after a school's bundle is ingested again;
the authority's account is refused on the server."""

from __future__ import annotations

from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User

from app.config import Settings
from app.lab.context import build_lab_context
from app.lab.staff import save_decision
from reports.district import CUBE
from reports.district.staff_db import current_rows, match_people
from reports.district.staff_sql import STAFF_ROWS
from sync.users import UserStore
from sync.warehouse.intake import ingest_bundle
from tests.lab_factory import lab_site_env
from tests.lab_staff_town import staff_town_dir
from tests.test_lab_databases_pages import shown
from tests.test_lab_town_pages import rows, sign_in

STAFF = "/lab/staff?on=2026-06-01&months=12"


@pytest.fixture
def lab_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return lab_site_env(monkeypatch, staff_town_dir(tmp_path / "lab"), EDUMON_ACADEMIC_YEAR="2025/2026")


def _keys(root: Path) -> dict[str, str]:
    """full name -> match key of the proposals the town's staff gives (as the page computes them)."""
    ctx = build_lab_context(Settings(site="lab", data_dir=root, academic_year="2025/2026"))
    try:
        review = match_people(current_rows(ctx.engine.run(STAFF_ROWS))).review
    finally:
        ctx.engine.close()
    return dict(zip(review["full_name"], review["match_key"], strict=True))


async def test_the_forecast_by_month_and_its_error_on_the_staff_page(lab_env: Path, user: User) -> None:
    await sign_in(user, "uo")  # counts only: the authority sees the forecast too
    await shown(user, STAFF, "staff-forecast")
    got = {r["month"]: (r["attestations"], r["courses"]) for r in rows(user, "staff-forecast")
           if (r["attestations"], r["courses"]) != ("0", "0")}
    # attestations: Орлова's «первая» of 06.2019 and Петрова's «высшая» of 03.2020 have run out; Кузнецова (A) in
    # 10.2026, Зайцев's «высшая» of 20.01.2022 (from «Аттестации») in 01.2027, Кузнецова (C) in 04.2027, Морозов's
    # «первая» of 31.08.2023 in 08.2028; courses: Волков none, Морозов's of 05.2023 was due in 05.2026, the others
    # three years after their last course (Петрова's of 03.2024 in both schools: once)
    assert got == {"просрочено на дату прогноза": ("2", "2"), "10.2026": ("1", "0"), "01.2027": ("1", "0"),
                   "03.2027": ("0", "1"), "04.2027": ("1", "0"), "05.2027": ("0", "1"), "06.2027": ("0", "1"),
                   "11.2027": ("0", "1"), "01.2028": ("0", "1"), "02.2028": ("0", "1"), "03.2028": ("0", "1"),
                   "04.2028": ("0", "1"), "05.2028": ("0", "1"), "08.2028": ("1", "0")}
    assert len(rows(user, "staff-forecast")) == 37
    await user.should_see("Ошибку прогноза на прошлых годах оценить нельзя")  # one year in the warehouse
    user.find(marker="staff-forecast-chart")
    await user.should_not_see(marker="staff-review")

    await user.open("/lab/forecast")  # the forecasts' справка: from 01.09 of the next academic year
    await user.should_see("Кадры: аттестации и курсы повышения квалификации на три года", retries=600)
    await user.should_see("Кадры: Ошибку прогноза на прошлых годах оценить нельзя")
    [table] = user.find(marker="doc-5-2").elements
    assert isinstance(table, ui.table)
    assert (table.rows[0]["month"], table.rows[0]["attestations"], table.rows[0]["courses"]) == (
        "просрочено на дату прогноза", "2", "2")
    assert (table.rows[2]["month"], table.rows[2]["attestations"]) == ("10.2026", "1")  # Кузнецова (A)


async def test_decisions_on_matches_change_the_count_and_outlive_a_new_ingest(lab_env: Path, user: User) -> None:
    keys = _keys(lab_env)
    await sign_in(user, "metodist")
    await shown(user, STAFF, "staff-review")
    await user.should_see("Педагогов и руководителей в городе: 11 человек")
    user.find(marker=f"review-apart-{keys['Петрова Анна Ивановна']}").click()  # A and B: two people after all
    await user.should_see("Педагогов и руководителей в городе: 12 человек", retries=300)
    user.find(marker=f"review-same-{keys['Орлова Елена Викторовна']}").click()  # 1980 and 1981: one person
    await user.should_see("Педагогов и руководителей в городе: 11 человек", retries=300)
    decided = {r["full_name"]: r["decision"] for r in rows(user, "staff-review")}
    assert decided == {"Петрова Анна Ивановна": "разные люди", "Орлова Елена Викторовна": "один человек",
                       "Кузнецова Мария Сергеевна": "не рассмотрено"}
    people = {(r["full_name"], r["schools"]) for r in rows(user, "staff-people")}
    assert {("Петрова Анна Ивановна", "sch-a"), ("Петрова Анна Ивановна", "sch-b"),
            ("Орлова Елена Викторовна", "sch-b, sch-c")} <= people
    user.find(marker=f"review-same-{keys['Петрова Анна Ивановна']}").click()  # changed her mind: an update
    await user.should_see("Педагогов и руководителей в городе: 10 человек", retries=300)

    ctx = build_lab_context(Settings(site="lab", data_dir=lab_env, academic_year="2025/2026"))
    ctx.cache.refresh()
    try:  # school A sends its bundle again: the decisions live in the lab's sheet, not in the warehouse
        outcome = ingest_bundle(ctx.warehouse, ctx.receipts, lab_env.parent / "sch-a.zip", "загрузка", CUBE,
                                registered=ctx.registered())
        assert outcome.ok, outcome.problems
    finally:
        ctx.engine.close()
    await shown(user, STAFF, "staff-review")
    await user.should_see("Педагогов и руководителей в городе: 10 человек")
    sheet = ctx.cache.workbook.frames["staff_matches"]
    assert sorted(sheet["decision"].astype(str)) == ["один человек", "один человек"]  # one row per match


async def test_the_authority_cannot_decide_on_a_match(lab_env: Path, user: User) -> None:
    keys = _keys(lab_env)
    await sign_in(user, "uo")
    await shown(user, STAFF, "staff-summary")
    await user.should_not_see(marker=f"review-same-{keys['Петрова Анна Ивановна']}")
    authority = UserStore(lab_env / "users.sqlite3").get("uo")
    uploader = UserStore(lab_env / "users.sqlite3").get("school1")
    for account in (authority, uploader):
        assert save_decision(account, keys["Петрова Анна Ивановна"], "Петрова", False) == [
            "Решать о совпадениях в кадровой базе может только методист лаборатории"]
    await shown(user, STAFF, "staff-summary")
    await user.should_see("Педагогов и руководителей в городе: 11 человек")  # nothing was written
