"""An independent count of a week's merged PRs, straight from git, to check prhub's PR detection.

It reads every commit reachable from the branch (not only the first parents, so PRs merged on a
maintenance branch and merged back count too) whose committer date falls in the ISO week, and takes
the PR numbers that each workflow's own marker names:

- squash and two-parent merges titled "Title (#N)";
- "Merge pull request #N from ...";
- bors-ng "Merge #N #M ..." and homu "Auto merge of #N - ...";
- "Rollup merge of #N - ...".

Then it prints the count, and, given a report's JSON (``prhub report ... --format json``), the
numbers only one side has. The count is naive on purpose, so it errs in known ways: an issue number
in the title of a commit inside a PR's branch counts, and so do the PR numbers of another project
whose history a subtree merge brings in (rust-analyzer's pulls of rust-lang/rust: ``--below 100000``).

    python bench/count_prs.py /work/repos/flask 2026-W04 [--branch origin/main] [--report flask-W04.json]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from datetime import UTC, date, datetime, timedelta

MARKERS = (
    re.compile(r"\(#(\d+)\)\s*$"),  # squash, or "Title (#N)" merge commit
    re.compile(r"^Merge pull request #(\d+) from "),
    re.compile(r"^Auto merge of #(\d+) "),
    re.compile(r"^Rollup merge of #(\d+) "),
)
BORS = re.compile(r"^Merge ((?:#\d+\s*)+)")


def numbers_in(subject: str) -> set[int]:
    bors = BORS.match(subject)
    if bors:
        return {int(n) for n in re.findall(r"#(\d+)", bors.group(1))}
    for marker in MARKERS:
        found = marker.search(subject)
        if found:
            return {int(found.group(1))}
    return set()


def count(clone: str, iso_week: str, branch: str) -> set[int]:
    year, week = (int(x) for x in iso_week.split("-W"))
    start = datetime.combine(date.fromisocalendar(year, week, 1), datetime.min.time(), UTC)
    end = start + timedelta(days=7)
    out = subprocess.run(
        ["git", "-C", clone, "log", branch, "--format=%ct%x00%s", f"--since={int(start.timestamp()) - 1}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found: set[int] = set()
    for line in out.splitlines():
        stamp, _, subject = line.partition("\x00")
        if start.timestamp() <= int(stamp) < end.timestamp():
            found |= numbers_in(subject)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clone")
    parser.add_argument("week", help="an ISO week, e.g. 2026-W04")
    parser.add_argument("--branch", default="HEAD")
    parser.add_argument("--report", help="a report's JSON for the same week, to compare")
    parser.add_argument("--below", type=int, help="leave out numbers from this one up (another project's)")
    args = parser.parse_args()
    found = count(args.clone, args.week, args.branch)
    if args.below:
        found = {n for n in found if n < args.below}
    print(f"{args.clone} {args.week}: {len(found)} PRs by the git count")
    if args.report:
        with open(args.report, encoding="utf-8") as f:
            listed = {pr["number"] for pr in json.load(f)["prs"] if pr["number"] > 0}
        print(
            f"  the report lists {len(listed)}; only in git: {sorted(found - listed)}; only in the report: "
            f"{sorted(listed - found)}"
        )


if __name__ == "__main__":
    main()
