"""What people do to a shared sheet by hand, then the store writes: new rows land under the header, in the table.

Each hand edit goes through the fake's API the way the Sheets UI sends it (insertDimension, values.clear, sortRange,
setBasicFilter, addFilterView); the fake finds the table for values.append as the recorded Google answers show.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from devtools.fake_sheets import FakeSheets, fake_session, write_service_account
from sheets_schema import SCHEMA
from sheets_schema.school import STUDENTS
from sync.google.sheet_requests import id_cell_cleared
from sync.google.store import GoogleStore
from sync.layout import layouts_of
from sync.write.outbox import APPLIED, Outbox
from sync.write.worker import Worker
from tests.store_contract import CYR, HEADERS, LAYOUT
from tests.test_write_path import student

KEY = "shared"
API = f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}"
DATA = [["a", "Иванов", "1 2", "3"], ["b", "Петров", "2 2", "5"], ["c", "Сидоров", "", "4"]]
NEW = [["n1", "Новиков", "2 1", "4"], ["n2", "Орлова"]]


@pytest.fixture
def fake() -> FakeSheets:
    return FakeSheets(auto_create=True)


@pytest.fixture
def person(fake: FakeSheets) -> Callable[..., dict[str, Any]]:
    """A person at the Sheets UI: its edits reach the spreadsheet as these API calls."""
    http = fake_session(fake)

    def act(*requests_: dict[str, Any]) -> dict[str, Any]:
        r = http.post(f"{API}:batchUpdate", json={"requests": list(requests_)})
        assert r.status_code == 200, r.json()
        return r.json()  # type: ignore[no-any-return]

    return act


@pytest.fixture
def store(fake: FakeSheets, tmp_path: Path) -> GoogleStore:
    key = write_service_account(tmp_path / "sa.json", "https://oauth2.googleapis.com/token")
    store = GoogleStore(KEY, key, session=fake_session(fake))
    store.retry_policy.sleep = lambda seconds: None
    store.ensure_layout([LAYOUT])
    store.append_rows(CYR, DATA)
    return store


def sheet_id(fake: FakeSheets) -> int:
    sheet = fake.book(KEY).by_title(CYR)
    assert sheet is not None
    return sheet.sheet_id


def rows(fake: FakeSheets, sid: int, start: int, end: int) -> dict[str, Any]:
    return {"insertDimension": {"range": {"sheetId": sid, "dimension": "ROWS", "startIndex": start,
                                          "endIndex": end}}}


def test_blank_row_inserted_above_the_header(store: GoogleStore, fake: FakeSheets,
                                             person: Callable[..., Any]) -> None:
    person(rows(fake, sheet_id(fake), 0, 1))
    store.append_rows(CYR, NEW)
    assert fake.grid(KEY, CYR) == [[], HEADERS, *DATA, *NEW]
    # the header is found below the blank row for updates and deletions too
    assert store.update_rows(CYR, "id", {"b": {"Отметка": "4"}}).applied == ["b"]
    assert store.delete_rows(CYR, "id", ["a"]).applied == ["a"]
    assert fake.grid(KEY, CYR) == [[], HEADERS, ["b", "Петров", "2 2", "4"], DATA[2], *NEW]


def test_a1_cleared_by_hand(store: GoogleStore, fake: FakeSheets) -> None:
    http = fake_session(fake)
    assert http.post(f"{API}/values/{requests.utils.quote(CYR + '!A1', safe='')}:clear").status_code == 200
    store.append_rows(CYR, NEW)
    assert fake.grid(KEY, CYR) == [["", *HEADERS[1:]], *DATA, *NEW]


def test_a1_cleared_after_the_store_saw_the_header(store: GoogleStore, fake: FakeSheets) -> None:
    store.read_all()
    fake_session(fake).post(f"{API}/values/{requests.utils.quote(CYR + '!A1', safe='')}:clear")
    assert store.update_rows(CYR, "id", {"b": {"Отметка": "4"}}).applied == ["b"]
    assert store.delete_rows(CYR, "id", ["a"]).applied == ["a"]
    assert fake.grid(KEY, CYR) == [["", *HEADERS[1:]], ["b", "Петров", "2 2", "4"], DATA[2]]


def test_a1_cleared_on_a_sheet_with_only_the_header(fake: FakeSheets, tmp_path: Path) -> None:
    key = write_service_account(tmp_path / "sa.json", "https://oauth2.googleapis.com/token")
    store = GoogleStore(KEY, key, session=fake_session(fake))
    store.ensure_layout([LAYOUT])
    fake_session(fake).post(f"{API}/values/{requests.utils.quote(CYR + '!A1', safe='')}:clear")
    store.append_rows(CYR, NEW)  # anchored at A1 alone, Google would have written these above the header
    assert fake.grid(KEY, CYR) == [["", *HEADERS[1:]], *NEW]


def test_row_inserted_between_header_and_data(store: GoogleStore, fake: FakeSheets,
                                              person: Callable[..., Any]) -> None:
    person(rows(fake, sheet_id(fake), 1, 2))
    store.append_rows(CYR, NEW)
    assert fake.grid(KEY, CYR) == [HEADERS, [], *DATA, *NEW]


def test_filter_view_and_basic_filter(store: GoogleStore, fake: FakeSheets, person: Callable[..., Any]) -> None:
    sid = sheet_id(fake)
    hide_fives = {"range": {"sheetId": sid, "startRowIndex": 0},
                  "filterSpecs": [{"columnIndex": 3, "filterCriteria": {"hiddenValues": ["5"]}}]}
    reply = person({"addFilterView": {"filter": {"title": "Без пятёрок", **hide_fives}}},
                   {"setBasicFilter": {"filter": hide_fives}})
    assert "filterViewId" in reply["replies"][0]["addFilterView"]["filter"]
    store.append_rows(CYR, NEW)  # filters hide rows from people, never from the API
    assert fake.grid(KEY, CYR) == [HEADERS, *DATA, *NEW]
    assert len(store.read_all()[CYR]) == 1 + len(DATA) + len(NEW)


def test_sorted_by_hand(store: GoogleStore, fake: FakeSheets, person: Callable[..., Any]) -> None:
    http = fake_session(fake)
    http.put(f"{API}/values/{requests.utils.quote(CYR + '!A6', safe='')}", params={"valueInputOption": "RAW"},
             json={"values": [["d", "Белов", "", "2"]]})  # after a blank row 5
    person({"sortRange": {"range": {"sheetId": sheet_id(fake), "startRowIndex": 1},
                          "sortSpecs": [{"dimensionIndex": 3, "sortOrder": "DESCENDING"}]}})
    by_mark = [DATA[1], DATA[2], DATA[0], ["d", "Белов", "", "2"]]  # 5, 4, 3, 2; the blank row sorts last
    assert fake.grid(KEY, CYR) == [HEADERS, *by_mark]
    store.append_rows(CYR, NEW)
    assert fake.grid(KEY, CYR) == [HEADERS, *by_mark, *NEW]
    assert store.update_rows(CYR, "id", {"a": {"Отметка": "2"}}).applied == ["a"]
    assert fake.grid(KEY, CYR)[3] == ["a", "Иванов", "1 2", "2"]


def test_stray_cell_under_the_table_does_not_shift_the_columns(store: GoogleStore, fake: FakeSheets) -> None:
    http = fake_session(fake)
    http.put(f"{API}/values/{requests.utils.quote(CYR + '!C8', safe='')}", params={"valueInputOption": "RAW"},
             json={"values": [["проверено"]]})  # a note typed under the table, apart from it
    store.append_rows(CYR, NEW)  # Google extends the table «C8» from column C; the store puts the rows back in A
    grid = fake.grid(KEY, CYR)
    assert grid[:4] == [HEADERS, *DATA]
    assert grid[7] == ["", "", "проверено"] and grid[8:] == NEW
    assert all(len(r) == 0 for r in grid[4:7])


@pytest.mark.parametrize("edit", ["two blank rows above the header", "A1 cleared before the server started"])
def test_outbox_writes_land_under_the_header(fake: FakeSheets, person: Callable[..., Any], tmp_path: Path,
                                             edit: str) -> None:
    key = write_service_account(tmp_path / "sa.json", "https://oauth2.googleapis.com/token")
    GoogleStore(KEY, key, session=fake_session(fake)).ensure_layout(layouts_of(SCHEMA))
    sheet = fake.book(KEY).by_title(STUDENTS.title)
    assert sheet is not None
    if edit.startswith("two"):
        person(rows(fake, sheet.sheet_id, 0, 2))
        top, header = [[], []], list(STUDENTS.headers)
    else:
        sheet.cells[0][0] = None
        top, header = [], ["", *STUDENTS.headers[1:]]
    store = GoogleStore(KEY, key, session=fake_session(fake))  # a restart: the store knows the schema only
    store.ensure_layout(layouts_of(SCHEMA))
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    worker = Worker(outbox, store, SCHEMA, backoff_base=0.001, backoff_max=0.01, idle_wait=0.02)
    outbox.enqueue([student(1), student(2)])
    assert worker.run_once() == 2 and outbox.counts() == {APPLIED: 2}
    grid = fake.grid(KEY, STUDENTS.title)
    assert grid[:len(top) + 1] == [*top, header]
    assert [r[0] for r in grid[len(top) + 1:]] == ["st-t1-1", "st-t1-2"]


@pytest.mark.parametrize("header, known, cleared", [
    (["", "Обучающийся", "Отметка"], ["id", "Обучающийся", "Отметка"], True),
    (["", "Обучающийся"], ["id", "Обучающийся", "Отметка"], False),  # more than A1 changed
    (["", "Ученик", "Отметка"], ["id", "Обучающийся", "Отметка"], False),
    (["", "Обучающийся"], [], False),  # never seen: nothing to go by
    ([], ["id"], False),
    (["Обучающийся", "", "Отметка"], ["Обучающийся", "id", "Отметка"], True),
])
def test_id_cell_cleared(header: list[str], known: list[str], cleared: bool) -> None:
    assert id_cell_cleared(header, known, "id") is cleared
