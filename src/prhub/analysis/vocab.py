"""A repository's own vocabulary, learned from its history: what themes are made of.

Four sources, none of them a word list about one project:

- **title topics**: title tags and conventional scopes that name an area or a line
  of work (``[ty]``, ``[`pylint`]``, ``fix(ssr):``, Go-style ``promql/parser:``),
  not a kind of change (``[Bugfix]``, ``docs:``);
- **areas**: where a PR's lines are, by the repository's own structure: package
  roots known by their manifests (a Cargo workspace's ``crates/x``, npm's
  ``packages/x``, Python and Go modules), else top-level directories past the
  usual containers (``src/``, ``lib/``, ``internal/``), split further where one
  holds much of the history; the test and doc files named like an area, and
  families of packages (``hir``, ``hir_def``, ``hir_ty``);
- **hot words**: title words, in any case, that this period uses far more often
  than the preceding months did (a tf-idf-like lift against the repository's own
  history), and two-word phrases that are hot as a whole;
- **dependency updates**: bot and "Bump X from A to B" updates, one line of
  their own whatever the language.

Keys are stable: ``w-<word>`` for title vocabulary and areas (a tag, a scope,
the same word in titles and the area of that name are one key), ``deps``.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from prhub.analysis.labels import TitleParts

DEPS_KEY = "deps"

# Conventional types and kind prefixes: a "fix:" or "internal:" says what kind of change, not where.
KIND_PREFIXES = frozenset(
    """
    fix fixes fixed bugfix hotfix feat feature features perf refactor revert docs doc test tests ci build chore
    style internal minor misc release deps dep wip draft bump update upgrade cleanup typo nit breaking security
    merge backport cherry-pick note todo example examples
    """.split()  # noqa: SIM905 - a word list reads best as words
)

# English function words and the verbs every title uses: never a theme by themselves.
STOP_WORDS = frozenset(
    """
    a an the and or but nor of to in on at by for from with without into onto over under via per as is are was
    were be been being it its this that these those there here when where which who whom what why how not no yes
    all any each every some more most less least other than then too very also only just so if else out up down
    off about after before again against between during through while until within can could should would will
    may might must do does did done has have had having i we you they he she our your their my us them new old
    add adds added adding fix fixes fixed fixing update updates updated updating remove removes removed removing
    use uses used using make makes made making support supports supported supporting allow allows allowed improve
    improves improved improving ensure ensures handle handles handled handling avoid avoids prevent prevents
    change changes changed changing move moves moved rename renamed refactor refactors refactored cleanup clean
    enable enables enabled disable disables disabled set sets get gets let lets bump bumps bumped upgrade
    upgraded introduce introduces implement implements implemented correct correctly properly instead now when
    always never first last one two three unused minor small typo typos tweak tweaks various misc some case
    cases issue issues bug bugs error errors test tests testing tested doc docs documentation readme
    comment comments code file files function functions method methods value values type types name names
    default defaults option options version versions release releases pr prs ci wip revert reverts reverted
    check checks checking run runs running work works working missing better more less don't doesn't can't
    won't isn't via etc e.g i.e build builds part parts step steps follow followup follow-up round another
    close closes closed closing resolve resolves resolved resolving related regarding
    """.split()  # noqa: SIM905
)

_BACKTICKS = re.compile(r"`+")
_SOURCE_EXTENSION = re.compile(r"(?<=\w)\.(py|pyi|rs|go|ts|tsx|js|jsx|mjs|cjs|c|cc|cpp|h|hpp|java|kt|rb|swift|cs)$")
_SEPARATORS = re.compile(r"[\s_\-]+")
# a Go- or kernel-style area prefix: "promql/parser: ...", "tsdb, wlog: ...", "rt: ..."
PREFIX = re.compile(r"^\s*(?P<areas>[A-Za-z][\w./-]{0,40}(?:\s*,\s*[A-Za-z][\w./-]{0,40}){0,3})\s*:\s+\S")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[._\-+][A-Za-z0-9]+)*")
_VERSIONISH = re.compile(r"^(v?\d[\w.]*|[a-f0-9]{7,40}|[a-z]\d{0,2})$")
_FAMILY = re.compile(r"[a-z]+\d*")

# -- dependency updates -------------------------------------------------------------
_DEP_TITLES = re.compile(
    r"(?ix)^\s*(?:\[[^\]]*\]\s*)*(?:"
    r"(?:chore|build|fix|feat|docs|ci|refactor)\((?:deps|deps-dev|dependencies|dev-deps|gomod|cargo|npm|pip"
    r"|go|actions|github-actions|docker)\)!?:"  # chore(deps): ...
    r"|bump\s+\S+.*\bfrom\s+\S+\s+to\s+\S+"  # Bump X from A to B (Dependabot)
    r"|bump\s+the\s+\S+.*\bgroup\b"  # Bump the npm group ...
    r"|update\s+(?:rust\s+crate|dependency|dependencies|module|go\s+module|npm\s+package|docker\s+tag)\b"  # Renovate
    r"|update\s+\S+\s+(?:action|digest)\b"
    r"|update\s+\S+\s+(?:action\s+)?to\s+v?\d[\w.\-]*\s*$"  # Update X to v1.2
    r"|update\s+\S+(?:\s+\S+)?\s+dependencies\s*$"  # Update NPM Development dependencies
    r"|update\s+all\s+(?:non-major\s+)?dependencies\b"
    r"|lock\s+file\s+maintenance\b"
    r"|\[pre-commit\.ci\]|pre-commit\s+autoupdate\b"
    r")"
)
_DEP_BOTS = re.compile(r"(?i)^(renovate|dependabot|depfu|greenkeeper|snyk-bot|pyup|pre-commit-ci)")


def is_dependency_update(title: str, author: str) -> bool:
    """A dependency bot's PR, or a title that reads like one ("Bump X from A to B", "chore(deps): ...")."""
    return bool(_DEP_BOTS.match(author.strip()) or _DEP_TITLES.match(title))


