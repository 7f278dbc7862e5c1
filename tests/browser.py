"""Real-browser harness: `edumon serve` in a subprocess and headless Chromium through Selenium.

Debian's chromium and chromium-driver are installed by .ci/run; where they are missing the tests skip and say so.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.waits import wait_until

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
needs_browser = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="нет Chromium: установите пакеты chromium и chromium-driver (apt-get), .ci/run делает это сам")


STARTUP_LIMIT = 180  # seconds: a busy 2-core machine imports pandas and NiceGUI slowly
WAIT = 180  # seconds for any page condition in Chromium (a page after a write recomputes analytics)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run the real server on a free loopback port; yields its URL. It runs in a directory of its own
    (`<data_dir>/../cwd`), so a file it wrongly writes into its working directory is seen by the tests."""
    port = free_port()
    env = {**os.environ, "EDUMON_DATA_DIR": str(data_dir), "EDUMON_PORT": str(port), "EDUMON_HOST": "127.0.0.1",
           "EDUMON_BACKEND": "local", "EDUMON_REFRESH_SECONDS": "5",
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent), **(env or {})}
    env.pop("NICEGUI_USER_SIMULATION", None)
    env.pop("PYTEST_CURRENT_TEST", None)
    cwd = data_dir.parent / "cwd"
    cwd.mkdir(exist_ok=True)
    log = open(data_dir / "server.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=cwd)
    url = f"http://127.0.0.1:{port}"

    def listening() -> bool:
        if proc.poll() is not None:
            raise RuntimeError("server exited: " + (data_dir / "server.log").read_text(encoding="utf-8"))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    try:
        wait_until(listening, limit=STARTUP_LIMIT, poll=0.3, what="the server listens")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(30)
        log.close()


@contextmanager
def chromium(tmp: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1000", f"--user-data-dir={tmp / 'chrome-profile'}"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER or ""), options=opts)
    driver.implicitly_wait(30)
    try:
        yield driver
    finally:
        driver.quit()


def click(driver, xpath: str) -> None:  # type: ignore[no-untyped-def]
    """Click a button as a person would: scrolled clear of the page header, and again while something still covers
    it (a dialog sliding in, a notification) — the click that finally lands is the one that counts."""
    from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
    from selenium.webdriver.common.by import By

    def landed() -> bool:
        try:
            button = driver.find_element(By.XPATH, xpath)
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
            button.click()
        except (ElementClickInterceptedException, StaleElementReferenceException):
            return False
        return True

    wait_until(landed, WAIT, poll=0.2, what=f"нажать {xpath}")

