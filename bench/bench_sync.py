"""Benchmark: `prhub sync` against raw `git log` (the floor) and PyDriller (the peer).

    python bench/bench_sync.py [--runs 3] [--pydriller-commits 1000] [--out bench/out]

Builds the whole vllm dataset into a git repository with make-skeleton-repo
(once; reused from --out afterwards), then measures, run after run:

- raw git: the `git log` a sync runs, to /dev/null; its peak RSS from wait4
- prhub sync of the whole history into a fresh SQLite file (the whole command,
  interpreter start included); peak RSS of the Python process itself
  (getrusage(RUSAGE_SELF) in the process that runs the CLI, git not included)
- PyDriller reading the last N first-parent commits' modified files with their
  added/deleted lines; its per-commit rate extrapolated to the whole history
- an incremental sync after one more week: a repository built up to one week
  before the end is synced, then the full build is fetched into it (the
  builder is deterministic, so the shorter history is a prefix of the longer)
  and `prhub sync` reads the new week

Prints a Markdown table: min / median / max of each over the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from dataset import OUT, build, git

RAW_GIT = ["log", "--first-parent", "--diff-merges=first-parent", "-z", "--raw", "--numstat", "-M", "main"]


@dataclass
class Measure:
    name: str
    commits: int = 0
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    note: str = ""

    def add(self, seconds: float, rss_kb: int) -> None:
        self.seconds.append(seconds)
        self.rss_mb.append(rss_kb / 1024)


def timed_process(cmd: list[str], **kwargs: object) -> tuple[float, int, bytes]:
    """Wall time and peak RSS (KiB, of that process alone) of one command; stdout captured."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return seconds, usage.ru_maxrss, out


def raw_git(repo: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(["git", "-C", str(repo), *RAW_GIT], stdout=null)
        _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("git log failed")
    return time.perf_counter() - started, usage.ru_maxrss


def prhub_sync(repo: Path, db: Path) -> tuple[float, int, dict[str, object]]:
    """One `prhub sync` in a new process: wall time, and the RSS that process reports of itself."""
    seconds, _, out = timed_process([sys.executable, __file__, "--child-prhub", str(repo), str(db)])
    report = json.loads(out.decode().strip().splitlines()[-1])
    return seconds, int(report["self_maxrss_kb"]), report


def pydriller(repo: Path, first: str, last: str) -> tuple[float, int, dict[str, object]]:
    seconds, _, out = timed_process([sys.executable, __file__, "--child-pydriller", str(repo), first, last])
    report = json.loads(out.decode().strip().splitlines()[-1])
    return seconds, int(report["self_maxrss_kb"]), report


def child_prhub(repo: str, db: str) -> None:
    """Run the real CLI in this process, then report this process's own peak RSS."""
    from prhub.cli import main

    started = time.perf_counter()
    try:
        # the sync itself: building the stored reports after it is measured by bench/bench_serve.py
        main(["sync", repo, "--db", db, "--quiet", "--no-reports"], prog_name="prhub", standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"self_maxrss_kb": peak, "in_process_seconds": time.perf_counter() - started}))


def child_pydriller(repo: str, first: str, last: str) -> None:
    """What a PyDriller user writes: every commit's modified files with added/deleted lines."""
    from pydriller import Repository

    commits = files = added = 0
    for commit in Repository(repo, from_commit=first, to_commit=last, only_in_branch="main").traverse_commits():
        commits += 1
        for mod in commit.modified_files:
            files += 1
            added += mod.added_lines + mod.deleted_lines
            _ = (mod.new_path, mod.old_path, mod.change_type)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"self_maxrss_kb": peak, "commits": commits, "files": files, "lines": added}))


