"""A separate process that drains a shared outbox through a faulty store, a few commands per turn; for
tests/test_lease.py. Prints how many turns were refused because the other process held the lease."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sheets_schema import SCHEMA
from sync.lease import LeaseHeld
from sync.local import LocalStore
from sync.write.outbox import PENDING, Outbox
from sync.write.worker import Worker
from tests.test_write_path import FlakyStore


def main(data: Path, seed: int) -> None:
    store = FlakyStore(LocalStore(data / "store.sqlite3"), rate=0.3, seed=seed)
    outbox = Outbox(data / "outbox.sqlite3")
    worker = Worker(outbox, store, SCHEMA, batch_size=3, backoff_base=0.001, backoff_max=0.005,
                    what=f"test drain {seed}")
    (data / f"ready-{seed}").touch()
    while not (data / "go").exists():  # both processes start draining together
        time.sleep(0.01)
    refused = turns = 0
    deadline = time.monotonic() + 300
    while outbox.counts().get(PENDING, 0) and time.monotonic() < deadline:
        turns += 1
        try:
            worker.drain(max_cycles=2)  # a short turn, then the lease is free for the other process
        except LeaseHeld:
            refused += 1
            time.sleep(0.002)
    print(json.dumps({"refused": refused, "turns": turns, "injected": store.injected}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
