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
_REVERT_SUBJECT = re.compile(r"^Revert(?:ing)?\b", re.I)
_REVERT_QUOTED = re.compile(r'^Revert\s+"(?P<rest>.*)$', re.I)
_NUMBER = re.compile(r"#(\d+)\b")
_TRAILING_NUMBERS = re.compile(r"(?:\s*\(#\d+\))+\s*$")
_REVERT_BRANCH = re.compile(r"(?:^|/)revert-(\d+)-")  # GitHub's revert button names the branch revert-<N>-...


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
    sha: str | None  # the reverted commit, from "This reverts commit <sha>." (may be abbreviated)
    pr_number: int | None  # the reverted PR, from a number the subject names
    title: str | None = None  # the reverted PR's title, quoted in the subject, to look it up by
    title_truncated: bool = False  # the quoted title was cut with "…" by the forge: match on a prefix


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
    if "-by:" not in message:  # most messages have none: skip the multi-line scan
        return []
    return [Trailer(m["key"].lower(), m["name"].strip(), m["email"].strip()) for m in _TRAILER.finditer(message)]


def revert_ref(message: str) -> RevertRef | None:
    """What a revert commit reverts, or None when it is not a revert.

    ``Revert "Title (#12)" (#15)``, ``Revert "Title" (#12) (#15)`` and ``Revert #12 (#15)``
    name the reverted PR (the commit's own trailing number is not it); ``Revert "Title" (#15)``
    names only its title, which the sync looks up among the PRs merged before it.
    """
    if "evert" not in message and "EVERT" not in message:  # no "Revert ...", no "This reverts commit"
        return None
    subject = message.partition("\n")[0].strip()
    own = pr_ref(message)
    if own and own.kind == "merge":  # a merge commit's title is in its body
        subject = own.title
    sha = _REVERT_SHA.search(message)
    if not _REVERT_SUBJECT.match(subject) and not sha:
        return None
    numbers = [int(n) for n in _NUMBER.findall(subject)]
    if own and own.kind == "squash" and numbers and numbers[-1] == own.number:
        numbers.pop()
    if not numbers and own and own.head_ref and (branch := _REVERT_BRANCH.search(own.head_ref)):
        numbers.append(int(branch.group(1)))
    title, truncated = _reverted_title(subject)
    return RevertRef(sha.group(1) if sha else None, numbers[0] if numbers else None, title, truncated)


def _reverted_title(subject: str) -> tuple[str | None, bool]:
    """The title inside ``Revert "..."``, without PR numbers, quotes or the forge's "…"."""
    quoted = _REVERT_QUOTED.match(subject)
    if not quoted:
        return None, False
    rest = _TRAILING_NUMBERS.sub("", quoted["rest"]).strip()
    truncated = rest.endswith("…")
    rest = rest.rstrip("…").strip()
    if rest.endswith('"'):
        rest = rest[:-1]
    rest = _TRAILING_NUMBERS.sub("", rest).strip()
    return (rest or None), truncated
