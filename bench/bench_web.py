"""Latency of the report page under load, on loopback, against a real `prhub serve`.

    python bench/bench_web.py [--repo CLONE] [--clients 50] [--requests 2000]

Syncs the repository into a fresh database (the whole vllm history from
../shared/datasets when no --repo is given), starts `prhub serve` in its own
process, then measures:

* uncached: the first request of each of the newest weeks' report pages
  (each one builds the report context and renders the page), on a store that
  has analysed nothing yet: each page derives the facts of its weeks that no
  page before it did (store/pr_analysis.py);
* uncached, facts kept: the same pages again from a restarted server with the
  stored reports dropped: each is built again, reading the facts the first
  pass kept (as a week's page does once its neighbours were analysed);
* cached: ``--requests`` requests of one report page from ``--clients``
  concurrent keep-alive connections.

Targets: cached p99 < 50 ms with 50 clients; uncached < 0.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dataset import build

from prhub.store import open_store
from prhub.store.reports import delete_reports


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(db: Path, port: int | None = None) -> Iterator[str]:
    """`prhub serve` in its own process; yields its base URL once it answers."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "prhub", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/api/repos", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    why = proc.stderr.read() if proc.stderr else ""
                    raise RuntimeError(f"prhub serve did not start: {why}") from None
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str) -> int:
    """One keep-alive HTTP/1.1 GET; returns the status and reads the whole body."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n\r\n".encode("ascii"))
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next((int(v) for k, _, v in (h.partition(":") for h in lines[1:]) if k.lower() == "content-length"), 0)
    await reader.readexactly(length)
    return status


async def _load(base: str, path: str, clients: int, requests: int) -> list[float]:
    host_port = base.removeprefix("http://")
    host, port = host_port.split(":")
    per_client = max(1, requests // clients)
    timings: list[float] = []

    async def client() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for _ in range(per_client):
                started = time.perf_counter()
                status = await _get(reader, writer, host_port, path)
                timings.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"GET {path}: HTTP {status}")
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return timings


def load(base: str, path: str, clients: int, requests: int) -> list[float]:
    """Latencies (seconds) of ``requests`` GETs of ``path`` from ``clients`` concurrent connections."""
    return asyncio.run(_load(base, path, clients, requests))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def timed_get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
    return time.perf_counter() - started


def uncached(base: str, slug: str, periods: list[str]) -> list[float]:
    return [timed_get(f"{base}/{slug}/reports/{period}") for period in periods]


def week_periods(base: str, slug: str, n: int) -> list[str]:
    """The newest weeks with merged PRs, read from the repository page's links."""
    html = urllib.request.urlopen(f"{base}/{slug}/", timeout=30).read().decode("utf-8")
    marker = f'href="/{slug}/reports/'
    found = []
    for piece in html.split(marker)[1:]:
        found.append(piece.split('"', 1)[0])
    return found[:n]


def _ms(seconds: list[float]) -> str:
    return " ".join(f"{t * 1000:.0f}" for t in seconds) + " ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", type=Path, help="a clone to sync [default: the whole vllm history, built]")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--weeks", type=int, default=6, help="uncached report pages to time")
    parser.add_argument(
        "--db", type=Path, help="an already synced database to serve (skips syncing; its stored reports are dropped)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        repo = args.repo
        if args.db is not None:
            pass
        elif repo is None:
            repo = build()
        db = args.db or Path(tmp) / "prhub.db"
        if args.db is None:
            # no stored reports: "uncached" means built on request
            cmd = [sys.executable, "-m", "prhub", "sync", str(repo), "--db", str(db), "-q", "--no-reports"]
            subprocess.run(cmd, check=True)
        with served(db) as base:
            repos = json.loads(urllib.request.urlopen(base + "/api/repos").read())
            slug = repos[0]["slug"]
            periods = week_periods(base, slug, args.weeks)
            cold = uncached(base, slug, periods)
        with open_store(str(db)) as store:
            delete_reports(store)  # built again on request; what the analysis kept stays
        with served(db) as base:
            kept = uncached(base, slug, periods)
            path = f"/{slug}/reports/{periods[0]}"
            load(base, path, 10, 100)  # warm up connections and the cache
            hot = load(base, path, args.clients, args.requests)
    print(f"repository {slug}: {len(periods)} weeks timed uncached")
    print(
        f"uncached report page: p50 {statistics.median(cold) * 1000:.0f} ms, "
        f"max {max(cold) * 1000:.0f} ms (target < 500 ms; newest first: {_ms(cold)})"
    )
    print(
        f"uncached report page, the weeks' facts kept: p50 {statistics.median(kept) * 1000:.0f} ms, "
        f"max {max(kept) * 1000:.0f} ms (target < 500 ms; {_ms(kept)})"
    )
    print(
        f"cached report page, {args.clients} clients, {len(hot)} requests: "
        f"p50 {percentile(hot, 50) * 1000:.1f} ms, p99 {percentile(hot, 99) * 1000:.1f} ms (target p99 < 50 ms)"
    )


if __name__ == "__main__":
    main()
