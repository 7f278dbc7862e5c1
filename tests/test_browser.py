"""End to end in a real headless Chromium: sign in as people do, and see what they see."""

from __future__ import annotations

import shutil
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import chromium, needs_browser, served
from tests.conftest import PASSWORD

pytestmark = needs_browser


def sign_in(driver, url: str, login: str) -> None:
    driver.get(f"{url}/login")
    inputs = WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "input"))
    inputs[0].send_keys(login)
    inputs[1].send_keys(PASSWORD)
    driver.find_element(By.XPATH, "//button[.//span[contains(., 'Войти')] or contains(., 'Войти')]").click()
    WebDriverWait(driver, 20).until(EC.presence_of_element_located((By.XPATH, "//*[contains(., 'Выйти')]")))


def text_of(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def test_deputy_signs_in_and_sees_the_school(tmp_path: Path, seeded_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(seeded_dir, data)
    with served(data) as url, chromium(tmp_path) as driver:
        driver.get(url + "/")
        WebDriverWait(driver, 20).until(lambda d: "/login" in d.current_url)
        sign_in(driver, url, "zam")
        WebDriverWait(driver, 20).until(lambda d: "Обзор школы" in text_of(d))
        body = text_of(driver)
        assert "Успеваемость" in body and "Качество знаний" in body and "СОУ" in body
        driver.get(url + "/logout")
        WebDriverWait(driver, 20).until(lambda d: "/login" in d.current_url)


def test_teacher_is_refused_the_data_quality_page(tmp_path: Path, seeded_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(seeded_dir, data)
    with served(data) as url, chromium(tmp_path) as driver:
        sign_in(driver, url, "uchitel")
        driver.get(url + "/issues")
        WebDriverWait(driver, 20).until(lambda d: "нет доступа" in text_of(d).lower())
        assert "Мои классы и предметы" not in text_of(driver)
