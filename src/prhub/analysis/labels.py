"""Labels and the kind of change, from the title and the paths.

Sources, in order: title tags (``[Bugfix][Windows] ...``), the conventional-commit
type (``fix(gdn): ...``), then path rules (every file under docs/ -> docs). Each
label keeps its source. Rules are an ordered list, first match wins per tag.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from prhub.analysis.paths import manifest_ecosystem, matcher

_TAG_RUN = re.compile(r"^\s*((?:\[[^\[\]]{1,60}\][\s:]*)+)")
_TAG = re.compile(r"\[([^\[\]]{1,60})\]")
# "fix(ssr): ...", "feat!: ...", and "fix (deps): ..." as people type it
_CONVENTIONAL = re.compile(r"^\s*(?P<type>[a-zA-Z]+)(?: ?\((?P<scope>[^)#][^)]{0,39})\))?(?P<bang>!)?:\s+\S")
_REVERT = re.compile(r"^\s*revert\b", re.I)
_NUMBERED = re.compile(r"^\s*\d+\s*/\s*\w+\s*$")  # [3/N]: a series position, not a label
# "tsdb: ", "model/histogram: ", "discovery/aws, ec2: ": an area prefix, not a conventional type (as vocab.PREFIX)
_AREA_PREFIX = re.compile(r"^\s*[A-Za-z][\w./-]{0,40}(?:\s*,\s*[A-Za-z][\w./-]{0,40}){0,3}\s*:\s+(?=\S)")
_SLUG = re.compile(r"[^a-z0-9.+]+")
_SEPARATORS = re.compile(r"[\s_\-]+")  # "Multi Modal", "multi-modal", "multi_modal", "multimodal" are one tag
_WORDS = re.compile(r"[\s+]+")  # "[CI Bugfix]", "[EP+DP]": several known tags in one

# Title verbs that reveal the kind when no tag does (checked after the tags are stripped).
_VERB_KINDS = (
    (re.compile(r"(?i)^(fix|fixes|fixed|correct|resolve|handle|avoid|prevent|guard|workaround)\b"), "fix"),
    (re.compile(r"(?i)^(revert)\b"), "revert"),
    (re.compile(r"(?i)^(optimi[sz]e|speed ?up|accelerate|reduce (latency|overhead|memory)|faster)\b"), "perf"),
    (re.compile(r"(?i)^(add|support|enable|implement|introduce|allow|expose|new)\b"), "feature"),
    (
        re.compile(
            r"(?i)^(refactor|remove|clean ?up|simplify|rename|move|migrate|consolidate|split|unify|deprecate)\b"
        ),
        "refactor",
    ),
    (re.compile(r"(?i)^(update|bump|upgrade|pin)\b"), "change"),
    (re.compile(r"(?i)^(typo|nit|minor|format)\b"), "minor"),
)
_CONVENTIONAL_KINDS = {
    "fix": "fix",
    "feat": "feature",
    "perf": "perf",
    "refactor": "refactor",
    "revert": "revert",
    "docs": "docs",
    "doc": "docs",
    "test": "tests",
    "tests": "tests",
    "ci": "ci",
    "build": "ci",
    "chore": "minor",
    "style": "minor",
    # rust-analyzer's changelog prefixes: "internal:" is a change users do not see, "minor:" a small one
    "internal": "refactor",
    "minor": "minor",
}
# The kind of a PR whose every file is lock, generated or vendored.
_INERT_SHAPE_KINDS = {"lock": "deps", "vendored": "deps", "generated": "minor"}
# Words anywhere in the title, when neither tags, the conventional type nor the first verb tell.
_WORD_KINDS = (
    (
        re.compile(
            r"(?i)\b(fix(es|ed|ing)?|bugs?|crash\w*|panic\w*|regressions?|incorrect(ly)?|wrong(ly)?"
            r"|false[- ](positive|negative)s?|broken|hangs?|leak(s|ing)?|segfaults?|deadlocks?|race condition"
            r"|off-by-one|unsound\w*|mis-?compil\w*|don'?t (crash|panic|fail|emit|report|flag)|instabilit\w*)\b"
        ),
        "fix",
    ),
    (re.compile(r"(?i)\b(speed ?up|faster|optimi[sz]\w*|performance|perf|fewer allocations)\b"), "perf"),
    (
        re.compile(
            r"(?i)\b(add(s|ed)? support|support for|implement\w*|introduc\w*|stabili[sz]e\w*"
            r"|new (rule|option|flag|command|api|endpoint|feature|lint|check|setting)s?)\b"
        ),
        "feature",
    ),
    (
        re.compile(
            r"(?i)\b(refactor\w*|clean ?ups?|simplif\w*|renam\w*|restructur\w*|reorgani[sz]\w*|deduplicat\w*"
            r"|extract\w*|split\w*|consolidat\w*|unif(y|ies|ied))\b"
        ),
        "refactor",
    ),
)
# Dependency updates, by bots or people: "Update Rust crate serde to v1.0.200", "Bump x from 1 to 2",
# "chore(deps): ...", "fix(deps): update all non-major dependencies".
_DEPS = re.compile(
    r"(?i)^\s*(update|bump|upgrade)\b.*?(\bfrom \S+ to \S+|\bto v?\d[\w.\-]*\s*$|\b(rust )?crates?\b"
    r"|\bdependenc(y|ies)\b|\bdeps\b|\bdigest\b|\block ?files?\b|\bpre-commit hooks?\b)"
)
_DEPS_SCOPE = re.compile(r"(?i)^deps(-dev)?$")
# "Upgrade `content-type`", "Bump Error Prone": an upgrade of one named thing, a dependency when
# the PR changes a dependency manifest
_UPGRADE_ONE = re.compile(r"(?i)^\s*(update|bump|upgrade)\s+(`[^`]+`|[\w@/.:-]+(\s[A-Z][\w-]*)?)(\s+to\s+\S+)?\s*$")

# When several labels give a kind, the first in this order wins: a [Bugfix][Kernel] PR is a fix.
KIND_PRECEDENCE = ("revert", "fix", "perf", "kernel", "feature", "model", "refactor", "ci", "tests", "docs", "minor")


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    source: str  # title-tag | conventional | path-rule | github


@dataclass(frozen=True, slots=True)
class TitleParts:
    tags: tuple[str, ...]  # as written: ("Bugfix", "Windows")
    conventional: str | None  # the type: "fix", "feat"
    scope: str | None
    rest: str  # the title without tags or the conventional prefix


def parse_title(title: str) -> TitleParts:
    tags: list[str] = []
    rest = title
    run = _TAG_RUN.match(title)
    if run:
        tags = [t.strip() for t in _TAG.findall(run.group(1)) if t.strip() and not _NUMBERED.match(t)]
        rest = title[run.end() :]
    conventional = scope = None
    found = _CONVENTIONAL.match(rest)
    if found and found["type"].lower() in _CONVENTIONAL_KINDS:
        conventional, scope = found["type"].lower(), found["scope"]
        rest = rest[rest.index(":") + 1 :]
    return TitleParts(tuple(tags), conventional, scope, rest.strip(" :-"))


_REVERTED = re.compile(r'^\s*Revert(?:ing)?\s+"(?P<title>.+?)"?(?:\s*\(#\d+\))*\s*$', re.I)


def reverted_title(title: str) -> str | None:
    """The quoted title of ``Revert "[Core] Replace routing (#39917)"``, or None."""
    found = _REVERTED.match(title)
    return found["title"].strip() or None if found else None


def tag_slug(tag: str) -> str:
    return _SLUG.sub("-", tag.strip().lower()).strip("-")


def tag_key(tag: str) -> str:
    """How title tags are compared: case, spaces, ``-`` and ``_`` aside."""
    return _SEPARATORS.sub("", tag.strip().lower())


def _tag_lookup(rules: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for rule in rules:
        for tag in rule["title_tags"]:
            table.setdefault(tag_key(tag), rule)
    return table


class Labeller:
    """Applies the ordered label rules; built once per settings."""

    def __init__(self, rules: Sequence[dict[str, Any]]) -> None:
        self.rules = list(rules)
        self.by_tag = _tag_lookup(self.rules)
        self.path_rules = [(r, matcher(tuple(r["paths"]))) for r in self.rules if r["paths"]]
        self.kind_of = {r["name"]: r["kind"] for r in self.rules if r["kind"]}
        self._path_hits: dict[str, tuple[int, ...]] = {}  # path -> the path rules it matches
        self._tag_rules: dict[str, list[dict[str, Any]]] = {}  # tag as written -> the rules it names

    def path_hits(self, path: str) -> tuple[int, ...]:
        found = self._path_hits.get(path)
        if found is None:
            found = tuple(i for i, (_, match) in enumerate(self.path_rules) if match(path))
            self._path_hits[path] = found
        return found

    def tag_rules(self, tag: str) -> list[dict[str, Any]]:
        """The rules a title tag names: its own, those of its ``/`` pieces ("[CI/Build]"), or, when
        every one of its words is a known tag, theirs ("[CI Bugfix]", "[EP+DP]"); none: unknown."""
        found = self._tag_rules.get(tag)
        if found is None:
            found = self._tag_rules[tag] = self._rules_of(tag)
        return found

    def _rules_of(self, tag: str) -> list[dict[str, Any]]:
        rule = self.by_tag.get(tag_key(tag))
        if rule is not None:
            return [rule]
        if "/" in tag:
            return [sub for piece in tag.split("/") if (sub := self.by_tag.get(tag_key(piece))) is not None]
        words = [w for w in _WORDS.split(tag.strip()) if w]
        if len(words) > 1:
            subs = [self.by_tag.get(tag_key(w)) for w in words]
            if all(sub is not None for sub in subs):
                return [sub for sub in subs if sub is not None]
        return []

    def labels(self, title: str, paths: Sequence[str], parts: TitleParts | None = None) -> list[Label]:
        parts = parts or parse_title(title)
        found: dict[str, Label] = {}
        for tag in parts.tags:
            # a tag may name several labels at once: "[CI/Build]", "[Bugfix][Kernel]" are separate
            rules = self.tag_rules(tag)
            names = [rule["name"] for rule in rules] if rules or "/" in tag else [tag_slug(tag)]
            for name in names:
                if name:
                    found.setdefault(name, Label(name, "title-tag"))
        if parts.conventional:
            for rule in self.rules:
                if parts.conventional in rule["conventional"]:
                    found.setdefault(rule["name"], Label(rule["name"], "conventional"))
                    break
        if _REVERT.match(title) and "revert" in self.kind_of:
            found.setdefault("revert", Label("revert", "title-tag"))
        if paths:
            hits: Counter[int] = Counter()
            for p in paths:
                hits.update(self.path_hits(p))
            for i, (rule, _) in enumerate(self.path_rules):
                n = hits.get(i, 0)
                if n and (n == len(paths) if rule["match"] == "all" else True):
                    found.setdefault(rule["name"], Label(rule["name"], "path-rule"))
        return list(found.values())

    def forge_labels(self, names: Sequence[str]) -> list[Label]:
        """The forge's own labels (source ``github``); a label a rule knows ("ci/build") takes the rule's names."""
        found: dict[str, Label] = {}
        for raw in names:
            rules = self.tag_rules(raw)
            for name in [rule["name"] for rule in rules] if rules else [tag_slug(raw)]:
                if name:
                    found.setdefault(name, Label(name, "github"))
        return list(found.values())

    def kind(
        self,
        labels: Sequence[Label],
        parts: TitleParts,
        paths: Sequence[str],
        shape: str | None,
        added_source: int = 0,
        only_deletions: bool = False,
    ) -> str:
        """feature, fix, perf, kernel, refactor, model, deps, ci, tests, docs, minor, revert, or change.

        In order: a revert; the shape of the diff when every file is docs, tests, CI, lock,
        generated or vendored; a dependency update; the title tags and conventional type (with
        a leading "Fix"/"Revert" verb); the first verb (after an area prefix such as "tsdb:");
        words anywhere in the title; then the
        diff again (new source files: a feature; only deletions: a refactor).
        """
        kinds = {self.kind_of[label.name] for label in labels if label.name in self.kind_of}
        if parts.conventional in _CONVENTIONAL_KINDS:
            kinds.add(_CONVENTIONAL_KINDS[parts.conventional])
        verb = _verb_kind(parts.rest)
        area = _AREA_PREFIX.match(parts.rest) if verb is None and parts.conventional is None else None
        if area:  # "promql: add a function" says its verb after the area
            verb = _verb_kind(parts.rest[area.end() :])
        if verb in ("fix", "revert"):  # "[Kernel] Fix ..." is a fix in a kernel
            kinds.add(verb)
        deps = bool(parts.scope and _DEPS_SCOPE.match(parts.scope.strip())) or bool(_DEPS.match(parts.rest))
        deps = deps or bool(_UPGRADE_ONE.match(parts.rest) and any(manifest_ecosystem(p) for p in paths))
        # a PR whose every file is docs/tests/CI is that kind whatever its tag says, bar a revert
        # and a dependency update of CI files (a GitHub Action's new version)
        if shape and "revert" not in kinds and not (deps and shape == "ci"):
            return _INERT_SHAPE_KINDS.get(shape, shape)
        if "revert" in kinds:
            return "revert"
        if deps:
            return "deps"
        for kind in KIND_PRECEDENCE:
            if kind in kinds:
                if kind == "model":
                    return "model" if verb in (None, "feature") else verb
                return kind
        if verb and verb != "change":
            return verb
        for rx, kind in _WORD_KINDS:
            if rx.search(parts.rest):
                return kind
        if added_source:
            return "feature"
        if only_deletions:
            return "refactor"
        return verb or "change"


def _verb_kind(text: str) -> str | None:
    for rx, kind in _VERB_KINDS:
        if rx.match(text):
            return kind
    return None
