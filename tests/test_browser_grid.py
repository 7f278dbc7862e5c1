"""The results grid in a real headless Chromium: a whole class typed with the keyboard only, the draft that survives
a reload, the leave question; screenshots of the grid and the dashboard for a reviewer."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from sheets_schema import SCHEMA, validate_workbook
from sync.local import LocalStore
from sync.users import UserStore
from tests.browser import WAIT, chromium, click, needs_browser, served
from tests.test_browser import sign_in, text_of
from tests.waits import wait_until

pytestmark = needs_browser

CLASS_SIZE = 25
MAXIMA = (2, 3)  # the two tasks of the work typed in


@dataclass(frozen=True)
class Setup:
    work_id: str
    class_id: str
    parallel: int
    teacher_id: str
    subject_id: str


def _append(store: LocalStore, key: str, rows: list[dict[str, str]]) -> None:
    sheet = SCHEMA[key]
    header = [h.strip() for h in store.read_all()[sheet.title][0]]
    by_header = {f.header: f.key for f in sheet.fields}
    store.append_rows(sheet.title, [[r.get(by_header.get(h, ""), "") for h in header] for r in rows])


def prepare(data: Path) -> Setup:
    """In the demo teacher's load: a class grown to 25 students and a fresh two-task work of its subject."""
    store = LocalStore(data / "edumon.sqlite3")
    frames = validate_workbook(SCHEMA, store.read_all()).frames
    tid = UserStore(data / "users.sqlite3").get("uchitel").teacher_id
    load = frames["teaching_load"]
    classes = frames["classes"].set_index("id")
    mine = load[load["teacher_id"] == tid]
    class_id, subject_id = next((c, s) for c, s in zip(mine["class_id"], mine["subject_id"], strict=True)
                                if classes.loc[c, "parallel"] > 1)
    parallel = int(classes.loc[class_id, "parallel"])
    students = frames["students"]
    have = int((students["class_id"] == class_id).sum())
    _append(store, "students", [{"id": f"st-typed-{i:02d}", "last_name": f"Яковлев{i:02d}", "first_name": "Ян",
                                 "class_id": class_id} for i in range(CLASS_SIZE - have)])
    work_id = "w-typed"
    _append(store, "works", [{"id": work_id, "title": "Самостоятельная работа (ввод с клавиатуры)",
                              "subject_id": subject_id, "parallel": str(parallel), "kind": "промежуточная (рубежная)",
                              "date": "20.11.2025", "max_score": str(sum(MAXIMA)), "threshold_3": "2",
                              "threshold_4": "3", "threshold_5": "5"}])
    _append(store, "tasks", [{"id": f"{work_id}-t{i}", "work_id": work_id, "number": str(i), "max_score": str(m),
                              "element": f"Умение {i}", "level": "базовый"} for i, m in enumerate(MAXIMA, start=1)])
    checked = validate_workbook(SCHEMA, store.read_all())
    frames = checked.frames
    assert work_id in set(frames["works"]["id"]), [i for i in checked.issues if "typed" in str(i)]
    assert int((frames["students"]["class_id"] == class_id).sum()) == CLASS_SIZE
    return Setup(work_id, class_id, parallel, tid, subject_id)


def grid_js(driver, body: str):
    """Run `body` with `api` bound to the page's AG Grid."""
    gid = driver.find_element(By.CSS_SELECTOR, ".nicegui-aggrid").get_attribute("id").lstrip("c")
    return driver.execute_script(f"const api = getElement({gid}).api; {body}")


def row_ids(driver) -> list[str]:
    return grid_js(driver, "const out = []; api.forEachNodeAfterFilterAndSort(n => out.push(n.id)); return out;")


def row_data(driver) -> dict[str, dict]:
    return grid_js(driver, "const out = {}; api.forEachNode(n => out[n.id] = n.data); return out;")


