"""Stored reports: built report contexts kept in the store, so pages are served from storage.

A row is valid while its ``inputs`` fingerprint matches the one computed now
(``period_inputs``): the PRs of the span the report reads, the settings and the
version of prhub that built it. Portable SQL only (SQLite and PostgreSQL).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from prhub.store import Store


@dataclass(frozen=True, slots=True)
class StoredReport:
    inputs: str
    context_gz: bytes
    built_at: int


def data_fingerprint(store: Store, repo_id: int, since: int, until: int) -> str:
    """Changes when a PR merged or a direct push made in [since, until) is added or removed,
    or GitHub's record of such a PR is updated."""
    prs = store.execute(
        """SELECT count(*), coalesce(sum(number), 0), coalesce(sum(merged_at), 0)
           FROM pull_requests WHERE repo_id = ? AND merged_at >= ? AND merged_at < ?""",
        (repo_id, since, until),
    ).fetchone()
    direct = store.execute(
        """SELECT count(*), coalesce(sum(committed_at), 0) FROM commits
           WHERE repo_id = ? AND committed_at >= ? AND committed_at < ? AND pr_number IS NULL""",
        (repo_id, since, until),
    ).fetchone()
    github = store.execute(  # labels, logins and reviews read from GitHub change a report too
        """SELECT count(*), coalesce(sum(updated_at), 0) FROM github_pull_requests
           WHERE repo_id = ? AND merged_at >= ? AND merged_at < ?""",
        (repo_id, since, until),
    ).fetchone()
    return f"{prs[0]}:{prs[1]}:{prs[2]}:{direct[0]}:{direct[1]}:{github[0]}:{github[1]}"


def llm_fingerprint(store: Store, scope: str) -> str:
    """Changes when a model writes (part of) the report of ``scope`` (owner/name|period slug)."""
    row = store.execute(  # the answers' lengths too: a rewrite within the same second still changes it
        """SELECT count(*), coalesce(max(created_at), 0), coalesce(sum(length(result)), 0)
           FROM llm_cache WHERE scope = ?""",
        (scope,),
    ).fetchone()
    return f"{row[0]}:{row[1]}:{row[2]}"


def load_report(store: Store, repo_id: int, period: str, tz: str, lang: str) -> StoredReport | None:
    row = store.execute(
        "SELECT inputs, context, built_at FROM stored_reports WHERE repo_id = ? AND period = ? AND tz = ? AND lang = ?",
        (repo_id, period, tz, lang),
    ).fetchone()
    return StoredReport(row[0], bytes(row[1]), row[2]) if row else None


def save_report(store: Store, repo_id: int, period: str, tz: str, lang: str, inputs: str, context_gz: bytes) -> None:
    store.execute(
        """INSERT INTO stored_reports (repo_id, period, tz, lang, inputs, context, built_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (repo_id, period, tz, lang) DO UPDATE SET inputs = excluded.inputs,
             context = excluded.context, built_at = excluded.built_at""",
        (repo_id, period, tz, lang, inputs, context_gz, int(time.time())),
    )


def stored_inputs(store: Store, repo_id: int, tz: str, lang: str) -> dict[str, str]:
    """period -> inputs of every stored report of a repository in one zone and language."""
    rows = store.execute(
        "SELECT period, inputs FROM stored_reports WHERE repo_id = ? AND tz = ? AND lang = ?", (repo_id, tz, lang)
    )
    return {period: inputs for period, inputs in rows}


def integrity_problem(store: Store) -> str | None:
    """SQLite reads every page of the file (a damaged one is found at start); PostgreSQL checks its own."""
    if getattr(store, "backend", "sqlite") != "sqlite":
        store.execute("SELECT 1").fetchone()
        return None
    rows = store.execute("PRAGMA quick_check").fetchall()
    return None if [tuple(r) for r in rows] == [("ok",)] else str(rows[0][0])


def count_reports(store: Store, repo_id: int) -> int:
    return int(store.execute("SELECT count(*) FROM stored_reports WHERE repo_id = ?", (repo_id,)).fetchone()[0])


def delete_reports(store: Store) -> None:
    """Forget every stored report (benchmarks measure building them on request)."""
    store.execute("DELETE FROM stored_reports")
