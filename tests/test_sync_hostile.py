"""Reproductions of what once lost data or locked a repository out (issue 11, parts 1 and 2):
two repositories under one slug, and single commits whose PR number, time zone or
timestamp cannot be read. Each must end in exit 0, every other row stored, and a note."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import run_prhub
from gitrepo import ALICE, BOB, EPOCH, FORGE, ScriptedRepo

DAY = 86400


def make(path: Path, files: list[str], remote: str | None = None) -> ScriptedRepo:
    repo = ScriptedRepo(path)
    for i, name in enumerate(files):
        repo.lines(name, i + 1)
        repo.commit(f"Add {name} (#{i + 1})", author=BOB, committer=FORGE)
    if remote:
        repo.git("remote", "add", "origin", remote)
    return repo


def sync(repo: ScriptedRepo, db: Path) -> tuple[str, str]:
    proc = run_prhub("sync", str(repo.path), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout, proc.stderr


def stored(db: Path) -> dict[str, tuple[int, int]]:
    conn = sqlite3.connect(db)
    return {
        slug: (commits, prs)
        for slug, commits, prs in conn.execute(
            """SELECT r.slug, (SELECT count(*) FROM commits c WHERE c.repo_id = r.id),
                      (SELECT count(*) FROM pull_requests p WHERE p.repo_id = r.id)
               FROM repositories r ORDER BY r.slug"""
        )
    }


def test_two_folders_of_one_name_keep_both_histories(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    first = make(tmp_path / "a" / "app", ["a.py", "b.py", "c.py", "d.py", "e.py", "f.py"])
    second = make(tmp_path / "b" / "app", ["x.go", "y.go"])
    sync(first, db)
    out, err = sync(second, db)
    assert "rewritten" not in err and "removed" not in err
    assert "local/app already names another repository" in err and "local/app-2" in err
    assert stored(db) == {"local/app": (6, 6), "local/app-2": (2, 2)}
    # each is found again by its identity, whatever order the syncs run in
    second.lines("z.go", 3)
    second.commit("Add z (#3)", author=BOB, committer=FORGE)
    sync(second, db)
    sync(first, db)
    assert stored(db) == {"local/app": (6, 6), "local/app-2": (3, 3)}
    report = run_prhub("report", "local/app", "--db", str(db), "--week", "2026-W15", "--format", "json")
    assert report.returncode == 0 and '"merged_prs": 6' in report.stdout


def test_one_owner_and_name_on_two_hosts_are_two_repositories(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    hub = make(tmp_path / "hub", ["a.py", "b.py", "c.py"], "https://github.com/acme/tool.git")
    lab = make(tmp_path / "lab", ["x.py"], "git@gitlab.com:acme/tool.git")
    sync(hub, db)
    sync(lab, db)
    assert stored(db) == {"acme/tool": (3, 3), "acme/tool-2": (1, 1)}
    identities = sorted(row[0] for row in sqlite3.connect(db).execute("SELECT identity FROM repositories"))
    assert identities == ["github.com/acme/tool", "gitlab.com/acme/tool"]


def test_a_clone_that_moved_is_still_the_same_repository(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    repo = make(tmp_path / "one" / "app", ["a.py", "b.py"])
    sync(repo, db)
    moved = tmp_path / "two" / "app"
    moved.parent.mkdir()
    repo.path.rename(moved)
    repo.path = moved
    repo.lines("c.py", 2)
    repo.commit("Add c (#3)", author=BOB, committer=FORGE)
    out, err = sync(repo, db)
    # a new identity (root commit and path), but the slug is free to take only if the history matches;
    # here the old row has another identity, so the moved clone is kept apart rather than merged
    assert "removed" not in err
    assert sum(commits for commits, _ in stored(db).values()) >= 3


def test_a_token_in_the_remote_is_not_stored(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    repo = make(tmp_path / "app", ["a.py"], "https://user:ghp_secret123@github.com/acme/tool.git")
    out, err = sync(repo, db)
    dumped = "\n".join(sqlite3.connect(db).iterdump())
    assert "ghp_secret123" not in dumped + out + err
    assert stored(db) == {"acme/tool": (1, 1)}


BAD_COMMITS = [
    # (what, committed time and zone as git would write them, message)
    ("huge-number", f"{EPOCH + DAY} +0000", "Fix overflow (#9223372036854775808)"),
    ("zero-number", f"{EPOCH + DAY} +0000", "First zero (#0)"),
    ("zero-again", f"{EPOCH + DAY} +0000", "Second zero (#0)"),
    ("bad-offset", f"{EPOCH + DAY} +9959", "Odd zone (#41)"),
    ("junk-zone", f"{EPOCH + DAY} junk", "Junk zone (#42)"),
    ("negative", "-5 +0000", "Before 1970 (#43)"),
    ("missing", "", "No date (#44)"),
    ("beyond-64-bits", "18446744073709551616 +0000", "Far future (#45)"),
    ("year-10000", "253402300800 +0000", "Year ten thousand (#46)"),
]


def raw_commit(repo: ScriptedRepo, message: str, date: str) -> str:
    repo.git("add", "-A")
    tree = repo.git("write-tree")
    header = f"tree {tree}\nparent {repo.head()}\nauthor A <a@x.org> {date}\ncommitter A <a@x.org> {date}\n\n"
    sha = repo.git("hash-object", "-t", "commit", "-w", "--literally", "--stdin", input=(header + message).encode())
    repo.git("update-ref", "HEAD", sha)
    return sha


@pytest.mark.parametrize(("what", "date", "message"), BAD_COMMITS, ids=[b[0] for b in BAD_COMMITS])
def test_one_unreadable_commit_is_stored_flagged_and_the_rest_synced(
    tmp_path: Path, what: str, date: str, message: str
) -> None:
    repo = make(tmp_path / "repo", ["a.py", "b.py"])
    repo.lines("bad.py", 3)
    bad = raw_commit(repo, message, date)
    repo.lines("after.py", 2)
    after = repo.commit("Work after it (#7)", author=ALICE, committer=FORGE, at=EPOCH + 2 * DAY)
    db = tmp_path / "x.db"
    out, err = sync(repo, db)
    assert "commits stored flagged" in err
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM commits WHERE sha = ?", (bad,)).fetchone()
    assert row is not None and row["flags"]
    assert 0 <= row["committed_at"] <= 253402041600 and -18 * 60 < row["committer_tz"] < 18 * 60
    assert conn.execute("SELECT pr_number FROM commits WHERE sha = ?", (after,)).fetchone()[0] == 7
    assert conn.execute("SELECT count(*) FROM commits").fetchone()[0] == 4
    numbers = [r[0] for r in conn.execute("SELECT number FROM pull_requests ORDER BY number")]
    assert 0 not in numbers and all(0 < n < 2**31 for n in numbers)
    # a rerun has nothing to do, and every way of reading the history works
    again = run_prhub("sync", str(repo.path), "--db", str(db))
    assert again.returncode == 0 and "already up to date" in again.stdout
    for args in (
        ["report", str(repo.path), "--week", "2026-W15"],
        ["report", "local/repo", "--every", "week", "-o", str(tmp_path / "weeks")],
        ["site", str(tmp_path / "site")],
    ):
        proc = run_prhub(*args, "--db", str(db))
        assert proc.returncode == 0, (args, proc.stderr)
        assert "Traceback" not in proc.stderr


def test_zero_is_no_pr_and_two_zeros_overwrite_nothing(tmp_path: Path) -> None:
    repo = make(tmp_path / "repo", ["a.py"])
    repo.lines("b.py", 1)
    first = repo.commit("First (#0)", author=ALICE)
    repo.lines("c.py", 1)
    second = repo.commit("Second (#0)", author=ALICE)
    db = tmp_path / "x.db"
    sync(repo, db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM pull_requests WHERE number = 0").fetchone()[0] == 0
    rows = conn.execute("SELECT sha, pr_number, flags FROM commits WHERE sha IN (?, ?)", (first, second)).fetchall()
    assert sorted(rows) == sorted([(first, None, "bad-pr-number"), (second, None, "bad-pr-number")])


def test_nul_characters_are_stored_replaced_and_flagged(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL's text cannot hold NUL. git cuts a message at one, so a reader that yields one is
    stood in for: every text git gives carries a NUL where it says NUL-HERE. Both backends store
    U+FFFD in its place, flag the commit, keep everything else and build the report."""
    from prhub.period import week
    from prhub.report import build_context
    from prhub.sources import git as git_source
    from prhub.store import open_store
    from prhub.sync import sync as run_sync

    repo = ScriptedRepo(tmp_path / "nul")
    repo.git("remote", "add", "origin", "https://github.com/acme/nul.git")
    repo.lines("a.py", 2)
    repo.commit("Add a (#1)", author=ALICE, committer=FORGE, at=EPOCH)
    repo.lines("b.py", 3)
    repo.commit("Fix NUL-HERE the title (#2)\n\nBody NUL-HERE kept.", author=BOB, committer=FORGE, at=EPOCH + 60)
    decode = git_source._text
    monkeypatch.setattr(git_source, "_text", lambda raw: decode(raw.replace(b"NUL-HERE", b"\x00")))
    with open_store(db_url) as store:
        result = run_sync(store, repo.path)
        assert result.flagged == {"nul": 1} and result.new_prs == 2
        [(title,)] = store.execute("SELECT title FROM pull_requests WHERE number = 2").fetchall()
        [(message, flags)] = store.execute("SELECT message, flags FROM commits WHERE pr_number = 2").fetchall()
        assert title == "Fix \ufffd the title" and message.endswith("Body \ufffd kept.") and flags == "nul"
        ctx = build_context(store, "acme/nul", week("2026-W15"))
    assert sorted(pr["number"] for pr in ctx["prs"]) == [1, 2]