def open_grid(driver, url: str, setup: Setup) -> None:
    driver.get(f"{url}/grid?work={setup.work_id}&class={setup.class_id}")
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".ag-row[row-index='0']"))


def focus_first_cell(driver) -> None:
    """One click selects the first score cell (as a person would); everything after it is typed."""
    driver.find_element(By.CSS_SELECTOR, ".ag-center-cols-container .ag-row[row-index='0'] [col-id='t1']").click()


def keys(driver, *sequence: str) -> None:
    """Keys to whatever has the focus now — a key the grid lost goes to the page body and is lost."""
    ActionChains(driver).send_keys(*sequence).perform()


def armed(driver) -> list[str]:
    return driver.execute_script("return window.edumonLeave ? window.edumonLeave.armed() : null;")


def unload_is_refused(driver) -> bool:
    return driver.execute_script("const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e);"
                                 "return e.defaultPrevented;")


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, path


def stored_scores(data: Path, work_id: str) -> dict[str, str]:
    """student id -> «Баллы по заданиям» of the work's results in the store (what the write path wrote)."""
    grid = LocalStore(data / "edumon.sqlite3").read_all()[SCHEMA["results"].title]
    header = [h.strip() for h in grid[0]]
    w, s, sc = (header.index(SCHEMA["results"].header_of(k)) for k in ("work_id", "student_id", "scores"))
    return {r[s]: r[sc] for r in grid[1:] if len(r) > max(w, s, sc) and r[w] == work_id}


