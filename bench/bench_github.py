"""Benchmark: requests and rate-limit points of `prhub sync --github` at vllm's scale.

    python bench/bench_github.py [--out bench/out] [--week 2026-W15]

The git side is the whole vllm dataset (bench/dataset.py builds it once). The
GitHub side is the local fake (tests/fakegithub.py), loaded with one merged PR
for every PR git found, joined by number and merge commit, with a review load
shaped like a busy project's (most PRs lightly reviewed, a tail with dozens of
threads). The fake charges each query with GitHub's documented formula, so the
points printed are what GitHub would charge for the same queries.

Two runs, as a user meets them:
- the whole history: the first `sync --github` of a fresh store;
- one week: every PR merged in --week updated again (relabelled, commented),
  then an incremental `sync --github`.
Targets: a week in at most 10 requests and 30 points; the whole history within
one hour's budget (5,000 points).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests"), str(HERE.parent / "src")]

from dataset import OUT, build  # noqa: E402

from fakegithub import FakeGitHub, iso, make_pr  # noqa: E402
from prhub.config import load as load_settings  # noqa: E402
from prhub.github_sync import sync_github  # noqa: E402
from prhub.period import week  # noqa: E402
from prhub.sources.github import GitHubClient  # noqa: E402
from prhub.store import Store  # noqa: E402

TOKEN = "bench-token"
SLUG = "vllm-project/vllm"
PATHS = ["vllm/model_executor/layers/fused_moe/layer.py", "vllm/v1/worker/gpu_model_runner.py", "tests/test_x.py"]


def review_load(rng: random.Random) -> tuple[list, list]:
    """Reviews and threads of one PR: 55% none, 25% a few, 14% a dozen, 6% a long discussion."""
    draw = rng.random()
    n_threads = (
        0
        if draw < 0.55
        else rng.randint(1, 3)
        if draw < 0.8
        else rng.randint(4, 12)
        if draw < 0.94
        else (rng.randint(13, 60))
    )
    states = ["COMMENTED", "APPROVED", "CHANGES_REQUESTED"]
    n_reviews = rng.randint(0 if n_threads == 0 else 1, 2 + n_threads // 2)
    reviews = [(f"reviewer{rng.randint(1, 40)}", rng.choice(states), "") for _ in range(n_reviews)]
    talk = [("reviewer1", "Why is this needed?"), ("author", "Done.")]
    threads = [(rng.choice(PATHS), rng.random() < 0.8, talk[: rng.randint(1, 2)]) for _ in range(n_threads)]
    return reviews, threads


def fake_prs(db: Path, seed: int = 15) -> list[dict]:
    rng = random.Random(seed)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT number, title, merged_at, merge_sha FROM pull_requests ORDER BY number").fetchall()
    prs = []
    for number, title, merged_at, sha in rows:
        reviews, threads = review_load(rng)
        prs.append(
            make_pr(
                SLUG,
                number,
                title,
                merged_at,
                merge_oid=sha,
                author=f"dev{rng.randint(1, 900)}",
                labels=rng.sample(
                    ["ready", "v1", "rocm", "performance", "documentation", "ci/build"], rng.randint(0, 3)
                ),
                reviews=reviews,
                threads=threads,
                issue_comments=rng.randint(0, 8),
                body="Test Result: 12 passed" if rng.random() < 0.5 else "",
            )  # fmt: skip
        )
    return prs


def run(store: Store, fake: FakeGitHub) -> dict[str, float]:
    repo = store.repository(SLUG)
    settings = load_settings(None, repo.path, slug=SLUG)
    requests, points = fake.requests, fake.points
    started = time.perf_counter()
    with GitHubClient(TOKEN, fake.api, timeout=120) as client:
        result = sync_github(store, repo, client, settings)
    return {
        "requests": fake.requests - requests,
        "points": fake.points - points,
        "prs": result.prs,
        "pages": result.pages,
        "completed": result.completed,
        "seconds": time.perf_counter() - started,
        "remaining": result.remaining or 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--week", default="2026-W15")
    args = parser.parse_args()
    repo_path = build(args.out / "vllm-full")
    subprocess.run(["git", "-C", str(repo_path), "remote", "remove", "origin"], capture_output=True)
    subprocess.run(["git", "-C", str(repo_path), "remote", "add", "origin", f"https://github.com/{SLUG}.git"],
                   check=True)  # fmt: skip
    db = args.out / "bench-github.db"
    for stale in args.out.glob("bench-github.db*"):
        stale.unlink()
    subprocess.run([sys.executable, "-m", "prhub", "sync", str(repo_path), "--db", str(db), "-q"], check=True)
    prs = fake_prs(db)
    with FakeGitHub(TOKEN, prs, SLUG) as fake, Store(db) as store:
        fake.limit = 10**6  # measure the points, whatever they come to; the table compares them with 5,000
        whole = run(store, fake)
        period = week(args.week)
        start, end = period.start.timestamp(), period.end.timestamp()
        touched = [p for p in fake.prs if start <= _ts(p["mergedAt"]) < end]
        now = time.time()
        for p in touched:
            p["updatedAt"] = iso(now)
            p["labels"] = p["labels"] + [{"__typename": "Label", "id": "L_new", "name": "new-label", "color": "x"}]
        one_week = run(store, fake)
    print(f"GitHub sync at vllm scale: {len(prs):,} merged PRs, {len(touched)} updated in {args.week}\n")
    print("| run | PRs read | requests | points | key PRs completed | seconds (fake, local) | target |")
    print("|---|---|---|---|---|---|---|")
    print(f"| whole history | {whole['prs']:,} | {whole['requests']} | {whole['points']:,} | {whole['completed']} | "
          f"{whole['seconds']:.0f} | <= 5,000 points (one hour) |")  # fmt: skip
    print(f"| one week ({args.week}) | {one_week['prs']} | {one_week['requests']} | {one_week['points']} | "
          f"{one_week['completed']} | {one_week['seconds']:.1f} | <= 10 requests, <= 30 points |")  # fmt: skip


def _ts(value: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


if __name__ == "__main__":
    main()
