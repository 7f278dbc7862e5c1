"""Issues point at the cell that holds the value, wherever people moved its column (one cell_of() for every rule)."""

from __future__ import annotations

import pandas as pd
import pytest

from sheets_schema import SCHEMA, validate_workbook
from sheets_schema.rules import cell_of
from tests.test_validation import T, base_grids


def moved(grids: dict[str, list[list[str]]], sheet: str, key: str, to: int = 0) -> None:
    """Move one column of a sheet (header and every row) to position `to`, as a person drags it."""
    rows = grids[T[sheet]]
    c = SCHEMA[sheet].keys.index(key)
    width = len(SCHEMA[sheet].keys)
    for r in rows:
        r += [""] * (width - len(r))
        r.insert(to, r.pop(c))


def issue(grids: dict[str, list[list[str]]], sheet: str) -> tuple[str, str, str]:
    found = [(i.cell, i.column, i.value) for i in validate_workbook(SCHEMA, grids).issues if i.sheet_key == sheet]
    assert len(found) == 1, found
    return found[0]


def test_course_end_moved_to_column_a_is_reported_at_a2() -> None:
    g = base_grids()
    g[T["courses"]].append(["co1", "t1", "Функциональная грамотность", "", "72", "01.12.2024", "01.11.2024"])
    moved(g, "courses", "end_date")
    # declared as the 7th column (G); the person moved «Окончание» to A: the value is in A2, so is the issue
    assert issue(g, "courses") == ("A2", "Окончание", "01.11.2024")


@pytest.mark.parametrize(("key", "to", "cell"), [
    ("mark", 0, "A2"),  # mark moved first
    ("mark", 3, "D2"),
    ("total", 1, "B2"),
])
def test_result_rules_follow_the_moved_column(key: str, to: int, cell: str) -> None:
    g = base_grids()
    row = g[T["results"]][1]
    row[SCHEMA["results"].keys.index("mark")] = "3"  # 1 + 2 + 2 = 5 of 5 is «5», not «3»
    if key == "total":
        row[SCHEMA["results"].keys.index("total")] = "4"  # not the sum of the scores
        row[SCHEMA["results"].keys.index("mark")] = ""
    moved(g, "results", key, to)
    assert issue(g, "results")[0] == cell


def test_work_thresholds_are_reported_on_their_cell() -> None:
    g = base_grids()
    w = g[T["works"]][1]
    w[SCHEMA["works"].keys.index("threshold_4")] = "2"  # 2, 2, 5: not increasing
    got = issue(g, "works")
    assert got[0] == f"{'ABCDEFGHIJKL'[SCHEMA['works'].keys.index('threshold_3')]}2" and got[2] == "2"
    moved(g, "works", "threshold_3")
    assert issue(g, "works")[0] == "A2"


def test_cell_of_without_recorded_positions_uses_the_declared_layout() -> None:
    frame = pd.DataFrame({"end_date": [None]})
    assert cell_of(SCHEMA, "courses", frame, "end_date", 5) == "G5"
    frame.attrs["columns"] = {"end_date": 0}
    assert cell_of(SCHEMA, "courses", frame, "end_date", 5) == "A5"
    assert cell_of(SCHEMA, "courses", frame, "start_date", 5) == ""  # that column is missing from the sheet
