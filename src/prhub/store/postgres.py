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
POOL_MAX = 16

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
    backend = "postgresql"
    errors = (Exception,)  # set to psycopg.Error when the driver is imported

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self.errors = (psycopg.Error,)
        try:
            self.pool = _pool(url)
            self.conn = self.pool.getconn(timeout=60)
        except Exception as exc:  # psycopg's and the pool's errors: one line, the password left out
            raise StoreError(f"cannot open database {redact(url)}: {_reason(exc)}") from None
        self._staged: set[str] = set()
        try:
            self._migrate()
        except psycopg.Error as exc:
            self.close()
            raise StoreError(f"cannot migrate database {redact(url)}: {_reason(exc)}") from None

    def close(self) -> None:
        conn, self.conn = getattr(self, "conn", None), None
        if conn is not None:
            self.pool.putconn(conn)

    # -- schema -------------------------------------------------------------
    def _migrate(self) -> None:
        if self._pending() == []:
            return
        with self.advisory_lock(MIGRATE_LOCK):  # others wait here, then find every migration applied
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)"
            )
            for name, sql in self._pending() or []:
                with self.conn.transaction():
                    for statement in for_postgres(sql):
                        self.conn.execute(statement)
                    self.conn.execute("INSERT INTO schema_migrations VALUES (%s, %s)", (name, int(time.time())))

    def _pending(self) -> list[tuple[str, str]] | None:
        exists = self.conn.execute("SELECT to_regclass('schema_migrations')").fetchone()[0]
        if exists is None:
            return None
        done = {row[0] for row in self.conn.execute("SELECT name FROM schema_migrations")}
        return [(name, sql) for name, sql in MIGRATIONS if name not in done]

    @contextlib.contextmanager
    def advisory_lock(self, key: int) -> Iterator[None]:
        self.conn.execute("SELECT pg_advisory_lock(%s)", (key,))
        try:
            yield
        finally:
            self.conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def writer_lock(self, key: str) -> contextlib.AbstractContextManager[None]:
        return self.advisory_lock(lock_key(key))

    def _serialize(self, what: str) -> None:
        self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(f"serialize:{what}"),))

    # -- statements ---------------------------------------------------------
    def transaction(self) -> contextlib.AbstractContextManager[Any]:
        return self.conn.transaction()

    def execute(self, sql: str, params: Sequence[object] = ()) -> Rows:
        return self.conn.execute(_to_psycopg(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(_to_psycopg(sql), rows)  # pipelined by psycopg: one round trip per batch

    def upsert(
        self, table: str, columns: Sequence[str], keys: Sequence[str], rows: Sequence[Sequence[object]],
        update: Sequence[str] | None = None,
    ) -> None:  # fmt: skip
        """COPY the rows into a temporary twin of ``table``, then one INSERT ... SELECT ... ON CONFLICT:
        several times faster than row-by-row inserts for a sync's batches."""
        if not rows:
            return
        if not self.conn.info.transaction_status:  # outside a transaction the staging rows would vanish
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
        if stage not in self._staged:
            self.conn.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
            self._staged.add(stage)
        names = ", ".join(columns)
        with self.conn.cursor() as cur:
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
