"""What a merge on the synced branch brought in: pure functions over the commit graph.

The sync reads the branch first-parent only; a merge's other parents lead to
what it merged: a PR's own commits, or another branch (``stable``,
``release-3.13``, a rollup) on which PRs were merged first. For every merge,
``sides`` finds the commits its parent k brought in (p1..pk: reachable from pk
and not from p1, computed once for the whole batch so each commit is counted
by the first merge that brought it), their main author, and that side's own
first-parent chain, on which the PRs merged into the other branch sit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from prhub.analysis.prs import PrRef, merged_branch, pr_refs
from prhub.models import Commit, Identity
from prhub.sources.git import GraphCommit

FORGE_EMAIL = "noreply@github.com"  # the committer of GitHub's merge and squash buttons


@dataclass(slots=True)
class NestedPr:
    """A PR merged on the other branch: the commit that landed it there and what it says."""

    commit: GraphCommit
    refs: list[PrRef]
    author: Identity
    # merged on a branch that came in through the merged one (release-3.13 merged into a "merge
    # release to main" PR's branch), and that branch's name when its merge says it
    deep: bool = False
    branch: str | None = None
    commits: frozenset[str] = frozenset()  # its own commits: the landing commit, and a merge's branch


@dataclass(slots=True)
class Side:
    """What parent k of a merge brought in."""

    author: Identity | None  # who wrote most of it (the earliest of them on a tie); None when nothing is new
    chain: list[str] = field(default_factory=list)  # the merged branch's first-parent chain, oldest first
    chain_base: str | None = None  # the commit that chain starts from (None: a root: unrelated history)
    prs: list[NestedPr] = field(default_factory=list)  # PRs merged on that chain, oldest first


def sides(batch: list[Commit], graph: dict[str, GraphCommit]) -> dict[tuple[str, int], Side]:
    """(merge sha, parent index) -> Side, for every merge of a batch, oldest first."""
    first_parent = {c.sha for c in batch}
    taken: set[str] = set()
    found: dict[tuple[str, int], Side] = {}
    for commit in batch:
        for k, parent in enumerate(commit.parents[1:], start=1):
            members = _reach(parent, graph, first_parent, taken)
            taken |= members
            found[(commit.sha, k)] = _side(parent, members, graph)
    return found


def _reach(start: str, graph: dict[str, GraphCommit], *stops: set[str], within: set[str] | None = None) -> set[str]:
    """The graph commits reachable from ``start`` that are in none of ``stops`` (and all in ``within``)."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        sha = stack.pop()
        if sha in seen or any(sha in stop for stop in stops) or (within is not None and sha not in within):
            continue
        node = graph.get(sha)
        if node is None:  # reachable from the branch before this batch
            continue
        seen.add(sha)
        stack.extend(node.parents)
    return seen


def main_author(shas: Iterable[str], graph: dict[str, GraphCommit]) -> Identity | None:
    """The author of most of the non-merge commits; on a tie, the one who wrote first (who opened the PR)."""
    counts: Counter[Identity] = Counter()
    first: dict[Identity, int] = {}
    for sha in shas:
        node = graph[sha]
        if len(node.parents) > 1:
            continue
        who = Identity(node.author.name, node.author.email)
        counts[who] += 1
        first[who] = min(first.get(who, node.authored_at), node.authored_at)
    if not counts:
        return None
    return min(counts, key=lambda who: (-counts[who], first[who], who.name))


def _side(start: str, members: set[str], graph: dict[str, GraphCommit]) -> Side:
    if not members:
        return Side(None)
    chain: list[str] = []
    sha: str | None = start
    while sha in members:
        chain.append(sha)
        parents = graph[sha].parents
        sha = parents[0] if parents else None
    chain.reverse()
    prs = _prs_on(chain, members, graph, set(chain), None, _BRANCH_DEPTH)
    # the commits of the PRs it brings are their authors': a branch that merges a release branch
    # into main ("merge release 3.13") is the work of whoever opened it
    theirs = set().union(*(found.commits for found in prs))
    author = main_author(members - theirs, graph) or graph[start].author
    return Side(author, chain, sha, prs)


_BRANCH_DEPTH = 2  # a branch merged into the merged branch (release-3.13 into a "merge to main" PR), no deeper


def _prs_on(
    chain: list[str],
    members: set[str],
    graph: dict[str, GraphCommit],
    seen: set[str],
    branch: str | None,
    depth: int,
    deep: bool = False,
) -> list[NestedPr]:
    """The PRs merged on a branch's first-parent ``chain``, oldest first: merges that name a PR, and
    squashes the forge committed; and, ``depth`` levels down, those of a branch merged into it
    without a PR of its own ("Merge remote-tracking branch 'origin/release-3.13' into ...").
    ``seen``: the commits of the chains walked so far (a merged branch's chain stops there)."""
    found: list[NestedPr] = []
    taken: set[str] = set()
    for sha in chain:
        node = graph[sha]
        if len(node.parents) == 1 and not _landed_by_another(node):
            continue  # a branch's own commit, written and committed by the same person
        refs = pr_refs(node.message, sha)
        if not refs:
            if len(node.parents) > 1 and depth > 1:
                for parent in node.parents[1:]:
                    merged_chain = _first_parents(parent, members, seen, graph)
                    seen.update(merged_chain)
                    name = merged_branch(node.message)
                    found += _prs_on(merged_chain, members, graph, seen, name or branch, depth - 1, deep=True)
            continue
        inner: set[str] = set()
        if len(node.parents) > 1:
            # a merge on that branch: its author is its own branch's, as for a merge on ours
            for parent in node.parents[1:]:
                inner |= _reach(parent, graph, seen, taken, within=members)
            taken |= inner
            tip = graph.get(node.parents[1])
            who = main_author(inner, graph) or (tip.author if tip else None)
            refs = [PrRef(r.number, r.title, "merge" if r.kind == "squash" else r.kind, r.head_ref, r.login, r.parent)
                    for r in refs]  # fmt: skip
        else:
            who = node.author
        found.append(NestedPr(node, refs, who or node.author, deep, branch, frozenset(inner | {sha})))
    return found


def _first_parents(start: str, members: set[str], seen: set[str], graph: dict[str, GraphCommit]) -> list[str]:
    """The first-parent chain from ``start`` while it is in ``members`` and not yet walked, oldest first."""
    chain: list[str] = []
    sha: str | None = start
    while sha in members and sha not in seen:
        chain.append(sha)
        parents = graph[sha].parents
        sha = parents[0] if parents else None
    chain.reverse()
    return chain


def _landed_by_another(node: GraphCommit) -> bool:
    """A single commit that someone other than its author committed: the forge's squash button, or a
    maintainer who squashed a contributor's PR (GitHub's squash once kept the merger as committer).
    Such a commit titled "Title (#N)" on a merged-in chain is a PR landed on that line: after a
    foxtrot merge (main merged into a branch, pushed as main) all of main's recent squashes sit there."""
    return node.committer_email == FORGE_EMAIL or node.committer_email.lower() != node.author.email.lower()
