"""The word catalogues: one TOML file per language, with the same keys and no unknown placeholders."""

from __future__ import annotations

import string
from collections.abc import Iterator
from typing import Any

import pytest

from prhub.catalogue import LANGS, catalogue

# the period words every phrase may use, whichever its language needs ("this week" / "本周")
PERIOD_PLACEHOLDERS = {"this", "This", "period", "prev"}


def flat(table: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in table.items():
        if isinstance(value, dict):
            yield from flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def placeholders(value: Any) -> set[str]:
    texts = value if isinstance(value, list) else [value]
    names: set[str] = set()
    for text in texts:
        assert isinstance(text, str)
        for _, field, _, _ in string.Formatter().parse(text):  # raises on a malformed template
            if field:
                names.add(field.split(".")[0].split("[")[0])
    return names


def is_plural_form(key: str) -> bool:
    """English singular variants ("key_prs_n_one", "add-tests.one"): a language without plural needs none."""
    return key.endswith("_one") or key.endswith(".one")


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_every_language_has_every_key_and_only_known_placeholders(lang: str) -> None:
    english = dict(flat(catalogue("en")))
    other = dict(flat(catalogue(lang)))
    missing = sorted(key for key in english if key not in other and not is_plural_form(key))
    assert missing == [], f"{lang}.toml lacks {missing}"
    extra = sorted(key for key in other if key not in english)
    assert extra == [], f"{lang}.toml has keys English lacks: {extra}"
    # a translation orders its words its own way and may leave a value out, but a placeholder that no
    # English phrase uses is a typo the code would never fill
    known = set().union(*(placeholders(value) for value in english.values())) | PERIOD_PLACEHOLDERS
    known |= {f"{name}_n" for name in known}  # the bare number beside a counted phrase: {authors} / {authors_n}
    for key, value in other.items():
        unknown = placeholders(value) - known
        assert not unknown, f"{lang}.toml {key} uses {unknown}, a placeholder no English phrase knows"


@pytest.mark.parametrize("lang", LANGS)
def test_no_empty_words(lang: str) -> None:
    # a separator may be empty (Chinese joins sentences with nothing); a word may not
    empty = [key for key, value in flat(catalogue(lang)) if value in ("", []) and not key.endswith("_sep")]
    assert empty == []
