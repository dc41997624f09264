"""The optional LLM analyst and writer, behind any OpenAI-compatible endpoint.

    prhub report ~/src/vllm --week 2026-W15 --llm http://localhost:8000/v1 --llm-model Qwen/Qwen3-8B

Without an endpoint nothing changes: the templates write every section.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from prhub.errors import ConfigError
from prhub.report.phrases import SECTION_KEYS

if TYPE_CHECKING:
    from prhub.llm.client import ChatClient, LlmError, display_url
    from prhub.llm.writer import Event, LlmConfig, LlmRun, apply_stored, write

# imported on first use: a report without a model (most) does not load the writer and its client
_LAZY = {
    "ChatClient": "prhub.llm.client",
    "LlmError": "prhub.llm.client",
    "display_url": "prhub.llm.client",
    "Event": "prhub.llm.writer",
    "LlmConfig": "prhub.llm.writer",
    "LlmRun": "prhub.llm.writer",
    "apply_stored": "prhub.llm.writer",
    "write": "prhub.llm.writer",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "ChatClient",
    "Event",
    "LlmConfig",
    "LlmError",
    "LlmRun",
    "apply_stored",
    "display_url",
    "resolve_config",
    "write",
]


def resolve_config(
    settings: Mapping[str, Any] | None,
    url: str | None = None,
    model: str | None = None,
    use_cache: bool = True,
    environ: Mapping[str, str] | None = None,
) -> LlmConfig | None:
    """--llm/--llm-model > PRHUB_LLM_URL/PRHUB_LLM_MODEL > prhub.toml [llm]; None when no endpoint is set.

    The API key is read from PRHUB_LLM_API_KEY only: never from a file or a flag
    (a flag shows in the process list), and it is never written anywhere.
    """
    env = os.environ if environ is None else environ
    table: Mapping[str, Any] = {}
    if settings is not None:
        try:
            table = settings["llm"] or {}
        except (KeyError, TypeError):
            table = {}
    url = url or env.get("PRHUB_LLM_URL") or table.get("url") or ""
    if not url:
        return None
    model = model or env.get("PRHUB_LLM_MODEL") or table.get("model") or ""
    if not model:
        raise ConfigError("an LLM endpoint is set but no model: pass --llm-model NAME (or PRHUB_LLM_MODEL)")
    sections = tuple(table.get("sections", SECTION_KEYS))
    unknown = [s for s in sections if s not in SECTION_KEYS]
    if unknown:
        raise ConfigError(f"llm.sections: unknown section {unknown[0]!r} (one of: {', '.join(SECTION_KEYS)})")
    language = str(table.get("language", "auto"))
    if language not in ("auto", "en", "zh"):
        raise ConfigError(f"llm.language must be auto, en or zh, got {language!r}")
    numbers = {
        "temperature": (float(table.get("temperature", 0.2)), 0.0, 2.0),
        "max_tokens": (int(table.get("max_tokens", 800)), 16, 32768),
        "concurrency": (int(table.get("concurrency", 2)), 1, 64),
        "timeout": (float(table.get("timeout", 60.0)), 1.0, 3600.0),
        "retries": (int(table.get("retries", 3)), 0, 10),
        "max_readings": (int(table.get("max_readings", 0)), 0, 1000),
    }
    for name, (value, low, high) in numbers.items():
        if not low <= value <= high:
            raise ConfigError(f"llm.{name} must be between {low:g} and {high:g}, got {value:g}")
    from prhub.llm.writer import LlmConfig

    return LlmConfig(
        url=url,
        model=model,
        api_key=env.get("PRHUB_LLM_API_KEY") or None,
        temperature=numbers["temperature"][0],
        max_tokens=int(numbers["max_tokens"][0]),
        concurrency=int(numbers["concurrency"][0]),
        timeout=numbers["timeout"][0],
        retries=int(numbers["retries"][0]),
        sections=sections,
        language=language,
        readings=bool(table.get("readings", True)),
        max_readings=int(numbers["max_readings"][0]),
        known_words=tuple(str(word) for word in table.get("known_words", ())),
        use_cache=use_cache,
    )
