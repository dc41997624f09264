"""The real-scale input every benchmark reads: the whole vllm history replayed
into a git repository under bench/out/ (built once with make-skeleton-repo, then reused)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SHARED = Path(os.environ.get("PRHUB_SHARED", HERE.parent.parent / "shared"))
DATASET = SHARED / "datasets" / "vllm-history.jsonl.gz"
SKELETON = SHARED / "tools" / "make-skeleton-repo"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def build(out: Path = OUT / "vllm-full", until: str | None = None) -> Path:
    """The skeleton repository of the dataset (up to ``until``), reused when already built."""
    if (out / ".git").is_dir() and git(out, "rev-parse", "--verify", "-q", "main"):
        return out
    if out.exists():
        shutil.rmtree(out)
    args = [sys.executable, str(SKELETON), str(DATASET), str(out)] + (["--until", until] if until else [])
    print(f"building {out.name} with make-skeleton-repo{' --until ' + until if until else ''} ...", file=sys.stderr)
    subprocess.run(args, check=True)
    return out
