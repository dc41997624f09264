"""``prhub config``: the effective settings of a repository, each value with the layer it came from.

TOML output reads like a prhub.toml (it can be copied into one): every value
carries a comment naming its layer, every rule a comment above it. JSON output
is for tools: the values, and the origin of every key and rule.
"""

from __future__ import annotations

import json
import re
from typing import Any

from prhub.config import RULE_LISTS, Settings

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_WIDE = 100  # arrays longer than this are written one item a line


def effective(settings: Settings) -> dict[str, Any]:
    """The settings as one TOML-shaped dict, rule lists holding every rule that applies, in order."""
    values = {key: value for key, value in settings.raw.items() if key not in RULE_LISTS}
    for kind in RULE_LISTS:
        values[kind] = getattr(settings, kind)
    return values


def origins(settings: Settings) -> dict[str, str]:
    """Every dotted key (tables and rule lists aside) -> its layer."""
    found: dict[str, str] = {}

    def walk(table: dict[str, Any], prefix: str) -> None:
        for key, value in table.items():
            name = f"{prefix}{key}"
            if key in RULE_LISTS and not prefix:
                continue
            if isinstance(value, dict) and name != "modules.map":
                walk(value, f"{name}.")
            else:
                found[name] = settings.origin(name)

    walk(settings.raw, "")
    return found


def to_json(settings: Settings, repository: str | None) -> str:
    doc = {
        "repository": repository,
        "preset": settings.preset,
        "settings": effective(settings),
        "origins": origins(settings),
        "rule_origins": settings.rule_origins,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def to_toml(settings: Settings, repository: str | None) -> str:
    where = origins(settings)
    lines = [
        f"# Effective settings{f' of {repository}' if repository else ''}: defaults.toml < preset < prhub.toml"
        " < PRHUB_* environment.",
        f"# preset: {_preset_note(settings)}; each value's comment names the layer it came from.",
        "",
    ]
    values = effective(settings)
    scalars = {k: v for k, v in values.items() if not isinstance(v, dict) and k not in RULE_LISTS}
    scalars.pop("ai_assistants")
    for key, value in scalars.items():
        lines.append(_assign(key, value, where.get(key, "")))
    for key, value in values.items():
        if isinstance(value, dict):
            _table(lines, key, value, where)
    assistants = values["ai_assistants"]
    _rules(lines, "ai_assistants", assistants, [where.get("ai_assistants", "")] * len(assistants))
    for kind in RULE_LISTS:
        _rules(lines, kind, values[kind], settings.rule_origins[kind])
    return "\n".join(lines).rstrip() + "\n"


def _preset_note(settings: Settings) -> str:
    if settings.preset is None:
        return "none"
    how = "matched by the repository's owner/name" if settings.raw["preset"] == "auto" else "named"
    return f"{settings.preset} ({how})"


def _table(lines: list[str], name: str, table: dict[str, Any], where: dict[str, str]) -> None:
    lines.extend(["", f"[{name}]"])
    nested = []
    for key, value in table.items():
        full = f"{name}.{key}"
        if isinstance(value, dict) and full != "modules.map":
            nested.append((full, value))
        elif isinstance(value, dict):  # modules.map: an inline table
            inline = "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
            lines.append(f"{_key(key)} = {inline}  # {where.get(full, '')}")
        else:
            lines.append(_assign(key, value, where.get(full, "")))
    for full, value in nested:
        _table(lines, full, value, where)


def _rules(lines: list[str], kind: str, rules: list[dict[str, Any]], origins_of: list[str]) -> None:
    for rule, origin in zip(rules, origins_of, strict=True):
        lines.extend(["", f"[[{kind}]]  # {origin}"])
        lines.extend(f"{_key(k)} = {_value(v)}" for k, v in rule.items() if v not in ("", [], None))


def _assign(key: str, value: Any, origin: str) -> str:
    text = f"{_key(key)} = {_value(value)}"
    return f"{text}  # {origin}" if origin else text


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        if "\\" in value and "'" not in value and "\n" not in value:
            return f"'{value}'"  # a literal string: regular expressions read as written
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        one = "[" + ", ".join(_value(v) for v in value) + "]"
        if len(one) <= _WIDE:
            return one
        return "[\n" + "".join(f"    {_value(v)},\n" for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML form for {type(value).__name__}")
