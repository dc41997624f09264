"""`prhub site`: the static export, its files, and relative links that all resolve."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import run_prhub
from prhub.web.links import StaticLinks, file_segment
from test_web_support import XSS_SLUG, XSS_WEEK, copy_db, vllm_with_hostile

VLLM = "vllm-project/vllm"
W15 = "2026-04-06-to-2026-04-12"


@pytest.fixture(scope="module")
def site(synced_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("site")
    db = vllm_with_hostile(synced_db, tmp)
    out = tmp / "public"
    proc = run_prhub("site", str(out), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert re.match(r"wrote \d+ files to .*: 2 repositories, \d+ report pages", proc.stdout)
    return out


def test_layout(site: Path) -> None:
    for name in ("index.html", "index.zh.html", "api/repos.json", f"{VLLM}/index.html", f"{VLLM}/feed.atom"):
        assert (site / name).is_file(), name
    for lang_file in ("index.html", "index.zh.html"):
        assert (site / VLLM / "reports" / W15 / lang_file).is_file()
    assert json.loads((site / "api" / VLLM / "reports" / f"{W15}.json").read_text())["language"] == "en"
    assert json.loads((site / "api" / VLLM / "reports" / f"{W15}.zh.json").read_text())["language"] == "zh"
    weeks = sorted(p.name for p in (site / VLLM / "reports").iterdir())
    assert W15 in weeks and len(weeks) >= 4
    assert (site / XSS_SLUG / "reports" / XSS_WEEK / "index.html").is_file()


def test_every_relative_link_resolves(site: Path) -> None:
    checked = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"]*)"', html):
            if href.startswith("https://"):
                continue
            assert not href.startswith(("/", "http:", "javascript:", "data:")), (page, href)
            target = (page.parent / unquote(urlsplit(href).path)).resolve()
            assert target.is_file() and target.is_relative_to(site.resolve()), (page, href)
            checked += 1
    assert checked > 50


def test_language_switch_links_both_ways(site: Path) -> None:
    folder = site / VLLM / "reports" / W15
    en, zh = (folder / "index.html").read_text(encoding="utf-8"), (folder / "index.zh.html").read_text(encoding="utf-8")

    def switch(html: str, name: str) -> Path:
        href = re.search(rf'<a lang="[a-z]+" hreflang="[a-z]+" href="([^"]+)">{name}</a>', html)
        assert href, name
        return (folder / href.group(1)).resolve()

    assert switch(en, "中文") == (folder / "index.zh.html").resolve()
    assert switch(zh, "English") == (folder / "index.html").resolve()
    assert "Executive summary" in en and "执行摘要" in zh


def test_pages_match_the_api_json(site: Path) -> None:
    ctx = json.loads((site / "api" / VLLM / "reports" / f"{W15}.json").read_text())
    html = (site / VLLM / "reports" / W15 / "index.html").read_text(encoding="utf-8")
    assert f"<b>{ctx['counts']['merged_prs']}</b>" in html
    for number in ctx["key_prs"]:
        assert f"https://github.com/{VLLM}/pull/{number}" in html


def test_feed_entries_link_to_pages(site: Path) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = site / VLLM / "feed.atom"
    entries = ET.parse(feed).getroot().findall("a:entry", ns)
    assert entries
    for entry in entries:
        href = entry.find("a:link", ns).get("href")  # type: ignore[union-attr]
        assert (feed.parent / href).resolve().is_file()
        assert entry.find("a:content", ns) is not None  # the week's summary prose


def test_hostile_text_is_escaped_in_files(site: Path) -> None:
    html = (site / XSS_SLUG / "reports" / XSS_WEEK / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


def test_one_language_only(synced_db: Path, tmp_path: Path) -> None:
    db = copy_db(synced_db, tmp_path / "one.db")
    proc = run_prhub("site", str(tmp_path / "out"), "--db", str(db), "--lang", "zh")
    assert proc.returncode == 0, proc.stderr
    assert not list((tmp_path / "out").rglob("index.zh.html"))  # Chinese is the site's only language
    assert json.loads((tmp_path / "out" / "api" / VLLM / "reports" / f"{W15}.json").read_text())["language"] == "zh"
    page = (tmp_path / "out" / VLLM / "reports" / W15 / "index.html").read_text(encoding="utf-8")
    assert "执行摘要" in page
    assert 'class="langs"' not in page  # nothing to switch to


def test_errors_are_one_line(tmp_path: Path) -> None:
    proc = run_prhub("site", str(tmp_path / "out"), "--db", str(tmp_path / "missing.db"))
    assert proc.returncode != 0
    assert proc.stderr.startswith("prhub: error: no database at") and proc.stderr.count("\n") == 1
    (tmp_path / "file").write_text("x")
    db = tmp_path / "empty.db"
    run_prhub("site", str(tmp_path / "o2"), "--db", str(db))  # creates nothing: the database is missing
    assert not db.exists()


@pytest.mark.parametrize(
    ("segment", "safe"),
    [("vllm", True), ("my.repo-2", True), ("..", False), ("a b", False), ("<x>", False), (".hidden", False)],
)
def test_file_segments_stay_inside(segment: str, safe: bool) -> None:
    name = file_segment(segment)
    assert (name == segment) is safe
    assert "/" not in name and name not in (".", "..") and not name.startswith(".")
    assert StaticLinks.repo_dir(f"local/{segment}").startswith("local/")
