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
from the diff; core files are source files only.
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

_ORDER = {tag: i for i, tag in enumerate(RISK_TAGS)}


@dataclass(frozen=True, slots=True)
class Risk:
    tag: str
    evidence: str  # which files or words, in the report's language
    rule: str  # the rule that fired: a glob, a regex name, a threshold
    files: tuple[str, ...] = ()  # the files behind it, when files are the evidence


def _files(paths: Sequence[str], lang: str = "en", limit: int = 3) -> str:
    zh = lang == "zh"
    shown = ("、" if zh else ", ").join(paths[:limit])
    more = len(paths) - limit
    return shown + ((f"（另 {more} 个）" if zh else f" (+{more})") if more > 0 else "")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


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
        lang: str = "en",
        diff_facts: Sequence[tuple[str, str, str]] = (),
        mechanical: str | None = None,
    ) -> list[Risk]:
        zh = lang == "zh"
        t = self.thresholds
        found: dict[str, Risk] = {}
        paths = [f.path for f in files]

        core_hits = [p for p in paths if p in core and self.is_source(p)]
        if core_hits:
            label = "核心文件：" if zh else "core files: "
            found["core-path"] = Risk("core-path", label + _files(core_hits, lang), "core", tuple(core_hits))

        source = [f for f in files if self.is_source(f.path) and is_code(f.path)]  # program text only
        source_lines = sum(f.lines for f in source)
        source_files = len(source)
        tested = any(self.tests(p) for p in paths) or any(kind == "inline-tests" for kind, _, _ in diff_facts)
        if source_lines > t["missing_tests_lines"] and not tested and not mechanical:
            text = (
                f"{source_files} 个源码文件改动 {source_lines} 行，未改测试"
                if zh
                else f"{source_lines} source lines in {_plural(source_files, 'file')}, no test changed"
            )
            found["missing-tests"] = Risk("missing-tests", text, f"> {t['missing_tests_lines']} lines")

        counted = [f for f in files if self.classes.counts(f.path)]
        lines = sum(f.lines for f in counted)
        if not mechanical and (lines >= t["large_change_lines"] or len(counted) >= t["large_change_files"]):
            n = len(counted)
            text = f"{lines} 行，{n} 个文件" if zh else f"{lines} lines in {_plural(n, 'file')}"
            found["large-change"] = Risk("large-change", text, "size")

        manifests = [(path, detail) for kind, path, detail in diff_facts if kind == "dependency"]
        if manifests:
            entries = [e for _, detail in manifests for e in detail.split(" ", 1)[-1].split(",") if e]
            shown = _files([p for p, _ in manifests], lang)
            if entries:
                shown += ("：" if zh else ": ") + _files(list(dict.fromkeys(entries)), lang)
            found["dependency"] = Risk(
                "dependency", shown, "manifest:" + manifests[0][1].split(" ", 1)[0], tuple(p for p, _ in manifests)
            )

        if reverts is not None or "revert" in labels or _REVERT_TITLE.match(title):
            text = (
                (f"回滚 #{reverts}" if zh else f"reverts #{reverts}")
                if reverts
                else ("标题表明是回滚" if zh else "the title says Revert")
            )
            found["revert"] = Risk("revert", text, "revert")

        added_models = [f.path for f in files if f.status == "A" and self.new_model(f.path) and not self.tests(f.path)]
        if added_models:
            found["new-model"] = Risk(
                "new-model", f"{'新增' if zh else 'adds'} {_files(added_models, lang)}", "new file"
            )
        elif "new-model" in labels:
            found["new-model"] = Risk("new-model", "标题标签 [New Model]" if zh else "title tag [New Model]", "label")

        deleted = [f for f in files if f.status == "D" and self.is_source(f.path)]
        if sum(f.deletions for f in deleted) >= t["deleted_lines"] and mechanical is None:
            text = f"{'删除' if zh else 'deletes'} {_files([f.path for f in deleted], lang)}"
            found["deprecation"] = Risk("deprecation", text, "deleted files")

        # a test file is no evidence of a rule's risk (a test under tests/windows/ ships nothing to a
        # Windows user): path rules look at the other files, and a test-only change is left to the title
        shipped = [p for p in paths if not self.tests(p)]
        for rule, path_match, title_match in self.rules:
            tag = rule["tag"]
            if tag in found:
                continue  # first match wins per tag
            hits = [p for p in shipped if path_match(p)]
            if hits:
                found[tag] = Risk(tag, _files(hits, lang), path_match.first(hits[0]) or "paths", tuple(hits))
                continue
            if title_match is not None:
                word = title_match.search(title)
                if word:
                    said = word.group(0).strip()
                    found[tag] = Risk(tag, f"标题提到 “{said}”" if zh else f'title mentions "{said}"', "title")
        return sorted(found.values(), key=lambda r: _ORDER[r.tag])
