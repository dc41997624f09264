"""The site's pages, shared by ``prhub serve`` and ``prhub site``: only the links differ."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from markupsafe import Markup

from prhub.report.html import UI, Chrome, count, markdown_to_html, pr_urls, render_html, render_page
from prhub.web.links import Links
from prhub.web.reports import RepoSummary, WeekSummary

FEED_ENTRIES = 12


@dataclass(frozen=True, slots=True)
class WeekRow:
    """A week in the repository listing, with its change against the week before."""

    period: Any
    slug: str
    prs: int
    authors: int
    reverts: int
    change: int | None
    data_to: str | None  # "08-17": the stored history ends inside this week, so it may still grow


def index_page(repos: Sequence[RepoSummary], links: Links, lang: str, langs: Sequence[str]) -> str:
    chrome = Chrome(
        crumbs=[("prhub", None)],
        lang_links={code: links.home(code) for code in langs},
        alternates=[("application/json", links.api_repos(), "JSON")],
    )
    return render_page("index.html.j2", lang, chrome, repos=repos, links=links)


def repo_page(
    slug: str, repo_url: str | None, weeks: Sequence[WeekSummary], links: Links, lang: str, langs: Sequence[str]
) -> str:
    chrome = Chrome(
        crumbs=[("prhub", links.home(lang)), (slug, None)],
        lang_links={code: links.repo(slug, code) for code in langs},
        alternates=[("application/atom+xml", links.feed(slug), UI[lang]["feed"])],
    )
    return render_page("repo.html.j2", lang, chrome, slug=slug, repo_url=repo_url, weeks=week_rows(weeks), links=links)


def week_rows(weeks: Sequence[WeekSummary]) -> list[WeekRow]:
    """Newest first; the change is against the calendar week before (0 PRs when it had none).

    The newest week is where the stored history ends: it is marked with the day
    of its last merge and gets no change figure, which would read as a collapse.
    """
    rows = []
    by_start = {w.period.start: w for w in weeks}
    for w in weeks:
        before = by_start.get(w.period.start - timedelta(days=7))
        newest, oldest = w is weeks[0], w is weeks[-1]
        change = None if oldest or newest else w.prs - (before.prs if before else 0)
        data_to = f"{w.last_merge:%m-%d}" if newest else None
        rows.append(WeekRow(w.period, w.slug, w.prs, w.authors, w.reverts, change, data_to))
    return rows


def report_page(ctx: Mapping[str, Any], links: Links, langs: Sequence[str]) -> str:
    slug, period, lang = ctx["repo"]["slug"], ctx["period"]["slug"], ctx["language"]
    chrome = Chrome(
        crumbs=[("prhub", links.home(lang)), (slug, links.repo(slug, lang)), (ctx["period"]["label"], None)],
        lang_links={code: links.report(slug, period, code) for code in langs},
        alternates=[
            ("application/atom+xml", links.feed(slug), UI[lang]["feed"]),
            ("application/json", links.api_report(slug, period, lang), "JSON"),
        ],
        permalink_href=links.report(slug, period, lang),
    )
    return render_html(ctx, chrome)


def repos_json(repos: Sequence[RepoSummary], links: Links) -> list[dict[str, Any]]:
    """/api/repos (served) and api/repos.json (static): each repository with links to its reports."""
    return [
        {
            "slug": r.slug,
            "url": r.url,
            "merged_prs": r.prs,
            "weeks": r.weeks,
            "latest": links.api_report(r.slug, r.latest_week, "en") if r.latest_week else None,
            "reports": links.repo(r.slug, "en"),
        }
        for r in repos
    ]


def error_page(status: int, message: str, home: str, lang: str = "en") -> str:
    """The 404/500 page in ``lang``: a sentence in that language, then the detail when it says more."""
    generic = {"no such page", "internal error", "error", ""}
    detail = "" if message.strip().lower() in generic else message
    return render_page("error.html.j2", lang, None, status=status, detail=detail, home=home)


def feed(
    slug: str,
    weeks: Sequence[WeekSummary],
    links: Links,
    *,
    self_href: str,
    base: str = "",
    contexts: Mapping[str, Mapping[str, Any]] | None = None,
    lang: str = "en",
) -> str:
    """Atom: one entry per recent week. ``contexts`` (period slug -> context) adds each week's summary prose.

    ``base`` makes the links absolute on the served site; the static site keeps them
    relative to the feed file, which Atom readers resolve against the feed's URL.
    """
    t = UI[lang]
    entries = []
    for w in weeks[:FEED_ENTRIES]:
        ctx = (contexts or {}).get(w.slug)
        summary = f"{count(w.prs, 'merged_prs', lang)} · {count(w.authors, 'authors', lang)}"
        content: Markup | None = None
        if ctx:
            counts = ctx.get("counts") or {}
            merged, key = counts.get("merged_prs", w.prs), counts.get("key_prs", 0)
            summary = f"{count(merged, 'merged_prs', lang)} · {count(key, 'key_prs_n', lang)}"
            content = markdown_to_html((ctx.get("sections") or {}).get("summary") or "", pr_urls(ctx))
        entries.append(
            {
                "id": f"tag:prhub,2026:{slug}/reports/{w.slug}",
                "title": w.period.label(lang),
                "updated": _atom_time(min(w.last_merge, w.period.end)),
                "href": base + links.report(slug, w.slug, lang),
                "summary": summary,
                "content": content,
            }
        )
    newest = weeks[0].last_merge if weeks else datetime(1970, 1, 1, tzinfo=UTC)
    return render_page(
        "feed.atom.j2",
        lang,
        None,
        slug=slug,
        feed_id=f"tag:prhub,2026:{slug}",
        subtitle=f"{slug}: {t['reports']}",
        updated=_atom_time(newest),
        self_href=base + self_href,
        repo_href=base + links.repo(slug, lang),
        entries=entries,
    )


def _atom_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
