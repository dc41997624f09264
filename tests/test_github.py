"""``prhub sync --github`` against a local fake GitHub (tests/fakegithub.py): what is stored, incremental
and resumed syncs, every rate-limit and fault case, and the token kept out of every output."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import run_prhub
from fakegithub import FakeGitHub, make_pr, query_cost
from gitrepo import EPOCH, ScriptedRepo
from prhub.errors import GitHubError, RateLimitError
from prhub.sources.github import SEARCH_QUERY, GitHubClient, GitHubSource, graphql_url

TOKEN = "ghp_fakeTokenForTests0123456789abcdef"
REPO = "acme/widgets"
REVIEWERS = ("bob", "carol")


def pr_record(n: int, sha: str, **extra: Any) -> dict[str, Any]:
    """A merged PR modelled on a busy project's: labels, a change request then an approval, threads."""
    fields: dict[str, Any] = {
        "author": f"dev{n % 3}",
        "author_name": f"Developer {n % 3}",
        "labels": ["performance", "ci/build"] if n % 2 else ["documentation"],
        "reviews": [("bob", "CHANGES_REQUESTED", "Please sync on the GPU before freeing."), ("carol", "APPROVED", "")],
        "threads": [
            (f"src/mod{n}.py", i % 2 == 0, [("bob", f"Is point {i} safe under load?"), (f"dev{n % 3}", "Fixed.")])
            for i in range(7)
        ],
        "body": "Adds a fused path.\n\n## Test Result\n\n```\n12 passed in 3.10s\n```\n\nThroughput: 2.5x faster",
        "closes": [900 + n],
        "milestone": "v1.0" if n == 1 else None,
        "issue_comments": n,
        "additions": n * 3,
        "deletions": 0,
    }
    fields.update(extra)
    return make_pr(REPO, n, f"[Kernel] Change {n}", EPOCH + n * 3600, merge_oid=sha, **fields)


@pytest.fixture
def clone(tmp_path: Path) -> tuple[ScriptedRepo, dict[int, str]]:
    repo = ScriptedRepo(tmp_path / "widgets")
    shas = {}
    for n in range(1, 8):
        repo.lines(f"src/mod{n}.py", n * 3)
        shas[n] = repo.commit(f"[Kernel] Change {n} (#{n})", at=EPOCH + n * 3600)
    repo.git("remote", "add", "origin", f"https://github.com/{REPO}.git")
    return repo, shas


@pytest.fixture
def github(clone: tuple[ScriptedRepo, dict[int, str]]) -> Any:
    _, shas = clone
    with FakeGitHub(TOKEN, [pr_record(n, sha) for n, sha in shas.items()], REPO) as fake:
        yield fake


def env_for(fake: FakeGitHub, **extra: str) -> dict[str, str]:
    return {
        "GITHUB_TOKEN": TOKEN,
        "GH_TOKEN": "",
        "PRHUB_GITHUB_API": fake.api,
        "PRHUB_GITHUB_PAGE_SIZE": "3",
        "PRHUB_GITHUB_BACKOFF": "0.05",
        "PRHUB_GITHUB_TIMEOUT": "5",
        **extra,
    }


def sync(repo: ScriptedRepo, db: Path, fake: FakeGitHub, **extra: str) -> subprocess.CompletedProcess[str]:
    return run_prhub("sync", str(repo.path), "--db", str(db), "--github", env=env_for(fake, **extra))


def rows(db: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def one_error(proc: subprocess.CompletedProcess[str], code: int = 1) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("prhub: error: ")]
    assert len(errors) == 1, proc.stderr
    return errors[0]


