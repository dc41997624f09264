"""What a PR's review concluded, and what its description claims: codes and parameters, no words.

``summary`` reads the reviews (the latest opinion of each reviewer counts: a
change request later followed by an approval from the same reviewer is an
addressed request) and the review threads (resolved or not, the files and the
points with the most comments). ``claims`` picks the lines of the description
that state a test result or a benchmark figure; the report quotes them as the
author's words, never as its own findings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from prhub.store.github import ForgeFacts, ThreadView

OPINIONS = ("APPROVED", "CHANGES_REQUESTED", "DISMISSED")
MAX_POINTS = 2
MAX_FILES = 3
MAX_CLAIMS = 2
QUOTE_LIMIT = 160

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MARKUP = re.compile(r"^\s*(?:[-*+>]\s+|#{1,6}\s+|\d+[.)]\s+)*")
_TEST = re.compile(
    r"(?i)(\b\d+ (passed|failed)\b|\btests? (pass|passed|passing|succeed(ed)?)\b|\ball tests\b|"
    r"\bpytest\b.*\b(pass|ok)\b|\b(PASSED|PASS)\b)"
)
_BENCH = re.compile(
    r"(?i)(\b\d+(\.\d+)?\s*(x|×)\s*(faster|speed-?up|higher|better|improvement)|\bspeed-?up\b.*\d|"
    r"\b(throughput|latency|tok/s|tokens/s|req/s|qps|ops/s|it/s)\b.*\d|\d+(\.\d+)?\s*%\s*"
    r"(faster|improvement|reduction|lower|higher|better|fewer|less))"
)


def summary(facts: ForgeFacts, author: str, threads: Sequence[ThreadView] | None = None) -> dict[str, Any]:
    """The review of one PR; ``threads`` (the quick look's PRs) adds the files and points discussed."""
    reviewers: list[str] = []
    latest: dict[str, str] = {}
    asked: set[str] = set()
    links: list[dict[str, Any]] = []
    for login, state, _at, url in facts.reviews:
        if login == author:
            continue  # the author's replies to threads are reviews too, with no opinion
        if login not in reviewers:
            reviewers.append(login)
        if state in OPINIONS:
            latest[login] = state
            if state == "CHANGES_REQUESTED":
                asked.add(login)
            if url:
                links.append({"reviewer": login, "state": state.lower(), "url": url})
    approvals = [r for r in reviewers if latest.get(r) == "APPROVED"]
    changes = [r for r in reviewers if latest.get(r) == "CHANGES_REQUESTED"]
    addressed = [r for r in approvals if r in asked]
    state = "changes_requested" if changes else "approved" if approvals else "commented" if reviewers else None
    out: dict[str, Any] = {
        "state": state,
        "reviewers": reviewers,
        "approvals": approvals,
        "changes_requested": changes,
        "addressed": addressed,  # asked for changes, then approved
        "comments": facts.review_comments,
        "threads": facts.threads,
        "unresolved_threads": facts.unresolved,
        "issue_comments": facts.issue_comments,
        "linked_issues": facts.linked_issues[:5],
        "complete": facts.threads_complete,
        "links": links,
        "conclusion": None,  # the prose writes it from the fields above, in the report's language
    }
    if threads is not None:
        out["files"] = _files(threads)
        out["points"] = _points(threads, author)
    return out


def activity(facts: ForgeFacts, author: str) -> int:
    """Review activity for the importance component: review comments, and reviews by others."""
    return facts.review_comments + sum(1 for login, *_ in facts.reviews if login != author)


def _files(threads: Sequence[ThreadView]) -> list[dict[str, Any]]:
    comments: Counter[str] = Counter()
    for t in threads:
        comments[t.path] += t.comments_total
    ranked = sorted(comments.items(), key=lambda x: (-x[1], x[0]))
    return [{"path": p, "comments": n} for p, n in ranked[:MAX_FILES] if n]


def _points(threads: Sequence[ThreadView], author: str) -> list[dict[str, Any]]:
    """The most discussed threads opened by a reviewer: where, by whom, the first line they wrote."""
    ranked = sorted(
        (t for t in threads if t.first_body and t.first_author != author),
        key=lambda t: (-t.comments_total, t.resolved),
    )
    out: list[dict[str, Any]] = []
    for t in ranked:
        if len(out) >= MAX_POINTS:
            break
        text = first_line(t.first_body or "")
        if text and all(p["quote"] != text for p in out):  # the same remark on several lines reads once
            out.append(
                {
                    "path": t.path,
                    "line": t.line,
                    "author": t.first_author,
                    "quote": text,
                    "comments": t.comments_total,
                    "resolved": t.resolved,
                    "url": t.url,
                }
            )
    return out


def first_line(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The first line of prose in a comment (quoted replies, code fences and suggestions left out)."""
    in_fence = False
    for raw in _COMMENT.sub("", text).splitlines():
        line = raw.strip()
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence or not line or line.startswith(">"):
            continue
        return _cut(_MARKUP.sub("", line), limit)
    return ""


def claims(body: str) -> list[dict[str, str]]:
    """Lines of the description that state a test result or a benchmark figure, as written."""
    found: list[dict[str, str]] = []
    seen: set[str] = set()
    for raw in _COMMENT.sub("", body or "").splitlines():
        line = _MARKUP.sub("", raw.strip()).strip("`|* ")
        if len(line) < 6 or line.startswith("```"):
            continue
        kind = "benchmark" if _BENCH.search(line) else "test" if _TEST.search(line) else None
        if kind is None or kind in seen:
            continue
        seen.add(kind)
        found.append({"kind": kind, "quote": _cut(line, QUOTE_LIMIT)})
        if len(found) >= MAX_CLAIMS:
            break
    return found


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return (text[: cut if cut > 0 else limit]).rstrip(" ,;:-") + "…"
