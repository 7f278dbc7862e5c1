"""Run the fake Sheets API on loopback so the whole app can use it through settings alone.

    python -m devtools.fake_sheets --port 8099 --spreadsheet demo --credentials data/fake-sa.json [--fault-rate 0.1]

then point the app at base_url http://127.0.0.1:8099, spreadsheet key "demo", credentials file data/fake-sa.json
(or no credentials file at all: anonymous access is accepted unless --require-auth).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from .api import FakeSheets
from .credentials import write_service_account
from .faults import KINDS, FaultPlan
from .server import FakeSheetsServer


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m devtools.fake_sheets",
                                description="Fake Google Sheets API v4 (loopback)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8099, help="0 picks a free port")
    p.add_argument("--state", help="JSON file that keeps the spreadsheets across restarts")
    p.add_argument("--spreadsheet", action="append", default=[], metavar="KEY",
                   help="create this spreadsheet if missing (repeatable)")
    p.add_argument("--auto-create", action="store_true", help="unknown keys create a spreadsheet instead of a 404")
    p.add_argument("--credentials", metavar="FILE", help="write a service-account JSON whose token_uri is this server")
    p.add_argument("--require-auth", action="store_true", help="reject API calls without a token from /token")
    p.add_argument("--fault-rate", type=float, default=0.0, help="share of API requests that fail (0..1)")
    p.add_argument("--faults", default=",".join(KINDS), help=f"kinds to inject, from {','.join(KINDS)}")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--retry-after", type=float, default=1.0, help="Retry-After seconds of injected 429s")
    p.add_argument("--slow-seconds", type=float, default=40.0, help="delay of a 'slow' answer")
    p.add_argument("--latency", type=float, default=0.0, help="seconds added to every API answer")
    p.add_argument("--locale", default="ru_RU", choices=["ru_RU", "en_US"],
                   help="locale of created spreadsheets: how typed numbers and dates are read and shown")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    plan = FaultPlan(rate=args.fault_rate, kinds=[k for k in args.faults.split(",") if k], seed=args.seed,
                     retry_after=args.retry_after, slow_seconds=args.slow_seconds)
    fake = FakeSheets(auto_create=args.auto_create, require_auth=args.require_auth, faults=plan,
                      latency=args.latency, state_file=args.state, locale=args.locale)
    for key in args.spreadsheet:
        if key not in fake.books:
            fake.create_spreadsheet(key, title=key)
    server = FakeSheetsServer(fake, args.host, args.port)
    if args.credentials:
        write_service_account(args.credentials, server.token_uri)
    print(f"fake Sheets API on {server.base_url} (token endpoint {server.token_uri}); Ctrl+C to stop", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