# -- what is stored -----------------------------------------------------------------------------------------
def test_sync_stores_what_git_lacks(clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path):
    repo, shas = clone
    db = tmp_path / "prhub.db"
    proc = sync(repo, db, github)
    assert proc.returncode == 0, proc.stderr
    # each page says what it cost, and the summary gives the totals against the budget
    assert "github: page 1 · 3 PRs · cost 1 · 4,999/5,000 points left" in proc.stderr
    assert "acme/widgets github: 7 PRs in 3 pages" in proc.stdout and "of 5,000 left" in proc.stdout
    assert "7 joined to git" in proc.stdout

    [pr] = rows(
        db,
        """SELECT author_login, author_name, title, body, base_ref, merge_oid, additions, issue_comments, milestone,
                  merged_by, git_check FROM github_pull_requests WHERE number = 1""",
    )
    assert pr[:3] == ("dev1", "Developer 1", "[Kernel] Change 1")
    assert "```\n12 passed in 3.10s\n```" in pr[3]  # Markdown kept as written
    assert pr[4:] == ("main", shas[1], 3, 1, "v1.0", "maintainer", "same")
    assert rows(db, "SELECT name FROM github_labels WHERE number = 1 ORDER BY idx") == [("performance",), ("ci/build",)]
    assert rows(db, "SELECT author, state FROM github_reviews WHERE number = 1 ORDER BY idx") == [
        ("bob", "CHANGES_REQUESTED"),
        ("carol", "APPROVED"),
    ]
    assert rows(db, "SELECT issue_number, issue_repo FROM github_linked_issues WHERE number = 2") == [(902, REPO)]
    # the page holds 5 threads per PR; the week's quick look (5 PRs) got all 7 of theirs, the others keep 5
    complete = [n for (n,) in rows(db, "SELECT number FROM github_pull_requests WHERE threads_complete = 1")]
    assert len(complete) == 5
    for n in range(1, 8):
        threads = 7 if n in complete else 5
        assert rows(db, "SELECT count(*) FROM github_review_threads WHERE number = ?", n) == [(threads,)]
        assert rows(db, "SELECT count(*) FROM github_review_comments WHERE number = ?", n) == [(2 * threads,)]


def test_incremental_sync_reads_only_updated_prs(
    clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path
):
    repo, shas = clone
    db = tmp_path / "prhub.db"
    assert sync(repo, db, github).returncode == 0
    before = github.requests
    # relabelled after its merge: GitHub moves its updatedAt
    github.add(pr_record(2, shas[2], labels=["bug"], updated_at=EPOCH + 30 * 86400))
    proc = sync(repo, db, github)
    assert proc.returncode == 0, proc.stderr
    assert rows(db, "SELECT name FROM github_labels WHERE number = 2") == [("bug",)]
    assert github.requests - before <= 2  # one search page (and at most one completion)
    assert rows(db, "SELECT count(*) FROM github_pull_requests") == [(7,)]
    queries = [body for body in github.bodies[before:] if "PrhubMergedPullRequests" in body]
    assert queries and all("updated:>=" in q for q in queries)


