"""Pages and saves under a school's load: the real server on a generated school, over loopback HTTP.

Starts `edumon serve` (random free port, temp data dir) on a demo school, signs two people in (the deputy and a
teacher: a signed session cookie and their server-side session, exactly what the sign-in page leaves behind), and
prints, each with its target:
- server CPU per page (median and p95 of 30 requests), warm, and the first request after the workbook changed;
- save acknowledgement of one class (~30 rows): idle, and p95 with 20 concurrent writers (the write path the
  pages call, in this process on a copy of the school, with the outbox worker running as in the server);
- 50 clients × 60 s on the dashboard: throughput, p50/p95/p99, errors, server RSS before and after.

Run: .venv/bin/python benchmarks/bench_pages.py [--students 1000] [--quick] [--saves]
(`--saves`: only the save acknowledgement, on 20 writers, without the server and the page runs)
CPU seconds are read from /proc for the server process (the machine may be shared: wall time is noisy).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from itsdangerous import TimestampSigner

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"
SECRET = "bench-session-secret"
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(data_dir: Path, students: int) -> tuple[str, list[str], list[tuple[str, list[str]]]]:
    """The demo school in an embedded store with demo accounts; (a work id with results, ids of its rows, and for
    each class and work: the teacher who teaches that subject there and the ids of up to 30 of its results)."""
    from app.demo.accounts import create_demo_accounts
    from app.demo.school import generate_demo
    from sheets_schema import SCHEMA, validate_workbook
    from sync.layout import layouts_of
    from sync.local import LocalStore
    from sync.users import UserStore

    school = generate_demo(students=students, seed=42)
    store = LocalStore(data_dir / "edumon.sqlite3")
    store.ensure_layout(layouts_of(SCHEMA))
    for sheet in SCHEMA:
        store.replace_sheet(sheet.title, school.grids[sheet.title])
    frames = validate_workbook(SCHEMA, school.grids).frames
    create_demo_accounts(UserStore(data_dir / "users.sqlite3"), frames, password=PASSWORD)
    res = frames["results"]
    res = res[res["student_id"].isin(frames["students"]["id"])]  # rows a save may touch: their student is valid
    work = str(res["work_id"].value_counts().index[0])
    load = frames["teaching_load"].astype({"class_id": str, "subject_id": str, "teacher_id": str})
    teacher = {(c, s): t for c, s, t in zip(load["class_id"], load["subject_id"], load["teacher_id"], strict=True)}
    subject = frames["works"].set_index("id")["subject_id"].astype(str)
    cls = res["student_id"].map(frames["students"].set_index("id")["class_id"]).astype(str)
    groups = []
    for (w, c), ids in res.groupby([res["work_id"].astype(str), cls])["id"]:
        if (c, subject.get(w, "")) in teacher and len(ids) >= 15:
            groups.append((teacher[(c, subject[w])], ids.astype(str).tolist()[:30]))
    return work, res.loc[res["work_id"] == work, "id"].astype(str).tolist(), groups


def session_cookie(storage: Path, browser_id: str, login: str) -> str:
    """What signing in leaves: the server-side session of `browser_id` names the login; the cookie names the id."""
    storage.mkdir(parents=True, exist_ok=True)
    (storage / f"storage-user-{browser_id}.json").write_text(
        json.dumps({"login": login, "signed_in_at": time.time()}), encoding="utf-8")
    data = base64.b64encode(json.dumps({"id": browser_id}).encode("utf-8"))
    return TimestampSigner(SECRET).sign(data).decode("utf-8")


def stolen() -> float:
    """CPU seconds the host took from this virtual machine so far (all cores; the `steal` of /proc/stat): time the
    server and the clients wanted a core and did not get it."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = f.readline().split()
    return int(fields[8]) / TICKS if len(fields) > 8 else 0.0


