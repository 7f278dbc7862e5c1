"""Server memory on a generated school: RSS idle, under 50 clients, over 1,000 requests, and what holds it.

Starts `edumon serve` on a demo school (the seed and sign-in of bench_pages), builds every page once, then
`--clients` clients ask for the dashboard in a loop until `--requests` have been served, sampling the server's
RSS every 100 requests, and once more after the load has stopped (unconnected pages go after 10 s, the allocator is
trimmed every 60 s). Printed, each with its target: RSS (with its anonymous part: the file part is the mapped code of
pandas, pyarrow, NiceGUI...), the modules the server imported that it does not need to serve pages, and with
`--trace` the Python heap (tracemalloc) against RSS with the top allocation growth between idle and after the load.

Run: .venv/bin/python benchmarks/bench_memory.py [--students 1000] [--clients 50] [--requests 1000] [--trace]
(`--trace` runs the server under tracemalloc: slower, and RSS then includes tracemalloc's own bookkeeping.)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from bench_pages import ROOT, SECRET, free_port, line, seed, session_cookie

HEAVY = ("matplotlib", "docx", "openpyxl", "duckdb", "scipy", "PIL", "lxml")  # not needed to serve a page
TOP = 12


def status_of(pid: int) -> dict[str, float]:
    """VmRSS, RssAnon and RssFile of a process in MB."""
    out = {}
    for text in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = text.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0]) / 1024
    return out


def rss_text(pid: int) -> str:
    s = status_of(pid)
    return f"{s['VmRSS']:.0f} ({s['RssAnon']:.0f} anon)"


def traced_server(out_dir: str) -> None:
    """The server under tracemalloc; SIGUSR1 dumps a snapshot to out_dir/<n>.snap, SIGUSR2 the loaded modules."""
    import tracemalloc

    tracemalloc.start(8)
    count = [0]

    def dump(_sig: int, _frame: object) -> None:
        count[0] += 1
        tracemalloc.take_snapshot().dump(os.path.join(out_dir, f"{count[0]}.snap"))
        Path(out_dir, f"{count[0]}.done").write_text(str(tracemalloc.get_traced_memory()[0]))

    signal.signal(signal.SIGUSR1, dump)
    sys.argv = ["edumon", "serve"]
    from app.cli.main import main as cli

    cli()


def snapshot(pid: int, out_dir: Path, n: int) -> tuple[object, int]:
    os.kill(pid, signal.SIGUSR1)
    done = out_dir / f"{n}.done"
    for _ in range(1200):
        if done.exists() and done.read_text():
            break
        time.sleep(0.1)
    import tracemalloc

    return tracemalloc.Snapshot.load(str(out_dir / f"{n}.snap")), int(done.read_text())


def heavy_modules() -> list[str]:
    """Heavy packages imported by the server's start (`import app.main`) that no page view needs."""
    code = f"import sys, app.main; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                         capture_output=True, text=True, check=True).stdout
    return out.split()


async def load(base: str, cookie: str, clients: int, requests: int, pid: int) -> tuple[int, int, list[str]]:
    """Serve `requests` dashboard requests over `clients` connections; RSS printed every 100 requests."""
    served, errors, samples = 0, 0, []

    async def one() -> None:
        nonlocal served, errors
        async with httpx.AsyncClient(base_url=base, cookies={"session": cookie}, timeout=120) as c:
            while served < requests:
                try:
                    r = await c.get("/dashboard")
                    errors += r.status_code != 200
                except httpx.HTTPError:
                    errors += 1
                served += 1
                if served % 100 == 0:
                    samples.append(f"{status_of(pid)['VmRSS']:.0f}")

    await asyncio.gather(*(one() for _ in range(clients)))
    return served, errors, samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--trace", action="store_true", help="the server under tracemalloc: Python heap vs RSS")
    parser.add_argument("--serve-traced", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_traced:
        traced_server(args.serve_traced)
        return
    tmp = Path(tempfile.mkdtemp(prefix="edumon-mem-"))
    data, snaps = tmp / "data", tmp / "snaps"
    data.mkdir()
    snaps.mkdir()
    work, _, _ = seed(data, args.students)
    cookies = {who: session_cookie(data / "nicegui", f"bench-{who}", who) for who in ("zam", "uchitel")}
    port = free_port()
    env = dict(os.environ, EDUMON_DATA_DIR=str(data), EDUMON_BACKEND="local", EDUMON_PORT=str(port),
               EDUMON_SESSION_SECRET=SECRET, EDUMON_REFRESH_SECONDS="30", PYTHONPATH=str(ROOT))
    command = ([sys.executable, __file__, "--serve-traced", str(snaps)] if args.trace
               else [sys.executable, "-m", "app.cli", "serve"])
    server = subprocess.Popen(command, cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base, pid = f"http://127.0.0.1:{port}", server.pid
    print(f"school: {args.students} students; {args.clients} clients, {args.requests} dashboard requests"
          f"{'; server under tracemalloc' if args.trace else ''}")
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
        line("RSS (anon) after start (MB)", rss_text(pid), "< 400 MB")
        for path, who in (("/", "zam"), ("/dashboard", "zam"), ("/my", "uchitel"), (f"/work/{work}", "zam")):
            with httpx.Client(base_url=base, cookies={"session": cookies[who]}, timeout=120) as c:
                c.get(path).raise_for_status()
        time.sleep(15)  # the pages built above are dropped 10 s after (nobody connects to them)
        line("RSS (anon) idle, every page built once (MB)", rss_text(pid), "< 400 MB")
        heavy = heavy_modules()
        line("heavy modules loaded but not needed to serve", ", ".join(heavy) or "none", "none")
        first = snapshot(pid, snaps, 1) if args.trace else None
        t0 = time.perf_counter()
        served, errors, samples = asyncio.run(load(base, cookies["zam"], args.clients, args.requests, pid))
        spent = time.perf_counter() - t0
        line(f"RSS every 100 requests ({served} in {spent:.0f} s, {errors} errors)", "", "flat, < 400 MB")
        for i in range(0, len(samples), 10):
            print("      " + " ".join(f"{s:>4}" for s in samples[i:i + 10]))
        line(f"RSS (anon) right after {served} requests (MB)", rss_text(pid), "< 400 MB")
        time.sleep(75)  # unconnected pages dropped after 10 s; the allocator trimmed every 60 s
        line("RSS (anon) 75 s after the load (MB)", rss_text(pid), "< 400 MB, back to idle")
        if first is not None:
            second = snapshot(pid, snaps, 2)
            rss = status_of(pid)["VmRSS"]
            line("Python heap idle → after (tracemalloc, MB)",
                 f"{first[1] / 2**20:.0f} → {second[1] / 2**20:.0f}", f"(RSS now {rss:.0f})")
            print(f"  top {TOP} allocation growth, idle → after the load (by line):")
            for stat in second[0].compare_to(first[0], "lineno")[:TOP]:  # type: ignore[attr-defined]
                print(f"    {stat.size_diff / 2**10:+9.0f} KiB {stat.count_diff:+8d} blocks  {stat.traceback[0]}")
            print(f"  top {TOP} holders after the load (by file):")
            for stat in second[0].statistics("filename")[:TOP]:  # type: ignore[attr-defined]
                print(f"    {stat.size / 2**20:9.1f} MiB {stat.count:8d} blocks  {stat.traceback[0].filename}")
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
