"""Path globs compiled once into one regular expression per list.

``*`` stays inside one directory, ``**`` crosses directories (``**/x`` also
matches ``x`` at the root), ``?`` is one character, ``[jt]`` one of a set. A pattern without a slash
matches the file name anywhere only when it starts with ``**/``; plain names
(``setup.py``) match at the root, as in .gitignore-anchored rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache


def _glob_to_regex(glob: str) -> str:
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and (end := glob.find("]", i + 2)) != -1:  # a class: [jt], [!._]
            body = glob[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append("[" + ("^/" if negate else "") + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


class PathMatcher:
    """Does a path match any of the globs? Which glob matched first?"""

    def __init__(self, globs: Sequence[str]) -> None:
        self.globs = tuple(globs)
        self._any = _any_of([_glob_to_regex(g) for g in globs]) if globs else None
        self._each: list[re.Pattern[str]] | None = None  # compiled when first asked which glob matched

    def __call__(self, path: str) -> bool:
        return bool(self._any and self._any.match(path))

    def first(self, path: str) -> str | None:
        if not self(path):
            return None
        if self._each is None:
            self._each = [re.compile(_glob_to_regex(g) + r"\Z") for g in self.globs]
        return next((g for g, rx in zip(self.globs, self._each, strict=True) if rx.match(path)), None)

    def filter(self, paths: Iterable[str]) -> list[str]:
        return [p for p in paths if self(p)]


_ANYWHERE = "(?:.*/)?"


def _any_of(parts: list[str]) -> re.Pattern[str]:
    """``(?:p1|p2|...|pn)\\Z``, with the ``**/`` alternatives sharing one ``(?:.*/)?``: the same
    paths match, several times faster (the engine walks back over the directories once, not
    once per glob)."""
    alternatives = [f"(?:{p})" for p in parts if not p.startswith(_ANYWHERE)]
    anywhere = [p[len(_ANYWHERE) :] for p in parts if p.startswith(_ANYWHERE)]
    if anywhere:
        alternatives.append(_ANYWHERE + "(?:" + "|".join(anywhere) + ")")
    return re.compile("(?:" + "|".join(alternatives) + ")\\Z")


@lru_cache(maxsize=256)
def matcher(globs: tuple[str, ...]) -> PathMatcher:
    return PathMatcher(globs)


# -- what a path is ---------------------------------------------------------------------
# The order of the checks: a vendored copy's tests are vendored, a generated test fixture is
# a test (it changes what the tests check), a lock file or generated file is never source.
PATH_CLASSES = ("vendored", "tests", "generated", "lock", "docs", "ci", "source")
# Files that weigh nothing: not in size, core files or hot files.
INERT = frozenset({"vendored", "generated", "lock"})


def attribute_globs(directory: str, pattern: str) -> list[str]:
    """The globs of one ``.gitattributes`` pattern written in ``directory`` ("" at the root).

    A pattern without a slash matches a name at any depth below the file's directory;
    one with a slash is relative to it (git's rules). ``dir/**`` keeps its meaning.
    """
    pattern = pattern.strip()
    if not pattern or pattern.startswith("#") or pattern.startswith("!"):
        return []
    base = f"{directory.strip('/')}/" if directory.strip("/") else ""
    if "/" not in pattern.rstrip("/"):
        name = pattern.rstrip("/")
        # a bare directory name (``vendor/``) in gitattributes matches nothing inside it in git;
        # linguist reads it the same way, so only the name itself and files called so
        return [f"{base}**/{name}"] if not pattern.endswith("/") else []
    return [base + pattern.lstrip("/")]


def parse_gitattributes(directory: str, text: str) -> list[tuple[str, str, bool]]:
    """``(glob, attribute, value)`` for the linguist attributes of one ``.gitattributes``.

    ``linguist-generated``, ``linguist-generated=true`` set; ``-linguist-generated`` or
    ``=false`` unset (an exception to an earlier, wider rule). The same for vendored and
    documentation.
    """
    out: list[tuple[str, str, bool]] = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 2 or fields[0].startswith("#"):
            continue
        for field in fields[1:]:
            value = True
            name = field
            if name.startswith("-") or name.startswith("!"):
                name, value = name[1:], False
            if "=" in name:
                name, _, raw = name.partition("=")
                value = value and raw.strip().lower() not in ("false", "0", "no")
            if name in ("linguist-generated", "linguist-vendored", "linguist-documentation"):
                kind = name.removeprefix("linguist-")
                out.extend((g, kind, value) for g in attribute_globs(directory, fields[0]))
    return out


class PathClasses:
    """Which class a path is in: the configured globs plus what ``.gitattributes`` says.

    ``globs`` maps a class (tests, docs, ci, generated, vendored, lock) to its globs;
    ``attributes`` are ``(glob, generated|vendored|documentation, set?)`` rows read from
    the repository's ``.gitattributes`` at sync time. The last attribute rule that
    matches a path wins, as in git.
    """

    def __init__(self, globs: dict[str, Sequence[str]], attributes: Sequence[tuple[str, str, bool]] = ()) -> None:
        self.matchers = {k: matcher(tuple(globs.get(k, ()))) for k in PATH_CLASSES if k != "source"}
        self.attributes = tuple(attributes)
        self._attr = [(re.compile(_glob_to_regex(g) + r"\Z"), kind, value) for g, kind, value in self.attributes]
        self._cache: dict[str, str] = {}
        self._weighs: dict[str, bool] = {}

    def _attribute(self, path: str) -> tuple[str | None, set[str]]:
        """The class the attributes give a path (None: they say nothing) and the ones they unset."""
        found: dict[str, bool] = {}
        for rx, kind, value in self._attr:
            if rx.match(path):
                found[kind] = value  # the last rule wins
        unset = {k for k, v in found.items() if not v}
        for kind in ("vendored", "generated", "documentation"):
            if found.get(kind):
                return ("docs" if kind == "documentation" else kind), unset
        return None, unset

    def of(self, path: str) -> str:
        found = self._cache.get(path)
        if found is not None:
            return found
        attr, unset = self._attribute(path) if self._attr else (None, set())
        if attr == "vendored" or ("vendored" not in unset and self.matchers["vendored"](path)):
            found = "vendored"
        elif self.matchers["tests"](path):
            found = "tests"
        elif attr is not None:
            found = attr
        else:
            found = next(
                (
                    k
                    for k in ("generated", "lock", "docs", "ci")
                    if not (k == "generated" and "generated" in unset) and self.matchers[k](path)
                ),
                "source",
            )
        self._cache[path] = found
        return found

    def counts(self, path: str) -> bool:
        """Does the path count in core files and hot files (not generated, vendored or lock)?"""
        return self.of(path) not in INERT

    def weighs(self, path: str) -> bool:
        """Does the path weigh in importance's size and breadth: the program and its build (source,
        CI), not its tests and docs (a PR of 40 source lines and 300 test lines is a 40-line change),
        nor its dependency manifests (a version bump in seven go.mod files is no broad change)."""
        found = self._weighs.get(path)
        if found is None:  # asked for every file of months of PRs: once per path
            found = self._weighs[path] = self.of(path) in ("source", "ci") and manifest_ecosystem(path) is None
        return found


# Program text, in any common language: what missing-tests counts (a stylesheet, a manifest,
# a YAML file or a shell script changed without a test is no missing test).
CODE_SUFFIXES = frozenset(
    [
        ".py",
        ".pyx",
        ".pxd",
        ".rs",
        ".go",
        ".ts",
        ".tsx",
        ".js",
        ".jsx",
        ".mjs",
        ".cjs",
        ".mts",
        ".cts",
        ".vue",
        ".svelte",
        ".java",
        ".kt",
        ".kts",
        ".scala",
        ".groovy",
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".cxx",
        ".hpp",
        ".hh",
        ".hxx",
        ".cu",
        ".cuh",
        ".m",
        ".mm",
        ".swift",
        ".rb",
        ".php",
        ".cs",
        ".fs",
        ".ex",
        ".exs",
        ".erl",
        ".hs",
        ".ml",
        ".lua",
        ".pl",
        ".zig",
        ".dart",
        ".jl",
        ".r",
        ".clj",
        ".nim",
        ".v",
        ".sv",
        ".triton",
        ".metal",
    ]
)


def is_code(path: str) -> bool:
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in CODE_SUFFIXES


# Dependency manifests by name, and their ecosystem (what a dependency change means there).
_REQUIREMENTS = re.compile(r"(^|/)(requirements[^/]*\.(txt|in)|requirements/[^/]+\.(txt|in)|constraints[^/]*\.txt)$")
_MANIFEST_NAMES = {
    "Cargo.toml": "cargo",
    "package.json": "npm",
    "pyproject.toml": "pip",
    "Pipfile": "pip",
    "setup.cfg": "pip",
    "go.mod": "go",
    "Gemfile": "ruby",
    "composer.json": "composer",
    "pom.xml": "maven",
    "build.gradle": "gradle",
    "build.gradle.kts": "gradle",
    "vcpkg.json": "vcpkg",
    "conanfile.txt": "conan",
    "environment.yml": "conda",
    "environment.yaml": "conda",
    "pubspec.yaml": "dart",
    "mix.exs": "hex",
}


def manifest_ecosystem(path: str) -> str | None:
    """cargo, npm, pip, go, ruby... when the file is a dependency manifest, else None."""
    name = path.rpartition("/")[2]
    found = _MANIFEST_NAMES.get(name)
    if found:
        return found
    if name.endswith(".gemspec"):
        return "ruby"
    if _REQUIREMENTS.search(path):
        return "pip"
    return None
