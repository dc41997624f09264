"""Property: whatever the context, the prose cites only its PRs and its numbers, and stays inert Markdown.

Hypothesis builds varied contexts (empty to busy weeks, en and zh, weeks,
months and ranges, hostile titles, missing optional keys); every number and
every #NNN in the Markdown must be found in the context: a value, a value
rounded to one decimal, a list's length, a share as a percentage, or a
number written inside one of its strings (a title, a path, a label).
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import test_prose
from prhub.report.markdown import render_markdown
from prhub.report.phrases import HEADINGS, RISK_NAMES, SECTION_KEYS
from prhub.report.prose import write_sections

TAGS = sorted(RISK_NAMES["en"])
KINDS = ["fix", "feature", "refactor", "perf", "kernel", "test", "docs", "ci", "chore", "weird", None]
REC_KINDS = [*test_prose.REC_KINDS, "something-new"]  # and one no renderer knows
PR_KEYS = {"number", "prs", "key_prs", "representative_prs", "reverts_pr", "reverts", "reverted_by"}
NUMBER = re.compile(r"\d+(?:\.\d+)?")
ALLOWED_TAGS = {
    "h1",
    "h2",
    "p",
    "ul",
    "li",
    "strong",
    "em",
    "code",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}

# short texts with the characters that matter: digits, markup, hashes, CJK, newlines
_ALPHABET = "abcXYZ 0123456789#<>[]()`|*_~&!\\/.-:\n修复模型"
texts = st.text(alphabet=_ALPHABET, max_size=24)
names = st.text(alphabet="abcdefgh -_[]<>`|0123", min_size=1, max_size=12)
# a platform is a name from the settings ([risks.platforms]: "ROCm", "XPU"), never a number: "the 1 CI
# lanes" would read as a count to the singular check
platforms = names.filter(lambda n: not n.lstrip()[:1].isdigit())
decimals = st.floats(min_value=0, max_value=10, allow_nan=False).map(lambda x: round(x, 1))
raw_floats = st.floats(min_value=0, max_value=10, allow_nan=False)


@st.composite
def contexts(draw: st.DrawFn) -> dict[str, Any]:
    lang = draw(st.sampled_from(["en", "zh"]))
    numbers = draw(st.lists(st.integers(1, 99_999), max_size=14, unique=True))
    prs = []
    for number in numbers:
        risks = [{"tag": tag, "evidence": draw(texts)} for tag in draw(st.lists(st.sampled_from(TAGS), max_size=3))]
        review = draw(
            st.none()
            | texts
            | st.fixed_dictionaries(
                {"state": st.sampled_from(["approved", "changes_requested", "commented", "odd"])},
                optional={"reviewers": st.lists(names, max_size=2), "conclusion": texts},
            )
        )
        importance = draw(decimals)
        prs.append(
            {
                "number": number,
                "title": draw(texts),
                "url": draw(st.sampled_from([None, f"https://github.com/o/r/pull/{number}", "javascript:x"])),
                "author": draw(names),
                "importance": importance,
                "is_key": importance >= 6.0,
                "score": {
                    "components": draw(st.dictionaries(st.sampled_from(["size", "core", "kind", "zz"]), decimals)),
                    "reason": draw(texts),
                },
                "kind": draw(st.sampled_from(KINDS)),
                "risks": risks,
                "theme": draw(st.none() | names),
                "directories": draw(st.lists(texts, max_size=3)),
                "additions": draw(st.integers(0, 5000)),
                "deletions": draw(st.integers(0, 5000)),
                "review": review,
            }
        )
    prs.sort(key=lambda p: -p["importance"])
    themes = []
    pool = list(numbers)
    for _ in range(draw(st.integers(0, 5))):
        members = draw(st.lists(st.sampled_from(pool), unique=True, max_size=6)) if pool else []
        themes.append(
            {
                "name": draw(names),
                "key": "k",
                "prs": members,
                "representative_prs": members[:2],
                "lead_authors": draw(st.lists(names, max_size=2)),
                "trend": draw(st.sampled_from(["new", "rising", "falling", "steady", None])),
                "previous_count": draw(st.integers(0, 40)),
            }
        )
    risk_tags = sorted({r["tag"] for p in prs for r in p["risks"]})
    risks = [
        {
            "tag": tag,
            "count": draw(st.integers(1, 200)),
            "prs": [p["number"] for p in prs if any(r["tag"] == tag for r in p["risks"])],
            "why": draw(st.none() | texts),
        }
        for tag in risk_tags
    ]
    merged = draw(st.sampled_from([len(prs), draw(st.integers(0, 300))]))
    current, previous = merged, draw(st.integers(0, 300))
    ctx: dict[str, Any] = {
        "schema_version": 1,
        "repo": {"slug": draw(names), "url": draw(st.none() | st.just("https://github.com/o/r"))},
        "period": {
            "start": "2026-04-06T00:00:00+00:00",
            "end": "2026-04-13T00:00:00+00:00",
            "label": draw(texts),
            "kind": draw(st.sampled_from(["week", "month", "range"])),
            "slug": draw(names),
        },
        "language": lang,
        "generated": {"writer": draw(st.sampled_from(["rules", "some-model"]))},
        "permalink": draw(texts),
        "counts": {
            "merged_prs": merged,
            "key_prs": sum(p["is_key"] for p in prs),
            "direct_commits": draw(st.integers(0, 20)),
            "authors": draw(st.integers(0, 150)),
            "first_time_authors": draw(st.integers(0, 20)),
            "reverts": draw(st.integers(0, 8)),
            "ai_assisted": draw(st.integers(0, 50)),
        },
        "importance": {"mean": draw(st.none() | raw_floats), "key_threshold": draw(decimals)},
        "labels": [{"name": draw(names), "count": draw(st.integers(1, 90))} for _ in range(draw(st.integers(0, 5)))],
        "hot_files": [{"path": draw(texts), "prs": draw(st.integers(1, 30))} for _ in range(draw(st.integers(0, 4)))],
        "risks": risks,
        "themes": themes,
        "prs": prs,
        "key_prs": [p["number"] for p in prs][:5],
        "contributors": {
            "top": [{"name": draw(names), "prs": draw(st.integers(1, 9))} for _ in range(draw(st.integers(0, 3)))],
            "first_time": [{"name": draw(names), "prs": numbers[:1]} for _ in range(draw(st.integers(0, 2)))],
        },
        "ai_assisted": {
            "count": draw(st.integers(0, 50)),
            "share": draw(st.floats(0, 1, allow_nan=False)),
            "assistants": [{"name": draw(names), "prs": draw(st.integers(1, 9))}],
        },
        "reverts": [
            {"number": n, "title": draw(texts), "reverts_pr": draw(st.integers(1, 99_999))} for n in numbers[:2]
        ],
        "deltas": {
            "merged_prs": {"current": current, "previous": previous, "change": current - previous},
            "labels_rising": draw(st.lists(names, max_size=2)),
            "themes_new": draw(st.lists(names, max_size=2)),
        },
        "history": [
            {"start": f"2026-03-{d:02d}", "merged_prs": draw(st.integers(0, 300))}
            for d in range(1, draw(st.integers(0, 12)) + 1)
        ],
        "recommendations": [
            {
                "kind": draw(st.sampled_from(REC_KINDS)),
                "prs": draw(st.lists(st.sampled_from(numbers), unique=True, max_size=8)) if numbers else [],
                "theme": draw(names),
                "platform": draw(platforms),
                "paths": draw(st.lists(texts, max_size=2)),
                "reverts": draw(st.lists(st.integers(1, 99_999), max_size=2)),
                "trend": draw(st.sampled_from(["rising", "new", None])),
                "count": draw(st.none() | st.integers(0, 50)),
                "text": draw(st.none() | texts),
            }
            for _ in range(draw(st.integers(0, 4)))
        ],
    }
    # optional keys may be absent altogether
    for key in draw(st.lists(st.sampled_from(["deltas", "history", "themes", "contributors", "importance"]))):
        ctx.pop(key, None)
    return ctx


def allowed_numbers(ctx: Any) -> tuple[set[float], set[int]]:
    """The numbers (as rounded floats) and the PR numbers the context holds."""
    numbers: set[float] = set()
    prs: set[int] = set()

    def add(value: float) -> None:
        for v in (value, abs(value)):
            numbers.add(round(v, 1))
            numbers.add(float(round(v)))

    def walk(value: Any, key: str | None = None) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, int | float):
            add(float(value))
            if key == "share":
                add(value * 100)
            if key in PR_KEYS and isinstance(value, int):
                prs.add(value)
        elif isinstance(value, str):
            numbers.update(round(float(n), 1) for n in NUMBER.findall(value))
            prs.update(int(n) for n in re.findall(r"#(\d+)", value))
        elif isinstance(value, list):
            add(float(len(value)))
            for item in value:
                walk(item, key)
        elif isinstance(value, dict):
            for k, item in value.items():
                walk(item, k)

    walk(ctx)
    return numbers, prs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(contexts())
def test_prose_cites_only_the_context(ctx: dict[str, Any]) -> None:
    sections = write_sections(ctx)
    assert tuple(sections) == SECTION_KEYS and all(sections.values())
    markdown = render_markdown(ctx)
    numbers, prs = allowed_numbers(ctx)
    for cited in re.findall(r"#(\d+)", markdown):
        assert int(cited) in prs, f"#{cited} is not a PR of the context"
    for found in NUMBER.findall(markdown):
        assert round(float(found), 1) in numbers, f"{found} is not a number of the context"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(contexts())
def test_markdown_stays_inert_and_ordered(ctx: dict[str, Any]) -> None:
    markdown = render_markdown(ctx)
    lang = ctx["language"]
    assert re.findall(r"^## (.+)$", markdown, re.M)[:6] == [HEADINGS[lang][key] for key in SECTION_KEYS]
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    tags = set(re.findall(r"<([a-z0-9]+)", html))
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    assert all(href.startswith("https://") for href in re.findall(r'href="([^"]*)"', html))
    assert html.count("<h1>") == 1


# a count of one before a plural noun ("1 key PRs", "These 1 PRs", "1 first-time contributors"),
# or the repository root named as a place ("most of it in `.`")
_ONE_PLURAL = re.compile(
    r"(?<![\d.,#+−/-])\b1 (?:[a-z-]+ )?(?:PRs|people|commits|reverts|authors|contributors|pushes)\b"
    r"|\b(?:These|the|The) 1\b|centred on `\.`|in `\.`"
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(contexts())
def test_counts_agree_with_their_nouns(ctx: dict[str, Any]) -> None:
    if ctx["language"] != "en":
        return
    markdown = render_markdown(ctx)
    slip = _ONE_PLURAL.search(markdown)
    assert slip is None, markdown[max(0, slip.start() - 80) : slip.end() + 20]
