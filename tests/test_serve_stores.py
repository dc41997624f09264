"""Serving from each backend: reports stored by sync are served without a build, processes sharing a
PostgreSQL store build a missing report once, and `prhub serve --workers 2` serves a PostgreSQL store."""

from __future__ import annotations

import http.client
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import drop_pg_schema, new_pg_schema, run_prhub
from gitrepo import ALICE, EPOCH, FORGE, ScriptedRepo
from prhub.period import Period, from_slug, week
from prhub.store import Store, open_store
from prhub.web.reports import ReportService
from test_web_support import free_port

SLUG = "acme/widgets"
W15 = "2026-04-06-to-2026-04-12"


def widgets(path: Path) -> ScriptedRepo:
    """Three PRs in 2026-W15 and one in W16."""
    repo = ScriptedRepo(path)
    repo.git("remote", "add", "origin", f"https://github.com/{SLUG}.git")
    repo.lines("README.md", 2)
    repo.commit("Initial commit", at=EPOCH - 86400)
    for n, (title, day) in enumerate([("Add the loader", 0), ("Fix the parser", 1), ("Docs", 2), ("Cache", 7)], 1):
        repo.lines(f"src/m{n}.py", 10 + n)
        repo.commit(f"{title} (#{n})", author=ALICE, committer=FORGE, at=EPOCH + day * 86400 + n * 60)
    return repo


def synced(db: str, tmp_path: Path) -> str:
    repo = widgets(tmp_path / "widgets")
    proc = run_prhub("sync", str(repo.path), "--db", db, "-q")
    assert proc.returncode == 0, proc.stderr
    return db


def stored_rows(db: str) -> list[tuple[Any, ...]]:
    with open_store(db) as store:
        rows = store.execute("SELECT period, lang, inputs, built_at FROM stored_reports ORDER BY period, lang")
        return [tuple(r) for r in rows]


def test_reports_stored_by_sync_are_served_without_building(db_url: str, tmp_path: Path) -> None:
    db = synced(db_url, tmp_path)
    assert {(p, lang) for p, lang, *_ in stored_rows(db)} >= {(W15, "en"), (W15, "zh")}

    def refuse(*_: object) -> dict[str, Any]:
        raise AssertionError("built, not read from storage")

    service = ReportService(db, build=refuse)
    try:
        repo = service.repository(SLUG)
        for lang in ("en", "zh"):
            entry = service.report(repo, from_slug(W15), lang)
            assert entry.context["counts"]["merged_prs"] == 3 and entry.context["language"] == lang
    finally:
        service.close()


def counting_build(calls: list[str], gate: threading.Event) -> Callable[..., dict[str, Any]]:
    def build(store: Store, slug: str, period: Period, lang: str) -> dict[str, Any]:
        calls.append(period.slug)
        gate.wait(20)
        return {"repo": {"slug": slug}, "period": {"slug": period.slug}, "language": lang}

    return build


def test_processes_sharing_a_store_build_a_missing_report_once_on_postgresql(db_url: str, tmp_path: Path) -> None:
    """Two services stand for two server processes: on PostgreSQL the second waits for the first's
    build and reads it from the store; on SQLite (no lock between processes) each builds it."""
    db = synced(db_url, tmp_path)
    missing = week("2025-W02")  # no stored report: a build on request
    calls: list[str] = []
    gate = threading.Event()
    first = ReportService(db, build=counting_build(calls, gate))
    second = ReportService(db, build=counting_build(calls, gate))
    try:
        building = first.enqueue(first.repository(SLUG), missing, "en")
        deadline = time.monotonic() + 20
        while not calls and time.monotonic() < deadline:
            time.sleep(0.02)
        assert calls == [missing.slug]
        waiting = second.enqueue(second.repository(SLUG), missing, "en")
        time.sleep(0.5)  # the second reaches the lock (or, on SQLite, its own build)
        gate.set()
        assert building.result(20).json_bytes == waiting.result(20).json_bytes
    finally:
        gate.set()
        first.close()
        second.close()
    on_postgres = db.startswith("postgresql://")
    assert len(calls) == (1 if on_postgres else 2)
    assert [p for p, lang, *_ in stored_rows(db) if p == missing.slug] == [missing.slug]


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def test_two_server_processes_serve_a_postgresql_store_from_stored_reports(tmp_path: Path) -> None:
    url, schema = new_pg_schema("serve")
    try:
        synced(url, tmp_path)
        before = stored_rows(url)
        port = free_port()
        cmd = [sys.executable, "-m", "prhub", "serve", "--db", url, "--port", str(port), "--workers", "2"]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if _get(port, "/api/repos")[0] == 200:
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"prhub serve did not start: {proc.stderr.read() if proc.stderr else ''}")
                time.sleep(0.1)
            status, listing = _get(port, f"/{SLUG}/")
            weeks = sorted(
                {piece.split(b'"', 1)[0].decode() for piece in listing.split(f"/{SLUG}/reports/".encode())[1:]}
            )
            assert status == 200 and W15 in weeks and len(weeks) == 2
            # a new connection each time: the two processes share the answers
            results: list[tuple[str, int, bytes]] = []

            def fetch(path: str) -> None:
                status, body = _get(port, path)
                results.append((path, status, body))

            paths = [f"/{SLUG}/reports/{w}{q}" for w in weeks for q in ("", "?lang=zh")] * 4
            threads = [threading.Thread(target=fetch, args=(p,)) for p in paths]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert len(results) == len(paths) and all(status == 200 for _, status, _ in results)
            for path in set(paths):
                bodies = {body for p, _, body in results if p == path}
                assert len(bodies) == 1, path  # the same page from either process
            zh = next(body for p, _, body in results if p.endswith(f"{W15}?lang=zh")).decode()
            assert '<html lang="zh-CN">' in zh and "#3" in zh
        finally:
            proc.terminate()
            proc.wait(30)
        assert stored_rows(url) == before  # served from storage: nothing was built or written again
    finally:
        drop_pg_schema(schema)


def test_sync_builds_only_the_newest_weeks_ahead_and_the_rest_on_demand(tmp_path: Path) -> None:
    db = str(tmp_path / "prhub.db")
    repo = widgets(tmp_path / "widgets")
    proc = run_prhub("sync", str(repo.path), "--db", db, "-q", "--report-weeks", "1")
    assert proc.returncode == 0, proc.stderr
    assert [(p, lang) for p, lang, *_ in stored_rows(db)] == [("2026-04-13-to-2026-04-19", "en"),
                                                              ("2026-04-13-to-2026-04-19", "zh")]  # fmt: skip
    service = ReportService(db)
    try:  # the older week: built on its first request, and stored for the next
        assert service.report(service.repository(SLUG), from_slug(W15), "en").context["counts"]["merged_prs"] == 3
    finally:
        service.close()
    assert (W15, "en") in [(p, lang) for p, lang, *_ in stored_rows(db)]
    bad = run_prhub("sync", str(repo.path), "--db", db, "-q", "--report-weeks", "0")
    assert bad.returncode != 0 and bad.stderr.strip().splitlines() == [
        "prhub: error: --report-weeks must be a number of weeks (1 or more) or 'all', not '0'"
    ]
    proc = run_prhub("sync", str(repo.path), "--db", db, "-q", "--report-weeks", "all")
    assert proc.returncode == 0, proc.stderr
    assert len(stored_rows(db)) == 4
