"""Every word a reader sees, one catalogue per language: ``en.toml`` and ``zh.toml`` beside this file.

Code asks for a table (``table("phrases")``) and gets ``{lang: {key: value}}``; analysis never
holds words, only codes and parameters that the report fills in from here. A new language is a new
TOML file with the same keys and placeholders (tests/test_catalogue.py checks that they match).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

LANGS: tuple[str, ...] = ("en", "zh")


@cache
def catalogue(lang: str) -> dict[str, Any]:
    """The whole catalogue of one language, as parsed from its TOML file."""
    text = resources.files(__package__).joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def table(name: str) -> dict[str, Any]:
    """One table in every language: {lang: {key: value}}."""
    return {lang: catalogue(lang)[name] for lang in LANGS}


def pairs(name: str) -> dict[str, dict[str, Any]]:
    """A table whose two-item arrays are (one, many) pairs, as tuples."""
    return {
        lang: {k: tuple(v) if isinstance(v, list) and len(v) == 2 else v for k, v in entries.items()}
        for lang, entries in table(name).items()
    }


def words(lang: str, name: str) -> dict[str, Any]:
    """One table in one language (English for a language the catalogue lacks)."""
    return catalogue(lang if lang in LANGS else "en")[name]
