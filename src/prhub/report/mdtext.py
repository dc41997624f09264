"""Untrusted text made safe for Markdown.

PR titles, author names, label names and paths come from commit messages that
anyone can write. Embedded in Markdown they must stay text: no link, no image,
no raw HTML, no code span, no table cell break, no new block. CommonMark lets
a backslash escape any ASCII punctuation, so escaping is a backslash before each
character that could start markup; code spans take a fence longer than any
backtick run inside them.
"""

from __future__ import annotations

import re

# characters that open links, images, HTML, code, emphasis, strikethrough, tables, entities
_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
_SPACE = re.compile(r"\s+")
# what opens a new block at the start of a line: a heading or list marker (then a space or
# the end), or a line of = or - (a setext underline); ">" is already escaped as special
_BLOCK_START = re.compile(r"^(?:#{1,6}|[-+]|\d{1,9}[.)])(?=\s|$)|^[=-]+$")
_SAFE_URL = re.compile(r"^https?://[^\s()<>\[\]`\"'\\]+$")


def one_line(value: object) -> str:
    """Any value as one line of text: newlines would start new Markdown blocks."""
    return _SPACE.sub(" ", str(value if value is not None else "")).strip()


def text(value: object) -> str:
    """Inline text with every markup character escaped, also where it starts a line."""
    escaped = _SPECIAL.sub(r"\\\1", one_line(value))
    return _BLOCK_START.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], escaped, count=1)


def cell(markdown: str) -> str:
    """Markdown already made safe, put in a table cell: a bare pipe would end the cell.

    GFM reads ``\\|`` as a pipe even inside code spans, so every pipe not yet
    escaped gets its backslash.
    """
    return re.sub(r"(?<!\\)\|", r"\\|", one_line(markdown))


def code(value: object) -> str:
    """A code span (for paths): the fence is one backtick longer than any run inside."""
    body = one_line(value)
    if not body:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    if body.startswith("`") or body.endswith("`"):
        body = f" {body} "
    return f"{fence}{body}{fence}"


def link(label_md: str, url: object) -> str:
    """A link when the URL is a plain http(s) address, else the label alone."""
    if isinstance(url, str) and _SAFE_URL.match(url):
        return f"[{label_md}]({url})"
    return label_md


def shorten(value: object, limit: int = 80) -> str:
    """Cut long text at a word boundary, so a number inside it is never split."""
    line = one_line(value)
    if len(line) <= limit:
        return line
    cut = line.rfind(" ", 0, limit)
    if cut <= 0:
        return line
    return line[:cut].rstrip(" ,;:-") + "…"


def shorten_items(value: object, limit: int = 60) -> str:
    """A list (of paths, say; "a, b" or Chinese "a、b") cut after the items that fit, never inside one."""
    line = one_line(value)
    sep = "、" if "、" in line else ", "
    kept: list[str] = []
    for item in line.split(sep):
        if kept and len(sep.join([*kept, item])) > limit:
            return sep.join(kept) + "…"
        kept.append(item)
    return shorten(sep.join(kept), limit)
