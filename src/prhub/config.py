"""Settings in layers: shipped defaults < a preset < ``prhub.toml`` (repository root or ``--config``).

The defaults are data: ``defaults.toml`` inside the package, generic for any
repository. A preset (``presets/NAME.toml``) carries one project's vocabulary;
it is named by ``preset = "NAME"`` or matched by the repository's owner/name
(the preset lists its ``slugs``). The defaults file is the schema every other
layer is checked against: an unknown key is a one-line ConfigError, not a
silently ignored typo. Rule lists (labels, risks, themes) are ordered, first
match wins: the prhub.toml's rules, then the preset's, then the defaults'
(``default_rules = false`` drops the defaults'). Each value remembers the
layer it came from, for ``prhub config``.
"""

from __future__ import annotations

import copy
import functools
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from prhub.errors import ConfigError
from prhub.period import zone

CONFIG_NAME = "prhub.toml"
_PACKAGE = files("prhub")
DEFAULT = "default"  # the origin of a value no layer changed

RISK_TAGS = (
    "core-path",
    "missing-tests",
    "dependency",
    "platform",
    "config",
    "new-model",
    "large-change",
    "revert",
    "deprecation",
    "ci-build",
)

KINDS = (
    "revert",
    "fix",
    "perf",
    "kernel",
    "feature",
    "model",
    "refactor",
    "change",
    "deps",
    "ci",
    "tests",
    "docs",
    "minor",
)

RULE_LISTS = ("label_rules", "risk_rules", "theme_rules")

# The keys each kind of rule may carry (rules live in lists, so the defaults cannot show them).
RULE_KEYS: dict[str, dict[str, Any]] = {
    "label_rules": {"name": "", "title_tags": [], "conventional": [], "paths": [], "match": "all", "kind": ""},
    "risk_rules": {"tag": "", "paths": [], "title": "", "why_en": "", "why_zh": ""},
    "theme_rules": {
        "key": "",
        "name_en": "",
        "name_zh": "",
        "labels": [],
        "words": "",
        "paths": [],
        "kinds": [],
        "weight": 1.0,
        "topic": True,
    },
    "ai_assistants": {"name": "", "match": []},
}
PRESET_KEYS: dict[str, Any] = {"description": "", "slugs": []}  # a preset's own [preset] table
# Settings an environment variable may set, over every file (a server's or a CI job's choice).
ENV_KEYS = {
    "PRHUB_LANGUAGE": "language",
    "PRHUB_TIMEZONE": "timezone",
    "PRHUB_KEY_THRESHOLD": "key_threshold",
    "PRHUB_QUICK_LOOK": "quick_look",
    "PRHUB_PRESET": "preset",
}
_TABLES_AS_VALUES = ("modules.map", "importance.kind", "risks.platforms")  # tables whose keys are data, not settings


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    description: str
    slugs: tuple[str, ...]
    settings: dict[str, Any]  # everything but the [preset] table, checked like a prhub.toml


@dataclass(slots=True)
class Settings:
    """The merged settings; ``raw`` keeps the TOML-shaped dict for the rarely used knobs."""

    raw: dict[str, Any]
    source: Path | None = None
    label_rules: list[dict[str, Any]] = field(default_factory=list)
    risk_rules: list[dict[str, Any]] = field(default_factory=list)
    theme_rules: list[dict[str, Any]] = field(default_factory=list)
    preset: str | None = None  # the preset applied, if any
    origins: dict[str, str] = field(default_factory=dict)  # dotted key -> layer, for the values a layer set
    rule_origins: dict[str, list[str]] = field(default_factory=dict)  # rule list -> each rule's layer

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    @property
    def language(self) -> str:
        return str(self.raw["language"])

    @property
    def timezone(self) -> str:
        return str(self.raw["timezone"])

    @property
    def key_threshold(self) -> float:
        return float(self.raw["key_threshold"])

    @property
    def quick_look(self) -> int:
        return int(self.raw["quick_look"])

    def origin(self, key: str) -> str:
        """Where a dotted key's value came from: ``default``, ``preset:NAME``, a file's path."""
        while key:
            if key in self.origins:
                return self.origins[key]
            key = key.rpartition(".")[0]
        return DEFAULT


