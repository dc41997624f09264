"""Headless Chromium (Debian's /usr/bin/chromium) drives the served site and the static site.

Navigation index -> repository -> report, the language switch both ways, charts
laid out with real sizes, and PR titles carrying script payloads that must show
as text and run nothing. Playwright's own driver talks to the system browser;
no browser is downloaded.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import run_prhub
from test_web_support import (
    SCRIPT_TITLE,
    XSS_SLUG,
    XSS_WEEK,
    free_port,
    served,
    vllm_with_hostile,
)

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VLLM = "vllm-project/vllm"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install chromium (the project's .ci/run installs it)")
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site_db(synced_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return vllm_with_hostile(synced_db, tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def served_site(site_db: Path) -> Iterator[str]:
    with served(site_db) as base:
        yield base + "/"


@pytest.fixture(scope="module")
def static_site(site_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`prhub site` output, served by a plain HTTP file server under a prefix (/some/prefix/)."""
    root = tmp_path_factory.mktemp("static")
    out = root / "some" / "prefix"
    proc = run_prhub("site", str(out), "--db", str(site_db))
    assert proc.returncode == 0, proc.stderr
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/some/prefix/index.html"
    finally:
        server.shutdown()
        shutil.rmtree(root, ignore_errors=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class Watch:
    """A page that records dialogs, console errors (CSP violations among them) and page errors."""

    def __init__(self, browser: object) -> None:
        self.context = browser.new_context()  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def watch(browser: object) -> Iterator[Watch]:
    w = Watch(browser)
    yield w
    w.close()


def _browse(watch: Watch, start: str) -> None:
    page = watch.page
    page.goto(start)
    assert page.locator("h1").inner_text() in ("Repositories", "仓库")
    page.locator(f"a.what:text-is('{VLLM}')").click()
    page.wait_for_load_state()
    assert VLLM in page.locator("h1").inner_text()
    weeks = page.locator("#periods a.what")
    assert weeks.count() >= 4
    labels = weeks.all_inner_texts()
    assert labels == sorted(labels, reverse=True)  # newest first
    page.locator("#periods a.what", has_text="2026 W15").click()
    page.wait_for_load_state()
    assert "2026 W15 · 04-06 to 04-12" in page.locator("h1").inner_text()
    assert page.locator("section#summary h2").inner_text().endswith("Executive summary")
    _charts_rendered(watch)

    page.locator(".langs a", has_text="中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("section#summary h2").inner_text().endswith("执行摘要")
    assert "2026 第 15 周" in page.locator("h1").inner_text()
    _charts_rendered(watch)
    page.locator(".langs a", has_text="English").click()
    page.wait_for_load_state()
    assert page.locator("section#summary h2").inner_text().endswith("Executive summary")

    # the breadcrumb leads back to the repository, in the page's language
    page.locator("nav.top .crumbs a", has_text=VLLM).click()
    page.wait_for_load_state()
    assert page.locator("#periods a.what").count() >= 4
    assert watch.errors == [] and watch.dialogs == []


def _charts_rendered(watch: Watch) -> None:
    charts = watch.page.locator("svg.chart")
    assert charts.count() == 6
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
    widths = watch.page.eval_on_selector_all(
        "svg.chart rect", "rects => rects.map(r => r.getBoundingClientRect().width)"
    )
    assert sum(1 for w in widths if w > 1) >= 10


def _hostile_report(watch: Watch, url: str) -> None:
    page = watch.page
    page.goto(url)
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0
    assert page.locator("img").count() == 0
    assert page.get_by_text(SCRIPT_TITLE, exact=False).count() >= 1  # shown as text
    hrefs = page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href') || '')")
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))]
    for link in page.locator("a.pr-ref").all()[:3]:
        assert (link.get_attribute("href") or "").startswith("https://github.com/evil/xss/pull/")
    page.locator("details summary").click()  # open the full PR table as well
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert watch.dialogs == []
    assert watch.errors == []


def test_served_site_navigation_and_language(watch: Watch, served_site: str) -> None:
    _browse(watch, served_site)


def test_served_site_runs_no_payload(watch: Watch, served_site: str) -> None:
    _hostile_report(watch, f"{served_site}{XSS_SLUG}/reports/{XSS_WEEK}")
    _hostile_report(watch, f"{served_site}{XSS_SLUG}/reports/{XSS_WEEK}?lang=zh")


def test_static_site_navigation_and_language(watch: Watch, static_site: str) -> None:
    _browse(watch, static_site)


def test_static_site_runs_no_payload(watch: Watch, static_site: str) -> None:
    prefix = static_site.removesuffix("index.html")
    _hostile_report(watch, f"{prefix}{XSS_SLUG}/reports/{XSS_WEEK}/index.html")


def test_not_found_page_in_the_browser(watch: Watch, served_site: str) -> None:
    response = watch.page.goto(f"{served_site}{VLLM}/reports/..%2F..%2Fetc%2Fpasswd")
    assert response is not None and response.status == 404
    assert watch.page.locator("h1").inner_text() == "404"
