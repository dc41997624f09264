"""Themes: the period's PRs grouped into 4-8 named lines of work.

Each PR gets its candidate themes, the most specific first: the configured theme
rules that match it (labels, title words, or at least half of its non-test files)
and the themes learned from the repository itself (``Vocabulary`` below: title
tags and scopes, hot words such as a model family ``Gemma4``, areas, dependency
updates). The period's themes are chosen greedily by how many still-unassigned
PRs each covers, times the theme's weight (kinds such as "Bug fixes" count
less), then each PR goes to its first candidate among the chosen. Keys are
stable across periods (``docs``, ``w-gemma4``): an earlier period's count is
what the period's chosen themes would hold of its PRs, by the same
first-candidate rule, so "27 PRs, up from 21" compares like with like.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from prhub.analysis import vocab
from prhub.analysis.paths import PathMatcher, matcher


@dataclass(frozen=True, slots=True)
class ThemeRule:
    key: str
    name_en: str
    name_zh: str
    labels: frozenset[str]
    words: re.Pattern[str] | None
    paths: PathMatcher
    kinds: frozenset[str]
    weight: float  # how much the theme's PRs count when the period's themes are chosen
    topic: bool = True  # an area or a line of work; False: a kind of change (Bug fixes, Docs)

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(slots=True)
class ThemeInput:
    """What the grouping needs of one PR."""

    number: int
    title: str
    author: str
    importance: float
    candidates: tuple[str, ...]  # theme keys, the most specific first
    is_bot: bool = False
    direct: frozenset[str] = frozenset()  # the candidates matched on a label, the kind or a title word
    mechanical: bool = False  # a release, a lint pass...: never a theme's representative while others are there


@dataclass(slots=True)
class Theme:
    key: str
    name: str
    prs: list[int]
    representative_prs: list[int]
    lead_authors: list[str]
    trend: str
    previous_count: int
    count: int = 0
    topic: bool = True  # an area or a line of work, not a kind of change
    source: str = "rule"  # rule | title | word | area | deps


def compile_rules(rules: Sequence[dict[str, Any]]) -> list[ThemeRule]:
    return [
        ThemeRule(
            r["key"],
            r["name_en"],
            r["name_zh"],
            frozenset(r["labels"]),
            re.compile(r["words"]) if r["words"] else None,
            matcher(tuple(r["paths"])),
            frozenset(r["kinds"]),
            float(r["weight"]),
            bool(r.get("topic", True)),
        )
        for r in rules
    ]


@dataclass(frozen=True, slots=True)
class Learned:
    """A theme learned from the repository: its names, whether it is a topic, its selection weight."""

    name_en: str
    name_zh: str
    topic: bool
    weight: float
    source: str  # title (a tag or a scope) | word | area | deps

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


class ThemeMatcher:
    """The compiled rules with per-path and per-word caches (paths repeat across PRs)."""

    def __init__(self, rules: Sequence[ThemeRule], stop_words: Iterable[str] = ()) -> None:
        self.rules = list(rules)
        # name-like words that are not themes (``[themes] stop_words``): the vocabulary of every week
        self.stop = frozenset(word.lower() for word in stop_words)
        self.keys = frozenset(r.key for r in self.rules)
        globs: dict[str, list[str]] = {}
        for r in self.rules:
            globs.setdefault(r.key, []).extend(r.paths.globs)
        self._key_paths = {key: matcher(tuple(g)) for key, g in globs.items() if g}
        self._paths: dict[str, frozenset[str]] = {}
        self._path_only: dict[frozenset[str], dict[str, frozenset[str]]] = {}
        self._covered: dict[str, bool] = {}

    def path_keys(self, path: str) -> frozenset[str]:
        found = self._paths.get(path)
        if found is None:
            found = frozenset(r.key for r in self.rules if r.paths.globs and r.paths(path))
            self._paths[path] = found
        return found

    def path_keys_of(self, path: str, only: frozenset[str]) -> frozenset[str]:
        """``path_keys`` restricted to ``only``, trying only those rules (trends need a few keys)."""
        known = self._paths.get(path)
        if known is not None:
            return known & only
        cache = self._path_only.setdefault(only, {})
        found = cache.get(path)
        if found is None:
            found = frozenset(k for k in only if (m := self._key_paths.get(k)) is not None and m(path))
            cache[path] = found
        return found

    def covered(self, word: str) -> bool:
        """Does a rule's word pattern already cover this word?"""
        found = self._covered.get(word)
        if found is None:
            found = any(rule.words is not None and rule.words.search(word) for rule in self.rules)
            self._covered[word] = found
        return found

    def match(
        self,
        title: str,
        labels: Iterable[str],
        paths: Sequence[str],
        kind: str,
        only: frozenset[str] | None = None,
        limit: int = 0,
    ) -> tuple[tuple[str, ...], frozenset[str]]:
        """The rules a PR matches, in rule order (a label, its kind, a title word, or half its files),
        and those of them it matches on its own words rather than on its files alone: a theme's
        representatives come from these.

        ``only``: look at the rules of these keys alone (the answer is the same for them);
        ``limit``: stop after that many (0: all).
        """
        label_set = set(labels)
        path_hits: Counter[str] | None = None  # counted on first need: most PRs match on a label or word
        keys: list[str] = []
        direct: set[str] = set()
        for rule in self.rules:
            if rule.key in keys or (only is not None and rule.key not in only):
                continue
            hit = bool(rule.labels & label_set) or kind in rule.kinds
            if not hit and rule.words is not None and rule.words.search(title):
                hit = True
            if hit:
                direct.add(rule.key)
            elif paths:
                if path_hits is None:
                    path_hits = Counter()
                    for p in paths:
                        path_hits.update(self.path_keys(p) if only is None else self.path_keys_of(p, only))
                hit = path_hits.get(rule.key, 0) * 2 >= len(paths)
            if hit:
                keys.append(rule.key)
                if len(keys) == limit:
                    break
        return tuple(keys), frozenset(direct)


