"""The HTML report: one self-contained page (inline CSS, inline SVG charts, no script).

``render_html(ctx)`` reads only the report context (docs/report-context.md).
Everything from the repository (titles, names, paths, prose) is untrusted:
templates autoescape, the Markdown prose is rendered with raw HTML off and
only http(s) links kept, and the page carries a Content-Security-Policy that
allows nothing but its own inline stylesheet (pinned by hash).

The website and the static site reuse the same templates through ``Chrome``
(navigation, language switch) and ``render_page``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from prhub.report import charts
from prhub.report.phrases import SECTION_KEYS, UI
from prhub.report.prose import notice_text
from prhub.report.safetext import clean
from prhub.report.values import pr_ref

LANG_NAMES = {lang: words["language_name"] for lang, words in UI.items()}
TRENDS = ("new", "rising", "falling", "steady")


@dataclass(frozen=True, slots=True)
class Chrome:
    """What a page needs beyond the context when it lives on a site: navigation and links."""

    crumbs: Sequence[tuple[str, str | None]] = ()  # (text, href); the last one is the current page
    lang_links: Mapping[str, str] = field(default_factory=dict)  # language -> href of this page in it
    alternates: Sequence[tuple[str, str, str]] = ()  # (mime type, href, title): feed, JSON
    permalink_href: str | None = None


# -- stylesheet and policy ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return resources.files("prhub.report").joinpath("templates/report.css").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def content_security_policy() -> str:
    """Nothing may load or run but the page's own stylesheet (by hash) and inline SVG."""
    digest = base64.b64encode(hashlib.sha256(stylesheet().encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; base-uri 'none'; form-action 'none'"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("prhub.report", "templates"),
        autoescape=True,  # every template is HTML or XML; nothing from the data is ever trusted
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        css=Markup(stylesheet()), csp=content_security_policy(), lang_names=LANG_NAMES, count=count, noun=noun
    )
    env.filters["safe_url"] = safe_url
    env.filters["one_decimal"] = lambda v: "–" if v is None else f"{float(v):.1f}"
    env.filters["thousands"] = lambda v: f"{int(v or 0):,}"
    env.filters["percent"] = lambda v: f"{100 * float(v or 0):.0f}%"
    env.filters["md"] = lambda text, urls=None: markdown_to_html(text or "", urls or {})
    return env


def render_page(template: str, lang: str, chrome: Chrome | None = None, **values: Any) -> str:
    """Render one of the site's pages (index, repository, error) with the report's look."""
    lang = lang if lang in UI else "en"
    # the last guard for text that did not come through a report context (repository names in listings and feeds)
    return clean(environment().get_template(template).render(t=UI[lang], lang=lang, chrome=chrome, **values))


def count(n: int, key: str, lang: str) -> str:
    """``1 merged PR``, ``2 merged PRs``: the ``<key>_one`` phrase when there is one and n is 1."""
    return f"{n} {noun(n, key, lang)}"


def noun(n: object, key: str, lang: str) -> str:
    """The words after a count of ``n``: ``merged PR`` for 1, else ``merged PRs``."""
    t = UI[lang if lang in UI else "en"]
    return t.get(key + "_one", t[key]) if n == 1 else t[key]


# -- Markdown ------------------------------------------------------------------------------------------

_PR_REF = re.compile(r"#(\d{1,7})\b")


def safe_url(url: object) -> str | None:
    """The URL when it is http(s), else None: ``javascript:``, ``data:`` and the rest are dropped."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if re.match(r"^https?://[^\s\"'<>\\]+$", text, re.I) and not re.match(r"^https?:///", text, re.I):
        return text
    return None


def _forge_url(url: object) -> str | None:
    """Forge links (repository, PR) must be https."""
    safe = safe_url(url)
    return safe if safe and safe.lower().startswith("https://") else None


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.disable("image")  # no remote images from PR text
    md.validateLink = lambda url: safe_url(url) is not None or url.startswith("#")  # type: ignore[method-assign]
    md.core.ruler.push("pr_links", _link_pr_numbers)
    return md


def pr_urls(ctx: Mapping[str, Any]) -> dict[int, str]:
    """PR number -> its https page on the forge, for the PRs of the context that have one."""
    return {pr["number"]: url for pr in ctx.get("prs") or [] if (url := _forge_url(pr.get("url")))}


def markdown_to_html(text: str, pr_urls: Mapping[int, str]) -> Markup:
    """Prose (Markdown) to HTML: raw HTML shown as text, only http(s) links, ``#123`` linked to the forge."""
    env: dict[str, Any] = {"pr_urls": pr_urls}
    tokens = _markdown().parse(text, env)
    pr_pages = set(pr_urls.values())
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                child.attrSet("rel", "nofollow noopener noreferrer")
                if child.attrGet("href") in pr_pages:  # a PR link the prose wrote itself: same look, no URL in print
                    child.attrSet("class", "pr-ref")
            if child.attrs.get("style"):  # table alignment: blocked by the CSP anyway
                del child.attrs["style"]
        if token.attrs.get("style"):
            del token.attrs["style"]
    return Markup(_markdown().renderer.render(tokens, _markdown().options, env))


def _link_pr_numbers(state: Any) -> None:
    """Turn ``#123`` in plain text into a link to the PR on the forge, when its URL is known."""
    urls: Mapping[int, str] = state.env.get("pr_urls") or {}
    if not urls:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        out: list[Token] = []
        depth = 0
        for tok in block.children:
            if tok.type == "link_open":
                depth += 1
            elif tok.type == "link_close":
                depth -= 1
            if tok.type != "text" or depth or "#" not in tok.content:
                out.append(tok)
                continue
            out.extend(_split_refs(tok, urls))
        block.children = out


def _split_refs(tok: Token, urls: Mapping[int, str]) -> list[Token]:
    pieces: list[Token] = []
    pos = 0
    for found in _PR_REF.finditer(tok.content):
        url = urls.get(int(found[1]))
        if not url:
            continue
        if found.start() > pos:
            pieces.append(_text(tok.content[pos : found.start()]))
        link = Token("link_open", "a", 1)
        link.attrs = {"href": url, "class": "pr-ref"}
        pieces += [link, _text(found[0]), Token("link_close", "a", -1)]
        pos = found.end()
    if pos < len(tok.content):
        pieces.append(_text(tok.content[pos:]))
    return pieces


def _text(content: str) -> Token:
    tok = Token("text", "", 0)
    tok.content = content
    return tok


# -- the report page ---------------------------------------------------------------------------------------


def render_html(ctx: Mapping[str, Any], chrome: Chrome | None = None) -> str:
    """The report as one self-contained HTML document, in the context's language."""
    lang = ctx.get("language") if ctx.get("language") in UI else "en"
    t = UI[lang]
    prs_by_number = {pr["number"]: pr for pr in ctx.get("prs") or []}
    urls = pr_urls(ctx)
    key_prs = [prs_by_number[n] for n in ctx.get("key_prs") or [] if n in prs_by_number]
    by_section = (ctx.get("generated") or {}).get("sections") or {}
    model = (ctx.get("llm") or {}).get("model") if isinstance(ctx.get("llm"), dict) else None
    sections = [
        {
            "id": name,
            "heading": t[name],
            "html": markdown_to_html((ctx.get("sections") or {}).get(name) or "", urls),
            # who wrote it, shown when a model took part: its name, or the templates
            "writer": (model if by_section.get(name) == "llm" else t["writer_rules"]) if model and by_section else None,
        }
        for name in SECTION_KEYS
    ]
    writer = (ctx.get("generated") or {}).get("writer") or "rules"
    return render_page(
        "report.html.j2",
        lang,
        chrome,
        ctx=ctx,
        sections=sections,
        key_prs=key_prs,
        prs_by_number=prs_by_number,
        pr_urls=urls,
        pr_ref=pr_ref,
        repo_url=_forge_url((ctx.get("repo") or {}).get("url")),
        writer=t["writer_rules"] if writer == "rules" else writer,
        charts=_charts(ctx, t),
        notices=[text for n in ctx.get("notices") or [] if isinstance(n, dict) and (text := notice_text(n, ctx))],
    )


def _charts(ctx: Mapping[str, Any], t: Mapping[str, str]) -> dict[str, Markup]:
    period_start = str((ctx.get("period") or {}).get("start", ""))[:10]
    history = (ctx.get("history") or [])[-12:]
    weeks = [
        charts.Column(
            label=str(h.get("start", ""))[5:10],
            value=h.get("merged_prs") or 0,
            highlight=str(h.get("start", ""))[:10] == period_start,
            tooltip=str(h.get("label") or h.get("start")),
        )
        for h in history
    ]
    importance = ctx.get("importance") or {}
    buckets = [
        charts.Column(label=str(b.get("bucket")), value=b.get("count") or 0, highlight=_bucket_low(b) >= _key(ctx))
        for b in importance.get("histogram") or []
    ]
    return {
        "history": charts.columns(weeks, title=t["chart_history"], width=460, height=200),
        "importance": charts.columns(
            buckets,
            title=t["chart_importance"],
            width=460,
            height=200,
            threshold=_key(ctx) if buckets else None,
            threshold_label=f"{t['key_line']} ≥ {_key(ctx):.1f}",
        ),
        "labels": charts.hbars(
            [charts.Bar(str(item["name"]), item.get("count") or 0) for item in (ctx.get("labels") or [])[:10]],
            title=t["chart_labels"],
        ),
        "risks": charts.hbars(
            [
                charts.Bar(str(r["tag"]), r.get("count") or 0, tooltip=str(r.get("why") or r["tag"]), tone=charts.RISK)
                for r in (ctx.get("risks") or [])[:10]
            ],
            title=t["chart_risks"],
        ),
        # full width (the figure spans the row): long paths keep most of their directories
        "hot_files": charts.hbars(
            [charts.Bar(str(f["path"]), f.get("prs") or 0) for f in (ctx.get("hot_files") or [])[:10]],
            title=t["chart_hot_files"],
            width=920,
            max_label_width=560,
            paths=True,
        ),
        "themes": charts.hbars(_theme_bars(ctx, t), title=t["chart_themes"]),
    }


def _theme_bars(ctx: Mapping[str, Any], t: Mapping[str, str]) -> list[charts.Bar]:
    """Named themes with their trend, then the Other bucket, muted and without a trend (it is no theme)."""
    bars = [
        charts.Bar(
            str(th["name"]),
            len(th.get("prs") or []),
            note=t[th["trend"]] if th.get("trend") in TRENDS else "",
            tone=charts.HIGHLIGHT if th.get("trend") in ("new", "rising") else charts.ACCENT,
        )
        for th in (ctx.get("themes") or [])[:8]
    ]
    other = ctx.get("other_theme")
    if other and other.get("prs"):
        bars.append(charts.Bar(str(other["name"]), len(other["prs"]), tone=charts.MUTED))
    return bars


def _key(ctx: Mapping[str, Any]) -> float:
    return float((ctx.get("importance") or {}).get("key_threshold") or 6.0)


def _bucket_low(bucket: Mapping[str, Any]) -> float:
    try:
        return float(str(bucket.get("bucket", "0")).split("-")[0])
    except ValueError:
        return 0.0
