"""An in-repo fake of the Google Sheets API v4 subset that gspread and GoogleStore use, to test the Google path offline.

    fake = FakeSheets(auto_create=True, faults=FaultPlan(rate=0.3, seed=1), locale="ru_RU")
    session = fake_session(fake)                         # in-process, through a requests adapter
    server = start_server(fake)                          # or over loopback HTTP: server.base_url, server.token_uri

`python -m devtools.fake_sheets --port 8099` runs the loopback server alone (see __main__.py). What it reproduces of
Google, and what not, is listed in README («Google Таблицы»); tests/data/cassettes holds the recordings it is held to.
"""

from .adapter import FakeSheetsAdapter, fake_session
from .api import FakeSheets
from .credentials import write_service_account
from .faults import FaultPlan
from .server import FakeSheetsServer, start_server

__all__ = ["FakeSheets", "FakeSheetsAdapter", "FakeSheetsServer", "FaultPlan", "fake_session", "start_server",
           "write_service_account"]
