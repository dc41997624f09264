"""Records shared by all layers: what a source yields and the store keeps."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    # stands in), "bad-tz" (a malformed offset, stored as UTC), "bad-pr-number" (set by the sync)
    flags: tuple[str, ...] = ()

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1
