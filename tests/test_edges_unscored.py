"""An unscored task («-») makes no silent total or mark: a warning with its cell, and nothing derived from the rest."""

from __future__ import annotations

import pandas as pd
import pytest

from sheets_schema import SCHEMA, WARNING, col_letter, validate_workbook
from tests.test_validation import T, base_grids

SCORES = col_letter(SCHEMA["results"].keys.index("scores"))


def five_task_work(scores: str, total: str = "", mark: str = "") -> dict[str, list[list[str]]]:
    """A 25-point work of five 5-point tasks, thresholds 8 / 15 / 21 (DOMAIN.md), one result on sheet row 4."""
    g = base_grids()
    g[T["works"]].append(["w5", "Контрольная", "s1", "9", "промежуточная (рубежная)", "2 четверть", "10.12.2025",
                          "25", "8", "15", "21", ""])
    g[T["tasks"]] += [[f"k5{i}", "w5", str(i), "5", "Тема", "базовый"] for i in range(1, 6)]
    g[T["results"]].append(["r5", "w5", "st2", "да", scores, total, mark])
    return g


@pytest.mark.parametrize(("scores", "total", "mark", "want_total", "want_mark", "message"), [
    # «5 - 5 5 5» used to become 20 -> «4» silently
    ("5 - 5 5 5", "", "", None, None,
     "Не оценено задание 2 («-»): «Сумма баллов» и отметка не выводятся; введите «Сумма баллов», если она известна"),
    ("- - 5 5 5", "", "", None, None,
     "Не оценены задания 1, 2 («-»): «Сумма баллов» и отметка не выводятся; введите «Сумма баллов», если она "
     "известна"),
    # the teacher knows the total (the task was scored on paper): 23 -> «5» by 21
    ("5 - 5 5 5", "23", "", 23.0, 5,
     "Не оценено задание 2 («-»): введённая «Сумма баллов» (23) принята без проверки по заданиям"),
    ("5 - 5 5 5", "", "4", None, 4,
     "Не оценено задание 2 («-»): «Сумма баллов» и отметка не выводятся; введите «Сумма баллов», если она известна"),
])
def test_an_unscored_task_warns_on_its_cell_and_derives_nothing(scores: str, total: str, mark: str,
                                                               want_total: float | None, want_mark: int | None,
                                                               message: str) -> None:
    wb = validate_workbook(SCHEMA, five_task_work(scores, total, mark))
    got = [(i.cell, i.severity, i.message) for i in wb.issues if i.sheet_key == "results"]
    assert got == [(f"{SCORES}4", WARNING, message)]
    row = wb["results"].set_index("id").loc["r5"]  # kept: a warning never drops the row
    assert (None if pd.isna(row["total"]) else float(row["total"])) == want_total
    assert (None if pd.isna(row["mark"]) else int(row["mark"])) == want_mark


def test_fully_scored_results_still_derive_total_and_mark() -> None:
    wb = validate_workbook(SCHEMA, five_task_work("5 0 5 5 5"))
    assert not [i for i in wb.issues if i.sheet_key == "results"]
    row = wb["results"].set_index("id").loc["r5"]
    assert (float(row["total"]), int(row["mark"])) == (20.0, 4)
