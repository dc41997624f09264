"""Report speed and importance calibration on the whole vllm history.

    python bench/bench_report.py [--db FILE] [--repo CLONE] [--runs 7] [--calibration docs/calibration.md]

Syncs the clone into the database when needed (a new file: ~15 s), then
measures one week's report three ways: the ``prhub report SLUG --week W
--format md`` command as a user runs it (a new process each time, wall time
and the process's user+sys CPU time, with Python's bytecode cache as an
installed package has it, and without), and in process (context + Markdown).
Then every weekly report of the history: in process, and as the one command
``prhub report SLUG --every week -o DIR``. Timings on a shared machine are
noisy: each is given as min and median over ``--runs``. Last, the
distribution of weekly mean importance and key-PR share over all weeks;
``--calibration`` also writes it as Markdown.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dataset import build

from prhub.period import week
from prhub.report import build_context, iter_contexts
from prhub.report.markdown import render_markdown
from prhub.store.sqlite import Store
from prhub.sync import sync

BUSY = 20  # weeks with fewer merged PRs (the project's first months) are left out of the calibration


def quantiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    q = statistics.quantiles(values, n=10)
    median = statistics.median(values)
    return f"min {min(values):.2f} · p10 {q[0]:.2f} · median {median:.2f} · p90 {q[8]:.2f} · max {max(values):.2f}"


def spread(values: list[float], unit: str = "ms") -> str:
    scale = 1000 if unit == "ms" else 1
    return f"min {min(values) * scale:.0f} {unit} · median {statistics.median(values) * scale:.0f} {unit}"


def timed(run: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user+sys of this process) seconds of each run."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def cli_runs(args: list[str], runs: int, env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Wall and user+sys seconds of ``python -m prhub ARGS``, a new process each run."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "prhub", *args], check=True, env=env, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/prhub-bench-report.db"))
    parser.add_argument("--repo", type=Path, default=None, help="a clone [default: the whole vllm history, built]")
    parser.add_argument("--week", default="2026-W15")
    parser.add_argument("--runs", type=int, default=7, help="Runs per timing (min and median are shown).")
    parser.add_argument("--calibration", type=Path, default=None, help="Write the calibration table here.")
    args = parser.parse_args()

    with Store(args.db) as store:
        started = time.perf_counter()
        result = sync(store, args.repo or build())
        print(f"sync: {result.new_commits} new commits in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        slug = result.repo.slug

        def one() -> None:
            render_markdown(build_context(store, slug, week(args.week)))

        one_wall, one_cpu = timed(one, args.runs)

        started = time.perf_counter()
        weeks = []
        for ctx in iter_contexts(store, slug, kind="week"):
            render_markdown(ctx)
            weeks.append(ctx)
        every = time.perf_counter() - started

    command = ["report", slug, "--db", str(args.db), "--week", args.week, "--format", "md"]
    with tempfile.TemporaryDirectory() as tmp:
        # as installed: bytecode cached (kept out of the source tree); and with no cache at all
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        cli_runs(command, 1, cached)  # writes the cache
        cli_wall, cli_cpu = cli_runs(command, args.runs, cached)
        # prhub's own modules compiled every run (the standard library keeps its cache)
        nocache = {k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}
        nocache["PYTHONDONTWRITEBYTECODE"] = "1"
        raw_wall, raw_cpu = cli_runs(command, args.runs, nocache)
        every_cmd = ["report", slug, "--db", str(args.db), "--every", "week", "-o", str(Path(tmp) / "weeks")]
        every_wall, every_cpu = cli_runs(every_cmd, 1, cached)

    busy = [c for c in weeks if c["counts"]["merged_prs"] >= BUSY]
    means = [c["importance"]["mean"] for c in busy]
    shares = [c["counts"]["key_prs"] / c["counts"]["merged_prs"] for c in busy]
    all_prs = sum(c["counts"]["merged_prs"] for c in busy)
    all_key = sum(c["counts"]["key_prs"] for c in busy)
    themes = [len(c["themes"]) for c in busy]
    other = [(c["other_theme"] or {"count": 0})["count"] / c["counts"]["merged_prs"] for c in busy]
    quick = [p for c in busy for p in c["prs"][: len(c["key_prs"])] if p["is_key"]]
    named = sum(1 for p in quick if p["theme_key"] != "other")
    w = next((c for c in weeks if c["period"]["label"].startswith(args.week.replace("-", " "))), ctx)

    n = args.runs
    lines = [
        f"`prhub report {slug} --week {args.week} --format md`, {n} runs, a new process each:",
        f"  wall {spread(cli_wall)}; user+sys {spread(cli_cpu)} (bytecode cached, as installed)",
        f"  wall {spread(raw_wall)}; user+sys {spread(raw_cpu)} (PYTHONDONTWRITEBYTECODE=1)",
        f"in process (context + Markdown), {n} runs: wall {spread(one_wall)}; cpu {spread(one_cpu)}",
        f"`prhub report {slug} --every week -o DIR`: {every_wall[0]:.1f} s wall, {every_cpu[0]:.1f} s user+sys",
        f"every weekly report in process ({len(weeks)} weeks, context + Markdown): {every:.1f} s",
        f"calibration over {len(busy)} weeks with >= {BUSY} merged PRs ({all_prs} PRs):",
        f"  weekly mean importance: {quantiles(means)}",
        f"  weekly key share:       {quantiles(shares)}",
        f"  key PRs overall: {all_key}/{all_prs} = {all_key / max(1, all_prs):.1%}",
        f"  themes per week: {quantiles([float(t) for t in themes])}",
        f"  share of PRs in Other changes: {quantiles(other)}",
        f"  key PRs of the quick look with a named theme: {named}/{len(quick)} = {named / max(1, len(quick)):.1%}",
        f"{args.week}: {w['counts']['merged_prs']} PRs, {w['counts']['key_prs']} key, mean {w['importance']['mean']}",
    ]
    print("\n".join(lines))
    if args.calibration:
        kept = args.calibration.read_text(encoding="utf-8") if args.calibration.exists() else ""
        at = kept.find(OTHER_REPOSITORIES)  # measured by bench/bench_signal.py: kept as it is
        args.calibration.write_text(calibration_doc(busy, lines, kept[at:] if at >= 0 else ""), encoding="utf-8")
    return 0


OTHER_REPOSITORIES = "## Other repositories"
METHOD = """## Method

