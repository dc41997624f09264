"""The website over real HTTP: `prhub serve` in its own process, on loopback.

The site (the vllm window and a hostile repository) is served from each backend in turn; the tests
of routing, error pages, headers and latency, which read nothing backend-specific, run on SQLite only.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import BACKENDS, drop_pg_schema, new_pg_schema, require_pg, run_prhub
from gitrepo import ALICE, EPOCH, FORGE
from prhub.report.html import environment
from test_web_support import (
    XSS_SLUG,
    XSS_WEEK,
    copy_db,
    get,
    hostile_repo,
    load,
    percentile,
    served,
    sync_into,
    vllm_with_hostile,
)

VLLM = "vllm-project/vllm"
W15 = "2026-04-06-to-2026-04-12"


@pytest.fixture(scope="module", params=BACKENDS)
def site_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The vllm window and the hostile repository in one store, of each backend in turn."""
    if request.param == "sqlite":
        yield str(vllm_with_hostile(request.getfixturevalue("synced_db"), tmp_path_factory.mktemp("web")))
        return
    require_pg()
    url, schema = new_pg_schema("web")
    try:
        hostile = hostile_repo(tmp_path_factory.mktemp("web-pg") / "xss")
        for repo in (request.getfixturevalue("vllm_window"), hostile.path):
            proc = run_prhub("sync", str(repo), "--db", url, "-q")
            assert proc.returncode == 0, proc.stderr
        yield url
    finally:
        drop_pg_schema(schema)


@pytest.fixture(scope="module")
def base(site_db: str) -> Iterator[str]:
    with served(site_db) as url:  # type: ignore[arg-type]
        yield url


SQLITE_ONLY = pytest.mark.parametrize("site_db", ["sqlite"], indirect=True)


