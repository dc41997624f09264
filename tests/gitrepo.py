"""Script small git repositories with pinned dates, names and odd bytes.

Tests build exactly the history they need with the real git command line: every
commit's author and committer dates are set through GIT_AUTHOR_DATE and
GIT_COMMITTER_DATE, so the stored rows are the same on every run. Names,
messages and paths may be bytes, to make commits that are not valid UTF-8.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import run_prhub

# 2026-04-06 09:00:00 UTC, the Monday of 2026-W15
EPOCH = 1775466000

BytesOrStr = bytes | str


@dataclass(frozen=True)
class Who:
    name: BytesOrStr
    email: BytesOrStr


ALICE = Who("Alice Liddell", "alice@example.com")
BOB = Who("Bob Builder", "bob@example.com")
FORGE = Who("GitHub", "noreply@github.com")  # the committer of squash and merge buttons


def _b(value: BytesOrStr) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


class ScriptedRepo:
    """A git repository in ``path`` whose commits a test writes one by one."""

    def __init__(self, path: Path, branch: str = "main") -> None:
        self.path = path
        self.branch = branch
        self.clock = EPOCH  # unix seconds of the next commit, one minute apart by default
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)
        self.git("config", "user.name", "Test Runner")
        self.git("config", "user.email", "runner@example.com")
        self.git("config", "commit.gpgsign", "false")

    # -- plumbing ---------------------------------------------------------------
    def git(
        self,
        *args: BytesOrStr,
        env: dict[str, BytesOrStr] | None = None,
        input: bytes | None = None,
        check: bool = True,
    ) -> str:
        base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        proc = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env={**base, "LANG": "C", "LC_ALL": "C", **(env or {})},
            input=input,
            capture_output=True,
        )
        if proc.returncode != 0 and check:
            raise AssertionError(f"git {args!r} failed: {proc.stderr.decode(errors='replace')}")
        return proc.stdout.decode("utf-8", "replace").strip()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    # -- the work tree ----------------------------------------------------------
    def write(self, path: BytesOrStr, content: BytesOrStr = "") -> None:
        full = os.path.join(os.fsencode(self.path), _b(path))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as fh:
            fh.write(_b(content))

    def lines(self, path: BytesOrStr, n: int, tag: str = "line") -> None:
        """Write a text file of n distinct lines."""
        self.write(path, "".join(f"{tag} {i}\n" for i in range(n)))

    def remove(self, path: BytesOrStr) -> None:
        self.git("rm", "-q", "--", path)

    def rename(self, old: BytesOrStr, new: BytesOrStr) -> None:
        target = os.path.join(os.fsencode(self.path), _b(new))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        self.git("mv", "--", old, new)

    # -- commits ----------------------------------------------------------------
    def _dates(self, at: int | None, tz: str, committed: int | None, committer_tz: str | None) -> dict[str, str]:
        if at is None:
            at = self.clock
            self.clock += 60
        return {
            "GIT_AUTHOR_DATE": f"@{at} {tz}",
            "GIT_COMMITTER_DATE": f"@{committed if committed is not None else at} {committer_tz or tz}",
        }

    def commit(
        self,
        message: BytesOrStr,
        *,
        author: Who = ALICE,
        committer: Who | None = None,
        at: int | None = None,
        tz: str = "+0000",
        committed: int | None = None,
        committer_tz: str | None = None,
        encoding: str | None = None,
    ) -> str:
        """Commit everything in the work tree (empty commits allowed); returns the sha.

        The commit object is written byte for byte with ``git hash-object``:
        ``git commit`` would quietly re-encode a message or name that is not
        valid UTF-8, and these tests need exactly the bytes they give.
        """
        committer = committer or author
        if at is None:
            at = self.clock
            self.clock += 60
        committed = at if committed is None else committed
        self.git("add", "-A")
        tree = self.git("write-tree")
        parent = self.git("rev-parse", "--verify", "--quiet", "HEAD", check=False)
        lines = [b"tree " + tree.encode()]
        if parent:
            lines.append(b"parent " + parent.encode())
        lines.append(b"author %s <%s> %d %s" % (_b(author.name), _b(author.email), at, tz.encode()))
        lines.append(
            b"committer %s <%s> %d %s"
            % (_b(committer.name), _b(committer.email), committed, (committer_tz or tz).encode())
        )
        if encoding:
            lines.append(b"encoding " + encoding.encode())
        body = b"\n".join(lines) + b"\n\n" + _b(message)
        sha = self.git("hash-object", "-t", "commit", "-w", "--stdin", input=body)
        self.git("update-ref", "HEAD", sha)  # through the symbolic ref: the checked-out branch moves
        return sha

    def merge(
        self,
        message: BytesOrStr,
        *others: str,
        author: Who = FORGE,
        committer: Who | None = None,
        at: int | None = None,
    ) -> str:
        """A merge of ``others`` (shas) into the checked-out branch, with the work tree as its tree.

        The first parent is HEAD; git's merge machinery is not run, so a test states the
        merged tree itself (write the branches' files first) and any number of parents.
        """
        committer = committer or author
        if at is None:
            at = self.clock
            self.clock += 60
        self.git("add", "-A")
        tree = self.git("write-tree")
        lines = [b"tree " + tree.encode()]
        lines += [b"parent " + p.encode() for p in (self.head(), *others)]
        lines.append(b"author %s <%s> %d +0000" % (_b(author.name), _b(author.email), at))
        lines.append(b"committer %s <%s> %d +0000" % (_b(committer.name), _b(committer.email), at))
        sha = self.git("hash-object", "-t", "commit", "-w", "--stdin", input=b"\n".join(lines) + b"\n\n" + _b(message))
        self.git("update-ref", "HEAD", sha)
        return sha

    def checkout(self, branch: str, *, create_at: str | None = None) -> None:
        """Switch to ``branch`` (created at ``create_at`` when given), keeping no stray files."""
        if create_at is not None:
            self.git("checkout", "-q", "-f", "-b", branch, create_at)
        else:
            self.git("checkout", "-q", "-f", branch)
        self.git("clean", "-q", "-fdx")

    def pr_branch(self, name: str) -> None:
        """Start a topic branch at the current commit."""
        self.git("checkout", "-q", "-b", name)

    def merge_pr(self, number: int, owner_branch: str, title: str, branch: str, *, at: int | None = None) -> str:
        """Merge ``branch`` into the main branch the way GitHub's merge button does."""
        self.git("checkout", "-q", self.branch)
        env: dict[str, BytesOrStr] = {
            "GIT_AUTHOR_NAME": FORGE.name,
            "GIT_AUTHOR_EMAIL": FORGE.email,
            "GIT_COMMITTER_NAME": FORGE.name,
            "GIT_COMMITTER_EMAIL": FORGE.email,
            **self._dates(at, "+0000", None, None),
        }
        message = f"Merge pull request #{number} from {owner_branch}\n\n{title}\n"
        self.git("merge", "-q", "--no-ff", "--no-edit", "-m", message, branch, env=env)
        return self.head()


def synced(repo: ScriptedRepo, tmp_path: Path) -> sqlite3.Connection:
    db = tmp_path / "prhub.db"
    proc = run_prhub("sync", str(repo.path), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn


def files_of(conn: sqlite3.Connection, sha: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM file_changes WHERE sha = ? ORDER BY idx", (sha,)).fetchall()


def commit_row(conn: sqlite3.Connection, sha: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM commits WHERE sha = ?", (sha,)).fetchone()
    assert row is not None, f"commit {sha} not stored"
    return row