def cpu_of(pid: int, thread: int | None = None) -> float:
    """CPU seconds of the process, or of one of its threads (the main thread runs the event loop)."""
    stat = Path(f"/proc/{pid}/stat" if thread is None else f"/proc/{pid}/task/{thread}/stat")
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_of(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def line(label: str, value: str, target: str) -> None:
    print(f"  {label:<44} {value:>22}   target {target}")


LOOP: list[float] = []  # event-loop thread CPU seconds of the warm requests measured last


def page_times(client: httpx.Client, pid: int, path: str, n: int) -> list[float]:
    """Server CPU seconds of each of n sequential requests (the whole process: background timers, such as the
    store's refresh, count too; the event-loop thread's own seconds are left in LOOP)."""
    out = []
    LOOP.clear()
    for _ in range(n):
        before, loop = cpu_of(pid), cpu_of(pid, pid)
        r = client.get(path)
        r.raise_for_status()
        out.append(cpu_of(pid) - before)
        LOOP.append(cpu_of(pid, pid) - loop)
    return out


def save_times(data_dir: Path, groups: list[tuple[str, list[str]]], writers: int, rounds: int
               ) -> tuple[list[float], list[float], float]:
    """(wall seconds, CPU seconds of the saving thread) from a page's save to its acknowledgement, and the process
    CPU seconds of the saves with the worker's writes meanwhile (the context's start is not counted): `writers`
    teachers at once, each saving one class's results of one work (~30 rows), `rounds` times. A save goes the way a
    page sends it: the access check of the teacher's load, then the write path (validate, outbox, cache), with the
    outbox worker draining into the store meanwhile, as in the server."""
    from app.access import authorize_commands
    from app.config import Settings
    from app.context import build_context
    from sync.users import Account
    from sync.write.commands import WriteCommand

    ctx = build_context(Settings(data_dir=data_dir, backend="local"))
    ctx.cache.refresh()
    ctx.worker.start()
    res = ctx.cache.workbook["results"]
    seen = dict(zip(res["id"].astype(str), res["present"].astype(str), strict=True))  # what each page shows
    wall: list[float] = []
    cpu: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(writers)

    def one(w: int) -> None:
        teacher, ids = groups[w % len(groups)]
        account = Account(login=f"bench-{w}", name="", role="teacher", teacher_id=teacher)
        start.wait()
        for _ in range(rounds):
            commands = [WriteCommand("update", "results", i, {"present": "да"}, {"present": seen[i]},
                                     user=account.login) for i in ids]
            t0, c0 = time.perf_counter(), time.thread_time()
            authorize_commands(account, commands, ctx.cache.workbook.frames)
            ctx.writer.submit(commands)
            with lock:
                wall.append(time.perf_counter() - t0)
                cpu.append(time.thread_time() - c0)

    threads = [threading.Thread(target=one, args=(w,)) for w in range(writers)]
    c0 = time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ctx.worker.drain()  # what the saves left to the worker counts too
    spent = time.process_time() - c0
    ctx.worker.stop()
    ctx.outbox.close()
    return wall, cpu, spent


def print_saves(data_dir: Path, groups: list[tuple[str, list[str]]], writers: int, rounds: int) -> None:
    print(f"\nsave acknowledged, one class of ~30 rows (ms; {len(groups)} class-and-work groups)")
    wall, cpu, _ = save_times(data_dir, groups, 1, rounds)
    line("idle, CPU (median / p95)", f"{statistics.median(cpu) * 1000:.0f} / {pct(cpu, .95) * 1000:.0f}", "< 50 ms")
    line("idle, wall (median / p95)", f"{statistics.median(wall) * 1000:.0f} / {pct(wall, .95) * 1000:.0f}",
         "(includes the outbox fsync)")
    wall, _, spent = save_times(data_dir, groups, writers, 10)
    line(f"{writers} concurrent writers, wall (p50 / p95)",
         f"{statistics.median(wall) * 1000:.0f} / {pct(wall, .95) * 1000:.0f}", "p95 < 300 ms")
    line(f"{writers} concurrent writers, process CPU per save", f"{spent / len(wall) * 1000:.0f}",
         "(saves committed together share one check; with the worker's writes to the store)")


async def load(base: str, cookie: str, clients: int, seconds: float) -> tuple[list[float], list[str]]:
    """Latencies of every request of `clients` clients asking for the dashboard in a loop, and what each failed
    request got (a status code or the exception's name). The clients are made before the clock starts: making an
    httpx client costs the load generator ~40 ms of CPU (an SSL context), and made inside the loop the fiftieth
    one held back the responses of the first 49, which counted two seconds of the generator's own start as the
    server's latency."""
    latencies: list[float] = []
    errors: list[str] = []
    async with contextlib.AsyncExitStack() as stack:
        made = [await stack.enter_async_context(httpx.AsyncClient(base_url=base, cookies={"session": cookie},
                                                                  timeout=120)) for _ in range(clients)]
        stop = time.monotonic() + seconds

        async def one(c: httpx.AsyncClient) -> None:
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                try:
                    r = await c.get("/dashboard")
                    if r.status_code != 200:
                        errors.append(f"HTTP {r.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                latencies.append(time.perf_counter() - t0)

        await asyncio.gather(*(one(c) for c in made))
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="10 requests per page, 10 clients × 10 s")
    parser.add_argument("--saves", action="store_true", help="only the save acknowledgement (no server)")
    args = parser.parse_args()
    n, clients, seconds, writers = (10, 10, 10.0, 5) if args.quick else (30, 50, 60.0, 20)
    tmp = Path(tempfile.mkdtemp(prefix="edumon-bench-"))
    data = tmp / "data"
    data.mkdir()
    t0 = time.perf_counter()
    work, rows, groups = seed(data, args.students)
    print(f"school: {args.students} students, generated and stored in {time.perf_counter() - t0:.1f} s; "
          f"{'quick run' if args.quick else 'full run'}")
    writes = tmp / "writes"
    shutil.copytree(data, writes)
    if args.saves:
        try:
            print_saves(writes, groups, writers, 30)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    storage = data / "nicegui"  # the server keeps per-browser storage in its data dir (app.main.keep_storage_in)
    cookies = {who: session_cookie(storage, f"bench-{who}", who) for who in ("zam", "uchitel")}
    port = free_port()
    env = dict(os.environ, EDUMON_DATA_DIR=str(data), EDUMON_BACKEND="local", EDUMON_PORT=str(port),
               EDUMON_SESSION_SECRET=SECRET, EDUMON_REFRESH_SECONDS="30",
               PYTHONPATH=str(ROOT))
    server_log = tmp / "server.log"  # its warnings and errors are summed up at the end
    server = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], cwd=tmp, env=env,
                              stdout=subprocess.DEVNULL, stderr=server_log.open("w", encoding="utf-8"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/login", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit("the server did not start")
        pid = server.pid
        pages = [("/", "zam", "< 50 ms"), ("/dashboard", "zam", "< 150 ms"), ("/my", "uchitel", "< 150 ms"),
                 (f"/work/{work}", "zam", "< 150 ms")]
        print(f"\nserver CPU per page, {n} requests each (ms)")
        for path, who, target in pages:
            with httpx.Client(base_url=base, cookies={"session": cookies[who]}, timeout=120) as c:
                first = page_times(c, pid, path, 1)[0]
                warm = page_times(c, pid, path, n)
            line(f"{path} warm (median / p95)", f"{statistics.median(warm) * 1000:.0f} / {pct(warm, .95) * 1000:.0f}",
                 target)
            line("  of it the event loop (median / p95)",
                 f"{statistics.median(LOOP) * 1000:.0f} / {pct(LOOP, .95) * 1000:.0f}", "(background threads left out)")
            line(f"{path} first request of the version", f"{first * 1000:.0f}", "(computed once per version)")
        from sheets_schema import SCHEMA
        from sync.local import LocalStore
        title = SCHEMA["results"].title
        LocalStore(data / "edumon.sqlite3").update_rows(title, "id", {rows[0]: {SCHEMA["results"].header_of(
            "present"): "да"}, rows[1]: {SCHEMA["results"].header_of("present"): "да"}})
        time.sleep(40)  # the server's refresh timer (30 s) picks the change up: a new cache version
        print("\nafter a change of the workbook (server CPU, ms)")
        for path, who, target in pages[:2]:
            with httpx.Client(base_url=base, cookies={"session": cookies[who]}, timeout=120) as c:
                first = page_times(c, pid, path, 1)[0]
                warm = page_times(c, pid, path, n)
            line(f"{path} first request after the change", f"{first * 1000:.0f}", "(recomputed once)")
            line(f"{path} warm again (median / p95)",
                 f"{statistics.median(warm) * 1000:.0f} / {pct(warm, .95) * 1000:.0f}", target)
        print_saves(writes, groups, writers, n)
        print(f"\n{clients} clients × {seconds:.0f} s on /dashboard (loopback)")
        rss0 = rss_of(pid)
        line("server RSS idle, every page built once (MB)", f"{rss0:.0f}", "< 400 MB")
        cpu0 = cpu_of(pid)
        steal0 = stolen()
        latencies, errors = asyncio.run(load(base, cookies["zam"], clients, seconds))
        steal1, rss1 = stolen(), rss_of(pid)
        line("requests / throughput", f"{len(latencies)} / {len(latencies) / seconds:.1f} per s", "—")
        line("latency p50 / p95 / p99 (s)", f"{pct(latencies, .5):.2f} / {pct(latencies, .95):.2f} / "
             f"{pct(latencies, .99):.2f}", "p95 < 1 s")
        line("errors", f"{len(errors)}" + (f" ({', '.join(sorted(set(errors))[:3])})" if errors else ""),
             "0 (a «сервер занят» page is HTTP 503)")
        line("load average (1 min) after the run", f"{os.getloadavg()[0]:.1f}",
             f"(on {os.cpu_count()} cores: above that the machine is shared)")
        cpu1 = cpu_of(pid)
        line("server CPU per request (ms)", f"{(cpu1 - cpu0) / max(1, len(latencies)) * 1000:.0f}", "—")
        line("server CPU share of one core during the run", f"{(cpu1 - cpu0) / seconds * 100:.0f} %",
             "(< 100 %: the machine was busy)")
        share = (steal1 - steal0) / seconds / (os.cpu_count() or 1)
        line("CPU taken by the host during the run (steal, of all cores)", f"{share * 100:.0f} %",
             "(0 % on a machine of one's own; the same code is that much slower)")
        line("server RSS before / after (MB)", f"{rss0:.0f} / {rss1:.0f}", "< 400 MB, flat")
        served, rounds = len(latencies), 0
        while served < 1000 and rounds < 8:  # RSS over a thousand page views (at most 4 more minutes)
            served += len(asyncio.run(load(base, cookies["zam"], clients, 30.0))[0])
            rounds += 1
        line(f"RSS after {served} requests in all (MB)", f"{rss_of(pid):.0f}", "< 400 MB, flat")
        time.sleep(30)  # pages whose browser never connected are dropped after 20 s (app.main)
        line("RSS 30 s after the load (MB)", f"{rss_of(pid):.0f}", "< 400 MB")
        logged = [x for x in server_log.read_text(encoding="utf-8", errors="replace").splitlines()
                  if " WARNING " in x or " ERROR " in x or "Traceback" in x]
        print(f"\nserver log: {len(logged)} warnings and errors" + "".join(f"\n  {x[:160]}" for x in logged[:8]))
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
