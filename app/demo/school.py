"""Demo school generator: a realistic, deterministic school year so the product can be shown and tested offline.

One call builds every worksheet of the schema as cell strings, the way a person types them into Google Sheets, plus
a handful of deliberately bad hand-edited cells (`DemoSchool.planted`) that validation must find, each exactly once.
Scores come from a small item-response model (student ability, per-subject offset, class trend over the year,
content-element difficulty), so analytics have something true to discover: weak elements, classes going up and
down, students at risk, and classes whose period marks are inflated against the ВПР.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlantedCell:
    """A cell spoiled on purpose, as a person editing the sheet by hand would; validation must report it."""

    sheet_key: str
    title: str
    row: int  # 1-based sheet row, the header is row 1
    cell: str  # A1 address, '' for a whole blank row
    header: str
    value: str
    severity: str  # sheets_schema ERROR or WARNING


@dataclass
class DemoSchool:
    grids: dict[str, list[list[str]]]  # worksheet title -> cell grid, header row first
    planted: list[PlantedCell]


def generate_demo(students: int = 600, seed: int = 42, academic_year: str = "2025/2026") -> DemoSchool:
    """A whole school year of one demo school, as the cell grids of every worksheet, with planted bad cells."""
    from app.demo.planted import _plant
    from app.demo.year import _SchoolYear

    year = _SchoolYear(students, seed, academic_year)
    year.build()
    year.result_records()
    grids = year.grids()
    return DemoSchool(grids, _plant(year, grids))
