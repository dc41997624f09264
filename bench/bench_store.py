"""The store at site scale, in one run: SQLite against PostgreSQL.

    python bench/bench_store.py --pg postgresql://USER:PASS@localhost/DB [--jobs 4] [--clients 50] [--workers 4]

1. a whole-history sync of vllm (../shared/datasets, 20,000+ commits) into a new SQLite file and
   into a new PostgreSQL schema, each a fresh `prhub sync` process: first `--no-reports` (the
   history alone: seconds, commits per second, size), then `prhub sync` again to time what a first
   sync adds by default (the 12 newest weeks' reports, en and zh), then `--report-weeks all` (every
   other week's);
2. ten repositories synced concurrently (`prhub sync P1 ... P10 --jobs N`, reports included) into
   each backend (with --serial, also one at a time, `--jobs 1`, on PostgreSQL);
3. page latency under load on the ten-repository databases, PostgreSQL and SQLite: `prhub serve
   --workers N` and ``--clients`` keep-alive clients on random weeks of three repositories
   (bench_serve.py's ``measure``): an uncached pass (stored reports dropped, every page built on its
   first request), then random requests among those pages, cached.

The ten repositories are the vllm history, the usable clones under /work/repos (ruff, rust-analyzer,
flask, vite, prometheus) when present, and yearly slices of the vllm history to make up ten. The
PostgreSQL work happens in schemas of their own, dropped at the end (--keep keeps them).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from dataset import OUT, build, git

REAL_CLONES = [Path("/work/repos") / name for name in ("ruff", "rust-analyzer", "flask", "vite", "prometheus")]
VLLM_SLICES = [("2023-01-01", "2024-01-01"), ("2024-01-01", "2025-01-01"), ("2025-01-01", "2026-01-01"),
               ("2025-06-01", "2026-06-01"), ("2024-06-01", "2025-06-01")]  # fmt: skip
ROW_BY_ROW = (
    "import sys; from prhub.store import base, postgres; postgres.PostgresStore.upsert = base.Store.upsert; "
    "from prhub.cli import main; sys.argv[0] = 'prhub'; main()"
)
SERVED = ["vllm-project/vllm", "prometheus/prometheus", "pallets/flask"]
VLLM_CLONE = Path("/work/repos-vllm")


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


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default=os.environ.get("PRHUB_BENCH_PG") or os.environ.get("PRHUB_TEST_PG"))
    parser.add_argument("--jobs", type=int, default=4, help="concurrent syncs in the ten-repository run")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="prhub serve --workers")
    parser.add_argument("--requests", type=int, default=2000, help="cached requests in the page pass")
    parser.add_argument("--uncached", type=int, default=120, help="distinct weeks in the page passes")
    parser.add_argument("--executemany", action="store_true", help="also time PostgreSQL without COPY")
    parser.add_argument("--serial", action="store_true", help="also sync the ten one at a time (--jobs 1)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schemas")
    parser.add_argument(
        "--vllm", type=Path, default=VLLM_CLONE if (VLLM_CLONE / ".git").exists() else None,
        help=f"vllm's whole history, a clone with origin set [default: {VLLM_CLONE} if present, else built]",
    )  # fmt: skip
    args = parser.parse_args()
    if not args.pg:
        raise SystemExit("give --pg postgresql://... (or PRHUB_BENCH_PG)")
    from bench_serve import measure

    pg = PgSchemas(args.pg, args.keep)
    vllm = args.vllm or build()
    if not git(vllm, "remote"):  # the real project's name, as the tests give it
        git(vllm, "remote", "add", "origin", "https://github.com/vllm-project/vllm.git")
    repos = ten_repositories(vllm)
    total_commits = {repo: commits_in(repo) for repo in repos}
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at start")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"vllm: {total_commits[vllm]:,} first-parent commits")
            print("\n1. whole-history sync of vllm, a fresh database each (one prhub sync process each step)")
            for backend in ("sqlite", "postgresql"):
                db = str(Path(tmp) / "vllm.db") if backend == "sqlite" else pg.new("vllm")
                seconds, _ = timed("sync", str(vllm), "--db", db, "-q", "--no-reports")
                size = sqlite_size(Path(db)) if backend == "sqlite" else pg.size(db)
                rate = total_commits[vllm] / seconds
                print(f"   {backend:10} history   {seconds:6.1f} s  {rate:7,.0f} commits/s  {size / 2**20:6.1f} MB")
                recent, out = timed("sync", str(vllm), "--db", db, "-q")
                print(
                    f"   {backend:10} + reports of the 12 newest weeks (the default): {recent:6.1f} s  ({_stored(out)})"
                )
                rest, out = timed("sync", str(vllm), "--db", db, "-q", "--report-weeks", "all")
                print(
                    f"   {backend:10} + every other week's reports (--report-weeks all): {rest:6.1f} s ({_stored(out)})"
                )

            if args.executemany:  # the same PostgreSQL sync with executemany (psycopg pipelines it) instead of COPY
                db = pg.new("vllmrows")
                started = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-c", ROW_BY_ROW, "sync", str(vllm), "--db", db, "-q", "--no-reports"],
                    check=True, capture_output=True,
                )  # fmt: skip
                seconds = time.perf_counter() - started
                rate = total_commits[vllm] / seconds
                print(f"   {'postgresql':10} history   {seconds:6.1f} s  {rate:7,.0f} commits/s (executemany, no COPY)")

            print(f"\n2. ten repositories ({sum(total_commits.values()):,} commits), one sync process each, "
                  "reports of the 12 newest weeks included")  # fmt: skip
            for repo in repos:
                print(f"   {repo.name:28} {total_commits[repo]:>7,} commits")
            ten: dict[str, str] = {}
            runs = [("postgresql", 1)] if args.serial else []
            for backend, jobs in [*runs, ("postgresql", args.jobs), ("sqlite", args.jobs)]:
                db = str(Path(tmp) / f"ten-{backend}-{jobs}.db") if backend == "sqlite" else pg.new(f"ten{jobs}")
                seconds, _ = timed("sync", *map(str, repos), "--db", db, "-q", "--jobs", str(jobs))
                print(f"   {backend:10} --jobs {jobs}: {seconds:6.1f} s wall")
                ten[backend] = db

            print(f"\n3. pages under load: {args.clients} clients, {args.workers} workers, random weeks of "
                  f"{', '.join(SERVED)}")  # fmt: skip
            for backend in ("postgresql", "sqlite"):
                lines = measure(ten[backend], workers=args.workers, clients=args.clients, requests=args.requests,
                                uncached=args.uncached, seed=15, slugs=SERVED)  # fmt: skip
                print(f"   {backend}:")
                for line in lines:
                    print(f"      {line}")
            print(f"\nload average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        pg.drop()


def _stored(output: str) -> str:
    """The "N reports stored" part of a sync's summary line."""
    found = [
        part.strip()
        for line in output.splitlines()
        for part in line.split(";")
        if "stored" in part and "report" in part
    ]
    return found[-1] if found else "no report stored"


if __name__ == "__main__":
    main()
