"""Read queries over the store for the analysis: merged PRs with their files and
co-authors, direct pushes, and the few aggregates a report needs.

Every query is bounded by time and uses the (repo_id, merged_at) and
(repo_id, committed_at) indexes, so a one-week report reads a few thousand rows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from prhub.store.base import NOT_MERGED_BRANCH, Store
from prhub.store.github import ForgeFacts, forge_facts

FAR_FUTURE = 2**62


@dataclass(slots=True)
class PrFile:
    path: str
    status: str
    additions: int
    deletions: int
    binary: bool = False
    old_path: str | None = None

    @property
    def lines(self) -> int:
        return self.additions + self.deletions


@dataclass(slots=True)
class StoredPr:
    number: int
    title: str
    author: str
    author_email: str
    merged_at: int  # unix seconds
    merged_tz: int  # minutes east of UTC
    merge_sha: str
    merge_kind: str
    reverts_pr: int | None
    reverts_sha: str | None
    source: str
    files: list[PrFile] = field(default_factory=list)
    co_authors: list[tuple[str, str]] = field(default_factory=list)  # (name, email)
    forge: ForgeFacts | None = None  # GitHub's record, when synced with --github
    base_branch: str | None = None  # the branch it was merged into (stable, release-3.1), when git tells
    diff_facts: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, path, detail), store/signals.py

    @property
    def additions(self) -> int:
        return sum(f.additions for f in self.files)

    @property
    def deletions(self) -> int:
        return sum(f.deletions for f in self.files)


@dataclass(slots=True)
class DirectCommit:
    sha: str
    subject: str
    author: str
    committed_at: int


def load_prs(store: Store, repo_id: int, since: int = 0, until: int = FAR_FUTURE) -> list[StoredPr]:
    """The PRs merged in [since, until), oldest first, with files and co-authors."""
    rows = store.execute(
        """SELECT number, title, author_name, author_email, merged_at, merged_tz, merge_sha, merge_kind,
                  reverts_pr, reverts_sha, source, base_branch
           FROM pull_requests WHERE repo_id = ? AND merged_at >= ? AND merged_at < ?
           ORDER BY merged_at, number""",
        (repo_id, since, until),
    ).fetchall()
    prs = {row[0]: StoredPr(*row[:11], base_branch=row[11]) for row in rows}
    if not prs:
        return []
    # a PR's files: its merge commit's first-parent diff (shared by the PRs of one bors-ng batch),
    # or every commit of a rebase merge
    files = store.execute(
        """SELECT p.number, f.path, f.status, f.additions, f.deletions, f.old_path
           FROM pull_requests p JOIN file_changes f ON f.repo_id = p.repo_id AND f.sha = p.merge_sha
           WHERE p.repo_id = ? AND p.merged_at >= ? AND p.merged_at < ? AND p.merge_kind != 'rebase'
           ORDER BY p.merged_at, p.number, f.idx""",
        (repo_id, since, until),
    ).fetchall()
    files += store.execute(
        """SELECT c.pr_number, f.path, f.status, f.additions, f.deletions, f.old_path
           FROM commits c
           JOIN pull_requests p ON p.repo_id = c.repo_id AND p.number = c.pr_number
           JOIN file_changes f ON f.repo_id = c.repo_id AND f.sha = c.sha
           WHERE c.repo_id = ? AND c.committed_at >= ? AND c.committed_at < ? AND c.pr_number IS NOT NULL
             AND p.merge_kind = 'rebase'
           ORDER BY c.committed_at, c.sha, f.idx""",
        (repo_id, since, until),
    ).fetchall()
    for number, path, status, adds, dels, old in files:
        pr = prs.get(number)
        if pr is not None:
            pr.files.append(PrFile(path, status, adds or 0, dels or 0, adds is None, old))
    for pr in prs.values():
        if pr.merge_kind == "rebase" and len(pr.files) > 1:
            pr.files = _fold(pr.files)
    trailers = store.execute(
        """SELECT c.pr_number, t.name, t.email
           FROM commits c JOIN trailers t ON t.repo_id = c.repo_id AND t.sha = c.sha
           WHERE c.repo_id = ? AND c.committed_at >= ? AND c.committed_at < ? AND c.pr_number IS NOT NULL
             AND t.key = 'co-authored-by'
           ORDER BY c.committed_at, c.sha, t.idx""",
        (repo_id, since, until),
    )
    for number, name, email in trailers:
        pr = prs.get(number)
        if pr is not None and (name, email) not in pr.co_authors:
            pr.co_authors.append((name, email))
    for number, facts in forge_facts(store, repo_id, prs).items():
        pr = prs[number]
        pr.forge = facts
        if facts.login != "ghost":
            pr.author = facts.login  # authors by login: one name per person, whatever git recorded
    return list(prs.values())


def path_pr_counts(store: Store, repo_id: int, since: int = 0, until: int = FAR_FUTURE) -> dict[str, int]:
    """How many PRs merged in [since, until) touched each path (the files ``load_prs`` would give them)."""
    rows = store.execute(
        """SELECT path, count(DISTINCT number) FROM (
             SELECT f.path AS path, p.number AS number
             FROM pull_requests p JOIN file_changes f ON f.repo_id = p.repo_id AND f.sha = p.merge_sha
             WHERE p.repo_id = ? AND p.merged_at >= ? AND p.merged_at < ? AND p.merge_kind != 'rebase'
             UNION ALL
             SELECT f.path, c.pr_number
             FROM commits c
             JOIN pull_requests p ON p.repo_id = c.repo_id AND p.number = c.pr_number
             JOIN file_changes f ON f.repo_id = c.repo_id AND f.sha = c.sha
             WHERE c.repo_id = ? AND c.committed_at >= ? AND c.committed_at < ? AND c.pr_number IS NOT NULL
               AND p.merge_kind = 'rebase' AND p.merged_at >= ? AND p.merged_at < ?
           ) AS touched GROUP BY path ORDER BY path""",
        (repo_id, since, until, repo_id, since, until, since, until),
    )
    return dict(rows.fetchall())


def _fold(files: list[PrFile]) -> list[PrFile]:
    """One row per path for a PR whose commits touched a file more than once."""
    by_path: dict[str, PrFile] = {}
    for f in files:
        seen = by_path.get(f.path)
        if seen is None:
            by_path[f.path] = PrFile(f.path, f.status, f.additions, f.deletions, f.binary, f.old_path)
        else:
            seen.additions += f.additions
            seen.deletions += f.deletions
            seen.binary = seen.binary or f.binary
            if f.status == "D" or seen.status != "A":
                seen.status = f.status
    return list(by_path.values())


def direct_commits(store: Store, repo_id: int, since: int = 0, until: int = FAR_FUTURE) -> list[DirectCommit]:
    rows = store.execute(
        f"""SELECT sha, subject, author_name, committed_at FROM commits
           WHERE repo_id = ? AND committed_at >= ? AND committed_at < ? AND pr_number IS NULL
             AND {NOT_MERGED_BRANCH}
           ORDER BY committed_at, sha""",
        (repo_id, since, until),
    )
    return [DirectCommit(*row) for row in rows]


def authors_seen_before(store: Store, repo_id: int, before: int, authors: Mapping[str, str]) -> set[str]:
    """Which of ``authors`` (name -> e-mail) had a PR merged before ``before``, under that name
    (any case) or that e-mail: a contributor who changed how their name is written is no newcomer.

    Case is folded here, not in SQL: the backends' lower() differ beyond ASCII."""
    if not authors:
        return set()
    rows = store.execute(
        "SELECT DISTINCT author_name, author_email FROM pull_requests WHERE repo_id = ? AND merged_at < ?",
        (repo_id, before),
    )
    found_names, found_emails = set(), set()
    for name, email in rows:
        found_names.add(name.lower())
        found_emails.add(email.lower())
    # authors by login (a GitHub sync): a login seen on an earlier merged PR is no newcomer either
    logins = store.execute(
        "SELECT DISTINCT author_login FROM github_pull_requests WHERE repo_id = ? AND merged_at < ?",
        (repo_id, before),
    )
    found_names.update(login.lower() for (login,) in logins)
    return {n for n in authors if n.lower() in found_names or (authors[n] and authors[n].lower() in found_emails)}