Importance is a weighted sum (`[importance]`, docs/configuration.md): a base, the PR's size and
breadth as percentiles of the repository's own PRs of the preceding `core.history_days` (source
and CI files only: tests, docs, manifests, lock, generated and vendored files weigh nothing), its
core files, its kind, new surface, risks, review and revert. A refactor's size, breadth and core
count three quarters; a mechanical change keeps only the base and its kind.

The sum is then calibrated to the repository's own scored history, so that a week reads the same
in a repository of docs and small fixes (vite) as in one of large kernels (vllm): the PRs of the
trend periods before the reported one (`themes.trend_periods`, 4; when they are fewer than 40, the
core history window, then a year) and the period's own are scored with the period's core files
and percentiles, and one straight line `value = raw * scale + shift` is fitted so that their mean
is `target_mean` (4.75) and their top `key_share` (10%) reach `calibration_anchor` (6.0, the default
`key_threshold`: a threshold of one's own asks for more or fewer key PRs). The slope is
kept within `calibration_min_scale`-`calibration_max_scale` (0.6-1.6): a history whose scores
are all alike is shifted, not stretched without end. Fewer than 20 PRs to fit on: no calibration.
A mechanical change stays half a point below the key threshold whatever the line does. The JSON
shows what the line added or took away as `score.components.calibration`.

Why the periods before, and the period itself: fitted on the period alone, every week would have
exactly one PR in ten key, and a week of releases would look like a week of typo fixes; fitted on
the weeks before alone, a small repository's estimate swings with a handful of PRs. The period's
own PRs move the line a little, not all the way.
"""


def calibration_doc(busy: list[dict], lines: list[str], other: str = "") -> str:
    by_year: dict[str, list[dict]] = {}
    for c in busy:
        by_year.setdefault(c["period"]["start"][:4], []).append(c)
    rows = []
    for year, items in sorted(by_year.items()):
        prs = sum(c["counts"]["merged_prs"] for c in items)
        key = sum(c["counts"]["key_prs"] for c in items)
        mean = statistics.fmean(c["importance"]["mean"] for c in items)
        rows.append(f"| {year} | {len(items)} | {prs / len(items):.0f} | {mean:.2f} | {key / prs:.1%} |")
    hist = [0] * 10
    for c in busy:
        for b, bucket in enumerate(c["importance"]["histogram"]):
            hist[b] += bucket["count"]
    total = sum(hist) or 1
    hist_rows = [f"| {b}-{b + 1} | {n} | {n / total:.1%} |" for b, n in enumerate(hist)]
    recent = busy[-12:]
    recent_rows = [
        f"| {c['period']['label']} | {c['counts']['merged_prs']} | {c['counts']['key_prs']} | "
        f"{c['importance']['mean']} | {', '.join(t['name'] for t in c['themes'][:4])} |"
        for c in recent
    ]
    return "\n".join(
        [
            "# Importance calibration",
            "",
            "Generated by `python bench/bench_report.py --calibration docs/calibration.md` on the whole vllm",
            "history (`../shared/datasets/vllm-history.jsonl.gz`, 20,049 commits). The target: a typical",
            "week's mean importance about 4.5-5, and about one PR in ten key (>= 6.0). The weights are the",
            "defaults of `[importance]` (docs/configuration.md).",
            "",
            "```",
            *lines,
            "```",
            "",
            METHOD,
            "## By year",
            "",
            "| Year | Weeks | PRs per week | Mean of weekly means | Key share |",
            "| --- | --- | --- | --- | --- |",
            *rows,
            "",
            "## Importance of every PR",
            "",
            "| Bucket | PRs | Share |",
            "| --- | --- | --- |",
            *hist_rows,
            "",
            "## The last 12 weeks",
            "",
            "| Week | PRs | Key | Mean | Top themes |",
            "| --- | --- | --- | --- | --- |",
            *recent_rows,
            "",
            *([other.rstrip("\n"), ""] if other else []),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
