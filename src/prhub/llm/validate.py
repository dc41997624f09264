"""Checking what the model wrote against the facts it was given, and making it safe.

An answer is rejected (``Rejected`` with the reason, which the retry sends
back to the model) when it:
- cites a PR (``#123``) that is not in the facts;
- writes a percentage that is not one of the facts' percentages;
- counts PRs ("12 PRs", "12 个 PR") with a number that is not one of the facts' counts;
- writes any other number that appears nowhere in the facts;
- names a path or label in a code span, or a person as ``@name``, that is not in the facts;
- names a library, project, model, person or identifier that is not in the facts (check_names);
- copies a ``<...>`` placeholder or the instructions' wording instead of writing the content;
- contains a link, a URL, raw HTML, a heading or a table (PR text cannot smuggle them in);
- is empty, too long, or not in the language asked for.

What passes is then sanitised as untrusted Markdown: only ``- `` list items,
``**bold**`` and code spans survive as markup; every other markup character is
escaped with report/mdtext.py's rules.
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from prhub.llm.prompts import INSTRUCTION_PHRASES
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
_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(?:\s+[^<>]*=[^<>]*)?\s*/?\s*>|<!")
# what is left once tags are out: "<the section as Markdown>", "<...>" (not "<https://...>": a URL)
_PLACEHOLDER = re.compile(r"<(?:\.\.\.|[^<>\n:/]*\s[^<>\n]{0,160})>")
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
    def of(cls, facts: Any, known_words: Iterable[str] = ()) -> FactIndex:
        """The facts' numbers, names and words; ``known_words``: a field's own terms ([llm] known_words)."""
        index = cls()
        index._walk(facts, "")
        index.words = fact_words([*index.strings, *known_words])
        for text in index.strings:
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
    # a copied placeholder, before the length: "<the section as Markdown>" is short, and says why
    if _PLACEHOLDER.search(_HTML_TAG.sub(" ", body)):
        raise Rejected("it copies a placeholder (<...>) instead of writing the content")
    if len(body) < min_chars:
        raise Rejected("it is empty or too short")
    if len(body) > max_chars:
        raise Rejected(f"it is {len(body)} characters long; the limit is {max_chars}")
    for pattern, why in _FORBIDDEN:
        if pattern.search(body):
            raise Rejected(why)
    lowered = " ".join(body.lower().split())
    for phrase in INSTRUCTION_PHRASES:
        if phrase in lowered:
            raise Rejected(f'it copies the instructions ("{phrase}") instead of writing the content')
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
    check_names(plain, index)
    check_language(body, lang)


# -- names -------------------------------------------------------------------------------------------
# A model that invents writes names: a library ("tensorflow"), a person ("Amina"), a model ("qwen9"),
# a module ("minmax_rms"). Every name-like word of an answer must be a word of its facts (titles,
# descriptions, paths and their parts, themes, labels, authors), or, for a word that could be ordinary
# prose, an ordinary English word (SCOWL's list, english-words.txt.gz) or one of the few generic
# software words below. Identifiers (digits, "_", "."), mixed case (TensorFlow) and capitalised words
# inside a sentence (Amina) must be in the facts.

_TOKEN = re.compile(r"(?<![\w./\\-])[A-Za-z][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*")
_FACT_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*")
_PARTS = re.compile(r"[._\-]+")
_SUFFIXES = ("s", "es", "ed", "d", "ing", "er", "ers", "ly", "al")
_SENTENCE_END = ".!?:;\n-•。！？：；"


# capitalised words a report may use that no fact needs to contain
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_COMMON = _words(
    """i pr prs ci cd api apis gpu gpus cpu cpus markdown e.g i.e etc vs ok
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    isn aren wasn weren don doesn didn hasn haven hadn shouldn couldn wouldn mustn needn"""
)
# generic software words an English word list lacks (no project's vocabulary: that is in its facts)
_SOFTWARE_WORDS = _words(
    """api apis backend backends frontend refactor refactors refactored refactoring runtime runtimes config configs
    async await cli tokenizer tokenizers tokenization middleware metadata
    codebase namespace namespaces repo repos rebase linter linters changelog readme mixin serializer serialization
    deserialization preprocessing postprocessing embeddings scalability observability subprocess
    multithreading mutex rollout allocator hotspot hotspots codepath codepaths bugfix bugfixes hotfix
    validator param params kwargs args enum struct dict json yaml toml http https url urls gpu gpus cpu cpus
    backport backports changeset unittest unittests testcase testcases regex boolean callback callbacks endpoint
    endpoints schemas hardcoded hardcode dtype dtypes sharding microbenchmark benchmarking profiler lifecycle
    initializer env envs stacktrace traceback untyped nullable standalone subcommand subcommands misconfiguration
    roadmap onboarding toolchain toolchains multi non pre post cross self semi anti inter intra mid sub
    dedup dedupe inline inlined lockfile lockfiles workaround workarounds"""
)


def forms(word: str) -> set[str]:
    """A lower-case word and the stems an English inflection may hide (kernels, decoding, dependencies)."""
    out = {word}
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            out.update((base, base + "e"))
            if base[-1] == base[-2]:
                out.add(base[:-1])  # stopped -> stop
            if base.endswith("i"):
                out.add(base[:-1] + "y")  # dependencies -> dependency
    return out


@functools.cache
def english_words() -> frozenset[str]:
    data = resources.files("prhub.llm").joinpath("english-words.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split()) | _SOFTWARE_WORDS | _COMMON


def fact_words(strings: Iterable[str]) -> set[str]:
    """Every word and identifier of the facts in lower case, with its parts and their stems."""
    out: set[str] = set()
    for text in strings:
        for token in _FACT_TOKEN.findall(text):
            token = token.lower()
            out.update(forms(token))
            pieces = {*_PARTS.split(token), *token.split("."), *token.split("-")}  # fused_moe.py: fused_moe, moe
            for piece in pieces:
                if piece:
                    out.update(forms(piece))
    return out


def _ordinary(word: str) -> bool:
    return bool(forms(word) & english_words())


def check_names(plain: str, index: FactIndex) -> None:
    """Raise Rejected for a name-like word that is neither in the facts nor ordinary prose."""
    for found in _TOKEN.finditer(plain):
        word = found[0].rstrip(".-")
        low = word.lower()
        if low in _COMMON or low in index.people or forms(low) & index.words:
            continue  # _COMMON: "e.g.", and the halves of "isn't" the tokens split
        letters = low.replace("_", "").replace(".", "").replace("-", "")
        if len(word) <= 2 and letters.isalpha():
            continue  # "Go", "is": too short to be an invented name worth the false alarms
        if any(c.isdigit() for c in word) or "_" in word or "." in word:
            raise Rejected(f"{word} is not a name in the facts")  # an identifier, a version, a model: only the facts'
        if "-" in word:
            for part in word.split("-"):
                if len(part) > 2 and not (forms(part.lower()) & index.words) and not _ordinary(part.lower()):
                    raise Rejected(f"{part} is not a name in the facts")
            continue
        if word.isupper() and len(word) <= 6:
            continue  # an acronym (KV, CUDA): too common to demand in the facts
        if any(c.isupper() for c in word[1:]):
            if low in _COMMON:
                continue
            raise Rejected(f"{word} is not a name in the facts")  # mixed case: TensorFlow, LoRA
        if word[0].isupper():
            before = plain[: found.start()].rstrip(" \t*_\"'“‘(")
            starts = not before or before[-1] in _SENTENCE_END or before.endswith(("- ", "\n"))
            if (starts and _ordinary(low)) or low in _COMMON:
                continue  # "This", "Overall" open a sentence; inside one, a capital makes a name
            raise Rejected(f"{word} is not a name in the facts")
        if not _ordinary(low):
            raise Rejected(f"{word} is not a name in the facts, nor an ordinary English word")


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
