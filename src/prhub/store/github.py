"""The GitHub tables: writes (a page of PRs with its cursor, in one transaction) and the reads
the analysis and the report need. Every SQL statement about forge data lives here.

A PR's rows are replaced whole on every write (the PR row upserted, its labels,
reviews, threads, comments and linked issues deleted and inserted), so reading
a PR twice (a resumed sync, a PR updated again) leaves one copy.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prhub.store.base import Store

if TYPE_CHECKING:  # the records of a GitHub sync: a report, which reads only ForgeFacts, does not load them
    from prhub.models import ForgePullRequest, ReviewThread

_CHILDREN = (
    "github_labels",
    "github_reviews",
    "github_review_threads",
    "github_review_comments",
    "github_linked_issues",
)


# -- cursors (any source) --------------------------------------------------------------------------------
def source_cursor(store: Store, repo_id: int, source: str) -> str | None:
    row = store.execute(
        "SELECT cursor FROM source_cursors WHERE repo_id = ? AND source = ?", (repo_id, source)
    ).fetchone()
    return row[0] if row else None


def set_source_cursor(store: Store, repo_id: int, source: str, cursor: str | None) -> None:
    store.execute(
        """INSERT INTO source_cursors VALUES (?, ?, ?, ?)
           ON CONFLICT (repo_id, source) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at""",
        (repo_id, source, cursor, int(time.time())),
    )


# -- writes ------------------------------------------------------------------------------------------------
def save_page(store: Store, repo_id: int, source: str, prs: Sequence[ForgePullRequest], cursor: str | None) -> None:
    """A page of PRs and the cursor after it, in one transaction."""
    with store.transaction():
        for pr in prs:
            _save_pr(store, repo_id, pr)
        check_against_git(store, repo_id, [pr.number for pr in prs])
        set_source_cursor(store, repo_id, source, cursor)


def _save_pr(store: Store, repo_id: int, pr: ForgePullRequest) -> None:
    stored = store.execute(
        "SELECT updated_at FROM github_pull_requests WHERE repo_id = ? AND number = ?", (repo_id, pr.number)
    ).fetchone()
    if stored and stored[0] == pr.updated_at:
        return  # read again at the watermark, unchanged: keep what is stored (its completed threads too)
    store.execute(
        """INSERT INTO github_pull_requests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                                                    ?, ?, NULL)
           ON CONFLICT (repo_id, number) DO UPDATE SET node_id = excluded.node_id, title = excluded.title,
             body = excluded.body, url = excluded.url, author_login = excluded.author_login,
             author_name = excluded.author_name, created_at = excluded.created_at, updated_at = excluded.updated_at,
             merged_at = excluded.merged_at, closed_at = excluded.closed_at, merged_by = excluded.merged_by,
             base_ref = excluded.base_ref, head_ref = excluded.head_ref, additions = excluded.additions,
             deletions = excluded.deletions, changed_files = excluded.changed_files, merge_oid = excluded.merge_oid,
             reviews_total = excluded.reviews_total, threads_total = excluded.threads_total,
             threads_complete = excluded.threads_complete, issue_comments = excluded.issue_comments,
             milestone = excluded.milestone""",
        (
            repo_id, pr.number, pr.node_id, pr.title, pr.body, pr.url, pr.author_login, pr.author_name,
            pr.created_at, pr.updated_at, pr.merged_at, pr.closed_at, pr.merged_by, pr.base_ref, pr.head_ref,
            pr.additions, pr.deletions, pr.changed_files, pr.merge_oid, pr.reviews_total, pr.threads_total,
            int(pr.threads_complete), pr.issue_comments, pr.milestone,
        ),
    )  # fmt: skip
    for table in _CHILDREN:
        store.execute(f"DELETE FROM {table} WHERE repo_id = ? AND number = ?", (repo_id, pr.number))
    n = pr.number
    store.executemany(
        "INSERT INTO github_labels VALUES (?, ?, ?, ?)", [(repo_id, n, i, name) for i, name in enumerate(pr.labels)]
    )
    store.executemany(
        "INSERT INTO github_reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(repo_id, n, i, r.id, r.author, r.state, r.submitted_at, r.body, r.url) for i, r in enumerate(pr.reviews)],
    )
    _insert_threads(store, repo_id, n, pr.threads)
    store.executemany(
        "INSERT INTO github_linked_issues VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(repo_id, n, i, x.number, x.repo, x.title, x.url) for i, x in enumerate(pr.linked_issues)],
    )


def _insert_threads(store: Store, repo_id: int, number: int, threads: Sequence[ReviewThread]) -> None:
    store.executemany(
        "INSERT INTO github_review_threads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (repo_id, number, i, t.id, t.path, t.line, int(t.resolved), int(t.outdated), t.comments_total)
            for i, t in enumerate(threads)
        ],
    )
    store.executemany(
        "INSERT INTO github_review_comments VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (repo_id, number, ti, ci, c.author, c.body, c.created_at, c.url)
            for ti, t in enumerate(threads)
            for ci, c in enumerate(t.comments)
        ],
    )


def save_reviews(store: Store, repo_id: int, pr: ForgePullRequest) -> None:
    """Replace one PR's reviews and threads with a complete set (a follow-up query's)."""
    with store.transaction():
        for table in ("github_reviews", "github_review_threads", "github_review_comments"):
            store.execute(f"DELETE FROM {table} WHERE repo_id = ? AND number = ?", (repo_id, pr.number))
        store.executemany(
            "INSERT INTO github_reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (repo_id, pr.number, i, r.id, r.author, r.state, r.submitted_at, r.body, r.url)
                for i, r in enumerate(pr.reviews)
            ],
        )
        _insert_threads(store, repo_id, pr.number, pr.threads)
        store.execute(
            """UPDATE github_pull_requests SET reviews_total = ?, threads_total = ?, threads_complete = ?
               WHERE repo_id = ? AND number = ?""",
            (pr.reviews_total, pr.threads_total, int(pr.threads_complete), repo_id, pr.number),
        )


def check_against_git(store: Store, repo_id: int, numbers: Iterable[int]) -> None:
    """Join each PR to git by number and merge oid, and compare its line counts with git's.

    same: git's PR of that number landed in that commit (or the commit carries the number) with the
    same additions and deletions; differs: same commit, other counts (a merge commit that also brought
    in the base branch, a force-push after the merge); other-commit: git's PR of that number is
    another commit (a title citing another PR's number); no-commit: git has no PR of that number
    (merged into a branch that is not synced, or not yet pulled).
    """
    wanted = sorted(set(numbers))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        store.execute(
            f"""UPDATE github_pull_requests SET git_check = CASE
                  WHEN NOT EXISTS (SELECT 1 FROM pull_requests p
                                   WHERE p.repo_id = github_pull_requests.repo_id
                                     AND p.number = github_pull_requests.number) THEN 'no-commit'
                  WHEN merge_oid IS NOT NULL AND NOT EXISTS (
                       SELECT 1 FROM pull_requests p WHERE p.repo_id = github_pull_requests.repo_id
                         AND p.number = github_pull_requests.number AND p.merge_sha = github_pull_requests.merge_oid)
                   AND NOT EXISTS (
                       SELECT 1 FROM commits c WHERE c.repo_id = github_pull_requests.repo_id
                         AND c.sha = github_pull_requests.merge_oid AND c.pr_number = github_pull_requests.number)
                  THEN 'other-commit'
                  WHEN additions = (SELECT COALESCE(sum(c.additions), 0) FROM commits c
                                    WHERE c.repo_id = github_pull_requests.repo_id
                                      AND c.pr_number = github_pull_requests.number)
                   AND deletions = (SELECT COALESCE(sum(c.deletions), 0) FROM commits c
                                    WHERE c.repo_id = github_pull_requests.repo_id
                                      AND c.pr_number = github_pull_requests.number)
                  THEN 'same' ELSE 'differs' END
                WHERE repo_id = ? AND number IN ({marks})""",
            (repo_id, *chunk),
        )


def recheck_unjoined(store: Store, repo_id: int) -> None:
    """After git brought new commits: join the PRs that had none."""
    rows = store.execute(
        "SELECT number FROM github_pull_requests WHERE repo_id = ? AND (git_check IS NULL OR git_check = 'no-commit')",
        (repo_id,),
    ).fetchall()
    if rows:
        with store.transaction():
            check_against_git(store, repo_id, [r[0] for r in rows])


# -- reads ---------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class ForgeFacts:
    """What the report uses of one PR's GitHub record (loaded for every PR of a period)."""

    number: int
    login: str
    labels: list[str]
    body: str
    url: str | None
    reviews: list[tuple[str, str, int | None, str | None]]  # (author, state, submitted_at, url), oldest first
    review_comments: int  # comments in review threads (GitHub's totals)
    threads: int
    unresolved: int
    issue_comments: int
    threads_complete: bool
    linked_issues: list[int] = field(default_factory=list)
    git_check: str | None = None


def forge_facts(store: Store, repo_id: int, numbers: Iterable[int]) -> dict[int, ForgeFacts]:
    """The GitHub facts of these PRs that join to git (by number, and merge oid when known)."""
    wanted = sorted(set(numbers))
    found: dict[int, ForgeFacts] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        args = (repo_id, *chunk)
        for row in store.execute(
            f"""SELECT number, author_login, body, url, issue_comments, threads_complete, git_check, threads_total
                FROM github_pull_requests WHERE repo_id = ? AND number IN ({marks})
                  AND (git_check IS NULL OR git_check != 'other-commit')""",
            args,
        ):
            found[row[0]] = ForgeFacts(row[0], row[1], [], row[2], row[3], [], 0, row[7], 0, row[4], bool(row[5]),
                                       git_check=row[6])  # fmt: skip
        for number, name in store.execute(
            f"SELECT number, name FROM github_labels WHERE repo_id = ? AND number IN ({marks}) ORDER BY number, idx",
            args,
        ):
            if number in found:
                found[number].labels.append(name)
        for number, author, state, at, url in store.execute(
            f"""SELECT number, author, state, submitted_at, url FROM github_reviews
                WHERE repo_id = ? AND number IN ({marks}) ORDER BY number, submitted_at, idx""",
            args,
        ):
            if number in found:
                found[number].reviews.append((author, state, at, url))
        for number, comments, unresolved in store.execute(
            f"""SELECT number, sum(comments_total), sum(1 - resolved) FROM github_review_threads
                WHERE repo_id = ? AND number IN ({marks}) GROUP BY number""",
            args,
        ):
            if number in found:
                found[number].review_comments = int(comments or 0)
                found[number].unresolved = int(unresolved or 0)
        for number, issue in store.execute(
            f"""SELECT number, issue_number FROM github_linked_issues WHERE repo_id = ? AND number IN ({marks})
                ORDER BY number, idx""",
            args,
        ):
            if number in found:
                found[number].linked_issues.append(issue)
    return found


@dataclass(slots=True)
class ThreadView:
    path: str
    line: int | None
    resolved: bool
    comments_total: int
    first_author: str | None
    first_body: str | None
    url: str | None


def review_threads(store: Store, repo_id: int, number: int) -> list[ThreadView]:
    """One PR's review threads with their first comment (the point raised), in the order GitHub gives."""
    rows = store.execute(
        """SELECT t.path, t.line, t.resolved, t.comments_total, c.author, c.body, c.url
           FROM github_review_threads t
           LEFT JOIN github_review_comments c ON c.repo_id = t.repo_id AND c.number = t.number
                AND c.thread_idx = t.idx AND c.idx = 0
           WHERE t.repo_id = ? AND t.number = ? ORDER BY t.idx""",
        (repo_id, number),
    )
    return [ThreadView(r[0], r[1], bool(r[2]), r[3], r[4], r[5], r[6]) for r in rows]


def review_bodies(store: Store, repo_id: int, number: int) -> list[tuple[str, str, str, str | None]]:
    """(author, state, body, url) of one PR's reviews, oldest first."""
    rows = store.execute(
        """SELECT author, state, body, url FROM github_reviews WHERE repo_id = ? AND number = ?
           ORDER BY submitted_at, idx""",
        (repo_id, number),
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def prs_to_complete(store: Store, repo_id: int, numbers: Iterable[int]) -> list[tuple[int, str]]:
    """(number, node id) of those PRs whose reviews or threads are not all stored."""
    wanted = sorted(set(numbers))
    found: list[tuple[int, str]] = []
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        rows = store.execute(
            f"""SELECT g.number, g.node_id FROM github_pull_requests g
                WHERE g.repo_id = ? AND g.number IN ({marks})
                  AND (g.threads_complete = 0
                       OR g.reviews_total > (SELECT count(*) FROM github_reviews r
                                             WHERE r.repo_id = g.repo_id AND r.number = g.number))""",
            (repo_id, *chunk),
        )
        found.extend((r[0], r[1]) for r in rows)
    return found


def forge_pr(store: Store, repo_id: int, number: int) -> ForgePullRequest | None:
    """One stored PR as a record with its labels (reviews and threads are read separately)."""
    row = store.execute(
        """SELECT number, node_id, title, body, url, author_login, author_name, created_at, updated_at, merged_at,
                  closed_at, merged_by, base_ref, head_ref, additions, deletions, changed_files, merge_oid
           FROM github_pull_requests WHERE repo_id = ? AND number = ?""",
        (repo_id, number),
    ).fetchone()
    if row is None:
        return None
    labels = tuple(
        r[0]
        for r in store.execute(
            "SELECT name FROM github_labels WHERE repo_id = ? AND number = ? ORDER BY idx", (repo_id, number)
        )
    )
    from prhub.models import ForgePullRequest

    return ForgePullRequest(*row, labels=labels)


def counts(store: Store, repo_id: int) -> dict[str, int]:
    one = store.execute
    total = one("SELECT count(*) FROM github_pull_requests WHERE repo_id = ?", (repo_id,)).fetchone()[0]
    by_check = dict(
        one("SELECT COALESCE(git_check, 'unchecked'), count(*) FROM github_pull_requests WHERE repo_id = ?"
            " GROUP BY 1", (repo_id,)).fetchall()
    )  # fmt: skip
    return {"github_prs": total, **{f"git_{k}": v for k, v in by_check.items()}}


def numbers_merged_between(store: Store, repo_id: int, numbers: Iterable[int]) -> list[tuple[int, int]]:
    """(number, merged_at in git) of those PRs that git knows."""
    wanted = sorted(set(numbers))
    out: list[tuple[int, int]] = []
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        out.extend(
            tuple(r)  # type: ignore[misc]
            for r in store.execute(
                f"SELECT number, merged_at FROM pull_requests WHERE repo_id = ? AND number IN ({marks})",
                (repo_id, *chunk),
            )
        )
    return out


def updated_since(store: Store, repo_id: int, since: int | None) -> list[int]:
    """Numbers of the PRs whose GitHub record was updated at or after ``since`` (all when None)."""
    rows = store.execute(
        "SELECT number FROM github_pull_requests WHERE repo_id = ? AND updated_at >= ? ORDER BY number",
        (repo_id, since if since is not None else -(2**62)),
    )
    return [r[0] for r in rows]
