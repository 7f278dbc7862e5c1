"""In a real headless Chromium: the dashboard's headline cards follow the drill-down level (issue #15, item 4), and
the dashboard at school, class and teacher level is photographed into a temp folder for a reviewer."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from selenium.webdriver.support.ui import WebDriverWait

from app.demo.school import DemoSchool
from reports import results_facts
from reports.labels import fmt_num
from sheets_schema import SCHEMA, validate_workbook
from tests.browser import WAIT, chromium, needs_browser, served
from tests.test_browser import sign_in, text_of
from tests.test_dashboard_levels import a_teacher, by_hand

pytestmark = needs_browser


def written_card(body: str) -> str:
    """The first «Писали» headline card (the whole year) as the page shows it, e.g. «2 310»."""
    match = re.search(r"\nПисали\n([0-9][0-9\u00a0 ]*)\n", body)
    assert match, body[:800]
    return match.group(1).replace("\u00a0", " ")


def test_cards_follow_the_level_and_screenshots_are_taken(tmp_path: Path, seeded_dir: Path,
                                                          demo_school: DemoSchool) -> None:
    wb = validate_workbook(SCHEMA, demo_school.grids)
    facts = results_facts(wb)
    nine = facts[(facts["parallel"] == 9).fillna(False).to_numpy(dtype=bool)]
    cls = str(nine["class_id"].astype(str).value_counts().index[0])
    dep, subject, tid, theirs = a_teacher(facts, wb.frames)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    data = tmp_path / "data"
    shutil.copytree(seeded_dir, data)
    with served(data) as url, chromium(tmp_path) as driver:
        sign_in(driver, url, "zam")
        levels = [("school", "/dashboard", by_hand(facts)[0]),
                  ("parallel-9", "/dashboard?parallel=9", by_hand(facts, parallel=9)[0]),
                  ("class", f"/dashboard?parallel=9&class={cls}", by_hand(facts, class_id=cls)[0]),
                  ("teacher", f"/dashboard?axis=subjects&department={dep}&subject={subject}&teacher={tid}",
                   by_hand(theirs)[0])]
        assert len({n for _, _, n in levels}) == len(levels)  # four levels, four different counts
        for name, path, wrote in levels:
            driver.get(url + path)
            WebDriverWait(driver, WAIT).until(lambda d: "Показатели:" in text_of(d) and "Писали" in text_of(d),
                                              message=name)
            assert written_card(text_of(driver)) == fmt_num(wrote, 0), name
            driver.save_screenshot(str(shots / f"dashboard-{name}.png"))
        driver.get(url + "/logout")
        sign_in(driver, url, "uchitel")
        driver.get(url + "/dashboard")
        WebDriverWait(driver, WAIT).until(lambda d: "Показатели:" in text_of(d))
        body = text_of(driver)
        assert "Мои классы" in body and "Показатели: мои классы" in body and "Школа" not in body
        driver.save_screenshot(str(shots / "dashboard-teacher-own.png"))
    assert sorted(p.name for p in shots.iterdir()) == ["dashboard-class.png", "dashboard-parallel-9.png",
                                                       "dashboard-school.png", "dashboard-teacher-own.png",
                                                       "dashboard-teacher.png"]
    print(f"screenshots: {shots}")
