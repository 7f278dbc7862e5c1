"""The fake Sheets API answers like Google: replayed recordings, A1 notation, trimming, errors, faults, transports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from devtools.fake_sheets import FakeSheets, FaultPlan, fake_session, start_server, write_service_account
from devtools.fake_sheets.a1 import A1Error, Rect, col_letter, parse_cells, quote_title, split_sheet
from devtools.fake_sheets.fields import apply_mask, parse_mask, paths

CASSETTES = Path(__file__).parent / "data" / "cassettes"
API = "https://sheets.googleapis.com/v4/spreadsheets"
KEY = "k"


@pytest.fixture
def fake() -> FakeSheets:
    fake = FakeSheets()
    fake.create_spreadsheet(KEY)
    return fake


@pytest.fixture
def http(fake: FakeSheets) -> requests.Session:
    return fake_session(fake)


def q(text: str) -> str:
    return requests.utils.quote(text, safe="")


# -- pure helpers, table-driven -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("'Результаты 9«А»'!A1:Z", ("Результаты 9«А»", "A1:Z")),
    ("'It''s'!B2", ("It's", "B2")),
    ("'Sheet1'", ("Sheet1", None)),
    ("Sheet1!A:A", ("Sheet1", "A:A")),
    ("🌵 test 1!A1", ("🌵 test 1", "A1")),
    ("A1:B2", (None, "A1:B2")),
])
def test_split_sheet(text: str, expected: tuple[str | None, str | None]) -> None:
    assert split_sheet(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("A1", Rect(0, 0, 1, 1)), ("B2:D5", Rect(1, 1, 5, 4)), ("A:A", Rect(0, 0, None, 1)),
    ("1:1", Rect(0, 0, 1, None)), ("A2:Z", Rect(1, 0, None, 26)), ("A1:1", Rect(0, 0, 1, None)),
    ("$A$1:$B$2", Rect(0, 0, 2, 2)), ("B2:A1", Rect(0, 0, 2, 2)), ("AA10", Rect(9, 26, 10, 27)),
])
def test_parse_cells(text: str, expected: Rect) -> None:
    assert parse_cells(text) == expected


@pytest.mark.parametrize("text", ["", "A", "1", "A0", "A1:B2:C3", "!!", "Ж1"])
def test_parse_cells_rejects(text: str) -> None:
    with pytest.raises(A1Error):
        parse_cells(text)


@pytest.mark.parametrize("title, expected", [
    ("Sheet1", "Sheet1"), ("Лист1", "'Лист1'"), ("a b", "'a b'"), ("It's", "'It''s'"), ("A1", "'A1'"),
    ("Результаты 9«А»", "'Результаты 9«А»'"),
])
def test_quote_title(title: str, expected: str) -> None:
    assert quote_title(title) == expected


@pytest.mark.parametrize("index, letters", [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ"), (702, "AAA")])
def test_col_letter(index: int, letters: str) -> None:
    assert col_letter(index) == letters


@pytest.mark.parametrize("mask, expected", [
    ("sheets.properties", ["sheets.properties"]),
    ("sheets(properties(sheetId,title)),spreadsheetId", ["sheets.properties.sheetId", "sheets.properties.title",
                                                         "spreadsheetId"]),
    ("gridProperties/rowCount,gridProperties/columnCount", ["gridProperties.rowCount", "gridProperties.columnCount"]),
])
def test_field_masks(mask: str, expected: list[str]) -> None:
    assert paths(parse_mask(mask)) == expected


def test_field_mask_filters_an_answer() -> None:
    meta = {"spreadsheetId": "x", "sheets": [{"properties": {"title": "a", "index": 0}, "protectedRanges": []}]}
    assert apply_mask(meta, parse_mask("sheets(properties(title))")) == {"sheets": [{"properties": {"title": "a"}}]}


# -- fidelity against real recordings ---------------------------------------------------------------------------------
def _swap_ids(obj: Any, ids: dict[int, int]) -> Any:
    if isinstance(obj, dict):
        return {k: (ids.get(v, v) if k == "sheetId" else _swap_ids(v, ids)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_swap_ids(v, ids) for v in obj]
    return obj


@pytest.mark.parametrize("name", sorted(p.name for p in CASSETTES.glob("*.json")))
def test_fake_answers_like_recorded_google(name: str) -> None:
    cassette = json.loads((CASSETTES / name).read_text(encoding="utf-8"))
    fake = FakeSheets()
    if cassette["spreadsheet"]:
        spec = cassette["spreadsheet"]
        fake.create_spreadsheet(spec["id"], spec["title"], tuple(spec["sheets"]))
        if "grid" in spec:  # the recorded sheet had been resized before the trimmed part
            fake.book(spec["id"]).sheets[0].rows, fake.book(spec["id"]).sheets[0].cols = spec["grid"]
    http = fake_session(fake)
    ids: dict[int, int] = {}  # Google's random sheet ids -> the fake's
    for step in cassette["interactions"]:
        req, recorded = step["request"], step["response"]
        body = _swap_ids(req["body"], ids) if req["body"] is not None else None
        resp = http.request(req["method"], req["uri"], json=body)
        ours = resp.json()
        for got, want in zip(ours.get("replies", []), recorded["body"].get("replies", []), strict=True):
            if "addSheet" in want:
                ids[want["addSheet"]["properties"]["sheetId"]] = got["addSheet"]["properties"]["sheetId"]
        assert resp.status_code == recorded["status"], ours
        assert ours == _swap_ids(recorded["body"], ids), req["uri"]


# -- values: input options, rendering, trimming ------------------------------------------------------------------------
def test_user_entered_versus_raw(http: requests.Session, fake: FakeSheets) -> None:
    typed = [["=1+1", "4,5", "1,234", "'007", "TRUE", "=SUM(A1:A2)", "12.10.2025", "=IMPORTXML(\"x\")"]]
    for opt, row in (("USER_ENTERED", 1), ("RAW", 2)):
        r = http.put(f"{API}/{KEY}/values/{q(f'Sheet1!A{row}')}", params={"valueInputOption": opt},
                     json={"values": typed})
        assert r.status_code == 200
    formatted = fake.grid(KEY, "Sheet1")
    assert formatted[0] == ["2", "4,5", "1,234", "007", "TRUE", "#NAME?", "12.10.2025", "#NAME?"]  # grouping kept
    assert formatted[1] == typed[0]  # RAW keeps exactly what was sent
    assert fake.grid(KEY, "Sheet1", "FORMULA")[0][0] == "=1+1"
    unformatted = http.get(f"{API}/{KEY}/values/Sheet1!A1:E1", params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert unformatted.json()["values"] == [[2, "4,5", 1234, "007", True]]


def test_trailing_cells_and_rows_are_trimmed(http: requests.Session) -> None:
    http.put(f"{API}/{KEY}/values/{q('Sheet1!A1')}", params={"valueInputOption": "RAW"},
             json={"values": [["a", "", ""], ["", ""], ["b", "", "c", ""], ["", "", ""]]})
    r = http.get(f"{API}/{KEY}/values/{q(chr(39) + 'Sheet1' + chr(39))}").json()
    assert r == {"range": "Sheet1!A1:Z1000", "majorDimension": "ROWS", "values": [["a"], [], ["b", "", "c"]]}
    cols = http.get(f"{API}/{KEY}/values/Sheet1!A1:C3", params={"majorDimension": "COLUMNS"}).json()
    assert cols["values"] == [["a", "", "b"], [], ["", "", "c"]]


def test_batch_get_quotes_cyrillic_titles_and_fails_whole_on_unknown_sheet(http: requests.Session) -> None:
    title = "Результаты 9«А»"
    http.post(f"{API}/{KEY}:batchUpdate", json={"requests": [{"addSheet": {"properties": {"title": title}}}]})
    ok = http.get(f"{API}/{KEY}/values:batchGet", params={"ranges": [f"'{title}'!A1:Z", "Sheet1!1:1"]}).json()
    assert [v["range"] for v in ok["valueRanges"]] == [f"'{title}'!A1:Z1000", "Sheet1!A1:Z1"]
    bad = http.get(f"{API}/{KEY}/values:batchGet", params={"ranges": ["Sheet1!A1", "'Нет листа'!A1"]})
    assert bad.status_code == 400
    assert bad.json() == {"error": {"code": 400, "message": "Unable to parse range: 'Нет листа'!A1",
                                    "status": "INVALID_ARGUMENT"}}


def test_writes_beyond_the_grid_fail_but_append_grows_it(http: requests.Session, fake: FakeSheets) -> None:
    r = http.put(f"{API}/{KEY}/values/Sheet1!A1000", params={"valueInputOption": "RAW"},
                 json={"values": [["x"], ["y"]]})
    assert r.status_code == 400 and "exceeds grid limits" in r.json()["error"]["message"]
    r = http.post(f"{API}/{KEY}/values/{q('Sheet1!A1')}:append",
                  params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}, json={"values": [["x"] * 30]})
    assert r.json()["updates"]["updatedRange"] == "Sheet1!A1:AD1"
    sheet = fake.book(KEY).sheets[0]
    assert (sheet.rows, sheet.cols) == (1001, 30)


def test_append_anchored_at_a1_extends_the_table_from_column_a(http: requests.Session, fake: FakeSheets) -> None:
    def append(rng: str, row: list[str]) -> dict[str, Any]:
        return http.post(f"{API}/{KEY}/values/{q(rng)}:append", params={"valueInputOption": "RAW",
                                                                        "insertDataOption": "INSERT_ROWS"},
                         json={"values": [row]}).json()

    append("'Sheet1'!A1", ["id", "x", "y", "z"])
    assert append("'Sheet1'!A1", ["a", "", "", "4"])["updates"]["updatedRange"] == "Sheet1!A2:D2"
    answer = append("'Sheet1'!A1", ["b"])
    assert answer["tableRange"] == "Sheet1!A1:D2" and answer["updates"]["updatedRange"] == "Sheet1!A3"
    # a fully blank row ends the table, so (as on Google) the next row lands in that gap, pushing the rest down
    http.put(f"{API}/{KEY}/values/Sheet1!A5", params={"valueInputOption": "RAW"}, json={"values": [["c"]]})
    assert append("'Sheet1'!A1", ["d"])["updates"]["updatedRange"] == "Sheet1!A4"
    assert fake.grid(KEY, "Sheet1") == [["id", "x", "y", "z"], ["a", "", "", "4"], ["b"], ["d"], [], ["c"]]


def test_values_batch_update_skips_nulls_and_is_all_or_nothing(http: requests.Session, fake: FakeSheets) -> None:
    http.put(f"{API}/{KEY}/values/Sheet1!A1", params={"valueInputOption": "RAW"}, json={"values": [["a", "b", "c"]]})
    body = {"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": [["A", None, "C"]]}]}
    r = http.post(f"{API}/{KEY}/values:batchUpdate", json=body).json()
    assert r["totalUpdatedCells"] == 2 and r["responses"][0]["updatedRange"] == "Sheet1!A1:C1"
    body["data"].append({"range": "Nope!A1", "values": [["x"]]})
    body["data"][0]["values"] = [["Z"]]
    assert http.post(f"{API}/{KEY}/values:batchUpdate", json=body).status_code == 400
    assert fake.grid(KEY, "Sheet1") == [["A", "b", "C"]]


# -- spreadsheets.batchUpdate ------------------------------------------------------------------------------------------
def test_batch_update_is_atomic(http: requests.Session, fake: FakeSheets) -> None:
    r = http.post(f"{API}/{KEY}:batchUpdate", json={"requests": [
        {"addSheet": {"properties": {"title": "Новый"}}}, {"deleteSheet": {"sheetId": 999}}]})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "Invalid requests[1].deleteSheet: No sheet with id: 999"
    assert [s.title for s in fake.book(KEY).sheets] == ["Sheet1"]


def test_layout_requests_are_kept(http: requests.Session, fake: FakeSheets) -> None:
    rng = {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 2, "endColumnIndex": 3}
    r = http.post(f"{API}/{KEY}:batchUpdate", json={"requests": [
        {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
        {"setDataValidation": {"range": rng, "rule": {"condition": {"type": "ONE_OF_LIST", "values": [
            {"userEnteredValue": "4"}, {"userEnteredValue": "5"}]}, "strict": True, "showCustomUi": True}}},
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                                                  "warningOnly": True}}},
        {"updateDimensionProperties": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                                       "properties": {"pixelSize": 90}, "fields": "pixelSize"}},
        {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold"}}]})
    assert r.status_code == 200, r.json()
    assert r.json()["replies"][2]["addProtectedRange"]["protectedRange"]["warningOnly"] is True
    sheet = fake.book(KEY).sheets[0]
    assert sheet.frozen_rows == 1 and sheet.widths == {0: 90} and len(sheet.formats) == 1
    assert sheet.validations[0]["rule"]["condition"]["type"] == "ONE_OF_LIST"
    meta = http.get(f"{API}/{KEY}", params={"fields": "sheets(properties(gridProperties),protectedRanges(range))"})
    assert meta.json() == {"sheets": [{"properties": {"gridProperties": {"rowCount": 1000, "columnCount": 26,
                                                                          "frozenRowCount": 1}},
                                       "protectedRanges": [{"range": {"endRowIndex": 1}}]}]}  # zeros dropped


@pytest.mark.parametrize("sent, echoed", [
    # warning-only on sheet 0: sheetId 0 and startRowIndex 0 dropped, description null dropped, no editors
    ({"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}, "description": None, "warningOnly": True},
     {"range": {"endRowIndex": 1}, "warningOnly": True}),
    # a real protection: warningOnly false dropped, the requester filled in as an editor
    ({"range": {"sheetId": 0, "startColumnIndex": 2}, "description": "Итоги", "warningOnly": False},
     {"range": {"startColumnIndex": 2}, "description": "Итоги", "editors": {"users": ["owner@example.com"]}}),
    ({"range": {"sheetId": 0}, "editors": {"users": ["zavuch@school.ru"]}},
     {"range": {}, "editors": {"users": ["owner@example.com", "zavuch@school.ru"]}}),
])
def test_protected_ranges_echo_as_google_does(http: requests.Session, sent: dict[str, Any],
                                              echoed: dict[str, Any]) -> None:
    r = http.post(f"{API}/{KEY}:batchUpdate", json={"requests": [{"addProtectedRange": {"protectedRange": sent}}]})
    got = r.json()["replies"][0]["addProtectedRange"]["protectedRange"]
    assert isinstance(got.pop("protectedRangeId"), int) and got.pop("requestingUserCanEdit") is True
    assert got == echoed
    assert http.get(f"{API}/{KEY}").json()["sheets"][0]["protectedRanges"][0]["range"] == echoed["range"]


def test_cannot_hide_the_only_visible_sheet(http: requests.Session, fake: FakeSheets) -> None:
    hide = {"updateSheetProperties": {"properties": {"sheetId": 0, "hidden": True}, "fields": "hidden"}}
    r = http.post(f"{API}/{KEY}:batchUpdate", json={"requests": [hide]})
    assert r.status_code == 400
    assert r.json()["error"] == {"code": 400, "status": "INVALID_ARGUMENT", "message": (
        "Invalid requests[0].updateSheetProperties: You can't hide all the sheets in a document.")}
    add = {"addSheet": {"properties": {"title": "Второй"}}}
    assert http.post(f"{API}/{KEY}:batchUpdate", json={"requests": [add, hide]}).status_code == 200
    meta = http.get(f"{API}/{KEY}").json()["sheets"]
    assert [s["properties"].get("hidden") for s in meta] == [True, None]  # false is never echoed


def test_cannot_delete_every_non_frozen_row(http: requests.Session, fake: FakeSheets) -> None:
    sheet = fake.book(KEY).sheets[0]
    sheet.rows, sheet.frozen_rows = 3, 1
    doomed = {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 3}}}
    r = http.post(f"{API}/{KEY}:batchUpdate", json={"requests": [doomed]})
    assert r.json()["error"]["message"].endswith("Sorry, it is not possible to delete all non-frozen rows.")
    grow = {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 1}}
    assert http.post(f"{API}/{KEY}:batchUpdate", json={"requests": [grow, doomed]}).status_code == 200
    assert fake.book(KEY).sheets[0].rows == 2  # a failed batch is rolled back by swapping in the saved sheets


def test_ten_million_cell_limit(http: requests.Session) -> None:
    big = {"addSheet": {"properties": {"title": "Огромный", "gridProperties": {"rowCount": 400_000,
                                                                               "columnCount": 26}}}}
    r = http.post(f"{API}/{KEY}:batchUpdate", json={"requests": [big]})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == ("This action would increase the number of cells in the workbook above "
                                            "the limit of 10000000 cells.")


def test_fifty_thousand_characters_per_cell(http: requests.Session) -> None:
    r = http.put(f"{API}/{KEY}/values/Sheet1!A1", params={"valueInputOption": "RAW"}, json={"values": [["я" * 50_001]]})
    assert r.status_code == 400 and "maximum of 50000 characters" in r.json()["error"]["message"]


def test_unknown_spreadsheet_is_404_unless_auto_created() -> None:
    fake = FakeSheets()
    r = fake_session(fake).get(f"{API}/nope")
    assert r.status_code == 404 and r.json()["error"]["status"] == "NOT_FOUND"
    fake.auto_create = True
    assert fake_session(fake).get(f"{API}/nope").json()["sheets"][0]["properties"]["title"] == "Sheet1"


# -- faults ------------------------------------------------------------------------------------------------------------
def test_fault_plan_is_deterministic() -> None:
    a, b = FaultPlan(rate=0.5, seed=7), FaultPlan(rate=0.5, seed=7)
    assert [a.draw() for _ in range(50)] == [b.draw() for _ in range(50)]
    a.script(["500", None])
    assert [a.draw(), a.draw()] == ["500", None]


def test_injected_faults_through_the_adapter(http: requests.Session, fake: FakeSheets) -> None:
    url = f"{API}/{KEY}/values/{q('Sheet1!A1')}:append"
    params = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
    fake.faults.retry_after, fake.faults.slow_seconds = 3, 1.0
    fake.faults.script(["429", "500", "drop", "lost", "slow"])
    r = http.post(url, params=params, json={"values": [["429"]]})
    assert r.status_code == 429 and r.headers["Retry-After"] == "3"
    assert r.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert http.post(url, params=params, json={"values": [["500"]]}).json()["error"]["status"] == "INTERNAL"
    with pytest.raises(requests.ConnectionError):
        http.post(url, params=params, json={"values": [["dropped"]]})
    with pytest.raises(requests.ConnectionError):
        http.post(url, params=params, json={"values": [["lost"]]})
    with pytest.raises(requests.ReadTimeout):
        http.post(url, params=params, json={"values": [["slow"]]}, timeout=0.01)
    assert fake.grid(KEY, "Sheet1") == [["lost"], ["slow"]]  # applied although the client saw a failure


# -- auth and transports -----------------------------------------------------------------------------------------------
def test_token_endpoint_serves_service_account_credentials(tmp_path: Path, fake: FakeSheets,
                                                           http: requests.Session) -> None:
    fake.require_auth = True
    key_file = write_service_account(tmp_path / "sa.json", "https://oauth2.googleapis.com/token")
    creds = service_account.Credentials.from_service_account_file(
        str(key_file), scopes=["https://www.googleapis.com/auth/spreadsheets"])
    creds.refresh(Request(http))
    assert creds.valid and creds.token.startswith("ya29.fake-")
    assert http.get(f"{API}/{KEY}").status_code == 401
    assert http.get(f"{API}/{KEY}", headers={"Authorization": f"Bearer {creds.token}"}).status_code == 200
    wrong = creds.with_scopes(["https://www.googleapis.com/auth/drive"])
    with pytest.raises(Exception, match="invalid_scope"):
        wrong.refresh(Request(http))


def test_gspread_itself_runs_against_the_fake(fake: FakeSheets, http: requests.Session) -> None:
    book = gspread.Client(None, session=http).open_by_key(KEY)  # type: ignore[arg-type]
    ws = book.add_worksheet("Оценки", rows=5, cols=3)
    ws.update([["id", "Отметка"], ["a", "5"]], "A1")
    ws.append_rows([["b", "4"], ["c", "3"]])
    ws.freeze(rows=1)
    ws.format("A1:B1", {"textFormat": {"bold": True}})
    ws.delete_rows(3)
    assert ws.get_all_values() == [["id", "Отметка"], ["a", "5"], ["c", "3"]]
    assert ws.get_all_records() == [{"id": "a", "Отметка": 5}, {"id": "c", "Отметка": 3}]  # numericised by gspread
    ws.batch_clear(["A3:B3"])
    assert book.values_get("'Оценки'")["values"] == [["id", "Отметка"], ["a", "5"]]
    book.del_worksheet(ws)
    assert [w.title for w in book.worksheets()] == ["Sheet1"]


def test_loopback_server_with_real_socket_faults_and_state_file(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    fake = FakeSheets(state_file=state)
    fake.create_spreadsheet(KEY)
    server = start_server(fake)
    try:
        base = f"{server.base_url}/v4/spreadsheets/{KEY}"
        append = f"{base}/values/{q('Sheet1!A1')}:append"
        r = requests.post(append, params={"valueInputOption": "RAW"}, json={"values": [["ok"]]}, timeout=5)
        assert r.status_code == 200
        fake.faults.script(["drop", "lost"])
        for _ in range(2):
            with pytest.raises(requests.ConnectionError):
                requests.post(append, params={"valueInputOption": "RAW"}, json={"values": [["lost"]]}, timeout=5)
        assert requests.get(base + "/values/Sheet1", timeout=5).json()["values"] == [["ok"], ["lost"]]
    finally:
        server.shutdown()
        server.server_close()
    assert FakeSheets(state_file=state).grid(KEY, "Sheet1") == [["ok"], ["lost"]]  # survives a restart