def test_index_lists_repositories(base: str) -> None:
    page = get(base, "/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert f'href="/{VLLM}/"' in page.body and f'href="/{XSS_SLUG}/"' in page.body
    repos = json.loads(get(base, "/api/repos").body)
    assert {r["slug"] for r in repos} == {VLLM, XSS_SLUG}


def _row(page: str, href: str) -> list[str]:
    """The cells of the listing row whose link is ``href``, as text: [label and note, figures...]."""
    row = page.split(f'href="{href}">', 1)[1].split("</tr>", 1)[0]
    cells = re.split(r"</td>\s*<td[^>]*>", row)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


def test_repository_page_lists_weeks_newest_first_with_figures(base: str) -> None:
    page = get(base, f"/{VLLM}/")
    assert page.status == 200
    weeks = [line.split('"', 1)[0] for line in page.body.split(f'href="/{VLLM}/reports/')[1:]]
    assert weeks == sorted(weeks, reverse=True) and W15 in weeks and len(weeks) >= 4
    # one column per figure, named once in the header
    header = re.findall(r"<th[^>]*>([^<]+)</th>", page.body)
    assert header == ["period", "merged PRs", "change", "authors", "reverts"]
    # the listing's figures, counted without building a report, agree with the full report
    counts = json.loads(get(base, f"/api/{VLLM}/reports/{W15}").body)["counts"]
    label, prs, _, authors, reverts = _row(page.body, f"/{VLLM}/reports/{W15}")
    assert label == "2026 W15 · 04-06 to 04-12"
    assert (prs, authors) == (str(counts["merged_prs"]), str(counts["authors"]))
    assert reverts == (str(counts["reverts"]) if counts["reverts"] else "")


def test_listings_in_chinese_and_with_readable_totals(base: str) -> None:
    zh = get(base, f"/{XSS_SLUG}/?lang=zh").body
    assert re.findall(r"<th[^>]*>([^<]+)</th>", zh) == ["周期", "合并 PR", "环比", "作者", "回滚"]
    index = get(base, "/").body
    assert re.findall(r"<th[^>]*>([^<]+)</th>", index) == ["repository", "merged PRs", "weekly reports", "latest"]
    name, prs, weeks, latest = _row(index, f"/{VLLM}/")
    total = int(prs.replace(",", ""))
    assert total > 100 and prs == f"{total:,}" and int(weeks) >= 4
    assert environment().filters["thousands"](19951) == "19,951"  # the whole vllm history reads as such
    assert re.fullmatch(r"2026 W\d\d · \d\d-\d\d to \d\d-\d\d", latest), latest  # the newest week, named
    assert _row(get(base, "/?lang=zh").body, f"/{VLLM}/?lang=zh")[3].startswith("2026 第 ")


def test_newest_week_says_where_the_history_ends(base: str) -> None:
    page = get(base, f"/{VLLM}/").body
    newest = _row(page, f"/{VLLM}/reports/2026-04-13-to-2026-04-19")
    # the window ends on Sunday 04-19: no change figure, which would compare a cut week with a whole one
    assert newest[0].endswith("history stored up to 04-19") and newest[2] == ""
    w15 = _row(page, f"/{VLLM}/reports/{W15}")
    assert w15[2] == "-20" and "history stored" not in w15[0]  # 180 PRs after 200
    assert '<td class="num down">-20</td>' in page
    assert "已存历史截至 04-19" in get(base, f"/{VLLM}/?lang=zh").body


def test_report_page_and_language_switch(base: str) -> None:
    en = get(base, f"/{VLLM}/reports/{W15}")
    assert en.status == 200
    assert "2026 W15 · 04-06 to 04-12" in en.body and "Executive summary" in en.body
    assert f'href="/{VLLM}/reports/{W15}?lang=zh"' in en.body
    zh = get(base, f"/{VLLM}/reports/{W15}?lang=zh")
    assert zh.status == 200 and "执行摘要" in zh.body and "2026 第 15 周" in zh.body
    assert f'href="/{VLLM}/reports/{W15}"' in zh.body  # and back to English
    assert get(base, f"/{VLLM}/reports/{W15}?lang=xx").body.count("Executive summary") == 1


def test_gzip_and_etag(base: str) -> None:
    first = get(base, f"/{VLLM}/reports/{W15}", {"accept-encoding": "gzip"})
    assert first.headers.get("content-encoding") == "gzip"
    again = get(base, f"/{VLLM}/reports/{W15}", {"if-none-match": first.headers["etag"]})
    assert again.status == 304


@SQLITE_ONLY
@pytest.mark.parametrize(
    "path",
    [
        f"/{VLLM}/reports/..%2F..%2F..%2Fetc%2Fpasswd",
        f"/{VLLM}/reports/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/..%2F..%2Fetc/passwd",
        "/vllm-project%2Fvllm/reports/" + W15,
        f"/{VLLM}/reports/../../../../etc/passwd",
        "/no-such/repo/",
        f"/no-such/repo/reports/{W15}",
        f"/{VLLM}/reports/2026-13-01-to-2026-13-07",
        f"/{VLLM}/reports/2026-02-30-to-2026-03-01",
        f"/{VLLM}/reports/2026-04-12-to-2026-04-06",
        f"/{VLLM}/reports/2000-01-01-to-2026-01-01",
        f"/{VLLM}/reports/{W15}<script>",
        f"/api/{VLLM}/reports/nonsense",
        "/api/no-such/repo/reports/" + W15,
        "/static/../../etc/passwd",
        "/favicon.ico",
    ],
)
def test_bad_paths_are_404_pages(base: str, path: str) -> None:
    page = get(base, path)
    assert page.status == 404, (path, page.status)
    assert "Traceback" not in page.body and "root:" not in page.body
    assert "content-security-policy" in page.headers
    if not path.startswith("/api/"):
        assert "<h1>404</h1>" in page.body and "<script" not in page.body


@SQLITE_ONLY
@pytest.mark.parametrize(
    "path",
    [
        "/no-such/repo/?lang=zh",
        f"/{VLLM}/reports/2026-13-01-to-2026-13-07?lang=zh",
        f"/{VLLM}/reports/..%2F..%2Fetc%2Fpasswd?lang=zh",
        f"/{VLLM}/index.zh.html",  # a static-site file name asked of the served site
    ],
)
def test_error_pages_speak_the_language_of_the_request(base: str, path: str) -> None:
    page = get(base, path)
    assert page.status == 404
    assert '<html lang="zh-CN">' in page.body and "找不到该页面。" in page.body and "No such page" not in page.body
    assert '<a href="/?lang=zh">返回仓库列表</a>' in page.body
    policy = page.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'") and "script-src" not in policy and "unsafe-inline" not in policy
    assert "<script" not in page.body


@SQLITE_ONLY
def test_error_pages_stay_english_otherwise(base: str) -> None:
    for path in ("/no-such/repo/", "/no-such/repo/?lang=xx", f"/{VLLM}/index.html"):
        page = get(base, path)
        assert page.status == 404 and '<html lang="en">' in page.body and "No such page." in page.body
        assert "找不到" not in page.body


@SQLITE_ONLY
def test_security_headers(base: str) -> None:
    for path in ("/", f"/{VLLM}/", f"/{VLLM}/reports/{W15}", f"/api/{VLLM}/reports/{W15}", f"/{VLLM}/feed.atom"):
        headers = get(base, path).headers
        policy = headers["content-security-policy"]
        assert policy.startswith("default-src 'none'") and "script-src" not in policy
        assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_hostile_titles_are_escaped(base: str) -> None:
    page = get(base, f"/{XSS_SLUG}/reports/{XSS_WEEK}")
    assert page.status == 200
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page.body
    assert "<script" not in page.body.lower() and "<img" not in page.body.lower()
    assert 'href="javascript' not in page.body.lower() and 'href="data:' not in page.body.lower()
    feed = get(base, f"/{XSS_SLUG}/feed.atom")
    ET.fromstring(feed.body)  # well-formed despite the payloads


def test_json_api_is_the_report_contract(base: str, vllm_window: Path, synced_db: Path, tmp_path: Path) -> None:
    api = json.loads(get(base, f"/api/{VLLM}/reports/{W15}").body)
    db = copy_db(synced_db, tmp_path / "cli.db")
    cli = run_prhub("report", str(vllm_window), "--week", "2026-W15", "--format", "json", "--db", str(db))
    assert cli.returncode == 0, cli.stderr
    expected = json.loads(cli.stdout)
    for ctx in (api, expected):
        ctx["generated"].pop("at")
    assert api == expected
    zh = json.loads(get(base, f"/api/{VLLM}/reports/{W15}?lang=zh").body)
    assert zh["language"] == "zh" and zh["period"]["label"].startswith("2026 第 15 周")


def test_atom_feed(base: str) -> None:
    feed = get(base, f"/{VLLM}/feed.atom")
    assert feed.status == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(feed.body)
    entries = root.findall("a:entry", ns)
    assert 4 <= len(entries) <= 12
    links = [e.find("a:link", ns).get("href") for e in entries]  # type: ignore[union-attr]
    assert links[0].startswith(f"/{VLLM}/reports/")  # root-relative: no --base-url was given, Host is not used
    assert len({e.find("a:id", ns).text for e in entries}) == len(entries)  # type: ignore[union-attr]


def test_a_new_sync_invalidates_the_cache(db_url: str, tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path / "repo")
    db = db_url
    sync_into(repo.path, db)  # type: ignore[arg-type]
    with served(db) as url:  # type: ignore[arg-type]
        before = json.loads(get(url, f"/api/{XSS_SLUG}/reports/{XSS_WEEK}").body)
        assert json.loads(get(url, f"/api/{XSS_SLUG}/reports/{XSS_WEEK}").body) == before  # cached
        repo.lines("src/more.py", 10)
        repo.commit("Add more (#3)", author=ALICE, committer=FORGE, at=EPOCH + 7200)
        sync_into(repo.path, db)  # type: ignore[arg-type]
        synced = time.monotonic()
        while True:  # a worker trusts its last look at the sync state for PRHUB_SERVE_STATE_TTL (1 s)
            after = json.loads(get(url, f"/api/{XSS_SLUG}/reports/{XSS_WEEK}").body)
            if after != before or time.monotonic() - synced > 1.5:
                break
            time.sleep(0.1)
    assert after["counts"]["merged_prs"] == before["counts"]["merged_prs"] + 1
    assert 3 in {pr["number"] for pr in after["prs"]}


@SQLITE_ONLY
def test_report_latency_under_load(base: str) -> None:
    """Loose sanity bounds only; bench/bench_web.py measures against the targets."""
    uncached = []
    for period in ("2026-03-23-to-2026-03-29", "2026-03-30-to-2026-04-05", "2026-04-13-to-2026-04-19"):
        timings = load(base, f"/{VLLM}/reports/{period}?lang=zh", clients=1, requests=1)
        uncached.extend(timings)
    cached = load(base, f"/{VLLM}/reports/{W15}", clients=20, requests=400)
    print(
        f"\nuncached report page: max {max(uncached) * 1000:.0f} ms; cached (20 clients, {len(cached)} requests): "
        f"p50 {statistics.median(cached) * 1000:.1f} ms, p99 {percentile(cached, 99) * 1000:.1f} ms"
    )
    assert len(cached) == 400
    assert max(uncached) < 5.0
    assert percentile(cached, 99) < 1.0


def test_server_error_page_in_chinese_hides_the_generic_english_message() -> None:
    from prhub.web.pages import error_page

    page = error_page(500, "internal error", "/?lang=zh", "zh")
    assert "<h1>500</h1>" in page and "服务器出错了。" in page and "internal error" not in page
    assert '<html lang="zh-CN">' in page
