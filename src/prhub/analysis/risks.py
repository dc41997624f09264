"""Risk tags: the fixed vocabulary of ten, each from a rule, each with evidence.

Five tags are computed from the PR's shape (core-path, missing-tests,
large-change, revert, new-model) with thresholds from ``[risks]``; the others
come from the ordered ``risk_rules`` (paths, then title), first match per tag
wins; a rule's paths fire on the files other than tests (a change to
``tests/windows/`` alone is platform work only when its title says so).
``deprecation`` has both: a rule on the title, and a computed check for
deleted source files. ``dependency`` is computed from the diffs read at sync
time (store/signals.py): a manifest whose dependency entries changed, never a
lock file alone; rules may add paths of their own (vllm's pinned external projects).

Files are classed by ``PathClasses`` (tests, docs, CI, generated, vendored, lock,
source): ``missing-tests`` counts source lines only and never fires when a test
changed, a test file or a Rust inline test (``#[test]``, ``#[cfg(test)]``) read
from the diff. It never fires on a refactor either (its promise is that behaviour
does not change: the tests already there are its tests), and a performance change
that changes a benchmark (``benches/``, ``bench_*.py``) is tested by it. Core files
are source files only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from prhub.analysis.paths import PathClasses, PathMatcher, is_code, matcher
from prhub.config import RISK_TAGS, Settings
from prhub.store.queries import PrFile

_REVERT_TITLE = re.compile(r"^\s*(?:\[[^\]]*\]\s*)*\[?revert(?:ing)?\b", re.I)  # "[Windows] Revert ..." too

_BENCHMARK = re.compile(r"(?i)(^|/)(bench|benches|benchmarks?)(/|$)|(^|/|_)bench(mark)?s?[_./]")

_ORDER = {tag: i for i, tag in enumerate(RISK_TAGS)}


@dataclass(frozen=True, slots=True)
class Risk:
    tag: str
    evidence: str  # what shows it, a code the catalogue words (table risk_evidence)
    rule: str  # the rule that fired: a glob, a regex name, a threshold
    files: tuple[str, ...] = ()  # the files behind it, when files are the evidence
    params: tuple[tuple[str, object], ...] = ()  # the evidence's figures and names


class RiskRules:
    """The compiled rules; ``assess`` is pure over one PR's facts."""

    def __init__(self, settings: Settings, classes: PathClasses | None = None) -> None:
        self.settings = settings
        self.thresholds = settings["risks"]
        paths = settings["paths"]
        self.classes = classes or PathClasses(paths)
        self.tests = lambda path: self.classes.of(path) == "tests"
        self.new_model = matcher(tuple(paths["new_model"]))
        self.rules: list[tuple[dict[str, Any], PathMatcher, re.Pattern[str] | None]] = [
            (rule, matcher(tuple(rule["paths"])), re.compile(rule["title"]) if rule["title"] else None)
            for rule in settings.risk_rules
        ]

    def is_source(self, path: str) -> bool:
        return self.classes.of(path) == "source"

    def assess(
        self,
        title: str,
        files: Sequence[PrFile],
        core: set[str] | frozenset[str],
        labels: Sequence[str],
        reverts: int | None,
        diff_facts: Sequence[tuple[str, str, str]] = (),
        mechanical: str | None = None,
        kind: str = "change",
    ) -> list[Risk]:
        t = self.thresholds
        found: dict[str, Risk] = {}
        paths = [f.path for f in files]

        core_hits = [p for p in paths if p in core and self.is_source(p)]
        if core_hits:
            found["core-path"] = Risk("core-path", "core", "core", tuple(core_hits))

        source = [f for f in files if self.is_source(f.path) and is_code(f.path)]  # program text only
        source_lines = sum(f.lines for f in source)
        source_files = len(source)
        tested = any(self.tests(p) for p in paths) or any(fact == "inline-tests" for fact, _, _ in diff_facts)
        if kind == "perf":  # a performance change is tested by a benchmark
            tested = tested or any(_BENCHMARK.search(p) for p in paths)
        # a refactor keeps behaviour: the tests it must pass are the ones already there
        if source_lines > t["missing_tests_lines"] and not tested and not mechanical and kind != "refactor":
            found["missing-tests"] = Risk(
                "missing-tests",
                "untested",
                f"> {t['missing_tests_lines']} lines",
                params=(("lines", source_lines), ("files", source_files)),
            )

        counted = [f for f in files if self.classes.counts(f.path)]
        lines = sum(f.lines for f in counted)
        if not mechanical and (lines >= t["large_change_lines"] or len(counted) >= t["large_change_files"]):
            found["large-change"] = Risk(
                "large-change", "size", "size", params=(("lines", lines), ("files", len(counted)))
            )

        manifests = [(path, detail) for kind, path, detail in diff_facts if kind == "dependency"]
        if manifests:
            entries = [e for _, detail in manifests for e in detail.split(" ", 1)[-1].split(",") if e]
            found["dependency"] = Risk(
                "dependency",
                "manifest",
                "manifest:" + manifests[0][1].split(" ", 1)[0],
                tuple(p for p, _ in manifests),
                (("entries", tuple(dict.fromkeys(entries))),),
            )

        if reverts is not None or "revert" in labels or _REVERT_TITLE.match(title):
            if reverts:
                found["revert"] = Risk("revert", "reverts", "revert", params=(("number", reverts),))
            else:
                found["revert"] = Risk("revert", "revert_title", "revert")

        added_models = [f.path for f in files if f.status == "A" and self.new_model(f.path) and not self.tests(f.path)]
        if added_models:
            found["new-model"] = Risk("new-model", "adds", "new file", tuple(added_models))
        elif "new-model" in labels:
            found["new-model"] = Risk("new-model", "label", "label", params=(("label", "New Model"),))

        deleted = [f for f in files if f.status == "D" and self.is_source(f.path)]
        if sum(f.deletions for f in deleted) >= t["deleted_lines"] and mechanical is None:
            found["deprecation"] = Risk("deprecation", "deletes", "deleted files", tuple(f.path for f in deleted))

        # a test file is no evidence of a rule's risk (a test under tests/windows/ ships nothing to a
        # Windows user): path rules look at the other files, and a test-only change is left to the title
        shipped = [p for p in paths if not self.tests(p)]
        for rule, path_match, title_match in self.rules:
            tag = rule["tag"]
            if tag in found:
                continue  # first match wins per tag
            hits = [p for p in shipped if path_match(p)]
            if hits:
                found[tag] = Risk(tag, "paths", path_match.first(hits[0]) or "paths", tuple(hits))
                continue
            if title_match is not None:
                word = title_match.search(title)
                if word:
                    said = word.group(0).strip()
                    found[tag] = Risk(tag, "title", "title", params=(("words", said),))
        return sorted(found.values(), key=lambda r: _ORDER[r.tag])
