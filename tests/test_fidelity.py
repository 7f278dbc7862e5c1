"""Every interaction the Google store makes is checked against a recorded Google answer (tests/data/cassettes/).

The store runs every path it has (layout, appends, updates, deletions, replacements, reads, a lost answer, sheets
edited by hand) against the fake while each request and answer is recorded. Each one is then matched, by kind, with
the real recordings: the query parameters and the body the store sends, and the answer it gets, must have the shape
of what Google was seen to accept and send. Where the store sends something no recording shows, it is listed below
with the reason it is believed right; a new field, parameter or request kind fails this test until it is recorded
or listed. That the fake answers each recorded request exactly as Google did is test_fake_sheets'
test_fake_answers_like_recorded_google.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from devtools.fake_sheets import FakeSheets, fake_session, write_service_account
from devtools.fake_sheets.state import Sheet
from sync.google.store import GoogleStore
from sync.store import SheetLayout
from tests.store_contract import CYR, HEADERS, LAYOUT

CASSETTES = Path(__file__).parent / "data" / "cassettes"
KEY = "fidelity"

# sent by the store, in no recording: the reason each is believed to be what Google accepts
UNRECORDED_KINDS = {
    "batchUpdate.appendDimension": "replace_sheet and the last-row deletion grow the grid; reply {} like other "
                                   "requests without a reply",
    "batchUpdate.deleteDimension": "delete_rows; reply {}",
    "batchUpdate.updateCells": "header text and notes; reply {}",
    "batchUpdate.repeatCell": "bold header; reply {}",
    "batchUpdate.addProtectedRange": "warning-only header protection; echo modelled on Google's proto3 JSON",
    "batchUpdate.updateDimensionProperties": "column widths; reply {}",
}
UNRECORDED_PARAMS = {
    ("values.append", "insertDataOption"): "INSERT_ROWS, documented for spreadsheets.values.append",
    ("values.batchGet", "valueRenderOption"): "FORMATTED_VALUE, the default the recordings get implicitly",
    ("values.batchGet", "majorDimension"): "ROWS, the default the recordings get implicitly",
    ("spreadsheets.get", "fields"): "a field mask only narrows the recorded answer",
}
UNRECORDED_FIELDS = {
    ("batchUpdate.addSheet", "properties.sheetId:number"): "our own id, so the next requests of the batch use it",
    ("batchUpdate.addSheet", "properties.gridProperties.frozenRowCount:number"): "the same field as recorded "
                                                                                 "in updateSheetProperties",
    ("batchUpdate.addSheet", "addSheet.properties.gridProperties.frozenRowCount:number"): "echo of what was sent, "
                                                                                          "as the recorded "
                                                                                          "metadata shows it",
    ("values.batchUpdate", "data[].values[][]:null"): "null leaves a cell as it is (documented)",
    ("spreadsheets.get", "sheets[].protectedRanges[].range.endRowIndex:number"): "no recording has a protection",
    ("spreadsheets.get", "sheets[].protectedRanges[].range.sheetId:number"): "no recording has a protection",
}


def shape(obj: Any, at: str = "") -> set[str]:
    """JSON -> its key paths with leaf types ("values[][]:str"); list items merge, values do not matter."""
    if isinstance(obj, dict):
        out = set().union(*(shape(v, f"{at}.{k}" if at else k) for k, v in obj.items())) if obj else set()
        return out or {f"{at}:{{}}"}
    if isinstance(obj, list):
        return set().union(*(shape(v, at + "[]") for v in obj)) if obj else {f"{at}[]:[]"}
    kind = "null" if obj is None else "bool" if isinstance(obj, bool) else \
        "number" if isinstance(obj, (int, float)) else "str"
    return {f"{at}:{kind}"}


def kinds(method: str, uri: str, body: Any, answer: Any) -> Iterator[tuple[str, set[str], Any, Any]]:
    """One interaction -> (kind, query parameter names, request part, answer part); a spreadsheets.batchUpdate
    yields one item per request, paired with its reply."""
    parts = urlsplit(uri)
    path, params = parts.path.split("/v4/spreadsheets", 1)[-1], set(parse_qs(parts.query, keep_blank_values=True))
    rest = path.split("/", 2)[-1] if path.count("/") >= 2 else ""
    if path.endswith(":batchUpdate") and "/values" not in path:
        replies = (answer or {}).get("replies") or [{}] * len((body or {}).get("requests", []))
        for req, reply in zip((body or {}).get("requests", []), replies, strict=True):
            (name, args), = req.items()
            yield f"batchUpdate.{name}", params, args, reply
        return
    if "/values" not in path:
        kind = "spreadsheets.get" if method == "GET" else "spreadsheets.create"
    elif rest.startswith("values:"):
        kind = "values." + rest.split(":", 1)[1]
    elif ":" in rest.rsplit("/", 1)[-1]:
        kind = "values." + rest.rsplit(":", 1)[1]
    else:
        kind = {"GET": "values.get", "PUT": "values.update"}.get(method, method)
    yield kind, params, body, answer


def recorded() -> dict[str, list[tuple[set[str], Any, Any]]]:
    out: dict[str, list[tuple[set[str], Any, Any]]] = defaultdict(list)
    for path in sorted(CASSETTES.glob("*.json")):
        for step in json.loads(path.read_text(encoding="utf-8"))["interactions"]:
            req, resp = step["request"], step["response"]
            if resp["status"] == 200:
                for kind, params, sent, got in kinds(req["method"], req["uri"], req["body"], resp["body"]):
                    out[kind].append((params, sent, got))
                    if kind == "values.get":  # batchGet answers a list of the same ValueRange objects
                        out["values.batchGet"].append((set(), None, {"valueRanges": [got]}))
    return out


@pytest.fixture(scope="module", params=["en_US", "ru_RU"])
def store_traffic(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    """Every request the store sends on all of its paths, with the fake's answer."""
    fake = FakeSheets(auto_create=True, require_auth=True, locale=request.param)
    traffic: list[tuple] = []
    dispatch = fake.dispatch

    def recording(method: str, url: str, headers: dict[str, str], body: bytes | None) -> Any:
        reply = dispatch(method, url, headers, body)
        if "/v4/spreadsheets" in url:
            traffic.append((method, url, json.loads(body) if body else None, reply.status, reply.json()))
        return reply

    fake.dispatch = recording  # type: ignore[method-assign]
    key = write_service_account(tmp_path_factory.mktemp("sa") / "sa.json", "https://oauth2.googleapis.com/token")
    store = GoogleStore(KEY, key, session=fake_session(fake))
    store.retry_policy.sleep = lambda seconds: None
    other = SheetLayout("Классы", ["id", "Параллель"], notes={"id": "Не меняйте"}, widths={"id": 90})
    store.ensure_layout([LAYOUT, other])  # new sheets: the whole layout batch
    store.append_rows(CYR, [[f"r{i}", "Иванов", "1 2", "4"] for i in range(5)])
    store.update_rows(CYR, "id", {"r1": {"Отметка": "5"}, "r2": {"Обучающийся": "Петров", "Отметка": "3"}})
    store.delete_rows(CYR, "id", ["r0", "r3"])
    store.replace_sheet("Архив", [["id", "Год"], ["x", "2024/2025"]])  # a new sheet, then values.update
    store.replace_sheet("Архив", [["id", "Год", *[f"c{i}" for i in range(30)]]] * 1200)  # grows, clears, writes
    store.ensure_layout([SheetLayout("Архив", ["id", "Год"])])  # an existing, unfrozen sheet
    fake.book(KEY).sheets.append(Sheet(77, "Маленький", rows=2, cols=2, frozen_rows=1, cells=[["id"], ["a"]]))
    store.delete_rows("Маленький", "id", ["a"])  # Google keeps a non-frozen row: appendDimension first
    fake.faults.script(["lost"])
    store.append_rows(CYR, [["r9", "Сидоров"]])  # the answer is lost: the store looks before re-sending
    http = fake_session(fake)
    token = {"Authorization": f"Bearer {next(iter(fake._tokens))}"}
    http.put(f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}/values/"
             f"{requests.utils.quote(CYR + '!C20', safe='')}", params={"valueInputOption": "RAW"},
             json={"values": [["проверено"]]}, headers=token)
    traffic.append(("MARK",))
    store.append_rows(CYR, [["r10"]])  # Google extends the table «C20»: the store moves the row to column A
    sheet = fake.book(KEY).by_title(CYR)
    assert sheet is not None
    sheet.cells.insert(0, [])  # a blank row inserted above the header by hand
    store.update_rows(CYR, "id", {"r4": {"Отметка": "2"}})
    store.read_all()
    store.titles()
    assert fake.grid(KEY, CYR)[1:3] == [HEADERS, ["r1", "Иванов", "1 2", "5"]]
    return [t for t in traffic if t != ("MARK",)]