def test_a_teacher_types_a_whole_class_with_the_keyboard(tmp_path: Path, seeded_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(seeded_dir, data)
    setup = prepare(data)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with served(data) as url, chromium(tmp_path) as driver:
        sign_in(driver, url, "uchitel")
        open_grid(driver, url, setup)
        ids = row_ids(driver)
        assert len(ids) == CLASS_SIZE
        # «Сумма» and «Отметка» are pinned right and fully visible in a 1400 px window
        pinned = driver.execute_script(
            "return [...document.querySelectorAll('.ag-pinned-right-header .ag-header-cell')].map(c => "
            "[c.innerText, c.getBoundingClientRect().right, window.innerWidth]);")
        assert [p[0].split(" ")[0] for p in pinned] == ["Сумма", "Отметка"], pinned
        assert all(0 < right <= width for _, right, width in pinned), pinned

        first = {sid: str(i % (MAXIMA[0] + 1)) for i, sid in enumerate(ids)}
        second = {sid: str((i + 1) % (MAXIMA[1] + 1)) for i, sid in enumerate(ids)}
        focus_first_cell(driver)
        for sid in ids:  # typing replaces the cell, Enter goes down
            keys(driver, first[sid], Keys.ENTER)
        keys(driver, Keys.ARROW_RIGHT, *[Keys.ARROW_UP] * (CLASS_SIZE - 1))  # arrows: to the top of task 2
        for sid in ids:
            keys(driver, second[sid], Keys.ENTER)
        expected = {sid: f"{first[sid]} {second[sid]}" for sid in ids}
        total = {sid: str(int(first[sid]) + int(second[sid])) for sid in ids}
        # every value arrived on the server: its totals came back into every row
        wait_until(lambda: {sid: str(r.get("total")) for sid, r in row_data(driver).items()} == total,
                   limit=WAIT, what="the server's totals in every row")
        assert {sid: f"{r['t1']} {r['t2']}" for sid, r in row_data(driver).items()} == expected
        assert armed(driver) and unload_is_refused(driver)

        click(driver, "//button[contains(., 'Сохранить')]")
        WebDriverWait(driver, WAIT).until(lambda d: f"Сохранено: добавлено {CLASS_SIZE}" in text_of(d))
        wait_until(lambda: stored_scores(data, setup.work_id) == expected, limit=WAIT, what="every value stored")
        assert armed(driver) == [] and not unload_is_refused(driver)
        grid_js(driver, "api.ensureIndexVisible(0, 'top');")
        driver.execute_script("window.scrollTo(0, 0);")
        driver.save_screenshot(str(shots / "grid.png"))

        # the dashboard at the school, class and teacher level, for a reviewer to look at
        driver.get(url + "/logout")
        sign_in(driver, url, "zam")
        for name, query in (("dashboard-school", ""), ("dashboard-class",
                                                       f"?parallel={setup.parallel}&class={setup.class_id}"),
                            ("dashboard-teacher",
                             f"?axis=subjects&subject={setup.subject_id}&teacher={setup.teacher_id}")):
            driver.get(f"{url}/dashboard{query}")
            WebDriverWait(driver, WAIT).until(lambda d: "Успеваемость" in text_of(d))
            driver.save_screenshot(str(shots / f"{name}.png"))
    print(f"\nскриншоты: {shots}")
    for name in ("grid", "dashboard-school", "dashboard-class", "dashboard-teacher"):
        assert_png(shots / f"{name}.png")


def test_a_draft_survives_a_reload_and_leaving_asks_first(tmp_path: Path, seeded_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(seeded_dir, data)
    setup = prepare(data)
    with served(data) as url, chromium(tmp_path) as driver:
        sign_in(driver, url, "uchitel")
        open_grid(driver, url, setup)
        assert armed(driver) == [] and not unload_is_refused(driver)
        ids = row_ids(driver)
        focus_first_cell(driver)
        keys(driver, "2", Keys.TAB, "1", Keys.ENTER)  # Tab goes right while editing, Enter goes down
        keys(driver, "1", Keys.ARROW_DOWN, "3", Keys.ARROW_UP, Keys.ARROW_UP)  # ↑ ↓ leave an edit and move
        keys(driver, "0", Keys.ENTER)  # row 1 again: typing replaces its «1»
        wait_until(lambda: [row_data(driver)[i].get("t2") for i in ids[:3]] == ["0", "1", "3"], limit=WAIT,
                   what="values typed with arrows")
        wait_until(lambda: str(row_data(driver)[ids[0]].get("total")) == "2", limit=WAIT, what="row 1 total")
        assert armed(driver) and unload_is_refused(driver)  # the browser asks before the tab is closed

        # a link of the page asks in Russian; «stay» keeps the page and what is typed
        driver.find_element(By.XPATH, "//a[normalize-space()='Обзор школы']").click()
        alert = WebDriverWait(driver, WAIT).until(EC.alert_is_present())
        assert "несохранённые" in alert.text
        alert.dismiss()
        assert "/grid" in driver.current_url and row_data(driver)[ids[0]]["t1"] == "2"
        assert armed(driver)

        driver.refresh()
        try:  # Chromium asks before the reload (beforeunload); leave
            WebDriverWait(driver, 5).until(EC.alert_is_present()).accept()
        except TimeoutException:
            pass
        WebDriverWait(driver, WAIT).until(lambda d: "Восстановлен несохранённый черновик" in text_of(d))
        rows = row_data(driver)
        assert [(rows[i]["t1"], rows[i]["t2"]) for i in ids[:3]] == [("2", "0"), ("", "1"), ("", "3")]
        wait_until(lambda: armed(driver), limit=WAIT, what="the restored draft arms the leave question")

        click(driver, "//button[contains(., 'Отбросить черновик')]")
        wait_until(lambda: row_data(driver)[ids[0]]["t1"] == "" and armed(driver) == [], limit=WAIT,
                   what="the draft discarded")
        driver.refresh()
        open_grid(driver, url, setup)
        assert "Восстановлен несохранённый черновик" not in text_of(driver)
        assert stored_scores(data, setup.work_id) == {}

        focus_first_cell(driver)
        keys(driver, Keys.ARROW_LEFT, Keys.SPACE)  # «Не писал» ticked from the keyboard
        wait_until(lambda: row_data(driver)[ids[0]].get("absent") is True and armed(driver), limit=WAIT,
                   what="«не писал» ticked with Space")
