"""Reports built ahead and kept in the store: what ``prhub sync`` writes and ``prhub serve`` reads first.

A stored report is valid while the fingerprint of what it was built from is
unchanged: the PRs and direct pushes of the span it reads (its period and the
trend periods before it), the settings, and the prhub version. A sync that adds
a week's PRs changes that week's fingerprint (and the following weeks', whose
trends include it), so exactly those are rebuilt.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from prhub import __version__
from prhub.analysis import pipeline
from prhub.config import Settings, of_repository
from prhub.llm import apply_stored
from prhub.period import Period
from prhub.report.context import SCHEMA_VERSION, iter_contexts, notices
from prhub.report.contract import to_json
from prhub.store import Repository, Store
from prhub.store import reports as rows

LANGS = ("en", "zh")
RECENT_WEEKS = 12  # weeks a sync builds ahead by default; older ones are built when first asked for
Progress = Callable[[int, int], None]


def settings_digest(settings: Settings) -> str:
    text = json.dumps(settings.raw, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def inputs_of(store: Store, repo: Repository, period: Period, settings: Settings, digest: str | None = None) -> str:
    """What a report was built from: prhub's version, the settings, the data of its span, and its
    notices (a period still open, or beyond the last sync, reads differently once that changes)."""
    since, until = pipeline.span_needed(period, settings)
    data = rows.data_fingerprint(store, repo.id, since, until)
    data += "|" + rows.llm_fingerprint(store, f"{repo.slug}|{period.slug}")  # sections a model wrote
    synced = store.synced_at(repo.id)
    found = notices(period, datetime.now(UTC), datetime.fromtimestamp(synced, UTC) if synced is not None else None)
    said = json.dumps(to_json(found), sort_keys=True, separators=(",", ":"))
    return f"{__version__}/{SCHEMA_VERSION}|{digest or settings_digest(settings)}|{data}|{said}"


def json_bytes(context: dict[str, Any]) -> bytes:
    return json.dumps(context, ensure_ascii=False, indent=2).encode("utf-8")


def load(store: Store, repo: Repository, period: Period, lang: str, inputs: str) -> bytes | None:
    """The stored report's JSON when it was built from exactly ``inputs``, else None."""
    found = rows.load_report(store, repo.id, period.slug, period.tz, lang)
    if found is None or found.inputs != inputs:
        return None
    try:
        return gzip.decompress(found.context_gz)
    except (OSError, EOFError):  # a damaged row is a miss: it is built again
        return None


def save(store: Store, repo: Repository, period: Period, lang: str, inputs: str, data: bytes) -> None:
    rows.save_report(store, repo.id, period.slug, period.tz, lang, inputs, gzip.compress(data, compresslevel=6))


def store_new_reports(
    store: Store,
    repo: Repository,
    settings: Settings | None = None,
    langs: Sequence[str] = LANGS,
    tz: str = "UTC",
    progress: Progress | None = None,
    recent_weeks: int | None = RECENT_WEEKS,
) -> int:
    """Build and store the report (each language) of every week among the ``recent_weeks`` newest
    weeks with merged PRs (None: every week) that is missing or stale; returns how many.

    After a first sync that is those weeks; after a later one, the weeks the new
    commits fall in and those whose trends read them. Older weeks are built
    when first asked for (``prhub serve`` stores them then).
    """
    settings = settings or of_repository(store, repo.slug)
    digest = settings_digest(settings)
    since = _recent_start(store, repo, recent_weeks)
    written = 0
    for lang in langs:
        have = rows.stored_inputs(store, repo.id, tz, lang)
        wanted: dict[str, str] = {}

        def stale(
            period: Period, lang: str = lang, have: dict[str, str] = have, wanted: dict[str, str] = wanted
        ) -> bool:
            if since is not None and period.end <= since:
                return False
            inputs = inputs_of(store, repo, period, settings, digest)
            wanted[period.slug] = inputs
            return have.get(period.slug) != inputs

        batch: list[tuple[str, bytes]] = []
        for ctx in iter_contexts(store, repo.slug, "week", lang, settings, tz, active_only=True, only=stale):
            apply_stored(store, ctx)  # what a model wrote for this report, as the website shows it
            batch.append((ctx["period"]["slug"], json_bytes(ctx)))
            if len(batch) >= 20:
                written += _write(store, repo, tz, lang, batch, wanted)
            if progress:
                progress(written + len(batch), 0)
        written += _write(store, repo, tz, lang, batch, wanted)
    return written


def _recent_start(store: Store, repo: Repository, recent_weeks: int | None) -> datetime | None:
    """The start of the oldest of the ``recent_weeks`` newest UTC weeks with a merged PR (a zone west
    of UTC may add one week ending after it); None when every week is wanted."""
    if recent_weeks is None:
        return None
    numbers = sorted({row[0] for row in store.prs_by_week(repo.id)}, reverse=True)[: max(recent_weeks, 0)]
    if not numbers:
        return datetime.max.replace(tzinfo=UTC)
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=7 * numbers[-1] - 3)


def _write(
    store: Store, repo: Repository, tz: str, lang: str, batch: list[tuple[str, bytes]], wanted: dict[str, str]
) -> int:
    with store.transaction():
        for slug, data in batch:
            rows.save_report(store, repo.id, slug, tz, lang, wanted[slug], gzip.compress(data, compresslevel=6))
    n = len(batch)
    batch.clear()
    return n
