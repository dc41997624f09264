"""Every way a sync can fail for the user: one clear line, a non-zero exit, no traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import run_prhub
from gitrepo import ScriptedRepo


@pytest.fixture
def repo(tmp_path: Path) -> ScriptedRepo:
    r = ScriptedRepo(tmp_path / "repo")
    for n in range(1, 3):
        r.lines(f"f{n}.py", n)
        r.commit(f"Change {n} (#{n})")
    return r


def fails(*args: str, env: dict[str, str] | None = None, code: int = 1) -> str:
    """Run ``prhub`` and return its one error line, checking the exit code and the absence of a traceback."""
    proc = run_prhub(*args, env=env)
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("prhub: error: ")
    return lines[0]


def test_not_a_git_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    line = fails("sync", str(plain), "--db", str(tmp_path / "db"), env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert line == f"prhub: error: {plain}: not a git repository"


def test_nonexistent_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    line = fails("sync", str(missing), "--db", str(tmp_path / "db"))
    assert line == f"prhub: error: {missing}: no such directory"


def test_shallow_clone(repo: ScriptedRepo, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(shallow)], check=True, capture_output=True
    )
    line = fails("sync", str(shallow), "--db", str(tmp_path / "db"))
    assert "shallow clone" in line and "git fetch --unshallow" in line


def test_unknown_branch(repo: ScriptedRepo, tmp_path: Path) -> None:
    line = fails("sync", str(repo.path), "--branch", "no-such-branch", "--db", str(tmp_path / "db"))
    assert line == f"prhub: error: {repo.path}: unknown branch 'no-such-branch'"


def test_option_looking_branch_is_not_passed_to_git_as_an_option(repo: ScriptedRepo, tmp_path: Path) -> None:
    line = fails("sync", str(repo.path), "--branch=--all", "--db", str(tmp_path / "db"))
    assert "unknown branch '--all'" in line


def test_empty_repository(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    subprocess.run(["git", "init", "-q", str(empty)], check=True)
    line = fails("sync", str(empty), "--db", str(tmp_path / "db"))
    assert line == f"prhub: error: {empty}: empty repository (no commits yet)"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only permissions")
def test_database_in_read_only_directory(repo: ScriptedRepo, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        line = fails("sync", str(repo.path), "--db", str(locked / "prhub.db"))
    finally:
        locked.chmod(0o700)
    assert line.startswith(f"prhub: error: cannot open database {locked / 'prhub.db'}: ")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_database_where_nobody_may_create_files(repo: ScriptedRepo, tmp_path: Path) -> None:
    # /proc refuses new files even to root, so this holds whoever runs the tests
    line = fails("sync", str(repo.path), "--db", "/proc/self/prhub.db")
    assert line.startswith("prhub: error: cannot open database /proc/self/prhub.db: ")


def test_database_whose_parent_is_a_file(repo: ScriptedRepo, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    line = fails("sync", str(repo.path), "--db", str(blocker / "prhub.db"))
    assert line.startswith(f"prhub: error: cannot open database {blocker / 'prhub.db'}: ")


def test_database_that_is_not_sqlite(repo: ScriptedRepo, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database, just some text long enough to have a header" * 20)
    line = fails("sync", str(repo.path), "--db", str(junk))
    assert line.startswith(f"prhub: error: cannot open database {junk}: ")


def test_database_from_the_environment(repo: ScriptedRepo, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    line = fails("sync", str(repo.path), env={"PRHUB_DB": str(blocker / "sub" / "prhub.db")})
    assert "cannot open database" in line and str(blocker) in line


def test_bad_batch_size_setting(repo: ScriptedRepo, tmp_path: Path) -> None:
    line = fails("sync", str(repo.path), "--db", str(tmp_path / "db"), env={"PRHUB_SYNC_BATCH": "0"}, code=2)
    assert line == "prhub: error: PRHUB_SYNC_BATCH must be a positive number of commits, not '0'"


def test_repository_with_a_missing_object(repo: ScriptedRepo, tmp_path: Path) -> None:
    blob = repo.git("rev-parse", "HEAD:f2.py")
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    db = tmp_path / "db"
    line = fails("sync", str(repo.path), "--db", str(db))
    assert line == f"prhub: error: git log failed: fatal: unable to read {blob}"
    # nothing half-written: the batch that could not be read is not stored
    assert sqlite3.connect(db).execute("SELECT count(*) FROM commits").fetchone()[0] == 0
