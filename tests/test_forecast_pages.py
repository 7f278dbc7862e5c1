"""The forecast reaches the class and student pages of the dashboard and the student portfolio, with the sentence
on how well the method predicted the past (the same text reports.spravka.forecast gives the справка)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from nicegui.testing import User

from app.pages.dashboard import url
from reports.spravka.forecast import class_outlook, student_outlook
from sheets_schema import Workbook
from tests.conftest import sign_in

pytestmark = pytest.mark.ui_app("manual_drain")


async def test_the_class_page_shows_the_forecast_and_its_check(data_dir: Path, workbook: Workbook,
                                                               facts: pd.DataFrame, user: User) -> None:
    cls = workbook["classes"].sort_values(["parallel", "letter"]).iloc[0]
    expected = class_outlook(facts, workbook.frames, str(cls["id"]))
    await sign_in(user, "zam")
    await user.open(url({"parallel": int(cls["parallel"]), "class": cls["id"]}))
    await user.should_see(marker="forecast-class", retries=200)
    await user.should_see(expected.sentences()[0], retries=50)
    assert "прогноз ошибался в среднем на" in expected.sentences()[0].lower()
    rows = user.find(marker="forecast-class").elements.pop().rows
    assert len(rows) == len(expected.next_results)


async def test_the_student_portfolio_shows_the_forecast(data_dir: Path, workbook: Workbook, facts: pd.DataFrame,
                                                        user: User) -> None:
    sid = str(facts.dropna(subset=["pct"])["student_id"].iloc[0])
    expected = student_outlook(facts, sid)
    await sign_in(user, "zam")
    await user.open(f"/student/{sid}")
    await user.should_see(marker="forecast-student", retries=200)
    await user.should_see(expected.sentences()[0], retries=50)
