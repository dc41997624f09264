"""Where each page lives: absolute paths on the served site, relative files on the static site.

The two share one interface so the templates never build a URL themselves.
Repository names come from remotes and directory names; every path segment is
percent-encoded for URLs and reduced to a safe file name for the static site.
"""

from __future__ import annotations

import hashlib
import re
from typing import Protocol
from urllib.parse import quote

LANGS: tuple[str, ...] = ("en", "zh")
_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")


class Links(Protocol):
    def home(self, lang: str) -> str: ...
    def repo(self, slug: str, lang: str) -> str: ...
    def report(self, slug: str, period: str, lang: str) -> str: ...
    def feed(self, slug: str) -> str: ...
    def api_report(self, slug: str, period: str, lang: str) -> str: ...
    def api_repos(self) -> str: ...


class ServedLinks:
    """``/{owner}/{repo}/reports/{period}?lang=zh``: the website's own URLs."""

    def __init__(self, root: str = "") -> None:
        self.root = root.rstrip("/")

    def _path(self, *segments: str) -> str:
        return self.root + "/" + "/".join(quote(s, safe="") for s in segments)

    @staticmethod
    def _query(lang: str) -> str:
        return "?lang=zh" if lang == "zh" else ""

    def home(self, lang: str) -> str:
        return (self.root or "") + "/" + self._query(lang)

    def repo(self, slug: str, lang: str) -> str:
        return self._path(*slug.split("/", 1)) + "/" + self._query(lang)

    def report(self, slug: str, period: str, lang: str) -> str:
        return self._path(*slug.split("/", 1), "reports", period) + self._query(lang)

    def feed(self, slug: str) -> str:
        return self._path(*slug.split("/", 1), "feed.atom")

    def api_report(self, slug: str, period: str, lang: str) -> str:
        return self._path("api", *slug.split("/", 1), "reports", period) + self._query(lang)

    def api_repos(self) -> str:
        return self._path("api", "repos")


def file_segment(segment: str) -> str:
    """A path segment that is a safe file name: itself when plain, else a cleaned name with a hash."""
    if _SAFE_SEGMENT.match(segment) and segment not in (".", ".."):
        return segment
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", segment).strip(".-")[:60] or "repo"
    return f"{cleaned}-{hashlib.sha1(segment.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"


def index_name(lang: str, primary: str = "en") -> str:
    """The site's primary language is index.html; the other gets index.<lang>.html beside it."""
    return "index.html" if lang == primary else f"index.{lang}.html"


class StaticLinks:
    """Relative links between files, so the exported site works under any prefix (and from file://).

    ``depth`` is how many directories the current page is below the site's root.
    """

    def __init__(self, depth: int, primary: str = "en") -> None:
        self.up = "../" * depth
        self.primary = primary

    @staticmethod
    def repo_dir(slug: str) -> str:
        return "/".join(file_segment(s) for s in slug.split("/", 1))

    def home(self, lang: str) -> str:
        return self.up + index_name(lang, self.primary)

    def repo(self, slug: str, lang: str) -> str:
        return f"{self.up}{self.repo_dir(slug)}/{index_name(lang, self.primary)}"

    def report(self, slug: str, period: str, lang: str) -> str:
        return f"{self.up}{self.repo_dir(slug)}/reports/{file_segment(period)}/{index_name(lang, self.primary)}"

    def feed(self, slug: str) -> str:
        return f"{self.up}{self.repo_dir(slug)}/feed.atom"

    def api_report(self, slug: str, period: str, lang: str) -> str:
        suffix = ".json" if lang == self.primary else f".{lang}.json"
        return f"{self.up}api/{self.repo_dir(slug)}/reports/{file_segment(period)}{suffix}"

    def api_repos(self) -> str:
        return f"{self.up}api/repos.json"