def test_killed_sync_resumes_without_gap_or_duplicate(
    clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path
):
    repo, _ = clone
    clean_db, killed_db = tmp_path / "clean.db", tmp_path / "killed.db"
    assert sync(repo, clean_db, github, PRHUB_GITHUB_PAGE_SIZE="1").returncode == 0
    assert run_prhub("sync", str(repo.path), "--db", str(killed_db)).returncode == 0  # git first, unhurried
    github.delay = 0.3
    start = github.requests
    proc = subprocess.Popen(
        [sys.executable, "-m", "prhub", "sync", str(repo.path), "--db", str(killed_db), "--github"],
        env={**os.environ, **env_for(github, PRHUB_GITHUB_PAGE_SIZE="1")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 30
    while github.requests < start + 3 and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    github.delay = 0.0
    partial = rows(killed_db, "SELECT count(*) FROM github_pull_requests")[0][0]
    assert 0 < partial < 7
    assert sync(repo, killed_db, github, PRHUB_GITHUB_PAGE_SIZE="1").returncode == 0
    for table in ("github_pull_requests", "github_labels", "github_reviews", "github_review_threads",
                  "github_review_comments", "github_linked_issues"):  # fmt: skip
        assert rows(killed_db, f"SELECT * FROM {table} ORDER BY 1, 2, 3") == rows(
            clean_db, f"SELECT * FROM {table} ORDER BY 1, 2, 3"
        ), table


# -- bad input: one line ---------------------------------------------------------------------------------------
def test_missing_token_is_one_line(clone: tuple[ScriptedRepo, dict[int, str]], tmp_path: Path):
    repo, _ = clone
    proc = run_prhub(
        "sync", str(repo.path), "--db", str(tmp_path / "db"), "--github", env={"GITHUB_TOKEN": "", "GH_TOKEN": ""}
    )
    assert "--github needs a token: export GITHUB_TOKEN" in one_error(proc)


def test_gh_token_is_read_too(clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path):
    repo, _ = clone
    proc = run_prhub(
        "sync", str(repo.path), "--db", str(tmp_path / "db"), "--github",
        env={**env_for(github), "GITHUB_TOKEN": "", "GH_TOKEN": TOKEN},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def test_bad_token_is_one_line(clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path):
    repo, _ = clone
    proc = run_prhub(
        "sync", str(repo.path), "--db", str(tmp_path / "db"), "--github",
        env={**env_for(github), "GITHUB_TOKEN": "ghp_wrong"},
    )  # fmt: skip
    line = one_error(proc)
    assert "GitHub rejected the token (401 Bad credentials)" in line and "ghp_wrong" not in proc.stderr


def test_missing_permission_is_one_line(clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path):
    repo, _ = clone
    github.fault("forbidden")
    line = one_error(sync(repo, tmp_path / "db", github))
    assert "GitHub refused access (HTTP 403: Resource not accessible by personal access token)" in line


def test_unknown_repository_is_one_line(clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path):
    repo, _ = clone
    github.repo = "acme/other"
    line = one_error(sync(repo, tmp_path / "db", github))
    assert "repository acme/widgets not found, or the token cannot read it" in line


def test_no_github_remote(tmp_path: Path, github: FakeGitHub):
    repo = ScriptedRepo(tmp_path / "local")
    repo.commit("Change (#1)")
    line = one_error(sync(repo, tmp_path / "db", github))
    assert "no GitHub remote" in line


def test_enterprise_api_root_maps_to_its_graphql_endpoint():
    assert graphql_url("https://ghe.example.com/api/v3") == "https://ghe.example.com/api/graphql"
    assert graphql_url("https://api.github.com/") == "https://api.github.com/graphql"


def test_enterprise_path_is_served(clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path):
    repo, _ = clone
    proc = sync(repo, tmp_path / "db", github, PRHUB_GITHUB_API=github.api + "/api/v3")
    assert proc.returncode == 0, proc.stderr


# -- faults, each retried or waited for -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("status", {"status": 502}),
        ("status", {"status": 504}),
        ("timeout", {"seconds": 2.5}),
        ("secondary", {"status": 403, "retry_after": 1}),
        ("secondary", {"status": 429, "retry_after": 1}),
        ("rate_limited", {}),
        ("null_nodes", {"indices": [1]}),
    ],
)
def test_faults_are_survived(
    clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path, kind: str, options: dict
):
    repo, _ = clone
    db = tmp_path / "prhub.db"
    github.fault(kind, **options)
    extra = {"PRHUB_GITHUB_TIMEOUT": "1", "PRHUB_GITHUB_SECONDARY_WAIT": "0.2"}
    proc = sync(repo, db, github, **extra)
    assert proc.returncode == 0, proc.stderr
    assert rows(db, "SELECT count(*) FROM github_pull_requests") == [(7,)]  # nothing lost: retried, or asked again
    assert not github.faults  # the fault was met (and survived)


def test_null_nodes_twice_keep_the_rest_and_say_so(
    clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path
):
    repo, _ = clone
    db = tmp_path / "prhub.db"
    github.fault("null_nodes", times=2, indices=[0])
    proc = sync(repo, db, github)
    assert proc.returncode == 0, proc.stderr
    assert "prhub: github: 1 PR(s) GitHub could not give (SERVICE_UNAVAILABLE" in proc.stderr
    assert rows(db, "SELECT count(*) FROM github_pull_requests") == [(6,)]


def test_budget_spent_says_so_and_how_to_resume(
    clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path
):
    repo, _ = clone
    db = tmp_path / "prhub.db"
    assert sync(repo, db, github).returncode == 0
    github.add(pr_record(3, "0" * 40, updated_at=EPOCH + 40 * 86400))
    github.fault("exhaust", reset_in=3000)
    line = one_error(sync(repo, db, github, PRHUB_GITHUB_MAX_WAIT="5"), code=75)
    assert "GitHub rate limit spent (0 of 5,000 points left, resets at" in line
    assert f"run `prhub sync {repo.path} --github` again after" in line and "to resume" in line


def test_primary_limit_waits_for_the_reset_when_it_is_near(
    clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path
):
    repo, _ = clone
    db = tmp_path / "prhub.db"
    github.fault("exhaust", reset_in=2)
    started = time.time()
    proc = sync(repo, db, github)
    assert proc.returncode == 0, proc.stderr
    assert time.time() - started >= 1  # it waited for the reset, then went on
    assert rows(db, "SELECT count(*) FROM github_pull_requests") == [(7,)]


# -- the client's waiting, without waiting (a recorded sleep) ----------------------------------------------------
class Recorder:
    def __init__(self) -> None:
        self.slept: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)


