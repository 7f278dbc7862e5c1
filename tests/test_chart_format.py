"""Charts speak Russian: the JavaScript number formatter run by node, the options it is put in, the top-N cut."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from app.pages.chart_format import more_text, ru_number_js, russian, top_categories

NBSP = "\u00a0"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize(("value", "unit", "text"), [
    (2500, "", f"2{NBSP}500"),
    (17.5, "", "17,5"),
    (17.5, "%", f"17,5{NBSP}%"),
    (100, "%", f"100{NBSP}%"),
    (1234567.891, "", f"1{NBSP}234{NBSP}567,89"),
    (0, "", "0"),
    (None, "%", "—"),
])
def test_the_chart_formatter_writes_numbers_the_russian_way(value, unit: str, text: str) -> None:
    script = f"const f = {ru_number_js(unit)}; process.stdout.write(String(f({json.dumps(value)})));"
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60, check=True).stdout
    assert out == text


def test_russian_formats_value_axes_and_the_tooltip_but_not_categories() -> None:
    options = russian({"tooltip": {"trigger": "axis"},
                       "xAxis": {"type": "category", "data": ["5«А»"]},
                       "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value} %"}}}, "%")
    assert options["yAxis"]["axisLabel"] == {":formatter": ru_number_js("%")}
    assert "axisLabel" not in options["xAxis"]
    assert options["tooltip"] == {"trigger": "axis", ":valueFormatter": ru_number_js("%")}
    own = russian({"tooltip": {":formatter": "p => p.name"}, "yAxis": [{"type": "value"}]})
    assert own["tooltip"] == {":formatter": "p => p.name"}  # a chart's own tooltip is kept
    assert own["yAxis"][0]["axisLabel"] == {":formatter": ru_number_js()}


@pytest.mark.parametrize(("cats", "weights", "limit", "shown", "left"), [
    (["А", "Б", "В"], {"А": 1, "Б": 5, "В": 3}, 5, ["А", "Б", "В"], 0),
    (["А", "Б", "В", "Г"], {"А": 1, "Б": 5, "В": 3, "Г": 4}, 2, ["Б", "Г"], 2),
    (["А", "Б", "В"], {"А": 2, "Б": 2, "В": 2}, 2, ["А", "Б"], 1),  # ties keep the given order
    (["А", "Б"], {}, 1, ["А"], 1),
])
def test_top_categories_keep_the_heaviest_in_their_order(cats, weights, limit, shown, left) -> None:
    assert top_categories(cats, weights, limit) == (shown, left)


def test_more_text_names_what_is_left_out() -> None:
    assert more_text(20, 0) == ""
    assert more_text(20, 15) == "Показаны 20 педагогов с наибольшим числом результатов; ещё 15 — в справке и на " \
                                "уровнях ниже."
