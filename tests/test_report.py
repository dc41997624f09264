"""The report on the vllm window: context contract, 2026-W15 figures, the CLI end to end."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from tests.gitrepo import EPOCH, FORGE, ScriptedRepo, Who

from conftest import run_prhub
from prhub.config import RISK_TAGS
from prhub.period import week
from prhub.report import build_context, iter_contexts
from prhub.store import open_store
from prhub.store.sqlite import Store

SLUG = "vllm-project/vllm"
PRODUCT_KEYS = {
    "repo", "period", "counts", "importance", "labels", "hot_files", "risks", "themes", "prs",
    "recommendations", "sections", "key_prs", "contributors", "ai_assisted", "reverts", "deltas", "history",
}  # fmt: skip


@pytest.fixture(scope="module")
def w15(synced_any: str) -> dict:
    with open_store(synced_any) as store:
        return build_context(store, SLUG, week("2026-W15"))


def test_w15_headline(w15: dict) -> None:
    assert set(w15) >= PRODUCT_KEYS
    assert w15["repo"] == {"slug": SLUG, "url": "https://github.com/vllm-project/vllm"}
    assert w15["period"]["slug"] == "2026-04-06-to-2026-04-12" and w15["period"]["label"].startswith("2026 W15")
    counts = w15["counts"]
    assert counts["merged_prs"] == 180 == len(w15["prs"])
    assert counts["key_prs"] == sum(p["is_key"] for p in w15["prs"])
    assert 0.05 <= counts["key_prs"] / counts["merged_prs"] <= 0.25
    assert 4.0 <= w15["importance"]["mean"] <= 5.5
    assert sum(b["count"] for b in w15["importance"]["histogram"]) == 180
    assert w15["permalink"] == f"/{SLUG}/reports/2026-04-06-to-2026-04-12"


def test_w15_prs(w15: dict) -> None:
    values = [p["importance"] for p in w15["prs"]]
    assert values == sorted(values, reverse=True)  # most important first
    for p in w15["prs"]:
        assert 0 <= p["importance"] <= 10 and round(p["importance"], 1) == p["importance"]
        assert p["url"] == f"https://github.com/vllm-project/vllm/pull/{p['number']}"
        assert set(p["score"]["components"]) >= {"size", "breadth", "core", "kind", "new_surface", "risk"}
        assert p["score"]["reason"] and "\n" not in p["score"]["reason"]
        assert all(lb["source"] in ("title-tag", "conventional", "path-rule", "github") for lb in p["labels"])
        assert all(r["tag"] in RISK_TAGS and r["evidence"] for r in p["risks"])
        assert p["files"] and p["modules"]
    assert w15["key_prs"] == [p["number"] for p in w15["prs"][:5]]
    labelled = [p for p in w15["prs"] if p["title"].startswith("[Bugfix]")]
    assert labelled and all({"name": "bugfix", "source": "title-tag"} in p["labels"] for p in labelled)


def test_w15_themes_risks_and_more(w15: dict) -> None:
    numbers = {p["number"] for p in w15["prs"]}
    assert 4 <= len(w15["themes"]) <= 10
    for theme in w15["themes"]:
        assert theme["key"] and theme["name"] and theme["lead_authors"]
        assert set(theme["prs"]) <= numbers and set(theme["representative_prs"]) <= set(theme["prs"])
        assert theme["trend"] in ("new", "rising", "falling", "steady")
    keys = {t["key"] for t in w15["themes"]}
    assert len(keys & {"moe", "rocm", "kv-cache", "frontend", "quantization", "ci"}) >= 3
    # every PR belongs somewhere: a named theme, else "Other changes", listed apart
    other = w15["other_theme"]
    assert other["key"] == "other" and other["name"] == "Other changes" and "other" not in keys
    named = {n: t["key"] for t in w15["themes"] for n in t["prs"]}
    assert set(named).isdisjoint(other["prs"]) and len(named) + other["count"] == 180 == len(named) + len(other["prs"])
    names = {t["key"]: t["name"] for t in w15["themes"]} | {"other": "Other changes"}
    for p in w15["prs"]:
        key = named.get(p["number"], "other")
        assert p["theme_key"] == key and p["theme"] == names[key]
    assert all(p["theme_key"] != "other" for p in w15["prs"][:5] if p["is_key"])  # the quick look is named
    assert len(other["prs"]) < 180 / 2
    risks = {r["tag"]: r for r in w15["risks"]}
    assert {"core-path", "missing-tests", "platform", "ci-build", "revert"} <= set(risks)
    assert all(r["why"] and set(r["prs"]) <= numbers and r["count"] == len(r["prs"]) for r in w15["risks"])
    revert = next(p for p in w15["prs"] if p["number"] == 39512)
    assert revert["reverts"] == 38577 and any(r["tag"] == "revert" for r in revert["risks"])
    assert w15["labels"][0]["count"] >= w15["labels"][-1]["count"]
    assert w15["hot_files"] and all(h["prs"] >= 2 for h in w15["hot_files"])
    assert 0 < w15["ai_assisted"]["count"] == len(w15["ai_assisted"]["prs"]) < 180
    assert w15["history"][-1] == {"start": "2026-04-06", "label": "2026 W15", "merged_prs": 180}
    assert len(w15["history"]) == 12
    for rec in w15["recommendations"]:
        assert rec["kind"] and rec["text"] and set(rec["prs"]) <= numbers


def test_every_pr_number_in_the_prose_is_in_the_context(w15: dict) -> None:
    known = {p["number"] for p in w15["prs"]} | {r["reverts_pr"] for r in w15["reverts"] if r["reverts_pr"]}
    assert list(w15["sections"]) == ["summary", "key_changes", "trends", "risks", "key_prs", "recommendations"]
    cited = {int(n) for text in w15["sections"].values() for n in re.findall(r"#(\d+)", text)}
    assert cited and cited <= known


def test_chinese_and_quiet_periods(synced_any: str) -> None:
    with open_store(synced_any) as store:
        zh = build_context(store, SLUG, week("2026-W15"), lang="zh")
        assert zh["period"]["label"].startswith("2026 第 15 周") and zh["language"] == "zh"
        assert all(s.strip() for s in zh["sections"].values())
        empty = build_context(store, SLUG, week("2025-W01"))
    assert empty["counts"]["merged_prs"] == 0 and empty["themes"] == [] and empty["prs"] == []
    assert empty["sections"]["summary"]


def test_bulk_contexts_match_single_ones(synced_any: str) -> None:
    with open_store(synced_any) as store:
        started = time.perf_counter()
        every = {c["period"]["slug"]: c for c in iter_contexts(store, SLUG, kind="week")}
        elapsed = time.perf_counter() - started
        single = build_context(store, SLUG, week("2026-W15"))
    assert len(every) == 4 and elapsed < 20
    bulk = every["2026-04-06-to-2026-04-12"]
    for key in ("counts", "importance", "themes", "other_theme", "risks", "labels", "prs", "recommendations", "deltas"):
        assert bulk[key] == single[key], key


# -- the command line -------------------------------------------------------------------
def test_cli_markdown_and_json(synced_db: Path, vllm_window: Path, tmp_path: Path) -> None:
    md = run_prhub("report", str(vllm_window), "--week", "2026-W15", "--db", str(synced_db))
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# ") and "180" in md.stdout and "## " in md.stdout
    out = tmp_path / "w15.json"
    js = run_prhub("report", SLUG, "--week", "2026-W15", "--format", "json", "-o", str(out), "--db", str(synced_db))
    assert js.returncode == 0 and js.stdout == "", js.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["counts"]["merged_prs"] == 180 and set(data) >= PRODUCT_KEYS
    zh = run_prhub("report", SLUG, "--since", "2026-04-06", "--until", "2026-04-12", "--lang", "zh",
                   "--tz", "Asia/Shanghai", "--db", str(synced_db))  # fmt: skip
    assert zh.returncode == 0 and "执行摘要" in zh.stdout, zh.stderr


def test_cli_every_week(synced_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "weeks"
    proc = run_prhub("report", SLUG, "--every", "week", "--format", "json", "-o", str(out), "--db", str(synced_db))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 4 and "2026-04-06-to-2026-04-12.json" in names


def test_cli_config_file(synced_db: Path, tmp_path: Path) -> None:
    config = tmp_path / "prhub.toml"
    config.write_text('key_threshold = 9.5\nlanguage = "zh"\n', encoding="utf-8")
    proc = run_prhub("report", SLUG, "--week", "2026-W15", "--format", "json", "--config", str(config),
                     "--db", str(synced_db))  # fmt: skip
    data = json.loads(proc.stdout)
    assert data["importance"]["key_threshold"] == 9.5 and data["language"] == "zh"
    assert data["counts"]["key_prs"] < 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2026-W99"], "no week 99"),
        (["--week", "last"], "malformed week"),
        (["--month", "2026-13"], "malformed month"),
        (["--week", "2026-W15", "--month", "2026-04"], "use only one of"),
        (["--until", "2026-04-01"], "--until needs --since"),
        (["--tz", "Mars/Base"], "unknown time zone"),
        (["--every", "week"], "--every needs -o"),
    ],
)
def test_cli_errors_are_one_line(synced_db: Path, args: list[str], message: str) -> None:
    proc = run_prhub("report", SLUG, *args, "--db", str(synced_db))
    assert proc.returncode != 0 and message in proc.stderr
    assert proc.stderr.startswith("prhub: error:") and proc.stderr.count("\n") == 1


def test_cli_unknown_repository_and_bad_config(synced_db: Path, tmp_path: Path) -> None:
    proc = run_prhub("report", "nobody/nothing", "--db", str(synced_db))
    assert proc.returncode != 0 and "unknown repository" in proc.stderr and "Traceback" not in proc.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("colour = 'red'\n", encoding="utf-8")
    proc = run_prhub("report", SLUG, "--config", str(bad), "--db", str(synced_db))
    assert proc.returncode != 0 and "unknown setting 'colour'" in proc.stderr
    proc = run_prhub("report", str(tmp_path / "missing-dir"), "--db", str(synced_db))
    assert proc.returncode != 0 and "neither a local clone" in proc.stderr


def test_first_time_contributors_know_a_renamed_author(tmp_path: Path) -> None:
    """An author seen before under another spelling of the name, or the same e-mail, is no newcomer."""
    repo = ScriptedRepo(tmp_path / "repo")
    seven_days = 7 * 86400
    history = [
        (Who("Hexiang Wang", "whx@example.com"), "whx", 0),  # writes as "whx" first
        (Who("Tianyu Guo", "guo@example.com"), "TianYu GUO", 0),
        (Who("Hexiang Wang", "whx@example.com"), "Hexiang Wang", seven_days),  # same e-mail, new name
        (Who("Tianyu Guo", "other@example.com"), "Tianyu Guo", seven_days),  # same name, other case
        (Who("Carol New", "carol@example.com"), "Carol New", seven_days),
    ]
    for n, (who, name, at) in enumerate(history, start=1):
        repo.lines(f"mod{n}.py", n)
        repo.commit(f"Change {n} (#{n})", author=Who(name, who.email), committer=FORGE, at=EPOCH + at + n * 60)
    db = tmp_path / "prhub.db"
    assert run_prhub("sync", str(repo.path), "--db", str(db)).returncode == 0
    with Store(db) as store:
        slug = store.execute("SELECT slug FROM repositories").fetchone()[0]
        single = build_context(store, slug, week("2026-W16"))
        bulk = {c["period"]["slug"]: c for c in iter_contexts(store, slug)}
    for ctx in (single, bulk[single["period"]["slug"]]):
        assert ctx["contributors"]["first_time"] == [{"name": "Carol New", "prs": [5]}]
        assert ctx["counts"]["first_time_authors"] == 1 and ctx["counts"]["authors"] == 3
