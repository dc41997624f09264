"""Keys and encoding of what the analysis keeps between processes (store/pr_analysis.py).

A report reads the weeks before its period: their PRs' facts (for the trends and
the importance calibration) and months of titles (for the hot words). Deriving
them again in every process costs most of a report's time, so they are kept in
the store, each under a key of everything it was derived from:

- a title's words: prhub's analysis code and the title (the title itself, not a hash of it);
- a PR's facts: the code, the settings, the repository's ``.gitattributes``
  rules and the PR's own data (title, authors, files, GitHub labels, diff facts).

A kept part is used only while its key is the one computed now, so a changed
setting, a new prhub or a PR rewritten by a sync is derived again, never stale.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prhub import __version__
from prhub.config import Settings
from prhub.store.queries import StoredPr

_PACKAGE = Path(__file__).resolve().parent.parent  # prhub/


@functools.cache
def code_digest() -> str:
    """The analysis code's fingerprint: its sources, the settings code and the shipped defaults and
    presets (an installed prhub and a working tree alike: any edit changes it)."""
    digest = hashlib.sha256(__version__.encode())
    files = [*sorted((_PACKAGE / "analysis").glob("*.py")), _PACKAGE / "config.py", _PACKAGE / "defaults.toml"]
    files += sorted((_PACKAGE / "presets").glob("*.toml"))
    for path in files:
        try:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        except OSError:
            digest.update(path.name.encode() + b"\0?")
    return digest.hexdigest()[:32]


def _short(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def words_key(title: str) -> str:
    """The code's digest and the title itself: checked for months of titles per report, a
    comparison costs less than a hash."""
    return f"{code_digest()}\n{title}"


def settings_digest(settings: Settings, attributes: Sequence[tuple[str, str, bool]]) -> str:
    """What a PR's facts depend on besides the PR: the code, the settings and .gitattributes."""
    parts = [settings.raw, settings.label_rules, settings.risk_rules, settings.theme_rules, list(attributes)]
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return _short(f"{code_digest()}\0{text}")


def facts_key(prefix: str, pr: StoredPr) -> str:
    """``prefix`` (``settings_digest``) and every field of the PR its facts read."""
    files = [(f.path, f.status, f.additions, f.deletions, f.binary, f.old_path) for f in pr.files]
    labels = pr.forge.labels if pr.forge is not None else None
    data = (
        pr.title, pr.author, pr.author_email, pr.co_authors, files, pr.reverts_pr, pr.reverts_sha,
        pr.merge_kind, pr.base_branch, pr.diff_facts, labels,
    )  # fmt: skip
    return _short(f"{prefix}\0{data!r}")


# A title's words as "key key ...\nform\tform ...": the history window needs only the keys, and
# splitting them off is many times faster than decoding JSON. Words with a space, tab, newline or a
# character that is not ASCII in a key (or a tab or newline in a form) are kept as ASCII JSON
# instead, so lone surrogates (bytes that were not UTF-8) and NULs survive either database.
def encode_words(words: dict[str, str]) -> str:
    keys, forms = list(words), list(words.values())
    plain = all(k and k.isascii() and k.isprintable() and " " not in k for k in keys) and not any(
        "\t" in f or "\n" in f or not (f.isascii() and f.isprintable()) for f in forms
    )
    if plain and not (keys and keys[0].startswith("[")):
        return " ".join(keys) + "\n" + "\t".join(forms)
    return json.dumps(list(words.items()), separators=(",", ":"))


def decode_words(text: str) -> dict[str, str]:
    if text.startswith("["):
        return dict(json.loads(text))
    keys, _, forms = text.partition("\n")
    if not keys:
        return {}
    return dict(zip(keys.split(" "), forms.split("\t"), strict=True))


def decode_word_keys(text: str) -> list[str]:
    if text.startswith("["):
        return [k for k, _ in json.loads(text)]
    keys = text.partition("\n")[0]
    return keys.split(" ") if keys else []


def encode_facts(fields: dict[str, Any]) -> str:
    return json.dumps(fields, separators=(",", ":"))


def decode_facts(text: str) -> dict[str, Any]:
    found = json.loads(text)
    if not isinstance(found, dict):
        raise ValueError("kept facts: not an object")
    return found
