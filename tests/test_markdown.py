"""The Markdown report: header, the six sections in order, extras; untrusted text stays inert."""

from __future__ import annotations

import re
from html import unescape

import pytest
from markdown_it import MarkdownIt

from prhub.report import mdtext
from prhub.report.markdown import render_markdown
from prhub.report.phrases import HEADINGS, SECTION_KEYS
from prhub.report.prose import percent
from test_prose import load  # the sample contexts, read one way

HOSTILE = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "![img](https://evil.example/x.png)",
    "<img src=x onerror=alert(1)>",
    "`code` | pipe | ``double``",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "line one\n# not a heading\n<div>block</div>",
    "<https://evil.example>",
    "**bold** _em_ ~~strike~~ \\[escaped\\]",
]


def to_html(markdown: str) -> str:
    # raw HTML allowed on purpose: only the escaping keeps hostile text inert
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def headings(markdown: str) -> list[str]:
    return re.findall(r"^## (.+)$", markdown, re.M)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["busy", "quiet", "empty"])
def test_six_headings_in_order(name: str, lang: str) -> None:
    markdown = render_markdown(load(name, lang))
    found = headings(markdown)
    assert found[:6] == [HEADINGS[lang][key] for key in SECTION_KEYS]
    assert markdown.count("\n# ") == 0 and markdown.startswith("# ")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_header_facts(lang: str) -> None:
    ctx = load("busy", lang)
    head = render_markdown(ctx).split("\n## ", 1)[0]
    assert ctx["repo"]["slug"] in head
    assert ctx["period"]["label"] in head
    assert str(ctx["counts"]["merged_prs"]) in head and str(ctx["counts"]["key_prs"]) in head
    assert ctx["permalink"] in head
    assert ("Generated automatically by prhub (rules)" if lang == "en" else "由 prhub 自动生成（规则模板）") in head
    ctx["generated"]["writer"] = "Qwen3-32B"
    assert "Qwen3-32B" in render_markdown(ctx).split("\n## ", 1)[0]


def test_extras_are_compact_and_factual() -> None:
    ctx = load("busy")
    extras = render_markdown(ctx).split(f"## {HEADINGS['en']['extras']}\n\n", 1)[1]
    top = ctx["contributors"]["top"][0]
    assert f"{top['name']} ({top['prs']})" in extras
    first = ctx["contributors"]["first_time"][0]
    assert f"{mdtext.text(first['name'])} (#{first['prs'][0]}" in extras
    assert f"First-time contributors ({ctx['counts']['first_time_authors']})" in extras
    assert f"{ctx['ai_assisted']['count']} PRs ({percent(ctx['ai_assisted']['share'])}%)" in extras
    revert = next(r for r in ctx["reverts"] if r["reverts_pr"])
    assert f"#{revert['number']}" in extras and f"reverts #{revert['reverts_pr']}" in extras
    delta = ctx["deltas"]["merged_prs"]
    assert f"previous {delta['previous']}, −{-delta['change']}" in extras
    assert len(extras.splitlines()) == 5


def test_sections_given_in_the_context_are_used() -> None:
    ctx = load("busy")
    ctx["sections"] = {key: f"Written elsewhere: {key}." for key in SECTION_KEYS}
    markdown = render_markdown(ctx)
    for key in SECTION_KEYS:
        assert f"Written elsewhere: {key}." in markdown
    # a writer that failed on one section leaves it to the rules
    ctx["sections"]["risks"] = ""
    markdown = render_markdown(ctx)
    assert "Written elsewhere: risks." not in markdown
    assert "Risk tags, most frequent first" in markdown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hostile_titles_names_and_paths_stay_text(lang: str) -> None:
    ctx = load("busy", lang)
    for i, pr in enumerate(ctx["prs"]):
        hostile = HOSTILE[i % len(HOSTILE)]
        pr["title"] = hostile
        pr["author"] = hostile
        pr["directories"] = [hostile]
        pr["theme"] = hostile
        for risk in pr["risks"]:
            risk["evidence"] = hostile
    for theme in ctx["themes"]:
        theme["lead_authors"] = [HOSTILE[0], HOSTILE[1]]
    ctx["themes"][0]["name"] = "MoE | <b>bold</b> [x](javascript:alert(1))"
    ctx["labels"][0]["name"] = HOSTILE[1]
    ctx["hot_files"][0]["path"] = "a`b|c<script>.py"
    ctx["contributors"]["top"][0]["name"] = HOSTILE[0]
    ctx["repo"]["slug"] = HOSTILE[1]
    ctx["period"]["label"] = HOSTILE[3]
    ctx["generated"]["writer"] = HOSTILE[0]
    for rec in ctx["recommendations"]:
        rec["kind"] = "unknown-kind"
        rec["text"] = HOSTILE[2]
    markdown = render_markdown(ctx)
    html = to_html(markdown)
    assert "<script" not in html
    assert "<img" not in html and "<div" not in html and "<b>" not in html
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', html))
    assert not re.search(r'href="https://evil', html)
    assert "<h1>" not in html.split("</h1>", 1)[1], "a newline in a title must not start a heading"
    # the hostile text is still there, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # every table row keeps its three cells
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        assert len(re.findall(r"<t[dh]>", row)) == 3


@pytest.mark.parametrize("start", ["#", "# Heading", "> quote", "- item", "+ item", "=", "1. item", "2) item"])
def test_text_that_starts_a_line_opens_no_block(start: str) -> None:
    # a recommendation or title that would begin a list item's line with block markup
    ctx = load("busy", "en")
    ctx["recommendations"] = [{"kind": "unknown-kind", "prs": [], "text": start}]
    ctx["sections"] = {}
    html = to_html(render_markdown(ctx))
    assert html.count("<h1>") == 1 and "<blockquote>" not in html
    items = re.findall(r"<li>(.*?)</li>", html.split("<h2>Follow-up recommendations</h2>", 1)[1], re.S)
    assert items and unescape(items[0]).strip() == start, items  # the text itself, shown as text
    assert "<ol" not in html and "<ul>\n<li><ul>" not in html


def test_code_span_fence_outgrows_backticks_inside() -> None:
    assert mdtext.code("a`b") == "``a`b``"
    assert mdtext.code("`x`") == "`` `x` ``"
    html = to_html(mdtext.code("a``b<script>"))
    assert "<code>a``b&lt;script&gt;</code>" in html


def test_links_only_for_plain_http_urls() -> None:
    assert mdtext.link("#1", "https://github.com/o/r/pull/1") == "[#1](https://github.com/o/r/pull/1)"
    assert mdtext.link("#1", "javascript:alert(1)") == "#1"
    assert mdtext.link("#1", "https://x.example/a) [y](javascript:z") == "#1"
    assert mdtext.link("#1", None) == "#1"


def test_shorten_never_splits_a_number() -> None:
    title = "Fix the thing that broke in #12345 " + "word " * 30
    short = mdtext.shorten(title, 33)
    assert short.endswith("…") and "#1234" not in short.replace("#12345", "")
