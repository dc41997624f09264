"""``prhub sync --github``: after git, what git lacks, from the GitHub API.

The loop is the source-agnostic one (:func:`pull`): pages from a Source, each
written with its cursor in one transaction. Then the key PRs of the weeks the
pages touched get their reviews and review threads completed (the pages carry
only the first few threads of each PR); a second cursor records how far that
pass got, so a sync killed during it completes the same PRs next time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from prhub.config import Settings
from prhub.errors import GitHubError
from prhub.period import week
from prhub.sources import Page, Source
from prhub.sources.github import GitHubClient, GitHubSource, complete, merged
from prhub.store import Repository, Store
from prhub.store import github as forge
from prhub.sync import slug_for

COMPLETE_CURSOR = "github-complete"  # the updated-at watermark up to which key PRs were completed

PageHook = Callable[[Page], None]


def pull(
    store: Store, repo_id: int, source: Source, save: Callable[[Page], None], on_page: PageHook | None
) -> Iterator[Page]:
    """Source-agnostic: read pages from the stored cursor on, write each (with its cursor) as it comes."""
    for page in source.fetch(forge.source_cursor(store, repo_id, source.name)):
        save(page)
        if on_page:
            on_page(page)
        yield page


@dataclass(slots=True)
class GitHubSyncResult:
    prs: int = 0  # PR records written (a PR read twice counts twice)
    pages: int = 0
    completed: int = 0  # key PRs whose reviews and threads were completed
    requests: int = 0
    points: int = 0
    remaining: int | None = None
    limit: int | None = None
    reset_at: int | None = None
    waited: float = 0.0
    notes: list[str] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


def sync_github(
    store: Store,
    repo: Repository,
    client: GitHubClient,
    settings: Settings,
    on_page: PageHook | None = None,
) -> GitHubSyncResult:
    # owner/name from the remote itself: the stored slug may carry a suffix (two clones under one name)
    forge_slug = slug_for(Path(repo.path), repo.remote_url)
    if forge_slug.startswith("local/"):
        raise GitHubError(f"{repo.path}: no GitHub remote (origin names no owner/name): --github has nothing to read")
    owner, name = forge_slug.split("/", 1)
    result = GitHubSyncResult()
    source = GitHubSource(client, owner, name)

    def save(page: Page) -> None:
        forge.save_page(store, repo.id, source.name, page.records, page.cursor)

    try:
        with store.writer_lock(f"github:{repo.id}"):  # one GitHub sync per repository at a time
            for page in pull(store, repo.id, source, save, on_page):
                result.pages += 1
                result.prs += len(page.records)
            forge.recheck_unjoined(store, repo.id)
            result.completed = _complete_key_prs(store, repo, client, settings)
    finally:
        _usage(result, client)
    result.totals = forge.counts(store, repo.id)
    return result


def _usage(result: GitHubSyncResult, client: GitHubClient) -> None:
    u, b = client.usage, client.budget
    result.requests, result.points, result.waited = u.requests, u.points, u.waited
    result.remaining, result.limit, result.reset_at = b.remaining, b.limit, b.reset_at
    result.notes = list(dict.fromkeys(u.notes))


def _complete_key_prs(store: Store, repo: Repository, client: GitHubClient, settings: Settings) -> int:
    """Complete the reviews and threads of the key PRs among those updated since the last pass."""
    since = GitHubSource.read_cursor(forge.source_cursor(store, repo.id, COMPLETE_CURSOR))
    until_cursor = forge.source_cursor(store, repo.id, "github")
    numbers = forge.updated_since(store, repo.id, since)
    keys = key_numbers(store, repo, settings, numbers)
    done = 0
    for item in complete(client, forge.prs_to_complete(store, repo.id, keys)):
        pr = forge.forge_pr(store, repo.id, item.number)
        if pr is not None:
            forge.save_reviews(store, repo.id, merged(pr, item))
            done += 1
    with store.transaction():
        forge.set_source_cursor(store, repo.id, COMPLETE_CURSOR, until_cursor)
    return done


def key_numbers(store: Store, repo: Repository, settings: Settings, numbers: Iterable[int]) -> set[int]:
    """Of ``numbers``, the PRs the report of their week calls key or shows in its quick look."""
    from prhub.analysis import pipeline  # the analysis decides what is key; imported only when needed

    wanted = set(numbers)
    merged_at = forge.numbers_merged_between(store, repo.id, wanted)
    weeks = sorted({_week_of(at) for _, at in merged_at})
    if not weeks:
        return set()
    analyzer = pipeline.Analyzer(settings)
    memory = pipeline.MemorySource(store, repo) if len(weeks) > 4 else None
    keys: set[int] = set()
    for spec in weeks:
        period = week(spec, "UTC")
        source = memory or pipeline.StoreSource(store, repo, *pipeline.span_needed(period, settings))
        results = pipeline.analyse_period(analyzer, source, period).results
        keys.update(r.number for r in results if r.score.value >= settings.key_threshold)
        keys.update(r.number for r in results[: settings.quick_look])
    return keys & wanted


def _week_of(ts: int) -> str:
    year, number, _ = datetime.fromtimestamp(ts, UTC).isocalendar()
    return f"{year}-W{number:02d}"


def resume_cursor_text(cursor: str | None) -> str:
    """The watermark for a message: 'PRs updated since 2026-04-12 10:00 UTC'."""
    value = GitHubSource.read_cursor(cursor)
    if value is None:
        return "from the beginning"
    return "PRs updated since " + datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M UTC")


def dumps_cursor(updated: int) -> str:
    return json.dumps({"updated": updated})
