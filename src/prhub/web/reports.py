"""What the website and the static site read: repositories, their weeks, and cached reports.

The listings are single SQL queries over ``pull_requests`` (no report is built
to list the weeks). A report is built on demand by ``build_context`` and kept
in a bounded cache whose key includes the repository's sync cursors, so a new
sync makes the next request build afresh.

What a request checks before answering from memory (the repository, its sync
cursors, settings and stored LLM answers: one query) is kept for ``state_ttl`` seconds per process:
within that time a hit costs no query at all, and a sync reaches the pages at
most that late. Batch callers (``prhub site``, tests) keep the default of 0,
a fresh check every time; ``prhub serve`` uses ``PRHUB_SERVE_STATE_TTL`` (1 s).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import itertools
import json
import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from prhub.analysis.pipeline import Analyzer
from prhub.config import Settings, of_repository
from prhub.errors import NotFoundError, PrhubError, StoreError
from prhub.gcpause import collector_paused
from prhub.period import Period, from_slug, supported, week
from prhub.report import stored
from prhub.report.context import build_context, forge_url
from prhub.store import Repository, Store, is_postgres, open_store, sqlite_path
from prhub.store import reports as stored_rows

ContextBuilder = Callable[[Store, str, Period, str], dict[str, Any]]
MAX_RANGE_DAYS = 31  # a URL's free range may span at most this many days (weeks and months always may)
SERVE_STATE_TTL = 1.0  # seconds a server worker trusts its last look at a repository's sync state
log = logging.getLogger("prhub.web")


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


@dataclass(frozen=True, slots=True)
class RepoState:
    """A repository as a request finds it: its row and what its reports' cache keys depend on."""

    repo: Repository
    sync: str  # the sync cursors (``Store.repository_state``)
    settings: str  # the kept prhub.toml's time and checksum
    llm: str  # what a model wrote for its reports: count, time and size of the stored answers
    read_at: float  # time.monotonic() when read


def state_ttl_from_env() -> float:
    """``PRHUB_SERVE_STATE_TTL`` (seconds, 0 checks the store on every request), else ``SERVE_STATE_TTL``."""
    text = os.environ.get("PRHUB_SERVE_STATE_TTL", "").strip()
    try:
        return max(0.0, float(text)) if text else SERVE_STATE_TTL
    except ValueError:
        raise PrhubError(f"PRHUB_SERVE_STATE_TTL must be a number of seconds, not {text!r}") from None


@dataclass(slots=True)
class CachedReport:
    """One report's bytes, made once and shared by every request: its JSON and its rendered pages.

    The context itself is not kept (it is several times the size of its JSON);
    the few readers that need it (the feed, the static site) parse the JSON.
    """

    key: str
    etag: str
    json_bytes: bytes
    pages: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)  # variant -> (raw, gzip)

    @property
    def context(self) -> dict[str, Any]:
        return dict(json.loads(self.json_bytes))

    @property
    def size(self) -> int:
        return len(self.json_bytes) + sum(len(raw) + len(packed) for raw, packed in self.pages.values())

    def page(self, variant: str, render: Callable[[], str]) -> tuple[bytes, bytes]:
        found = self.pages.get(variant)
        if found is None:
            found = self.pages[variant] = _packed(render())
        return found


def _packed(html: str) -> tuple[bytes, bytes]:
    raw = html.encode("utf-8")
    return raw, gzip.compress(raw, compresslevel=6)


class BusyError(PrhubError):
    """Too many reports are waiting to be built: the request is refused now rather than queued without end."""


PageRenderer = Callable[[dict[str, Any]], dict[str, str]]  # context -> {variant: html}, made off the event loop


