"""The Markdown report of a real week: 2026-W15 of the vllm window, through the CLI, in en and zh."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import run_prhub
from prhub.report.phrases import HEADINGS, SECTION_KEYS


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_w15_markdown_has_the_six_sections_in_order(vllm_window: Path, synced_db: Path, lang: str) -> None:
    args = [str(vllm_window), "--week", "2026-W15", "--db", str(synced_db), "--lang", lang]
    md = run_prhub("report", *args)
    assert md.returncode == 0, md.stderr
    ctx_run = run_prhub("report", *args, "--format", "json")
    assert ctx_run.returncode == 0, ctx_run.stderr
    ctx = json.loads(ctx_run.stdout)
    markdown = md.stdout

    found = re.findall(r"^## (.+)$", markdown, re.M)
    assert found[:6] == [HEADINGS[lang][key] for key in SECTION_KEYS]
    header = markdown.split("\n## ", 1)[0]
    assert "vllm-project/vllm" in header and ctx["period"]["label"] in header
    assert str(ctx["counts"]["merged_prs"]) in header and str(ctx["counts"]["key_prs"]) in header

    # every PR the Markdown cites is a PR of the week's context
    known = {p["number"] for p in ctx["prs"]} | {r["reverts_pr"] for r in ctx["reverts"] if r["reverts_pr"]}
    cited = {int(n) for n in re.findall(r"#(\d+)", markdown)}
    titled = {int(n) for p in ctx["prs"] for n in re.findall(r"#(\d+)", p["title"])}
    assert cited - titled <= known
    # the quick look lists the key PRs, most important first
    quick = markdown.split(f"## {HEADINGS[lang]['key_prs']}", 1)[1].split("\n## ", 1)[0]
    assert [int(n) for n in re.findall(r"^- \*\*\[#(\d+)\]", quick, re.M)] == ctx["key_prs"]
    if lang == "zh":
        summary = markdown.split(f"## {HEADINGS['zh']['summary']}", 1)[1].split("\n## ", 1)[0]
        assert "本周" in summary and "个 PR" in summary
