"""What the website and the static site read: repositories, their weeks, and cached reports.

The listings are single SQL queries over ``pull_requests`` (no report is built
to list the weeks). A report is built on demand by ``build_context`` and kept
in a bounded cache whose key includes the repository's sync cursors, so a new
sync makes the next request build afresh.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from prhub.analysis.pipeline import Analyzer
from prhub.config import Settings, of_repository
from prhub.errors import NotFoundError
from prhub.period import Period, from_slug, week
from prhub.report.context import build_context, forge_url
from prhub.store import Repository, Store, is_postgres, open_store, sqlite_path

ContextBuilder = Callable[[Store, str, Period, str], dict[str, Any]]
MAX_PERIOD_DAYS = 400  # longer ranges are not reports anyone browses; refuse them cheaply


def default_builder(store: Store, slug: str, period: Period, lang: str) -> dict[str, Any]:
    from prhub.llm import apply_stored

    context = build_context(store, slug, period, lang=lang)
    apply_stored(store, context)  # what a model wrote at report time, from the store: no request on a page view
    return context


@dataclass(frozen=True, slots=True)
class RepoSummary:
    slug: str
    url: str | None
    prs: int
    weeks: int
    latest_week: str | None  # period slug of the newest week with a merged PR

    def latest_label(self, lang: str) -> str:
        """The newest week as the listing names it, e.g. "2026 W34 · 08-17 to 08-23"."""
        return from_slug(self.latest_week).label(lang) if self.latest_week else ""


@dataclass(frozen=True, slots=True)
class WeekSummary:
    period: Period
    prs: int
    authors: int
    reverts: int
    last_merge: datetime

    @property
    def slug(self) -> str:
        return self.period.slug


@dataclass(slots=True)
class CachedReport:
    """One built context and the bytes served from it, made once and shared by every request."""

    key: str
    context: dict[str, Any]
    etag: str
    json_bytes: bytes
    pages: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)  # variant -> (raw, gzip)

    def page(self, variant: str, render: Callable[[], str]) -> tuple[bytes, bytes]:
        found = self.pages.get(variant)
        if found is None:
            raw = render().encode("utf-8")
            found = self.pages[variant] = (raw, gzip.compress(raw, compresslevel=6))
        return found


class ReportService:
    """Thread-safe: each thread reads through its own SQLite connection."""

    def __init__(self, db_path: str | Path, build: ContextBuilder | None = None, cache_size: int = 128) -> None:
        if not is_postgres(db_path) and not sqlite_path(db_path).is_file():
            raise NotFoundError(f"no database at {db_path}; run `prhub sync <clone> --db {db_path}` first")
        self.db_path = str(db_path) if is_postgres(db_path) else sqlite_path(db_path)
        self.build = build or default_builder
        self.cache_size = cache_size
        self._local = threading.local()
        self._cache: OrderedDict[str, CachedReport] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}
        self._stores: list[Store] = []
        self._listing_rules: dict[str, tuple[str, _ListingRules]] = {}  # slug -> (settings state, its rules)
        self._weeks: dict[str, tuple[str, list[WeekSummary]]] = {}  # slug -> (sync state, weeks)

    # -- connections ------------------------------------------------------------------------------
    @property
    def store(self) -> Store:
        found: Store | None = getattr(self._local, "store", None)
        if found is None:
            found = self._local.store = open_store(self.db_path)
            with self._lock:
                self._stores.append(found)
        return found

    def close(self) -> None:
        with self._lock:
            for store in self._stores:
                store.close()
            self._stores.clear()

    # -- listings -------------------------------------------------------------------------------------
    def repository(self, slug: str) -> Repository:
        return self.store.repository(slug)

    def overview(self) -> list[RepoSummary]:
        rows = self.store.repository_overview()
        return [
            RepoSummary(
                slug=slug,
                url=forge_url(remote),  # as the report's header links it
                prs=prs,
                weeks=weeks,
                latest_week=_week_of(datetime.fromtimestamp(last, UTC).date()).slug if last else None,
            )
            for slug, remote, prs, last, weeks in rows
        ]

    def weeks(self, repo: Repository) -> list[WeekSummary]:
        """Every UTC week with a merged PR, newest first, with its headline figures.

        Authors and reverts are counted by the report's own rules (bots left out,
        a revert as the risk table tags it), so the listing and the page agree.
        Kept until a sync moves the repository, as the reports are.
        """
        state = f"{self.state(repo)}|{self.settings_state(repo)}"
        with self._lock:
            hit = self._weeks.get(repo.slug)
        if hit is not None and hit[0] == state:
            return hit[1]
        rows = self.store.prs_by_week(repo.id)
        rules = self._rules(repo)
        weeks: list[WeekSummary] = []
        for monday, group in itertools.groupby(rows, key=lambda row: row[0]):
            prs = list(group)
            authors = {name for _, _, name, email, _, _ in prs if not rules.analyzer.is_bot(name, email)}
            reverts = sum(1 for _, title, *_, reverts_pr, _ in prs if rules.is_revert(title, reverts_pr))
            last = max(merged_at for *_, merged_at in prs)
            weeks.append(WeekSummary(_week_of(_monday(monday)), len(prs), len(authors), reverts, _utc(last)))
        with self._lock:
            self._weeks[repo.slug] = (state, weeks)
        return weeks

    def _rules(self, repo: Repository) -> _ListingRules:
        state = self.settings_state(repo)
        found = self._listing_rules.get(repo.slug)
        if found is None or found[0] != state:
            found = self._listing_rules[repo.slug] = (state, _ListingRules(of_repository(self.store, repo.slug)))
        return found[1]

    def state(self, repo: Repository) -> str:
        """Changes whenever a sync moves any branch of the repository."""
        return self.store.sync_state(repo.id)

    def settings_state(self, repo: Repository) -> str:
        """Changes whenever a sync keeps a new prhub.toml for the repository."""
        kept = self.store.repository_settings(repo.id)
        return f"{kept.updated_at}:{zlib.crc32(kept.toml.encode())}" if kept else ""

    # -- reports --------------------------------------------------------------------------------------
    def _key(self, repo: Repository, period: Period, lang: str) -> str:
        """A report's cache key: the data state is in it, so a sync makes every older entry unreachable."""
        return f"{repo.slug}|{period.slug}|{period.tz}|{lang}|{self.state(repo)}|{self.settings_state(repo)}"

    def report(self, repo: Repository, period: Period, lang: str) -> CachedReport:
        if period.end - period.start > timedelta(days=MAX_PERIOD_DAYS):
            raise NotFoundError(f"period {period.slug} is longer than {MAX_PERIOD_DAYS} days")
        key = self._key(repo, period, lang)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one build per key, however many requests wait for it
            with self._lock:
                hit = self._cache.get(key)
            if hit is not None:
                return hit
            context = self.build(self.store, repo.slug, period, lang)
            entry = CachedReport(
                key=key,
                context=context,
                etag='"' + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + '"',
                json_bytes=json.dumps(context, ensure_ascii=False, indent=2).encode("utf-8"),
            )
            with self._lock:
                self._cache[key] = entry
                self._building.pop(key, None)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return entry

    def cached(self, repo: Repository, period: Period, lang: str) -> CachedReport | None:
        """The report when it is already built for the current data, without building it."""
        key = self._key(repo, period, lang)
        with self._lock:
            return self._cache.get(key)


class _ListingRules:
    """What the listing needs of the rules: who is a bot, what is a revert (the repository's settings, as reports)."""

    def __init__(self, settings: Settings) -> None:
        self.analyzer = Analyzer(settings)

    def is_revert(self, title: str, reverts_pr: int | None) -> bool:
        if reverts_pr is None and "revert" not in title.lower():  # the rule cannot fire: skip it
            return False
        found = self.analyzer.risk_rules.assess(title, [], frozenset(), [], reverts_pr)
        return any(risk.tag == "revert" for risk in found)


def _week_of(day: date) -> Period:
    year, number, _ = day.isocalendar()
    return week(f"{year}-W{number:02d}")


def _monday(week_number: int) -> date:
    """The Monday of a week numbered as ``Store.prs_by_week`` numbers them."""
    return date(1970, 1, 1) + timedelta(days=7 * week_number - 3)


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
