"""Which commits are pull requests: pure functions over a commit's message.

- squash merge: ``Title (#123)`` (the last ``(#N)`` at the end of the subject);
  with two parents it is a merge commit whose title the merger wrote
- merge commit: ``Merge pull request #123 from owner/branch``, title in the body
- bors-ng: ``Merge #11687 #11689``, one ``N: title r=x a=author`` line per PR in
  the body; one commit lands several PRs, parent i+1 holds PR i's branch
- homu: ``Auto merge of #18255 - user:branch, r=x``, title in the body;
  ``Rollup merge of #N - user:branch, r=x`` likewise (on a rollup's branch); the
  rollup's own merge ("Rollup of 2 pull requests") is listed through its members,
  not as a PR beside them (``is_rollup``; the sync drops its row)
- GitHub security advisory: ``Merge commit from fork``, title in the body; it
  has no public number, so it gets a stable negative one from its sha
- rebase merge: the commits a forge replays carry no number of their own; a
  run of commits with one committer and one commit time that ends in a
  numbered one is that PR (see prhub.sync)
- anything else is a direct push.

A number must be a positive 32-bit integer (GitHub's are): ``(#0)`` or
``(#9223372036854775808)`` is no PR, and :func:`bad_number` says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SQUASH = re.compile(r"^(?P<title>.*?)\s*\(#(?P<number>\d+)\)\s*$")
_MERGE = re.compile(r"^Merge pull request #(?P<number>\d+) from (?P<head>\S+)")
_BORS = re.compile(r"^Merge(?P<numbers>(?: #\d+)+)\s*$")
_BORS_LINE = re.compile(r"^(?P<number>\d+): (?P<title>.*?)(?: r=\S*)?(?: a=(?P<author>\S+))?\s*$")
_ROLLUP_OF = re.compile(r"(?im)^\s*Rollup of \d+ pull requests?\b")
_HOMU = re.compile(r"^(?P<kind>Auto|Rollup) merge of #(?P<number>\d+)(?: - (?P<head>[^\s,]+))?")
_SECURITY = re.compile(r"^Merge commit from fork\s*$")
_MERGED_BRANCH = re.compile(
    r"^Merge branch '(?P<branch>[^']+)'|^Merge remote-tracking branch '(?:[^/']+/)?(?P<remote>[^']+)'"
    r"|^Merge pull request #\d+ from [^/\s]+/(?P<head>\S+)"
)
MAX_NUMBER = 2**31 - 1  # GitHub's numbers are 32-bit; PostgreSQL's INTEGER is too
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
    kind: str  # squash, merge, bors, homu, rollup or security (the sync adds rebase)
    head_ref: str | None = None
    login: str | None = None  # the author's forge login, where the message names it (bors-ng's a=)
    parent: int = 1  # the parent that holds the PR's branch, when the commit is a merge


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
    """The (first) PR a first-parent commit landed, or None for a direct push."""
    refs = pr_refs(message)
    return refs[0] if refs else None


def pr_refs(message: str, sha: str = "") -> list[PrRef]:
    """Every PR a commit landed: none for a direct push, several for a bors-ng batch.

    ``sha`` names the commit, for the number of a security-advisory merge.
    """
    subject, _, body = message.partition("\n")
    subject = subject.strip()
    if not subject.startswith("Merge") and not subject.endswith(")") and not subject.startswith(("Auto", "Rollup")):
        return []  # the common direct push, decided without a regular expression
    merge = _MERGE.match(subject)
    if merge:
        number = _number(merge["number"])
        return [PrRef(number, _first_line(body) or subject, "merge", merge["head"])] if number else []
    homu = _HOMU.match(subject)
    if homu:
        number = _number(homu["number"])
        kind = "homu" if homu["kind"] == "Auto" else "rollup"
        return [PrRef(number, _first_line(body) or subject, kind, homu["head"])] if number else []
    bors = _BORS.match(subject)
    if bors:
        return _bors_refs(bors["numbers"], body)
    if sha and _SECURITY.match(subject):
        title = _first_line(body).lstrip("*- ").strip()
        return [PrRef(security_number(sha), title or subject, "security")]
    squash = _SQUASH.match(subject)
    if squash and squash["title"]:
        number = _number(squash["number"])
        return [PrRef(number, squash["title"], "squash")] if number else []
    return []


def _bors_refs(numbers_text: str, body: str) -> list[PrRef]:
    numbers = [n for n in (_number(t) for t in numbers_text.split("#")[1:]) if n]
    lines: dict[int, re.Match[str]] = {}
    for line in body.splitlines():
        found = _BORS_LINE.match(line)
        if found and int(found["number"]) in numbers and int(found["number"]) not in lines:
            lines[int(found["number"])] = found
    refs = []
    for i, number in enumerate(numbers):
        found = lines.get(number)
        title = found["title"].strip() if found else ""
        refs.append(PrRef(number, title or f"#{number}", "bors", None, found["author"] if found else None, i + 1))
    return refs


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _number(digits: str) -> int | None:
    """A PR number, or None when it cannot be one (0, or beyond 32 bits)."""
    if len(digits) > 10:
        return None
    number = int(digits)
    return number if 0 < number <= MAX_NUMBER else None


def bad_number(message: str) -> bool:
    """True when the subject names a PR whose number cannot be one (``(#0)``, ``(#2**63)``)."""
    subject = message.partition("\n")[0].strip()
    found = _MERGE.match(subject) or _HOMU.match(subject) or _SQUASH.match(subject)
    if found is None or (found.re is _SQUASH and not found["title"]):
        return False
    return _number(found["number"]) is None


def security_number(sha: str) -> int:
    """A stable number for a merge that has no public one: negative, so it never meets a real one."""
    return -(int(sha[:8], 16) % MAX_NUMBER or 1)


def merged_branch(message: str) -> str | None:
    """The branch a merge commit brought in: ``Merge branch 'stable'`` -> stable,
    ``Merge pull request #1 from owner/release-3.1`` -> release-3.1."""
    found = _MERGED_BRANCH.match(message)
    if found is None:
        return None
    return found["branch"] or found["remote"] or found["head"]


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
    if own and own.kind in ("merge", "homu", "rollup", "bors"):  # the title is in the body
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


def is_rollup(message: str) -> bool:
    """A homu rollup's own merge (``Auto merge of #103 - user:rollup-x``, "Rollup of 2 pull requests"):
    its changes are those of its member PRs (``Rollup merge of #101``), each stored as a PR."""
    refs = pr_refs(message)
    return bool(refs) and refs[0].kind == "homu" and _ROLLUP_OF.search(message) is not None
