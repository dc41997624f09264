"""What the diffs and ``.gitattributes`` say, stored beside the commits (migration 0004).

``diff_facts`` rows belong to a commit, like its file changes, so a rebase-merged
PR gathers the facts of all its commits; ``path_attributes`` is the repository's
current set of linguist rules, replaced at every sync.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from prhub.store.base import Store

FAR_FUTURE = 2**62


def save_diff_facts(store: Store, repo_id: int, rows: Iterable[tuple[str, str, str, str]]) -> None:
    """``(sha, kind, path, detail)`` rows; written again with the same key, the last wins."""
    store.executemany(
        """INSERT INTO diff_facts (repo_id, sha, kind, path, detail) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (repo_id, sha, kind, path) DO UPDATE SET detail = excluded.detail""",
        [(repo_id, *row) for row in rows],
    )


def diff_seq(store: Store, repo_id: int, branch: str) -> int:
    row = store.execute(
        "SELECT diff_seq FROM sync_cursors WHERE repo_id = ? AND branch = ?", (repo_id, branch)
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def set_diff_seq(store: Store, repo_id: int, branch: str, seq: int) -> None:
    store.execute("UPDATE sync_cursors SET diff_seq = ? WHERE repo_id = ? AND branch = ?", (seq, repo_id, branch))


def commits_to_scan(
    store: Store, repo_id: int, branch: str, after_seq: int, limit: int
) -> list[tuple[int, str, str, list[tuple[str, str, int]]]]:
    """Up to ``limit`` commits of the branch after ``after_seq``: ``(seq, sha, parents, [(path, status, lines)])``."""
    rows = store.execute(
        """SELECT b.seq, b.sha, c.parents FROM branch_commits b
           JOIN commits c ON c.repo_id = b.repo_id AND c.sha = b.sha
           WHERE b.repo_id = ? AND b.branch = ? AND b.seq > ? ORDER BY b.seq LIMIT ?""",
        (repo_id, branch, after_seq, limit),
    ).fetchall()
    if not rows:
        return []
    files: dict[str, list[tuple[str, str, int]]] = {}
    shas = [row[1] for row in rows]
    for i in range(0, len(shas), 500):  # by primary key, a few hundred commits at a time
        chunk = shas[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        for sha, path, status, lines in store.execute(
            f"""SELECT sha, path, status, coalesce(additions, 0) + coalesce(deletions, 0) FROM file_changes
                WHERE repo_id = ? AND sha IN ({marks}) ORDER BY sha, idx""",
            (repo_id, *chunk),
        ):
            files.setdefault(sha, []).append((path, status, lines))
    return [(seq, sha, parents, files.get(sha, [])) for seq, sha, parents in rows]


def replace_path_attributes(store: Store, repo_id: int, rules: Sequence[tuple[str, str, bool]]) -> None:
    with store.transaction():
        store.execute("DELETE FROM path_attributes WHERE repo_id = ?", (repo_id,))
        store.executemany(
            "INSERT INTO path_attributes (repo_id, idx, pattern, attribute, value) VALUES (?, ?, ?, ?, ?)",
            [(repo_id, i, glob, kind, int(value)) for i, (glob, kind, value) in enumerate(rules)],
        )


def path_attributes(store: Store, repo_id: int) -> list[tuple[str, str, bool]]:
    rows = store.execute(
        "SELECT pattern, attribute, value FROM path_attributes WHERE repo_id = ? ORDER BY idx", (repo_id,)
    )
    return [(pattern, attribute, bool(value)) for pattern, attribute, value in rows]


def pr_diff_facts(
    store: Store, repo_id: int, since: int = 0, until: int = FAR_FUTURE
) -> dict[int, list[tuple[str, str, str]]]:
    """The diff facts of the PRs merged in [since, until): number -> [(kind, path, detail)].

    As ``queries.load_prs`` reads files: the merge commit's (shared by a bors-ng batch), or
    every commit of a rebase merge.
    """
    rows = store.execute(
        """SELECT p.number, d.kind, d.path, d.detail
           FROM pull_requests p JOIN diff_facts d ON d.repo_id = p.repo_id AND d.sha = p.merge_sha
           WHERE p.repo_id = ? AND p.merged_at >= ? AND p.merged_at < ? AND p.merge_kind != 'rebase'
           ORDER BY p.merged_at, p.number, d.kind, d.path""",
        (repo_id, since, until),
    ).fetchall()
    rows += store.execute(
        """SELECT c.pr_number, d.kind, d.path, d.detail
           FROM commits c
           JOIN pull_requests p ON p.repo_id = c.repo_id AND p.number = c.pr_number
           JOIN diff_facts d ON d.repo_id = c.repo_id AND d.sha = c.sha
           WHERE c.repo_id = ? AND c.committed_at >= ? AND c.committed_at < ? AND c.pr_number IS NOT NULL
             AND p.merge_kind = 'rebase'
           ORDER BY c.committed_at, d.kind, d.path""",
        (repo_id, since, until),
    ).fetchall()
    out: dict[int, list[tuple[str, str, str]]] = {}
    for number, kind, path, detail in rows:
        if (kind, path, detail) not in out.setdefault(number, []):
            out[number].append((kind, path, detail))
    return out


def pr_path_lines(
    store: Store, repo_id: int, since: int = 0, until: int = FAR_FUTURE
) -> list[tuple[int, list[tuple[str, int]]]]:
    """Every PR merged in [since, until) with its (path, changed lines): the history window of a report."""
    rows = store.execute(
        """SELECT p.number, f.path, coalesce(f.additions, 0) + coalesce(f.deletions, 0)
           FROM pull_requests p JOIN file_changes f ON f.repo_id = p.repo_id AND f.sha = p.merge_sha
           WHERE p.repo_id = ? AND p.merged_at >= ? AND p.merged_at < ? AND p.merge_kind != 'rebase'""",
        (repo_id, since, until),
    ).fetchall()
    rows += store.execute(
        """SELECT c.pr_number, f.path, coalesce(f.additions, 0) + coalesce(f.deletions, 0)
           FROM commits c
           JOIN pull_requests p ON p.repo_id = c.repo_id AND p.number = c.pr_number
           JOIN file_changes f ON f.repo_id = c.repo_id AND f.sha = c.sha
           WHERE c.repo_id = ? AND c.committed_at >= ? AND c.committed_at < ? AND c.pr_number IS NOT NULL
             AND p.merge_kind = 'rebase' AND p.merged_at >= ? AND p.merged_at < ?""",
        (repo_id, since, until, since, until),
    ).fetchall()
    out: dict[int, list[tuple[str, int]]] = {}
    for number, path, lines in rows:
        out.setdefault(number, []).append((path, lines))
    return sorted(out.items())