# -- title topics -----------------------------------------------------------------------
def word_key(text: str) -> str:
    """How title vocabulary compares: case, backticks, spaces, ``-`` and ``_`` aside."""
    return _SEPARATORS.sub("", _BACKTICKS.sub("", text).strip().lower())


def display_form(text: str) -> str:
    """A tag or scope as a reader knows it: "helpers.py:" names the module ``helpers``."""
    return _SOURCE_EXTENSION.sub("", _BACKTICKS.sub("", text).strip().strip(".:"))


def title_topics(title: str, parts: TitleParts, is_kind_tag: Callable[[str], bool]) -> list[tuple[str, str]]:
    """The title's tags and scopes that name an area or a line of work: (key, form as written),
    the most specific first (a scope ``discovery/aws`` before ``discovery``)."""
    found: list[tuple[str, str]] = []

    def add(text: str) -> None:
        form = display_form(text)
        pieces = [p for p in form.split("/") if p]
        # "discovery/aws" then "discovery"; a tag such as "CI/Build" is two tags, handled by is_kind_tag
        for depth in range(len(pieces), 0, -1):
            piece = "/".join(pieces[:depth])
            key = word_key(piece)
            if len(key) < 2 or key in KIND_PREFIXES or _VERSIONISH.match(key) or key in STOP_WORDS:
                continue
            entry = (f"w-{key}", piece)
            if entry[0] not in {k for k, _ in found}:
                found.append(entry)

    for tag in parts.tags:
        if not is_kind_tag(tag):
            add(tag)
    if parts.scope:
        for scope in re.split(r"[,\s]+", parts.scope):
            if scope and not is_kind_tag(scope):
                add(scope)
    elif parts.conventional is None:
        prefix = PREFIX.match(parts.rest if parts.tags else title)
        if prefix:
            for area in re.split(r"\s*,\s*", prefix["areas"]):
                head = area.split("/")[0].lower()
                if head not in KIND_PREFIXES and not is_kind_tag(area):
                    add(area)
    return found


