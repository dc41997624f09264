"""Checking what the model wrote against the facts it was given, and making it safe.

An answer is rejected (``Rejected`` with the reason, which the retry sends
back to the model) when it:
- cites a PR (``#123``) that is not in the facts;
- writes a percentage that is not one of the facts' percentages;
- counts PRs ("12 PRs", "12 个 PR") with a number that is not one of the facts' counts;
- writes any other number that appears nowhere in the facts;
- names a path or label in a code span, or a person as ``@name``, that is not in the facts;
- contains a link, a URL, raw HTML, a heading or a table (PR text cannot smuggle them in);
- is empty, too long, or not in the language asked for.

What passes is then sanitised as untrusted Markdown: only ``- `` list items,
``**bold**`` and code spans survive as markup; every other markup character is
escaped with report/mdtext.py's rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from prhub.report import mdtext

_CODE = re.compile(r"`+([^`\n]+?)`+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_PR_REF = re.compile(r"#(\d+)\b")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|％|percent\b)")
_COUNT_EN = re.compile(
    r"(?<![\w.#])(\d[\d,]*)\s+(?:(?:merged|key|new|open|other|more|of\s+them)\s+)?(?:pull\s+requests?|PRs?)\b", re.I
)
_COUNT_ZH = re.compile(r"(?<![\w.#])(\d+)\s*(?:个|项|条)\s*(?:已合并的?|合并的?|重点|关键)?\s*(?:PR|拉取请求)", re.I)
_NUMBER = re.compile(r"(?<![\w#.\-/])(\d+(?:,\d{3})*(?:\.\d+)?)(?![\w.]*[A-Za-z_/])")
_ANY_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MENTION = re.compile(r"(?<![\w`])@([A-Za-z0-9][A-Za-z0-9_.-]*)")
_FORBIDDEN = [
    (re.compile(r"https?://|www\.|\bftp://|mailto:", re.I), "it contains a URL"),
    (re.compile(r"\]\s*\(|!\["), "it contains a Markdown link or image"),
    (re.compile(r"<\s*/?\s*[A-Za-z!]"), "it contains HTML"),
    (re.compile(r"^\s{0,3}#{1,6}\s", re.M), "it contains a heading"),
    (re.compile(r"^\s*\|.*\|\s*$", re.M), "it contains a table"),
]
_COUNT_KEYS = frozenset(
    {
        "merged_prs",
        "key_prs",
        "prs",
        "previous_prs",
        "direct_commits",
        "authors",
        "first_time_authors",
        "reverts",
        "ai_assisted_prs",
        "merged_prs_previous_period",
        "prs_in_all",
        "more_files",
    }
)


class Rejected(ValueError):
    """The answer broke a rule; the message says which, in words the model can act on."""


@dataclass(slots=True)
class FactIndex:
    """Everything an answer may cite, gathered once from the facts it was written from."""

    prs: set[int] = field(default_factory=set)
    counts: set[int] = field(default_factory=set)
    percents: set[float] = field(default_factory=set)
    numbers: set[float] = field(default_factory=set)
    strings: list[str] = field(default_factory=list)
    people: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, facts: Any) -> FactIndex:
        index = cls()
        index._walk(facts, "")
        for text in index.strings:
            index.words.update(w.lower() for w in _WORD.findall(text))
            index.prs.update(int(n) for n in _PR_REF.findall(text))
            index.numbers.update(float(n) for n in _ANY_NUMBER.findall(text))
        return index

    def _walk(self, value: Any, key: str) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, dict):
            for k, v in value.items():
                self._walk(v, str(k))
            return
        if isinstance(value, list):
            for item in value:
                if key in ("prs", "representative_prs") and isinstance(item, int) and not isinstance(item, bool):
                    self.prs.add(item)
                    self.numbers.add(float(item))
                else:
                    self._walk(item, key)
            return
        if isinstance(value, (int, float)):
            self.numbers.add(float(value))
            self.numbers.add(abs(float(value)))
            if key == "number" and isinstance(value, int):
                self.prs.add(value)
            if key in _COUNT_KEYS and isinstance(value, int):
                self.counts.add(value)
            if key.endswith("_change") and isinstance(value, int):
                self.counts.add(abs(value))
            if key.endswith("percent"):
                self.percents.add(float(value))
            return
        if isinstance(value, str):
            self.strings.append(value)
            if key in ("author", "lead_authors", "name"):
                self.people.add(value.lower())

    def has_number(self, text: str, pool: Iterable[float]) -> bool:
        """Equal, allowing only the rounding the text shows ("4.5" for 4.53; "12" for 12.0)."""
        text = text.rstrip(",")
        value = float(text.replace(",", ""))
        decimals = len(text.split(".")[1]) if "." in text else 0
        return any(abs(round(fact, decimals) - value) < 1e-9 for fact in pool)


def check_language(text: str, lang: str) -> None:
    plain = _CODE.sub(" ", text)
    cjk = len(_CJK.findall(plain))
    latin = len(_LATIN.findall(plain))
    letters = cjk + latin
    if letters < 12:
        return
    if lang == "zh" and (cjk < 4 or cjk < 0.25 * letters):
        raise Rejected("it is not written in Simplified Chinese (zh)")
    if lang == "en" and cjk > 0.05 * letters:
        raise Rejected("it is not written in English")


def check_text(text: str, index: FactIndex, lang: str, max_chars: int, min_chars: int = 1) -> None:
    """Raise Rejected with the first rule ``text`` breaks."""
    body = text.strip()
    if len(body) < min_chars:
        raise Rejected("it is empty or too short")
    if len(body) > max_chars:
        raise Rejected(f"it is {len(body)} characters long; the limit is {max_chars}")
    for pattern, why in _FORBIDDEN:
        if pattern.search(body):
            raise Rejected(why)
    for name in _CODE.findall(body):
        name = name.strip()
        if name and not any(name in s for s in index.strings):
            raise Rejected(f"`{name}` is not a name or path in the facts")
    plain = _CODE.sub(" ", body)
    for handle in _MENTION.findall(plain):
        if handle.lower() not in index.people:
            raise Rejected(f"@{handle} is not a person in the facts")
    for number in _PR_REF.findall(plain):
        if int(number) not in index.prs:
            raise Rejected(f"#{number} is not a PR in the facts")
    plain = _PR_REF.sub(" ", plain)
    for number in _PERCENT.findall(plain):
        if not index.has_number(number, index.percents):
            raise Rejected(f"{number}% is not a percentage in the facts")
    for pattern in (_COUNT_EN, _COUNT_ZH):
        for number in pattern.findall(plain):
            if not index.has_number(number, index.counts):
                raise Rejected(f"{number} is not a count of PRs in the facts")
    for number in _NUMBER.findall(plain):
        if not index.has_number(number, index.numbers):
            raise Rejected(f"the number {number} is not in the facts")
    for found in _WORD.finditer(plain):
        word = found[0]
        if not _is_name(word) or word.lower() in index.words or word.lower() in _COMMON:
            continue
        before = plain[: found.start()].rstrip(" \t*_\"'“‘(")
        if not before or before[-1] in ".!?:;\n-•。！？：；" or before.endswith(("- ", "\n")):
            continue  # a sentence starts with a capital: not a name
        raise Rejected(f"{word} is not a name in the facts")
    check_language(body, lang)


_WORD = re.compile(r"(?<![\w/.-])[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*")
# capitalised words a report may use that no fact needs to contain
_COMMON = frozenset(
    [
        "i",
        "pr",
        "prs",
        "ci",
        "cd",
        "api",
        "apis",
        "gpu",
        "gpus",
        "cpu",
        "cpus",
        "the",
        "this",
        "these",
        "that",
        "those",
        "it",
        "its",
        "they",
        "their",
        "there",
        "we",
        "our",
        "overall",
        "together",
        "also",
        "however",
        "meanwhile",
        "both",
        "most",
        "many",
        "several",
        "some",
        "all",
        "each",
        "one",
        "two",
        "three",
        "key",
        "markdown",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)


def _is_name(word: str) -> bool:
    """A proper name or an identifier: capitalised (Amina, TensorFlow) or mixed case; acronyms pass."""
    if word.isupper() and len(word) <= 6:
        return False  # an acronym (KV, MoE-free, CUDA): too common to demand in the facts
    return word[0].isupper() or any(c.isupper() for c in word[1:])


# -- sanitising ---------------------------------------------------------------------------------------

_INLINE = re.compile(r"(\*\*[^*\n]+?\*\*|`+[^`\n]+?`+)")
_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
_LIST = re.compile(r"^\s*(?:[-*•+]|\d{1,3}[.)])\s+")
_BLOCK_START = re.compile(r"^(?:#{1,6}|[-+]|\d{1,9}[.)])(?=\s|$)|^[=-]+$")


def _inline(line: str) -> str:
    out = []
    for piece in _INLINE.split(line):
        if not piece:
            continue
        if piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
            inner = _SPECIAL.sub(r"\\\1", piece[2:-2].strip())
            out.append(f"**{inner}**" if inner else "")
        elif piece.startswith("`"):
            out.append(mdtext.code(piece.strip("`")))
        else:
            out.append(_SPECIAL.sub(r"\\\1", piece))
    text = re.sub(r"\s+", " ", "".join(out)).strip()
    return _BLOCK_START.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], text, count=1)


def sanitize(text: str) -> str:
    """Untrusted Markdown down to paragraphs, '- ' lists, bold and code spans."""
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip():
            if lines and lines[-1] != "":
                lines.append("")
            continue
        item = _LIST.match(raw)
        if item:
            body = _inline(raw[item.end() :])
            if body:
                if lines and lines[-1] != "" and not lines[-1].startswith("- "):
                    lines.append("")
                lines.append(f"- {body}")
        else:
            body = _inline(raw)
            if body:
                if lines and lines[-1].startswith("- "):
                    lines.append("")
                lines.append(body)
    return "\n".join(lines).strip()


def one_line(text: str) -> str:
    """A short answer (a PR's summary, a reason) as one sanitised line."""
    return _inline(mdtext.one_line(text))
