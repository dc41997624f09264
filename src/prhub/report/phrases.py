"""The words of the report, by table, in every language: loaded from the catalogue.

The words themselves live in one TOML file per language (``prhub/catalogue/en.toml``,
``zh.toml``); this module gives each table its Python name, as {lang: {key: value}}.
Each phrase key holds one or more variants; the prose picks one by a seed that depends
on the period (see prose.Voice), so two weeks with the same shape do not read the same.
Placeholders are filled with text already made safe for Markdown.
"""

from __future__ import annotations

from typing import Any

from prhub.catalogue import pairs, table

SECTION_KEYS: tuple[str, ...] = ("summary", "key_changes", "trends", "risks", "key_prs", "recommendations")

HEADINGS: dict[str, dict[str, str]] = table("headings")
RISK_NAMES: dict[str, dict[str, str]] = table("risk_names")
RISK_WHY: dict[str, dict[str, str]] = table("risk_why")
RISK_WATCH: dict[str, dict[str, list[str]]] = table("risk_watch")
KIND_NAMES: dict[str, dict[str, str]] = table("kind_names")
COMPONENT_NAMES: dict[str, dict[str, str]] = table("component_names")
PERIOD_WORDS: dict[str, dict[str, dict[str, str]]] = table("period_words")
NOUNS: dict[str, dict[str, tuple[str, str]]] = pairs("nouns")
PHRASES: dict[str, dict[str, list[str]]] = table("phrases")
NOTICES: dict[str, dict[str, str]] = table("notices")
MARKDOWN: dict[str, dict[str, Any]] = pairs("markdown")
RECOMMENDATIONS: dict[str, dict[str, list[str]]] = table("recommendations")
PUBLISH: dict[str, dict[str, str]] = table("publish")
REASON_KINDS: dict[str, dict[str, str]] = table("reason_kinds")
REASON_SIZES: dict[str, dict[str, str]] = table("reason_sizes")
MECHANICAL_NAMES: dict[str, dict[str, str]] = table("mechanical_names")
REASONS: dict[str, dict[str, str]] = table("reasons")
REVIEW_STATES: dict[str, dict[str, str]] = table("review_states")
RISK_EVIDENCE: dict[str, dict[str, str]] = table("risk_evidence")
GRAMMAR: dict[str, dict[str, str]] = table("grammar")
WRITERS: dict[str, dict[str, str]] = table("writers")
# the web pages' words: their own table plus the section headings
UI: dict[str, dict[str, str]] = {lang: {**HEADINGS[lang], **ui} for lang, ui in table("ui").items()}

# codes a title or label may use for a kind, mapped to the kind they mean (not words a reader sees)
KIND_ALIASES: dict[str, str] = {
    "bugfix": "fix",
    "bug": "fix",
    "feat": "feature",
    "performance": "perf",
    "tests": "test",
    "doc": "docs",
    "misc": "minor",
    "new-model": "model",
}
