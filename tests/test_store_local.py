from pathlib import Path

import pytest

from sync.local import LocalStore
from tests.store_contract import StoreContract


class TestLocalStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> LocalStore:
        return LocalStore(tmp_path / "edumon.sqlite3")


def test_data_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    LocalStore(path).replace_sheet("Лист", [["id"], ["1"]])
    assert LocalStore(path).read_all() == {"Лист": [["id"], ["1"]]}
