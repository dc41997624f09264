"""Helpers shared by the web tests (no tests here): a real `prhub serve`, a hostile repository, HTTP GETs.

The server runs as `python -m prhub serve` in its own process on a free loopback
port (bench/bench_web.py's ``served``), exactly as a user starts it.
"""

from __future__ import annotations

import http.client
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT, run_prhub
from gitrepo import ALICE, EPOCH, FORGE, ScriptedRepo

sys.path.insert(0, str(ROOT / "bench"))
from bench_web import free_port, load, percentile, served  # noqa: E402

__all__ = ["free_port", "load", "percentile", "served"]

XSS_SLUG = "evil/xss"
XSS_WEEK = "2026-04-06-to-2026-04-12"  # EPOCH is the Monday of 2026-W15
SCRIPT_TITLE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
LINK_TITLE = "[x](javascript:alert(1)) and [y](data:text/html,<script>window.__pwned=3</script>)"
EVIL_PATH = 'docs/<img src=x onerror="window.__pwned=4">.md'


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: str


def get(base: str, path: str, headers: dict[str, str] | None = None) -> Response:
    """A GET with the path sent exactly as given (no client-side normalisation of ``..%2F``)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        reply = conn.getresponse()
        body = reply.read().decode("utf-8", "replace")
        return Response(reply.status, {k.lower(): v for k, v in reply.getheaders()}, body)
    finally:
        conn.close()


def hostile_repo(path: Path) -> ScriptedRepo:
    """A repository whose PR titles and file names carry script and link payloads."""
    repo = ScriptedRepo(path)
    repo.git("remote", "add", "origin", "https://github.com/evil/xss.git")
    repo.lines("README.md", 3)
    repo.commit("Initial commit", at=EPOCH - 7 * 86400)
    repo.lines("src/app.py", 40)
    repo.commit(f"{SCRIPT_TITLE} (#1)", author=ALICE, committer=FORGE, at=EPOCH)
    repo.lines(EVIL_PATH, 5)
    repo.commit(f"{LINK_TITLE} (#2)", author=ALICE, committer=FORGE, at=EPOCH + 3600)
    return repo


def sync_into(repo: Path, db: Path) -> None:
    proc = run_prhub("sync", str(repo), "--db", str(db), "-q")
    assert proc.returncode == 0, proc.stderr


def copy_db(source: Path, target: Path) -> Path:
    """A consistent copy through SQLite's backup API (the source may hold a WAL)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def vllm_with_hostile(synced_db: Path, tmp: Path) -> Path:
    """The vllm window plus the hostile repository, in a copy of the shared database under ``tmp``."""
    db = copy_db(synced_db, tmp / "site.db")
    hostile_repo(tmp / "xss")
    sync_into(tmp / "xss", db)
    return db
