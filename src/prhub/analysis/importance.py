"""Importance, 0 to 10 with one decimal: a weighted sum the report can show.

Components: size and breadth, each relative to the repository's own history (the
PR's percentile among the PRs merged in the preceding ``core.history_days``, so a
500-line PR is large in flask and ordinary in vllm), core (core files touched),
kind (feature/perf/kernel > fix > tests/docs/CI), new surface (new models, new
files in key directories), risk load (risk tags), review (comments, when forge
data exists) and revert (a revert, or a PR later reverted).

Generated, vendored and lock files weigh nothing; data files such as tuned JSON
configs count a tenth. A mechanical change (formatter pass, typo fix, pure
rename, lockfile-only, generated-only, release-branch merge) keeps only the base
and its kind, and stays below the key threshold whatever its size.

The score carries its reasons as codes and parameters (``{"code": "core",
"files": 2}``); the report's catalogue turns them into words. The weights live in
``[importance]``; docs/calibration.md shows how the defaults were fitted.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from prhub.store.queries import PrFile

COMPONENTS = ("size", "breadth", "core", "kind", "new_surface", "risk", "review", "revert")
_DATA_SUFFIXES = (".json", ".lock", ".csv", ".svg", ".ipynb", ".txt", ".yaml.lock")
MIN_HISTORY = 30  # fewer PRs than this in the history window: the period's own PRs join the reference


def weighted_lines(files: Iterable[PrFile]) -> float:
    return sum(f.lines * (0.1 if f.path.endswith(_DATA_SUFFIXES) else 1.0) for f in files)


class Reference:
    """The repository's own distribution of PR size and breadth, for percentiles."""

    def __init__(self, sizes: Iterable[float], breadths: Iterable[int]) -> None:
        self.sizes = sorted(sizes)
        self.breadths = sorted(breadths)

    def __len__(self) -> int:
        return len(self.sizes)

    @staticmethod
    def _midrank(values: list[float] | list[int], x: float) -> float:
        """The share of values below x, counting ties as half (0.5 with no history)."""
        if not values:
            return 0.5
        lo, hi = bisect.bisect_left(values, x), bisect.bisect_right(values, x)
        return (lo + hi) / 2 / len(values)

    def size_pct(self, lines: float) -> float:
        return self._midrank(self.sizes, lines)

    def breadth_pct(self, modules: int) -> float:
        return self._midrank(self.breadths, modules)


@dataclass(frozen=True, slots=True)
class Score:
    value: float
    components: dict[str, float]
    reasons: tuple[dict[str, Any], ...]  # codes and parameters, the one that weighs most first

    @property
    def codes(self) -> list[str]:
        return [r["code"] for r in self.reasons]


def score(
    lines: float,
    n_modules: int,
    core_files: int,
    kind: str,
    new_surface: Sequence[str],
    risk_tags: Sequence[str],
    weights: dict[str, Any],
    reference: Reference,
    *,
    key_threshold: float = 6.0,
    mechanical: str | None = None,
    review_comments: int = 0,
    revert: bool = False,
) -> Score:
    w = weights
    size_pct = reference.size_pct(lines)
    breadth_pct = reference.breadth_pct(n_modules)
    parts = {
        "size": w["size_max"] * size_pct,
        # a PR as broad as the typical one adds nothing; the broadest add up to breadth_max
        "breadth": w["breadth_max"] * max(0.0, 2 * breadth_pct - 1) if n_modules > 1 else 0.0,
        "core": 0.0 if not core_files else min(w["core_max"], w["core_first"] + w["core_per_file"] * (core_files - 1)),
        "kind": float(w["kind"].get(kind, w["kind"]["change"])),
        "new_surface": min(w["new_surface_max"], w["new_surface_per_item"] * len(new_surface)),
        "risk": min(w["risk_max"], w["risk_per_tag"] * len([t for t in risk_tags if t != "core-path"])),
        "review": min(w["review_max"], w["review_per_comment"] * review_comments),
        "revert": w["revert"] if revert else 0.0,
    }
    if mechanical:
        # what a formatter, a rename or a lockfile update touches says nothing about its weight
        for k in ("size", "breadth", "core", "new_surface", "risk"):
            parts[k] = 0.0
        parts["kind"] = min(parts["kind"], float(w["kind"]["minor"]))
    components = {k: round(v, 2) for k, v in parts.items()}
    total = w["base"] + sum(parts.values())
    value = round(max(0.0, min(10.0, total)), 1)
    if mechanical and value >= key_threshold:
        value = round(max(0.0, key_threshold - 0.5), 1)  # never key
    reasons = _reasons(components, int(lines), size_pct, n_modules, core_files, kind, new_surface, mechanical)
    return Score(value, components, reasons)


def _reasons(
    components: dict[str, float],
    lines: int,
    size_pct: float,
    n_modules: int,
    core_files: int,
    kind: str,
    new_surface: Sequence[str],
    mechanical: str | None,
) -> tuple[dict[str, Any], ...]:
    """What weighs most, as codes: the size and kind first, then the two largest extras."""
    size = "large" if size_pct >= 0.85 else "medium" if size_pct >= 0.5 else "small"
    head: dict[str, Any] = {"code": "size", "size": size, "kind": kind, "lines": lines, "pct": round(size_pct * 100)}
    if mechanical:
        return (head, {"code": "mechanical", "why": mechanical})
    extras: list[tuple[float, dict[str, Any]]] = []
    if core_files:
        extras.append((components["core"], {"code": "core", "files": core_files}))
    if n_modules > 1 and components["breadth"] > 0:
        extras.append((components["breadth"], {"code": "breadth", "modules": n_modules}))
    if new_surface:
        extras.append((components["new_surface"], {"code": "new_surface", "path": new_surface[0]}))
    if components.get("revert"):
        extras.append((components["revert"], {"code": "revert"}))
    if components.get("risk", 0) >= 0.3:
        extras.append((components["risk"], {"code": "risk"}))
    extras.sort(key=lambda e: -e[0])
    return (head, *(r for _, r in extras[:2]))