def group(
    items: Sequence[ThemeInput],
    rules: Sequence[ThemeRule],
    previous: Sequence[Counter[str]] | Callable[[Sequence[str]], Sequence[Counter[str]]],
    options: dict[str, Any],
    lang: str = "en",
    key_threshold: float = math.inf,
    quick_look: int = 0,
    learned: Mapping[str, Learned] | None = None,
) -> tuple[list[Theme], dict[int, str]]:
    """The period's themes, biggest first, and each PR's theme key (absent: no named theme).

    ``learned``: the names of the candidates that are no rule (title vocabulary, areas,
    dependency updates), which the PRs' ``candidates`` already hold in their order.

    ``previous``: per earlier period, most recent first, how many of its PRs each theme
    would hold, or a function giving that for the chosen keys (in choice order).
    The key PRs among the ``quick_look`` most important get a theme first (their
    first candidate); key PRs (importance >= ``key_threshold``) count
    ``options["key_weight"]`` times when the rest are chosen.
    """
    by_key: dict[str, ThemeRule | Learned] = {rule.key: rule for rule in rules}
    by_key.update(learned or {})
    lists = [[k for k in item.candidates if k in by_key] for item in items]
    weights = [options["key_weight"] if item.importance >= key_threshold else 1.0 for item in items]
    ranked = sorted(range(len(items)), key=lambda i: -items[i].importance)  # ties: as given (the quick look's)
    quick = [i for i in ranked[:quick_look] if items[i].importance >= key_threshold]
    chosen, tried = _select(lists, weights, by_key, options, quick)
    if len(chosen) < options["min"]:
        # too few themes: one may have taken the PRs another needed to stay (a CI PR that also
        # touches the engine); choosing again without each such theme may name more lines of work,
        # when they hold more PRs, or as many with as many in topics (a module's six PRs are not
        # traded for a vaguer theme and a kind)
        def held(keys: Sequence[str]) -> tuple[int, int]:
            return _covered(lists, keys), _covered(lists, [k for k in keys if by_key[k].topic])

        for banned in tried:
            retry, _ = _select(lists, weights, by_key, options, quick, banned)
            (n, topics), (n0, topics0) = held(retry), held(chosen)
            if len(retry) > len(chosen) and (n > n0 or n == n0 and topics >= topics0):
                chosen = retry
    assignment = _assign(items, lists, chosen)

    earlier = previous(chosen) if callable(previous) else previous
    themes: list[Theme] = []
    for key in chosen:
        members = [item for item in items if assignment.get(item.number) == key]
        if not members:
            continue
        prev = [c.get(key, 0) for c in earlier]
        known = by_key[key]
        own_words_first = isinstance(known, ThemeRule)
        theme = _theme(
            key, known.name(lang), members, options, trend(len(members), prev), prev[0] if prev else 0, own_words_first
        )
        theme.topic = known.topic
        theme.source = "rule" if isinstance(known, ThemeRule) else known.source
        themes.append(theme)
    themes.sort(key=lambda t: (-t.count, t.key))
    return themes, assignment


