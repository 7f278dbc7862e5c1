"""The errors the Google store branches on, each with Google's JSON body, driven through the store and the outbox:
a Russian message for the user, the key never shown, and the write kept until it can be applied — exactly once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devtools.fake_sheets import FakeSheets, FaultPlan, fake_session, write_service_account
from devtools.fake_sheets.errors import INVALID_CREDENTIALS, ApiError
from sheets_schema import SCHEMA
from sheets_schema.school import STUDENTS
from sync.google.http import QuotaExhausted, SheetsCredentialsError, SheetsRejected, WorkbookFull
from sync.google.store import GoogleStore
from sync.layout import layouts_of
from sync.store import SheetNotFound, StoreError
from sync.write.outbox import APPLIED, PENDING, Outbox
from sync.write.worker import Worker
from tests.test_write_path import student, student_ids

KEY = "school"
EMAIL = "edumon-test@fake-project.iam.gserviceaccount.com"  # write_service_account's default client_email


@pytest.fixture(params=["en_US", "ru_RU"])
def fake(request: pytest.FixtureRequest) -> FakeSheets:
    fake = FakeSheets(require_auth=True, locale=request.param)
    fake.create_spreadsheet(KEY)
    return fake


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return write_service_account(tmp_path / "sa.json", "https://oauth2.googleapis.com/token")


@pytest.fixture
def store(fake: FakeSheets, key_file: Path) -> GoogleStore:
    store = GoogleStore(KEY, key_file, session=fake_session(fake), max_retries=3)
    store.retry_policy.sleep = lambda seconds: None
    store.ensure_layout(layouts_of(SCHEMA))
    return store


def worker_for(store: GoogleStore, tmp_path: Path) -> tuple[Outbox, Worker]:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    return outbox, Worker(outbox, store, SCHEMA, backoff_base=0.001, backoff_max=0.01, idle_wait=0.02)


def kept_then_applied(store: GoogleStore, outbox: Outbox, worker: Worker, error: type[StoreError],
                      message: str, fix: object) -> str:
    """The write fails with a Russian message, stays pending with it, and is applied once after `fix()`."""
    outbox.enqueue([student(1)])
    with pytest.raises(error) as err:
        worker.run_once()
    assert message in str(err.value)
    [entry] = outbox.entries()
    assert entry.status == PENDING
    fix()  # type: ignore[operator]
    assert worker.run_once() == 1
    assert outbox.counts() == {APPLIED: 1} and student_ids(store) == ["st-t1-1"]
    return str(err.value)


def test_403_says_whom_to_share_the_spreadsheet_with(store: GoogleStore, fake: FakeSheets, key_file: Path,
                                                     tmp_path: Path) -> None:
    outbox, worker = worker_for(store, tmp_path)
    fake.share(KEY, "zavuch@school.ru")  # shared with a person, not with our service account
    r = fake_session(fake).get(f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}",
                               headers={"Authorization": f"Bearer {next(iter(fake._tokens))}"})
    assert r.status_code == 403 and r.json() == {"error": {"code": 403, "message": "The caller does not have "
                                                           "permission", "status": "PERMISSION_DENIED"}}
    said = kept_then_applied(store, outbox, worker, SheetsRejected, f"откройте её (кнопка «Настройки доступа») "
                      f"сервисному аккаунту {EMAIL} с правом редактирования", lambda: fake.share(KEY, EMAIL))
    secret = json.loads(key_file.read_text())["private_key"].splitlines()[1]
    assert secret not in said and "private_key" not in said


def test_401_refreshes_the_token_once_then_names_the_account(store: GoogleStore, fake: FakeSheets,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    fake.revoke_tokens()  # an expired or revoked access token: one refresh, and the call goes through
    store.append_rows(STUDENTS.title, [["st-a"]])
    assert sum(s.url.endswith("/token") for s in fake.seen) == 2
    real_check = fake._check_auth

    def key_revoked(headers: dict[str, str]) -> str | None:  # fresh tokens are refused too
        raise ApiError(401, INVALID_CREDENTIALS)

    monkeypatch.setattr(fake, "_check_auth", key_revoked)
    with pytest.raises(SheetsCredentialsError, match=f"Google не принял ключ сервисного аккаунта {EMAIL}"):
        store.append_rows(STUDENTS.title, [["st-b"]])
    assert sum(s.url.endswith("/token") for s in fake.seen) == 3  # one refresh, no loop
    monkeypatch.setattr(fake, "_check_auth", real_check)
    store.append_rows(STUDENTS.title, [["st-b"]])
    assert student_ids(store) == ["st-a", "st-b"]


def test_401_body_is_googles() -> None:
    fake = FakeSheets(require_auth=True)
    fake.create_spreadsheet(KEY)
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}"
    missing = fake_session(fake).get(url)
    wrong = fake_session(fake).get(url, headers={"Authorization": "Bearer ya29.stale"})
    for r in (missing, wrong):
        assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
        assert r.json()["error"]["status"] == "UNAUTHENTICATED" and set(r.json()["error"]) == {"code", "message",
                                                                                              "status"}
    assert missing.json()["error"]["message"].startswith("Request is missing required authentication credential")
    assert wrong.json()["error"]["message"].startswith("Request had invalid authentication credentials")


def test_429_waits_as_long_as_retry_after_says(store: GoogleStore, fake: FakeSheets, tmp_path: Path) -> None:
    outbox, worker = worker_for(store, tmp_path)
    waits: list[float] = []
    store.retry_policy.sleep = waits.append
    fake.faults = FaultPlan(always="429", retry_after=7)
    body = fake_session(fake).get(f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}").json()["error"]
    assert body["status"] == "RESOURCE_EXHAUSTED" and body["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"

    def quota_back() -> None:
        fake.faults = FaultPlan()

    kept_then_applied(store, outbox, worker, QuotaExhausted, "превышена квота запросов Google Sheets API",
                      quota_back)
    assert waits[:3] == [7, 7, 7]


def test_unknown_sheet_is_a_russian_sheet_not_found(store: GoogleStore, fake: FakeSheets) -> None:
    store.read_all()
    sheet = fake.book(KEY).by_title(STUDENTS.title)
    assert sheet is not None
    sheet.title = "Ученики (старое)"  # renamed by hand after our last look
    with pytest.raises(SheetNotFound, match=f"лист «{STUDENTS.title}» не найден в Google-таблице"):
        store.update_rows(STUDENTS.title, "id", {"st-a": {"Фамилия": "Иванов"}})
    sheet.title = STUDENTS.title
    store.append_rows(STUDENTS.title, [["st-a"]])
    assert student_ids(store) == ["st-a"]


def test_ten_million_cells_keeps_the_write_until_there_is_room(store: GoogleStore, fake: FakeSheets,
                                                               tmp_path: Path) -> None:
    outbox, worker = worker_for(store, tmp_path)
    fake.cell_limit = fake.book(KEY).total_cells()  # full: one more row does not fit
    body = fake_session(fake)
    grow = {"requests": [{"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 1}}]}
    token = next(iter(fake._tokens))
    r = body.post(f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}:batchUpdate", json=grow,
                  headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 400 and r.json()["error"] == {"code": 400, "status": "INVALID_ARGUMENT", "message": (
        "This action would increase the number of cells in the workbook above the limit of "
        f"{fake.cell_limit} cells.")}

    def room() -> None:
        fake.cell_limit = 10_000_000

    kept_then_applied(store, outbox, worker, WorkbookFull, "у таблицы предел 10 000 000 ячеек", room)
