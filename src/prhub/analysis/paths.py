"""Path globs compiled once into one regular expression per list.

``*`` stays inside one directory, ``**`` crosses directories (``**/x`` also
matches ``x`` at the root), ``?`` is one character. A pattern without a slash
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
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


class PathMatcher:
    """Does a path match any of the globs? Which glob matched first?"""

    def __init__(self, globs: Sequence[str]) -> None:
        self.globs = tuple(globs)
        self._any = re.compile("|".join(f"(?:{_glob_to_regex(g)})" for g in globs) + r"\Z") if globs else None
        self._each = [re.compile(_glob_to_regex(g) + r"\Z") for g in globs]

    def __call__(self, path: str) -> bool:
        return bool(self._any and self._any.match(path))

    def first(self, path: str) -> str | None:
        if not self(path):
            return None
        return next((g for g, rx in zip(self.globs, self._each, strict=True) if rx.match(path)), None)

    def filter(self, paths: Iterable[str]) -> list[str]:
        return [p for p in paths if self(p)]


@lru_cache(maxsize=256)
def matcher(globs: tuple[str, ...]) -> PathMatcher:
    return PathMatcher(globs)
