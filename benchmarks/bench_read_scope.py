"""The read scope of each role over the demo school: how long `visible_frames` takes to cut the cached workbook to
what one person may read (done once per cache version and person, then reused by every page of theirs).

Run: .venv/bin/python benchmarks/bench_read_scope.py [students]   (default 600)
"""

from __future__ import annotations

import sys
import time

from app.access import Role, scope_of, visible_frames
from app.demo.accounts import pick_demo_staff
from app.demo.school import generate_demo
from sheets_schema import SCHEMA, validate_workbook
from sync.users import Account

TARGET_MS = 100.0  # per person and cache version, at the demo school's size


def main(students: int = 600) -> None:
    frames = validate_workbook(SCHEMA, generate_demo(students=students).grids).frames
    staff = pick_demo_staff(frames)
    rows = sum(len(f) for f in frames.values())
    print(f"demo school: {students} students, {rows} rows in {len(frames)} sheets")
    for role in Role:
        account = Account(f"bench-{role}", "", role, staff.get(role, ""))
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            seen = visible_frames(scope_of(account, frames), frames)
            best = min(best, (time.perf_counter() - started) * 1000)
        kept = sum(len(f) for f in seen.values())
        print(f"{role:<20} {best:8.1f} ms   (target < {TARGET_MS:.0f} ms)   rows readable: {kept}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 600)