def client_for(fake: FakeGitHub, sleep: Recorder, **kw: Any) -> GitHubClient:
    return GitHubClient(TOKEN, fake.api, sleep=sleep, timeout=5, **kw)


def test_secondary_limit_without_retry_after_waits_60s_then_doubles(github: FakeGitHub):
    sleep = Recorder()
    github.fault("secondary", times=3, status=403)
    with client_for(github, sleep, max_wait=1000) as client:
        client.secondary_fallback = 60.0
        prs = [pr for page in GitHubSource(client, "acme", "widgets", 10).fetch(None) for pr in page.records]
    assert len(prs) == 7
    assert sleep.slept == [60.0, 120.0, 240.0]


def test_total_waiting_is_bounded(github: FakeGitHub):
    sleep = Recorder()
    github.fault("secondary", times=5, status=429)
    with client_for(github, sleep, max_wait=200) as client, pytest.raises(RateLimitError) as caught:
        client.secondary_fallback = 60.0
        list(GitHubSource(client, "acme", "widgets", 10).fetch(None))
    assert sum(sleep.slept) <= 200
    assert "beyond the 200 s this sync may wait" in str(caught.value)


def test_transient_errors_back_off_exponentially_then_give_up(github: FakeGitHub):
    sleep = Recorder()
    github.fault("status", times=6, status=502)
    with client_for(github, sleep) as client, pytest.raises(GitHubError) as caught:
        client.backoff, client.retries = 1.0, 5
        list(GitHubSource(client, "acme", "widgets", 100).fetch(None))
    assert sleep.slept == [1.0, 2.0, 4.0, 8.0]
    assert "HTTP 502 5 times in a row" in str(caught.value)


def test_a_502_halves_the_page(github: FakeGitHub):
    sleep = Recorder()
    github.fault("status", status=502)
    with client_for(github, sleep) as client:
        source = GitHubSource(client, "acme", "widgets", 100)
        list(source.fetch(None))
    assert source.page_size == 50


def test_cost_follows_githubs_formula():
    from graphql import parse

    # 1 search + 100 x (labels, comments, closing issues, reviews, threads) + 100 x 5 thread comments = 1001
    points, requests = query_cost(parse(SEARCH_QUERY), {"first": 100, "threads": 5, "comments": 10})
    assert (points, requests) == (10, 1001)


# -- the token stays secret -------------------------------------------------------------------------------------
def test_token_never_appears_in_output_database_or_pages(
    clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path
):
    repo, _ = clone
    db = tmp_path / "prhub.db"
    outputs = []
    github.fault("status", status=502)
    github.fault("secondary", retry_after=0)
    outputs.append(sync(repo, db, github, PRHUB_DEBUG="1"))
    github.fault("exhaust", reset_in=3000)
    github.add(pr_record(4, "1" * 40, updated_at=EPOCH + 50 * 86400))
    outputs.append(sync(repo, db, github, PRHUB_GITHUB_MAX_WAIT="1"))
    for fmt in ("md", "json", "html"):
        outputs.append(run_prhub("report", REPO, "--db", str(db), "--since", "2026-04-01", "--format", fmt))
    for proc in outputs:
        assert TOKEN not in proc.stdout and TOKEN not in proc.stderr
    site = tmp_path / "site"
    assert run_prhub("site", str(site), "--db", str(db), "-q").returncode == 0
    for path in [db, *db.parent.glob("prhub.db*"), *site.rglob("*")]:
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


# -- the report reads it ------------------------------------------------------------------------------------------
@pytest.fixture
def synced(clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path) -> Path:
    repo, _ = clone
    db = tmp_path / "prhub.db"
    assert sync(repo, db, github).returncode == 0
    return db


