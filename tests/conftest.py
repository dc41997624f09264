"""Shared fixtures: real git repositories built in temporary directories.

``vllm_window`` replays four weeks of the real vllm history (2026-03-23 to
2026-04-20) with ../shared/tools/make-skeleton-repo; ``synced_db`` is that
window synced into a fresh SQLite file with the real CLI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PRHUB_SHARED", ROOT.parent / "shared"))
DATASET = SHARED / "datasets" / "vllm-history.jsonl.gz"
SKELETON = SHARED / "tools" / "make-skeleton-repo"

# CI explores the same examples every run, so a landing never hangs on a new draw;
# a developer's runs keep drawing new ones
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

WINDOW_SINCE = "2026-03-23"
WINDOW_UNTIL = "2026-04-20"


def run_prhub(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI as a user would (a new process, text output)."""
    return subprocess.run(
        [sys.executable, "-m", "prhub", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=600,
    )


@pytest.fixture(scope="session")
def vllm_window(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not DATASET.exists():
        pytest.fail(f"dataset missing: {DATASET} (set PRHUB_SHARED to the shared/ directory)")
    out = tmp_path_factory.mktemp("vllm") / "vllm"
    subprocess.run(
        [sys.executable, str(SKELETON), str(DATASET), str(out), "--since", WINDOW_SINCE, "--until", WINDOW_UNTIL],
        check=True,
        capture_output=True,
    )
    # give the clone the real project's remote so the repository is named vllm-project/vllm
    subprocess.run(
        ["git", "-C", str(out), "remote", "add", "origin", "https://github.com/vllm-project/vllm.git"], check=True
    )
    return out


@pytest.fixture(scope="session")
def synced_db(vllm_window: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("db") / "prhub.db"
    proc = run_prhub("sync", str(vllm_window), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    return db
