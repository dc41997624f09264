"""Shared fixtures: real git repositories built in temporary directories.

``vllm_window`` replays four weeks of the real vllm history (2026-03-23 to
2026-04-20) with ../shared/tools/make-skeleton-repo; ``synced_db`` is that
window synced into a fresh SQLite file with the real CLI, ``synced_pg`` into a
PostgreSQL schema, and ``synced_any`` is each of the two in turn (the report and
web tests that read the store through different paths run on both).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PRHUB_SHARED", ROOT.parent / "shared"))
DATASET = SHARED / "datasets" / "vllm-history.jsonl.gz"
SKELETON = SHARED / "tools" / "make-skeleton-repo"

# CI explores the same examples every run, so a landing never hangs on a new draw;
# a developer's runs keep drawing new ones
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

WINDOW_SINCE = "2026-03-23"
WINDOW_UNTIL = "2026-04-20"


def run_prhub(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI as a user would (a new process, text output)."""
    return subprocess.run(
        [sys.executable, "-m", "prhub", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=600,
    )


@pytest.fixture(scope="session")
def vllm_window(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not DATASET.exists():
        pytest.fail(f"dataset missing: {DATASET} (set PRHUB_SHARED to the shared/ directory)")
    out = tmp_path_factory.mktemp("vllm") / "vllm"
    subprocess.run(
        [sys.executable, str(SKELETON), str(DATASET), str(out), "--since", WINDOW_SINCE, "--until", WINDOW_UNTIL],
        check=True,
        capture_output=True,
    )
    # give the clone the real project's remote so the repository is named vllm-project/vllm
    subprocess.run(
        ["git", "-C", str(out), "remote", "add", "origin", "https://github.com/vllm-project/vllm.git"], check=True
    )
    return out


@pytest.fixture(scope="session")
def synced_db(vllm_window: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("db") / "prhub.db"
    proc = run_prhub("sync", str(vllm_window), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    return db


# -- the two store backends ------------------------------------------------------------------------------------
# PRHUB_TEST_PG names a PostgreSQL database the tests may create schemas in (bash .ci/run sets it):
#   PRHUB_TEST_PG=postgresql://prhub:prhub@localhost/prhub_test
# Without it the PostgreSQL variants skip, saying so; under CI they fail instead, so CI always runs them.
PG_URL = os.environ.get("PRHUB_TEST_PG", "").strip()
BACKENDS = ["sqlite", "postgresql"]


def require_pg() -> str:
    if not PG_URL:
        reason = "PostgreSQL variant: set PRHUB_TEST_PG=postgresql://user:pass@host/db (bash .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must run it")
        pytest.skip(reason)
    return PG_URL


def new_pg_schema(label: str) -> tuple[str, str]:
    """A fresh, empty schema in the test database: (URL whose search_path is it, schema name)."""
    import uuid

    import psycopg

    base = require_pg()
    schema = f"t_{label}_{uuid.uuid4().hex[:10]}".lower()
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", schema


def drop_pg_schema(schema: str) -> None:
    import psycopg

    from prhub.store.postgres import close_pools

    close_pools()
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=BACKENDS)
def new_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes new, empty databases on one backend (the test runs once per backend): a SQLite file path,
    or a PostgreSQL URL whose search_path is a schema of its own, dropped after the test."""
    if request.param == "postgresql":
        require_pg()
    made: list[str] = []

    def make() -> str:
        if request.param == "sqlite":
            made.append("")
            return str(tmp_path / f"prhub-{len(made)}.db")
        url, schema = new_pg_schema("db")
        made.append(schema)
        return url

    try:
        yield make
    finally:
        if request.param == "postgresql":
            for schema in made:
                drop_pg_schema(schema)


@pytest.fixture
def db_url(new_db: Callable[[], str]) -> str:
    """A new, empty database on each backend."""
    return new_db()


@pytest.fixture(scope="session")
def synced_pg(vllm_window: Path) -> Iterator[str]:
    """The vllm window synced with the real CLI into a PostgreSQL schema of its own (skipped without one)."""
    url, schema = new_pg_schema("vllm")
    try:
        proc = run_prhub("sync", str(vllm_window), "--db", url, "-q")
        assert proc.returncode == 0, proc.stderr
        yield url
    finally:
        drop_pg_schema(schema)


@pytest.fixture(scope="module", params=BACKENDS)
def synced_any(request: pytest.FixtureRequest) -> str:
    """The vllm window synced into each backend in turn: the SQLite file's path, or the PostgreSQL URL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("synced_db"))
    require_pg()
    return str(request.getfixturevalue("synced_pg"))