def report(db: Path, fmt: str = "md", lang: str = "en") -> str:
    proc = run_prhub("report", REPO, "--db", str(db), "--week", "2026-W15", "--format", fmt, "--lang", lang)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_report_uses_github_labels_logins_and_review_activity(synced: Path):
    import json

    ctx = json.loads(report(synced, "json"))
    by_number = {pr["number"]: pr for pr in ctx["prs"]}
    one, two = by_number[1], by_number[2]
    # GitHub's labels first, with source github; "ci/build" takes the label rules' names; the title tag stays
    assert one["labels"][0] == {"name": "performance", "source": "github"}
    assert {"name": "kernel", "source": "title-tag"} in one["labels"]
    assert two["labels"][0] == {"name": "documentation", "source": "github"} or two["labels"][0]["source"] == "github"
    assert one["author"] == "dev1"  # the login, not git's "Alice Liddell"
    assert one["score"]["components"]["review"] > 0
    review = one["review"]
    assert review["approvals"] == ["carol"] and review["changes_requested"] == ["bob"]
    assert review["unresolved_threads"] in (3, 2)  # 3 of 7 when completed, 2 of the page's 5 otherwise
    assert all(link["url"].startswith("https://github.com/acme/widgets/pull/1#pullrequestreview-") for link in
               review["links"])  # fmt: skip


def test_quick_look_says_what_the_review_concluded_and_quotes_claims(synced: Path):
    text = report(synced)
    quick = text.split("## Key PR quick look", 1)[1].split("## Follow-up", 1)[0]
    assert "Review: approved by [carol](https://github.com/acme/widgets/pull/" in quick
    assert "changes requested by [bob](" in quick and "still open at merge" in quick
    assert "3 of 7 review threads unresolved" in quick and "14 review comments" in quick
    assert "Points raised in review (quoted): bob on `src/mod" in quick
    assert (
        "The description says (quoted, not checked by prhub): “12 passed in 3.10s” and “Throughput: 2.5x faster”"
        in quick
    )
    zh = report(synced, lang="zh")
    assert "评审结论：[carol](" in zh and "PR 描述自述（原文引用，prhub 未核实）" in zh


def test_change_request_then_approval_reads_as_addressed(
    clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path
):
    repo, shas = clone
    reviews = [
        ("bob", "CHANGES_REQUESTED", "Free after sync."),
        ("dev1", "COMMENTED", "Done."),
        ("bob", "APPROVED", ""),
    ]
    github.add(pr_record(1, shas[1], reviews=reviews, threads=[]))
    db = tmp_path / "prhub.db"
    assert sync(repo, db, github).returncode == 0
    import json

    [pr] = [p for p in json.loads(report(db, "json"))["prs"] if p["number"] == 1]
    assert pr["review"]["approvals"] == ["bob"] and pr["review"]["addressed"] == ["bob"]
    assert pr["review"]["reviewers"] == ["bob"]  # the author's reply is not a review


def test_web_page_links_each_review(synced: Path):
    page = report(synced, "html")
    assert 'href="https://github.com/acme/widgets/pull/1#pullrequestreview-100"' in page  # bob's
    assert 'href="https://github.com/acme/widgets/pull/1#pullrequestreview-101"' in page  # carol's


def test_description_claims_are_lines_of_the_body():
    from prhub.analysis.review import claims, first_line

    body = "<!-- template: describe -->\nFixes a leak.\n\n- Throughput: 1,200 tok/s (was 900)\n```\n3 passed\n```\n"
    assert claims(body) == [
        {"kind": "benchmark", "quote": "Throughput: 1,200 tok/s (was 900)"},
        {"kind": "test", "quote": "3 passed"},
    ]
    assert claims("Refactor only.") == []
    assert first_line("> quoted\n```suggestion\nx = 1\n```\n**Why** not free here?") == "**Why** not free here?"


