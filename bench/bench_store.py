"""The store at site scale, in one run: SQLite against PostgreSQL.

    python bench/bench_store.py --pg postgresql://USER:PASS@localhost/DB [--jobs 4] [--clients 50]

1. a whole-history sync of vllm (../shared/datasets, 20,000+ commits) into a new SQLite file and
   into a new PostgreSQL schema, each a fresh `prhub sync` process: seconds, commits per second, size;
2. ten repositories synced concurrently (`prhub sync P1 ... P10 --jobs N`) into each backend, against
   the same ten one at a time (`--jobs 1`);
3. page latency under load with PostgreSQL: `prhub serve` on the ten-repository database and
   ``--clients`` keep-alive clients asking for random weeks of three repositories; first the
   uncached pass (every page built on its first request), then the same pages again, cached.

The ten repositories are the vllm history, the usable clones under /work/repos (ruff, rust-analyzer,
flask, vite, prometheus) when present, and yearly slices of the vllm history to make up ten. The
PostgreSQL work happens in a schema of its own, dropped at the end (--keep keeps it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from bench_web import _get, free_port, percentile, served
from dataset import OUT, build, git

REAL_CLONES = [Path("/work/repos") / name for name in ("ruff", "rust-analyzer", "flask", "vite", "prometheus")]
VLLM_SLICES = [("2023-01-01", "2024-01-01"), ("2024-01-01", "2025-01-01"), ("2025-01-01", "2026-01-01"),
               ("2025-06-01", "2026-06-01"), ("2024-06-01", "2025-06-01")]  # fmt: skip
ROW_BY_ROW = (
    "import sys; from prhub.store import base, postgres; postgres.PostgresStore.upsert = base.Store.upsert; "
    "from prhub.cli import main; sys.argv[0] = 'prhub'; main()"
)
SERVED = ["vllm-project/vllm", "prometheus/prometheus", "pallets/flask"]


def prhub(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "prhub", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"prhub {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc


def timed(*args: str) -> tuple[float, str]:
    started = time.perf_counter()
    proc = prhub(*args)
    return time.perf_counter() - started, proc.stdout + proc.stderr


class PgSchemas:
    """Fresh schemas in one PostgreSQL database, each reached through a URL whose search_path is it."""

    def __init__(self, base: str, keep: bool) -> None:
        self.base, self.keep, self.made = base, keep, []

    def new(self, label: str) -> str:
        import psycopg

        schema = f"bench_{label}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.base, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        self.made.append(schema)
        sep = "&" if "?" in self.base else "?"
        return f"{self.base}{sep}options=-csearch_path%3D{schema}"

    def size(self, url: str) -> int:
        import psycopg

        schema = url.rsplit("%3D", 1)[1]
        with psycopg.connect(self.base, autocommit=True) as conn:
            row = conn.execute(
                """SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
                   JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'""",
                (schema,),
            ).fetchone()
        return int(row[0])

    def drop(self) -> None:
        import psycopg

        if self.keep:
            print(f"kept schemas: {', '.join(self.made)}")
            return
        with psycopg.connect(self.base, autocommit=True) as conn:
            for schema in self.made:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def sqlite_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if not p.name.endswith(".lock"))


def vllm_slice(since: str, until: str) -> Path:
    out = OUT / f"vllm-{since[:7]}-{until[:7]}"
    if not (out / ".git").is_dir():
        from dataset import DATASET, SKELETON

        print(f"building {out.name} ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(SKELETON), str(DATASET), str(out), "--since", since, "--until", until],
            check=True,
            capture_output=True,
        )
        git(out, "remote", "add", "origin", f"https://github.com/bench/vllm-{since[:4]}-{until[:7]}.git")
    return out


def ten_repositories(vllm: Path) -> list[Path]:
    repos = [vllm] + [p for p in REAL_CLONES if (p / ".git").exists() or (p / "HEAD").exists()]
    for since, until in VLLM_SLICES:
        if len(repos) >= 10:
            break
        repos.append(vllm_slice(since, until))
    return repos[:10]


def commits_in(repo: Path) -> int:
    branch = git(repo, "symbolic-ref", "--short", "HEAD")
    return int(git(repo, "rev-list", "--first-parent", "--count", branch))


async def _random_load(base: str, paths: list[str], clients: int, per_client: int, seed: int) -> list[float]:
    host_port = base.removeprefix("http://")
    host, port = host_port.split(":")
    timings: list[float] = []
    rng = random.Random(seed)
    plans = [[rng.choice(paths) for _ in range(per_client)] for _ in range(clients)]

    async def client(plan: list[str]) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for path in plan:
                started = time.perf_counter()
                status = await _get(reader, writer, host_port, path)
                timings.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"GET {path}: HTTP {status}")
        finally:
            writer.close()

    await asyncio.gather(*(client(plan) for plan in plans))
    return timings


