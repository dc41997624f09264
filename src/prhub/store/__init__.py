"""The store: one protocol (``base.Store``), two backends, chosen by the database's URL.

open_store("prhub.db")                          # SQLite, a file (or sqlite:///path/prhub.db)
open_store("postgresql://prhub@localhost/prhub")  # PostgreSQL (postgres:// too)
"""

from __future__ import annotations

import os
from pathlib import Path

from prhub.errors import UsageError
from prhub.store.base import Cursor, Repository, Store

__all__ = ["Cursor", "Repository", "Store", "default_db", "describe", "is_postgres", "open_store", "sqlite_path"]


def is_postgres(target: str | os.PathLike[str]) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def sqlite_path(target: str | os.PathLike[str]) -> Path:
    text = str(target)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :]  # sqlite:////abs/path and sqlite:///rel/path, as SQLAlchemy spells them
    elif text.startswith("sqlite:"):
        raise UsageError(f"malformed SQLite URL {text!r}; use sqlite:///path/to/prhub.db or a plain path")
    if not text.strip():
        raise UsageError("the database is an empty name; give a file path or a postgresql:// URL")
    return Path(text).expanduser()


def default_db() -> str:
    """``PRHUB_DB``, else prhub.db in the user's data directory."""
    from prhub.store.sqlite import default_db_path

    return str(default_db_path())


def open_store(target: str | os.PathLike[str] | None = None) -> Store:
    """The store at ``target`` (default: ``default_db()``), migrated to the current schema."""
    target = default_db() if target is None else target
    if is_postgres(target):
        from prhub.store.postgres import PostgresStore

        return PostgresStore(str(target))
    from prhub.store.sqlite import SqliteStore

    return SqliteStore(sqlite_path(target))


def describe(target: str | os.PathLike[str]) -> str:
    """The database as messages name it: a path, or a URL without its password."""
    if is_postgres(target):
        from prhub.store.postgres import redact

        return redact(str(target))
    return str(target)
