"""What one report derives and keeps for the next (store/pr_analysis.py): the next report reads it
instead of deriving it again, and says exactly what a report from a store without it says, also
after the settings change or a kept row is damaged."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from tests.gitrepo import ALICE, BOB, EPOCH, FORGE, ScriptedRepo

from conftest import run_prhub
from prhub.analysis.pipeline import Analyzer, PrFacts
from prhub.config import of_repository
from prhub.period import week
from prhub.report import build_context
from prhub.store import queries
from prhub.store.pr_analysis import Kept
from prhub.store.sqlite import Store

WEEK = 7 * 86400
TITLES = [
    "Speed up the tokenizer cache",
    "[Frontend] Stream chat completions",
    "fix(scheduler): handle preemption of long prompts",
    "Add tokenizer benchmarks",
    "Update dependency requests to v2.32",
    "docs: explain the scheduler",
]


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Six weeks of PRs (the reported week, its trend weeks and more), synced without reports."""
    tmp = tmp_path_factory.mktemp("kept")
    repo = ScriptedRepo(tmp / "repo")
    number = 0
    for w in range(6):
        for i, title in enumerate(TITLES):
            number += 1
            repo.lines(f"src/engine/mod{number % 4}.py", 10 + number, tag=f"w{w}")
            if i % 2:
                repo.lines(f"tests/test_mod{number % 3}.py", 5 + w, tag=f"w{w}")
            if i == 5:
                repo.lines("docs/scheduler.md", 3 + w, tag=f"w{w}")
            who = BOB if number % 3 else ALICE
            repo.commit(f"{title} (#{number})", author=who, committer=FORGE, at=EPOCH - (5 - w) * WEEK + i * 3600)
    db = tmp / "prhub.db"
    proc = run_prhub("sync", str(repo.path), "--db", str(db), "--no-reports")
    assert proc.returncode == 0, proc.stderr
    return repo.path, db


def report(db: Path, *args: str) -> dict:
    proc = run_prhub("report", "--db", str(db), "--week", "2026-W15", "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    data["generated"].pop("at")
    return data


def kept_rows(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(words), count(facts) FROM pr_analysis").fetchone()


def fresh_copy(db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("DELETE FROM pr_analysis")
    return copy


def test_a_report_reads_what_the_one_before_kept(synced: tuple[Path, Path], tmp_path: Path) -> None:
    repo, db = synced
    db = shutil.copy(db, tmp_path / "prhub.db")
    assert kept_rows(db) == (0, 0)
    first = report(db, str(repo))
    # every title of the hot words' history; every PR's facts (fewer than 40 PRs in the trend weeks:
    # the calibration reads the year before)
    assert kept_rows(db) == (36, 36)
    assert report(db, str(repo)) == first
    assert first["counts"]["merged_prs"] == 6 and first["themes"]


def test_changed_settings_are_never_answered_from_kept_facts(synced: tuple[Path, Path], tmp_path: Path) -> None:
    repo, db = synced
    db = shutil.copy(db, tmp_path / "prhub.db")
    default = report(db, str(repo))
    config = tmp_path / "prhub.toml"
    config.write_text('bots = ["alice*"]\n[paths]\ntests = ["docs/**"]\n', encoding="utf-8")
    changed = report(db, str(repo), "--config", str(config))  # the kept facts are of the defaults
    assert changed != default
    assert changed == report(fresh_copy(db, tmp_path), str(repo), "--config", str(config))
    assert report(db, str(repo)) == default


def test_a_damaged_kept_row_is_derived_again(synced: tuple[Path, Path], tmp_path: Path) -> None:
    repo, db = synced
    db = shutil.copy(db, tmp_path / "prhub.db")
    expected = report(db, str(repo))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE pr_analysis SET words = '[1', facts = '{\"kind\": 3}' WHERE number % 2 = 0")
        conn.execute("UPDATE pr_analysis SET words = 'w-x', facts = '[]' WHERE number % 3 = 0")
    assert report(db, str(repo)) == expected


def test_kept_facts_are_the_derived_facts(synced: tuple[Path, Path]) -> None:
    """Every field of a PR's facts (and the risk tags and new surface of its score) comes back as
    derived: a field added to PrFacts and not kept fails here, not silently in a report."""
    _, db = synced
    with Store(db) as store:
        repo = store.repositories()[0]
        prs = queries.load_prs(store, repo.id)
        settings = of_repository(store, repo.slug)
    derive = Analyzer(settings)
    derived = [derive.facts(pr) for pr in prs]
    words, facts = derive.unsaved()
    rows = {n: Kept(None, None, None, None) for n, _, _ in facts}
    rows.update({n: Kept(k, w, None, None) for n, k, w in words})
    rows.update({n: Kept(rows[n].words_key, rows[n].words, k, f) for n, k, f in facts})
    recall = Analyzer(settings)
    recall.recall(rows)
    assert [recall.facts(pr) for pr in prs] == derived
    assert recall.unsaved() == ([], [])  # nothing derived again
    assert all(recall._static_of(f)[1:] == derive._static_of(f)[1:] for f in derived)


def test_every_field_of_the_facts_is_kept_or_rebuilt() -> None:
    """A field added to PrFacts must be kept (Analyzer.unsaved and _recalled) or rebuilt from the PR."""
    kept = {"parts", "labels", "kind", "theme_candidates", "theme_direct", "assistants", "is_bot", "deps",
            "topics", "mechanical"}  # fmt: skip
    rebuilt = {"pr", "source_paths", "title_words", "weighted_paths", "counted"}
    assert {f.name for f in dataclasses.fields(PrFacts)} == kept | rebuilt


def test_an_older_store_read_only_reports_the_same(synced: tuple[Path, Path], tmp_path: Path) -> None:
    """A store from before the kept analysis, opened read only (no sync can upgrade it), still reports."""
    _, db = synced
    db = shutil.copy(db, tmp_path / "prhub.db")
    with Store(db) as store:
        expected = build_context(store, store.repositories()[0].slug, week("2026-W15"))
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE pr_analysis")
        conn.execute("DELETE FROM schema_migrations WHERE name = '0011_pr_analysis'")
    with Store(db, readonly=True) as store:
        found = build_context(store, store.repositories()[0].slug, week("2026-W15"))
    found["generated"].pop("at"), expected["generated"].pop("at")
    assert found == expected
