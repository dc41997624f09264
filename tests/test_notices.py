"""The report says when its period is not over yet, or lies beyond the stored history: as codes in
the JSON, as a sentence in Markdown and HTML, in English and Chinese."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import run_prhub
from gitrepo import ALICE, BOB, FORGE, ScriptedRepo
from prhub.period import between, week
from prhub.report.context import build_context
from prhub.report.html import render_html
from prhub.report.markdown import render_markdown
from prhub.store.sqlite import Store

SLUG = "acme/gears"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("notices")
    repo = ScriptedRepo(tmp / "repo")
    repo.git("remote", "add", "origin", f"https://github.com/{SLUG}.git")
    repo.lines("README.md", 2)
    repo.commit("Initial import", author=ALICE)
    for number in (1, 2, 3):
        repo.lines(f"src/gear{number}.py", 10 * number)
        repo.commit(f"Add gear {number} (#{number})", author=BOB, committer=FORGE)
    path = tmp / "prhub.db"
    assert run_prhub("sync", str(repo.path), "--db", str(path)).returncode == 0
    return path


def _iso_week(day: datetime) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def test_a_closed_week_before_the_sync_has_no_notice(db: Path) -> None:
    shown = run_prhub("report", SLUG, "--week", "2026-W15", "--db", str(db), "--format", "json")
    ctx = json.loads(shown.stdout)
    assert ctx["counts"]["merged_prs"] == 3 and ctx["notices"] == []
    markdown = run_prhub("report", SLUG, "--week", "2026-W15", "--db", str(db)).stdout
    assert "**Note:**" not in markdown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_current_week_says_it_is_not_over(db: Path, lang: str) -> None:
    this_week = _iso_week(datetime.now(UTC))
    args = ["report", SLUG, "--week", this_week, "--db", str(db), "--lang", lang]
    ctx = json.loads(run_prhub(*args, "--format", "json").stdout)
    codes = [n["code"] for n in ctx["notices"]]
    assert codes == ["period_open"] and ctx["notices"][0]["as_of"]
    markdown = run_prhub(*args).stdout
    note = "> **Note:** This week is not over yet" if lang == "en" else "> **注意**：本周尚未结束"
    assert note in markdown and markdown.index(note) < markdown.index("\n## ")
    html = run_prhub(*args, "--format", "html").stdout
    assert '<p class="notice" role="note">' in html and ctx["notices"][0]["text"] in html


def test_periods_after_the_last_sync(db: Path) -> None:
    with Store(db) as store:
        synced = datetime.fromtimestamp(store.synced_at(store.repository(SLUG).id) or 0, UTC)
        later = synced + timedelta(days=60)  # "now", two months after the sync

        beyond = build_context(store, SLUG, week(_iso_week(synced + timedelta(days=21))), now=later)
        assert [n["code"] for n in beyond["notices"]] == ["beyond_history"]
        assert "lies beyond the stored history" in render_markdown(beyond)

        within = build_context(store, SLUG, week(_iso_week(synced)), lang="zh", now=later)
        assert [n["code"] for n in within["notices"]] == ["history_ends_within"]
        assert "已存的历史在本周中途结束" in render_html(within)

        start = (synced + timedelta(days=90)).date().isoformat()
        future = build_context(store, SLUG, between(start, start, "UTC"), now=later)
        assert [n["code"] for n in future["notices"]] == ["period_future", "beyond_history"]
        assert "has not begun yet" in render_markdown(future)
