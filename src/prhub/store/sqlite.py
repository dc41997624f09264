"""The SQLite store: one writer, idempotent upserts, a cursor per repository and branch.

Every batch of commits is written in one transaction together with the cursor
that says it was written, so a sync killed at any moment (SIGKILL included)
leaves either the whole batch and its cursor or neither.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from prhub.errors import NotFoundError, StoreError
from prhub.store.schema import MIGRATIONS


def default_db_path() -> Path:
    """``PRHUB_DB``, else prhub.db in the user's data directory."""
    env = os.environ.get("PRHUB_DB")
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir("prhub", appauthor=False)) / "prhub.db"


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


class Store:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=10000")
            self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open database {self.path}: {_reason(exc)}") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -------------------------------------------------------------
    def _migrate(self) -> None:
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)"
        )
        done = {row[0] for row in self.db.execute("SELECT name FROM schema_migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self.transaction():
                for statement in sql.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, int(time.time())))

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    # -- repositories -------------------------------------------------------
    def upsert_repository(self, slug: str, path: str, remote_url: str | None, branch: str | None) -> Repository:
        with self.transaction():
            self.db.execute(
                """INSERT INTO repositories (slug, path, remote_url, default_branch, created_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (slug) DO UPDATE SET path = excluded.path,
                     remote_url = excluded.remote_url,
                     default_branch = COALESCE(excluded.default_branch, default_branch)""",
                (slug, path, remote_url, branch, int(time.time())),
            )
        return self.repository(slug)

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
            row = self.db.execute("SELECT id, slug FROM repositories WHERE identity = ?", (identity,)).fetchone()
            if row is None:
                candidate, n = slug, 1
                while True:
                    found = self.db.execute(
                        "SELECT id, path, remote_url, identity FROM repositories WHERE slug = ?", (candidate,)
                    ).fetchone()
                    if found is None:
                        self.db.execute(
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
            self.db.execute(
                """UPDATE repositories SET path = ?, remote_url = ?, identity = ?,
                     default_branch = COALESCE(?, default_branch) WHERE slug = ?""",
                (path, remote_url, identity, branch, row[1]),
            )
        return self.repository(row[1])

    def _same_legacy(self, found: tuple, path: str, remote_url: str | None, has_commit: Callable[[str], bool]) -> bool:
        if found[1] == path or (remote_url and found[2] == remote_url):
            return True
        heads = self.db.execute("SELECT head_sha FROM sync_cursors WHERE repo_id = ?", (found[0],)).fetchall()
        return bool(heads) and all(has_commit(h[0]) for h in heads)

    def repository(self, slug: str) -> Repository:
        row = self.db.execute(
            "SELECT id, slug, path, remote_url, default_branch FROM repositories WHERE slug = ?", (slug,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"unknown repository {slug!r}; run `prhub sync` on its clone first")
        return Repository(*row)

    def repository_by_path(self, path: str) -> Repository | None:
        row = self.db.execute(
            "SELECT id, slug, path, remote_url, default_branch FROM repositories WHERE path = ?", (path,)
        ).fetchone()
        return Repository(*row) if row else None

    def repositories(self) -> list[Repository]:
        rows = self.db.execute("SELECT id, slug, path, remote_url, default_branch FROM repositories ORDER BY slug")
        return [Repository(*row) for row in rows]

    def synced_at(self, repo_id: int) -> int | None:
        """When a sync last read the repository (unix seconds): the stored history is complete up to then."""
        row = self.db.execute("SELECT max(updated_at) FROM sync_cursors WHERE repo_id = ?", (repo_id,)).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    # -- settings -----------------------------------------------------------
    def set_repository_settings(self, repo_id: int, toml: str | None, origin: str = "") -> None:
        """Keep the repository's prhub.toml text (None: it has none any more); unchanged text is not rewritten."""
        with self.transaction():
            if toml is None:
                self.db.execute("DELETE FROM repository_settings WHERE repo_id = ?", (repo_id,))
                return
            self.db.execute(
                """INSERT INTO repository_settings (repo_id, toml, origin, updated_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (repo_id) DO UPDATE SET toml = excluded.toml, origin = excluded.origin,
                     updated_at = excluded.updated_at
                   WHERE repository_settings.toml <> excluded.toml OR repository_settings.origin <> excluded.origin""",
                (repo_id, toml, origin, int(time.time())),
            )

    def repository_settings(self, repo_id: int) -> StoredSettings | None:
        row = self.db.execute(
            "SELECT toml, origin, updated_at FROM repository_settings WHERE repo_id = ?", (repo_id,)
        ).fetchone()
        return StoredSettings(*row) if row else None

    # -- cursors ------------------------------------------------------------
    def cursor(self, repo_id: int, branch: str) -> Cursor | None:
        row = self.db.execute(
            "SELECT head_sha, seq FROM sync_cursors WHERE repo_id = ? AND branch = ?", (repo_id, branch)
        ).fetchone()
        return Cursor(*row) if row else None

    def set_cursor(self, repo_id: int, branch: str, head_sha: str, seq: int) -> None:
        self.db.execute(
            """INSERT INTO sync_cursors VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (repo_id, branch) DO UPDATE SET head_sha = excluded.head_sha,
                 seq = excluded.seq, updated_at = excluded.updated_at""",
            (repo_id, branch, head_sha, seq, int(time.time())),
        )

    def branch_shas_after(self, repo_id: int, branch: str, seq: int) -> list[str]:
        rows = self.db.execute(
            "SELECT sha FROM branch_commits WHERE repo_id = ? AND branch = ? AND seq > ? ORDER BY seq",
            (repo_id, branch, seq),
        )
        return [row[0] for row in rows]

    def branch_seq_of(self, repo_id: int, branch: str, sha: str) -> int | None:
        row = self.db.execute(
            "SELECT seq FROM branch_commits WHERE repo_id = ? AND branch = ? AND sha = ?", (repo_id, branch, sha)
        ).fetchone()
        return row[0] if row else None

    def truncate_branch(self, repo_id: int, branch: str, keep_seq: int, head_sha: str | None) -> int:
        """Forget the branch's commits after ``keep_seq`` (a rewritten branch); returns how many."""
        with self.transaction():
            gone = self.db.execute(
                "DELETE FROM branch_commits WHERE repo_id = ? AND branch = ? AND seq > ? RETURNING sha",
                (repo_id, branch, keep_seq),
            ).fetchall()
            side = self.db.execute(
                "DELETE FROM side_commits WHERE repo_id = ? AND branch = ? AND seq > ? RETURNING sha",
                (repo_id, branch, keep_seq),
            ).fetchall()
            self._drop_unreferenced(repo_id, [row[0] for row in gone + side])
            if head_sha is None:
                self.db.execute("DELETE FROM sync_cursors WHERE repo_id = ? AND branch = ?", (repo_id, branch))
            else:
                self.set_cursor(repo_id, branch, head_sha, keep_seq)
        return len(gone)

    def _drop_unreferenced(self, repo_id: int, shas: list[str]) -> None:
        for sha in shas:
            still = self.db.execute(
                """SELECT 1 FROM branch_commits WHERE repo_id = ? AND sha = ?
                   UNION ALL SELECT 1 FROM side_commits WHERE repo_id = ? AND sha = ? LIMIT 1""",
                (repo_id, sha, repo_id, sha),
            ).fetchone()
            if still:
                continue
            gone = self.db.execute(
                "DELETE FROM pull_requests WHERE repo_id = ? AND merge_sha = ? RETURNING number", (repo_id, sha)
            ).fetchall()
            for (number,) in gone:  # the kept commits of a rebase run no longer belong to a PR
                self.db.execute(
                    "UPDATE commits SET pr_number = NULL WHERE repo_id = ? AND pr_number = ?", (repo_id, number)
                )
            for table in ("file_changes", "trailers", "commits"):
                self.db.execute(f"DELETE FROM {table} WHERE repo_id = ? AND sha = ?", (repo_id, sha))

    # -- what merges brought in ---------------------------------------------
    def on_branch(self, repo_id: int, branch: str, sha: str) -> bool:
        """Whether a commit is stored on the branch or on a branch merged into it."""
        row = self.db.execute(
            """SELECT 1 FROM branch_commits WHERE repo_id = ? AND sha = ? AND branch = ?
               UNION ALL SELECT 1 FROM side_commits WHERE repo_id = ? AND branch = ? AND sha = ? LIMIT 1""",
            (repo_id, sha, branch, repo_id, branch, sha),
        ).fetchone()
        return row is not None

    def add_side_commits(self, rows: list[tuple[int, str, int, str]]) -> None:
        """(repo_id, branch, seq of the merge, sha) of the merged branches' first-parent chains."""
        self.db.executemany(
            "INSERT INTO side_commits VALUES (?, ?, ?, ?) ON CONFLICT (repo_id, branch, sha) DO NOTHING", rows
        )

    def pr_numbers_present(self, repo_id: int, numbers: Iterable[int]) -> set[int]:
        wanted = sorted(set(numbers))
        found: set[int] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            rows = self.db.execute(
                f"SELECT number FROM pull_requests WHERE repo_id = ? AND number IN ({', '.join('?' * len(chunk))})",
                (repo_id, *chunk),
            )
            found.update(row[0] for row in rows)
        return found

    def write_merged_in(
        self, commits: list[tuple], files: list[tuple], trailers: list[tuple], prs: list[tuple]
    ) -> None:
        """The commits that landed PRs on a merged branch, and those PRs (a PR already stored stays as it is)."""
        self.db.executemany(f"INSERT OR REPLACE INTO commits VALUES ({', '.join('?' * 23)})", commits)
        self.db.executemany(f"INSERT OR REPLACE INTO file_changes VALUES ({', '.join('?' * 10)})", files)
        self.db.executemany("INSERT OR REPLACE INTO trailers VALUES (?, ?, ?, ?, ?, ?)", trailers)
        self.db.executemany(
            f"INSERT INTO pull_requests VALUES ({', '.join('?' * 14)}) ON CONFLICT (repo_id, number) DO NOTHING", prs
        )

    # -- people -------------------------------------------------------------
    def person_id(self, name: str, email: str, cache: dict[tuple[str, str], int]) -> int:
        key = (name, email)
        found = cache.get(key)
        if found is not None:
            return found
        row = self.db.execute(
            """INSERT INTO people (name, email) VALUES (?, ?)
               ON CONFLICT (name, email) DO UPDATE SET name = excluded.name RETURNING id""",
            key,
        ).fetchone()
        cache[key] = row[0]
        return int(row[0])

    # -- reads used by sync -------------------------------------------------
    def commits_in_rebase_run(self, repo_id: int, committer_email: str, committed_at: int) -> list[str]:
        rows = self.db.execute(
            """SELECT sha FROM commits WHERE repo_id = ? AND committed_at = ? AND committer_email = ?
               AND pr_number IS NULL""",
            (repo_id, committed_at, committer_email),
        )
        return [row[0] for row in rows]

    def counts(self, repo_id: int) -> dict[str, int]:
        one = self.db.execute
        return {
            "commits": one("SELECT count(*) FROM commits WHERE repo_id = ?", (repo_id,)).fetchone()[0],
            "pull_requests": one("SELECT count(*) FROM pull_requests WHERE repo_id = ?", (repo_id,)).fetchone()[0],
            "direct_commits": one(
                "SELECT count(*) FROM commits WHERE repo_id = ? AND pr_number IS NULL", (repo_id,)
            ).fetchone()[0],
            "file_changes": one("SELECT count(*) FROM file_changes WHERE repo_id = ?", (repo_id,)).fetchone()[0],
        }

    def dump(self, repo_id: int) -> Iterator[tuple[str, tuple[object, ...]]]:
        """Every row that belongs to a repository, in a stable order (for comparisons and export)."""
        queries = {
            "commits": "SELECT * FROM commits WHERE repo_id = ? ORDER BY sha",
            "branch_commits": "SELECT * FROM branch_commits WHERE repo_id = ? ORDER BY branch, seq",
            "file_changes": "SELECT * FROM file_changes WHERE repo_id = ? ORDER BY sha, idx",
            "trailers": "SELECT * FROM trailers WHERE repo_id = ? ORDER BY sha, idx",
            "pull_requests": "SELECT * FROM pull_requests WHERE repo_id = ? ORDER BY number",
            "side_commits": "SELECT * FROM side_commits WHERE repo_id = ? ORDER BY branch, seq, sha",
            "cursors": "SELECT repo_id, branch, head_sha, seq FROM sync_cursors WHERE repo_id = ? ORDER BY branch",
            "people": """SELECT * FROM people WHERE id IN (SELECT author_id FROM commits WHERE repo_id = ?)
                         ORDER BY id""",
        }
        for table, sql in queries.items():
            for row in self.db.execute(sql, (repo_id,)):
                yield table, tuple(row)

    def executemany(self, sql: str, rows: Iterable[tuple[object, ...]]) -> None:
        self.db.executemany(sql, rows)

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, params)


class _Transaction:
    """``with store.transaction():`` BEGIN IMMEDIATE ... COMMIT, ROLLBACK on error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, sqlite3.OperationalError) and "unable to open" in text:
        return "unable to open the file (is the directory writable?)"
    return text
