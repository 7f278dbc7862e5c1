"""GoogleStore against the naive gspread pattern, on the in-process fake Sheets API with a simulated network latency.

Workbook: the demo school (app.demo.school.generate_demo, 600 students: 15 worksheets, ~19k rows), or a synthetic one of
the same shape when the demo generator is unavailable.

    naive refresh: client.open_by_key(key); for each sheet: spreadsheet.worksheet(title).get_all_records()
    naive append : worksheet.append_row(row) for each row
    ours         : store.read_all() (one values.batchGet, metadata cached) and store.append_rows(title, rows)

Run: .venv/bin/python benchmarks/bench_google_store.py [latency_ms]   (default 50)
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import gspread

from devtools.fake_sheets import FakeSheets, fake_session, write_service_account
from sheets_schema import SCHEMA
from sync.google.store import GoogleStore
from sync.layout import layouts_of

KEY = "bench-school"


def demo_grids() -> tuple[dict[str, list[list[str]]], str]:
    try:
        from app.demo.school import generate_demo

        return generate_demo(students=600).grids, "app.demo.school.generate_demo(students=600)"
    except Exception as exc:  # the demo generator belongs to another module; fall back to a synthetic workbook
        sizes = {"Результаты": 6500, "Отметки за период": 9800, "Задания": 1300, "Обучающиеся": 600}
        grids = {s.title: [s.headers] + [[f"{s.key}-{i}"] + [f"v{i % 7}"] * (len(s.headers) - 1)
                                         for i in range(sizes.get(s.title, 100))] for s in SCHEMA}
        return grids, f"synthetic ({type(exc).__name__} from app.demo.school)"


def measure(fake: FakeSheets, action: Callable[[], Any]) -> tuple[int, float, Any]:
    before = len(fake.api_requests())
    t0 = time.perf_counter()
    result = action()
    return len(fake.api_requests()) - before, time.perf_counter() - t0, result


def naive_refresh(client: gspread.Client) -> dict[str, list[dict[str, Any]]]:
    book = client.open_by_key(KEY)
    return {t: book.worksheet(t).get_all_records() for t in [w.title for w in book.worksheets()]}


def main() -> None:
    latency = (float(sys.argv[1]) if len(sys.argv) > 1 else 50.0) / 1000
    grids, source = demo_grids()
    fake = FakeSheets()
    fake.create_spreadsheet(KEY, sheets=(SCHEMA["departments"].title,))
    session = fake_session(fake)  # Google's hosts (Sheets API and the token endpoint) answered by the fake
    key_file = write_service_account(tempfile.mkdtemp(prefix="edumon-bench-") + "/sa.json",
                                     "https://oauth2.googleapis.com/token")
    loader = GoogleStore(KEY, key_file, session=session)
    loader.ensure_layout(layouts_of(SCHEMA))
    for title, grid in grids.items():
        loader.replace_sheet(title, grid)
    rows = sum(len(g) - 1 for g in grids.values())
    cells = sum(len(r) for g in grids.values() for r in g)
    print(f"workbook: {source}: {len(grids)} worksheets, {rows} data rows, {cells} cells")
    print(f"simulated latency: {latency * 1000:.0f} ms per Sheets API request (in-process devtools.fake_sheets)\n")

    fake.latency = latency
    store = GoogleStore(KEY, key_file, session=session)
    client = gspread.Client(None, session=session)  # type: ignore[arg-type]
    title = SCHEMA["results"].title
    new_rows = [[f"bench-{i}", "w-001", f"st-{i:05d}", "да", "1 0 2 2 1", "6", "3"] for i in range(100)]

    cold = measure(fake, store.read_all)
    warm = measure(fake, store.read_all)
    naive = measure(fake, lambda: naive_refresh(client))
    ours_append = measure(fake, lambda: store.append_rows(title, new_rows))
    ws = client.open_by_key(KEY).worksheet(title)
    naive_append = measure(fake, lambda: [ws.append_row(r) for r in new_rows])

    print(f"{'operation':<42} {'requests':>8} {'seconds':>8}")
    for name, (n, secs, _) in [("full refresh, ours (first: + metadata)", cold), ("full refresh, ours (cached)", warm),
                               ("full refresh, naive gspread", naive),
                               ("append 100 rows, ours (one values.append)", ours_append),
                               ("append 100 rows, naive append_row x100", naive_append)]:
        target = {"full refresh, ours (cached)": "   target: 1 request", "append 100 rows, ours (one values.append)":
                  "   target: 1 request"}.get(name, "")
        print(f"{name:<42} {n:>8} {secs:>8.2f}{target}")
    altered = sum(1 for recs in naive[2].values() for rec in recs for v in rec.values() if not isinstance(v, str))
    assert warm[2] == {t: g for t, g in cold[2].items()}
    print(f"\nquota: 60 reads and 60 writes per minute per user. A naive refresh spends {naive[0]} reads; "
          f"100 naive appends spend 100 writes (429s in real life).")
    print(f"naive get_all_records numericised {altered} cells (\"007\" -> 7, \"2\" -> 2); ours returns every cell as "
          f"the exact text.")


if __name__ == "__main__":
    main()