def test_store_paths_are_all_exercised(store_traffic: list[tuple]) -> None:
    seen = {k for m, u, b, s, a in store_traffic for k, *_ in kinds(m, u, b, a)}
    assert seen == {"spreadsheets.get", "values.batchGet", "values.append", "values.update", "values.batchUpdate",
                    "batchUpdate.addSheet", "batchUpdate.updateSheetProperties", "batchUpdate.setDataValidation",
                    *UNRECORDED_KINDS}
    assert all(s == 200 for *_, s, _a in store_traffic)


def problems_of(method: str, uri: str, body: Any, answer: Any,
                google: dict[str, list[tuple[set[str], Any, Any]]]) -> list[str]:
    out: list[str] = []
    for kind, params, sent, got in kinds(method, uri, body, answer):
        if kind in UNRECORDED_KINDS:
            continue
        if kind not in google:
            out.append(f"{kind}: no recording")
            continue
        known_params = set().union(*(p for p, _, _ in google[kind]))
        known_sent = set().union(*(shape(s) for _, s, _ in google[kind] if s is not None))
        known_got = set().union(*(shape(g) for _, _, g in google[kind]))
        out += [f"{kind}: parameter {p}" for p in sorted(params - known_params) if (kind, p) not in UNRECORDED_PARAMS]
        if sent is not None:
            out += [f"{kind}: sends {f}" for f in sorted(shape(sent) - known_sent)
                    if (kind, f) not in UNRECORDED_FIELDS]
        out += [f"{kind}: answered {f}" for f in sorted(shape(got) - known_got) if (kind, f) not in UNRECORDED_FIELDS]
    return out