@functools.lru_cache(maxsize=1 << 16)  # a pure function of the word; a history repeats its words many times
def token_key(token: str) -> str | None:
    """How a title word compares (None: not a content word): case, ``-`` and ``_`` aside, a plural
    as its singular, a name with digits as its family (``Qwen3.5`` -> ``qwen3``)."""
    lower = token.lower()
    if lower in STOP_WORDS or len(lower) < 3 and not token.isupper() or _VERSIONISH.match(lower):
        return None
    if any(c.isdigit() for c in lower):
        family = _FAMILY.match(lower)
        return family.group(0) if family and len(family.group(0)) >= 3 else None
    key = word_key(lower)
    if len(key) > 4 and key.endswith("s") and not key.endswith(("ss", "us", "is")):
        key = key[:-1]  # "assets" and "asset" are one word
    return key if len(key) >= 2 else None


def title_words(text: str) -> dict[str, str]:
    """Content words of a title (its tags and prefix stripped by the caller): key -> form as written,
    with two-word phrases (``inlay hints``) keyed as one word, so ``inlay-hints`` is the same."""
    return dict(_title_words(text))


@functools.lru_cache(maxsize=1 << 16)  # every report reads months of history: a process reads each title once
def _title_words(text: str) -> tuple[tuple[str, str], ...]:
    words: dict[str, str] = {}
    tokens = list(_TOKEN.findall(_BACKTICKS.sub("", text)))
    kept: list[tuple[str, str] | None] = []
    for i, token in enumerate(tokens):
        # the first word is mostly the verb ("Replace", "Handle"): a word only when written like a name
        first_verb = i == 0 and not any(c.isdigit() or c.isupper() for c in token[1:])
        key = None if first_verb else token_key(token)
        if key is None:
            kept.append(None)
            continue
        kept.append((key, token))
        words.setdefault(f"w-{key}", token)
    for first, second in zip(kept, kept[1:], strict=False):
        if first and second and first[0] != second[0]:
            phrase = token_key(f"{first[1]}{second[1]}") or f"{first[0]}{second[0]}"
            words.setdefault(f"w-{phrase}", f"{first[1]} {second[1]}")
    return tuple(words.items())


@dataclass(frozen=True, slots=True)
class HotWord:
    key: str
    form: str
    prs: int
    lift: float


