"""The sync's side of diffs.py: read the few diffs that matter, batch by batch, and store the facts.

Each batch's facts are written in the batch's own transaction with the position they
reach (``diff_seq``), so an interrupted sync loses nothing; a store synced before
these facts existed has its stored commits read once, at the next sync.
"""

from __future__ import annotations

from collections.abc import Sequence

from prhub.analysis.paths import PathClasses
from prhub.config import default_settings
from prhub.models import Commit, FileChange
from prhub.sources import diffs
from prhub.sources.git import GitRepo
from prhub.store import signals
from prhub.store.base import Store

BACKFILL = 5000  # stored commits read per step when catching up

_classes: PathClasses | None = None


def _default_classes() -> PathClasses:
    """The default test globs decide which commits look test-less (sync reads no settings)."""
    global _classes
    if _classes is None:
        _classes = PathClasses(default_settings()["paths"])
    return _classes


def _facts(git: GitRepo, commits: Sequence[diffs.CommitFiles]) -> list[tuple[str, str, str, str]]:
    return diffs.dependency_facts(git.path, commits) + diffs.rust_test_facts(git.path, commits, _default_classes())


def _lines(f: FileChange) -> int:
    return (f.additions or 0) + (f.deletions or 0)


def _commit_files(batch: Sequence[Commit]) -> list[diffs.CommitFiles]:
    return [diffs.CommitFiles(c.sha, c.parents, [(f.path, f.status, _lines(f)) for f in c.files]) for c in batch]


def scan_side_commits(store: Store, git: GitRepo, repo_id: int, commits: Sequence[Commit]) -> None:
    """The facts of PR commits a merge brought in from another branch (a PR merged into ``stable``):
    they are not on the branch's first-parent line, so the batch scan never reads them."""
    if commits:
        signals.save_diff_facts(store, repo_id, _facts(git, _commit_files(commits)))


def scan_batch(store: Store, git: GitRepo, repo_id: int, branch: str, batch: Sequence[Commit], seq: int) -> None:
    """Inside the batch's transaction: the facts of its commits, and how far they reach."""
    if signals.diff_seq(store, repo_id, branch) < seq - len(batch):
        return  # an older store still catching up: after_sync reads these in order
    signals.save_diff_facts(store, repo_id, _facts(git, _commit_files(batch)))
    signals.set_diff_seq(store, repo_id, branch, seq)


def after_sync(store: Store, git: GitRepo, repo_id: int, branch: str, head: str) -> None:
    """Store the head's .gitattributes rules, and read the diffs of stored commits not read yet."""
    signals.replace_path_attributes(store, repo_id, diffs.gitattributes_rules(git.path, head))
    cursor = store.cursor(repo_id, branch)
    if cursor is None:
        return
    done = signals.diff_seq(store, repo_id, branch)
    while done < cursor.seq:
        rows = signals.commits_to_scan(store, repo_id, branch, done, BACKFILL)
        if not rows:
            break
        commits = [
            diffs.CommitFiles(sha, tuple(parents.split()), [(p, st, n) for p, st, n in files])
            for _, sha, parents, files in rows
        ]
        with store.transaction():
            signals.save_diff_facts(store, repo_id, _facts(git, commits))
            done = rows[-1][0]
            signals.set_diff_seq(store, repo_id, branch, done)
