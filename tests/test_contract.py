"""The report context's JSON is the documented contract: real reports match the typed contract
(src/prhub/report/contract.py) key by key, and every key of it is named in docs/report-context.md."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import run_prhub
from gitrepo import ALICE, BOB, FORGE, ScriptedRepo
from prhub.report.contract import Repo, ReportContext, field_names, parse, problems, to_json

DOC = Path(__file__).resolve().parent.parent / "docs" / "report-context.md"


def _report(*args: str) -> dict:
    shown = run_prhub("report", *args, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_vllm_week_matches_the_contract(synced_db: Path, lang: str) -> None:
    ctx = _report("vllm-project/vllm", "--week", "2026-W15", "--db", str(synced_db), "--lang", lang)
    assert problems(ctx) == []
    typed = parse(ctx)
    assert isinstance(typed, ReportContext) and typed.counts.merged_prs == 180 == len(typed.prs)
    assert typed.prs[0].score.reason and typed.themes[0].name and typed.sections.summary
    # the JSON is the typed object written out: nothing on either side that the other lacks
    assert to_json(typed) == ctx


def test_scripted_weeks_match_the_contract(tmp_path: Path) -> None:
    repo = ScriptedRepo(tmp_path / "repo")
    repo.lines("README.md", 2)
    repo.commit("Initial import", author=ALICE)
    for number in range(1, 9):
        repo.lines(f"src/mod{number % 3}/part{number}.py", 30 * number)
        repo.commit(f"[Bugfix] Fix part {number} (#{number})", author=BOB if number % 2 else ALICE, committer=FORGE)
    repo.commit('Revert "[Bugfix] Fix part 2 (#2)" (#9)\n\nThis reverts commit abc.\n', author=BOB, committer=FORGE)
    db = str(tmp_path / "prhub.db")
    year, week, _ = datetime.now(UTC).isocalendar()
    for args in (["--week", "2026-W15"], ["--week", "2026-W30", "--lang", "zh"], ["--week", f"{year}-W{week:02d}"]):
        ctx = _report(str(repo.path), *args, "--db", db)
        assert problems(ctx) == [], args
    assert ctx["notices"] and ctx["notices"][0]["code"] == "period_open"  # the current week


def test_problems_name_what_departs() -> None:
    assert problems({"schema_version": 1}, ReportContext)[0] == "context.repo: missing"
    found = problems({"slug": "a/b", "url": 3, "colour": "red"}, Repo)
    assert "context.url: expected str, got int 3" in found and "context.colour: not in the contract" in found


def test_every_key_of_the_contract_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = set(re.findall(r'"([a-z_]+)"', text)) | set(re.findall(r"`[a-z_.\[\]]*?([a-z_]+)`", text))
    missing = [name for name in field_names() if name.rsplit(".", 1)[-1] not in named]
    assert not missing, f"keys of the contract missing from docs/report-context.md: {missing}"
