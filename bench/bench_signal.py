"""Importance and risk signal on real repositories: figures a maintainer can check.

For each repository and week: merged PRs, mean importance, key share (>= the key
threshold), the mechanical PRs, the top five PRs with their kind and reason, and the
PRs flagged ``missing-tests`` with what they changed, so each flag can be judged by
reading its file list (``--flags`` prints them all, ``--sample N`` a fixed sample).

    python bench/bench_signal.py --db /tmp/ruff.db --repo astral-sh/ruff --week 2026-W33 --week 2026-W30
    python bench/bench_signal.py --db /tmp/ruff.db --repo astral-sh/ruff --busiest 2   # the two busiest weeks

    python bench/bench_signal.py --db /tmp/ruff.db --repo astral-sh/ruff --year   # the last 52 weeks' figures

``--year`` prints, over the last 52 full weeks (``--span N``: N weeks) with at least ``--min-prs`` merged PRs, the
median weekly mean importance and key share and the key share of all their PRs: what
docs/calibration.md promises (a typical busy week: a mean of 4.5-5, about one PR in ten key).

The database is one synced with ``prhub sync CLONE --db FILE``; nothing is written to it.
``--busiest N`` picks the N weeks with the most merged PRs among the last 52 weeks of the
stored history (ties: the later week).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from prhub.analysis.pipeline import Analyzer, MemorySource, analyse_period  # noqa: E402
from prhub.config import Settings, default_settings  # noqa: E402
from prhub.period import week  # noqa: E402
from prhub.report.context import build_context  # noqa: E402
from prhub.store import Store, open_store, queries  # noqa: E402


def busiest_weeks(store: Store, slug: str, n: int) -> list[str]:
    repo = store.repository(slug)
    times = queries.merge_times(store, repo.id)
    if not times:
        return []
    last = datetime.fromtimestamp(times[-1], UTC)
    since = (last - timedelta(days=364)).timestamp()
    counts: Counter[str] = Counter()
    for t in times:
        if t >= since:
            y, w, _ = datetime.fromtimestamp(t, UTC).isocalendar()
            counts[f"{y}-W{w:02d}"] += 1
    # leave out the last, possibly partial, week of the history
    y, w, _ = last.isocalendar()
    counts.pop(f"{y}-W{w:02d}", None)
    return sorted(counts, key=lambda k: (-counts[k], k), reverse=False)[:n]


def year_figures(store: Store, slug: str, settings: Settings, min_prs: int, span: int = 52) -> None:
    """The last ``span`` full weeks with at least min_prs PRs: weekly mean and key share, their medians."""
    repo = store.repository(slug)
    times = queries.merge_times(store, repo.id)
    if not times:
        return
    last = week(datetime.fromtimestamp(times[-1], UTC).strftime("%G-W%V"))
    source = MemorySource(store, repo)
    analyzer = Analyzer(settings)
    means, shares, key, total = [], [], 0, 0
    for n in range(span, 0, -1):
        p = last.previous(n)
        analysis = analyse_period(analyzer, source, p)
        values = [r.score.value for r in analysis.results]
        if len(values) < min_prs:
            continue
        k = sum(v >= settings.key_threshold for v in values)
        means.append(statistics.fmean(values))
        shares.append(k / len(values))
        key, total = key + k, total + len(values)
    if not means:
        print(f"== {slug}: no week with {min_prs} PRs in the last {span}")
        return
    q = statistics.quantiles
    print(f"== {slug}: {len(means)} weeks with >= {min_prs} PRs in the last {span} ({total} PRs)")
    m, k = q(means, n=10), q(shares, n=10)
    print(f"   weekly mean: median {statistics.median(means):.2f} (p10 {m[0]:.2f}, p90 {m[-1]:.2f})")
    print(f"   weekly key share: median {statistics.median(shares):.1%} (p10 {k[0]:.1%}, p90 {k[-1]:.1%})")
    print(f"   key PRs overall: {key}/{total} = {key / total:.1%}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--repo", required=True, help="owner/name as stored")
    ap.add_argument("--week", action="append", default=[])
    ap.add_argument("--busiest", type=int, default=0)
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--flags", action="store_true", help="print every missing-tests flag with its files")
    ap.add_argument("--sample", type=int, default=0, help="print a fixed random sample of N flags")
    ap.add_argument("--year", action="store_true", help="the last 52 weeks' mean importance and key share")
    ap.add_argument("--min-prs", type=int, default=20, help="with --year: weeks with at least this many PRs")
    ap.add_argument("--span", type=int, default=52, help="with --year: that many weeks back (default 52)")
    ap.add_argument("--raw", action="store_true", help="importance without the calibration (as before it)")
    args = ap.parse_args()

    settings = default_settings(args.repo) if "slug" in default_settings.__code__.co_varnames else default_settings()
    if args.raw:
        settings["importance"]["calibrate"] = False
    store = open_store(args.db)
    if args.year:
        year_figures(store, args.repo, settings, args.min_prs, args.span)
    weeks = list(args.week) + [w for w in busiest_weeks(store, args.repo, args.busiest) if w not in args.week]
    for label in weeks:
        ctx = build_context(store, args.repo, week(label), "en", settings)
        prs = ctx["prs"]
        values = [p["importance"] for p in prs]
        key = [p for p in prs if p["is_key"]]
        mech = Counter(p.get("mechanical") for p in prs if p.get("mechanical"))
        flagged = [p for p in prs if any(r["tag"] == "missing-tests" for r in p["risks"])]
        core = [p for p in prs if any(r["tag"] == "core-path" for r in p["risks"])]
        dep = [p for p in prs if any(r["tag"] == "dependency" for r in p["risks"])]
        mean = statistics.fmean(values) if values else 0.0
        share = len(key) / max(1, len(prs))
        print(f"== {args.repo} {label}: {len(prs)} PRs, mean importance {mean:.2f}, key {len(key)} ({share:.0%})")
        print(f"   mechanical: {dict(mech) or 'none'}; kinds: {dict(Counter(p['kind'] for p in prs).most_common(6))}")
        print(f"   risks: missing-tests {len(flagged)}, core-path {len(core)}, dependency {len(dep)}")
        print(f"   top {args.top}:")
        for p in prs[: args.top]:
            print(f"     #{p['number']} {p['importance']:.1f} [{p['kind']}] {p['title'][:90]}")
            print(f"          {p['score']['reason']}")
        shown = flagged
        if args.sample and len(flagged) > args.sample:
            shown = sorted(random.Random(label).sample(flagged, args.sample), key=lambda p: -p["importance"])
        if args.flags or args.sample:
            print(f"   missing-tests flags ({len(shown)} of {len(flagged)}):")
            for p in shown:
                ev = next(r["evidence"] for r in p["risks"] if r["tag"] == "missing-tests")
                files = ", ".join(f"{f['path']} +{f['additions']}-{f['deletions']}" for f in p["files"][:8])
                more = f" (+{len(p['files']) - 8} files)" if len(p["files"]) > 8 else ""
                print(f"     #{p['number']} {p['title'][:80]}\n          {ev}; {files}{more}")
    store.close()


if __name__ == "__main__":
    main()