def first_seen(store: Store, repo_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """The first merge time of each author name and of each e-mail, lower-cased (bulk reports read it once)."""
    by_name: dict[str, int] = {}
    by_email: dict[str, int] = {}
    rows = store.execute(
        "SELECT author_name, author_email, min(merged_at) FROM pull_requests WHERE repo_id = ?"
        " GROUP BY author_name, author_email",
        (repo_id,),
    )
    for name, email, first in rows:
        name, email = name.lower(), email.lower()
        by_name[name] = min(first, by_name.get(name, first))
        if email:
            by_email[email] = min(first, by_email.get(email, first))
    logins = store.execute(
        """SELECT author_login, min(merged_at) FROM github_pull_requests
           WHERE repo_id = ? AND merged_at IS NOT NULL GROUP BY author_login""",
        (repo_id,),
    )
    for login, first in logins:  # authors by login (a GitHub sync)
        login = login.lower()
        by_name[login] = min(first, by_name.get(login, first))
    return by_name, by_email


def reverts_of(store: Store, repo_id: int, numbers: Iterable[int]) -> dict[int, int]:
    """reverted PR number -> the PR that reverted it, for ``numbers``; any time."""
    wanted = sorted(set(numbers))
    found: dict[int, int] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        rows = store.execute(
            f"""SELECT reverts_pr, number FROM pull_requests WHERE repo_id = ? AND reverts_pr IN ({marks})
                ORDER BY merged_at, number""",
            (repo_id, *chunk),
        )
        for reverted, by in rows:
            found.setdefault(reverted, by)
    return found


def all_reverts(store: Store, repo_id: int) -> dict[int, int]:
    rows = store.execute(
        "SELECT reverts_pr, number FROM pull_requests WHERE repo_id = ? AND reverts_pr IS NOT NULL"
        " ORDER BY merged_at, number",
        (repo_id,),
    )
    found: dict[int, int] = {}
    for reverted, by in rows:
        found.setdefault(reverted, by)
    return found


def pr_numbers_by_sha(store: Store, repo_id: int, shas: Iterable[str]) -> dict[str, int]:
    """Resolve "This reverts commit <sha>" (full or abbreviated) to a PR number."""
    found: dict[str, int] = {}
    for sha in set(shas):
        row = store.execute(
            "SELECT pr_number FROM commits WHERE repo_id = ? AND sha >= ? AND sha < ? AND pr_number IS NOT NULL"
            " ORDER BY sha LIMIT 1",
            (repo_id, sha, sha + "g"),
        ).fetchone()
        if row:
            found[sha] = row[0]
    return found


def merge_times(store: Store, repo_id: int, since: int = 0, until: int = FAR_FUTURE) -> list[int]:
    """Merge times of the PRs in [since, until) (history charts)."""
    rows = store.execute(
        "SELECT merged_at FROM pull_requests WHERE repo_id = ? AND merged_at >= ? AND merged_at < ? ORDER BY merged_at",
        (repo_id, since, until),
    )
    return [row[0] for row in rows]


def pr_titles(store: Store, repo_id: int, since: int = 0, until: int = FAR_FUTURE) -> list[tuple[int, str]]:
    """(number, title) of the PRs merged in [since, until): what a period's words are weighed against."""
    rows = store.execute(
        "SELECT number, title FROM pull_requests WHERE repo_id = ? AND merged_at >= ? AND merged_at < ?"
        " ORDER BY merged_at, number",
        (repo_id, since, until),
    )
    return [(int(n), str(t)) for n, t in rows]


def path_counts(store: Store, repo_id: int) -> dict[str, int]:
    """How many commits touched each path: the tree the module map is inferred from."""
    rows = store.execute(
        "SELECT path, count(*) FROM file_changes WHERE repo_id = ? GROUP BY path ORDER BY path", (repo_id,)
    )
    return dict(rows.fetchall())


def time_bounds(store: Store, repo_id: int) -> tuple[int, int] | None:
    row = store.execute(
        "SELECT min(merged_at), max(merged_at) FROM pull_requests WHERE repo_id = ?", (repo_id,)
    ).fetchone()
    return (row[0], row[1]) if row and row[0] is not None else None


@dataclass(frozen=True, slots=True)
class RegisteredTheme:
    key: str
    name_en: str
    name_zh: str
    source: str
    topic: bool
    first_start: int
    last_start: int


def registered_themes(store: Store, repo_id: int) -> dict[str, RegisteredTheme]:
    """The repository's theme registry: key -> the theme as first chosen."""
    rows = store.execute(
        "SELECT key, name_en, name_zh, source, topic, first_start, last_start FROM theme_registry WHERE repo_id = ?"
        " ORDER BY key",
        (repo_id,),
    )
    return {
        str(k): RegisteredTheme(str(k), str(en), str(zh), str(src), bool(topic), int(first), int(last))
        for k, en, zh, src, topic, first, last in rows
    }


def register_themes(store: Store, repo_id: int, themes: Iterable[RegisteredTheme]) -> None:
    """Record the themes a period chose: a theme keeps the names of the earliest period that chose it."""
    rows = [(repo_id, t.key, t.name_en, t.name_zh, t.source, int(t.topic), t.first_start, t.last_start) for t in themes]
    if not rows:
        return
    with contextlib.suppress(*store.errors):  # a read-only store still reports: the registry keeps names steady
        _register(store, rows)


def _register(store: Store, rows: list[tuple[object, ...]]) -> None:
    with store.transaction():
        store.executemany(
            """INSERT INTO theme_registry (repo_id, key, name_en, name_zh, source, topic, first_start, last_start)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (repo_id, key) DO UPDATE SET
                 name_en = CASE WHEN excluded.first_start < theme_registry.first_start
                                THEN excluded.name_en ELSE theme_registry.name_en END,
                 name_zh = CASE WHEN excluded.first_start < theme_registry.first_start
                                THEN excluded.name_zh ELSE theme_registry.name_zh END,
                 source = CASE WHEN excluded.first_start < theme_registry.first_start
                               THEN excluded.source ELSE theme_registry.source END,
                 first_start = CASE WHEN excluded.first_start < theme_registry.first_start
                                    THEN excluded.first_start ELSE theme_registry.first_start END,
                 last_start = CASE WHEN excluded.last_start > theme_registry.last_start
                                   THEN excluded.last_start ELSE theme_registry.last_start END""",
            rows,
        )
