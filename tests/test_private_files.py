"""Files and cookies: the data dir is 0700, databases and secrets 0600, NiceGUI's storage in the data dir, and the
session cookie Secure when the server sits behind HTTPS."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import urllib.request
from pathlib import Path

import pytest

from app.config import Settings
from app.context import build_context
from sync.users import UserStore
from tests.browser import served


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_dir_and_every_database_and_secret_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ctx = build_context(Settings(data_dir=data))
    ctx.session_secret()
    ctx.users.add("zam", "Зам", "deputy", "right-password")
    ctx.cache.refresh()
    assert mode(data) == 0o700
    for name in ("edumon.sqlite3", "users.sqlite3", "outbox.sqlite3", "session_secret", "last_good_copy.json"):
        assert mode(data / name) == 0o600, name
    wal = [p for p in data.iterdir() if p.name.endswith(("-wal", "-shm"))]
    assert wal and all(mode(p) == 0o600 for p in wal)


def test_databases_made_readable_by_everyone_before_are_tightened(tmp_path: Path) -> None:
    path = tmp_path / "users.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE x (a)").connection.close()
    os.chmod(path, 0o644)
    UserStore(path)
    assert mode(path) == 0o600


def test_nicegui_storage_is_kept_in_the_data_dir(tmp_path: Path) -> None:
    from nicegui.storage import Storage

    from app.main import keep_storage_in

    before = Storage.path
    try:
        path = keep_storage_in(tmp_path / "data")
        assert path == (tmp_path / "data" / "nicegui").resolve() and mode(path) == 0o700
        assert Storage._create_persistent_dict("user-x").filepath.parent == path  # type: ignore[attr-defined]
    finally:
        Storage.path = before


def _session_cookie(url: str) -> str:
    with urllib.request.urlopen(url + "/login", timeout=60) as response:
        cookies = [v for k, v in response.headers.items() if k.lower() == "set-cookie" and v.startswith("session=")]
    assert cookies, "the server set no session cookie"
    return cookies[0].lower()


@pytest.mark.parametrize(("secure", "expected"), [("1", True), ("", False)])
def test_the_session_cookie_is_secure_when_the_setting_says_so(tmp_path: Path, seeded_dir: Path, secure: str,
                                                               expected: bool) -> None:
    data = tmp_path / "data"
    shutil.copytree(seeded_dir, data)
    env = {"EDUMON_COOKIE_SECURE": secure} if secure else {}
    with served(data, env) as url:
        cookie = _session_cookie(url)
    assert ("; secure" in cookie) is expected
    assert "httponly" in cookie and "samesite=lax" in cookie
