"""SQLite and PostgreSQL hold the same rows and give the same reports, byte for byte, and the same pages.

The vllm window is synced with the real CLI into a SQLite file (the shared ``synced_db``) and into a
PostgreSQL schema (the shared ``synced_pg``); every comparison reads both.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import run_prhub
from prhub.period import week
from prhub.report import build_context, iter_contexts
from prhub.report.html import render_html
from prhub.report.markdown import render_markdown
from prhub.store import open_store
from prhub.web.reports import ReportService
from test_web_support import free_port, get, served

SLUG = "vllm-project/vllm"
NOW = datetime(2026, 4, 20, 9, 0, tzinfo=UTC)  # "generated at" is the one field that would differ


@pytest.fixture(scope="module")
def pg_db(synced_pg: str) -> str:
    return synced_pg


def rows(db: str | Path) -> dict[str, list[tuple[object, ...]]]:
    with open_store(db) as store:
        [repo] = store.repositories()
        out: dict[str, list[tuple[object, ...]]] = {}
        for table, row in store.dump(repo.id):
            out.setdefault(table, []).append(row)
        return out


def test_both_backends_store_the_same_rows(synced_db: Path, pg_db: str) -> None:
    sqlite_rows, pg_rows = rows(synced_db), rows(pg_db)
    assert {t: len(r) for t, r in pg_rows.items()} == {t: len(r) for t, r in sqlite_rows.items()}
    for table in sqlite_rows:
        assert pg_rows[table] == sqlite_rows[table], table


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_same_report_byte_for_byte(synced_db: Path, pg_db: str, lang: str) -> None:
    outputs = []
    for db in (synced_db, pg_db):
        with open_store(db) as store:
            ctx = build_context(store, SLUG, week("2026-W15"), lang=lang, now=NOW)
            outputs.append(
                (
                    json.dumps(ctx, ensure_ascii=False, indent=2),
                    render_markdown(ctx),
                    render_html(ctx),
                    json.dumps(build_context(store, SLUG, week("2026-W14"), lang=lang, now=NOW), ensure_ascii=False),
                )
            )
    sqlite_out, pg_out = outputs
    assert sqlite_out[0] == pg_out[0] and len(json.loads(sqlite_out[0])["prs"]) == 180
    assert sqlite_out[1] == pg_out[1]
    assert sqlite_out[2] == pg_out[2]
    assert sqlite_out[3] == pg_out[3]


def test_every_week_is_the_same_on_both(synced_db: Path, pg_db: str) -> None:
    weekly = []
    for db in (synced_db, pg_db):
        with open_store(db) as store:
            weekly.append([json.dumps(c, ensure_ascii=False) for c in iter_contexts(store, SLUG, "week", now=NOW)])
    assert len(weekly[0]) >= 4 and weekly[0] == weekly[1]


def test_cli_report_is_the_same_on_both(synced_db: Path, pg_db: str) -> None:
    texts = []
    for db in (synced_db, pg_db):
        proc = run_prhub("report", SLUG, "--week", "2026-W14", "--lang", "zh", "--db", str(db))
        assert proc.returncode == 0, proc.stderr
        texts.append(proc.stdout)
    assert texts[0] == texts[1] and "2026" in texts[0]


def test_listings_are_the_same_on_both(synced_db: Path, pg_db: str) -> None:
    listings = []
    for db in (synced_db, pg_db):
        service = ReportService(db)
        try:
            repo = service.repository(SLUG)
            listings.append((service.overview(), service.weeks(repo)))
        finally:
            service.close()
    assert listings[0] == listings[1]
    overview, weeks = listings[0]
    assert overview[0].slug == SLUG and overview[0].weeks == len(weeks) >= 4


def test_served_pages_are_the_same_on_both(synced_db: Path, pg_db: str) -> None:
    paths = [
        "/",
        f"/{SLUG}/",
        f"/{SLUG}/reports/2026-04-06-to-2026-04-12",
        f"/{SLUG}/reports/2026-04-06-to-2026-04-12?lang=zh",
        "/api/repos",
        f"/{SLUG}/feed.atom",
        f"/{SLUG}/reports/2000-01-03-to-2000-01-09",
    ]
    pages = []
    port = free_port()  # one port: the feed's links name it
    for db in (synced_db, pg_db):
        with served(db, port) as base:  # type: ignore[arg-type]
            pages.append([get(base, path) for path in paths])
    for path, on_sqlite, on_pg in zip(paths, *pages, strict=True):
        assert on_pg.status == on_sqlite.status, path
        # a page says when it was generated; everything else must agree
        strip = [_without_times(p.body) for p in (on_sqlite, on_pg)]
        assert strip[0] == strip[1], path
    assert pages[1][2].status == 200 and "2026" in pages[1][2].body


def _without_times(body: str) -> str:
    import re

    return re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?(?:\+00:00|Z)?", "T", body)