def weeks_of(base: str, slug: str) -> list[str]:
    html = urllib.request.urlopen(f"{base}/{slug}/", timeout=120).read().decode("utf-8")
    marker = f'href="/{slug}/reports/'
    return [piece.split('"', 1)[0] for piece in html.split(marker)[1:]]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default=os.environ.get("PRHUB_BENCH_PG") or os.environ.get("PRHUB_TEST_PG"))
    parser.add_argument("--jobs", type=int, default=4, help="concurrent syncs in the ten-repository run")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=20, help="random weeks per served repository")
    parser.add_argument("--per-client", type=int, default=20, help="requests per client in each pass")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schemas")
    args = parser.parse_args()
    if not args.pg:
        raise SystemExit("give --pg postgresql://... (or PRHUB_BENCH_PG)")
    pg = PgSchemas(args.pg, args.keep)
    vllm = build()
    if not git(vllm, "remote"):  # the real project's name, as the tests give it
        git(vllm, "remote", "add", "origin", "https://github.com/vllm-project/vllm.git")
    repos = ten_repositories(vllm)
    total_commits = {repo: commits_in(repo) for repo in repos}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"vllm: {total_commits[vllm]:,} first-parent commits")
            print("\n1. whole-history sync of vllm, a fresh database each (one prhub sync process)")
            for backend in ("sqlite", "postgresql"):
                db = str(Path(tmp) / "vllm.db") if backend == "sqlite" else pg.new("vllm")
                seconds, out = timed("sync", str(vllm), "--db", db, "-q")
                size = sqlite_size(Path(db)) if backend == "sqlite" else pg.size(db)
                rate = total_commits[vllm] / seconds
                print(f"   {backend:10} {seconds:6.1f} s  {rate:7,.0f} commits/s  {size / 2**20:6.1f} MB")
                print(f"      {out.strip()}")

            # the same PostgreSQL sync with executemany (psycopg pipelines it) instead of COPY, for comparison
            db = pg.new("vllmrows")
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", ROW_BY_ROW, "sync", str(vllm), "--db", db, "-q"], check=True, capture_output=True
            )
            seconds = time.perf_counter() - started
            print(f"   {'postgresql':10} {seconds:6.1f} s  {total_commits[vllm] / seconds:7,.0f} commits/s"
                  "  (executemany instead of COPY)")  # fmt: skip

            print(f"\n2. ten repositories ({sum(total_commits.values()):,} commits), one sync process each")
            for repo in repos:
                print(f"   {repo.name:28} {total_commits[repo]:>7,} commits")
            served_db = ""
            for backend, jobs in (("postgresql", 1), ("postgresql", args.jobs), ("sqlite", args.jobs)):
                if True:
                    label = f"{backend}-{jobs}"
                    db = str(Path(tmp) / f"ten-{label}.db") if backend == "sqlite" else pg.new(f"ten{jobs}")
                    seconds, _ = timed("sync", *map(str, repos), "--db", db, "-q", "--jobs", str(jobs))
                    print(f"   {backend:10} --jobs {jobs}: {seconds:6.1f} s wall")
                    if backend == "postgresql" and jobs == args.jobs:
                        served_db = db

            print(f"\n3. pages under load, PostgreSQL: {args.clients} clients, random weeks of {', '.join(SERVED)}")
            port = free_port()
            with served(served_db, port) as base:  # type: ignore[arg-type]
                rng = random.Random(7)
                paths = []
                for slug in SERVED:
                    weeks = weeks_of(base, slug)
                    paths += [f"/{slug}/reports/{w}" for w in rng.sample(weeks, min(args.weeks, len(weeks)))]
                    print(f"   {slug}: {len(weeks)} weeks, {min(args.weeks, len(weeks))} asked for")
                cold = asyncio.run(_random_load(base, paths, args.clients, args.per_client, seed=1))
                for path in paths:  # every page built once, so the second pass is all hits
                    urllib.request.urlopen(base + path, timeout=600).read()
                hot = asyncio.run(_random_load(base, paths, args.clients, args.per_client, seed=2))
                api = json.loads(urllib.request.urlopen(base + "/api/repos", timeout=60).read())
            for name, timings in (("first pass (uncached, builds)", cold), ("second pass (cached)", hot)):
                print(
                    f"   {name:30} {len(timings):5} requests: p50 {ms(statistics.median(timings))}, "
                    f"p99 {ms(percentile(timings, 99))}, max {ms(max(timings))}"
                )
            print(f"   ({len(api)} repositories served from one PostgreSQL store)")
    finally:
        pg.drop()


if __name__ == "__main__":
    main()
