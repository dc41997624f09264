"""The SQLite backend: one file, WAL, one writer at a time, a lock file per repository being synced.

Every batch of commits is written in one transaction together with the cursor
that says it was written, so a sync killed at any moment (SIGKILL included)
leaves either the whole batch and its cursor or neither.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from platformdirs import user_data_dir

from prhub.errors import StoreError
from prhub.store.base import Cursor, Repository, Rows
from prhub.store.base import Store as BaseStore
from prhub.store.schema import MIGRATIONS, OPTIONAL_FOR_READING, for_sqlite

try:  # POSIX: flock; Windows has msvcrt.locking instead (see ``lock_file``)
    import fcntl
except ImportError:
    fcntl = None  # type: ignore[assignment]
try:
    import msvcrt
except ImportError:
    msvcrt = None  # type: ignore[assignment]

__all__ = ["Cursor", "Repository", "SqliteStore", "Store", "default_db_path"]

BUSY_TIMEOUT_MS = 60_000  # parallel syncs of different repositories take turns writing one file


def default_db_path() -> Path:
    """``PRHUB_DB``, else prhub.db in the user's data directory."""
    env = os.environ.get("PRHUB_DB")
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir("prhub", appauthor=False)) / "prhub.db"


class SqliteStore(BaseStore):
    backend = "sqlite"
    errors = (sqlite3.Error,)

    def __init__(self, path: str | os.PathLike[str], readonly: bool = False) -> None:
        self.path = Path(path).expanduser()
        self.url = str(self.path)
        self.readonly = readonly
        if readonly:
            self.db = _open_readonly(self.path)
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
            )
            # the busy timeout first: switching a new file to WAL takes a lock another process may hold
            self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open database {self.path}: {_reason(exc)}") from None

    def close(self) -> None:
        self.db.close()

    # -- schema -------------------------------------------------------------
    def _migrate(self) -> None:
        """Apply what is missing, under the write lock, deciding what is missing once the lock is held:
        two processes opening a new file at once must not both create its tables."""
        if self._pending_migrations() == []:
            return
        with self.transaction():  # BEGIN IMMEDIATE: one process migrates, the others wait, then find it done
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)"
            )
            for name, sql in self._pending_migrations() or []:
                for statement in for_sqlite(sql):
                    self.db.execute(statement)
                self.db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, int(time.time())))

    def _pending_migrations(self) -> list[tuple[str, str]] | None:
        """The migrations not applied yet (None: the file has no schema at all)."""
        exists = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if not exists:
            return None
        done = {row[0] for row in self.db.execute("SELECT name FROM schema_migrations")}
        return [(name, sql) for name, sql in MIGRATIONS if name not in done]

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    @contextlib.contextmanager
    def writer_lock(self, key: str) -> Iterator[None]:
        """An exclusive ``flock`` on a file beside the database, one per key: held until the sync ends,
        released by the kernel if the process dies."""
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        lock_path = self.path.with_name(f"{self.path.name}.sync-{digest}.lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            lock_file(fd, lock_path)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def execute(self, sql: str, params: Sequence[object] = ()) -> Rows:
        return self.db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self.db.executemany(sql, rows)


Store = SqliteStore  # the name callers used before there were two backends


def lock_file(fd: int, path: Path) -> None:
    """Wait for an exclusive lock on an open file: ``flock`` on POSIX, ``msvcrt.locking`` on Windows
    (retried, as it gives up after ten seconds); elsewhere one clear error."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    if msvcrt is not None:
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                time.sleep(0.2)
    raise StoreError(
        f"cannot lock {path}: this platform has neither fcntl nor msvcrt file locks; "
        "use a PostgreSQL store (--db postgresql://...), whose locks the server keeps"
    )


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


def _open_readonly(path: Path) -> sqlite3.Connection:
    """An existing database, read only: it may sit in a directory nobody may write (a shared, mounted store).

    A WAL database wants to create its -shm file even to read; where that is
    impossible, it is read as immutable (nothing can write there either).
    """
    if not path.is_file():
        raise StoreError(f"no database at {path}; run `prhub sync <clone> --db {path}` first")
    uri = path.resolve().as_uri()
    try:
        for mode in ("mode=ro", "immutable=1"):
            db = sqlite3.connect(f"{uri}?{mode}", uri=True, isolation_level=None, check_same_thread=False)
            try:
                db.execute("PRAGMA busy_timeout=10000")
                done = {row[0] for row in db.execute("SELECT name FROM schema_migrations")}
                break
            except sqlite3.OperationalError as exc:
                db.close()
                if mode == "immutable=1" or "readonly" not in str(exc) and "unable to open" not in str(exc):
                    raise
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open database {path}: {_reason(exc)}") from None
    if any(name not in done and name not in OPTIONAL_FOR_READING for name, _ in MIGRATIONS):
        db.close()
        raise StoreError(f"database {path} was written by an older prhub: run `prhub sync` on it once to upgrade it")
    return db


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if "no such table" in text:
        return "not a prhub database"
    if isinstance(exc, sqlite3.OperationalError) and "unable to open" in text:
        return "unable to open the file (is the directory writable?)"
    return text
