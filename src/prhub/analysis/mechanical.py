"""Mechanical changes: PRs whose size says nothing about their weight.

A formatter or lint pass, a spelling fix, a pure rename or move, a lockfile-only,
generated-only or vendored-only change, a release branch merged back. Each is
recognised from the title and the shape of the diff together, so a linter's own
feature ("[pylint] Implement too-many-locals") or a formatter's own bug fix is not
taken for a formatting pass. ``why`` returns a code (``formatter``, ``typo``,
``rename``, ``lockfile``, ``generated``, ``vendored``, ``release-merge``, ``release``
for a version bump or release preparation, or a revert of either) or None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from prhub.analysis.labels import TitleParts, reverted_title
from prhub.store.queries import PrFile

MECHANICAL = ("formatter", "typo", "rename", "lockfile", "generated", "vendored", "release-merge", "release")

_TOOLS = (
    r"rustfmt|cargo[ -]fmt|clang-format|gofmt|gofumpt|goimports|prettier|black|isort|ruff[ -]format|yapf"
    r"|autopep8|biome|dprint|stylua|shfmt|taplo|standardrb|rubocop|clippy|eslint|oxlint|pre-commit|codespell"
)
_FORMATTER = re.compile(
    r"(?i)(^|\W)(run|ran|apply|applied|enable|use|re-?run|format(ted)? with|reformat(ted)? with|update)\b"
    rf".*\b({_TOOLS})\b"
    rf"|\b(reformat\w*|auto-?format\w*)\b"
    r"|\bformat(ting)? (all|the|whole|entire|every|more)?\s*(code|files|codebase|sources?|repo(sitory)?|crates?|tree)\b"
    # "clippy fixes", "More clippy::{perf, complexity, style} fixes"
    r"|\b(formatting|format|fmt|lint|linter|clippy|style)(::[\w{}, ]*?)? (pass|fixes|changes|cleanups?)\b"
    r"|\bfix(es|ed)? (the |some |all |new )?(v?\d+(\.\d+)+ )?"  # "Fix 1.95.0 Clippy": a new toolchain's lints
    r"(lint(er)?|clippy|formatting|fmt|style|pre-commit|mypy|ruff)"
    r"( warnings?| errors?| issues?| lints?| failures?)?\s*$"
    rf"|^\W*({_TOOLS})\s*$"
    r"|\b(lint|linter|linting)\b.*\b(issues|warnings|findings|errors)\s*$"
    r"|\b(issues|warnings|findings|lints) (from|reported by|flagged by|raised by) [\w-]+\s*$"
)
# Release housekeeping: a version bump or release preparation changes version strings and changelogs.
_RELEASE_PREP = re.compile(
    r"(?i)^\W*(chore(\(release\))?:\s*|release:\s*)?((prepare|preparing|cut|cutting|bump|bumping|release|releasing"
    r"|publish)(\s+(for|the|version|release|to))*\s+)?v?\d+\.\d+(\.\d+)?([-.+]?(rc|alpha|beta|pre|dev|post)[.\d]*)?"
    r"(\s+release)?\s*$"
    r"|^\W*(chore(\(release\))?:\s*)?(prepare|cut) (the )?(next )?release\b"
)
_TYPO = re.compile(r"(?i)\b(typos?|spelling|misspell\w*|mis-spell\w*|codespell|spell[- ]?check\w*)\b")
_RELEASE_MERGE = re.compile(
    r"(?i)^\s*(merge|back-?port|forward-?port|sync)\b[^\n]*?\b("
    r"v?\d+\.\d+(\.\d+)*(-\w+)?\s+(into|to|back into|back to|in)\s+(main|master|develop|trunk)"
    r"|(release|stable|maint(enance)?)[-/ _]?[\w.]*\s+(branch\s+)?(back\s+)?(into|to|in)\s+(main|master|develop|trunk)"
    r"|(release|stable|maint(enance)?)[-/ _]?v?\d+(\.\d+)+(\s+branch)?\s*$"  # "Merge release 3.11"
    r"|branch\s+'?(origin/)?(release|stable|maint(enance)?|v?\d+\.\d+)[-/\w.]*'?(\s+into\s+'?(main|master)'?)?\s*$"
    r"|remote-tracking branch\s+'?\w+/(release|stable|maint(enance)?|v?\d+\.\d+)[-/\w.]*'?"
    r"|(tag\s+)?'?v\d+\.\d+(\.\d+)*'?\s*$"
    r")"
)
_RENAME_WORDS = re.compile(r"(?i)\b(rename\w*|move[sd]?|moving|relocat\w*|reorgani[sz]\w*)\b")
_FEATURE_WORDS = re.compile(r"(?i)\b(add|implement|support|new|introduce)\b")


def why(
    title: str,
    parts: TitleParts,
    files: Sequence[PrFile],
    path_class: Callable[[str], str],
    kind: str,
) -> str | None:
    """The mechanical kind of this PR, or None."""
    # a revert of release housekeeping ('Revert "prepare 3.12.0-rc.0"') is housekeeping too
    for text in (title, reverted_title(title) or ""):
        if _RELEASE_MERGE.search(text):
            return "release-merge"
        if _RELEASE_PREP.search(text):
            return "release"
    classes = {path_class(f.path) for f in files}
    if classes and classes <= {"lock"}:
        return "lockfile"
    if classes and classes <= {"generated"}:
        return "generated"
    if classes and classes <= {"vendored"}:
        return "vendored"
    counted = [f for f in files if path_class(f.path) not in ("lock", "generated", "vendored")]
    adds = sum(f.additions for f in counted)
    dels = sum(f.deletions for f in counted)
    balanced = abs(adds - dels) <= 0.35 * max(adds, dels) + 10
    new_files = sum(1 for f in counted if f.status == "A")
    few_new = new_files <= max(1, len(counted) // 10)
    if (parts.conventional == "style" or _FORMATTER.search(parts.rest)) and balanced and few_new:
        return "formatter"
    # "Fix typos" sweeps can be wide, but they replace words: balanced, nothing new
    typo = _TYPO.search(parts.rest) and not _FEATURE_WORDS.match(parts.rest)
    if typo and kind not in ("feature", "perf") and balanced and new_files == 0:
        return "typo"
    renamed = [f for f in counted if f.status == "R"]
    if renamed and len(renamed) >= 0.7 * len(counted):
        edited = sum(f.lines for f in counted)
        said = _RENAME_WORDS.search(parts.rest) is not None
        if edited <= max(20, 3 * len(counted)) or (said and edited <= 8 * len(counted) + 20):
            return "rename"
    return None