def _read_toml(resource: Traversable | Path, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(resource.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read: {exc.strerror}") from None


def _shipped_defaults() -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """defaults.toml: the settings (their rule lists empty: those hold a prhub.toml's own) and its rules."""
    where = "defaults.toml"
    data = _read_toml(_PACKAGE / where, where)
    rules = {kind: [_check_rule(r, kind, i, where) for i, r in enumerate(data.pop(kind, []))] for kind in RULE_LISTS}
    data["ai_assistants"] = [_check_rule(r, "ai_assistants", i, where) for i, r in enumerate(data["ai_assistants"])]
    data.update({kind: [] for kind in RULE_LISTS})
    return data, rules


@functools.cache
def presets() -> dict[str, Preset]:
    """The shipped presets by name (the file's stem)."""
    found: dict[str, Preset] = {}
    folder = _PACKAGE / "presets"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name) if folder.is_dir() else []:
        if not entry.name.endswith(".toml"):
            continue
        name = entry.name.removesuffix(".toml")
        where = f"preset {name}"
        data = _read_toml(entry, where)
        meta = data.pop("preset", {})
        if not isinstance(meta, dict):
            raise ConfigError(f"{where}: [preset] must be a table")
        for key, value in meta.items():
            if key not in PRESET_KEYS:
                raise ConfigError(f"{where}: unknown key {key!r} in [preset] (allowed: {', '.join(PRESET_KEYS)})")
            _check_type(value, PRESET_KEYS[key], f"preset.{key}", where)
        if "preset" in data:
            raise ConfigError(f"{where}: a preset cannot name another preset")
        found[name] = Preset(name, meta.get("description", ""), tuple(s.lower() for s in meta.get("slugs", [])), data)
    return found


def preset_for(slug: str | None) -> str | None:
    """The preset whose ``slugs`` name this repository (owner/name, any case), if any."""
    if not slug:
        return None
    wanted = slug.lower()
    return next((p.name for p in presets().values() if wanted in p.slugs), None)


def default_settings(slug: str | None = None) -> Settings:
    """The defaults, with the preset that matches ``slug`` (if any)."""
    return from_dict({}, None, slug)


def load(path: str | Path | None = None, repo_root: str | Path | None = None, slug: str | None = None) -> Settings:
    """``path`` when given (it must exist), else ``prhub.toml`` at the repository root, else defaults;
    ``slug`` (owner/name) picks the preset when the file does not name one."""
    if path is not None:
        file = Path(path).expanduser()
        if not file.is_file():
            raise ConfigError(f"config file not found: {file}")
    elif repo_root is not None and (Path(repo_root) / CONFIG_NAME).is_file():
        file = Path(repo_root) / CONFIG_NAME
    else:
        return default_settings(slug)
    return from_dict(_read_toml(file, str(file)), file, slug)


def of_repository(store: Any, slug: str) -> Settings:
    """A stored repository's settings: its prhub.toml as the last sync kept it, else the defaults
    (with the preset its slug matches). What ``serve``, ``site`` and ``report OWNER/NAME`` use."""
    repo = store.repository(slug)
    kept = store.repository_settings(repo.id)
    return from_text(kept.toml, kept.origin, repo.slug) if kept else default_settings(repo.slug)


def from_text(text: str, where: str, slug: str | None = None) -> Settings:
    """A prhub.toml's text as stored at sync (``where``: the file it was read from)."""
    try:
        user = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    return from_dict(user, Path(where), slug)


def from_dict(
    user: dict[str, Any],
    source: Path | None = None,
    slug: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Layers the defaults, the preset (named in ``user`` or matched by ``slug``), ``user`` and the
    PRHUB_* variables of ``env`` (default: the process environment)."""
    where = str(source) if source else "settings"
    merged = copy.deepcopy(DEFAULTS)
    origins: dict[str, str] = {}
    environ = os.environ if env is None else env
    from_env = {key: (var, environ[var]) for var, key in ENV_KEYS.items() if environ.get(var, "").strip()}
    choice = from_env["preset"][1].strip() if "preset" in from_env else user.get("preset", DEFAULTS["preset"])
    _check_type(choice, "", "preset", where)
    preset = _choose_preset(choice, slug, where)
    preset_rules: dict[str, list[dict[str, Any]]] = {kind: [] for kind in RULE_LISTS}
    if preset is not None:
        origin = f"preset:{preset.name}"
        preset_rules = _rules_of(preset.settings, f"preset {preset.name}")
        rest = {k: v for k, v in preset.settings.items() if k not in RULE_LISTS}
        _merge(merged, rest, DEFAULTS, f"preset {preset.name}", "", origin, origins, extend=True)
    _merge(merged, user, DEFAULTS, where, "", where, origins, extend=False)
    for key, (var, text) in from_env.items():
        _merge(
            merged, {key: _env_value(text.strip(), DEFAULTS[key], var)}, DEFAULTS, var, "", f"env:{var}", origins, False
        )
    return _build(merged, source, preset, preset_rules, origins)


def _env_value(text: str, default: Any, var: str) -> Any:
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        try:
            return type(default)(text)
        except ValueError:
            raise ConfigError(f"{var} should be a {type(default).__name__}, got {text!r}") from None
    return text


def _choose_preset(choice: str, slug: str | None, where: str) -> Preset | None:
    if choice == "none":
        return None
    if choice == "auto":
        name = preset_for(slug)
        return presets()[name] if name else None
    found = presets().get(choice)
    if found is None:
        known = ", ".join(["auto", "none", *presets()])
        raise ConfigError(f"{where}: unknown preset {choice!r} (one of: {known})")
    return found


def _rules_of(data: dict[str, Any], where: str) -> dict[str, list[dict[str, Any]]]:
    return {
        kind: [_check_rule(rule, kind, i, where) for i, rule in enumerate(_as_list(data.get(kind, []), kind, where))]
        for kind in RULE_LISTS
    }


def _merge(
    into: dict[str, Any],
    user: dict[str, Any],
    schema: dict[str, Any],
    where: str,
    prefix: str,
    origin: str,
    origins: dict[str, str],
    extend: bool,
) -> None:
    """Checks ``user`` against ``schema`` and lays it over ``into``; ``extend``: lists add (a preset)."""
    for key, value in user.items():
        name = f"{prefix}{key}"
        if key not in schema:
            raise ConfigError(f"{where}: unknown setting {name!r} (see docs/configuration.md)")
        expected = schema[key]
        if isinstance(expected, dict) and name not in _TABLES_AS_VALUES:
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: {name!r} must be a table")
            _merge(into[key], value, expected, where, f"{name}.", origin, origins, extend)
            continue
        if name == "importance.kind":
            _check_table(value, name, where, set(KINDS), (int, float))
            into[key].update(value)
            origins.update({f"{name}.{k}": origin for k in value})
            continue
        if name == "modules.map":
            _check_table(value, name, where, None, (str,))
            into[key] = {**into[key], **value} if extend else dict(value)
            origins[name] = origin
            continue
        if name == "risks.platforms":
            _check_table(value, name, where, None, (str,))
            for platform, pattern in value.items():
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ConfigError(f"{where}: {name}.{platform} is not a valid regular expression: {exc}") from None
            into[key] = {**into[key], **value} if extend else dict(value)
            origins[name] = origin
            continue
        if key in RULE_KEYS:
            value = [_check_rule(rule, key, i, where) for i, rule in enumerate(_as_list(value, name, where))]
        else:
            _check_type(value, expected, name, where)
        if extend and isinstance(value, list):
            value = into[key] + [v for v in value if v not in into[key]]
            origin_here = f"{origins.get(name, DEFAULT)} + {origin}"
        else:
            origin_here = origin
        into[key] = value
        origins[name] = origin_here


def _check_table(value: Any, name: str, where: str, allowed: set[str] | None, types: tuple[type, ...]) -> None:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {name!r} must be a table")
    for k, v in value.items():
        if allowed is not None and k not in allowed:
            raise ConfigError(f"{where}: unknown key {name}.{k!r} (one of: {', '.join(sorted(allowed))})")
        if not isinstance(v, types) or isinstance(v, bool):
            raise ConfigError(f"{where}: {name}.{k} has the wrong type")


def _as_list(value: Any, name: str, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(f"{where}: {name!r} must be an array of tables ([[{name}]])")
    return value


def _check_rule(rule: Any, kind: str, index: int, where: str) -> dict[str, Any]:
    name = f"{kind}[{index}]"
    if not isinstance(rule, dict):
        raise ConfigError(f"{where}: {name} must be a table")
    schema = RULE_KEYS[kind]
    for key, value in rule.items():
        if key not in schema:
            raise ConfigError(f"{where}: unknown key {key!r} in {name} (allowed: {', '.join(schema)})")
        _check_type(value, schema[key], f"{name}.{key}", where)
    full = {**copy.deepcopy(schema), **rule}
    if kind == "risk_rules" and full["tag"] not in RISK_TAGS:
        raise ConfigError(f"{where}: {name}.tag {full['tag']!r} is not one of {', '.join(RISK_TAGS)}")
    if kind == "label_rules" and full["kind"] and full["kind"] not in KINDS:
        raise ConfigError(f"{where}: {name}.kind {full['kind']!r} is not one of {', '.join(KINDS)}")
    if kind in ("label_rules", "theme_rules") and not full.get("name", full.get("key")):
        raise ConfigError(f"{where}: {name} needs a name")
    if kind == "theme_rules":
        if not full["key"]:
            raise ConfigError(f"{where}: {name} needs a key (a stable id such as 'docs')")
        if full["key"] == "other":
            raise ConfigError(f"{where}: {name}.key 'other' is reserved for the report's Other changes")
        full["name_en"] = full["name_en"] or full["key"]
        full["name_zh"] = full["name_zh"] or full["name_en"]
    for pattern_key in ("title", "words"):
        if full.get(pattern_key):
            try:
                re.compile(full[pattern_key])
            except re.error as exc:
                raise ConfigError(f"{where}: {name}.{pattern_key} is not a valid regular expression: {exc}") from None
    return full


def _check_type(value: Any, expected: Any, name: str, where: str) -> None:
    if isinstance(expected, bool):
        ok = isinstance(value, bool)
    elif isinstance(expected, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif isinstance(expected, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(expected, str):
        ok = isinstance(value, str)
    elif isinstance(expected, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    else:
        ok = True
    if not ok:
        raise ConfigError(f"{where}: {name} should be {type(expected).__name__}, got {value!r}")


def _build(
    raw: dict[str, Any],
    source: Path | None,
    preset: Preset | None,
    preset_rules: dict[str, list[dict[str, Any]]],
    origins: dict[str, str],
) -> Settings:
    where = str(source) if source else "settings"

    def at(key: str) -> str:  # the layer to blame for a bad value: the file, the preset or the variable
        return origins.get(key, where).removeprefix("env:")

    if raw["language"] not in ("en", "zh"):
        raise ConfigError(f"{at('language')}: language must be 'en' or 'zh', got {raw['language']!r}")
    try:
        zone(raw["timezone"])
    except Exception:
        raise ConfigError(f"{at('timezone')}: unknown timezone {raw['timezone']!r}") from None
    if not 0 <= float(raw["key_threshold"]) <= 10:
        raise ConfigError(f"{at('key_threshold')}: key_threshold must be between 0 and 10")
    if int(raw["quick_look"]) < 1:
        raise ConfigError(f"{at('quick_look')}: quick_look must be at least 1")
    use_defaults = bool(raw["default_rules"])
    rules: dict[str, list[dict[str, Any]]] = {}
    rule_origins: dict[str, list[str]] = {}
    for kind in RULE_LISTS:
        layers = [(raw[kind], where), (preset_rules[kind], f"preset:{preset.name}" if preset else "")]
        if use_defaults:
            layers.append((DEFAULT_RULES[kind], DEFAULT))
        rules[kind] = [rule for found, _ in layers for rule in found]
        rule_origins[kind] = [origin for found, origin in layers for _ in found]
    return Settings(
        raw=raw,
        source=source,
        label_rules=rules["label_rules"],
        risk_rules=rules["risk_rules"],
        theme_rules=rules["theme_rules"],
        preset=preset.name if preset else None,
        origins=origins,
        rule_origins=rule_origins,
    )


DEFAULTS, DEFAULT_RULES = _shipped_defaults()


def documented_keys() -> list[str]:
    """Every settings key, dotted (``importance.kind.fix``, ``label_rules.title_tags``), for the docs test."""
    keys: list[str] = []

    def walk(table: dict[str, Any], prefix: str) -> None:
        for key, value in table.items():
            name = f"{prefix}{key}"
            keys.append(name)
            if isinstance(value, dict) and name not in ("modules.map", "risks.platforms"):
                walk(value, f"{name}.")

    walk(DEFAULTS, "")
    for rule_kind, schema in RULE_KEYS.items():
        keys.extend(f"{rule_kind}.{key}" for key in schema)
    keys.extend(f"preset.{key}" for key in PRESET_KEYS)
    return keys
