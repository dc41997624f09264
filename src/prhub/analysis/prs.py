"""Which commits are pull requests: pure functions over a commit's message.

- squash merge: ``Title (#123)`` (the last ``(#N)`` at the end of the subject)
- merge commit: ``Merge pull request #123 from owner/branch``, title in the body
- rebase merge: the commits a forge replays carry no number of their own; a
  run of commits with one committer and one commit time that ends in a
  numbered one is that PR (see prhub.sync)
- anything else is a direct push.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SQUASH = re.compile(r"^(?P<title>.*?)\s*\(#(?P<number>\d+)\)\s*$")
_MERGE = re.compile(r"^Merge pull request #(?P<number>\d+) from (?P<head>\S+)")
_TRAILER = re.compile(r"^(?P<key>[A-Za-z][A-Za-z-]*-by):\s*(?P<name>[^<\n]*?)\s*<(?P<email>[^>\n]*)>\s*$", re.M)
_REVERT_SHA = re.compile(r"This reverts commit ([0-9a-f]{7,40})")
_REVERT_SUBJECT = re.compile(r'^Revert\s+"(?P<inner>.*)"')
_REVERT_INNER_PR = re.compile(r"\(#(\d+)\)\s*\"?\s*$")


@dataclass(frozen=True, slots=True)
class PrRef:
    number: int
    title: str
    kind: str  # squash or merge
    head_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Trailer:
    key: str  # lower case: co-authored-by, signed-off-by, reviewed-by...
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class RevertRef:
    sha: str | None  # the reverted commit, from "This reverts commit <sha>."
    pr_number: int | None  # the reverted PR, from the quoted title


def pr_ref(message: str) -> PrRef | None:
    """The PR a first-parent commit landed, or None for a direct push."""
    subject, _, body = message.partition("\n")
    subject = subject.strip()
    merge = _MERGE.match(subject)
    if merge:
        title = next((line.strip() for line in body.splitlines() if line.strip()), "")
        return PrRef(int(merge["number"]), title or subject, "merge", merge["head"])
    squash = _SQUASH.match(subject)
    if squash and squash["title"]:
        return PrRef(int(squash["number"]), squash["title"], "squash")
    return None


def trailers(message: str) -> list[Trailer]:
    """``Co-authored-by:``/``Signed-off-by:`` lines; squash merges scatter them through the body."""
    return [Trailer(m["key"].lower(), m["name"].strip(), m["email"].strip()) for m in _TRAILER.finditer(message)]


def revert_ref(message: str) -> RevertRef | None:
    """What a revert commit reverts, or None when it is not a revert."""
    subject = message.partition("\n")[0].strip()
    sha = _REVERT_SHA.search(message)
    quoted = _REVERT_SUBJECT.match(subject)
    if not sha and not quoted:
        return None
    pr_number = None
    if quoted:
        inner = quoted["inner"]
        # `Revert "Title (#123)" (#456)`: the inner (#123) is the reverted PR
        found = _REVERT_INNER_PR.search(inner)
        if found:
            pr_number = int(found.group(1))
    return RevertRef(sha.group(1) if sha else None, pr_number)
