"""``prhub site``: the website as static files, with relative links so any host and prefix will do.

index.html, index.zh.html                          repositories
{owner}/{repo}/index.html, index.zh.html           the weeks of one repository
{owner}/{repo}/reports/{period}/index.html, index.zh.html
{owner}/{repo}/feed.atom
api/repos.json, api/{owner}/{repo}/reports/{period}.json, .zh.json
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prhub.errors import UsageError
from prhub.web import pages
from prhub.web.links import StaticLinks, index_name
from prhub.web.reports import ReportService

Progress = Callable[[int, int], None]  # (reports written, reports in all)


@dataclass(slots=True)
class SiteResult:
    repositories: int = 0
    reports: int = 0
    files: int = 0


class _Writer:
    """Writes files under ``root`` only; a path that would leave it is refused."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.count = 0

    def write(self, relative: str, text: str | bytes) -> None:
        target = (self.root / relative).resolve()
        if not target.is_relative_to(self.root):
            raise UsageError(f"refusing to write {relative!r} outside {self.root}")
        target.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8") if isinstance(text, str) else text
        target.write_bytes(data)
        self.count += 1


def export_site(
    service: ReportService, out: Path, langs: Sequence[str] = ("en", "zh"), progress: Progress | None = None
) -> SiteResult:
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a directory")
    writer = _Writer(out)
    primary = langs[0]  # its pages are the index.html files a static host serves by default
    result = SiteResult()
    repos = service.overview()
    plan = {r.slug: service.weeks(service.repository(r.slug)) for r in repos}
    total = sum(len(weeks) for weeks in plan.values()) * len(langs)
    done = 0
    if progress:
        progress(0, total)

    for lang in langs:
        writer.write(index_name(lang, primary), pages.index_page(repos, StaticLinks(0, primary), lang, langs))
    writer.write("api/repos.json", _json(pages.repos_json(repos, StaticLinks(1, primary))))

    for summary in repos:
        repo = service.repository(summary.slug)
        weeks = plan[summary.slug]
        repo_dir = StaticLinks.repo_dir(repo.slug)
        for lang in langs:
            writer.write(
                f"{repo_dir}/{index_name(lang, primary)}",
                pages.repo_page(repo.slug, summary.url, weeks, StaticLinks(2, primary), lang, langs),
            )
        feed_contexts: dict[str, dict[str, Any]] = {}
        for position, week in enumerate(weeks):
            for lang in langs:
                entry = service.report(repo, week.period, lang)
                ctx = entry.context
                page_links = StaticLinks(4, primary)
                html = pages.report_page(ctx, page_links, langs)
                writer.write(page_links.report(repo.slug, week.slug, lang).removeprefix(page_links.up), html)
                writer.write(
                    StaticLinks(0, primary).api_report(repo.slug, week.slug, lang),
                    entry.json_bytes,
                )
                if lang == langs[0] and position < pages.FEED_ENTRIES:
                    feed_contexts[week.slug] = ctx
                result.reports += 1
                done += 1
                if progress:
                    progress(done, total)
        feed_links = StaticLinks(2, primary)
        writer.write(
            f"{repo_dir}/feed.atom",
            pages.feed(repo.slug, weeks, feed_links, self_href="feed.atom", contexts=feed_contexts, lang=langs[0]),
        )
        result.repositories += 1
    result.files = writer.count
    return result


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
