"""Standing reliability suite, the server (issue 11, parts 4-9): each defect found by probing, reproduced.

In-process tests drive the Starlette app through httpx; the rest start `prhub serve`
or run the CLI as a user does.
"""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from conftest import run_prhub
from gitrepo import ALICE, EPOCH, FORGE, ScriptedRepo
from prhub.errors import StoreError
from prhub.period import Period
from prhub.store.sqlite import Store
from prhub.web.app import create_app
from prhub.web.reports import MAX_RANGE_DAYS, BusyError, ReportService

SLUG = "acme/widgets"
W15 = "2026-04-06-to-2026-04-12"


def _repo(path: Path, titles: list[str]) -> ScriptedRepo:
    repo = ScriptedRepo(path)
    repo.git("remote", "add", "origin", f"https://github.com/{SLUG}.git")
    repo.lines("README.md", 2)
    repo.commit("Initial commit", at=EPOCH - 86400)
    for n, title in enumerate(titles, start=1):
        repo.lines(f"src/m{n}.py", 10 + n)
        repo.commit(f"{title} (#{n})", author=ALICE, committer=FORGE, at=EPOCH + n * 3600)
    return repo


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("rel")
    _repo(tmp / "widgets", ["Add the \u202eexe.txt\u202c loader", "Fix \x1bc\x07 reset in parser", "Docs"])
    path = tmp / "prhub.db"
    proc = run_prhub("sync", str(tmp / "widgets"), "--db", str(path), "-q")
    assert proc.returncode == 0, proc.stderr
    return path


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    with TestClient(create_app(db), base_url="http://evil.example") as c:
        yield c


# -- part 4: unbounded work per request ------------------------------------------------------------
def test_a_url_may_name_only_a_week_a_month_or_a_short_range(client: TestClient) -> None:
    assert client.get(f"/{SLUG}/reports/{W15}").status_code == 200
    assert client.get(f"/{SLUG}/reports/2026-04-01-to-2026-04-30").status_code == 200  # a month
    assert client.get(f"/{SLUG}/reports/2026-04-01-to-2026-05-01").status_code == 200  # 31 days
    started = time.perf_counter()
    for period in ("2026-04-01-to-2026-05-02", "2025-03-01-to-2026-04-04", "1990-01-01-to-2026-12-31"):
        page = client.get(f"/{SLUG}/reports/{period}")
        assert page.status_code == 404 and f"at most {MAX_RANGE_DAYS} days" in page.text
        assert client.get(f"/api/{SLUG}/reports/{period}").status_code == 404
    assert time.perf_counter() - started < 2  # refused before any analysis


def _fake_build(calls: list[str], gate: threading.Event | None = None, size: int = 1000) -> Any:
    def build(store: Store, slug: str, period: Period, lang: str) -> dict[str, Any]:
        calls.append(period.slug)
        if gate is not None:
            gate.wait(10)
        return {"repo": {"slug": slug}, "period": {"slug": period.slug}, "pad": "x" * size}

    return build


def _weeks(n: int) -> list[Period]:
    from prhub.period import week

    return [week(f"2026-W{k:02d}") for k in range(1, n + 1)]


