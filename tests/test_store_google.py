"""GoogleStore against the fake Sheets API: the shared contract, request economy, RAW text, faults, limits, loopback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from devtools.fake_sheets import FakeSheets, FaultPlan, fake_session, start_server, write_service_account
from devtools.fake_sheets.faults import KINDS
from devtools.fake_sheets.state import Sheet
from sync.google.http import (
    QuotaExhausted,
    SheetsCredentialsError,
    SheetsUnavailable,
    SpreadsheetNotFound,
    WorkbookFull,
)
from sync.google.store import GoogleStore
from sync.store import SheetLayout, SheetNotFound, StoreError
from tests.store_contract import CYR, HEADERS, LAYOUT, StoreContract

KEY = "school-2025"
TOKEN_URI = "https://oauth2.googleapis.com/token"  # answered by the fake through the session's adapter
OTHER = SheetLayout("Классы", ["id", "Параллель", "Литера"])


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_service_account(tmp_path_factory.mktemp("sa") / "service-account.json", TOKEN_URI)


@pytest.fixture(params=["en_US", "ru_RU"])
def fake(request: pytest.FixtureRequest) -> FakeSheets:
    """Every test here runs against an en_US and a ru_RU spreadsheet (a Russian school's sheet is ru_RU)."""
    return FakeSheets(auto_create=True, require_auth=True, locale=request.param)


@pytest.fixture
def make(fake: FakeSheets, key_file: Path) -> Callable[..., GoogleStore]:
    def factory(**kwargs: object) -> GoogleStore:
        store = GoogleStore(KEY, key_file, session=fake_session(fake), **kwargs)  # type: ignore[arg-type]
        store.retry_policy.sleep = lambda seconds: None  # backoff is exercised, never waited for
        return store

    return factory


class TestGoogleStore(StoreContract):
    @pytest.fixture
    def store(self, make: Callable[..., GoogleStore]) -> GoogleStore:
        return make()


# -- request economy ---------------------------------------------------------------------------------------------------
def test_full_refresh_costs_one_request_after_the_first(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    store = make()
    store.ensure_layout([LAYOUT, OTHER])
    store.append_rows(CYR, [[f"r{i}", "Иванов", "1 2", "4"] for i in range(300)])
    fresh = make()
    fresh.read_all()
    assert fresh.request_count == 2  # cached metadata + one batchGet
    before = len(fake.api_requests())
    for _ in range(3):
        data = fresh.read_all()
    assert fresh.request_count == 5 and len(fake.api_requests()) == before + 3
    assert all("values:batchGet" in s.url for s in fake.api_requests()[before:])
    assert len(data[CYR]) == 301 and data["Классы"] == [OTHER.headers]


def test_writes_are_batched(make: Callable[..., GoogleStore]) -> None:
    store = make()
    store.ensure_layout([LAYOUT])
    n = store.request_count
    store.append_rows(CYR, [[f"r{i}"] for i in range(100)])
    assert store.request_count == n + 1  # one values.append for 100 rows
    store.update_rows(CYR, "id", {f"r{i}": {"Отметка": "5", "Обучающийся": "Ж"} for i in range(0, 100, 3)})
    assert store.request_count == n + 3  # one batchGet (header + id column) + one values.batchUpdate
    store.delete_rows(CYR, "id", [f"r{i}" for i in range(0, 100, 2)])
    assert store.request_count == n + 5  # one batchGet + one spreadsheets.batchUpdate (bottom-up deletes)
    assert [r[0] for r in store.read_all()[CYR][1:]] == [f"r{i}" for i in range(1, 100, 2)]
    assert store.requests_in_last_minute() == store.request_count
    assert store.requests_in_last_minute("read") + store.requests_in_last_minute("write") == store.request_count


def test_typed_formula_is_stored_and_read_back_as_text(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    store = make()
    store.ensure_layout([LAYOUT])
    store.append_rows(CYR, [["a", "=1+1", "=IMPORTXML(\"http://x\", \"//a\")", "4,5"]])
    assert store.read_all()[CYR][1] == ["a", "=1+1", "=IMPORTXML(\"http://x\", \"//a\")", "4,5"]
    assert fake.grid(KEY, CYR, "FORMULA")[1][1] == "=1+1"  # stored as a string cell, not as a formula
    # a person typing =1+1 into the sheet gets a formula; we read what they see (FORMATTED_VALUE)
    fake.require_auth = False
    fake_session(fake).put(f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}/values/'{CYR}'!A3",
                           params={"valueInputOption": "USER_ENTERED"}, json={"values": [["b", "=1+1"]]})
    assert store.read_all()[CYR][2] == ["b", "2"]


# -- faults and retries ------------------------------------------------------------------------------------------------
def test_thirty_percent_faults_lose_and_duplicate_nothing(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    fake.faults = FaultPlan(rate=0.3, seed=2025, retry_after=0, slow_seconds=0.2)
    store = make(timeout=0.05, max_retries=25)
    store.ensure_layout([LAYOUT, OTHER])
    expected = [list(HEADERS)]
    for batch in range(12):
        rows = [[f"r{batch}-{i}", f"Ученик {batch}-{i}", "1 0 2", str(2 + (batch + i) % 4)] for i in range(5)]
        store.append_rows(CYR, rows)
        expected += rows
    store.append_rows("Классы", [["k1", "9", "А"], ["k2", "9", "Б"]])
    res = store.update_rows(CYR, "id", {"r3-1": {"Отметка": "5"}, "r7-4": {"Обучающийся": "=2+2"}, "nope": {}})
    assert sorted(res.applied) == ["r3-1", "r7-4"] and res.not_found == ["nope"]
    for row in expected:
        if row[0] == "r3-1":
            row[3] = "5"
        if row[0] == "r7-4":
            row[1] = "=2+2"
    res = store.delete_rows(CYR, "id", ["r0-0", "r5-2", "r11-4", "r5-2"])
    assert res.applied == ["r0-0", "r5-2", "r11-4", "r5-2"] and res.not_found == []
    expected = [r for r in expected if r[0] not in ("r0-0", "r5-2", "r11-4")]
    store.replace_sheet("Архив", [["id", "Год"], ["x", "2024/2025"]])
    data = store.read_all()
    assert data[CYR] == expected == fake.grid(KEY, CYR)
    assert data["Классы"] == [OTHER.headers, ["k1", "9", "А"], ["k2", "9", "Б"]]
    assert data["Архив"] == [["id", "Год"], ["x", "2024/2025"]]
    assert set(fake.faults.injected) == set(KINDS)  # every kind of fault really happened


def test_lost_append_answer_is_not_duplicated(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    store = make()
    store.ensure_layout([LAYOUT])
    fake.faults.script(["lost"])  # Google applies the append, the answer never arrives
    store.append_rows(CYR, [["a", "Иванов"], ["b", "Петров"]])
    fake.faults.script(["lost", "500"])  # ... and the look afterwards fails once too
    store.append_rows(CYR, [["b", "Петров"], ["c", "Сидоров"]])  # "b" already there: only "c" is re-sent
    assert [r[0] for r in fake.grid(KEY, CYR)[1:]] == ["a", "b", "b", "c"]
    store.replace_sheet("Переставлены", [["Фамилия", "id"], ["Иванов", "a"]])  # the id column moved by hand
    fake.faults.script(["lost"])
    store.append_rows("Переставлены", [["Петров", "b"]])
    assert fake.grid(KEY, "Переставлены") == [["Фамилия", "id"], ["Иванов", "a"], ["Петров", "b"]]
    store.replace_sheet("Журнал", [["Дата", "Событие"]])  # no id column: the batch is looked for as a block
    fake.faults.script(["lost"])
    store.append_rows("Журнал", [["1", "x"], ["1", "x"]])
    assert fake.grid(KEY, "Журнал") == [["Дата", "Событие"], ["1", "x"], ["1", "x"]]


def test_lost_delete_answer_does_not_delete_twice(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    store = make()
    store.ensure_layout([LAYOUT])
    store.append_rows(CYR, [[x] for x in "abcde"])
    fake.faults.script([None, "lost"])  # the id look-up answers; the deleteDimension batch is lost after applying
    res = store.delete_rows(CYR, "id", ["b", "c"])
    assert res.applied == ["b", "c"]
    assert [r[0] for r in fake.grid(KEY, CYR)[1:]] == ["a", "d", "e"]  # blindly re-sent, it would delete d and e


def test_retries_are_bounded(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    fake.faults = FaultPlan(always="500")
    store = make(max_retries=3)
    sleeps: list[float] = []
    store.retry_policy.sleep = sleeps.append
    with pytest.raises(SheetsUnavailable, match="Google Таблицы не отвечают: 4 попыток"):
        store.read_all()
    assert len(fake.api_requests()) == 4 and len(sleeps) == 3  # the waits were asked of the policy, never slept
    assert all(0 <= s <= 2 ** i for i, s in enumerate(sleeps))  # full jitter under an exponential cap


def test_retry_after_is_honoured_within_the_time_budget(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    fake.faults = FaultPlan(always="429", retry_after=2)
    store = make(max_retries=10, max_retry_seconds=5)
    clock = [0.0]
    store.retry_policy.clock = lambda: clock[0]
    store.retry_policy.sleep = lambda s: clock.__setitem__(0, clock[0] + s)
    with pytest.raises(QuotaExhausted, match="квота"):
        store.titles()
    assert len(fake.api_requests()) == 3 and clock[0] >= 4  # slept 2 s twice; a third wait would pass 5 s


def test_every_request_carries_a_timeout(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    store = make(timeout=7)
    store.ensure_layout([LAYOUT])
    store.append_rows(CYR, [["a"], ["b"]])
    store.update_rows(CYR, "id", {"a": {"Отметка": "5"}})
    store.delete_rows(CYR, "id", ["b"])
    store.replace_sheet("Архив", [["id"]])
    store.read_all()
    assert any(s.url.endswith("/token") for s in fake.seen)
    assert fake.seen and all(s.timeout == 7 for s in fake.seen)


def test_revoked_token_is_refreshed_once(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    store = make()
    store.titles()
    fake.revoke_tokens()
    assert store.titles() == ["Sheet1"]
    assert sum(s.url.endswith("/token") for s in fake.seen) == 2


# -- errors ------------------------------------------------------------------------------------------------------------
def test_missing_spreadsheet_and_sheet(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    fake.auto_create = False
    with pytest.raises(SpreadsheetNotFound, match="не найдена"):
        make().read_all()
    fake.create_spreadsheet(KEY)
    with pytest.raises(SheetNotFound):
        make().update_rows("Нет такого листа", "id", {"a": {"x": "1"}})


def test_cell_limit_is_a_store_error(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    store = make()
    store.ensure_layout([LAYOUT])
    fake.cell_limit = fake.book(KEY).total_cells()
    with pytest.raises(WorkbookFull, match="предел 10 000 000 ячеек"):
        store.append_rows(CYR, [["a"]])


def test_credentials_problems(tmp_path: Path) -> None:
    with pytest.raises(SheetsCredentialsError, match="нужен файл ключа"):
        GoogleStore(KEY, None)  # anonymous access is only for a fake or a proxy
    with pytest.raises(SheetsCredentialsError, match="не найден"):
        GoogleStore(KEY, tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----SECRET"}')
    with pytest.raises(SheetsCredentialsError) as err:
        GoogleStore(KEY, broken)
    assert "SECRET" not in str(err.value) and err.value.__cause__ is None


# -- sheets edited by hand ---------------------------------------------------------------------------------------------
def test_sheet_renamed_by_hand_is_picked_up(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    store = make()
    store.ensure_layout([LAYOUT])
    store.read_all()
    sheet = fake.book(KEY).by_title(CYR)
    assert sheet is not None
    sheet.title = "Результаты 9«А» (старые)"
    assert list(store.read_all()) == ["Sheet1", "Результаты 9«А» (старые)"]
    with pytest.raises(StoreError):
        store.append_rows(CYR, [["a"]])


def test_deleting_every_data_row_keeps_a_row_google_requires(make: Callable[..., GoogleStore],
                                                               fake: FakeSheets) -> None:
    fake.book(KEY).sheets.append(Sheet(77, "Маленький", rows=3, cols=2, frozen_rows=1,
                                       cells=[["id"], ["a"], ["b"]]))
    res = make().delete_rows("Маленький", "id", ["a", "b"])
    assert res.applied == ["a", "b"] and fake.grid(KEY, "Маленький") == [["id"]]


def test_ensure_layout_builds_the_sheet_in_one_batch(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    lay = SheetLayout(CYR, [*HEADERS, "Балл"], choices={"Отметка": ("2", "3", "4", "5")},
                      number_ranges={"Отметка": (1, 5), "Балл": (0, None)}, widths={"id": 90, "Обучающийся": 200},
                      notes={"id": "Не меняйте"})
    store = make()
    n = store.request_count
    assert store.ensure_layout([lay]).created == [CYR]
    assert store.request_count == n + 2  # metadata + one spreadsheets.batchUpdate
    sheet = fake.book(KEY).by_title(CYR)
    assert sheet is not None and sheet.frozen_rows == 1 and sheet.widths == {0: 90, 1: 200}
    assert [(p["warningOnly"], p["range"]["endRowIndex"]) for p in sheet.protected] == [(True, 1)]
    rules = {v["range"]["startColumnIndex"]: v["rule"] for v in sheet.validations}
    assert rules[3]["condition"] == {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in "2345"]}
    assert rules[3]["strict"] and rules[3]["showCustomUi"]
    assert rules[4]["condition"] == {"type": "NUMBER_GREATER_THAN_EQ", "values": [{"userEnteredValue": "0"}]}
    assert sheet.notes == {"0,0": "Не меняйте"} and sheet.formats[0]["fields"] == "userEnteredFormat.textFormat.bold"
    again = store.ensure_layout([lay])
    assert again.existing == [CYR] and len(sheet.protected) == 1 and len(sheet.validations) == 2


def test_layout_follows_columns_moved_by_hand(make: Callable[..., GoogleStore], fake: FakeSheets) -> None:
    store = make()
    store.replace_sheet(CYR, [["Отметка", "id", "Обучающийся"], ["3", "a", "Иванов"]])
    rep = store.ensure_layout([LAYOUT])
    sheet = fake.book(KEY).by_title(CYR)
    assert sheet is not None and rep.headers_written == []
    assert [v["range"]["startColumnIndex"] for v in sheet.validations] == [0]  # the dropdown sits on «Отметка»
    assert store.read_all()[CYR] == [["Отметка", "id", "Обучающийся"], ["3", "a", "Иванов"]]


def test_header_is_written_only_into_an_empty_sheet(make: Callable[..., GoogleStore]) -> None:
    store = make()
    store.replace_sheet(CYR, [])
    store.replace_sheet("Классы", [[], ["k1", "9"]])  # blank header row, but data below: left alone
    rep = store.ensure_layout([LAYOUT, OTHER])
    assert rep.headers_written == [CYR]
    assert store.read_all()[CYR] == [HEADERS] and store.read_all()["Классы"] == [[], ["k1", "9"]]


# -- the loopback server, end to end -----------------------------------------------------------------------------------
def test_loopback_server_end_to_end(tmp_path: Path) -> None:
    fake = FakeSheets(require_auth=True)
    fake.create_spreadsheet(KEY)
    server = start_server(fake)
    try:
        key_file = write_service_account(tmp_path / "sa.json", server.token_uri)
        store = GoogleStore(KEY, key_file, base_url=server.base_url, timeout=2)
        store.retry_policy.sleep = lambda seconds: None
        store.ensure_layout([LAYOUT])
        fake.faults.script(["lost", "drop"])  # real socket closes: after applying the append, then on the re-read
        store.append_rows(CYR, [["a", "Иванов"], ["b", "Петров"], ["c", "Сидоров"]])
        store.update_rows(CYR, "id", {"b": {"Отметка": "5"}})
        store.delete_rows(CYR, "id", ["a"])
        assert store.read_all()[CYR] == [HEADERS, ["b", "Петров", "", "5"], ["c", "Сидоров"]]
        anonymous = GoogleStore(KEY, None, base_url=server.base_url, timeout=2)
        fake.require_auth = False
        assert anonymous.titles() == ["Sheet1", CYR]
    finally:
        server.shutdown()
        server.server_close()
