"""The analysis of one period: pure functions over stored PRs and settings.

``Analyzer.facts`` is what a PR says by itself (labels, kind, theme
candidates, AI co-authors), computed once per PR and cached, so building every
week of a history analyses each PR once. ``analyse_period`` adds what depends
on the period: core files (inferred from the PRs merged in the preceding
``core.history_days``), the module map (inferred from the same window), risks,
importance, themes and their trends.

A ``PrSource`` hands out PRs by time: ``StoreSource`` queries the store for one
report, ``MemorySource`` loads a repository's history once for many reports.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from prhub.analysis import importance, kept, mechanical, modules, review, risks, themes, vocab
from prhub.analysis.labels import Label, Labeller, TitleParts, parse_title, reverted_title
from prhub.analysis.paths import INERT, PathClasses, manifest_ecosystem, matcher
from prhub.config import Settings
from prhub.period import Period
from prhub.store import Repository, Store, pr_analysis, queries, signals
from prhub.store import github as github_store
from prhub.store.github import ThreadView
from prhub.store.queries import DirectCommit, PrFile, StoredPr


def _name_pattern(globs: Sequence[str]) -> re.Pattern[str]:
    """Shell-style name globs where only * and ? are special ("*[bot]" means a literal [bot])."""
    parts = ["".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in g.lower()) for g in globs]
    return re.compile("|".join(f"(?:{p})" for p in parts) + r"\Z" if parts else r"(?!)")


@dataclass(slots=True)
class PrFacts:
    """What a PR says by itself, whatever the period. Kept in the store between processes: a new
    field is kept (``Analyzer.unsaved`` and ``_recalled``) or rebuilt from the PR (tests/test_kept.py)."""

    pr: StoredPr
    parts: TitleParts
    labels: list[Label]
    kind: str
    theme_candidates: tuple[str, ...]
    theme_direct: frozenset[str]  # the candidates matched on a label, the kind or a title word
    assistants: list[str]
    is_bot: bool
    source_paths: list[str]
    deps: bool = False  # a dependency update (a bot's, or "Bump X from A to B")
    topics: tuple[tuple[str, str], ...] = ()  # title tags and scopes naming an area: (key, form)
    title_words: dict[str, str] = field(default_factory=dict)  # content words of the title: key -> form
    weighted_paths: tuple[tuple[str, float], ...] = ()  # the files that say where the PR is, and their weight
    counted: list[PrFile] = field(default_factory=list)  # the files that weigh: not generated, vendored or lock files
    mechanical: str | None = None  # why the PR is a mechanical change (formatter, typo, rename...), or None


@dataclass(slots=True)
class PrResult:
    facts: PrFacts
    modules: list[str]
    directories: list[str]
    risks: list[risks.Risk]
    score: importance.Score
    new_surface: list[str]
    reverted_by: int | None
    theme_key: str | None = None
    review: dict[str, object] | None = None  # analysis.review.summary, when GitHub data exists
    claims: list[dict[str, str]] = field(default_factory=list)  # test and benchmark lines of the description

    @property
    def number(self) -> int:
        return self.facts.pr.number


@dataclass(slots=True)
class PeriodAnalysis:
    period: Period
    results: list[PrResult]  # highest importance first
    themes: list[themes.Theme]
    core_files: frozenset[str]
    direct_commits: list[DirectCommit]
    first_time: dict[str, list[int]]  # author -> PR numbers, for authors new this period
    previous_count: int  # PRs merged in the period before
    previous_labels: Counter[str]  # their labels
    history: list[tuple[Period, int]]  # the 12 periods up to this one, oldest first
    theme_names: dict[str, str] = field(default_factory=dict)
    other: themes.Theme | None = None  # the PRs no named theme took ("Other changes")
    learned: dict[str, themes.Learned] = field(default_factory=dict)  # the names of the learned themes

    def registry_entries(self) -> list[queries.RegisteredTheme]:
        """The period's themes as the theme registry keeps them."""
        start = int(self.period.start.timestamp())
        out = []
        for t in self.themes:
            known = self.learned.get(t.key)
            en, zh = (known.name_en, known.name_zh) if known is not None else (t.name, t.name)
            out.append(queries.RegisteredTheme(t.key, en, zh, t.source, t.topic, start, start))
        return out


