"""Importance reasons (codes and parameters from analysis/importance.py) as one line of words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from prhub.report.phrases import MECHANICAL_NAMES, REASON_KINDS, REASON_SIZES, REASONS


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
