"""Sync: stream a branch's history from git into the store, incrementally.

One ``git log`` process per sync, oldest commit first; every batch is written
in one transaction with the cursor that records it, so an interrupted sync
resumes where the last committed batch ended and a rerun adds no duplicate.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from prhub.analysis.merges import NestedPr, Side, sides
from prhub.analysis.prs import (
    PrRef,
    RevertRef,
    bad_number,
    is_rollup,
    merged_branch,
    pr_refs,
    revert_ref,
    trailers,
)
from prhub.errors import ConfigError, UsageError
from prhub.models import Commit, Identity
from prhub.sources import diffscan
from prhub.sources.git import GitRepo, GitSource
from prhub.store import Repository, Store

BATCH = 2000  # commits per transaction; PRHUB_SYNC_BATCH overrides it (tests use small ones to interrupt a sync)

Progress = Callable[[int, int], None]  # (commits done, commits in this sync)

_REMOTE = re.compile(r"[:/](?P<owner>[^/:]+)/(?P<name>[^/]+?)(?:\.git)?/?$")
# scheme://[user@]host[:port]/owner/name or user@host:owner/name
_FORGE = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]*@)?(?P<host>[^/:]+)(?::\d+)?[:/](?:.*/)?"
    r"(?P<owner>[^/:]+)/(?P<name>[^/]+?)(?:\.git)?/?$",
    re.I,
)


def batch_size() -> int:
    raw = os.environ.get("PRHUB_SYNC_BATCH", "").strip()
    if not raw:
        return BATCH
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"PRHUB_SYNC_BATCH must be a positive number of commits, not {raw!r}")
    return int(raw)


def slug_for(path: Path, remote_url: str | None) -> str:
    """owner/name from the origin remote, else ``local/<directory>``.

    A remote that is itself a local path (a clone of a clone) names no forge
    repository, so it does not give the slug.
    """
    url = (remote_url or "").strip()
    if url and not url.startswith(("/", ".", "~", "file:")):
        found = _REMOTE.search(url)
        if found:
            return f"{found['owner']}/{found['name']}"
    name = path.name[: -len(".git")] if path.name.endswith(".git") and len(path.name) > 4 else path.name
    return f"local/{name}"


def _public_url(url: str | None) -> str | None:
    """The remote without a password or token (``https://user:token@host/...``): it is stored and shown."""
    if url and "://" in url and "@" in url.split("://", 1)[1].split("/", 1)[0]:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://{rest.split('@', 1)[1]}"
    return url


def identity_for(git: GitRepo, head: str, remote_url: str | None) -> str:
    """What tells this repository apart from any other that would get its slug.

    Its forge URL (host, owner, name: ``github.com/pallets/flask``), else its root
    commit and where it lives (``root:<sha>:<path>``): two unrelated clones in
    folders of one name, or one owner/name on two hosts, are two repositories.
    """
    url = (remote_url or "").strip()
    if url and not url.startswith(("/", ".", "~", "file:")):
        found = _FORGE.search(url)
        if found:
            return f"{found['host']}/{found['owner']}/{found['name']}".lower()
    return f"root:{git.root_of(head)}:{git.path}"


@dataclass(slots=True)
class SyncResult:
    repo: Repository
    branch: str
    head: str
    new_commits: int = 0
    new_prs: int = 0
    dropped_commits: int = 0  # commits no longer on a rewritten branch
    rewritten_from: str | None = None  # the old head, when the branch was force-pushed
    seconds: float = 0.0
    totals: dict[str, int] = field(default_factory=dict)
    flagged: dict[str, int] = field(default_factory=dict)  # flag -> commits stored with it (bad date, zone, number)
    merged_in: int = 0  # new PRs that were merged on another branch and brought in by a merge
    renamed_from: str | None = None  # the slug another repository holds, so this one got repo.slug


def sync(
    store: Store,
    path: str | Path,
    branch: str | None = None,
    progress: Progress | None = None,
    settings_file: Path | None = None,
) -> SyncResult:
    """Sync one clone; ``settings_file`` is the prhub.toml kept for its reports (default: the clone's own)."""
    started = time.perf_counter()
    batch = batch_size()
    git = GitRepo(path)
    branch = branch or git.default_branch()
    head = git.head_of(branch)
    remote = _public_url(git.remote_url())
    slug = slug_for(git.path, remote)
    identity = identity_for(git, head, remote)
    with store.writer_lock(f"sync:{identity}"):  # one writer per repository; other repositories go on in parallel
        result = _sync_locked(store, git, slug, identity, remote, branch, head, batch, progress, settings_file)
    result.seconds = time.perf_counter() - started
    return result


def _sync_locked(
    store: Store, git: GitRepo, slug: str, identity: str, remote: str | None, branch: str, head: str, batch: int,
    progress: Progress | None, settings_file: Path | None = None,
) -> SyncResult:  # fmt: skip
    repo = store.claim_repository(identity, slug, str(git.path), remote, branch, lambda sha: bool(git.resolve(sha)))
    result = SyncResult(repo, branch, head)
    if repo.slug != slug:
        result.renamed_from = slug

    cursor = store.cursor(repo.id, branch)
    if (
        cursor
        and cursor.head_sha != head
        and not (git.resolve(cursor.head_sha) and git.is_ancestor(cursor.head_sha, head))
    ):
        result.rewritten_from = cursor.head_sha
        cursor = _rewind(store, git, repo, branch, head, result)

    if cursor is None or cursor.head_sha != head:
        writer = _BatchWriter(store, git, repo.id, branch, cursor.seq if cursor else 0)
        done = 0
        # the git Source yields pages; each page with a cursor is written with it in one transaction
        for page in GitSource(git, head, batch).fetch(cursor.head_sha if cursor else None):
            for commit in page.records:
                writer.add(commit)
            if page.cursor is not None:
                writer.flush()
            done = page.done
            if progress:
                progress(page.done, page.total or page.done)
        result.new_commits = done
        result.new_prs = writer.new_prs
        result.flagged = dict(writer.flagged)
        result.merged_in = writer.merged_in

    _keep_settings(store, git.path, repo, settings_file)  # after the history: a bad file loses no commit
    diffscan.after_sync(store, git, repo.id, branch, head)  # .gitattributes; diffs a store made earlier lacks
    result.totals = store.counts(repo.id)
    return result


def _keep_settings(store: Store, root: Path, repo: Repository, settings_file: Path | None = None) -> None:
    """The clone's prhub.toml, checked, kept in the store: serve, site and ``report OWNER/NAME`` use it
    without the clone. A bad file is a one-line error at sync; the last good one stays kept."""
    from prhub.config import CONFIG_NAME, from_text

    file = settings_file or root / CONFIG_NAME
    if settings_file is not None and not file.is_file():
        raise ConfigError(f"{file}: no such settings file")
    if not file.is_file():
        store.set_repository_settings(repo.id, None)
        return
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    from_text(text, str(file), repo.slug)
    store.set_repository_settings(repo.id, text, str(file))


def _rewind(store: Store, git: GitRepo, repo: Repository, branch: str, head: str, result: SyncResult):  # noqa: ANN202
    """A rewritten branch: keep what the new history still has, forget the rest."""
    on_branch = set(git.first_parent_shas(head))
    stored = store.branch_shas_after(repo.id, branch, 0)
    keep = 0
    for seq, sha in enumerate(stored, start=1):
        if sha not in on_branch:
            break
        keep = seq
    keep_sha = stored[keep - 1] if keep else None
    result.dropped_commits = store.truncate_branch(repo.id, branch, keep, keep_sha)
    return store.cursor(repo.id, branch)


class _BatchWriter:
    """Collects the rows of up to BATCH commits and writes them in one transaction."""

    def __init__(self, store: Store, git: GitRepo, repo_id: int, branch: str, seq: int) -> None:
        self.store, self.git, self.repo_id, self.branch, self.seq = store, git, repo_id, branch, seq
        self.pending: list[Commit] = []
        self.people: dict[tuple[str, str], int] = {}
        self.new_prs = 0
        self.flagged: Counter[str] = Counter()  # flag -> commits stored with it
        self.merged_in = 0  # PRs found on other branches that merges brought in
        self._highest: int | None = None  # the highest PR number stored, read on first need per batch
        # commits with one committer and one commit time and no number: a rebase merge in progress
        self.run_key: tuple[str, int] | None = None
        self.run: list[str] = []
        self.last_time = 0  # the previous commit's time: stands in for a commit with no readable one
        if seq:
            last = store.branch_tip(repo_id, branch, seq)
            if last:
                self.last_time = last[2]
            if last and last[3] is None:
                self.run_key = (last[1], last[2])
                self.run = store.commits_in_rebase_run(repo_id, last[1], last[2])

    def add(self, commit: Commit) -> None:
        self.pending.append(commit)

    def _checked(self, commit: Commit, on_branch: bool = True) -> tuple[Commit, list[PrRef]]:
        """The commit with its dates made usable, and the PRs it landed; what was wrong is flagged."""
        flags = commit.flags
        cleaned = commit.without_nul()
        if cleaned is not None:
            commit, flags = cleaned, (*flags, "nul")
        refs = pr_refs(commit.message, commit.sha)
        if not refs and bad_number(commit.message):
            flags = (*flags, "bad-pr-number")
        if "bad-date" in flags and commit.committed_at == 0 and self.last_time:
            commit = replace(commit, authored_at=self.last_time, committed_at=self.last_time)
        if flags is not commit.flags:
            commit = replace(commit, flags=flags)
        self.flagged.update(flags)
        if on_branch:
            self.last_time = commit.committed_at
        return commit, refs

    def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        merged = self._sides(batch)
        commit_rows, branch_rows, file_rows, trailer_rows, pr_rows = [], [], [], [], []
        rebase_links: list[tuple[int, list[str]]] = []
        reverts: list[tuple[str, int | None, RevertRef, int]] = []  # (sha, its PR, what it reverts, when)
        with self.store.transaction():
            for commit in batch:
                self.seq += 1
                commit, refs = self._checked(commit)
                ref = refs[0] if refs else None
                revert = revert_ref(commit.message)
                author_id = self.store.person_id(commit.author_mapped.name, commit.author_mapped.email, self.people)
                commit_rows.append(_commit_row(self.repo_id, commit, author_id, ref, revert))
                branch_rows.append((self.repo_id, self.branch, self.seq, commit.sha))
                file_rows.extend(_file_rows(self.repo_id, commit))
                trailer_rows.extend(
                    (self.repo_id, commit.sha, i, t.key, t.name, t.email)
                    for i, t in enumerate(trailers(commit.message))
                )
                if revert:
                    reverts.append((commit.sha, ref.number if ref else None, revert, commit.committed_at))
                # a rebase run shares one commit time: a time that stands in for an unreadable one shares nothing
                key = None if "bad-date" in commit.flags else (commit.committer.email, commit.committed_at)
                rebase = False
                if ref and ref.kind == "squash" and self.run and key == self.run_key and not commit.is_merge:
                    rebase_links.append((ref.number, self.run))
                    rebase = True
                for r in refs:
                    kind = "rebase" if rebase else "merge" if r.kind == "squash" and commit.is_merge else r.kind
                    author = self._author(commit, r, merged)
                    pr_rows.append(_pr_row(self.repo_id, commit, r, kind, author, revert, self.branch))
                if ref or key is None:
                    self.run, self.run_key = [], None
                elif key == self.run_key:
                    self.run.append(commit.sha)
                else:
                    self.run, self.run_key = [commit.sha], key
            self._write(commit_rows, branch_rows, file_rows, trailer_rows, pr_rows, rebase_links)
            self._write_merged_in(batch, merged)
            for sha, number, revert, at in reverts:
                self._link_revert(sha, number, revert, at)
            self.store.set_cursor(self.repo_id, self.branch, batch[-1].sha, self.seq)
            diffscan.scan_batch(self.store, self.git, self.repo_id, self.branch, batch, self.seq)
        self.new_prs += len(pr_rows)

    def _author(self, commit: Commit, ref: PrRef, merged: dict[tuple[str, int], Side]) -> Identity:
        """Whoever wrote the PR: the main author of the branch a merge brought in, never the merger."""
        if commit.is_merge:
            side = merged.get((commit.sha, ref.parent))
            if side is not None and side.author is not None:
                return side.author
        if ref.login and (commit.is_merge or ref.kind == "bors"):
            return Identity(ref.login, "")
        return commit.author_mapped

    def _sides(self, batch: list[Commit]) -> dict[tuple[str, int], Side]:
        """What each merge of the batch brought in, from one git process (none without merges)."""
        heads = [p for c in batch if c.is_merge for p in c.parents[1:]]
        if not heads:
            return {}
        graph = self.git.graph(heads, batch[0].parents[:1])
        return sides(batch, graph)

    def _write_merged_in(self, batch: list[Commit], merged: dict[tuple[str, int], Side]) -> None:
        """Store the PRs merged on another branch that this batch's merges brought in.

        A subtree or an unrelated history brings its own project's numbers, not PRs
        of this one: a side whose chain starts at a root of its own, or on such a
        history merged in before, is foreign; its chain is kept (seq negated) so the
        next merge of it is known as foreign too.
        """
        if not merged:
            return
        self._highest = None  # earlier batches may have stored higher numbers
        seq_of = {c.sha: self.seq - len(batch) + i for i, c in enumerate(batch, start=1)}
        foreign: set[str] = set()
        nested: dict[str, tuple[NestedPr, str | None]] = {}
        chain_rows: list[tuple[int, str, int, str]] = []
        merge_backs: list[str] = []  # merges without a PR of their own that brought a branch's PRs
        rollups: list[tuple[int, str]] = []  # a rollup's own PR, listed through its members instead
        for commit in batch:
            for k in range(1, len(commit.parents)):
                side = merged.get((commit.sha, k))
                if side is None or not side.chain:
                    continue
                base = side.chain_base
                if (
                    base is None
                    or base in foreign
                    or self.store.is_foreign(self.repo_id, self.branch, base)
                    or (not self._grew_here(base, seq_of) and not self._plausible(side))
                ):
                    foreign.update(side.chain)
                    chain_rows.extend((self.repo_id, self.branch, -seq_of[commit.sha], sha) for sha in side.chain)
                    continue
                if side.prs:  # kept so that a rewritten branch forgets those PRs with the merge
                    chain_rows.extend((self.repo_id, self.branch, seq_of[commit.sha], sha) for sha in side.chain)
                name = merged_branch(commit.message)
                own = pr_refs(commit.message, commit.sha)
                # a PR branch's squash of a far lower number is its fork's own PR ("Replace util/certutil
                # (#4)" on a branch merged into prometheus as #18000), not this repository's
                lowest = min((r.number for r in own if r.number > 0), default=0) / 2 - 100
                for found in side.prs:
                    found.refs = [
                        r
                        for r in found.refs
                        if r.number <= 0 or (r.number >= lowest and (not found.deep or self._ours(r.number)))
                    ]
                    if found.refs:
                        nested[found.commit.sha] = (found, found.branch or name)
                if side.prs and not own:
                    merge_backs.append(commit.sha)
                elif side.prs and is_rollup(commit.message):
                    rollups.append((own[0].number, commit.sha))
        self.store.add_side_commits(chain_rows)
        self.store.mark_merged_branches(self.repo_id, merge_backs)
        if rollups:
            self.store.drop_rollup_prs(self.repo_id, rollups)
            self.new_prs -= len(rollups)
        if not nested:
            return
        numbers = [r.number for found, _ in nested.values() for r in found.refs]
        taken = self.store.pr_numbers_present(self.repo_id, numbers)
        commit_rows, file_rows, trailer_rows, pr_rows = [], [], [], []
        written: list[Commit] = []
        for commit in self.git.commits(list(nested)):
            found, name = nested[commit.sha]
            refs = [r for r in found.refs if r.number not in taken]
            if not refs:
                continue
            taken.update(r.number for r in refs)
            commit, _ = self._checked(commit, on_branch=False)
            written.append(commit)
            author_id = self.store.person_id(commit.author_mapped.name, commit.author_mapped.email, self.people)
            commit_rows.append(_commit_row(self.repo_id, commit, author_id, refs[0], None))
            file_rows.extend(_file_rows(self.repo_id, commit))
            trailer_rows.extend(
                (self.repo_id, commit.sha, i, t.key, t.name, t.email) for i, t in enumerate(trailers(commit.message))
            )
            for r in refs:
                base = self.branch if r.kind == "rollup" or name is None else name
                pr_rows.append(_pr_row(self.repo_id, commit, r, r.kind, found.author, None, base))
        self.store.write_merged_in(commit_rows, file_rows, trailer_rows, pr_rows)
        diffscan.scan_side_commits(self.store, self.git, self.repo_id, written)
        self.merged_in += len(pr_rows)
        self.new_prs += len(pr_rows)

    def _grew_here(self, base: str, seq_of: dict[str, int]) -> bool:
        """Whether a chain starts on this branch or on a branch whose PRs were taken before."""
        return (
            base in seq_of
            or self.store.branch_seq_of(self.repo_id, self.branch, base) is not None
            or (self.store.on_side_chain(self.repo_id, self.branch, base))
        )

    def _ours(self, number: int) -> bool:
        """A number this repository could have given: not far beyond the highest stored (a branch that
        came in through another may carry a subtree's history, with another project's numbers)."""
        if self._highest is None:
            self._highest = self.store.highest_pr_number(self.repo_id) or 0
        return number <= self._highest * 1.25 + 100

    def _plausible(self, side: Side) -> bool:
        """A chain from somewhere unknown (merged through other branches long ago) counts when its
        numbers are this repository's: none far beyond the highest PR number stored so far. A
        subtree of a bigger project (rust-lang/rust's #118817 in rust-analyzer) brings its own."""
        return all(self._ours(r.number) for found in side.prs for r in found.refs)

    def _write(self, commits, branches, files, trailer_rows, prs, rebase_links) -> None:  # noqa: ANN001
        self.store.write_history(commits, branches, files, trailer_rows, prs)
        for number, shas in rebase_links:
            self.store.set_commits_pr(self.repo_id, number, shas)

    def _link_revert(self, sha: str, number: int | None, revert: RevertRef, at: int) -> None:
        """Resolve what a revert reverts against the commits and PRs stored before it.

        Runs after the batch is written, in its transaction, so a resumed sync
        sees exactly the rows a clean one would.
        """
        db, repo_id = self.store, self.repo_id
        target_sha, target_pr = revert.sha, None
        if revert.sha:  # an abbreviated sha names one stored commit: take its full sha and its PR
            found = db.commits_by_prefix(repo_id, revert.sha, limit=2)
            if len(found) == 1:
                target_sha, target_pr = found[0]
        target_pr = target_pr or revert.pr_number
        if target_pr is None and revert.title:
            # exact title, or any title it begins when the forge cut it; a range on the title index
            high = revert.title + "\U0010ffff" if revert.title_truncated else revert.title
            target_pr = db.pr_by_title(repo_id, revert.title, high, at, number or -1)
        if target_sha != revert.sha:
            db.set_commit_reverts(repo_id, sha, target_sha)
        if number is not None:
            db.set_pr_reverts(repo_id, number, target_sha, target_pr)


def _commit_row(repo_id: int, c: Commit, author_id: int, ref: PrRef | None, revert: RevertRef | None) -> tuple:
    """A ``commits`` row, in the table's column order."""
    return (
        repo_id, c.sha, " ".join(c.parents), author_id,
        c.author.name, c.author.email, c.authored_at, c.author_tz,
        c.committer.name, c.committer.email, c.committed_at, c.committer_tz,
        c.subject, c.message, c.message_raw,
        ref.number if ref else None, revert.sha if revert else None,
        len(c.files), sum(f.additions or 0 for f in c.files), sum(f.deletions or 0 for f in c.files),
        c.author.raw, c.committer.raw, ",".join(c.flags) or None,
    )  # fmt: skip


def _file_rows(repo_id: int, c: Commit) -> list[tuple]:
    """The ``file_changes`` rows of one commit, in the table's column order."""
    return [
        (repo_id, c.sha, i, f.path, f.old_path, f.status, f.additions, f.deletions, f.path_raw, f.old_path_raw)
        for i, f in enumerate(c.files)
    ]


def _pr_row(
    repo_id: int, c: Commit, ref: PrRef, kind: str, author: Identity, revert: RevertRef | None, base: str | None
) -> tuple:
    """A ``pull_requests`` row, in the table's column order."""
    return (
        repo_id, ref.number, ref.title, author.name, author.email,
        c.committed_at, c.committer_tz, c.sha, kind, ref.head_ref,
        revert.sha if revert else None, revert.pr_number if revert else None, "git", base,
    )  # fmt: skip