def stats(values: list[float], digits: int = 2) -> str:
    return f"{min(values):.{digits}f} / {statistics.median(values):.{digits}f} / {max(values):.{digits}f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="runs of each measurement (default 3)")
    ap.add_argument("--pydriller-commits", type=int, default=1000, help="PyDriller window: the last N commits")
    ap.add_argument("--out", type=Path, default=OUT, help="where the repositories are built and kept")
    ap.add_argument("--child-prhub", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--child-pydriller", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child_prhub:
        return child_prhub(*a.child_prhub)
    if a.child_pydriller:
        return child_pydriller(*a.child_pydriller)

    a.out.mkdir(parents=True, exist_ok=True)
    full = build(a.out / "vllm-full")
    total = int(git(full, "rev-list", "--first-parent", "--count", "main"))
    end = datetime.fromisoformat(git(full, "log", "-1", "--format=%cI", "main"))
    week_before = (end - timedelta(days=7)).isoformat()
    short = build(a.out / "vllm-week-before", week_before)
    short_head = git(short, "rev-parse", "main")
    full_head = git(full, "rev-parse", "main")
    git(short, "fetch", "-q", str(full), "main")
    if subprocess.run(["git", "-C", str(short), "merge-base", "--is-ancestor", short_head, full_head]).returncode:
        raise SystemExit("the shorter build is not a prefix of the full one: make-skeleton-repo is not deterministic")
    new_week = int(git(short, "rev-list", "--first-parent", "--count", f"{short_head}..{full_head}"))
    window = git(full, "rev-list", "--first-parent", "-n", str(a.pydriller_commits), "main").split()
    first, last = window[-1], window[0]

    floor = Measure("raw `git log` (the floor)", total)
    window_git = Measure(f"raw `git log`, last {len(window)} commits", len(window))
    sync = Measure("`prhub sync`, whole history, fresh DB", total)
    driller = Measure(f"PyDriller, last {len(window)} commits", len(window))
    incremental = Measure(f"`prhub sync`, incremental, one more week ({week_before[:10]} on)", new_week)
    with tempfile.TemporaryDirectory(prefix="prhub-bench-") as tmp:
        base_db = Path(tmp) / "week-before.db"
        git(short, "update-ref", "refs/heads/main", short_head)
        prhub_sync(short, base_db)  # the state a user has one week before the end
        for run in range(1, a.runs + 1):
            print(f"run {run}/{a.runs} ...", file=sys.stderr)
            floor.add(*raw_git(full))
            started = time.perf_counter()
            with open(os.devnull, "wb") as null:
                subprocess.run(["git", "-C", str(full), *RAW_GIT[:-1], f"{first}^..{last}"], stdout=null, check=True)
            window_git.add(time.perf_counter() - started, 0)

            db = Path(tmp) / f"full-{run}.db"
            seconds, rss, _ = prhub_sync(full, db)
            sync.add(seconds, rss)

            seconds, rss, report = pydriller(full, first, last)
            driller.add(seconds, rss)
            driller.note = f"{report['files']} files, {report['lines']} lines read"

            db = Path(tmp) / f"incremental-{run}.db"
            shutil.copy(base_db, db)
            git(short, "update-ref", "refs/heads/main", full_head)  # the week arrives, as `git pull` brings it
            seconds, rss, _ = prhub_sync(short, db)
            incremental.add(seconds, rss)
            git(short, "update-ref", "refs/heads/main", short_head)
    git(short, "update-ref", "refs/heads/main", short_head)
    print(table(floor, window_git, sync, driller, incremental, total, a.runs))


def table(
    floor: Measure, window_git: Measure, sync: Measure, driller: Measure, inc: Measure, total: int, runs: int
) -> str:
    git_median = statistics.median(floor.seconds)
    sync_median = statistics.median(sync.seconds)
    per_commit = statistics.median(driller.seconds) / driller.commits
    extrapolated = per_commit * total
    rows = [
        "| measurement | commits | seconds min / median / max | vs raw git | commits/s | peak RSS MB (median) |",
        "|---|---:|---:|---:|---:|---:|",
        f"| {floor.name} | {floor.commits} | {stats(floor.seconds)} | 1.00x | {total / git_median:,.0f} "
        f"| {statistics.median(floor.rss_mb):.0f} (git) |",
        f"| {sync.name} | {sync.commits} | {stats(sync.seconds)} | {sync_median / git_median:.2f}x "
        f"| {total / sync_median:,.0f} | {statistics.median(sync.rss_mb):.0f} (Python process) |",
        f"| {window_git.name} | {window_git.commits} | {stats(window_git.seconds)} | | "
        f"{window_git.commits / statistics.median(window_git.seconds):,.0f} | |",
        f"| {driller.name} ({driller.note}) | {driller.commits} | {stats(driller.seconds)} | | "
        f"{1 / per_commit:,.0f} | {statistics.median(driller.rss_mb):.0f} (Python process) |",
        f"| PyDriller, extrapolated to {total} commits | {total} | {extrapolated:.1f} | "
        f"{extrapolated / git_median:.1f}x | | |",
        f"| {inc.name} | {inc.commits} | {stats(inc.seconds)} | | | {statistics.median(inc.rss_mb):.0f} |",
        "",
        f"prhub sync vs PyDriller (extrapolated): {extrapolated / sync_median:.1f}x faster; "
        f"{runs} runs, {os.cpu_count()} CPUs, {sys.version.split()[0]}, {git_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at the end.",
        "prhub sync / raw git of the same run (each run times one right after the other, so a busy "
        f"machine weighs on both): {stats([p / g for p, g in zip(sync.seconds, floor.seconds, strict=True)])}.",
    ]
    return "\n".join(rows)


def git_version() -> str:
    return subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
