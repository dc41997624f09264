"""The report context: one per repository and period, built as the typed contract
(report/contract.py) and handed on as its JSON (docs/report-context.md), the one
object every renderer reads.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from prhub.analysis import pipeline, recommend
from prhub.analysis.pipeline import Analyzer, PeriodAnalysis, PrResult
from prhub.config import RISK_TAGS, Settings, of_repository
from prhub.errors import UsageError
from prhub.period import MAX_YEAR, MIN_YEAR, Period, week
from prhub.report import contract as c
from prhub.report.phrases import RISK_WHY
from prhub.report.reasons import reason_text, risk_evidence_text
from prhub.report.safetext import clean
from prhub.store import Repository, Store, queries

SCHEMA_VERSION = 1
_FORGE = re.compile(r"^(?:https?://|git@|ssh://git@)(?P<host>[^/:]+)[:/](?P<path>[^/]+/[^/]+?)(?:\.git)?/?$")


def forge_url(remote_url: str | None) -> str | None:
    """https://host/owner/name from the origin remote, or None."""
    if not remote_url:
        return None
    found = _FORGE.match(remote_url.strip())
    return f"https://{found['host']}/{found['path']}" if found else None


def build_context(
    store: Store,
    slug: str,
    period: Period,
    lang: str = "en",
    settings: Settings | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The context of one report, read from the store with a few bounded queries."""
    _check_lang(lang)
    settings = settings or of_repository(store, slug)
    repo = store.repository(slug)
    since, until = pipeline.span_needed(period, settings)
    source = pipeline.StoreSource(store, repo, since, until)
    registry = queries.registered_themes(store, repo.id)
    analysis = pipeline.analyse_period(Analyzer(settings), source, period, lang, registry)
    if not getattr(store, "readonly", False):  # a store opened read only keeps its registry as it is
        queries.register_themes(store, repo.id, analysis.registry_entries())
    return to_context(repo, analysis, settings, lang, now, _synced_at(store, repo))


def iter_contexts(
    store: Store,
    slug: str,
    kind: str = "week",
    lang: str = "en",
    settings: Settings | None = None,
    tz: str = "UTC",
    now: datetime | None = None,
    active_only: bool = False,
    only: Callable[[Period], bool] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every period of a repository's history, oldest first, from one load of its PRs
    (``active_only``: only those with a merged PR; ``only``: those it accepts).

    The PRs are analysed once and shared by all periods; the contexts are the
    same as ``build_context`` would give one by one.
    """
    _check_lang(lang)
    settings = settings or of_repository(store, slug)
    repo = store.repository(slug)
    source = pipeline.MemorySource(store, repo)
    analyzer = Analyzer(settings)
    registry = queries.registered_themes(store, repo.id)
    synced_at = _synced_at(store, repo)
    for period in periods_of(source, kind, tz):
        if active_only and not source.merged_count(*_span(period)):
            continue
        if only is not None and not only(period):
            continue
        analysis = pipeline.analyse_period(analyzer, source, period, lang, registry)
        entries = analysis.registry_entries()
        if not getattr(store, "readonly", False):
            queries.register_themes(store, repo.id, entries)
        for entry in entries:  # as the store now has it: the earliest period's names stay
            known = registry.get(entry.key)
            if known is None or entry.first_start < known.first_start:
                registry[entry.key] = entry
        yield to_context(repo, analysis, settings, lang, now, synced_at)


def _synced_at(store: Store, repo: Repository) -> datetime | None:
    seconds = store.synced_at(repo.id)
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


def notices(period: Period, now: datetime, synced_at: datetime | None) -> list[c.Notice]:
    """What a reader must know before trusting the figures, as codes and parameters.

    ``period_future``: the period has not begun; ``period_open``: it has not ended (figures will
    grow); ``beyond_history``: it starts after the last sync, so the store holds nothing of it
    yet; ``history_ends_within``: a sync read the history part-way through the period, so later
    merges are missing.
    """
    zone = period.start.tzinfo
    last_day = (period.end - timedelta(seconds=1)).date().isoformat()
    synced = synced_at.astimezone(zone).isoformat(timespec="minutes") if synced_at else None
    found: list[c.Notice] = []
    if period.start > now:
        found.append(c.Notice(code="period_future", first_day=period.start.date().isoformat()))
    elif period.end > now:
        found.append(c.Notice(code="period_open", last_day=last_day, as_of=synced))
    if synced_at is not None and synced_at <= period.start:
        found.append(c.Notice(code="beyond_history", synced_at=synced))
    elif synced_at is not None and synced_at < period.end and period.end <= now:
        found.append(c.Notice(code="history_ends_within", synced_at=synced))
    return found


def periods_of(source: pipeline.MemorySource, kind: str, tz: str) -> list[Period]:
    """Every week (or month) from the first merged PR to the last, in ``tz``."""
    from prhub.period import month  # local: only bulk reports need it

    if not source.times:
        return []
    # merges dated outside the years a period can name (a broken clock) get no period of their own
    first = max(datetime.fromtimestamp(source.times[0], UTC), datetime(MIN_YEAR, 1, 8, tzinfo=UTC))
    last = min(datetime.fromtimestamp(source.times[-1], UTC), datetime(MAX_YEAR, 12, 1, tzinfo=UTC))
    out: list[Period] = []
    if kind == "week":
        year, number, _ = first.isocalendar()
        p = week(f"{year}-W{number:02d}", tz)
        while p.start.timestamp() <= last.timestamp():
            out.append(p)
            nxt = (p.start + timedelta(days=10)).isocalendar()
            p = week(f"{nxt[0]}-W{nxt[1]:02d}", tz)
    elif kind == "month":
        p = month(f"{first:%Y-%m}", tz)
        while p.start.timestamp() <= last.timestamp():
            out.append(p)
            nxt = p.start + timedelta(days=40)
            p = month(f"{nxt:%Y-%m}", tz)
    else:
        raise UsageError(f"unknown period kind {kind!r}: use week or month")
    return out


def _span(period: Period) -> tuple[int, int]:
    return int(period.start.timestamp()), int(period.end.timestamp())


def _check_lang(lang: str) -> None:
    if lang not in ("en", "zh"):
        raise UsageError(f"unknown language {lang!r}: use en or zh")


def _iso(ts: int, tz: Period) -> str:
    return datetime.fromtimestamp(ts, tz.start.tzinfo).isoformat()


def _pr_url(base: str | None, number: int) -> str | None:
    return f"{base}/pull/{number}" if base and number > 0 else None  # a security merge has no public number


def to_context(
    repo: Repository,
    a: PeriodAnalysis,
    settings: Settings,
    lang: str,
    now: datetime | None = None,
    synced_at: datetime | None = None,
) -> dict[str, Any]:
    url = forge_url(repo.remote_url)
    threshold = settings.key_threshold
    results = a.results
    values = [r.score.value for r in results]
    key = [r for r in results if r.score.value >= threshold]
    bots = {r.facts.pr.author for r in results if r.facts.is_bot}
    authors = Counter(r.facts.pr.author for r in results if r.facts.pr.author not in bots)
    prs = [_pr(r, url, threshold, a.theme_names, lang) for r in results]
    ai = [r for r in results if r.facts.assistants]
    reverts = [r for r in results if any(k.tag == "revert" for k in r.risks)]  # as the risk table counts them
    labels = _labels(results)
    now = (now or datetime.now(UTC)).replace(microsecond=0)

    report = c.ReportContext(
        schema_version=SCHEMA_VERSION,
        repo=c.Repo(slug=repo.slug, url=url),
        period=c.PeriodInfo(**a.period.to_json(lang)),
        language=lang,
        generated=c.Generated(at=now.isoformat(), writer="rules"),
        notices=notices(a.period, now, synced_at),
        permalink=f"/{repo.slug}/reports/{a.period.slug}",
        counts=c.Counts(
            merged_prs=len(results),
            key_prs=len(key),
            direct_commits=len(a.direct_commits),
            authors=len(authors),
            first_time_authors=len(a.first_time),
            reverts=len(reverts),
            ai_assisted=len(ai),
        ),
        importance=c.Importance(
            mean=round(statistics.fmean(values), 1) if values else 0.0,
            median=round(statistics.median(values), 1) if values else 0.0,
            key_threshold=threshold,
            histogram=_histogram(values),
        ),
        labels=labels,
        hot_files=_hot_files(results, settings["hot_files"]),
        risks=_risks(results, settings, lang),
        themes=[
            c.ThemeSummary(
                name=t.name,
                key=t.key,
                prs=t.prs,
                representative_prs=t.representative_prs,
                lead_authors=t.lead_authors,
                trend=t.trend,
                previous_count=t.previous_count,
                count=t.count,
                topic=t.topic,
                source=t.source,
            )
            for t in a.themes
        ],
        other_theme=_other(a),
        prs=prs,
        key_prs=[r.number for r in results[: settings.quick_look] if results],
        contributors=c.Contributors(
            top=[c.Contributor(name=n, prs=k) for n, k in sorted(authors.items(), key=lambda x: (-x[1], x[0]))][
                : settings["contributors"]
            ],
            first_time=[c.FirstTimer(name=n, prs=p) for n, p in sorted(a.first_time.items())],
        ),
        ai_assisted=_ai(ai, len(results)),
        reverts=[c.Revert(number=r.number, title=r.facts.pr.title, reverts_pr=r.facts.pr.reverts_pr) for r in reverts],
        direct_commits=[
            c.DirectCommit(
                sha=d.sha,
                title=d.subject,
                author=d.author,
                committed_at=datetime.fromtimestamp(d.committed_at, UTC).isoformat(),
            )
            for d in a.direct_commits
        ],
        deltas=_deltas(a, len(results), labels),
        history=[
            c.HistoryPoint(start=p.start.date().isoformat(), label=p.label(lang).split(" · ")[0], merged_prs=n)
            for p, n in a.history
        ],
        recommendations=[
            c.Recommendation(**rec)
            for rec in recommend.recommendations(results, a.themes, threshold, settings["risks"]["platforms"])
        ],
    )
    # commit text may carry terminal controls and bidi overrides: no reader gets them
    ctx: dict[str, Any] = c.to_json(report, clean)
    _write_prose(ctx)
    return ctx


def _other(a: PeriodAnalysis) -> c.OtherTheme | None:
    """The PRs no named theme took: listed after the themes, never counted as one."""
    t = a.other
    if t is None:
        return None
    return c.OtherTheme(
        name=t.name,
        key=t.key,
        prs=t.prs,
        representative_prs=t.representative_prs,
        lead_authors=t.lead_authors,
        count=t.count,
        kinds=[c.KindCount(kind=k, count=n) for k, n in _kinds(a, t.prs)],
    )


def _kinds(a: PeriodAnalysis, numbers: list[int]) -> list[tuple[str, int]]:
    """The kinds of change among these PRs, most common first: what "Other changes" holds."""
    wanted = set(numbers)
    counts = Counter(r.facts.kind for r in a.results if r.number in wanted)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _pr(r: PrResult, url: str | None, threshold: float, theme_names: dict[str, str], lang: str) -> c.Pr:
    pr = r.facts.pr
    tz = timezone(timedelta(minutes=pr.merged_tz))
    return c.Pr(
        number=pr.number,
        title=pr.title,
        url=_pr_url(url, pr.number),
        author=pr.author,
        merged_at=datetime.fromtimestamp(pr.merged_at, tz).isoformat(),
        base_branch=pr.base_branch,
        merge_kind=pr.merge_kind,
        merge_sha=pr.merge_sha,
        importance=r.score.value,
        is_key=r.score.value >= threshold,
        score=c.Score(
            components=r.score.components,
            reasons=[dict(x) for x in r.score.reasons],
            reason=reason_text(r.score.reasons, lang),
        ),
        mechanical=r.facts.mechanical,
        labels=[c.PrLabel(name=label.name, source=label.source) for label in r.facts.labels],
        title_tags=list(r.facts.parts.tags),
        kind=r.facts.kind,
        risks=[c.PrRisk(tag=k.tag, evidence=risk_evidence_text(k, lang), rule=k.rule) for k in r.risks],
        theme=theme_names.get(r.theme_key) if r.theme_key else None,
        theme_key=r.theme_key,
        modules=r.modules,
        directories=r.directories,
        additions=pr.additions,
        deletions=pr.deletions,
        files=[c.PrFile(path=f.path, status=f.status, additions=f.additions, deletions=f.deletions) for f in pr.files],
        co_authors=[name for name, _ in pr.co_authors],
        ai_assisted=bool(r.facts.assistants),
        assistants=r.facts.assistants,
        reverts=pr.reverts_pr,
        reverted_by=r.reverted_by,
        review=r.review,  # None: git alone has no review data
        claims=r.claims,  # the description's own test and benchmark lines, quoted (quick-look PRs)
    )


def _histogram(values: list[float]) -> list[c.Bucket]:
    counts = [0] * 10
    for v in values:
        counts[min(9, int(v))] += 1
    return [c.Bucket(bucket=f"{i}-{i + 1}", count=n) for i, n in enumerate(counts)]


def _labels(results: list[PrResult]) -> list[c.LabelCount]:
    counts: Counter[str] = Counter()
    sources: dict[str, Counter[str]] = {}
    for r in results:
        for label in r.facts.labels:
            counts[label.name] += 1
            sources.setdefault(label.name, Counter())[label.source] += 1
    ranked = sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    return [c.LabelCount(name=n, count=k, source=sources[n].most_common(1)[0][0]) for n, k in ranked]


def _hot_files(results: list[PrResult], limit: int) -> list[c.HotFile]:
    counts: Counter[str] = Counter()
    for r in results:
        counts.update({f.path for f in r.facts.counted})  # generated, vendored and lock files are never hot
    ranked = sorted(((p, n) for p, n in counts.items() if n >= 2), key=lambda x: (-x[1], x[0]))
    return [c.HotFile(path=p, prs=n) for p, n in ranked[:limit]]


def _risks(results: list[PrResult], settings: Settings, lang: str) -> list[c.RiskSummary]:
    prs: dict[str, list[int]] = {}
    for r in results:  # already by importance: each tag's PRs are listed most important first
        for k in r.risks:
            prs.setdefault(k.tag, []).append(r.number)
    order = {t: i for i, t in enumerate(RISK_TAGS)}
    ranked = sorted(prs.items(), key=lambda x: (-len(x[1]), order[x[0]]))
    return [c.RiskSummary(tag=t, count=len(n), prs=n, why=risk_why(t, settings, lang)) for t, n in ranked]


def risk_why(tag: str, settings: Settings, lang: str) -> str:
    """The rule behind a tag, one line: a rule of the user's own with its why_<lang>, else the catalogue's."""
    for rule in settings.risk_rules:
        if rule["tag"] == tag and (rule.get(f"why_{lang}") or rule.get("why_en")):
            return str(rule.get(f"why_{lang}") or rule["why_en"])
    return RISK_WHY[lang].get(tag, tag).format_map(settings["risks"])


def _ai(ai: list[PrResult], total: int) -> c.AiAssisted:
    names: Counter[str] = Counter()
    for r in ai:
        names.update(r.facts.assistants)
    return c.AiAssisted(
        count=len(ai),
        share=round(len(ai) / total, 3) if total else 0.0,
        prs=[r.number for r in ai],
        assistants=[c.AssistantCount(name=n, prs=k) for n, k in sorted(names.items(), key=lambda x: (-x[1], x[0]))],
    )


def _deltas(a: PeriodAnalysis, merged: int, labels: list[c.LabelCount]) -> c.Deltas:
    prev_labels = a.previous_labels
    rising = [x.name for x in labels if x.count >= 4 and x.count >= 1.5 * prev_labels.get(x.name, 0) + 2]
    return c.Deltas(
        merged_prs=c.MergedDelta(current=merged, previous=a.previous_count, change=merged - a.previous_count),
        labels_rising=rising[:5],
        themes_new=[t.name for t in a.themes if t.trend == "new"],
        themes_rising=[t.name for t in a.themes if t.trend == "rising"],
        themes_falling=[t.name for t in a.themes if t.trend == "falling"],
    )


def _write_prose(ctx: dict[str, Any]) -> None:
    """Recommendation sentences and the six sections, from the prose module."""
    from prhub.report import prose

    for rec in ctx["recommendations"]:
        rec["text"] = prose.recommendation_text(rec, ctx["language"])
    for notice in ctx["notices"]:
        notice["text"] = prose.notice_text(notice, ctx)
    ctx["sections"] = prose.write_sections(ctx)
