"""The HTML report: sections, charts, links, escaping and the Content-Security-Policy."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from prhub.period import week
from prhub.report import build_context, charts
from prhub.report.html import UI, count, markdown_to_html, render_html, safe_url
from prhub.store.sqlite import Store

FIXTURE = Path(__file__).parent / "fixtures" / "web_context.json"
HEADINGS_EN = [
    "Executive summary",
    "Key changes",
    "Module and theme trends",
    "Risk observations",
    "Key PR quick look",
    "Follow-up recommendations",
]
HEADINGS_ZH = ["执行摘要", "本周重点变化", "模块与主题趋势", "风险观察", "重点 PR 速览", "后续建议"]


@pytest.fixture()
def ctx() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_six_sections_in_order_with_header(ctx: dict[str, Any]) -> None:
    html = render_html(ctx)
    positions = [html.index(f"</span>{h}</h2>") for h in HEADINGS_EN]
    assert positions == sorted(positions)
    assert "vllm-project/vllm" in html and "2026 W15 · 04-06 to 04-12" in html
    assert "rule-based templates" in html  # which writer
    assert ctx["permalink"] in html
    tiles = re.findall(r'<div class="tile"><b>([^<]+)</b>', html)
    assert tiles[:2] == [str(ctx["counts"]["merged_prs"]), str(ctx["counts"]["key_prs"])]


def test_chinese_page(ctx: dict[str, Any]) -> None:
    ctx["language"] = "zh"
    ctx["period"]["label"] = "2026 第 15 周 · 04-06 至 04-12"
    html = render_html(ctx)
    assert '<html lang="zh-CN">' in html
    for heading in HEADINGS_ZH:
        assert f"</span>{heading}</h2>" in html
    assert UI["zh"]["chart_history"] in html


def test_charts_are_inline_svg_with_real_sizes(ctx: dict[str, Any]) -> None:
    html = render_html(ctx)
    for name in ("history", "importance", "themes", "labels", "hot_files", "risks"):
        figure = re.search(rf'<figure class="fig-{name}[^"]*">.*?</figure>', html, re.S)
        assert figure, name
        size = re.search(r'<svg [^>]*width="(\d+)" height="(\d+)"', figure.group(0))
        assert size and int(size[1]) > 0 and int(size[2]) > 0
        bars = re.findall(r'<rect [^>]*width="([\d.]+)"', figure.group(0))
        assert bars and max(float(w) for w in bars) > 0
    # one column per week of history, this week's highlighted
    history = re.search(r'<figure class="fig-history">.*?</figure>', html, re.S).group(0)  # type: ignore[union-attr]
    assert history.count('<g class="col">') == len(ctx["history"])
    assert history.count('fill="#e0662b"') == 1
    assert "<script" not in html.lower() and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_key_prs_link_to_the_forge_only_over_https(ctx: dict[str, Any]) -> None:
    by_number = {pr["number"]: pr for pr in ctx["prs"]}
    by_number[39555]["url"] = "javascript:alert(1)"
    by_number[40273]["url"] = "http://github.com/vllm-project/vllm/pull/40273"
    html = render_html(ctx)
    assert 'href="https://github.com/vllm-project/vllm/pull/39990"' in html
    assert "pull/40273" not in html  # plain http is not a forge link
    assert "javascript:" not in html.lower().replace("[x](javascript:alert(1))", "").replace(
        "[click](javascript:alert(1))", ""
    )
    assert 'href="javascript' not in html.lower()
    # and "#39990" in the prose becomes a link to the PR
    assert re.search(r'<a href="https://github.com/vllm-project/vllm/pull/39990" class="pr-ref"', html)


def _section(html: str, name: str) -> str:
    return re.search(rf'<section class="card" id="{name}">.*?</section>', html, re.S).group(0)  # type: ignore[union-attr]


def test_key_pr_quick_look_says_each_thing_once(synced_db: Path) -> None:
    with Store(synced_db) as store:
        ctx = build_context(store, "vllm-project/vllm", week("2026-W15"), lang="en")
    quick = _section(render_html(ctx), "key_prs")
    assert "<table" not in quick  # the prose names every key PR with its facts: no second copy
    for pr in (p for p in ctx["prs"] if p["number"] in ctx["key_prs"]):
        assert quick.count(f">#{pr['number']}</a>") == 1, pr["number"]
        assert quick.count(f"importance <strong>{pr['importance']:.1f}</strong>") >= 1
    assert quick.count("<li><strong>") == len(ctx["key_prs"])


def test_key_pr_table_stands_in_when_there_is_no_prose(ctx: dict[str, Any]) -> None:
    ctx["sections"]["key_prs"] = ""
    quick = _section(render_html(ctx), "key_prs")
    assert quick.count('<tr id="pr-') == len(ctx["key_prs"])
    first = next(pr for pr in ctx["prs"] if pr["number"] == ctx["key_prs"][0])
    assert f'<td class="num score">{first["importance"]:.1f}</td>' in quick


def test_untrusted_text_is_escaped(ctx: dict[str, Any]) -> None:
    html = render_html(ctx)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<img" not in html
    assert "mallory&lt;b&gt;" in html
    assert "docs/&lt;img src=x onerror=alert(1)&gt;.md" in html  # the hot-file path in the SVG
    assert "onerror=" not in re.sub(r"&lt;.*?&gt;", "", html)


def test_prose_markdown_is_sanitised(ctx: dict[str, Any]) -> None:
    html = render_html(ctx)
    trends = re.search(r'<section class="card" id="trends">.*?</section>', html, re.S).group(0)  # type: ignore[union-attr]
    assert "<table>" in trends  # Markdown tables render
    assert "[click](javascript:alert(1))" in trends  # the link is dropped, its text kept
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in trends
    assert 'href="data:' not in trends
    recommendations = re.search(r'id="recommendations">.*?</section>', html, re.S).group(0)  # type: ignore[union-attr]
    assert '<a href="https://buildkite.com/vllm" rel="nofollow noopener noreferrer">' in recommendations


def test_csp_pins_the_inline_stylesheet(ctx: dict[str, Any]) -> None:
    html = render_html(ctx)
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)  # type: ignore[union-attr]
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    policy = unescape(found.group(1))  # type: ignore[union-attr]
    assert f"style-src 'sha256-{digest}'" in policy
    assert policy.startswith("default-src 'none'") and "script-src" not in policy
    assert " style=" not in html  # inline style attributes would be blocked by the policy


def test_print_stylesheet(ctx: dict[str, Any]) -> None:
    assert "@media print" in render_html(ctx)


@pytest.mark.parametrize(
    ("markdown", "kept", "gone"),
    [
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))", 'href="javascript'),
        ("[x](JaVaScRiPt:alert(1))", "[x]", "href="),
        ("<javascript:alert(1)>", "&lt;javascript:alert(1)&gt;", "href="),
        ("[d](data:text/html;base64,PHNjcmlwdD4=)", "[d]", "href="),
        ("[v](vbscript:x) [f](file:///etc/passwd)", "[v]", "href="),
        ("![i](https://evil.example/x.png)", "i", "<img"),
        ("<b onmouseover=alert(1)>hi</b>", "&lt;b onmouseover=alert(1)&gt;", "<b "),
        ("[ok](https://example.com/a?b=1)", 'href="https://example.com/a?b=1"', "javascript"),
    ],
)
def test_markdown_links(markdown: str, kept: str, gone: str) -> None:
    html = str(markdown_to_html(markdown, {}))
    assert kept in html
    assert gone not in html


def test_pr_numbers_link_only_when_known() -> None:
    html = str(
        markdown_to_html("See #12 and #13, and [#12](https://example.com/x).", {12: "https://f.example/pull/12"})
    )
    assert html.count('href="https://f.example/pull/12"') == 1  # not inside the existing link
    assert "#13" in html and "pull/13" not in html


def test_safe_url() -> None:
    assert safe_url("https://github.com/a/b") == "https://github.com/a/b"
    assert safe_url(" http://x.example/ ") == "http://x.example/"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "https:///x", "https://a b", None, 3):
        assert safe_url(bad) is None


def test_real_context_of_the_vllm_window(synced_db: Path) -> None:
    with Store(synced_db) as store:
        w15 = week("2026-W15")
        contexts = {lang: build_context(store, "vllm-project/vllm", w15, lang=lang) for lang in ("en", "zh")}
    html = render_html(contexts["en"])
    ctx = contexts["en"]
    assert ctx["counts"]["merged_prs"] > 100
    for number in ctx["key_prs"]:
        assert f'href="https://github.com/vllm-project/vllm/pull/{number}"' in html
    assert html.count("<svg") == 6
    assert f"<b>{ctx['counts']['merged_prs']}</b>" in html
    zh = render_html(contexts["zh"])
    assert "执行摘要" in zh and "2026 第 15 周" in zh


def test_empty_lists_still_render(ctx: dict[str, Any]) -> None:
    empty = copy.deepcopy(ctx)
    for key in ("labels", "hot_files", "risks", "themes", "prs", "key_prs", "history", "reverts", "recommendations"):
        empty[key] = []
    empty["importance"]["histogram"] = []
    html = render_html(empty)
    assert html.count("<svg") == 6 and "Executive summary" in html


def test_chart_labels_fit_their_column_in_any_script() -> None:
    zh = "引擎核心与调度以及分布式并行推理服务"  # full-width glyphs: twice a Latin letter's width
    cut = charts._cut(zh, 100)
    assert cut.endswith("…") and charts.text_px(cut) <= 100
    path = "vllm/model_executor/layers/fused_moe/fused_moe.py"
    tail = charts._cut(path, 150, keep_tail=True)
    assert tail.startswith("…") and tail.endswith("fused_moe.py") and charts.text_px(tail) <= 150
    assert charts._cut("MoE", 100) == "MoE"
    # the label column grows to the longest label, so a short one is never cut
    svg = str(charts.hbars([charts.Bar("Distributed and parallelism", 3)], title="t", max_label_width=240))
    assert ">Distributed and parallelism</text>" in svg


def test_column_labels_are_all_shown_when_they_fit_and_never_overlap() -> None:
    buckets = [charts.Column(f"{i}-{i + 1}", i, highlight=i >= 6) for i in range(10)]
    svg = str(charts.columns(buckets, title="t"))
    assert all(f">{i}-{i + 1}</text>" in svg for i in range(10))  # no gaps in the importance axis
    weeks = [charts.Column(f"03-{i:02d}", 5, highlight=i == 23) for i in range(24)]
    svg = str(charts.columns(weeks, title="t"))
    labels = re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle" font-size="11" fill="#1f2937"[^>]*>', svg)
    xs = sorted(float(x) for x in labels)
    assert 2 < len(xs) < 24 and ">03-23</text>" in svg  # thinned out, this week always named
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= charts.text_px("03-00", 11)


def test_themes_chart_ends_with_the_other_bucket(ctx: dict[str, Any]) -> None:
    ctx["other_theme"] = {"name": "Other changes", "key": "other", "prs": [1, 2, 3], "representative_prs": [1]}
    figure = re.search(r'<figure class="fig-themes">.*?</figure>', render_html(ctx), re.S).group(0)  # type: ignore[union-attr]
    rows = re.findall(r'text-anchor="end" font-size="12" fill="#1f2937">([^<]+)</text>', figure)
    assert rows == [*(t["name"] for t in ctx["themes"]), "Other changes"]
    assert f'fill="{charts.MUTED}"' in figure and "3 · " not in figure  # no trend word for it


def test_prose_links_to_prs_print_without_their_url(ctx: dict[str, Any]) -> None:
    url = next(pr["url"] for pr in ctx["prs"] if pr.get("url"))
    html = str(markdown_to_html(f"See [the PR]({url}) and [docs](https://docs.example/x).", {1: url}))
    assert f'<a href="{url}" rel="nofollow noopener noreferrer" class="pr-ref">' in html
    assert '<a href="https://docs.example/x" rel="nofollow noopener noreferrer">' in html  # still printed with URL


def test_counts_agree_in_number() -> None:
    assert count(1, "merged_prs", "en") == "1 merged PR" and count(2, "merged_prs", "en") == "2 merged PRs"
    assert count(1, "authors", "zh") == "1 作者" and count(0, "reverts_n", "en") == "0 reverts"


def test_tiles_name_a_count_of_one_in_the_singular(ctx: dict[str, Any]) -> None:
    ctx["counts"].update(merged_prs=1, key_prs=1, authors=1, direct_commits=1)
    tiles = dict(
        (label, n) for n, label in re.findall(r'<div class="tile"><b>(\d+)</b><span>([^<]*)</span>', render_html(ctx))
    )
    assert {"merged PR", "key PR", "author", "direct push"} <= set(tiles), tiles
    ctx["counts"].update(merged_prs=2, key_prs=0)
    tiles = re.findall(r'<div class="tile"><b>\d+</b><span>([^<]*)</span>', render_html(ctx))
    assert "merged PRs" in tiles and "key PRs" in tiles