def test_the_memory_cache_is_bounded_in_entries_and_bytes(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "c.db"
    copy.write_bytes(db.read_bytes())
    calls: list[str] = []
    service = ReportService(copy, build=_fake_build(calls, size=50_000), cache_size=5, cache_bytes=120_000)
    try:
        repo = service.repository(SLUG)
        for period in _weeks(12):
            service.report(repo, period, "en")
            entries, held = service.memory()
            assert entries <= 5 and held <= 120_000
        assert service.memory()[0] == 2  # 50 kB each: the byte bound is the one that binds here
    finally:
        service.close()


def test_builds_of_one_report_are_shared_and_the_queue_is_bounded(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "q.db"
    copy.write_bytes(db.read_bytes())
    calls: list[str] = []
    gate = threading.Event()
    service = ReportService(copy, build=_fake_build(calls, gate), builders=1, queue_limit=3)
    try:
        repo = service.repository(SLUG)
        weeks = _weeks(4)
        same = [service.enqueue(repo, weeks[0], "en") for _ in range(10)]
        assert len({id(f) for f in same}) == 1  # ten requests, one build
        service.enqueue(repo, weeks[1], "en")
        service.enqueue(repo, weeks[2], "en")
        with pytest.raises(BusyError):
            service.enqueue(repo, weeks[3], "en")
        gate.set()
        assert same[0].result(10).json_bytes
        assert calls.count(weeks[0].slug) == 1
    finally:
        gate.set()
        service.close()


def test_a_full_queue_answers_503_with_retry_after(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "b.db"
    copy.write_bytes(db.read_bytes())
    app = create_app(copy)
    service: ReportService = app.app.state.service  # type: ignore[attr-defined]
    service.queue_limit = 0
    with TestClient(app) as c:
        page = c.get(f"/{SLUG}/reports/2026-01-05-to-2026-01-11")
    assert page.status_code == 503 and page.headers["retry-after"] == "5"


# -- part 5: date overflow --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "period",
    ["9999-12-27-to-9999-12-31", "0001-01-01-to-9999-12-31", "0001-01-01-to-0001-01-07", "9999-12-20-to-9999-12-26"],
)
def test_periods_at_the_ends_of_the_calendar_are_404_pages(client: TestClient, period: str) -> None:
    page = client.get(f"/{SLUG}/reports/{period}")
    assert page.status_code == 404 and "<h1>404</h1>" in page.text
    assert client.get(f"/api/{SLUG}/reports/{period}").status_code == 404


# -- part 6: corrupt database -----------------------------------------------------------------------
def _damaged(db: Path, target: Path, pages: int = 3) -> Path:
    """A copy whose last ``pages`` pages are garbage: SQLite opens it and fails only when it reads them."""
    with Store(db) as store:  # checkpoint: the WAL's pages into the file
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(max(page, len(data) - pages * page), len(data)):
        data[offset] = 0xA5
    target.write_bytes(bytes(data))
    return target


def test_serve_refuses_a_damaged_database_at_start_in_one_line(db: Path, tmp_path: Path) -> None:
    bad = _damaged(db, tmp_path / "bad.db")
    proc = run_prhub("serve", "--db", str(bad), "--port", "0")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("prhub: error: ") and "damaged" in lines[0], proc.stderr


@pytest.mark.parametrize("content", [b"not a database at all " * 100, b"SQLite format 3\x00" + b"\xff" * 5000])
def test_serve_refuses_an_unreadable_file_at_start(tmp_path: Path, content: bytes) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(content)
    proc = run_prhub("serve", "--db", str(junk), "--port", "0")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("prhub: error: "), proc.stderr


def test_report_on_a_damaged_database_is_one_line(db: Path, tmp_path: Path) -> None:
    bad = _damaged(db, tmp_path / "bad.db", pages=10_000)  # every page but the schema's: any read meets garbage
    for args in (["report", SLUG, "--week", "2026-W15"], ["site", str(tmp_path / "out")]):
        proc = run_prhub(*args, "--db", str(bad))
        assert proc.returncode == 1, (args, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("prhub: error: ") and "Traceback" not in proc.stderr


def test_no_page_shows_the_database_path(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "secret-location" / "p.db"
    copy.parent.mkdir()
    copy.write_bytes(db.read_bytes())

    def broken(*_: object) -> dict[str, Any]:
        raise StoreError(f"cannot open database {copy}: disk I/O error")

    with TestClient(create_app(copy, build=broken), raise_server_exceptions=False) as c:
        for path in (f"/{SLUG}/reports/2026-01-05-to-2026-01-11", f"/api/{SLUG}/reports/2026-01-05-to-2026-01-11"):
            page = c.get(path)
            assert page.status_code == 500 and "secret-location" not in page.text and str(tmp_path) not in page.text


# -- part 8: the Atom feed is XML whatever the titles and names carry -------------------------------
def test_feed_with_control_characters_is_valid_xml(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "ctl\x01dir", ["Bell \x07 and \x1b[31mred\x1b[0m", "Nul-ish \x0b\x0c title"])
    repo.git("remote", "remove", "origin")  # the slug is local/<directory>, with its control character
    db = tmp_path / "f.db"
    assert run_prhub("sync", str(repo.path), "--db", str(db), "-q").returncode == 0
    with TestClient(create_app(db)) as c:
        slug = c.get("/api/repos").json()[0]["slug"]
        assert "\x01" in slug
        owner, name = (quote(part, safe="") for part in slug.split("/"))
        assert c.get(f"/{owner}/{name}/reports/{W15}").status_code == 200  # built: the feed carries its summary
        feed = c.get(f"/{owner}/{name}/feed.atom")
    assert feed.status_code == 200
    ET.fromstring(feed.text)  # raises on a character XML forbids
    out = tmp_path / "site"
    proc = run_prhub("site", str(out), "--db", str(db), "-q")
    assert proc.returncode == 0, proc.stderr
    feeds = list(out.rglob("feed.atom"))
    assert feeds
    for path in feeds:
        ET.fromstring(path.read_bytes())


# -- part 9: smaller server defects -----------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/nope", "/api/nope/", "/api/acme/widgets", "/api/a/b/c/d/e"])
def test_unknown_api_paths_are_json_404(client: TestClient, path: str) -> None:
    reply = client.get(path, follow_redirects=False)
    assert reply.status_code == 404 and reply.headers["content-type"].startswith("application/json")
    assert reply.json()["status"] == 404


def test_feed_links_ignore_the_host_header(db: Path) -> None:
    with TestClient(create_app(db)) as c:
        feed = c.get(f"/{SLUG}/feed.atom", headers={"host": "attacker.example"})
    assert "attacker.example" not in feed.text
    with TestClient(create_app(db, base_url="https://reports.example.org/")) as c:
        feed = c.get(f"/{SLUG}/feed.atom", headers={"host": "attacker.example"})
    assert "attacker.example" not in feed.text
    hrefs = [link.get("href") for link in ET.fromstring(feed.text).iter("{http://www.w3.org/2005/Atom}link")]
    assert hrefs and all(h.startswith(f"https://reports.example.org/{SLUG}/") for h in hrefs), hrefs


def test_right_to_left_override_never_reaches_a_page(client: TestClient) -> None:
    for path in (f"/{SLUG}/reports/{W15}", f"/{SLUG}/reports/{W15}?lang=zh", f"/api/{SLUG}/reports/{W15}", f"/{SLUG}/"):
        body = client.get(path).text
        assert "\u202e" not in body and "\\u202e" not in body.lower(), path
    page = client.get(f"/{SLUG}/reports/{W15}").text
    assert "exe.txt" in page  # the title is kept, only the override is gone
