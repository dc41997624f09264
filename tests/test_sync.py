"""Sync as a user runs it: incremental, force-pushed branches, killed part-way,
and the real vllm window (2026-03-23 to 2026-04-20)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import DATASET, SKELETON, WINDOW_SINCE, run_prhub
from gitrepo import ALICE, BOB, EPOCH, FORGE, ScriptedRepo
from prhub.store import open_store
from prhub.sync import slug_for

W15_START = 1775433600  # 2026-04-06T00:00:00Z
W15_END = W15_START + 7 * 86400


def dump(db: Path | str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the one repository in ``db`` (a file or a URL), table by table."""
    with open_store(db) as store:
        [repo] = store.repositories()
        rows: dict[str, list[tuple[object, ...]]] = {}
        for table, row in store.dump(repo.id):
            rows.setdefault(table, []).append(row)
        return rows


def sync_ok(path: Path, db: Path | str, *args: str, env: dict[str, str] | None = None) -> str:
    proc = run_prhub("sync", str(path), "--db", str(db), *args, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout + proc.stderr


@pytest.fixture
def repo(tmp_path: Path) -> ScriptedRepo:
    r = ScriptedRepo(tmp_path / "repo")
    for n in range(1, 4):
        r.lines(f"mod{n}.py", n)
        r.commit(f"Change {n} (#{n})", author=BOB, committer=FORGE)
    return r


def query(db: Path | str, sql: str) -> list[tuple[object, ...]]:
    with open_store(db) as store:
        return [tuple(row) for row in store.execute(sql)]


def test_second_sync_reads_only_new_commits(repo: ScriptedRepo, new_db: Callable[[], str], tmp_path: Path) -> None:
    db = new_db()
    first = sync_ok(repo.path, db)
    assert "3 new commits, 3 new PRs" in first
    old_head = repo.head()

    again = sync_ok(repo.path, db)
    assert f"already up to date at {old_head[:12]}" in again

    repo.lines("mod4.py", 4)
    repo.commit("Change 4 (#4)", author=BOB, committer=FORGE)
    repo.lines("mod5.py", 5)
    repo.commit("Direct fix", author=ALICE)
    trace = tmp_path / "git-trace.txt"
    out = sync_ok(repo.path, db, env={"GIT_TRACE": str(trace)})
    assert "2 new commits, 1 new PR" in out and "stored 5 commits, 4 PRs, 1 direct push" in out
    # the one git log of this sync asked only for what came after the stored head
    logs = {line.split("trace: ", 1)[1] for line in trace.read_text().splitlines() if "built-in: git log " in line}
    assert len(logs) == 1 and f" {old_head}..{repo.head()} --" in logs.pop()

    clean = new_db()
    sync_ok(repo.path, clean)
    assert dump(db) == dump(clean)


def test_force_pushed_branch_drops_commits_that_left_it(repo: ScriptedRepo, new_db: Callable[[], str]) -> None:
    db = new_db()
    base = repo.head()
    # a rebase run (two commits, one committer time) ends in #5, then a direct push
    for i, msg in enumerate(["Step one", "Step two (#5)"]):
        repo.lines(f"run{i}.py", 1)
        repo.commit(msg, author=ALICE, committer=FORGE, at=EPOCH + 9000 + i, committed=EPOCH + 9999)
    repo.lines("hotfix.py", 1)
    old_head = repo.commit("Hotfix", author=ALICE)
    sync_ok(repo.path, db)

    repo.git("reset", "-q", "--hard", base)  # rewrite everything after base
    repo.lines("other.py", 2)
    repo.commit("Another way (#6)", author=BOB, committer=FORGE, at=EPOCH + 20000)
    out = sync_ok(repo.path, db)
    assert f"main was rewritten since the last sync (was {old_head[:12]})" in out
    assert "removed 3 stored commits no longer on it" in out
    assert "1 new commit, 1 new PR" in out

    assert [r[0] for r in query(db, "SELECT number FROM pull_requests ORDER BY number")] == [1, 2, 3, 6]
    assert query(db, "SELECT count(*) FROM commits") == [(4,)]
    assert query(db, "SELECT count(*) FROM file_changes WHERE path LIKE 'run%' OR path = 'hotfix.py'") == [(0,)]
    clean = new_db()
    sync_ok(repo.path, clean)
    assert dump(db) == dump(clean)


def test_rewrite_that_keeps_part_of_a_rebase_run(repo: ScriptedRepo, new_db: Callable[[], str]) -> None:
    db = new_db()
    run = []
    for i, msg in enumerate(["Step one", "Step two", "Step three (#5)"]):
        repo.lines(f"run{i}.py", 1)
        run.append(repo.commit(msg, author=ALICE, committer=FORGE, at=EPOCH + 9000 + i, committed=EPOCH + 9999))
    sync_ok(repo.path, db)
    assert query(db, "SELECT count(*) FROM commits WHERE pr_number = 5") == [(3,)]

    repo.git("reset", "-q", "--hard", run[1])  # the numbered end of the run is gone
    repo.lines("x.py", 1)
    repo.commit("Direct push", author=ALICE)
    sync_ok(repo.path, db)
    assert query(db, "SELECT count(*) FROM commits WHERE pr_number = 5") == [(0,)]
    assert query(db, "SELECT count(*) FROM pull_requests WHERE number = 5") == [(0,)]
    clean = new_db()
    sync_ok(repo.path, clean)
    assert dump(db) == dump(clean)


def test_branch_reset_backwards_with_nothing_new(repo: ScriptedRepo, db_url: str) -> None:
    db = db_url
    sync_ok(repo.path, db)
    repo.git("reset", "-q", "--hard", "HEAD~1")
    out = sync_ok(repo.path, db)
    assert "removed 1 stored commit no longer on it" in out
    assert "already up to date" in out and "2 commits, 2 PRs" in out


def test_vllm_week_15_holds_180_prs(synced_db: Path) -> None:
    conn = sqlite3.connect(synced_db)
    [slug] = [r[0] for r in conn.execute("SELECT slug FROM repositories")]
    assert slug == "vllm-project/vllm"
    count = conn.execute(
        "SELECT count(*) FROM pull_requests WHERE merged_at >= ? AND merged_at < ?", (W15_START, W15_END)
    ).fetchone()[0]
    assert count == 180
    # the whole window: every commit is a PR except the snapshot and the direct pushes, no PR lost
    commits, linked = conn.execute("SELECT count(*), count(pr_number) FROM commits").fetchone()
    prs = conn.execute("SELECT count(*) FROM pull_requests").fetchone()[0]
    assert linked == prs and commits > prs > 700


def build_window(out: Path, until: str) -> Path:
    subprocess.run(
        [sys.executable, str(SKELETON), str(DATASET), str(out), "--since", WINDOW_SINCE, "--until", until],
        check=True,
        capture_output=True,
    )
    return out


def test_vllm_incremental_week_equals_a_clean_sync(vllm_window: Path, synced_db: Path, tmp_path: Path) -> None:
    # the skeleton builder is deterministic: a shorter build is a prefix of the window, so fetching
    # the window into it brings exactly the last week, as a `git pull` would
    short = build_window(tmp_path / "short", "2026-04-13")
    subprocess.run(["git", "-C", str(short), "remote", "add", "origin", "https://github.com/vllm-project/vllm.git"])
    db = tmp_path / "prhub.db"
    first = sync_ok(short, db)
    subprocess.run(["git", "-C", str(short), "pull", "-q", "--ff-only", str(vllm_window), "main"], check=True)
    out = sync_ok(short, db)
    new = int(out.split(" new commits")[0].rsplit(" ", 1)[1])
    conn = sqlite3.connect(synced_db)
    week16 = conn.execute("SELECT count(*) FROM commits WHERE committed_at >= ?", (W15_END,)).fetchone()[0]
    assert new == week16 > 100, (first, out)
    assert dump(db) == dump(synced_db)


def test_killed_sync_then_rerun_equals_a_clean_sync(vllm_window: Path, synced_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    env = {**os.environ, "PRHUB_SYNC_BATCH": "25"}
    for attempt in range(2):  # kill twice: once from scratch, once while resuming
        proc = subprocess.Popen(
            [sys.executable, "-m", "prhub", "sync", str(vllm_window), "--db", str(db)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seq = _wait_for_progress(db, proc, beyond=attempt * 200)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, "the sync finished before it could be killed"
        conn = sqlite3.connect(db)
        seq, commits = conn.execute("SELECT max(seq), (SELECT count(*) FROM commits) FROM sync_cursors").fetchone()
        conn.close()
        assert seq == commits, "a batch must be stored whole with its cursor, or not at all"
    out = sync_ok(vllm_window, db)
    assert "new commits" in out
    assert dump(db) == dump(synced_db)


def _wait_for_progress(db: Path, proc: subprocess.Popen[bytes], beyond: int) -> int:
    """Poll the cursor until the running sync has stored more than ``beyond`` commits."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05)
            row = conn.execute("SELECT seq FROM sync_cursors").fetchone()
            conn.close()
        except sqlite3.OperationalError:  # not created yet, or being migrated
            row = None
        if row and row[0] > beyond:
            return int(row[0])
        time.sleep(0.005)
    raise AssertionError("the sync made no progress to interrupt")


@pytest.mark.parametrize(
    ("remote", "slug"),
    [
        ("https://github.com/vllm-project/vllm.git", "vllm-project/vllm"),
        ("git@github.com:vllm-project/vllm.git", "vllm-project/vllm"),
        ("ssh://git@gitlab.example.com:2222/group/proj", "group/proj"),
        ("/srv/git/upstream/vllm", "local/mirror"),
        ("file:///srv/git/vllm", "local/mirror"),
        (None, "local/mirror"),
    ],
)
def test_repository_slug(remote: str | None, slug: str) -> None:
    assert slug_for(Path("/data/mirror.git"), remote) == slug


def test_bare_mirror_syncs_like_a_clone(repo: ScriptedRepo, tmp_path: Path) -> None:
    # a cron job keeps `git clone --mirror` copies: no work tree, the origin is the forge
    mirror = tmp_path / "vllm.git"
    subprocess.run(["git", "clone", "-q", "--mirror", str(repo.path), str(mirror)], check=True)
    subprocess.run(["git", "-C", str(mirror), "remote", "set-url", "origin", "https://github.com/o/vllm"], check=True)
    out = sync_ok(mirror, tmp_path / "prhub.db")
    assert out.startswith("o/vllm main: 3 new commits, 3 new PRs")


def test_any_cut_point_and_batch_size_give_the_rows_of_one_clean_sync(tmp_path: Path) -> None:
    # a history with rebase runs, a merge and a revert; synced up to each of its commits in turn
    # (as a sync killed there or a branch fetched up to there leaves it), then to the end
    repo = ScriptedRepo(tmp_path / "repo")
    repo.lines("a.py", 1)
    repo.commit("Initial", author=ALICE)
    for i, msg in enumerate(["Run one a", "Run one b", "Run one c (#10)"]):
        repo.lines(f"r1_{i}.py", 1)
        repo.commit(msg, author=BOB, committer=FORGE, at=EPOCH + i, committed=EPOCH + 500)
    repo.pr_branch("topic")
    repo.lines("topic.py", 3)
    repo.commit("topic work", author=ALICE)
    repo.merge_pr(11, "alice/topic", "Topic", "topic", at=EPOCH + 600)
    repo.lines("r1_0.py", 0)
    repo.commit('Revert "Run one c (#10)" (#12)', author=ALICE, committer=FORGE, at=EPOCH + 700)
    for i, msg in enumerate(["Run two a", "Run two b (#13)"]):
        repo.lines(f"r2_{i}.py", 2)
        repo.commit(msg, author=BOB, committer=FORGE, at=EPOCH + 800 + i, committed=EPOCH + 900)
    shas = repo.git("rev-list", "--first-parent", "--reverse", "HEAD").split()
    clean = tmp_path / "clean.db"
    sync_ok(repo.path, clean)
    expected = dump(clean)
    assert [r[1] for r in expected["pull_requests"]] == [10, 11, 12, 13]
    assert sum(1 for r in expected["commits"] if r[15] == 10) == 3

    cut_point = tmp_path / "cut"  # a clone whose branch we move to any commit
    subprocess.run(["git", "clone", "-q", str(repo.path), str(cut_point)], check=True)
    for n, sha in enumerate(shas[:-1], start=1):
        db = tmp_path / f"cut-{n}.db"
        subprocess.run(["git", "-C", str(cut_point), "reset", "-q", "--hard", sha], check=True)
        sync_ok(cut_point, db, env={"PRHUB_SYNC_BATCH": str(n % 3 + 1)})
        subprocess.run(["git", "-C", str(cut_point), "reset", "-q", "--hard", shas[-1]], check=True)
        sync_ok(cut_point, db)
        got = dump(db)
        assert got == expected, f"cut after commit {n}"


def test_progress_is_reported_as_commits_are_read(repo: ScriptedRepo, tmp_path: Path) -> None:
    from prhub.sync import sync

    seen: list[tuple[int, int]] = []
    with open_store(tmp_path / "prhub.db") as store:
        result = sync(store, repo.path, progress=lambda done, total: seen.append((done, total)))
    assert result.new_commits == 3 and seen[-1] == (3, 3)