class Analyzer:
    """The compiled rules of one Settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.labeller = Labeller(settings.label_rules)
        self.classes = PathClasses(settings["paths"])
        self.risk_rules = risks.RiskRules(settings, self.classes)
        self.theme_rules = themes.compile_rules(settings.theme_rules)
        self.theme_matcher = themes.ThemeMatcher(self.theme_rules, settings["themes"]["stop_words"])
        self.topic_rules = frozenset(r.key for r in self.theme_rules if r.topic)
        # labels a topic rule already names: a tag giving one of them is that rule's, not learned
        self._rule_labels = frozenset(label for r in self.theme_rules for label in r.labels)
        self._kind_tags: dict[str, bool] = {}
        self._words: dict[tuple[int, str], dict[str, str]] = {}
        self.bots = _name_pattern(settings["bots"])
        self.ignored_labels = _name_pattern(settings["github"]["ignore_labels"])
        self.assistants = [(a["name"], _name_pattern(a["match"])) for a in settings["ai_assistants"]]
        paths = settings["paths"]
        self.tests, self.docs, self.ci = (matcher(tuple(paths[k])) for k in ("tests", "docs", "ci"))
        self.new_surface = matcher(tuple(paths["new_surface"]))
        self.configured_core = matcher(tuple(settings["core"]["paths"])) if settings["core"]["paths"] else None
        self.configured_modules = modules.configured(settings["modules"]["map"]) if settings["modules"]["map"] else None
        self._facts: dict[int, PrFacts] = {}
        # per PR: the risk tags and new surface raw_score reuses (the PR they were computed for first)
        self._static: dict[int, tuple[StoredPr, tuple[str, ...], tuple[str, ...]]] = {}
        # what earlier processes derived (store/pr_analysis.py), and what this one derived anew
        self._kept: dict[int, pr_analysis.Kept] = {}
        self._kept_prefix = kept.settings_digest(settings, self.classes.attributes)
        self._new_words: dict[int, str] = {}  # number -> the title its words were derived from
        self._new_facts: set[int] = set()

    def is_bot(self, name: str, email: str = "") -> bool:
        return bool(self.bots.match(name.lower()) or (email and self.bots.match(email.lower().split("@")[0])))

    def assistant_names(self, pr: StoredPr) -> list[str]:
        people = [*pr.co_authors, (pr.author, pr.author_email)]
        found: list[str] = []
        for name, email in people:
            for assistant, pattern in self.assistants:
                if (pattern.match(name.lower()) or pattern.match(email.lower())) and assistant not in found:
                    found.append(assistant)
        return found

    def use_attributes(self, attributes: Sequence[tuple[str, str, bool]]) -> None:
        """The repository's ``.gitattributes`` rules (generated, vendored, documentation files)."""
        if tuple(attributes) == self.classes.attributes:
            return
        self.classes = PathClasses(self.settings["paths"], attributes)
        self.risk_rules = risks.RiskRules(self.settings, self.classes)
        self._facts.clear()
        self._static.clear()
        self._kept_prefix = kept.settings_digest(self.settings, self.classes.attributes)
        self._new_facts.clear()

    def path_class(self, path: str) -> str:
        """tests, docs, ci, generated, vendored, lock or source (cached inside the classes)."""
        return self.classes.of(path)

    def shape(self, files: Sequence[PrFile]) -> str | None:
        """docs, tests, ci, lock, generated or vendored when no file is source: the class holding
        most of the changed lines, inert files aside when others are there (a CI move that also
        edits the README's badge is CI work)."""
        lines: Counter[str] = Counter()
        for f in files:
            lines[self.path_class(f.path)] += f.lines + 1  # a renamed file, 0 lines, still counts
        if "source" in lines or not lines:
            return None
        active = Counter({k: n for k, n in lines.items() if k not in INERT}) or lines
        return max(sorted(active), key=lambda k: active[k])

    def facts(self, pr: StoredPr) -> PrFacts:
        cached = self._facts.get(pr.number)
        if cached is not None and cached.pr is pr:
            return cached
        facts = self._recalled(pr)
        if facts is None:
            facts = self._derive(pr)
            self._new_facts.add(pr.number)
        self._facts[pr.number] = facts
        return facts

    def _derive(self, pr: StoredPr) -> PrFacts:
        parts = parse_title(pr.title)
        paths = [f.path for f in pr.files]
        labels, kind = self.labels_and_kind(pr, parts, paths)
        source = [p for p in paths if self.path_class(p) == "source"]
        counted = [f for f in pr.files if self.classes.counts(f.path)]
        why = mechanical.why(pr.title, parts, pr.files, self.path_class, kind)
        names = [label.name for label in labels]
        candidates, direct = self.theme_matcher.match(
            pr.title, self.theme_labels(pr.title, names), source or paths, kind
        )
        is_bot = self.is_bot(pr.author, pr.author_email)
        facts = PrFacts(
            pr=pr,
            parts=parts,
            labels=labels,
            kind=kind,
            theme_candidates=candidates,
            theme_direct=direct,
            assistants=self.assistant_names(pr),
            is_bot=is_bot,
            source_paths=source,
            deps=kind == "deps" or vocab.is_dependency_update(pr.title, pr.author if is_bot else ""),
            topics=tuple(vocab.title_topics(pr.title, parts, self.is_kind_tag)),
            title_words=self.words_of(pr.number, pr.title),
            weighted_paths=tuple(self.weighted_paths(pr)),
            counted=counted,
            mechanical=why,
        )
        return facts

    # -- kept between processes (analysis/kept.py) ----------------------------------------------
    def recall(self, rows: Mapping[int, pr_analysis.Kept]) -> None:
        """What earlier processes derived from these PRs: used where its key still matches."""
        self._kept.update(rows)

    def _recalled(self, pr: StoredPr) -> PrFacts | None:
        found = self._kept.get(pr.number)
        if found is None or found.facts is None or found.facts_key != kept.facts_key(self._kept_prefix, pr):
            return None
        try:
            d = kept.decode_facts(found.facts)
            source = [f.path for f in pr.files if self.path_class(f.path) == "source"]
            facts = PrFacts(
                pr=pr,
                parts=TitleParts(tuple(d["parts"][0]), d["parts"][1], d["parts"][2], d["parts"][3]),
                labels=[Label(name, origin) for name, origin in d["labels"]],
                kind=d["kind"],
                theme_candidates=tuple(d["candidates"]),
                theme_direct=frozenset(d["direct"]),
                assistants=list(d["assistants"]),
                is_bot=d["bot"],
                source_paths=source,
                deps=d["deps"],
                topics=tuple((k, form) for k, form in d["topics"]),
                title_words=self.words_of(pr.number, pr.title),
                weighted_paths=tuple(self.weighted_paths(pr)),
                counted=[f for f in pr.files if self.classes.counts(f.path)],
                mechanical=d["mechanical"],
            )
            self._static[pr.number] = (pr, tuple(d["risks"]), tuple(d["surface"]))
        except (ValueError, KeyError, TypeError, IndexError):  # a damaged row is derived again
            return None
        return facts

    def unsaved(self) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]]]:
        """The title words and facts derived anew since the last call, as rows to keep."""
        words = [
            (n, kept.words_key(title), kept.encode_words(self.words_of(n, title)))
            for n, title in self._new_words.items()
        ]
        facts = []
        for number in sorted(self._new_facts):
            f = self._facts.get(number)
            if f is None:
                continue
            _, tags, surface = self._static_of(f)
            fields = {
                "parts": [list(f.parts.tags), f.parts.conventional, f.parts.scope, f.parts.rest],
                "labels": [[label.name, label.source] for label in f.labels],
                "kind": f.kind,
                "candidates": list(f.theme_candidates),
                "direct": sorted(f.theme_direct),
                "assistants": f.assistants,
                "bot": f.is_bot,
                "deps": f.deps,
                "topics": [list(t) for t in f.topics],
                "mechanical": f.mechanical,
                "risks": list(tags),
                "surface": list(surface),
            }
            facts.append((number, kept.facts_key(self._kept_prefix, f.pr), kept.encode_facts(fields)))
        self._new_words.clear()
        self._new_facts.clear()
        return words, facts

    def is_kind_tag(self, tag: str) -> bool:
        """Does a title tag or scope name a kind of change ([Bugfix], docs) or a label a rule already
        themes (a preset's own platform tags), rather than something to learn?"""
        found = self._kind_tags.get(tag)
        if found is None:
            rules = self.labeller.tag_rules(tag)
            found = any(r["kind"] or r["name"] in self._rule_labels for r in rules)
            found = found or vocab.word_key(tag) in vocab.KIND_PREFIXES
            self._kind_tags[tag] = found
        return found

    def words_of(self, number: int, title: str) -> dict[str, str]:
        """The content words of a title, tags and prefix aside (cached: the history window reuses them)."""
        found = self._words.get((number, title))
        if found is None:
            known = self._kept.get(number)
            if known is not None and known.words is not None and known.words_key == kept.words_key(title):
                try:
                    found = kept.decode_words(known.words)
                except (ValueError, TypeError):  # a damaged row is derived again
                    found = None
            if found is None:
                rest = parse_title(title).rest
                prefix = vocab.PREFIX.match(rest)
                found = vocab.title_words(rest[prefix.end("areas") + 1 :] if prefix else rest)
                self._new_words[number] = title
            self._words[(number, title)] = found
        return found

    def word_keys(self, number: int, title: str) -> Iterable[str]:
        """``words_of(...).keys()``; of a kept title, read without its forms (the history window
        of the hot words reads months of titles for their keys alone)."""
        found = self._words.get((number, title))
        if found is not None:
            return found.keys()
        known = self._kept.get(number)
        if known is not None and known.words is not None and known.words_key == kept.words_key(title):
            try:
                return kept.decode_word_keys(known.words)
            except (ValueError, TypeError):
                pass
        return self.words_of(number, title).keys()

    def weighted_paths(self, pr: StoredPr) -> list[tuple[str, float]]:
        """The files that say where a PR is: source files count fully, tests, docs and CI a third
        (a PR changing only a crate's tests is still about that crate)."""
        out = []
        for f in pr.files:
            weight = 1.0 if self.path_class(f.path) == "source" else 0.34
            out.append((f.path, weight * (1.0 + min(f.lines, 400) / 100)))
        return out

    def labels_and_kind(self, pr: StoredPr, parts: TitleParts, paths: Sequence[str]) -> tuple[list[Label], str]:
        """The PR's labels, with ``new-model`` when it adds a model file, and its kind (from the others)."""
        labels = self.labeller.labels(pr.title, paths, parts)
        if pr.forge is not None and pr.forge.labels:  # GitHub's labels first; an inferred one only if new
            own = self.labeller.forge_labels([n for n in pr.forge.labels if not self.ignored_labels.match(n.lower())])
            names = {label.name for label in own}
            labels = own + [label for label in labels if label.name not in names]
        source = [f for f in pr.files if self.path_class(f.path) == "source"]
        kind = self.labeller.kind(
            labels,
            parts,
            paths,
            self.shape(pr.files),
            added_source=sum(1 for f in source if f.status == "A"),
            only_deletions=bool(source) and all(f.additions == 0 for f in source),
        )
        if all(label.name != "new-model" for label in labels) and any(
            f.status == "A" and self.risk_rules.new_model(f.path) and self.path_class(f.path) != "tests"
            for f in pr.files
        ):
            labels.append(Label("new-model", "path-rule"))
        return labels, kind

    def theme_labels(self, title: str, names: list[str]) -> list[str]:
        """The labels themes match on; a revert's include those of the title it quotes (the reverted PR's)."""
        inner = reverted_title(title)
        if inner is None:
            return names
        return names + [label.name for label in self.labeller.labels(inner, [], parse_title(inner))]

    # -- earlier periods: only what trends and deltas compare ------------------------
    def cached_facts(self, pr: StoredPr) -> PrFacts | None:
        cached = self._facts.get(pr.number)
        return cached if cached is not None and cached.pr is pr else None

    def label_counts(self, prs: Iterable[StoredPr]) -> Counter[str]:
        counts: Counter[str] = Counter()
        for pr in prs:
            facts = self.cached_facts(pr)
            if facts is not None:
                labels = facts.labels
            else:
                labels, _ = self.labels_and_kind(pr, parse_title(pr.title), [f.path for f in pr.files])
            counts.update(label.name for label in labels)
        return counts

    # -- period-dependent ------------------------------------------------------------
    def core_files(self, path_prs: Counter[str]) -> frozenset[str]:
        """The non-test, non-doc files the most PRs touched (at least 3 PRs), or the configured globs.

        ``path_prs``: how many PRs of the history window touched each path.
        """
        if self.configured_core is not None:
            return frozenset()  # configured globs are matched per file in assess
        # manifests (package.json, go.mod, Cargo.toml) are touched by every dependency update: not core
        ranked = sorted(
            (-n, p)
            for p, n in path_prs.items()
            if n >= 3 and self.path_class(p) == "source" and manifest_ecosystem(p) is None
        )
        return frozenset(p for _, p in ranked[: self.settings["core"]["top"]])  # ties: by path, any process

    def module_map(self, path_prs: Counter[str], current: Sequence[PrFacts]) -> modules.ModuleMap:
        """Inferred from the history window's paths (the period's own when the window is empty)."""
        if self.configured_modules is not None:
            return self.configured_modules
        counts = path_prs
        if not counts:
            counts = Counter()
            for f in current:
                counts.update(file.path for file in f.pr.files)
        m = self.settings["modules"]
        return modules.infer(counts, m["max_depth"], m["split_share"], m["min_share"])

    def reference(self, history: Sequence[HistoryPr], module_map: modules.ModuleMap) -> importance.Reference:
        """The size and breadth of the history window's PRs, for the percentiles of importance."""
        sizes: list[float] = []
        breadths: list[int] = []
        # months of PRs, tens of thousands of files: what each path weighs and its module, once per path
        module_of: dict[str, str | None] = {}
        for _, files in history:
            weighing = []
            modules = set()
            for p, n in files:
                try:
                    module = module_of[p]
                except KeyError:
                    module = module_of[p] = module_map.module_of(p) if self.classes.weighs(p) else None
                if module is not None:
                    weighing.append((p, n))
                    modules.add(module)
            sizes.append(importance.weighted_path_lines(weighing))
            breadths.append(len(modules))
        return importance.Reference(sizes, breadths)

    def _core_of(self, paths: Sequence[str], core: frozenset[str]) -> frozenset[str]:
        if self.configured_core is None:
            return core
        return frozenset(p for p in paths if self.configured_core(p) and self.path_class(p) == "source")

    def _new_surface(self, facts: PrFacts) -> list[str]:
        """New model files first, then new files in key directories."""
        added = [f.path for f in facts.counted if f.status == "A" and self.path_class(f.path) == "source"]
        new_surface = [p for p in added if self.risk_rules.new_model(p)]
        return new_surface + [p for p in added if self.new_surface(p) and p not in new_surface]

    def _score_inputs(
        self,
        facts: PrFacts,
        core: frozenset[str],
        module_map: modules.ModuleMap,
        reference: importance.Reference | None,
        tags: Sequence[str],
        new_surface: Sequence[str],
        reverted_by: int | None,
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """What ``importance.score`` and ``importance.raw`` weigh, alike for both."""
        pr = facts.pr
        weighing = [f for f in facts.counted if self.classes.weighs(f.path)]  # not tests, not docs
        args = (
            importance.weighted_lines(weighing),
            len(module_map.modules_of([f.path for f in weighing])),
            sum(1 for f in facts.counted if f.path in core),
            facts.kind,
            new_surface[:3],
            tags,
            self.settings["importance"],
            reference if reference is not None else importance.Reference([], []),
        )
        options = {
            "mechanical": facts.mechanical,
            "review_comments": review.activity(pr.forge, pr.author) if pr.forge is not None else 0,
            "revert": pr.reverts_pr is not None or reverted_by is not None or facts.kind == "revert",
        }
        return args, options

    def raw_score(
        self, facts: PrFacts, core: frozenset[str], module_map: modules.ModuleMap, reference: importance.Reference
    ) -> float:
        """``assess(...).score.raw`` (with no later revert known), cheaply: the risk tags and new
        surface of a PR do not change with the period (bar core-path, which weighs nothing), so
        they are kept once per PR; the calibration scores a few weeks of PRs for every period."""
        _, tags, new_surface = self._static_of(facts)
        core = self._core_of([f.path for f in facts.counted], core)
        args, options = self._score_inputs(facts, core, module_map, reference, tags, new_surface, None)
        return importance.raw(*args, **options)

    def _static_of(self, facts: PrFacts) -> tuple[StoredPr, tuple[str, ...], tuple[str, ...]]:
        static = self._static.get(facts.pr.number)
        if static is None or static[0] is not facts.pr:
            pr = facts.pr
            found = self.risk_rules.assess(
                pr.title, pr.files, frozenset(), [label.name for label in facts.labels], pr.reverts_pr,
                pr.diff_facts, facts.mechanical, facts.kind,
            )  # fmt: skip
            static = (pr, tuple(r.tag for r in found), tuple(self._new_surface(facts)))
            self._static[facts.pr.number] = static
        return static

    def assess(
        self,
        facts: PrFacts,
        core: frozenset[str],
        module_map: modules.ModuleMap,
        reverted_by: int | None,
        lang: str,
        reference: importance.Reference | None = None,
    ) -> PrResult:
        pr = facts.pr
        paths = [f.path for f in facts.counted]
        core = self._core_of(paths, core)
        label_names = [label.name for label in facts.labels]
        found = self.risk_rules.assess(
            pr.title, pr.files, core, label_names, pr.reverts_pr, pr.diff_facts, facts.mechanical, facts.kind
        )
        mods = module_map.modules_of(paths)
        new_surface = self._new_surface(facts)
        args, options = self._score_inputs(
            facts, core, module_map, reference, [r.tag for r in found], new_surface, reverted_by
        )
        score = importance.score(*args, key_threshold=self.settings.key_threshold, **options)
        return PrResult(facts, mods, _directories(facts.counted or pr.files), found, score, new_surface, reverted_by)


# one PR of the history window: its number and its (path, changed lines)
HistoryPr = tuple[int, Sequence[tuple[str, int]]]


def _directories(files: Sequence[PrFile], limit: int = 5) -> list[str]:
    """The directories with the most changed lines."""
    lines: Counter[str] = Counter()
    for f in files:
        lines[f.path.rpartition("/")[0] or "."] += f.lines + 1
    return [d for d, _ in lines.most_common(limit)]


class PrSource(Protocol):
    repo: Repository

    def prs(self, since: int, until: int) -> list[StoredPr]: ...

    def path_prs(self, since: int, until: int) -> Counter[str]:
        """How many PRs merged in [since, until) touched each path."""
        ...

    def history(self, since: int, until: int) -> list[HistoryPr]:
        """The PRs merged in [since, until), each with its (path, changed lines)."""
        ...

    def attributes(self) -> list[tuple[str, str, bool]]:
        """The repository's .gitattributes linguist rules, as stored at the last sync."""
        ...

    def direct_commits(self, since: int, until: int) -> list[DirectCommit]: ...

    def first_merge(self, authors: Mapping[str, str], before: int) -> set[str]:
        """Which of these authors (name -> e-mail) had a PR merged before ``before``, by name or e-mail."""
        ...

    def reverted_by(self, numbers: Iterable[int]) -> dict[int, int]: ...

    def merged_count(self, since: int, until: int) -> int: ...

    def titles(self, since: int, until: int) -> list[tuple[int, str]]:
        """(number, title) of the PRs merged in [since, until)."""
        ...

    def review_threads(self, number: int) -> list[ThreadView]:
        """One PR's review threads (GitHub data), for the quick look."""
        ...

    def kept(self, since: int, until: int) -> Mapping[int, pr_analysis.Kept]:
        """What earlier processes derived from the PRs merged in [since, until) (analysis/kept.py)."""
        ...

    def keep(self, words: Sequence[tuple[int, str, str]], facts: Sequence[tuple[int, str, str]]) -> None:
        """Keep what this process derived anew, for the next one."""
        ...


class MemorySource:
    """A repository's whole history in memory: many periods, one load."""

    def __init__(self, store: Store, repo: Repository) -> None:
        self.repo, self.store = repo, store
        self.all = queries.load_prs(store, repo.id)
        facts = signals.pr_diff_facts(store, repo.id)
        for pr in self.all:
            pr.diff_facts = facts.get(pr.number, [])
        self._attributes = signals.path_attributes(store, repo.id)
        self.times = [pr.merged_at for pr in self.all]
        self.direct = queries.direct_commits(store, repo.id)
        self.direct_times = [c.committed_at for c in self.direct]
        self.first_name, self.first_email = queries.first_seen(store, repo.id)
        self.reverts = queries.all_reverts(store, repo.id)
        self._kept: dict[int, pr_analysis.Kept] | None = None
        self._kept_span = (0, 0)

    def prs(self, since: int, until: int) -> list[StoredPr]:
        return self.all[bisect.bisect_left(self.times, since) : bisect.bisect_left(self.times, until)]

    def path_prs(self, since: int, until: int) -> Counter[str]:
        counts: Counter[str] = Counter()
        for pr in self.prs(since, until):
            counts.update({f.path for f in pr.files})
        return counts

    def history(self, since: int, until: int) -> list[HistoryPr]:
        # as the store's query gives them: a PR without files (an empty merge) has no rows
        return [(pr.number, [(f.path, f.lines) for f in pr.files]) for pr in self.prs(since, until) if pr.files]

    def attributes(self) -> list[tuple[str, str, bool]]:
        return self._attributes

    def direct_commits(self, since: int, until: int) -> list[DirectCommit]:
        lo, hi = bisect.bisect_left(self.direct_times, since), bisect.bisect_left(self.direct_times, until)
        return self.direct[lo:hi]

    def first_merge(self, authors: Mapping[str, str], before: int) -> set[str]:
        def seen(name: str, email: str) -> bool:
            first = self.first_name.get(name.lower(), before)
            if email:
                first = min(first, self.first_email.get(email.lower(), before))
            return first < before

        return {a for a, email in authors.items() if seen(a, email)}

    def reverted_by(self, numbers: Iterable[int]) -> dict[int, int]:
        return {n: self.reverts[n] for n in numbers if n in self.reverts}

    def review_threads(self, number: int) -> list[ThreadView]:
        return github_store.review_threads(self.store, self.repo.id, number)

    def merged_count(self, since: int, until: int) -> int:
        return bisect.bisect_left(self.times, until) - bisect.bisect_left(self.times, since)

    def titles(self, since: int, until: int) -> list[tuple[int, str]]:
        return [(pr.number, pr.title) for pr in self.prs(since, until)]

    def kept(self, since: int, until: int) -> Mapping[int, pr_analysis.Kept]:
        # read once per stretch of time: the periods come oldest first, each a little further on
        if self._kept is None:
            self._kept, self._kept_span = pr_analysis.load(self.store, self.repo.id, since, until), (since, until)
        lo, hi = self._kept_span
        if since < lo:
            self._kept.update(pr_analysis.load(self.store, self.repo.id, since, lo))
        if until > hi:
            self._kept.update(pr_analysis.load(self.store, self.repo.id, hi, until))
        self._kept_span = (min(lo, since), max(hi, until))
        return {pr.number: self._kept[pr.number] for pr in self.prs(since, until) if pr.number in self._kept}

    def keep(self, words: Sequence[tuple[int, str, str]], facts: Sequence[tuple[int, str, str]]) -> None:
        pr_analysis.save(self.store, self.repo.id, words, facts)


class StoreSource:
    """One report: reads what it needs with a few bounded queries.

    The PRs themselves (files, co-authors) only for [since, until): the period
    and the trend periods; the core-history window is read as path counts, and
    the history chart as merge times.
    """

    def __init__(self, store: Store, repo: Repository, since: int, until: int) -> None:
        self.store, self.repo = store, repo
        self.loaded = _with_facts(store, repo.id, queries.load_prs(store, repo.id, since, until), since, until)
        self.span = (since, until)
        self.times = [pr.merged_at for pr in self.loaded]
        self._merge_span = (since, until)
        self._merge_times = self.times

    def prs(self, since: int, until: int) -> list[StoredPr]:
        if self.span[0] <= since and until <= self.span[1]:
            return self.loaded[bisect.bisect_left(self.times, since) : bisect.bisect_left(self.times, until)]
        prs = queries.load_prs(self.store, self.repo.id, since, until)
        return _with_facts(self.store, self.repo.id, prs, since, until)

    def path_prs(self, since: int, until: int) -> Counter[str]:
        return Counter(queries.path_pr_counts(self.store, self.repo.id, since, until))

    def history(self, since: int, until: int) -> list[HistoryPr]:
        return list(signals.pr_path_lines(self.store, self.repo.id, since, until))

    def attributes(self) -> list[tuple[str, str, bool]]:
        return signals.path_attributes(self.store, self.repo.id)

    def direct_commits(self, since: int, until: int) -> list[DirectCommit]:
        return queries.direct_commits(self.store, self.repo.id, since, until)

    def first_merge(self, authors: Mapping[str, str], before: int) -> set[str]:
        return queries.authors_seen_before(self.store, self.repo.id, before, authors)

    def reverted_by(self, numbers: Iterable[int]) -> dict[int, int]:
        return queries.reverts_of(self.store, self.repo.id, numbers)

    def review_threads(self, number: int) -> list[ThreadView]:
        return github_store.review_threads(self.store, self.repo.id, number)

    def merged_count(self, since: int, until: int) -> int:
        lo, hi = self._merge_span
        if not (lo <= since and until <= hi):  # one query for the whole history chart
            lo, hi = min(lo, since), max(hi, until)
            self._merge_times = queries.merge_times(self.store, self.repo.id, lo, hi)
            self._merge_span = (lo, hi)
        times = self._merge_times
        return bisect.bisect_left(times, until) - bisect.bisect_left(times, since)

    def titles(self, since: int, until: int) -> list[tuple[int, str]]:
        return queries.pr_titles(self.store, self.repo.id, since, until)

    def kept(self, since: int, until: int) -> Mapping[int, pr_analysis.Kept]:
        return pr_analysis.load(self.store, self.repo.id, since, until)

    def keep(self, words: Sequence[tuple[int, str, str]], facts: Sequence[tuple[int, str, str]]) -> None:
        pr_analysis.save(self.store, self.repo.id, words, facts)


def _with_facts(store: Store, repo_id: int, prs: list[StoredPr], since: int, until: int) -> list[StoredPr]:
    facts = signals.pr_diff_facts(store, repo_id, since, until)
    for pr in prs:
        pr.diff_facts = facts.get(pr.number, [])
    return prs


HISTORY_PERIODS = 12


def span_needed(period: Period, settings: Settings) -> tuple[int, int]:
    """The time span whose PRs one report reads in full: the trend periods and the period itself."""
    trend_start = period.previous(settings["themes"]["trend_periods"]).start
    return int(trend_start.timestamp()), int(period.end.timestamp())


def _bounds(period: Period) -> tuple[int, int]:
    return int(period.start.timestamp()), int(period.end.timestamp())


def calibrate(
    analyzer: Analyzer,
    source: PrSource,
    period: Period,
    previous: Sequence[Sequence[StoredPr]],
    results: Sequence[PrResult],
    core: frozenset[str],
    module_map: modules.ModuleMap,
    reference: importance.Reference,
    recalled: int = 0,
) -> importance.Calibration:
    """The importance calibration, fitted on the raw scores of the PRs before the period (scored
    with this period's core files and reference): those of the trend periods, or, when they are
    fewer than ``MIN_CALIBRATION``, of the core history window, then of a year; and the period's
    own (a week far from the ones before it moves the line a little, not all the way).
    ``recalled``: from when on the analyzer has recalled what earlier processes kept."""
    fit_on = [pr for prs in previous for pr in prs]
    start = int(period.start.timestamp())
    for days in (analyzer.settings["core"]["history_days"], 365):
        if len(fit_on) >= importance.MIN_CALIBRATION:
            break
        since = int((period.start - timedelta(days=days)).timestamp())
        earliest = min((pr.merged_at for pr in fit_on), default=start)
        if since < earliest:
            fit_on = [*source.prs(since, earliest), *fit_on]
            if since < recalled:
                analyzer.recall(source.kept(since, min(earliest, recalled)))
    raw = [analyzer.raw_score(analyzer.facts(pr), core, module_map, reference) for pr in fit_on]
    raw += [r.score.raw for r in results]
    return importance.Calibration.fit(raw, analyzer.settings["importance"])


def analyse_period(
    analyzer: Analyzer,
    source: PrSource,
    period: Period,
    lang: str = "en",
    registry: Mapping[str, queries.RegisteredTheme] | None = None,
) -> PeriodAnalysis:
    """``registry``: the repository's theme registry; a learned theme an earlier period chose keeps
    the names it was registered with."""
    settings = analyzer.settings
    start, end = _bounds(period)
    analyzer.use_attributes(source.attributes())
    # what earlier processes derived from the PRs this report reads: the trend periods' and the
    # period's facts, the hot words' history of titles
    recalled = min(
        span_needed(period, settings)[0],
        int((period.start - timedelta(days=settings["themes"]["word_history_days"])).timestamp()),
    )
    analyzer.recall(source.kept(recalled, end))
    current = [analyzer.facts(pr) for pr in source.prs(start, end)]
    core_since = int((period.start - timedelta(days=settings["core"]["history_days"])).timestamp())
    history = source.history(core_since, start) if source.merged_count(core_since, start) else []
    path_prs: Counter[str] = Counter()
    for _, files in history:
        path_prs.update({p for p, _ in files})
    core = analyzer.core_files(path_prs)
    module_map = analyzer.module_map(path_prs, current)
    if len(history) < importance.MIN_HISTORY:  # a young repository: its period joins the reference
        history = [*history, *((f.pr.number, [(x.path, x.lines) for x in f.pr.files]) for f in current)]
    reference = analyzer.reference(history, module_map)
    reverted = source.reverted_by([f.pr.number for f in current])
    results = [analyzer.assess(f, core, module_map, reverted.get(f.pr.number), lang, reference) for f in current]

    # the trend periods, most recent first; periods before the repository's first PR
    # would read as "nothing happened": they are left out of the trends
    previous = [source.prs(*_bounds(period.previous(n))) for n in range(1, settings["themes"]["trend_periods"] + 1)]
    calibration = calibrate(analyzer, source, period, previous, results, core, module_map, reference, recalled)
    for r in results:
        r.score = calibration.apply(r.score, settings.key_threshold)
    results.sort(key=lambda r: (-r.score.value, -r.facts.pr.merged_at, r.number))
    for i, r in enumerate(results):  # the review of every PR GitHub knows; threads and claims for the quick look
        forge = r.facts.pr.forge
        if forge is not None:
            quick = i < settings.quick_look
            threads = source.review_threads(r.number) if quick else None
            r.review = review.summary(forge, r.facts.pr.author, threads)
            r.claims = review.claims(forge.body) if quick else []

    options = settings["themes"]
    words = period_vocabulary(analyzer, source, period, current, path_prs)
    candidates = {r.number: theme_candidates(analyzer, r.facts, words) for r in results}
    words.settle_names()
    if registry:
        words.apply_registry(
            {k: (t.name_en, t.name_zh) for k, t in registry.items() if t.first_start <= start and t.source != "rule"}
        )

    def previous_counts(keys: Sequence[str]) -> list[Counter[str]]:
        chosen = set(keys)
        counts = []
        for prs in previous:
            if not prs:
                continue
            found: Counter[str] = Counter()
            for pr in prs:
                first = next((k for k in theme_candidates(analyzer, analyzer.facts(pr), words) if k in chosen), None)
                if first is not None:
                    found[first] += 1
            counts.append(found)
        return counts

    inputs = [
        themes.ThemeInput(
            r.number,
            r.facts.pr.title,
            r.facts.pr.author,
            r.score.value,
            candidates[r.number],
            r.facts.is_bot,
            r.facts.theme_direct,
            r.facts.mechanical is not None,
        )
        for r in results
    ]
    found, assignment = themes.group(
        inputs,
        analyzer.theme_rules,
        previous_counts,
        options,
        lang,
        settings.key_threshold,
        settings.quick_look,
        words.learned,
    )
    other = themes.other_changes(inputs, assignment, options, lang)
    for r in results:
        r.theme_key = assignment.get(r.number, themes.OTHER_KEY)

    authors: dict[str, list[int]] = {}
    for r in results:
        if not r.facts.is_bot:
            authors.setdefault(r.facts.pr.author, []).append(r.number)
    emails = {r.facts.pr.author: r.facts.pr.author_email for r in results if r.facts.pr.author in authors}
    seen = source.first_merge(emails, start)
    first_time = {a: sorted(n) for a, n in authors.items() if a not in seen}

    history_counts = []
    for n in range(HISTORY_PERIODS - 1, -1, -1):
        p = period.previous(n) if n else period
        history_counts.append((p, source.merged_count(*_bounds(p))))

    last = previous[0] if previous else []
    labels = analyzer.label_counts(last)
    source.keep(*analyzer.unsaved())
    return PeriodAnalysis(
        period=period,
        results=results,
        themes=found,
        core_files=core,
        direct_commits=source.direct_commits(start, end),
        first_time=first_time,
        previous_count=len(last),
        previous_labels=labels,
        history=history_counts,
        theme_names={t.key: t.name for t in [*found, *([other] if other else [])]},
        other=other,
        learned=dict(words.learned),
    )


def period_vocabulary(
    analyzer: Analyzer, source: PrSource, period: Period, current: Sequence[PrFacts], path_prs: Counter[str]
) -> themes.Vocabulary:
    """What the period learns from the repository: its words that are hot against the preceding
    months, and its areas (from the paths of the history window and of the period)."""
    options = analyzer.settings["themes"]
    if not options["learn"]:
        return themes.Vocabulary({}, None, options, analyzer.topic_rules)
    start = int(period.start.timestamp())
    since = int((period.start - timedelta(days=options["word_history_days"])).timestamp())
    history: Counter[str] = Counter()
    titles = source.titles(since, start)
    for number, title in titles:
        history.update(analyzer.word_keys(number, title))
    hot = vocab.hot_words(
        [f.title_words for f in current if not f.deps],
        history,
        len(titles),
        options["dynamic_min_prs"],
        options["word_lift"],
        options["dynamic"] * 4,
        # a word a rule already names is that rule's; a stop word is the vocabulary of every week
        lambda form: analyzer.theme_matcher.covered(form) or vocab.word_key(form) in analyzer.theme_matcher.stop,
    )
    weights = Counter(path_prs)
    for f in current:
        weights.update({p: 1 for p, _ in f.weighted_paths if analyzer.path_class(p) == "source"})
    source_weights = Counter({p: n for p, n in weights.items() if analyzer.path_class(p) == "source"})
    repo = getattr(source, "repo", None)
    project = repo.slug.rpartition("/")[2] if isinstance(repo, Repository) else ""
    topic_rules = analyzer.topic_rules

    def covered(area: str) -> bool:  # does a topic rule's path glob already name this area?
        probes = (area,) if "." in area.rpartition("/")[2] else (f"{area}/__init__.py", f"{area}/x")
        return any(analyzer.theme_matcher.path_keys(p) & topic_rules for p in probes)

    areas = (
        vocab.AreaMap(source_weights, options["area_split_share"], project=project, covered=covered)
        if source_weights
        else None
    )
    # each PR's most specific area, and how many of the period's PRs each area holds
    area_of = {
        f.pr.number: next(iter(vocab.area_names(areas, f.weighted_paths)), None) if areas is not None else None
        for f in current
    }
    area_prs = Counter(a for a in area_of.values() if a is not None)
    # a hot word whose PRs nearly all carry one title tag or scope says nothing the tag does not;
    # a plain hot word ("argument") whose PRs nearly all sit in one bigger area (cli), nothing the area does not
    kept = []
    for h in hot:
        tags: Counter[str] = Counter()
        places: Counter[str | None] = Counter()
        for f in current:
            if h.key in f.title_words:
                tags.update({key for key, _ in f.topics})
                places[area_of[f.pr.number]] += 1
        if tags and tags.most_common(1)[0][1] * 5 >= h.prs * 4:
            continue
        place, n = places.most_common(1)[0] if places else (None, 0)
        if place is not None and not themes.name_like(h.form) and n * 5 >= h.prs * 4 and area_prs[place] > h.prs:
            continue
        kept.append(h)
    hot = kept[: options["dynamic"]]
    return themes.Vocabulary({h.key: h for h in hot}, areas, options, analyzer.topic_rules)


def theme_candidates(analyzer: Analyzer, facts: PrFacts, words: themes.Vocabulary) -> tuple[str, ...]:
    if facts.mechanical in ("release", "release-merge"):
        # release housekeeping bumps every package's version: it is no work on any of their areas
        return tuple(k for k in facts.theme_candidates if k not in words.topic_rules)
    return words.candidates(facts.deps, facts.theme_candidates, facts.topics, facts.title_words, facts.weighted_paths)
