"""The store protocol: what every backend offers, written once in SQL both backends accept.

A backend (``sqlite.SqliteStore``, ``postgres.PostgresStore``) supplies the
connection: ``execute``/``executemany`` with ``?`` placeholders, transactions,
migrations, a per-repository writer lock and a bulk upsert. Everything else,
every query the layers above need, is written here once, in SQL that SQLite and
PostgreSQL both accept, so the same rows come back from either and the same
report is built from them. Callers never write SQL; they call these methods or
the functions in ``queries.py``.
"""

from __future__ import annotations

import contextlib
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from prhub.errors import NotFoundError


class Rows(Protocol):
    """What ``execute`` returns on either backend (a DB-API cursor)."""

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


@dataclass(frozen=True, slots=True)
class Repository:
    id: int
    slug: str
    path: str
    remote_url: str | None
    default_branch: str | None

    @property
    def owner(self) -> str:
        return self.slug.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.slug.split("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class StoredSettings:
    """A repository's prhub.toml as the last sync read it."""

    toml: str
    origin: str  # the file's path at that sync
    updated_at: int


@dataclass(frozen=True, slots=True)
class Cursor:
    head_sha: str
    seq: int


# The column order of the tables sync writes; named, so a migration that adds a column breaks nothing.
COMMIT_COLUMNS = (
    "repo_id", "sha", "parents", "author_id", "author_name", "author_email", "authored_at", "author_tz",
    "committer_name", "committer_email", "committed_at", "committer_tz", "subject", "message", "message_raw",
    "pr_number", "reverts_sha", "files_changed", "additions", "deletions", "author_raw", "committer_raw", "flags",
)  # fmt: skip
BRANCH_COLUMNS = ("repo_id", "branch", "seq", "sha")
FILE_COLUMNS = (
    "repo_id", "sha", "idx", "path", "old_path", "status", "additions", "deletions", "path_raw", "old_path_raw",
)  # fmt: skip
TRAILER_COLUMNS = ("repo_id", "sha", "idx", "key", "name", "email")
SIDE_COLUMNS = ("repo_id", "branch", "seq", "sha")
PR_COLUMNS = (
    "repo_id", "number", "title", "author_name", "author_email", "merged_at", "merged_tz", "merge_sha",
    "merge_kind", "head_ref", "reverts_sha", "reverts_pr", "source", "base_branch",
)  # fmt: skip
PR_UPDATED = tuple(c for c in PR_COLUMNS if c not in ("repo_id", "number", "source"))  # what a later sync may change

_REPO = "SELECT id, slug, path, remote_url, default_branch FROM repositories"
# a commit without a PR that is no direct push either: a merge of a branch whose PRs are stored
NOT_MERGED_BRANCH = "(flags IS NULL OR flags NOT LIKE '%merged-branch%')"

# Seconds -> the number of the ISO week (Monday 00:00 UTC) it falls in, counted from the week of
# 1970-01-01 (a Thursday); integer arithmetic both backends do alike, negative times included.
WEEK_OF = "((({t}) - ((({t}) % 86400) + 86400) % 86400) / 86400 + 3 - (((({t}) - ((({t}) % 86400) + 86400) % 86400) / 86400 + 3) % 7 + 7) % 7) / 7"  # noqa: E501


def week_of_sql(column: str) -> str:
    return WEEK_OF.format(t=column)


class Store:
    """The protocol and its shared half. ``url`` names the database (a path or a postgresql:// URL)."""

    url: str
    backend: str  # "sqlite" or "postgresql"
    errors: tuple[type[BaseException], ...] = ()  # the driver's exceptions (a read-only store raises them)

    # -- what a backend supplies --------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[object] = ()) -> Rows:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        raise NotImplementedError

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        raise NotImplementedError

    def writer_lock(self, key: str) -> contextlib.AbstractContextManager[None]:
        """Held while one process writes one repository: a second writer of the same key waits."""
        raise NotImplementedError

    def _serialize(self, what: str) -> None:
        """Inside a transaction: let one writer at a time past this point (SQLite: every write transaction is)."""

    def upsert(
        self, table: str, columns: Sequence[str], keys: Sequence[str], rows: Sequence[Sequence[object]],
        update: Sequence[str] | None = None,
    ) -> None:  # fmt: skip
        """Insert ``rows``; a row whose ``keys`` exist already updates ``update`` (default: every other column)."""
        if not rows:
            return
        self.executemany(upsert_sql(table, columns, keys, update), rows)

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- repositories -------------------------------------------------------------------------------
    def upsert_repository(self, slug: str, path: str, remote_url: str | None, branch: str | None) -> Repository:
        with self.transaction():
            self.execute(
                """INSERT INTO repositories (slug, path, remote_url, default_branch, created_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (slug) DO UPDATE SET path = excluded.path,
                     remote_url = excluded.remote_url,
                     default_branch = COALESCE(excluded.default_branch, repositories.default_branch)""",
                (slug, path, remote_url, branch, int(time.time())),
            )
        return self.repository(slug)

    def repository(self, slug: str) -> Repository:
        row = self.execute(f"{_REPO} WHERE slug = ?", (slug,)).fetchone()
        if row is None:
            raise NotFoundError(f"unknown repository {slug!r}; run `prhub sync` on its clone first")
        return Repository(*row)

    def repository_by_path(self, path: str) -> Repository | None:
        row = self.execute(f"{_REPO} WHERE path = ? ORDER BY id", (path,)).fetchone()
        return Repository(*row) if row else None

    def repositories(self) -> list[Repository]:
        return [Repository(*row) for row in self.execute(f"{_REPO} ORDER BY slug")]

    def synced_at(self, repo_id: int) -> int | None:
        """When a sync last read the repository (unix seconds): the stored history is complete up to then."""
        row = self.execute("SELECT max(updated_at) FROM sync_cursors WHERE repo_id = ?", (repo_id,)).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def claim_repository(
        self,
        identity: str,
        slug: str,
        path: str,
        remote_url: str | None,
        branch: str | None,
        has_commit: Callable[[str], bool],
    ) -> Repository:
        """The stored repository with this identity, else a new one under ``slug``, or under
        ``slug-2``, ``slug-3``... when another repository holds it: a collision never merges
        two histories (the second would take the first's for a force-push and delete it).

        A row stored before identities were kept is this repository when its path or remote
        is this one's, or when its last synced commit is in this repository.
        """
        with self.transaction():
            self._serialize("repositories")  # two new repositories must not both take one free slug
            row = self.execute(
                "SELECT id, slug FROM repositories WHERE identity = ? ORDER BY id", (identity,)
            ).fetchone()
            if row is None:
                candidate, n = slug, 1
                while True:
                    found = self.execute(
                        "SELECT id, path, remote_url, identity FROM repositories WHERE slug = ?", (candidate,)
                    ).fetchone()
                    if found is None:
                        self.execute(
                            """INSERT INTO repositories (slug, path, remote_url, default_branch, created_at, identity)
                               VALUES (?, ?, ?, ?, ?, ?)""",
                            (candidate, path, remote_url, branch, int(time.time()), identity),
                        )
                        break
                    if found[3] is None and self._same_legacy(found, path, remote_url, has_commit):
                        break
                    n += 1
                    candidate = f"{slug}-{n}"
                row = (found[0] if found else None, candidate)
            self.execute(
                """UPDATE repositories SET path = ?, remote_url = ?, identity = ?,
                     default_branch = COALESCE(?, default_branch) WHERE slug = ?""",
                (path, remote_url, identity, branch, row[1]),
            )
        return self.repository(row[1])

    def _same_legacy(self, found: Sequence[Any], path: str, remote_url: str | None,
                     has_commit: Callable[[str], bool]) -> bool:  # fmt: skip
        if found[1] == path or (remote_url and found[2] == remote_url):
            return True
        heads = self.execute("SELECT head_sha FROM sync_cursors WHERE repo_id = ?", (found[0],)).fetchall()
        return bool(heads) and all(has_commit(h[0]) for h in heads)

    # -- settings -----------------------------------------------------------------------------------
    def set_repository_settings(self, repo_id: int, toml: str | None, origin: str = "") -> None:
        """Keep the repository's prhub.toml text (None: it has none any more); unchanged text is not rewritten."""
        with self.transaction():
            if toml is None:
                self.execute("DELETE FROM repository_settings WHERE repo_id = ?", (repo_id,))
                return
            self.execute(
                """INSERT INTO repository_settings (repo_id, toml, origin, updated_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (repo_id) DO UPDATE SET toml = excluded.toml, origin = excluded.origin,
                     updated_at = excluded.updated_at
                   WHERE repository_settings.toml <> excluded.toml OR repository_settings.origin <> excluded.origin""",
                (repo_id, toml, origin, int(time.time())),
            )

    def repository_settings(self, repo_id: int) -> StoredSettings | None:
        row = self.execute(
            "SELECT toml, origin, updated_at FROM repository_settings WHERE repo_id = ?", (repo_id,)
        ).fetchone()
        return StoredSettings(*row) if row else None

    # -- cursors ------------------------------------------------------------------------------------
    def cursor(self, repo_id: int, branch: str) -> Cursor | None:
        row = self.execute(
            "SELECT head_sha, seq FROM sync_cursors WHERE repo_id = ? AND branch = ?", (repo_id, branch)
        ).fetchone()
        return Cursor(*row) if row else None

    def set_cursor(self, repo_id: int, branch: str, head_sha: str, seq: int) -> None:
        self.execute(
            """INSERT INTO sync_cursors (repo_id, branch, head_sha, seq, updated_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (repo_id, branch) DO UPDATE SET head_sha = excluded.head_sha,
                 seq = excluded.seq, updated_at = excluded.updated_at""",
            (repo_id, branch, head_sha, seq, int(time.time())),
        )

    def repository_state(self, slug: str) -> tuple[Repository, str, str, str] | None:
        """The repository, its sync state (changes whenever a sync moves any of its branches), its
        settings state (the kept prhub.toml's time and checksum) and its LLM state (changes whenever a
        model's answers for one of its reports are stored), in one query: what a server checks before it
        answers from memory."""
        rows = self.execute(
            """SELECT r.id, r.slug, r.path, r.remote_url, r.default_branch, s.updated_at, s.toml,
                      (SELECT CAST(count(*) AS TEXT) || ':' || CAST(coalesce(max(l.created_at), 0) AS TEXT)
                              || ':' || CAST(coalesce(sum(length(l.result)), 0) AS TEXT)
                         FROM llm_cache l WHERE substr(l.scope, 1, length(r.slug) + 1) = r.slug || '|'),
                      c.branch, c.head_sha, c.seq, c.updated_at
               FROM repositories r
               LEFT JOIN repository_settings s ON s.repo_id = r.id
               LEFT JOIN sync_cursors c ON c.repo_id = r.id
               WHERE r.slug = ? ORDER BY c.branch""",
            (slug,),
        ).fetchall()
        if not rows:
            return None
        first = rows[0]
        sync = ";".join(f"{branch}:{head}:{seq}:{at}" for *_, branch, head, seq, at in rows if branch is not None)
        settings = f"{first[5]}:{zlib.crc32(first[6].encode())}" if first[6] is not None else ""
        return Repository(*first[:5]), sync, settings, str(first[7])

    def build_lock(self, key: str) -> contextlib.AbstractContextManager[None]:
        """Held while one process builds one report, so processes sharing the store build it once
        (PostgreSQL: an advisory lock). SQLite has none: each process may build a missing report once."""
        return contextlib.nullcontext()

    def branch_shas_after(self, repo_id: int, branch: str, seq: int) -> list[str]:
        rows = self.execute(
            "SELECT sha FROM branch_commits WHERE repo_id = ? AND branch = ? AND seq > ? ORDER BY seq",
            (repo_id, branch, seq),
        )
        return [row[0] for row in rows]

    def branch_seq_of(self, repo_id: int, branch: str, sha: str) -> int | None:
        row = self.execute(
            "SELECT seq FROM branch_commits WHERE repo_id = ? AND branch = ? AND sha = ?", (repo_id, branch, sha)
        ).fetchone()
        return row[0] if row else None

    def branch_tip(self, repo_id: int, branch: str, seq: int) -> tuple[str, str, int, int | None] | None:
        """(sha, committer e-mail, commit time, PR number) of the branch's commit at ``seq``."""
        row = self.execute(
            """SELECT c.sha, c.committer_email, c.committed_at, c.pr_number FROM branch_commits b
               JOIN commits c ON c.repo_id = b.repo_id AND c.sha = b.sha
               WHERE b.repo_id = ? AND b.branch = ? AND b.seq = ?""",
            (repo_id, branch, seq),
        ).fetchone()
        return tuple(row) if row else None  # type: ignore[return-value]

    def truncate_branch(self, repo_id: int, branch: str, keep_seq: int, head_sha: str | None) -> int:
        """Forget the branch's commits after ``keep_seq`` (a rewritten branch); returns how many."""
        with self.transaction():
            gone = self.execute(
                "DELETE FROM branch_commits WHERE repo_id = ? AND branch = ? AND seq > ? RETURNING sha",
                (repo_id, branch, keep_seq),
            ).fetchall()
            side = self.execute(
                "DELETE FROM side_commits WHERE repo_id = ? AND branch = ? AND (seq > ? OR seq < ?) RETURNING sha",
                (repo_id, branch, keep_seq, -keep_seq),
            ).fetchall()
            self._drop_unreferenced(repo_id, [row[0] for row in gone + side])
            if head_sha is None:
                self.execute("DELETE FROM sync_cursors WHERE repo_id = ? AND branch = ?", (repo_id, branch))
            else:
                self.set_cursor(repo_id, branch, head_sha, keep_seq)
                self.execute(  # the diffs read beyond what is kept are read again
                    "UPDATE sync_cursors SET diff_seq = ? WHERE repo_id = ? AND branch = ? AND diff_seq > ?",
                    (keep_seq, repo_id, branch, keep_seq),
                )
        return len(gone)

    def _drop_unreferenced(self, repo_id: int, shas: list[str]) -> None:
        for sha in shas:
            still = self.execute(
                """SELECT 1 FROM branch_commits WHERE repo_id = ? AND sha = ?
                   UNION ALL SELECT 1 FROM side_commits WHERE repo_id = ? AND sha = ? LIMIT 1""",
                (repo_id, sha, repo_id, sha),
            ).fetchone()
            if still:
                continue
            gone = self.execute(
                "DELETE FROM pull_requests WHERE repo_id = ? AND merge_sha = ? RETURNING number", (repo_id, sha)
            ).fetchall()
            for (number,) in gone:  # the kept commits of a rebase run no longer belong to a PR
                self.execute(
                    "UPDATE commits SET pr_number = NULL WHERE repo_id = ? AND pr_number = ?", (repo_id, number)
                )
            for table in ("file_changes", "trailers", "diff_facts", "commits"):
                self.execute(f"DELETE FROM {table} WHERE repo_id = ? AND sha = ?", (repo_id, sha))

    # -- what merges brought in ---------------------------------------------------------------------
    def on_side_chain(self, repo_id: int, branch: str, sha: str) -> bool:
        """Whether a commit is on the chain of a branch merged in before whose PRs are stored."""
        row = self.execute(
            "SELECT 1 FROM side_commits WHERE repo_id = ? AND branch = ? AND sha = ? AND seq > 0",
            (repo_id, branch, sha),
        ).fetchone()
        return row is not None

    def highest_pr_number(self, repo_id: int) -> int | None:
        return self.execute("SELECT max(number) FROM pull_requests WHERE repo_id = ?", (repo_id,)).fetchone()[0]

    def is_foreign(self, repo_id: int, branch: str, sha: str) -> bool:
        """Whether a commit is on the chain of an unrelated history merged in before (a subtree):
        side_commits keeps those chains with the merge's seq negated."""
        row = self.execute(
            "SELECT 1 FROM side_commits WHERE repo_id = ? AND branch = ? AND sha = ? AND seq < 0",
            (repo_id, branch, sha),
        ).fetchone()
        return row is not None

    def add_side_commits(self, rows: Sequence[Sequence[object]]) -> None:
        """(repo_id, branch, seq of the merge, sha) of the merged branches' first-parent chains."""
        self.upsert("side_commits", SIDE_COLUMNS, ("repo_id", "branch", "sha"), rows, update=())

    def pr_numbers_present(self, repo_id: int, numbers: Iterable[int]) -> set[int]:
        wanted = sorted(set(numbers))
        found: set[int] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            rows = self.execute(
                f"SELECT number FROM pull_requests WHERE repo_id = ? AND number IN ({', '.join('?' * len(chunk))})",
                (repo_id, *chunk),
            )
            found.update(row[0] for row in rows)
        return found

    def write_merged_in(
        self,
        commits: Sequence[Sequence[object]],
        files: Sequence[Sequence[object]],
        trailers: Sequence[Sequence[object]],
        prs: Sequence[Sequence[object]],
    ) -> None:
        """The commits that landed PRs on a merged branch, and those PRs (a PR already stored stays as it is)."""
        self.upsert("commits", COMMIT_COLUMNS, ("repo_id", "sha"), commits)
        self.upsert("file_changes", FILE_COLUMNS, ("repo_id", "sha", "idx"), files)
        self.upsert("trailers", TRAILER_COLUMNS, ("repo_id", "sha", "idx"), trailers)
        self.upsert("pull_requests", PR_COLUMNS, ("repo_id", "number"), prs, update=())

    # -- people -------------------------------------------------------------------------------------
    def person_id(self, name: str, email: str, cache: dict[tuple[str, str], int]) -> int:
        key = (name, email)
        found = cache.get(key)
        if found is not None:
            return found
        # look first: an upsert that finds the row still takes a number from PostgreSQL's sequence,
        # and ids must not depend on how many syncs came before
        row = self.execute("SELECT id FROM people WHERE name = ? AND email = ?", key).fetchone()
        if row is None:
            row = (
                self.execute(
                    "INSERT INTO people (name, email) VALUES (?, ?) ON CONFLICT (name, email) DO NOTHING RETURNING id",
                    key,
                ).fetchone()
                or self.execute("SELECT id FROM people WHERE name = ? AND email = ?", key).fetchone()
            )
        cache[key] = int(row[0])
        return int(row[0])

    # -- writes of one sync batch (inside the caller's transaction) ---------------------------------
    def write_history(
        self,
        commits: Sequence[Sequence[object]],
        branch_commits: Sequence[Sequence[object]],
        files: Sequence[Sequence[object]],
        trailers: Sequence[Sequence[object]],
        prs: Sequence[Sequence[object]],
    ) -> None:
        """Rows in the column orders above; idempotent (a batch written twice is stored once)."""
        self.upsert("commits", COMMIT_COLUMNS, ("repo_id", "sha"), commits)
        self.upsert("branch_commits", BRANCH_COLUMNS, ("repo_id", "branch", "seq"), branch_commits)
        self.upsert("file_changes", FILE_COLUMNS, ("repo_id", "sha", "idx"), files)
        self.upsert("trailers", TRAILER_COLUMNS, ("repo_id", "sha", "idx"), trailers)
        self.upsert("pull_requests", PR_COLUMNS, ("repo_id", "number"), prs, update=PR_UPDATED)

    def set_commits_pr(self, repo_id: int, number: int, shas: Iterable[str]) -> None:
        """The commits of a rebase merge belong to its PR."""
        self.executemany(
            "UPDATE commits SET pr_number = ? WHERE repo_id = ? AND sha = ?", [(number, repo_id, s) for s in shas]
        )

    def commits_in_rebase_run(self, repo_id: int, committer_email: str, committed_at: int) -> list[str]:
        rows = self.execute(
            """SELECT sha FROM commits WHERE repo_id = ? AND committed_at = ? AND committer_email = ?
               AND pr_number IS NULL ORDER BY sha""",
            (repo_id, committed_at, committer_email),
        )
        return [row[0] for row in rows]

    def commits_by_prefix(self, repo_id: int, prefix: str, limit: int = 2) -> list[tuple[str, int | None]]:
        """(sha, PR number) of the stored commits whose sha starts with ``prefix`` (hex), at most ``limit``."""
        rows = self.execute(
            "SELECT sha, pr_number FROM commits WHERE repo_id = ? AND sha >= ? AND sha < ? ORDER BY sha LIMIT ?",
            (repo_id, prefix, prefix + "g", limit),
        )
        return [(sha, pr) for sha, pr in rows]

    def pr_by_title(self, repo_id: int, low: str, high: str, merged_by: int, not_number: int) -> int | None:
        """The latest PR merged by ``merged_by`` whose title is in [low, high] (a revert's quoted title)."""
        row = self.execute(
            """SELECT number FROM pull_requests WHERE repo_id = ? AND title >= ? AND title <= ?
               AND merged_at <= ? AND number != ? ORDER BY merged_at DESC, number DESC LIMIT 1""",
            (repo_id, low, high, merged_by, not_number),
        ).fetchone()
        return row[0] if row else None

    def drop_rollup_prs(self, repo_id: int, rollups: Sequence[tuple[int, str]]) -> None:
        """A rollup's own PR ``(number, merge sha)``, whose member PRs are stored: not a PR beside
        them; its merge, like a merge of a branch, is no direct push (its content is those PRs)."""
        self.executemany(
            "DELETE FROM pull_requests WHERE repo_id = ? AND number = ? AND merge_sha = ?",
            [(repo_id, number, sha) for number, sha in rollups],
        )
        self.executemany(
            "UPDATE commits SET pr_number = NULL WHERE repo_id = ? AND sha = ? AND pr_number = ?",
            [(repo_id, sha, number) for number, sha in rollups],
        )
        self.mark_merged_branches(repo_id, [sha for _, sha in rollups])

    def mark_merged_branches(self, repo_id: int, shas: Iterable[str]) -> None:
        """Flag merges that brought in a branch whose PRs are stored (``Merge branch 'stable'``):
        not direct pushes, their content is those PRs."""
        self.executemany(
            """UPDATE commits SET flags = CASE WHEN flags IS NULL THEN 'merged-branch'
                 ELSE flags || ',merged-branch' END WHERE repo_id = ? AND sha = ?""",
            [(repo_id, sha) for sha in shas],
        )

    def set_commit_reverts(self, repo_id: int, sha: str, reverts_sha: str | None) -> None:
        self.execute("UPDATE commits SET reverts_sha = ? WHERE repo_id = ? AND sha = ?", (reverts_sha, repo_id, sha))

    def set_pr_reverts(self, repo_id: int, number: int, reverts_sha: str | None, reverts_pr: int | None) -> None:
        self.execute(
            "UPDATE pull_requests SET reverts_sha = ?, reverts_pr = ? WHERE repo_id = ? AND number = ?",
            (reverts_sha, reverts_pr, repo_id, number),
        )

    # -- reads for summaries and listings -----------------------------------------------------------
    def counts(self, repo_id: int) -> dict[str, int]:
        one = self.execute
        return {
            "commits": one("SELECT count(*) FROM commits WHERE repo_id = ?", (repo_id,)).fetchone()[0],
            "pull_requests": one("SELECT count(*) FROM pull_requests WHERE repo_id = ?", (repo_id,)).fetchone()[0],
            "direct_commits": one(
                f"SELECT count(*) FROM commits WHERE repo_id = ? AND pr_number IS NULL AND {NOT_MERGED_BRANCH}",
                (repo_id,),
            ).fetchone()[0],
            "file_changes": one("SELECT count(*) FROM file_changes WHERE repo_id = ?", (repo_id,)).fetchone()[0],
        }

    def repository_overview(self) -> list[tuple[str, str | None, int, int | None, int]]:
        """(slug, remote URL, merged PRs, last merge time, weeks with a merge) of every repository, by slug."""
        rows = self.execute(
            f"""SELECT r.slug, r.remote_url, count(p.number), max(p.merged_at),
                       count(DISTINCT {week_of_sql("p.merged_at")})
                FROM repositories r LEFT JOIN pull_requests p ON p.repo_id = r.id
                GROUP BY r.id, r.slug, r.remote_url ORDER BY r.slug"""
        )
        return [(slug, remote, int(prs), last, int(weeks)) for slug, remote, prs, last, weeks in rows]

    def prs_by_week(self, repo_id: int) -> list[tuple[int, str, str, str, int | None, int]]:
        """(week number, title, author name, author e-mail, reverted PR, merge time) of every PR, newest week
        first; the week number counts ISO weeks from the one of 1970-01-01 (see ``WEEK_OF``)."""
        rows = self.execute(
            f"""SELECT {week_of_sql("merged_at")} AS week, title, author_name, author_email, reverts_pr, merged_at
                FROM pull_requests WHERE repo_id = ? ORDER BY week DESC, merged_at, number""",
            (repo_id,),
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def dump(self, repo_id: int) -> Iterator[tuple[str, tuple[object, ...]]]:
        """Every row that belongs to a repository, in a stable order (for comparisons and export)."""
        queries = {
            "commits": f"SELECT {', '.join(COMMIT_COLUMNS)} FROM commits WHERE repo_id = ? ORDER BY sha",
            "branch_commits": "SELECT * FROM branch_commits WHERE repo_id = ? ORDER BY branch, seq",
            "file_changes": f"SELECT {', '.join(FILE_COLUMNS)} FROM file_changes WHERE repo_id = ? ORDER BY sha, idx",
            "trailers": "SELECT * FROM trailers WHERE repo_id = ? ORDER BY sha, idx",
            "pull_requests": f"SELECT {', '.join(PR_COLUMNS)} FROM pull_requests WHERE repo_id = ? ORDER BY number",
            "side_commits": "SELECT * FROM side_commits WHERE repo_id = ? ORDER BY branch, seq, sha",
            "cursors": "SELECT repo_id, branch, head_sha, seq FROM sync_cursors WHERE repo_id = ? ORDER BY branch",
            "people": """SELECT id, name, email FROM people
                         WHERE id IN (SELECT author_id FROM commits WHERE repo_id = ?) ORDER BY id""",
        }
        for table, sql in queries.items():
            for row in self.execute(sql, (repo_id,)):
                yield table, tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)


def upsert_sql(table: str, columns: Sequence[str], keys: Sequence[str], update: Sequence[str] | None = None) -> str:
    """INSERT ... ON CONFLICT (keys) DO UPDATE: the upsert both backends speak."""
    changed = [c for c in (columns if update is None else update) if c not in keys]
    action = "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in changed) if changed else "DO NOTHING"
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT ({', '.join(keys)}) {action}"