def test_process_labels_are_left_out(clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, tmp_path: Path):
    import json

    repo, shas = clone
    github.add(pr_record(1, shas[1], labels=["ready", "Ready-For-CI", "rocm"]))
    (repo.path / "prhub.toml").write_text('[github]\nignore_labels = ["ready", "ready-*"]\n', encoding="utf-8")
    db = tmp_path / "prhub.db"
    assert sync(repo, db, github).returncode == 0
    proc = run_prhub("report", str(repo.path), "--db", str(db), "--week", "2026-W15", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    [pr] = [p for p in json.loads(proc.stdout)["prs"] if p["number"] == 1]
    github_labels = [label["name"] for label in pr["labels"] if label["source"] == "github"]
    assert github_labels == ["rocm"]


def test_an_author_known_by_login_is_no_newcomer_under_a_new_email(tmp_path: Path):
    import json

    from gitrepo import Who

    repo = ScriptedRepo(tmp_path / "widgets")
    repo.lines("a.py", 1)
    old = repo.commit("Add a (#1)", author=Who("D. One", "one@old.example"), at=EPOCH - 14 * 86400)
    repo.lines("b.py", 1)
    new = repo.commit("Add b (#2)", author=Who("Dev One", "one@new.example"), at=EPOCH + 3600)
    repo.git("remote", "add", "origin", f"https://github.com/{REPO}.git")
    prs = [make_pr(REPO, 1, "Add a", EPOCH - 14 * 86400, author="dev1", merge_oid=old),
           make_pr(REPO, 2, "Add b", EPOCH + 3600, author="dev1", merge_oid=new)]  # fmt: skip
    db = tmp_path / "prhub.db"
    with FakeGitHub(TOKEN, prs, REPO) as fake:
        assert sync(repo, db, fake).returncode == 0
    for args in (["--week", "2026-W15"], ["--every", "week", "-o", str(tmp_path / "weeks")]):
        proc = run_prhub("report", REPO, "--db", str(db), "--format", "json", *args)
        assert proc.returncode == 0, proc.stderr
    ctx = json.loads(run_prhub("report", REPO, "--db", str(db), "--week", "2026-W15", "--format", "json").stdout)
    assert [pr["author"] for pr in ctx["prs"]] == ["dev1"]
    assert ctx["contributors"]["first_time"] == []
    weekly = json.loads((tmp_path / "weeks").joinpath(next(p.name for p in (tmp_path / "weeks").iterdir()
                                                           if "2026-04-06" in p.name)).read_text())  # fmt: skip
    assert weekly["contributors"]["first_time"] == []


def test_github_data_on_each_backend(
    clone: tuple[ScriptedRepo, dict[int, str]], github: FakeGitHub, db_url: str
):  # fmt: skip
    import json

    repo, _ = clone
    for _ in range(2):  # the second sync: incremental, the PR at the watermark read again and kept
        proc = run_prhub("sync", str(repo.path), "--db", db_url, "--github", env=env_for(github))
        assert proc.returncode == 0, proc.stderr
    assert "stored 7 GitHub PRs, 7 joined to git" in proc.stdout
    proc = run_prhub("report", REPO, "--db", db_url, "--week", "2026-W15", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    [pr] = [p for p in json.loads(proc.stdout)["prs"] if p["number"] == 1]
    assert pr["author"] == "dev1" and pr["labels"][0] == {"name": "performance", "source": "github"}
    assert pr["review"]["approvals"] == ["carol"] and pr["score"]["components"]["review"] > 0


def test_nul_characters_from_github_are_stored_replaced_on_each_backend(
    clone: tuple[ScriptedRepo, dict[int, str]], db_url: str
):  # fmt: skip
    """PostgreSQL's text cannot hold NUL: a PR body, label or review with one is stored with U+FFFD, said once."""
    import json

    repo, shas = clone
    records = [pr_record(n, sha) for n, sha in shas.items()]
    records[0] = pr_record(
        1, shas[1], body="Fast\x00 path", labels=["perf\x00"], reviews=[("bob", "APPROVED", "ok\x00 then")]
    )
    with FakeGitHub(TOKEN, records, REPO) as fake:
        proc = run_prhub("sync", str(repo.path), "--db", db_url, "--github", env=env_for(fake))
    assert proc.returncode == 0, proc.stderr
    assert "prhub: github: NUL characters in PR texts from GitHub were stored as U+FFFD" in proc.stderr
    assert "stored 7 GitHub PRs, 7 joined to git" in proc.stdout
    proc = run_prhub("report", REPO, "--db", db_url, "--week", "2026-W15", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    [pr] = [p for p in json.loads(proc.stdout)["prs"] if p["number"] == 1]
    assert pr["labels"][0]["name"].startswith("perf") and pr["review"]["approvals"] == ["bob"]
