"""The PostgreSQL backend: psycopg 3 over a connection pool, COPY for bulk writes, advisory locks.

A ``PostgresStore`` holds one connection from a pool shared by every store of
the same URL in the process (the web server opens one store per thread), in
autocommit mode; ``transaction()`` opens a real one. Queries are the shared
ones of ``base.Store`` with ``?`` placeholders, turned into psycopg's ``%s``.

Migrations run under an advisory lock, so any number of processes may open a
new database at once. A sync holds a second advisory lock, keyed by the
repository, for as long as it writes: one writer per repository, any number of
repositories at once.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from prhub.errors import StoreError
from prhub.store.base import Rows
from prhub.store.base import Store as BaseStore
from prhub.store.schema import MIGRATIONS, for_postgres

MIGRATE_LOCK = 0x7072687562_00  # "prhub" 00: the advisory lock held while migrating
POOL_MAX = int(os.environ.get("PRHUB_PG_POOL_SIZE", "10") or 10)  # connections per process

_pools: dict[str, Any] = {}
_pools_lock = threading.Lock()


def _pool(url: str) -> Any:
    import psycopg
    from psycopg_pool import ConnectionPool

    with _pools_lock:
        pool = _pools.get(url)
        if pool is None:
            # one plain connection first: a wrong host or password fails now, with the server's reason,
            # rather than as a pool timeout
            psycopg.connect(url, **({} if "connect_timeout" in url else {"connect_timeout": 10})).close()
            pool = ConnectionPool(
                url, min_size=1, max_size=POOL_MAX, kwargs={"autocommit": True}, open=False, name="prhub"
            )
            pool.open(wait=True, timeout=15)
            _pools[url] = pool
        return pool


def close_pools() -> None:
    with _pools_lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()


@functools.lru_cache(maxsize=1024)
def _to_psycopg(sql: str) -> str:
    """``?`` placeholders to ``%s`` (a literal % doubled first)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresStore(BaseStore):
    """Thread-safe and cheap to open: it holds no connection of its own. A statement borrows one from
    the process's pool for as long as it runs; a transaction or a writer lock keeps one for the
    calling thread until it ends, and every statement of that thread inside it runs on it."""

    backend = "postgresql"
    errors = (Exception,)  # set to psycopg.Error when the driver is imported

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self.errors = (psycopg.Error,)
        self._local = threading.local()
        try:
            self.pool = _pool(url)
        except Exception as exc:  # psycopg's and the pool's errors: one line, the password left out
            raise StoreError(f"cannot open database {redact(url)}: {_reason(exc)}") from None
        try:
            self._migrate()
        except psycopg.Error as exc:
            raise StoreError(f"cannot migrate database {redact(url)}: {_reason(exc)}") from None

    def close(self) -> None:
        """Nothing to give back: connections return to the pool as each statement or transaction ends."""

    # -- connections --------------------------------------------------------
    @property
    def _held(self) -> Any:
        return getattr(self._local, "conn", None)

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Any]:
        """The thread's held connection, else one from the pool, held by this thread until the block ends."""
        held = self._held
        if held is not None:
            yield held
            return
        with self.pool.connection(timeout=120) as conn:
            self._local.conn = conn
            try:
                yield conn
            finally:
                self._local.conn = None

    # -- schema -------------------------------------------------------------
    def _migrate(self) -> None:
        with self._connection() as conn:
            if self._pending(conn) == []:
                return
            with self.advisory_lock(MIGRATE_LOCK):  # others wait here, then find every migration applied
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)"
                )
                for name, sql in self._pending(conn) or []:
                    with conn.transaction():
                        for statement in for_postgres(sql):
                            conn.execute(statement)
                        conn.execute("INSERT INTO schema_migrations VALUES (%s, %s)", (name, int(time.time())))

    @staticmethod
    def _pending(conn: Any) -> list[tuple[str, str]] | None:
        exists = conn.execute("SELECT to_regclass('schema_migrations')").fetchone()[0]
        if exists is None:
            return None
        done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
        return [(name, sql) for name, sql in MIGRATIONS if name not in done]

    @contextlib.contextmanager
    def advisory_lock(self, key: int) -> Iterator[None]:
        """A session lock: the connection that takes it stays with this thread until it is released."""
        with self._connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def writer_lock(self, key: str) -> contextlib.AbstractContextManager[None]:
        return self.advisory_lock(lock_key(key))

    def build_lock(self, key: str) -> contextlib.AbstractContextManager[None]:
        return self.advisory_lock(lock_key(f"build:{key}"))

    def _serialize(self, what: str) -> None:
        self.execute("SELECT pg_advisory_xact_lock(?)", (lock_key(f"serialize:{what}"),))

    # -- statements ---------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        with self._connection() as conn, conn.transaction():
            yield

    def execute(self, sql: str, params: Sequence[object] = ()) -> Rows:
        held = self._held
        if held is not None:
            return held.execute(_to_psycopg(sql), params)
        with self._connection() as conn:  # a statement on its own: its rows read before the connection goes back
            cur = conn.execute(_to_psycopg(sql), params)
            return _Rows(cur.fetchall() if cur.description else [])

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        with self._connection() as conn, conn.cursor() as cur:
            cur.executemany(_to_psycopg(sql), rows)  # pipelined by psycopg: one round trip per batch

    def upsert(
        self, table: str, columns: Sequence[str], keys: Sequence[str], rows: Sequence[Sequence[object]],
        update: Sequence[str] | None = None,
    ) -> None:  # fmt: skip
        """COPY the rows into a temporary twin of ``table``, then one INSERT ... SELECT ... ON CONFLICT:
        several times faster than row-by-row inserts for a sync's batches."""
        if not rows:
            return
        held = self._held
        if held is None or not held.info.transaction_status:  # outside a transaction the staging rows would vanish
            with self.transaction():
                return self.upsert(table, columns, keys, rows, update)
        changed = [c for c in (columns if update is None else update) if c not in keys]
        key_at = [columns.index(k) for k in keys]
        # a key twice in one batch: the last row wins an update, the first a DO NOTHING, as row by row
        by_key: dict[tuple[object, ...], Sequence[object]] = {}
        for row in rows:
            key = tuple(row[i] for i in key_at)
            if changed or key not in by_key:
                by_key[key] = row
        rows = list(by_key.values()) if len(by_key) != len(rows) else rows
        stage = f"stage_{table}"
        held.execute(  # one per connection; after the first, a no-op
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        names = ", ".join(columns)
        with held.cursor() as cur:
            with cur.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            action = "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in changed) if changed else "DO NOTHING"
            cur.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} ON CONFLICT ({', '.join(keys)}) {action}"
            )
            cur.execute(f"DELETE FROM {stage}")


def lock_key(key: str) -> int:
    """A stable signed 64-bit advisory-lock key for a string."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)


def redact(url: str) -> str:
    """The URL without its password (in the user part or as a parameter)."""
    url = re.sub(r"(://[^:/@?#]*):[^@/?#]*@", r"\1:***@", url)
    return re.sub(r"(?i)(password=)[^&\s]*", r"\1***", url)


def _reason(exc: BaseException) -> str:
    text = " ".join((str(exc) or type(exc).__name__).split())
    return text


class _Rows:
    """Rows already read, behind the cursor methods callers use."""

    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def fetchone(self) -> Any:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[Any]:
        return self.rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)
