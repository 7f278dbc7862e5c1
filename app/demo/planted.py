"""Cells spoiled on purpose in the demo school, the way people edit a sheet by hand; validation must find each
exactly once."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.demo.school import PlantedCell
from app.demo.year import _SchoolYear
from sheets_schema import ERROR, SCHEMA, WARNING, col_letter
from sync.store import trim_row


def _plant(year: _SchoolYear, grids: dict[str, list[list[str]]]) -> list[PlantedCell]:
    """Spoil a few cells the way people do by hand; each must come back from validation exactly once."""
    rng = np.random.default_rng(year.rng.integers(2**32))
    planted: list[PlantedCell] = []

    def spoil(key: str, row: int, field_key: str, value: str, severity: str = ERROR) -> None:
        sheet = SCHEMA[key]
        col = sheet.keys.index(field_key)
        cells = grids[sheet.title][row - 1]
        cells += [""] * (col + 1 - len(cells))
        cells[col] = value
        cells[:] = trim_row(cells)
        planted.append(PlantedCell(key, sheet.title, row, f"{col_letter(col)}{row}", sheet.fields[col].header, value,
                                   severity))

    def rows_where(key: str, test: Any) -> list[int]:
        sheet = SCHEMA[key]
        body = grids[sheet.title]
        rows = [r + 1 for r in range(1, len(body)) if test(dict(zip(sheet.keys, body[r], strict=False)))]
        if not rows:
            raise RuntimeError(f"demo school too small to plant a bad cell in {key}")
        return rows

    taken = {year.records["students"][i]["id"] for i in np.flatnonzero(year.theta < -1.8)}
    taken |= {sid for _, sid in year.special_results}

    def usable_result(r: dict[str, str]) -> bool:
        return r.get("mark", "") != "" and r["student_id"] not in taken and len(r["scores"].split()) >= 4

    mark_row, scores_row = (int(x) for x in rng.choice(rows_where("results", usable_result), 2, replace=False))
    spoil("results", mark_row, "mark", "6")
    tokens = grids["Результаты"][scores_row - 1][SCHEMA["results"].keys.index("scores")].split()
    tokens[2] = "х"  # a Cyrillic letter typed among the scores
    spoil("results", scores_row, "scores", " ".join(tokens))
    course = int(rng.choice(rows_where("courses", lambda r: True)))
    hours = grids["Курсы ПК"][course - 1][SCHEMA["courses"].keys.index("hours")]
    spoil("courses", course, "hours", f"{hours},5", WARNING)
    spoil("period_marks", int(rng.choice(rows_where("period_marks", lambda r: r["mark"] == "5"))), "mark", "05",
          WARNING)
    spoil("students", int(rng.choice(rows_where("students", lambda r: r["id"] not in taken))), "class_id", "cls-9999")
    dup = int(rng.choice(rows_where("portfolio", lambda r: True)[1:]))
    spoil("portfolio", dup, "id", grids["Портфолио"][dup - 2][0])
    spoil("olympiads", int(rng.choice(rows_where("olympiads", lambda r: True))), "date", f"31.02.{year.y1}")
    spoil("attestations", int(rng.choice(rows_where("attestations", lambda r: True))), "category", "")
    load = grids[SCHEMA["teaching_load"].title]
    blank = len(load) // 2 + 1
    load.insert(blank - 1, [])
    planted.append(PlantedCell("teaching_load", SCHEMA["teaching_load"].title, blank, "", "", "", WARNING))
    return sorted(planted, key=lambda p: (SCHEMA.keys.index(p.sheet_key), p.row, p.cell))