class ReportService:
    """Reports for the website, bounded at every step.

    * A URL names an ISO week, a month or a range of at most ``MAX_RANGE_DAYS``
      days; anything else is refused before any work.
    * In memory: at most ``cache_size`` reports and ``cache_bytes`` bytes, least recently used first out.
    * Behind it, the store's built reports (``prhub sync`` writes them; a build here adds one).
    * A report found in neither is built by one of ``builders`` threads; requests for
      the same report share one build, and past ``queue_limit`` waiting builds a
      request is answered "busy" instead of queued.

    Thread-safe: each thread reads through its own store connection.
    """

    def __init__(
        self,
        db_path: str | Path,
        build: ContextBuilder | None = None,
        cache_size: int = 128,
        *,
        cache_bytes: int = 256 * 2**20,
        builders: int = 2,
        queue_limit: int = 64,
        render_pages: PageRenderer | None = None,
        state_ttl: float = 0.0,
    ) -> None:
        if not is_postgres(db_path) and not sqlite_path(db_path).is_file():
            raise NotFoundError(f"no database at {db_path}; run `prhub sync <clone> --db {db_path}` first")
        self.db_path = str(db_path) if is_postgres(db_path) else sqlite_path(db_path)
        self.build = build or default_builder
        self.cache_size = cache_size
        self.cache_bytes = cache_bytes
        self.queue_limit = queue_limit
        self.render_pages = render_pages
        self.state_ttl = state_ttl
        self._states: dict[str, RepoState] = {}  # slug -> its last look, trusted for state_ttl seconds
        self._local = threading.local()
        self._cache: OrderedDict[str, CachedReport] = OrderedDict()
        self._cached_bytes = 0
        self._lock = threading.Lock()
        self._pending: dict[str, Future[CachedReport]] = {}
        self._pool = ThreadPoolExecutor(max_workers=builders, thread_name_prefix="prhub-build")
        self._stores: list[Store] = []
        self._listing_rules: dict[str, tuple[str, _ListingRules]] = {}  # slug -> (settings state, its rules)
        self._weeks: dict[str, tuple[str, list[WeekSummary]]] = {}  # slug -> (sync state, weeks)
        self.readonly = False
        try:  # writable when it can be (built reports are stored), else read only
            first = self._open()
        except StoreError:
            if is_postgres(self.db_path):
                raise
            self.readonly = True
            first = self._open()
        self._local.store = first
        self._stores.append(first)

    def _open(self) -> Store:
        if isinstance(self.db_path, Path):
            from prhub.store.sqlite import SqliteStore

            return SqliteStore(self.db_path, readonly=self.readonly)
        return open_store(self.db_path)

    # -- connections ------------------------------------------------------------------------------
    @property
    def store(self) -> Store:
        found: Store | None = getattr(self._local, "store", None)
        if found is None:
            found = self._local.store = self._open()
            with self._lock:
                self._stores.append(found)
        return found

    def check(self) -> None:
        """Reads every page of the database once: a damaged file is found at start, not by a visitor."""
        problem = stored_rows.integrity_problem(self.store)
        if problem:
            raise StoreError(f"the database is damaged: {problem}")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for store in self._stores:
                store.close()
            self._stores.clear()

    # -- listings -------------------------------------------------------------------------------------
    def repository(self, slug: str) -> Repository:
        return self.lookup(slug).repo

    def fresh(self, slug: str) -> RepoState | None:
        """The repository's state when it was read less than ``state_ttl`` seconds ago (no I/O)."""
        found = self._states.get(slug)
        if found is not None and time.monotonic() - found.read_at < self.state_ttl:
            return found
        return None

    def lookup(self, slug: str) -> RepoState:
        """The repository's state: remembered, else read with one query. Unknown: NotFoundError."""
        found = self.fresh(slug)
        if found is not None:
            return found
        row = self.store.repository_state(slug)
        if row is None:
            raise NotFoundError(f"unknown repository {slug!r}; run `prhub sync` on its clone first")
        found = RepoState(*row, read_at=time.monotonic())
        if self.state_ttl > 0:
            with self._lock:
                if len(self._states) > 4096:  # slugs are a few per site; never let odd URLs grow it
                    self._states.clear()
                self._states[slug] = found
        return found

    def overview(self) -> list[RepoSummary]:
        rows = self.store.repository_overview()
        return [
            RepoSummary(
                slug=slug,
                url=forge_url(remote),  # as the report's header links it
                prs=prs,
                weeks=weeks,
                latest_week=_week_of(_utc(last).date()).slug if last and _reportable(_utc(last).date()) else None,
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
            if not _reportable(monday):  # a merge dated by a broken clock (year 1, 9999): no page names it
                continue
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
        return self.lookup(repo.slug).sync

    def settings_state(self, repo: Repository) -> str:
        """Changes whenever a sync keeps a new prhub.toml for the repository."""
        return self.lookup(repo.slug).settings

    # -- reports --------------------------------------------------------------------------------------
    def _key(self, repo: Repository, period: Period, lang: str) -> str:
        """A report's cache key: the data state is in it, so a sync makes every older entry unreachable,
        and so is what a model wrote for the repository's reports (``prhub report --llm`` stores that
        without a sync: the next page shows it)."""
        state = self.lookup(repo.slug)
        return f"{repo.slug}|{period.slug}|{period.tz}|{lang}|{state.sync}|{state.settings}|{state.llm}"

    def settings_for(self, repo: Repository) -> Settings:
        """The settings the builder uses for ``repo`` (a stored report built with others is rebuilt)."""
        return of_repository(self.store, repo.slug)

    @staticmethod
    def check_period(period: Period) -> None:
        if period.kind == "range" and period.end - period.start > timedelta(days=MAX_RANGE_DAYS):
            raise NotFoundError(
                f"period {period.slug} is not a report: a report covers an ISO week, a month "
                f"or at most {MAX_RANGE_DAYS} days"
            )

    def cached(self, repo: Repository, period: Period, lang: str) -> CachedReport | None:
        """The report when it is in memory for the current data, without any other work."""
        key = self._key(repo, period, lang)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def report(self, repo: Repository, period: Period, lang: str) -> CachedReport:
        """Memory, else the store, else built here and now (for batch callers such as ``prhub site``)."""
        self.check_period(period)
        return self.cached(repo, period, lang) or self.stored(repo, period, lang) or self._build(repo, period, lang)

    async def report_async(self, repo: Repository, period: Period, lang: str) -> CachedReport:
        """As ``report``, for the event loop: a build waits in the bounded, deduplicated queue."""
        self.check_period(period)
        hit = self.cached(repo, period, lang) or await run_in_threadpool(self.stored, repo, period, lang)
        if hit is not None:
            return hit
        return await asyncio.wrap_future(self.enqueue(repo, period, lang))

    def enqueue(self, repo: Repository, period: Period, lang: str) -> Future[CachedReport]:
        key = self._key(repo, period, lang)
        with self._lock:
            waiting = self._pending.get(key)
            if waiting is not None:
                return waiting
            if len(self._pending) >= self.queue_limit:
                raise BusyError("too many reports are being built; try again in a few seconds")
            future = self._pending[key] = self._pool.submit(self._build, repo, period, lang)
        future.add_done_callback(lambda _: self._forget(key))
        return future

    def _forget(self, key: str) -> None:
        with self._lock:
            self._pending.pop(key, None)

    def stored(self, repo: Repository, period: Period, lang: str) -> CachedReport | None:
        inputs = stored.inputs_of(self.store, repo, period, self.settings_for(repo))
        data = stored.load(self.store, repo, period, lang, inputs)
        return None if data is None else self._remember(repo, period, lang, data)

    def _build(self, repo: Repository, period: Period, lang: str) -> CachedReport:
        hit = self.cached(repo, period, lang)
        if hit is not None:
            return hit
        # server processes sharing a PostgreSQL store build a report once: the others wait here,
        # then find it stored (on SQLite the lock is a no-op, and each process may build it once)
        with self.store.build_lock(f"{repo.id}|{period.slug}|{period.tz}|{lang}"):
            inputs = stored.inputs_of(self.store, repo, period, self.settings_for(repo))
            data = stored.load(self.store, repo, period, lang, inputs)  # another process built it meanwhile
            context = None
            if data is None:
                with collector_paused():
                    context = self.build(self.store, repo.slug, period, lang)
                data = stored.json_bytes(context)
                if not self.readonly:
                    try:
                        stored.save(self.store, repo, period, lang, inputs, data)
                    except (StoreError, sqlite3.Error) as exc:  # still served; the next request builds again
                        log.warning("could not store the report %s %s: %s", repo.slug, period.slug, exc)
        return self._remember(repo, period, lang, data, context)

    def _remember(
        self, repo: Repository, period: Period, lang: str, data: bytes, context: dict[str, Any] | None = None
    ) -> CachedReport:
        key = self._key(repo, period, lang)
        entry = CachedReport(key, '"' + hashlib.sha256(data).hexdigest()[:32] + '"', data)
        if self.render_pages is not None:
            for variant, html in self.render_pages(context or entry.context).items():
                entry.pages[variant] = _packed(html)
        with self._lock:
            old = self._cache.pop(key, None)
            if old is not None:
                self._cached_bytes -= old.size
            self._cache[key] = entry
            self._cached_bytes += entry.size
            while self._cache and (len(self._cache) > self.cache_size or self._cached_bytes > self.cache_bytes):
                _, gone = self._cache.popitem(last=False)
                self._cached_bytes -= gone.size
        return entry

    def memory(self) -> tuple[int, int]:
        """(reports, bytes) held in memory now."""
        with self._lock:
            return len(self._cache), self._cached_bytes


class _ListingRules:
    """What the listing needs of the rules: who is a bot, what is a revert (the repository's settings, as reports)."""

    def __init__(self, settings: Settings) -> None:
        self.analyzer = Analyzer(settings)

    def is_revert(self, title: str, reverts_pr: int | None) -> bool:
        if reverts_pr is None and "revert" not in title.lower():  # the rule cannot fire: skip it
            return False
        found = self.analyzer.risk_rules.assess(title, [], frozenset(), [], reverts_pr)
        return any(risk.tag == "revert" for risk in found)


def _reportable(day: date | int | None) -> bool:
    """Whether a page may name the week of ``day`` (a date, or a week number as ``prs_by_week`` gives)."""
    try:
        found = _monday(day) if isinstance(day, int) else day
        return found is not None and supported(found, found + timedelta(days=6))
    except (OverflowError, ValueError):
        return False


def _week_of(day: date) -> Period:
    year, number, _ = day.isocalendar()
    return week(f"{year}-W{number:02d}")


def _monday(week_number: int) -> date:
    """The Monday of a week numbered as ``Store.prs_by_week`` numbers them."""
    return date(1970, 1, 1) + timedelta(days=7 * week_number - 3)


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