def _select(
    lists: Sequence[Sequence[str]],
    weights: Sequence[float],
    by_key: Mapping[str, ThemeRule | Learned],
    options: dict[str, Any],
    quick: Sequence[int],
    banned: str | None = None,
) -> tuple[list[str], list[str]]:
    """The themes chosen (those left with enough PRs), and every theme the choice considered.

    ``quick``: the indexes of the quick look's key PRs; ``banned``: a theme left out.
    """
    if banned is not None:
        lists = [[k for k in keys if k != banned] for keys in lists]
    chosen = _choose(lists, weights, by_key, options)
    # the key PRs of the quick look get a named theme: their first candidate joins, in place
    # of the theme whose loss leaves the most PRs themed (never one holding a quick-look PR)
    reserved: list[str] = []
    for i in quick:
        if not lists[i] or set(lists[i]) & set(chosen):
            continue
        if len(chosen) >= options["max"]:
            held = {next((k for k in lists[j] if k in chosen), None) for j in quick}
            droppable = [k for k in chosen if k not in held and k not in reserved]
            if not droppable:
                continue
            chosen.remove(
                max(droppable, key=lambda k: (_covered(lists, [c for c in chosen if c != k]), chosen.index(k)))
            )
        chosen.append(lists[i][0])
        reserved.append(lists[i][0])
    tried = [k for k in chosen if k not in reserved]
    kept = _drop_few(lists, chosen, reserved, by_key, options)
    if len(kept) < min(len(chosen), options["max"]):
        # a dropped theme's place is free: the greedy choice goes on from the themes kept, unless
        # what it adds leaves the topics fewer PRs (a kind making a small topic one theme too many)
        more = _drop_few(lists, _choose(lists, weights, by_key, options, kept), reserved, by_key, options)
        if _topic_prs(lists, more, by_key) >= _topic_prs(lists, kept, by_key):
            kept = more
    return kept, tried


def _topic_prs(lists: Sequence[Sequence[str]], chosen: Sequence[str], by_key: Mapping[str, ThemeRule | Learned]) -> int:
    """How many PRs go to a chosen theme that is a topic."""
    keys = set(chosen)
    firsts = (next((k for k in candidates if k in keys), None) for candidates in lists)
    return sum(1 for k in firsts if k is not None and by_key[k].topic)


def _drop_few(
    lists: Sequence[Sequence[str]],
    chosen: Sequence[str],
    reserved: Sequence[str],
    by_key: Mapping[str, ThemeRule | Learned],
    options: dict[str, Any],
) -> list[str]:
    """``chosen`` without the themes left with too few PRs after others took theirs, while enough remain."""
    sizes = Counter(next((k for k in keys if k in chosen), None) for keys in lists)
    for key in sorted(chosen, key=lambda k: sizes[k]):
        kept = [k for k in chosen if sizes[k]]
        few = sizes[key] < _least(by_key[key], len(kept) > options["min"], _own_work(lists, by_key), options)
        if not few and sizes[key] < options["min_prs"] and len(kept) > options["min"]:
            # a small week's small theme that is only a slice of another chosen topic
            others = {k for k in kept if k != key and by_key[k].topic}
            few = all(others.intersection(keys) for keys in lists if next((k for k in keys if k in kept), None) == key)
        if few and key not in reserved:
            sizes[key] = 0
    return [k for k in chosen if sizes[k]]


def _least(known: ThemeRule | Learned, past_min: bool, prs: int, options: dict[str, Any]) -> int:
    """The PRs a theme needs: ``min_prs`` once the period has its minimum of themes, two before
    (one PR is not a line of work); a topic of two PRs also stays in a week of fewer than
    ``small_week`` PRs of its own work (``prs``: dependency updates aside), where two PRs on one
    area are a line of work."""
    if not past_min or known.topic and prs < options["small_week"]:
        return min(2, options["min_prs"])
    return int(options["min_prs"])


