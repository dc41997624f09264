"""Codes and parameters from analysis as words: importance reasons and risk evidence, one line each."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from prhub.analysis.risks import Risk
from prhub.report.phrases import (
    GRAMMAR,
    MECHANICAL_NAMES,
    NOUNS,
    REASON_KINDS,
    REASON_SIZES,
    REASONS,
    RISK_EVIDENCE,
)


def reason_text(reasons: Iterable[Mapping[str, Any]], lang: str) -> str:
    """ "large feature (1200 lines, larger than 97% of recent PRs), touches 2 core files"."""
    lang = lang if lang in REASONS else "en"
    words = REASONS[lang]
    out: list[str] = []
    for r in reasons:
        code = r.get("code")
        if code == "size":
            kind = REASON_KINDS[lang].get(str(r.get("kind")), str(r.get("kind")))
            size = REASON_SIZES[lang].get(str(r.get("size")), "")
            pct = int(r.get("pct") or 0)
            key = "size.pct" if str(r.get("size")) == "large" and pct >= 85 else "size"
            if r.get("lines") == 1 and f"{key}.one" in words:
                key = f"{key}.one"
            out.append(words[key].format(size=size, kind=kind, lines=r.get("lines", 0), pct=pct))
        elif code == "core":
            files = int(r.get("files") or 0)
            out.append(words["core.one"] if files == 1 else words["core"].format(files=files))
        elif code == "mechanical":
            what = MECHANICAL_NAMES[lang].get(str(r.get("why")), str(r.get("why")))
            out.append(words["mechanical"].format(what=what))
        elif code in words:
            out.append(words[str(code)].format(**{k: v for k, v in r.items() if k != "code"}))
    return words["join"].join(out)


def listing(items: Sequence[str], lang: str, limit: int = 3) -> str:
    """The first few items and how many more: "a, b, c (+2)"."""
    grammar = GRAMMAR[lang]
    shown = grammar["list_sep"].join(items[:limit])
    more = len(items) - limit
    return grammar["more_items"].format(items=shown, n=more) if more > 0 else shown


def risk_evidence_text(risk: Risk, lang: str) -> str:
    """ "core files: a.py, b.py", "120 source lines in 3 files, no test changed"."""
    lang = lang if lang in RISK_EVIDENCE else "en"
    values: dict[str, object] = dict(risk.params)
    key = risk.evidence
    if risk.files:
        values["files"] = listing(risk.files, lang)
    elif isinstance(values.get("files"), int):  # a count of files
        n = int(values["files"])  # type: ignore[call-overload]
        one, many = NOUNS[lang]["file"]
        values["files"], values["files_n"] = f"{n} {one if n == 1 else many}", n
    entries = values.get("entries")
    if isinstance(entries, tuple) and entries:
        key, values["entries"] = f"{key}.entries", listing(entries, lang)
    template = RISK_EVIDENCE[lang].get(key)
    return template.format(**values) if template else key
