"""End to end in a real headless Chromium: sign in as people do, and see what they see."""

from __future__ import annotations

import shutil
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import WAIT, chromium, click, needs_browser, served
from tests.conftest import PASSWORD
from tests.waits import wait_until

pytestmark = needs_browser


def sign_in(driver, url: str, login: str) -> None:
    driver.get(f"{url}/login")
    inputs = WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "input"))
    inputs[0].send_keys(login)
    inputs[1].send_keys(PASSWORD)
    driver.find_element(By.XPATH, "//button[.//span[contains(., 'Войти')] or contains(., 'Войти')]").click()
    WebDriverWait(driver, WAIT).until(EC.presence_of_element_located((By.XPATH, "//*[contains(., 'Выйти')]")))


def success_card(page_text: str) -> float:
    """The school's «Успеваемость» headline card, e.g. «88,5 %» -> 88.5."""
    import re

    match = re.search(r"Успеваемость\n([0-9]+,[0-9]) %", page_text)
    assert match, page_text[:500]
    return float(match.group(1).replace(",", "."))


def text_of(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def test_deputy_signs_in_and_sees_the_school(tmp_path: Path, seeded_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(seeded_dir, data)
    with served(data) as url, chromium(tmp_path) as driver:
        driver.get(url + "/")
        WebDriverWait(driver, WAIT).until(lambda d: "/login" in d.current_url)
        sign_in(driver, url, "zam")
        WebDriverWait(driver, WAIT).until(lambda d: "Обзор школы" in text_of(d))
        body = text_of(driver)
        assert "Успеваемость" in body and "Качество знаний" in body and "СОУ" in body
        # the session's storage lives in the data dir, never in the directory the server was started from
        wait_until(lambda: list((data / "nicegui").glob("storage-user-*.json")), what="session storage in data dir")
        assert not (tmp_path / "cwd" / ".nicegui").exists()
        driver.get(url + "/logout")
        WebDriverWait(driver, WAIT).until(lambda d: "/login" in d.current_url)


def test_teacher_is_refused_the_data_quality_page(tmp_path: Path, seeded_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(seeded_dir, data)
    with served(data) as url, chromium(tmp_path) as driver:
        sign_in(driver, url, "uchitel")
        driver.get(url + "/issues")
        WebDriverWait(driver, WAIT).until(lambda d: "нет доступа" in text_of(d).lower())
        assert "Мои классы и предметы" not in text_of(driver)


def _teacher_work_and_class(data: Path) -> tuple[str, str, int, int]:
    """A work and class in the demo teacher's load that already has results: (work, class, students, tasks)."""
    from sheets_schema import SCHEMA, validate_workbook
    from sync.local import LocalStore
    from sync.users import UserStore

    frames = validate_workbook(SCHEMA, LocalStore(data / "edumon.sqlite3").read_all()).frames
    tid = UserStore(data / "users.sqlite3").get("uchitel").teacher_id
    load = frames["teaching_load"]
    mine = load[load["teacher_id"] == tid]
    parallel = frames["classes"].set_index("id")["parallel"]
    works, tasks, students = frames["works"], frames["tasks"], frames["students"]
    for c, s in zip(mine["class_id"], mine["subject_id"], strict=True):
        for w in works.itertuples():
            if w.subject_id == s and w.parallel == parallel[c] and w.parallel > 1:
                return (w.id, c, int((students["class_id"] == c).sum()), int((tasks["work_id"] == w.id).sum()))
    raise AssertionError("the demo teacher has no work with results")


def test_teacher_enters_results_in_the_grid_and_the_deputy_sees_the_overview_change(tmp_path: Path,
                                                                                     seeded_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(seeded_dir, data)
    work_id, class_id, n_students, n_tasks = _teacher_work_and_class(data)
    with served(data) as url, chromium(tmp_path) as driver:
        sign_in(driver, url, "zam")
        WebDriverWait(driver, WAIT).until(lambda d: "Обзор школы" in text_of(d))
        before = text_of(driver)
        driver.get(url + "/logout")
        sign_in(driver, url, "uchitel")
        driver.get(f"{url}/grid?work={work_id}&class={class_id}")
        try:
            # Quasar buttons are rendered in capitals, so compare case-insensitively
            WebDriverWait(driver, WAIT).until(lambda d: "вставить из таблицы" in text_of(d).lower())
        except Exception as exc:
            raise AssertionError(f"grid did not open for {work_id}/{class_id}: {text_of(driver)[:300]} "
                                 f"{driver.current_url}\n"
                                 + (data / "server.log").read_text(encoding="utf-8")[-1500:]) from exc
        click(driver, "//button[contains(., 'Вставить из таблицы')]")
        area = WebDriverWait(driver, WAIT).until(EC.presence_of_element_located((By.CSS_SELECTOR, "textarea")))
        block = "\n".join("\t".join(["0"] * n_tasks) for _ in range(n_students))  # everyone: zero points
        driver.execute_script("arguments[0].value = arguments[1];"
                              "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", area, block)
        click(driver, "//button[.//span[normalize-space()='Вставить'] or normalize-space()='Вставить']")
        click(driver, "//button[contains(., 'Сохранить')]")
        WebDriverWait(driver, WAIT).until(lambda d: "Сохранено" in text_of(d))
        driver.get(url + "/logout")
        sign_in(driver, url, "zam")
        WebDriverWait(driver, WAIT).until(lambda d: "Обзор школы" in text_of(d))
        after = text_of(driver)
        assert success_card(after) < success_card(before)  # a whole class now has «2»: the school's success fell
