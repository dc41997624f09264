"""The LLM cache: one row per answer, keyed by model, prompt version, kind, language and facts hash.

Nothing secret is stored: no endpoint, no API key, only the model's name and
what it answered (or why the answer was rejected).
"""

from __future__ import annotations

import time

from prhub.models import NUL, NUL_STANDIN
from prhub.store.base import Store


def get(store: Store, key: str) -> str | None:
    row = store.execute("SELECT result FROM llm_cache WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def put(
    store: Store,
    key: str,
    *,
    model: str,
    prompt_version: str,
    kind: str,
    lang: str,
    facts_hash: str,
    scope: str | None,
    result: str,
) -> None:
    result = result.replace(NUL, NUL_STANDIN)  # a model's answer may hold one; PostgreSQL's text cannot
    store.execute(
        """INSERT INTO llm_cache (key, model, prompt_version, kind, lang, facts_hash, scope, result, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET result = excluded.result, scope = excluded.scope,
                                           created_at = excluded.created_at""",
        (key, model, prompt_version, kind, lang, facts_hash, scope, result, int(time.time())),
    )


def latest_model(store: Store, scope: str, lang: str, prompt_version: str) -> str | None:
    """The model that last wrote a section of this report (``owner/name|period``), if any did."""
    row = store.execute(
        """SELECT model FROM llm_cache WHERE scope = ? AND lang = ? AND prompt_version = ?
           ORDER BY created_at DESC, key LIMIT 1""",
        (scope, lang, prompt_version),
    ).fetchone()
    return str(row[0]) if row else None


def count(store: Store) -> int:
    row = store.execute("SELECT count(*) FROM llm_cache").fetchone()
    return int(row[0]) if row else 0


def pr_messages(store: Store, repo_id: int, numbers: list[int]) -> dict[int, str]:
    """Each PR's merge commit message: for a squash merge, the PR's description follows the title."""
    out: dict[int, str] = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = store.execute(
            f"""SELECT p.number, c.message FROM pull_requests p
                JOIN commits c ON c.repo_id = p.repo_id AND c.sha = p.merge_sha
                WHERE p.repo_id = ? AND p.number IN ({marks})""",
            (repo_id, *chunk),
        )
        for number, message in rows:
            out[int(number)] = str(message or "")
    return out
