"""What the analysis derived from single PRs, kept between processes (migration 0011).

Each row holds two parts, each with the key it was derived under: the title's
words and the PR's facts (``analysis/kept.py`` makes and checks the keys). A
part whose key no longer matches is derived again and overwritten; a row of a
PR no longer stored is never read (rows are read joined to their PR).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import NamedTuple

from prhub.store.base import Store


class Kept(NamedTuple):  # a tuple: a report reads thousands
    words_key: str | None
    words: str | None
    facts_key: str | None
    facts: str | None


def load(store: Store, repo_id: int, since: int, until: int) -> dict[int, Kept]:
    """The kept rows of the PRs merged in [since, until) (none from an older store opened read only)."""
    try:
        rows = store.execute(
            """SELECT a.number, a.words_key, a.words, a.facts_key, a.facts
               FROM pull_requests p JOIN pr_analysis a ON a.repo_id = p.repo_id AND a.number = p.number
               WHERE p.repo_id = ? AND p.merged_at >= ? AND p.merged_at < ?""",
            (repo_id, since, until),
        ).fetchall()
    except store.errors:
        if not getattr(store, "readonly", False):
            raise
        return {}
    return {int(n): Kept(wk, w, fk, f) for n, wk, w, fk, f in rows}


def save(
    store: Store,
    repo_id: int,
    words: Sequence[tuple[int, str, str]],
    facts: Sequence[tuple[int, str, str]],
) -> None:
    """``(number, key, JSON)`` rows of either part; the other part of a row stays as it is.

    Best effort: a store that cannot be written (read only, busy) derives them again next time."""
    if getattr(store, "readonly", False) or not (words or facts):
        return
    with contextlib.suppress(*store.errors), store.transaction():
        if words:
            store.upsert(
                "pr_analysis",
                ("repo_id", "number", "words_key", "words"),
                ("repo_id", "number"),
                sorted((repo_id, n, k, w) for n, k, w in words),
            )
        if facts:
            store.upsert(
                "pr_analysis",
                ("repo_id", "number", "facts_key", "facts"),
                ("repo_id", "number"),
                sorted((repo_id, n, k, f) for n, k, f in facts),
            )