def _own_work(lists: Sequence[Sequence[str]], by_key: Mapping[str, ThemeRule | Learned]) -> int:
    """The PRs that are not dependency updates (a dependency update's one candidate is that line)."""
    return sum(1 for keys in lists if not (keys and all(getattr(by_key[k], "source", "") == "deps" for k in keys)))


def _covered(lists: Sequence[Sequence[str]], chosen: Sequence[str]) -> int:
    """How many PRs have a candidate among ``chosen``."""
    keys = set(chosen)
    return sum(1 for candidates in lists if keys.intersection(candidates))


def _choose(
    lists: Sequence[Sequence[str]],
    weights: Sequence[float],
    by_key: Mapping[str, ThemeRule | Learned],
    options: dict[str, Any],
    start: Sequence[str] = (),
) -> list[str]:
    """Greedy: add the theme that would own the most (weighted) PRs, where a PR belongs to its
    first candidate among the chosen ones (so a specific theme may take PRs from a broader one);
    ``start``: the themes already chosen."""
    order = {key: i for i, key in enumerate(by_key)}
    chosen: list[str] = list(start)
    while len(chosen) < options["max"]:
        gains: dict[str, float] = {}
        sizes: Counter[str] = Counter()
        unheld: Counter[str] = Counter()  # of those PRs, the ones no chosen topic holds yet
        for keys, w in zip(lists, weights, strict=True):
            held = any(k in chosen and by_key[k].topic for k in keys)
            for key in keys:
                if key in chosen:
                    break  # later candidates cannot take this PR from an earlier chosen one
                gains[key] = gains.get(key, 0.0) + w
                sizes[key] += 1
                unheld[key] += not held
        past_min = len(chosen) >= options["min"]
        own = _own_work(lists, by_key)
        gains = {
            k: g
            for k, g in gains.items()
            if sizes[k] >= _least(by_key[k], past_min, own, options)
            # a theme smaller than min_prs (a small week's) names PRs no chosen topic holds, not a
            # slice of one (discovery/aws out of discovery)
            and (sizes[k] >= options["min_prs"] or unheld[k] or not past_min)
        }
        if not gains:
            break

        def weight(key: str, gains: dict[str, float] = gains) -> tuple[float, int]:
            known = by_key[key]
            factor = known.weight
            if not known.topic:
                factor *= options["kind_factor"]  # a topic says more than a kind of change of the same size
            return (gains[key] * factor, -order.get(key, -1))

        chosen.append(max(gains, key=weight))
    return chosen


def _assign(items: Sequence[ThemeInput], lists: Sequence[Sequence[str]], chosen: Sequence[str]) -> dict[int, str]:
    """Each PR's first candidate among the chosen themes."""
    assignment: dict[int, str] = {}
    for item, keys in zip(items, lists, strict=True):
        first = next((k for k in keys if k in chosen), None)
        if first is not None:
            assignment[item.number] = first
    return assignment


def _theme(
    key: str,
    name: str,
    members: list[ThemeInput],
    options: dict[str, Any],
    trend: str,
    previous_count: int,
    own_words_first: bool = False,
) -> Theme:
    """The theme of ``members``; its representatives are the most important of them, those that
    match the rule on their own words first when ``own_words_first`` (a PR that is only in the
    theme because it touches the theme's files, such as a sweeping refactor, comes after)."""
    members = sorted(members, key=lambda i: (-i.importance, i.number))
    ranked = sorted(members, key=lambda i: (i.mechanical, own_words_first and key not in i.direct))
    authors = Counter(i.author for i in members if not i.is_bot)
    return Theme(
        key=key,
        name=name,
        prs=[i.number for i in members],
        representative_prs=[i.number for i in ranked[: options["representatives"]]],
        lead_authors=sorted(authors, key=lambda a: (-authors[a], a))[: options["lead_authors"]],
        trend=trend,
        previous_count=previous_count,
        count=len(members),
    )


OTHER_KEY = "other"
OTHER_NAMES = {"en": "Other changes", "zh": "其他变更"}


def other_changes(
    items: Sequence[ThemeInput], assignment: dict[int, str], options: dict[str, Any], lang: str = "en"
) -> Theme | None:
    """The PRs no named theme took, as one bucket listed after the themes (not one of them)."""
    members = [item for item in items if item.number not in assignment]
    if not members:
        return None
    return _theme(OTHER_KEY, OTHER_NAMES.get(lang, OTHER_NAMES["en"]), members, options, "steady", 0)


