"""Locales: what a person types (USER_ENTERED) and what Google then shows (FORMATTED_VALUE) in en_US and ru_RU
spreadsheets, and what the store and the schema make of hand-typed numbers and dates in each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import requests

from devtools.fake_sheets import FakeSheets, fake_session, write_service_account
from devtools.fake_sheets.state import Formula, Shown
from devtools.fake_sheets.typed import parse_user_entered, render
from sheets_schema.fields import Date, Number
from sync.google.store import GoogleStore
from tests.store_contract import CYR, LAYOUT

API = "https://sheets.googleapis.com/v4/spreadsheets"

# typed -> (stored cell, FORMATTED_VALUE, UNFORMATTED_VALUE); serial 45942 is 12 October 2025
EN = [
    ("2,000,000.01", Shown(2000000.01, "grouped", "2"), "2,000,000.01", 2000000.01),
    ("4.5", 4.5, "4.5", 4.5),
    ("4,5", "4,5", "4,5", "4,5"),
    ("50%", Shown(0.5, "percent", "0"), "50%", 0.5),
    ("12.5%", Shown(0.125, "percent", "1"), "12.5%", 0.125),
    ("10/12/2025", Shown(45942, "date", "{m}/{d}/{y}"), "10/12/2025", 45942),
    ("2025-10-12", Shown(45942, "date", "{y}-{mm}-{dd}"), "2025-10-12", 45942),
    ("12.10.2025", "12.10.2025", "12.10.2025", "12.10.2025"),
    ("  =1+1", Formula("=1+1"), "2", 2),
    ("=1/4", Formula("=1/4"), "0.25", 0.25),
    ("TRUE", True, "TRUE", True),
    ("'007", "007", "007", "007"),
]
RU = [
    ("4,5", 4.5, "4,5", 4.5),
    ("2 000 000,01", Shown(2000000.01, "grouped", "2"), "2\u00a0000\u00a0000,01", 2000000.01),
    ("2,000,000.01", "2,000,000.01", "2,000,000.01", "2,000,000.01"),
    ("50%", Shown(0.5, "percent", "0"), "50%", 0.5),
    ("12,5%", Shown(0.125, "percent", "1"), "12,5%", 0.125),
    ("12.10.2025", Shown(45942, "date", "{dd}.{mm}.{y}"), "12.10.2025", 45942),
    ("1.2.2025", Shown(45689, "date", "{dd}.{mm}.{y}"), "01.02.2025", 45689),
    ("31.02.2025", "31.02.2025", "31.02.2025", "31.02.2025"),
    ("  =1+1", Formula("=1+1"), "2", 2),
    ("=1/4", Formula("=1/4"), "0,25", 0.25),
    ("ИСТИНА", True, "ИСТИНА", True),
]


@pytest.mark.parametrize("locale, typed, stored, shown, unformatted",
                         [("en_US", *row) for row in EN] + [("ru_RU", *row) for row in RU])
def test_typed_values_per_locale(locale: str, typed: str, stored: Any, shown: str, unformatted: Any) -> None:
    cell = parse_user_entered(typed, locale)
    assert cell == stored
    assert render(cell, "FORMATTED_VALUE", locale) == shown
    assert render(cell, "UNFORMATTED_VALUE", locale) == unformatted


def test_locale_is_a_property_of_the_spreadsheet() -> None:
    fake = FakeSheets(locale="ru_RU")
    fake.create_spreadsheet("ru")
    fake.create_spreadsheet("en", locale="en_US")
    http = fake_session(fake)
    for key in ("ru", "en"):
        http.put(f"{API}/{key}/values/Sheet1!A1", params={"valueInputOption": "USER_ENTERED"},
                 json={"values": [["4,5", "=1/4", "12.10.2025"]]})
    assert http.get(f"{API}/ru").json()["properties"]["locale"] == "ru_RU"
    assert fake.grid("ru", "Sheet1") == [["4,5", "0,25", "12.10.2025"]]
    assert fake.grid("en", "Sheet1") == [["4,5", "0.25", "12.10.2025"]]  # in en_US the first and last stay text
    assert fake.grid("ru", "Sheet1", "UNFORMATTED_VALUE") == [[4.5, 0.25, 45942]]
    assert fake.grid("en", "Sheet1", "UNFORMATTED_VALUE") == [["4,5", 0.25, "12.10.2025"]]
    http.post(f"{API}/en:batchUpdate", json={"requests": [{"updateSpreadsheetProperties": {
        "properties": {"locale": "ru_RU"}, "fields": "locale"}}]})
    assert fake.grid("en", "Sheet1")[0][1] == "0,25"  # the display follows the locale, the value stays


def test_state_file_keeps_formatted_numbers(tmp_path: Path) -> None:
    fake = FakeSheets(state_file=tmp_path / "state.json", locale="ru_RU")
    fake.create_spreadsheet("k")
    fake_session(fake).put(f"{API}/k/values/Sheet1!A1", params={"valueInputOption": "USER_ENTERED"},
                           json={"values": [["12.10.2025", "50%", "1 000,5"]]})
    assert FakeSheets(state_file=tmp_path / "state.json").grid("k", "Sheet1") == [["12.10.2025", "50%",
                                                                                 "1\u00a0000,5"]]


# -- the store reads what people typed, as they see it --------------------------------------------------------------
@pytest.mark.parametrize("locale, typed, seen", [
    ("ru_RU", ["4,5", "12.10.2025", "50%", " =2+2"], ["4,5", "12.10.2025", "50%", "4"]),
    ("en_US", ["4.5", "10/12/2025", "50%", " =2+2"], ["4.5", "10/12/2025", "50%", "4"]),
])
def test_store_reads_hand_typed_values_as_shown(locale: str, typed: list[str], seen: list[str],
                                                tmp_path: Path) -> None:
    fake = FakeSheets(auto_create=True, locale=locale)
    key = write_service_account(tmp_path / "sa.json", "https://oauth2.googleapis.com/token")
    store = GoogleStore("k", key, session=fake_session(fake))
    store.ensure_layout([LAYOUT])
    store.append_rows(CYR, [["ours", "4,5", "12.10.2025", "50%"]])  # RAW: stays the text we sent, in any locale
    cell = requests.utils.quote(f"'{CYR}'!A3", safe="")
    r = fake_session(fake).put(f"{API}/k/values/{cell}", params={"valueInputOption": "USER_ENTERED"},
                               json={"values": [typed]})
    assert r.status_code == 200, r.json()
    grid = store.read_all()[CYR]
    assert grid[1] == ["ours", "4,5", "12.10.2025", "50%"] and grid[2] == seen


def test_schema_reads_ru_numbers_and_dates_and_flags_en_ones_instead_of_misreading() -> None:
    ru = Number().parse(pd.Series(["4,5", "2\u00a0000\u00a0000,01"], dtype="string"))
    assert list(ru.values) == [4.5, 2000000.01]
    assert Date().parse(pd.Series(["12.10.2025"], dtype="string")).values[0] == pd.Timestamp(2025, 10, 12)
    en = Number().parse(pd.Series(["4.5", "2,000,000.01"], dtype="string"))
    assert en.values[0] == 4.5 and pd.isna(en.values[1]) and en.errors[1] == "Ожидается число"
    en_date = Date().parse(pd.Series(["10/12/2025"], dtype="string"))  # 12 October or 10 December?
    assert pd.isna(en_date.values[0]) and en_date.errors[0] == "Ожидается дата в виде ДД.ММ.ГГГГ"
