"""Each repository's own settings: `prhub config` shows them with their layers, `prhub sync` keeps
the clone's prhub.toml, and `report OWNER/NAME`, `site` and `serve` use it without the clone."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from conftest import run_prhub
from gitrepo import ALICE, BOB, FORGE, ScriptedRepo
from prhub.period import from_slug
from prhub.web.reports import ReportService

WEEK = "2026-04-06-to-2026-04-12"  # 2026-W15, where the scripted commits fall
SETTINGS = """\
language = "zh"
key_threshold = 7.5

[[theme_rules]]
key = "widgets"
name_en = "Widget work"
name_zh = "小部件"
words = "(?i)\\\\bwidgets?\\\\b"
"""


def widget_repo(path: Path, settings: str | None = SETTINGS) -> ScriptedRepo:
    repo = ScriptedRepo(path)
    repo.git("remote", "add", "origin", "https://github.com/acme/widgets.git")
    repo.lines("README.md", 2)
    if settings is not None:
        repo.write("prhub.toml", settings)
    repo.commit("Initial import", author=ALICE)
    for number, title in enumerate(["Add widget sizes", "Fix widget colours", "Widget docs", "Speed up gears"], 1):
        repo.lines(f"src/part{number}.py", 20 + number)
        repo.commit(f"{title} (#{number})", author=BOB if number % 2 else ALICE, committer=FORGE)
    return repo


def test_config_shows_each_value_with_its_layer(tmp_path: Path) -> None:
    repo = widget_repo(tmp_path / "repo")
    shown = run_prhub("config", str(repo.path), env={"PRHUB_QUICK_LOOK": "3"})
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    assert text.startswith("# Effective settings of acme/widgets")
    data = tomllib.loads(text)  # the output reads as TOML
    assert data["language"] == "zh" and data["quick_look"] == 3 and data["key_threshold"] == 7.5
    assert f'language = "zh"  # {repo.path / "prhub.toml"}' in text
    assert "quick_look = 3  # env:PRHUB_QUICK_LOOK" in text and 'timezone = "UTC"  # default' in text
    assert data["theme_rules"][0]["key"] == "widgets" and "[[theme_rules]]  # default" in text

    as_json = run_prhub("config", str(repo.path), "--format", "json")
    doc = json.loads(as_json.stdout)
    assert doc["repository"] == "acme/widgets" and doc["preset"] is None
    assert doc["origins"]["language"] == str(repo.path / "prhub.toml") and doc["origins"]["hot_files"] == "default"
    assert doc["rule_origins"]["theme_rules"][0] == str(repo.path / "prhub.toml")
    assert len(doc["settings"]["theme_rules"]) == len(doc["rule_origins"]["theme_rules"])


def test_config_of_a_slug_shows_its_preset(tmp_path: Path) -> None:
    shown = run_prhub("config", "vllm-project/vllm", "--db", str(tmp_path / "none.db"), "--format", "json")
    assert shown.returncode == 0, shown.stderr
    doc = json.loads(shown.stdout)
    assert doc["preset"] == "vllm" and doc["origins"]["bots"] == "default + preset:vllm"
    assert "preset:vllm" in doc["rule_origins"]["label_rules"]
    assert not (tmp_path / "none.db").exists()  # showing settings writes no database
    no_preset = {"PRHUB_PRESET": "none"}
    opted_out = run_prhub("config", "vllm-project/vllm", "--db", str(tmp_path / "none.db"), env=no_preset)
    assert "# preset: none" in opted_out.stdout and "rocm" not in opted_out.stdout.lower()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("langauge = 'zh'\n", "unknown setting 'langauge'"),
        ("language = \n", "not valid TOML"),
        ("preset = 'nope'\n", "unknown preset 'nope'"),
    ],
)
def test_bad_settings_are_one_line_errors_in_config_and_sync(tmp_path: Path, content: str, message: str) -> None:
    repo = widget_repo(tmp_path / "repo", content)
    shown = run_prhub("config", str(repo.path))
    assert shown.returncode != 0 and message in shown.stderr
    assert shown.stderr.startswith("prhub: error: ") and shown.stderr.count("\n") == 1
    db = tmp_path / "prhub.db"
    synced = run_prhub("sync", str(repo.path), "--db", str(db))
    assert synced.returncode != 0 and message in synced.stderr and "Traceback" not in synced.stderr
    # the history was kept all the same: fixing the file is enough
    repo.write("prhub.toml", SETTINGS)
    again = run_prhub("sync", str(repo.path), "--db", str(db))
    assert again.returncode == 0 and "already up to date" in again.stdout


def test_site_serve_and_report_by_name_use_the_settings_kept_at_sync(tmp_path: Path) -> None:
    repo = widget_repo(tmp_path / "repo")
    db = tmp_path / "prhub.db"
    assert run_prhub("sync", str(repo.path), "--db", str(db)).returncode == 0
    shutil.rmtree(repo.path)  # the server has no clone: what the sync kept is all there is

    report = run_prhub("report", "acme/widgets", "--week", "2026-W15", "--db", str(db), "--format", "json")
    assert report.returncode == 0, report.stderr
    ctx = json.loads(report.stdout)
    assert ctx["language"] == "zh"  # the repository's language
    assert "widgets" in [t["key"] for t in ctx["themes"]]

    out = tmp_path / "public"
    site = run_prhub("site", str(out), "--db", str(db), "--lang", "en")
    assert site.returncode == 0, site.stderr
    page = (out / "acme" / "widgets" / "reports" / WEEK / "index.html").read_text(encoding="utf-8")
    assert "Widget work" in page
    api = json.loads((out / "api" / "acme" / "widgets" / "reports" / f"{WEEK}.json").read_text(encoding="utf-8"))
    assert "widgets" in [t["key"] for t in api["themes"]]

    service = ReportService(db)
    try:
        repository = service.repository("acme/widgets")
        served = service.report(repository, from_slug(WEEK), "en").context
        assert "Widget work" in [t["name"] for t in served["themes"]]
    finally:
        service.close()


def test_a_new_prhub_toml_reaches_the_server_at_the_next_sync(tmp_path: Path) -> None:
    repo = widget_repo(tmp_path / "repo", None)
    db = tmp_path / "prhub.db"
    assert run_prhub("sync", str(repo.path), "--db", str(db)).returncode == 0
    service = ReportService(db)
    try:
        repository = service.repository("acme/widgets")
        before = service.report(repository, from_slug(WEEK), "en").context
        assert "widgets" not in [t["key"] for t in before["themes"]]
        repo.write("prhub.toml", SETTINGS)  # not committed: the clone's file is what counts
        assert run_prhub("sync", str(repo.path), "--db", str(db)).returncode == 0
        after = service.report(repository, from_slug(WEEK), "en").context
        assert "widgets" in [t["key"] for t in after["themes"]]
        (repo.path / "prhub.toml").unlink()
        assert run_prhub("sync", str(repo.path), "--db", str(db)).returncode == 0
        gone = service.report(repository, from_slug(WEEK), "en").context
        assert "widgets" not in [t["key"] for t in gone["themes"]]
    finally:
        service.close()


@pytest.mark.parametrize(
    ("lang", "catalogue"), [("en", "CI, build or packaging files changed"), ("zh", "修改了 CI、构建或打包文件")]
)
def test_risk_reasons_come_from_the_catalogue_unless_a_rule_brings_its_own(
    tmp_path: Path, lang: str, catalogue: str
) -> None:
    own = 'default_rules = true\n[[risk_rules]]\ntag = "config"\npaths = ["**/part2.py"]\nwhy_en = "our knobs moved"\n'
    repo = widget_repo(tmp_path / "repo", own)
    repo.lines(".github/workflows/ci.yml", 3)
    repo.commit("Run the tests on push (#5)", author=BOB, committer=FORGE)
    db = str(tmp_path / "prhub.db")
    shown = run_prhub("report", str(repo.path), "--week", "2026-W15", "--db", db, "--format", "json", "--lang", lang)
    why = {r["tag"]: r["why"] for r in json.loads(shown.stdout)["risks"]}
    assert why["ci-build"] == catalogue
    assert why["config"] == "our knobs moved"  # no why_zh: the rule's English words