def hot_words(
    current: Sequence[Mapping[str, str]],
    history: Counter[str],
    history_prs: int,
    min_prs: int,
    min_lift: float,
    limit: int,
    covered: Callable[[str], bool] | None = None,
) -> list[HotWord]:
    """The words (and phrases) this period's titles use far more than the history window did.

    ``current``: each PR's words; ``history``: in how many of the window's ``history_prs`` PRs
    each word appeared. A phrase is kept over its words when it carries most of their PRs.
    """
    n = len(current)
    if not n:
        return []
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for words in current:
        for key, form in words.items():
            counts[key] += 1
            forms.setdefault(key, Counter())[form] += 1
    found: list[HotWord] = []
    for key, k in counts.items():
        if k < min_prs:
            continue
        rate = k / n
        base = (history.get(key, 0) + 1) / (history_prs + 1)
        lift = rate / base
        form = sorted(forms[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        if lift >= min_lift and not (covered is not None and covered(form)):
            found.append(HotWord(key, form, k, lift))
    by_key = {h.key: h for h in found}
    replaced: set[str] = set()
    phrases: list[HotWord] = []
    for p in sorted((h for h in found if " " in h.form), key=lambda h: (-h.prs, h.key)):
        parts = [f"w-{k}" for k in (token_key(t) for t in p.form.split(" ")) if k]
        words = [by_key[w] for w in parts if w in by_key and w != p.key]
        if replaced.intersection(w.key for w in words) or any(p.prs * 4 < w.prs * 3 for w in words):
            continue
        phrases.append(p)
        replaced.update(w.key for w in words)
    kept = [h for h in found if " " not in h.form and h.key not in replaced] + phrases
    # a word whose PRs nearly all carry a bigger hot word is part of that line of work ("colons" in
    # "inlay hints")
    members = {h.key: {i for i, words in enumerate(current) if h.key in words} for h in kept}
    kept = [
        h
        for h in kept
        if not any(g.prs > h.prs and len(members[h.key] & members[g.key]) * 4 >= h.prs * 3 for g in kept if g is not h)
    ]
    kept.sort(key=lambda h: (-h.prs * min(h.lift, 20.0), h.key))
    return kept[:limit]


# -- areas ----------------------------------------------------------------------------------
MANIFESTS = frozenset(
    """
    Cargo.toml package.json pyproject.toml setup.py setup.cfg go.mod pom.xml build.gradle build.gradle.kts
    composer.json mix.exs Package.swift deno.json
    """.split()  # noqa: SIM905
)
# directories that hold packages or sources rather than being one
CONTAINERS = frozenset(
    "src lib libs pkg pkgs internal crates packages modules apps app components source sources plugins".split()  # noqa: SIM905
)
_NOT_A_PACKAGE = frozenset(
    """
    test tests testsuite __tests__ testdata test_data test-data fixtures fixture examples example e2e resources vendor
    third_party node_modules snapshots
    benches bench benchmarks docs doc playground
    """.split()  # noqa: SIM905
)


_NOT_A_MODULE = re.compile(r"(?i)(\.(json|lock|toml|ya?ml|md|rst|txt|cfg|ini|snap|sum|mod)$|^[^.]*$)")


_GENERIC_MODULE = re.compile(r"(?i)^(index|mod|lib|main|init|utils?|common|shared|constants|types)\.")
# where a file named like an area is about that area: test and doc trees
_TEST_OR_DOC_DIRS = frozenset("test tests testsuite __tests__ spec specs docs doc".split())  # noqa: SIM905
_NAME_PIECES = re.compile(r"[_\-]")
FAMILY_MARK = "*"  # an area that is a family of packages: crates/hir*
_INDEX_FILES = frozenset("index readme mod __init__ main".split())  # noqa: SIM905
_TEST_AFFIXES = re.compile(r"^tests?_|_tests?$|_spec$")


class AreaMap:
    """Path -> its areas, the most specific first, learned from the paths of the history window.

    ``weights``: how many PRs touched each path (the history window's and the period's). An area
    is split into its children (directories, or module files) while it holds at least
    ``split_share`` of those PRs and has at least two children holding ``child_share`` each. An
    area holding ``whole_share`` or more, or named like the project (vite's ``packages/vite``),
    is the project itself: only its children are areas, the name alone says nothing.

    A test or doc file outside every area belongs to the area named like it (``tests/test_cli.py``
    and ``docs/cli.rst`` to ``src/flask/cli.py``), and a test file inside an area to the sub-area
    named like it (``node/__tests__/css.spec.ts`` to ``node/plugins/css.ts``).
    """

    def __init__(
        self,
        weights: Mapping[str, int],
        split_share: float = 0.15,
        child_share: float = 0.02,
        whole_share: float = 0.85,
        project: str = "",
        covered: Callable[[str], bool] | None = None,
    ) -> None:
        self.covered = covered  # an area a configured rule already names (a preset's "Model support")
        self.roots = self._package_roots(weights)
        # a package root named like a container (a Cargo package at lib/) is an area all the same
        self._container_roots = frozenset(r for r in self.roots if r.rpartition("/")[2] in CONTAINERS)
        tree: Counter[str] = Counter()
        children: dict[str, set[str]] = {}
        total = 0
        for path, n in weights.items():
            chain = self._chain(path)
            if chain:
                total += n
            for i, area in enumerate(chain):
                tree[area] += n
                if i:
                    children.setdefault(chain[i - 1], set()).add(area)
        total = total or 1
        self.split: set[str] = set()
        bigs = {a: [c for c in children.get(a, ()) if tree[c] / total >= child_share] for a in tree}
        for area, n in tree.items():
            if n / total >= split_share and len(bigs[area]) >= 2:
                self.split.add(area)
        # an area whose one big child is split passes through to it (packages/x -> packages/x/src/x)
        for area in sorted(tree, key=lambda a: -a.count("/")):
            if tree[area] / total >= split_share and len(bigs[area]) == 1 and bigs[area][0] in self.split:
                self.split.add(area)
        # the project itself, by name: flask/ and src/flask/ are one when a week moves the tree
        by_name: Counter[str] = Counter()
        for area, n in tree.items():
            by_name[self._base_name(area)] += n
        whole_names = {name for name, n in by_name.items() if n / total >= whole_share}
        # the package named like the project, split into sub-areas (packages/vite): a theme "vite" says nothing
        own = word_key(project)
        whole_names |= {
            self._base_name(a) for a in self.split if own and word_key(self._base_name(a).rsplit("/", 1)[-1]) == own
        }
        self.whole = frozenset(a for a in tree if self._base_name(a) in whole_names)
        self.whole_names = frozenset(whole_names)
        self.tree = tree
        self._cache: dict[str, tuple[str, ...]] = {}
        self._names: dict[str, str] = {}
        self._paths = list(weights)
        self.families = self._families(own)
        # the areas by the last piece of their name (``cli``, ``css``), for the test and doc files named like them
        by_leaf: dict[str, set[str]] = {}
        for path in weights:
            for area in self._own_areas(path)[:1]:
                by_leaf.setdefault(word_key(self.name(area).rsplit("/", 1)[-1]), set()).add(area)
        self._by_leaf = by_leaf

    @staticmethod
    @functools.lru_cache(maxsize=65536)
    def _base_name(area: str) -> str:
        pieces = area.split("/")
        layout = _layout_segments(tuple(pieces))
        parts = [p for i, p in enumerate(pieces) if p not in CONTAINERS and i not in layout] or pieces[-1:]
        last = parts[-1]
        if "." in last[1:]:
            parts[-1] = last.rsplit(".", 1)[0]
        return "/".join(parts)

    def _families(self, own: str) -> dict[str, str]:
        """Packages (or top-level areas) beside each other that share a name's first piece
        (rust-analyzer's ``crates/hir``, ``crates/hir_def``, ``crates/hir_ty``; ruff's
        ``crates/ty_*``): root -> the family's name (``hir``, the pieces they all share), an area
        of its own holding a PR spread over its members. Not when every package there shares it,
        nor when it is the project's name (``ruff_*``)."""
        groups: dict[tuple[str, str], list[str]] = {}
        siblings: Counter[str] = Counter()
        outermost = {chain[0] for chain in map(self._chain, self._paths) if chain} | set(self.roots)
        for root in sorted(outermost):
            parent, _, leaf = root.rpartition("/")
            siblings[parent] += 1
            prefix = _NAME_PIECES.split(leaf, 1)[0].lower()
            if len(prefix) >= 2 and word_key(prefix) != own:
                groups.setdefault((parent, prefix), []).append(root)
        found: dict[str, str] = {}
        for (parent, prefix), roots in groups.items():
            if 2 <= len(roots) < siblings[parent] and any(_NAME_PIECES.search(r.rpartition("/")[2]) for r in roots):
                name = _common_pieces([r.rpartition("/")[2] for r in roots])  # proc_macro_api, proc_macro_srv
                found.update(dict.fromkeys(roots, name or prefix))
        return found

    @staticmethod
    def _package_roots(weights: Iterable[str]) -> frozenset[str]:
        roots = set()
        for path in weights:
            directory, _, name = path.rpartition("/")
            if directory and name in MANIFESTS and not _NOT_A_PACKAGE.intersection(directory.split("/")):
                roots.add(directory)
        # the shallowest root wins: a package's own nested fixtures are not packages
        return frozenset(r for r in roots if not any(r.startswith(o + "/") for o in roots))

    def _chain(self, path: str) -> tuple[str, ...]:
        return _chain(path, self._container_roots)

    def _own_areas(self, path: str) -> tuple[str, ...]:
        """The areas of the path's own directories, most specific first: the outermost, then its
        children while it is split."""
        chain = self._chain(path)
        kept = list(chain[:1])
        for area in chain[1:]:
            if kept[-1] not in self.split:
                break
            kept.append(area)
        found = tuple(a for a in reversed(kept) if a not in self.whole)
        return found if self.covered is None else tuple(a for a in found if not self.covered(a))

    def areas(self, path: str) -> tuple[str, ...]:
        """The path's areas, most specific first; a test or doc file's first is the area named like it."""
        found = self._cache.get(path)
        if found is not None:
            return found
        found = self._own_areas(path)
        named = self._named_like(path, found[0] if found else None)
        if named is not None and named not in found:
            found = (named, *found)
        if not found:
            section = _docs_section(path)
            if section is not None and (self.covered is None or not self.covered(section)):
                found = (section,)
        family = self.families.get(found[-1]) if found else None
        if family is not None:
            found = (*found, f"{found[-1].rpartition('/')[0]}/{family}{FAMILY_MARK}")
        self._cache[path] = found
        return found

    def _named_like(self, path: str, within: str | None) -> str | None:
        """The one area named like a test or doc file (``test_cli.py``, ``cli.rst``, ``css.spec.ts``),
        inside ``within`` when the file has an area of its own."""
        parts = path.split("/")
        if len(parts) < 2 or not _TEST_OR_DOC_DIRS.intersection(parts[:-1]):
            return None
        stem = parts[-1].split(".", 1)[0].lower()
        if stem in _INDEX_FILES:  # docs/config/index.md is about config
            stem = parts[-2].lower()
        stem = _TEST_AFFIXES.sub("", stem)
        found = [a for a in self._by_leaf.get(word_key(stem), ()) if within is None or a.startswith(within + "/")]
        return found[0] if len(found) == 1 else None

    def name(self, area: str) -> str:
        """The area as a reader knows it: its path without the usual containers, the project itself
        (a whole area) and a module's extension (``crates/ty`` -> ``ty``, ``src/flask/cli.py`` ->
        ``cli`` when flask is the whole project)."""
        found = self._names.get(area)
        if found is None and area.endswith(FAMILY_MARK):
            found = area.rpartition("/")[2].removesuffix(FAMILY_MARK)
        if found is None:
            found = self._base_name(area)
            whole = max((w for w in self.whole_names if found.startswith(w + "/")), key=len, default="")
            if whole:
                found = found[len(whole) + 1 :]
            self._names[area] = found
        return found


def _common_pieces(names: Sequence[str]) -> str:
    """The longest run of name pieces all ``names`` start with (``proc_macro`` of ``proc_macro_api``
    and ``proc_macro_srv``; ``hir`` of ``hir`` and ``hir_def``)."""
    split = [re.split(r"([_\-])", n) for n in names]
    common: list[str] = []
    for pieces in zip(*split, strict=False):
        if any(p != pieces[0] for p in pieces):
            break
        common.append(pieces[0])
    while common and common[-1] in ("_", "-"):
        common.pop()
    return "".join(common)


_DOCS_ROOTS = frozenset("docs doc documentation".split())  # noqa: SIM905
_DOC_PAGE = re.compile(r"(?i)\.(md|mdx|rst|adoc|txt)$")
# pages that record the project rather than document a part of it
_NOTES_PAGES = frozenset("changes changelog history news releases release-notes license authors".split())  # noqa: SIM905


@functools.lru_cache(maxsize=65536)
def _docs_section(path: str) -> str | None:
    """The part of the documentation a docs file is in: its section directory (``docs/tutorial``)
    or, for a page at the top of the docs, the page (``docs/quickstart.rst``). Not the docs'
    index, build files (``docs/conf.py``, ``docs/_templates``) or release notes."""
    parts = path.split("/")
    if len(parts) < 2 or parts[0].lower() not in _DOCS_ROOTS or parts[1].startswith(("_", ".")):
        return None
    if len(parts) > 2:
        return "/".join(parts[:2])
    stem = parts[1].split(".", 1)[0].lower()
    if not _DOC_PAGE.search(parts[1]) or stem in _INDEX_FILES or stem in _NOTES_PAGES:
        return None
    return path


_SOURCE_SETS = frozenset("main commonMain jvmMain jsMain androidMain".split())  # noqa: SIM905  (test source sets are tests)
_LANGUAGE_ROOTS = frozenset("java kotlin scala groovy resources".split())  # noqa: SIM905
_DOMAINS = frozenset("com org net io dev edu gov me app co uk de fr nl ch jp cn ru info".split())  # noqa: SIM905


@functools.lru_cache(maxsize=65536)
def _layout_segments(parts: tuple[str, ...]) -> frozenset[int]:
    """The positions of a JVM source layout's directories, which name no part of the project: the
    source set and language root (``src/main/java``) and the reverse-domain package prefix after it
    (``com/google``: the project's own package, ``gson``, follows)."""
    for i in range(1, len(parts) - 1):
        if parts[i] in _LANGUAGE_ROOTS and parts[i - 1] in _SOURCE_SETS:
            found = {i - 1, i}
            if i + 2 < len(parts) - 1 and parts[i + 1] in _DOMAINS:
                found |= {i + 1, i + 2}
            return frozenset(found)
    return frozenset()


@functools.lru_cache(maxsize=262144)
def _chain(path: str, container_roots: frozenset[str]) -> tuple[str, ...]:
    """Every directory (then the module file) that could be an area of ``path``, outermost first,
    containers skipped (cached: the same paths come back in every period)."""
    parts = path.split("/")
    chain: list[str] = []
    if len(parts) < 2 or parts[0] in _NOT_A_PACKAGE or parts[0].startswith("."):
        return ()  # root files, tests, docs, CI: kinds of change, not areas
    layout = _layout_segments(tuple(parts))  # src/main/java/com/google: no part of the project
    for depth in range(1, len(parts) + 1):
        if depth - 1 in layout:
            continue
        if depth - sum(1 for i in layout if i < depth) > 6:
            break
        prefix = "/".join(parts[:depth])
        segment = parts[depth - 1]
        if depth < len(parts) and segment in CONTAINERS and prefix not in container_roots:
            continue
        if depth > 1 and segment in _NOT_A_PACKAGE:
            break
        if depth == len(parts) and (
            segment.startswith((".", "_")) or _NOT_A_MODULE.search(segment) or _GENERIC_MODULE.match(segment)
        ):
            break  # a module file can be an area; a manifest, a lock file or data cannot
        chain.append(prefix)
    return tuple(chain)


def area_names(area_map: AreaMap, weighted_paths: Sequence[tuple[str, float]]) -> dict[str, tuple[str, bool]]:
    """A PR's areas, most specific first, as key -> (name, split into sub-areas?): those holding at
    least half of its weighted files that have an area. Keyed by name, so an area keeps its theme
    when the tree moves (``flask/`` -> ``src/flask/``), and an area and the scope that names it
    (``promql/``, "promql: ...") are one."""
    total = sum(w for _, w in weighted_paths)
    votes: Counter[str] = Counter()
    placed = 0.0  # the weight of the files that have an area
    for path, w in weighted_paths:
        found = area_map.areas(path)
        placed += w if found else 0.0
        for area in found:
            votes[area] += w
    # an area holds the PR when it has half of the files that have one, and those are a third of
    # the PR (a fix with its playground or fixture files is still about the module it fixes)
    if not total or placed * 3 < total:
        return {}
    held = sorted(
        (a for a, v in votes.items() if v * 2 >= placed),
        key=lambda a: (a.endswith(FAMILY_MARK), -a.count("/"), a),  # a family of packages last
    )
    found: dict[str, tuple[str, bool]] = {}
    for area in held:
        name = area_map.name(area)
        broad = area in area_map.split or area.endswith(FAMILY_MARK)
        found.setdefault(f"w-{word_key(name.rsplit('/', 1)[-1])}", (name, broad))
    return found
