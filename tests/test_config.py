"""Settings: defaults without a file, unknown keys rejected, every key documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from prhub.config import default_settings, documented_keys, from_dict, load
from prhub.errors import ConfigError

DOCS = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"`\[{0,2}([a-z_]+(?:\.[a-z_]+)*)\]{0,2}`", text))
    missing = [key for key in documented_keys() if key not in documented]
    assert not missing, f"undocumented settings in docs/configuration.md: {missing}"


def test_defaults_work_without_a_file(tmp_path: Path) -> None:
    settings = load(None, tmp_path)
    assert settings.source is None
    assert settings.key_threshold == 6.0 and settings.quick_look == 5 and settings.language == "en"
    assert settings.label_rules and settings.risk_rules and settings.theme_rules


def test_repository_file_is_read_and_user_rules_come_first(tmp_path: Path) -> None:
    (tmp_path / "prhub.toml").write_text(
        'language = "zh"\nkey_threshold = 7\n[importance.kind]\nfix = 0.9\n'
        '[[label_rules]]\nname = "gemma"\ntitle_tags = ["gemma4"]\n',
        encoding="utf-8",
    )
    settings = load(None, tmp_path)
    assert settings.language == "zh" and settings.key_threshold == 7
    assert settings["importance"]["kind"]["fix"] == 0.9
    assert settings["importance"]["kind"]["feature"] == 1.0  # untouched keys keep their defaults
    assert settings.label_rules[0]["name"] == "gemma"
    assert len(settings.label_rules) == len(default_settings().label_rules) + 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"langauge": "zh"}, "unknown setting 'langauge'"),
        ({"importance": {"sise_max": 1}}, "unknown setting 'importance.sise_max'"),
        ({"importance": {"kind": {"bugs": 1}}}, "unknown key importance.kind"),
        ({"key_threshold": "high"}, "key_threshold should be float"),
        ({"risk_rules": [{"tag": "scary"}]}, "is not one of"),
        ({"label_rules": [{"name": "x", "colour": "red"}]}, "unknown key 'colour'"),
        ({"theme_rules": [{"key": "x", "words": "(unclosed"}]}, "not a valid regular expression"),
        ({"theme_rules": [{"key": "other"}]}, "'other' is reserved"),
        ({"language": "fr"}, "language must be"),
        ({"timezone": "Mars/Olympus"}, "unknown timezone"),
    ],
)
def test_bad_settings_are_one_line_errors(data: dict, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        from_dict(data)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_malformed_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("language = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(bad)
    with pytest.raises(ConfigError, match="not found"):
        load(tmp_path / "missing.toml")


def test_default_rules_can_be_switched_off() -> None:
    settings = from_dict({"default_rules": False, "theme_rules": [{"key": "all", "kinds": ["fix"]}]})
    assert [r["key"] for r in settings.theme_rules] == ["all"]
    assert settings.theme_rules[0]["name_en"] == "all" and not settings.label_rules


def test_shipped_defaults_know_no_project_and_the_vllm_preset_matches_by_slug(tmp_path: Path) -> None:
    generic = load(None, tmp_path, slug="pallets/flask")
    assert generic.preset is None
    words = {tag for rule in generic.label_rules for tag in rule["title_tags"]}
    assert "rocm" not in words and "moe" not in words and "bugfix" in words
    assert not any("vllm" in glob for rule in generic.risk_rules for glob in rule["paths"])

    vllm = load(None, tmp_path, slug="vLLM-Project/vllm")  # any case
    assert vllm.preset == "vllm"
    assert {"moe", "rocm", "kv-cache"} <= {rule["key"] for rule in vllm.theme_rules}
    assert "vllm-agent*" in vllm["bots"] and "dependabot*" in vllm["bots"]  # the preset adds to the list
    assert vllm.origin("bots") == "default + preset:vllm" and vllm.origin("language") == "default"
    # the preset's rules come before the defaults', which still follow
    assert vllm.rule_origins["theme_rules"][0] == "preset:vllm" and vllm.rule_origins["theme_rules"][-1] == "default"
    assert vllm.theme_rules[-len(generic.theme_rules) :] == generic.theme_rules


def test_preset_is_named_or_refused_in_prhub_toml(tmp_path: Path) -> None:
    (tmp_path / "prhub.toml").write_text('preset = "none"\nlanguage = "zh"\n', encoding="utf-8")
    opted_out = load(None, tmp_path, slug="vllm-project/vllm")
    assert opted_out.preset is None and opted_out.language == "zh"
    assert opted_out.origin("language") == str(tmp_path / "prhub.toml")

    (tmp_path / "prhub.toml").write_text('preset = "vllm"\n', encoding="utf-8")
    named = load(None, tmp_path, slug="someone/fork")
    assert named.preset == "vllm" and any(rule["name"] == "rocm" for rule in named.label_rules)

    (tmp_path / "prhub.toml").write_text('preset = "vlm"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load(None, tmp_path)
    assert "unknown preset 'vlm' (one of: auto, none, vllm)" in str(err.value) and "\n" not in str(err.value)


def test_user_list_replaces_what_the_preset_added() -> None:
    settings = from_dict({"bots": ["ci-robot"]}, None, "vllm-project/vllm")
    assert settings["bots"] == ["ci-robot"] and settings.origin("bots") == "settings"
    assert settings.preset == "vllm"  # the preset's rules stay


def test_default_rules_off_keeps_the_preset_rules() -> None:
    settings = from_dict({"default_rules": False}, None, "vllm-project/vllm")
    assert settings.rule_origins["theme_rules"] and set(settings.rule_origins["theme_rules"]) == {"preset:vllm"}
