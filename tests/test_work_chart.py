"""The work page draws task completion (% of the maximum per task, coloured by difficulty level, Russian numbers),
and its risk list counts only results of the work's own subject."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from nicegui import ui
from nicegui.testing import User

from app.pages.work_chart import LEVEL_COLORS, WEAK_PCT, task_chart_options
from reports.analytics.facts import results_facts
from reports.spravka.narrative import work_report
from sheets_schema import Workbook
from tests.conftest import sign_in
from tests.factories import School


def test_each_task_is_a_bar_of_its_level_with_the_weak_line() -> None:
    tasks = pd.DataFrame({"number": [1, 2, 3], "element": ["Дроби", "Уравнения <b>", "Графики"],
                          "task_level": ["базовый", "повышенный", "базовый"], "pct_of_max": [82.35, 40.0, None]})
    options = task_chart_options(tasks)
    assert options["xAxis"]["data"] == ["№ 1", "№ 2", "№ 3"]
    by_name = {s["name"]: s for s in options["series"]}
    assert list(by_name) == ["базовый", "повышенный"]  # the legend names only the levels present
    assert [d and d["value"] for d in by_name["базовый"]["data"]] == [82.3, None, None]  # no score: no bar
    assert [d and d["value"] for d in by_name["повышенный"]["data"]] == [None, 40.0, None]
    assert by_name["повышенный"]["itemStyle"]["color"] == LEVEL_COLORS["повышенный"]
    assert options["series"][0]["markLine"]["data"] == [{"yAxis": WEAK_PCT}]
    assert "toLocaleString('ru-RU'" in options["yAxis"]["axisLabel"][":formatter"]  # «17,5 %»
    assert "&lt;" in options["tooltip"][":formatter"]  # the element's text is escaped in the tooltip


def test_a_students_twos_in_another_subject_do_not_put_them_at_risk_on_this_work() -> None:
    s = School()
    alg, hist = s.subject("Алгебра"), s.subject("История")
    a = s.klass(9, "А")
    p = s.student(a, "Орлов")
    algebra = s.work(alg, date="15.09.2025", title="Алгебра")
    s.result(algebra, p, total=9)  # «5» in algebra
    history = [s.work(hist, date=d, title=f"История {d}") for d in ("16.09.2025", "17.10.2025", "18.11.2025")]
    for w in history:
        s.result(w, p, total=1)  # «2» three times in history
    frames = s.frames()
    facts = results_facts(frames)
    assert work_report(facts, frames, algebra).at_risk.empty
    assert list(work_report(facts, frames, history[0]).at_risk["student"]) == ["Орлов Иван"]


async def test_the_work_page_shows_the_task_chart(data_dir: Path, user: User, workbook: Workbook,
                                                  facts: pd.DataFrame) -> None:
    tasks = set(workbook["tasks"]["work_id"])
    wid = next(str(w) for w in facts.loc[facts["mark"].notna(), "work_id"].unique() if w in tasks)
    report = work_report(facts, workbook.frames, wid)
    await sign_in(user, "zam")
    await user.open(f"/work/{wid}")
    await user.should_see(marker="work-task-chart")
    chart = user.find(marker="work-task-chart").elements.pop()
    assert isinstance(chart, ui.echart)
    drawn = {}
    for series in chart.options["series"]:
        for i, d in enumerate(series["data"]):
            if d is not None:
                drawn[i] = d["value"]
    expected = {i: round(float(v), 1) for i, v in enumerate(report.tasks["pct_of_max"]) if pd.notna(v)}
    assert drawn == expected and len(drawn) == len(report.tasks)