def test_every_store_interaction_has_the_shape_of_a_recorded_google_one(store_traffic: list[tuple]) -> None:
    google = recorded()
    problems = {p for method, uri, body, _status, answer in store_traffic
                for p in problems_of(method, uri, body, answer, google)}
    assert sorted(problems) == []


def test_unrecorded_entries_are_all_still_used(store_traffic: list[tuple]) -> None:
    """The lists above shrink when a recording arrives or the store stops sending something."""
    used = set()
    for method, uri, body, _status, answer in store_traffic:
        for kind, params, sent, got in kinds(method, uri, body, answer):
            used |= {kind} | {(kind, p) for p in params} | {(kind, f) for f in shape(sent) | shape(got)}
    assert set(UNRECORDED_KINDS) | set(UNRECORDED_PARAMS) | set(UNRECORDED_FIELDS) <= used


APPEND = "https://sheets.googleapis.com/v4/spreadsheets/k/values/%27Sheet1%27%21A1%3AD:append"


@pytest.mark.parametrize("uri, body, answer, problem", [
    (APPEND + "?valueInputOption=RAW&responseDateTimeRenderOption=SERIAL_NUMBER", {"values": [["x"]]},
     {"updates": {"updatedRange": "Sheet1!A2"}}, "values.append: parameter responseDateTimeRenderOption"),
    (APPEND + "?valueInputOption=RAW", {"values": [[4]]}, {"updates": {"updatedRange": "Sheet1!A2"}},
     "values.append: sends values[][]:number"),
    (APPEND + "?valueInputOption=RAW", {"values": [["x"]], "range": "A1"}, {"updates": {"updatedRange": "A2"}},
     "values.append: sends range:str"),
    (APPEND + "?valueInputOption=RAW", {"values": [["x"]]}, {"updates": {"updatedRange": ["Sheet1!A2"]}},
     "values.append: answered updates.updatedRange[]:str"),
    ("https://sheets.googleapis.com/v4/spreadsheets/k:batchUpdate", {"requests": [{"sortRange": {}}]},
     {"replies": [{}]}, "batchUpdate.sortRange: no recording"),
])
def test_a_store_change_google_was_never_seen_answering_fails(uri: str, body: Any, answer: Any,
                                                              problem: str) -> None:
    assert problems_of("POST", uri, body, answer, recorded()) == [problem]
