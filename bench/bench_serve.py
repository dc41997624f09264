"""Bounded serving under load: 50 clients on random weeks of three repositories, cached and uncached.

    python bench/bench_serve.py [--repos CLONE CLONE CLONE] [--clients 50] [--requests 2000] [--workers 4]
                                [--pg postgresql://USER:PASS@HOST/DB]

Syncs the repositories with ``--no-reports`` (so nothing is built ahead) into
a fresh SQLite database, and with ``--pg`` also into a fresh schema of that
PostgreSQL database; for each, starts ``prhub serve --workers N`` in its own
process, then measures from ``--clients`` concurrent keep-alive connections:

* uncached: each client asks for weeks drawn at random, without repetition,
  from every week with merged PRs of the three repositories, so every request
  is the first of its report (it waits in the bounded build queue);
* then twice ``--requests`` requests for random weeks among those just built: in
  the first pass a worker that did not build a week reads it from the store
  (and renders its page) on its first request; the second pass is the cached
  one, each worker answering from its memory.

A 503 (the build queue full) is counted and retried after its Retry-After, as
a browser would; its wait is part of the request's latency. ``measure`` is the
same run on any synced database (bench_store.py uses it).
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

from prhub.store import open_store
from prhub.store.reports import delete_reports

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


def _serve(db: str, workers: int) -> tuple[subprocess.Popen[str], str]:
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


def measure(
    db: str, *, workers: int, clients: int, requests: int, uncached: int, seed: int, slugs: list[str] | None = None
) -> list[str]:
    """Serve ``db`` (its stored reports dropped first) and load it; the figures as printable lines."""
    with open_store(db) as store:
        delete_reports(store)  # uncached means built on request
    rng = random.Random(seed)
    proc, base = _serve(db, workers)
    try:
        slugs = slugs or [r["slug"] for r in json.loads(urllib.request.urlopen(base + "/api/repos").read())][:3]
        weeks = [f"/{slug}/reports/{w}" for slug in slugs for w in week_periods(base, slug, 10_000)]
        cold_paths = rng.sample(weeks, min(uncached, len(weeks)))
        cold, cold_busy = asyncio.run(_run(base, cold_paths, clients))
        warm, warm_busy = asyncio.run(_run(base, [rng.choice(cold_paths) for _ in range(requests)], clients))
        hot, hot_busy = asyncio.run(_run(base, [rng.choice(cold_paths) for _ in range(requests)], clients))
    finally:
        proc.terminate()
        proc.wait(30)
    return [
        f"repositories {', '.join(slugs)}: {len(weeks)} weeks; {clients} clients, {workers} workers",
        _summary("uncached (first request of each week: built)", cold, cold_busy),
        _summary("built weeks, first pass (a worker's first hit reads the store)", warm, warm_busy),
        _summary("cached (second pass: each worker's memory)", hot, hot_busy),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", type=Path, nargs=3, default=DEFAULT_REPOS)
    parser.add_argument("--db", help="an already synced database (its stored reports are dropped)")
    parser.add_argument("--pg", help="also measure on PostgreSQL: a database to make a fresh schema in")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="cached requests")
    parser.add_argument(
        "--uncached", type=int, default=120, help="uncached requests (distinct weeks; a worker keeps 128 in memory)"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    knobs = dict(workers=args.workers, clients=args.clients, requests=args.requests, uncached=args.uncached)
    if args.db:
        print("\n".join(measure(args.db, **knobs, seed=args.seed)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("sqlite", str(Path(tmp) / "prhub.db"))]
        schema = None
        if args.pg:
            from bench_store import PgSchemas

            schema = PgSchemas(args.pg, keep=False)
            targets.append(("postgresql", schema.new("serve")))
        try:
            for backend, db in targets:
                for repo in args.repos:
                    started = time.perf_counter()
                    cmd = [sys.executable, "-m", "prhub", "sync", str(repo), "--db", db, "-q", "--no-reports"]
                    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                    print(f"{backend}: synced {repo} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
                print(f"{backend}:")
                print("\n".join("   " + line for line in measure(db, **knobs, seed=args.seed)))
        finally:
            if schema is not None:
                schema.drop()


if __name__ == "__main__":
    main()