def trend(current: int, previous: Sequence[int]) -> str:
    """new | rising | falling | steady, against the mean of the previous periods.

    Rising and falling also need the last period to agree, so "rising" never
    comes with a smaller count than last week's.
    """
    if not previous or sum(previous) == 0:
        return "new" if current else "steady"
    mean = sum(previous) / len(previous)
    if current >= 1.5 * mean and current - mean >= 3 and current > previous[0]:
        return "rising"
    if current <= 0.6 * mean and mean - current >= 3 and current < previous[0]:
        return "falling"
    return "steady"


# -- the period's vocabulary: what a PR's learned candidates are made of -----------------
@dataclass(slots=True)
class Vocabulary:
    """What the period learned from the repository: its hot words, its areas, and the names of
    every learned key met so far (``learned``, filled as the PRs' candidates are made)."""

    hot: dict[str, vocab.HotWord]
    areas: vocab.AreaMap | None
    options: dict[str, Any]
    topic_rules: frozenset[str]  # the rule keys that are topics
    learned: dict[str, Learned] = field(default_factory=dict)
    title_forms: dict[str, Counter[str]] = field(default_factory=dict)

    def candidates(
        self,
        deps: bool,
        rule_keys: Sequence[str],
        topics: Sequence[tuple[str, str]],
        words: Mapping[str, str],
        weighted_paths: Sequence[tuple[str, float]],
    ) -> tuple[str, ...]:
        """A PR's candidate themes, the most specific first: its hot name-like words (a model family),
        the topic rules it matches, its title tags and scopes, its other hot words, its areas, then
        the kinds of change. A dependency update has one candidate: the dependency updates line."""
        if deps:
            self.learned.setdefault(
                vocab.DEPS_KEY,
                Learned("Dependency updates", "依赖更新", False, float(self.options["deps_weight"]), "deps"),
            )
            return (vocab.DEPS_KEY,)
        hot = [k for k in words if k in self.hot]
        named = [k for k in hot if name_like(self.hot[k].form)]
        keys: list[str] = list(named)
        keys += [k for k in rule_keys if k in self.topic_rules]
        for key, form in topics:
            self.title_forms.setdefault(key, Counter())[form] += 1
            keys.append(key)
            if key not in self.learned or self.learned[key].source != "title":
                self.learned[key] = Learned(form, form, True, 1.0, "title")
        for key in hot:
            if key not in named:
                keys.append(key)
        for key in named + hot:
            if key not in self.learned:
                form = self.hot[key].form
                # a plain word is written as a heading ("Inlay hints"); a name or an identifier as it is
                en = form if name_like(form) or not _PLAIN.match(form) else form[:1].upper() + form[1:]
                weight = self.options["dynamic_weight"] if key in named else self.options["word_weight"]
                self.learned[key] = Learned(en, form, True, float(weight), "word")
        if self.areas is not None:
            for key, (name, broad) in vocab.area_names(self.areas, weighted_paths).items():
                keys.append(key)
                if key not in self.learned:
                    # an area split into sub-areas is their fallback: its sub-areas and the rules come first
                    weight = float(self.options["area_weight"]) * (0.5 if broad else 1.0)
                    self.learned[key] = Learned(name, name, True, weight, "area")
        keys += [k for k in rule_keys if k not in self.topic_rules]
        return tuple(dict.fromkeys(keys))

    def settle_names(self) -> None:
        """A title tag or scope is named by its most common form this period (``ty``, not ``Ty``)."""
        for key, forms in self.title_forms.items():
            form = sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            self.learned[key] = Learned(form, form, True, 1.0, "title")

    def apply_registry(self, names: Mapping[str, tuple[str, str]]) -> None:
        """A learned theme an earlier period chose keeps the names the registry holds for it."""
        for key, known in list(self.learned.items()):
            if key in names:
                en, zh = names[key]
                self.learned[key] = Learned(en, zh, known.topic, known.weight, known.source)


_PLAIN = re.compile(r"^[a-z]+(?:[ -][a-z]+)*$")


def name_like(word: str) -> bool:
    """Written like a name: a capital past the first letter, or a digit (``Gemma4``, ``PGO``, ``DeepSeek``)."""
    return any(c.isdigit() for c in word) or any(c.isupper() for c in word[1:])
