"""Bounded serving under load: 50 clients on random weeks of three repositories, cached and uncached.

    python bench/bench_serve.py [--repos CLONE CLONE CLONE] [--clients 50] [--requests 2000] [--workers 4]

Syncs the repositories into a fresh SQLite database with ``--no-reports`` (so
nothing is built ahead), starts ``prhub serve --workers N`` in its own process,
then measures from ``--clients`` concurrent keep-alive connections:

* uncached: each client asks for weeks drawn at random, without repetition,
  from every week with merged PRs of the three repositories, so every request
  is the first of its report (it waits in the bounded build queue);
* cached: ``--requests`` requests for random weeks among those just built.

A 503 (the build queue full) is counted and retried after its Retry-After, as
a browser would; its wait is part of the request's latency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench_web import free_port, percentile, week_periods

DEFAULT_REPOS = [Path("/work/repos/flask"), Path("/work/repos/vite"), Path("/work/repos/prometheus")]


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str) -> tuple[int, str]:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n\r\n".encode("ascii"))
    await writer.drain()
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
    await reader.readexactly(int(headers.get("content-length", "0")))
    return int(head[0].split()[1]), headers.get("retry-after", "1")


async def _run(base: str, paths: list[str], clients: int) -> tuple[list[float], int]:
    host_port = base.removeprefix("http://")
    host, port = host_port.split(":")
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    timings: list[float] = []
    busy = 0

    async def client() -> None:
        nonlocal busy
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while not queue.empty():
                path = queue.get_nowait()
                started = time.perf_counter()
                while True:
                    status, retry = await _get(reader, writer, host_port, path)
                    if status != 503:
                        break
                    busy += 1
                    await asyncio.sleep(float(retry))
                if status != 200:
                    raise RuntimeError(f"GET {path}: HTTP {status}")
                timings.append(time.perf_counter() - started)
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return timings, busy


def _serve(db: Path, workers: int) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    cmd = [sys.executable, "-m", "prhub", "serve", "--db", str(db), "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base + "/api/repos", timeout=5).read()
            return proc, base
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("prhub serve did not start") from None
            time.sleep(0.2)


def _summary(name: str, timings: list[float], busy: int) -> str:
    return (
        f"{name}: {len(timings)} requests, p50 {percentile(timings, 50) * 1000:.1f} ms, "
        f"p99 {percentile(timings, 99) * 1000:.1f} ms, max {max(timings) * 1000:.0f} ms, {busy} answered 503 first"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", type=Path, nargs=3, default=DEFAULT_REPOS)
    parser.add_argument("--db", type=Path, help="an already synced database (its stored reports are dropped)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="cached requests")
    parser.add_argument("--uncached", type=int, default=150, help="uncached requests (distinct weeks)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "prhub.db"
        if args.db:
            db.write_bytes(args.db.read_bytes())
        else:
            for repo in args.repos:
                started = time.perf_counter()
                cmd = [sys.executable, "-m", "prhub", "sync", str(repo), "--db", str(db), "-q", "--no-reports"]
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                print(f"synced {repo} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        import sqlite3

        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM stored_reports")  # uncached means built on request
        proc, base = _serve(db, args.workers)
        try:
            slugs = [r["slug"] for r in json.loads(urllib.request.urlopen(base + "/api/repos").read())]
            weeks = [f"/{slug}/reports/{w}" for slug in slugs for w in week_periods(base, slug, 10_000)]
            cold_paths = rng.sample(weeks, min(args.uncached, len(weeks)))
            cold, cold_busy = asyncio.run(_run(base, cold_paths, args.clients))
            hot_paths = [rng.choice(cold_paths) for _ in range(args.requests)]
            hot, hot_busy = asyncio.run(_run(base, hot_paths, args.clients))
        finally:
            proc.terminate()
            proc.wait(30)
    print(f"repositories {', '.join(slugs)}: {len(weeks)} weeks; {args.clients} clients, {args.workers} workers")
    print(_summary("uncached (first request of each week)", cold, cold_busy))
    print(_summary("cached", hot, hot_busy))


if __name__ == "__main__":
    main()
