"""Records shared by all layers: what a source yields and the store keeps."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

# PostgreSQL's text cannot hold U+0000; every text a source yields has it replaced by U+FFFD before it is
# stored, on both backends alike (the same rows, the same reports), and the record says so
NUL = "\x00"
NUL_STANDIN = "\ufffd"


def without_nul(value: Any) -> tuple[Any, int]:
    """``value`` (a string, or lists and dicts of them, as JSON decodes) with each NUL replaced, and
    how many strings held one."""
    if isinstance(value, str):
        return (value.replace(NUL, NUL_STANDIN), 1) if NUL in value else (value, 0)
    if isinstance(value, list):
        found = 0
        items = []
        for item in value:
            item, n = without_nul(item)
            items.append(item)
            found += n
        return (items, found) if found else (value, 0)
    if isinstance(value, dict):
        found = 0
        pairs = {}
        for key, item in value.items():
            item, n = without_nul(item)
            pairs[key] = item
            found += n
        return (pairs, found) if found else (value, 0)
    return value, 0


@dataclass(frozen=True, slots=True)
class Identity:
    """A name and an e-mail as git recorded them (``raw`` holds the bytes when not UTF-8)."""

    name: str
    email: str
    raw: bytes | None = None  # b"name <email>" as recorded, kept only when either part is not valid UTF-8


@dataclass(frozen=True, slots=True)
class FileChange:
    path: str
    status: str  # git's letter: A added, M modified, D deleted, R renamed, C copied, T type change
    additions: int | None  # None for binary files
    deletions: int | None
    old_path: str | None = None  # set for renames and copies
    path_raw: bytes | None = None  # the path's bytes, kept only when they are not valid UTF-8
    old_path_raw: bytes | None = None  # the same for old_path

    @property
    def is_binary(self) -> bool:
        return self.additions is None


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author: Identity  # as recorded
    author_mapped: Identity  # after .mailmap
    authored_at: int  # unix seconds
    author_tz: int  # offset from UTC in minutes
    committer: Identity
    committed_at: int
    committer_tz: int
    message: str
    message_raw: bytes | None = None  # the message's bytes, kept only when they are not valid UTF-8
    files: tuple[FileChange, ...] = field(default_factory=tuple)
    # what could not be read as git wrote it: "bad-date" (a time missing or out of range, another
    # stands in), "bad-tz" (a malformed offset, stored as UTC), "bad-pr-number" and "nul" (a NUL
    # character in a text, stored as U+FFFD) set by the sync
    flags: tuple[str, ...] = ()

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()

    def without_nul(self) -> Commit | None:
        """The commit with NUL replaced in its texts (message, names, e-mails, paths), or None when none has one.
        git itself cuts a message at a NUL; this guards every other way one could arrive."""
        people = (self.author, self.author_mapped, self.committer)
        if not (
            NUL in self.message
            or any(NUL in who.name or NUL in who.email for who in people)
            or any(NUL in f.path or NUL in (f.old_path or "") for f in self.files)
        ):
            return None

        def clean(text: str) -> str:
            return text.replace(NUL, NUL_STANDIN)

        def who(person: Identity) -> Identity:
            return replace(person, name=clean(person.name), email=clean(person.email))

        files = tuple(
            replace(f, path=clean(f.path), old_path=clean(f.old_path) if f.old_path is not None else None)
            for f in self.files
        )
        return replace(
            self, message=clean(self.message), author=who(self.author), author_mapped=who(self.author_mapped),
            committer=who(self.committer), files=files,
        )  # fmt: skip

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


# -- what the forge knows and git does not (sources/github.py yields these) ---------------------


@dataclass(frozen=True, slots=True)
class Review:
    id: str
    author: str  # login; "ghost" for a deleted account
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
    submitted_at: int | None  # unix seconds
    body: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewComment:
    author: str
    body: str
    created_at: int
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewThread:
    id: str
    path: str
    line: int | None
    resolved: bool
    outdated: bool
    comments_total: int  # on the forge; ``comments`` may hold fewer
    comments: tuple[ReviewComment, ...] = ()


@dataclass(frozen=True, slots=True)
class LinkedIssue:
    number: int
    repo: str  # owner/name: a PR may close an issue of another repository
    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ForgePullRequest:
    """One merged PR as the forge's API describes it."""

    number: int
    node_id: str
    title: str
    body: str  # Markdown, as written
    url: str | None
    author_login: str
    author_name: str | None
    created_at: int
    updated_at: int
    merged_at: int | None
    closed_at: int | None
    merged_by: str | None
    base_ref: str
    head_ref: str
    additions: int
    deletions: int
    changed_files: int
    merge_oid: str | None
    labels: tuple[str, ...] = ()
    reviews: tuple[Review, ...] = ()
    reviews_total: int = 0
    threads: tuple[ReviewThread, ...] = ()
    threads_total: int = 0
    issue_comments: int = 0
    linked_issues: tuple[LinkedIssue, ...] = ()
    milestone: str | None = None

    @property
    def threads_complete(self) -> bool:
        return len(self.threads) >= self.threads_total and all(
            len(t.comments) >= t.comments_total for t in self.threads
        )

    @property
    def reviews_complete(self) -> bool:
        return len(self.reviews) >= self.reviews_total
