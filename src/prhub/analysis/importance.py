"""Importance, 0 to 10 with one decimal: a weighted sum the report can show.

Components: size and breadth, each relative to the repository's own history (the
PR's percentile among the PRs merged in the preceding ``core.history_days``, so a
500-line PR is large in flask and ordinary in vllm), core (core files touched),
kind (feature/perf/kernel > fix > tests/docs/CI), new surface (new models, new
files in key directories), risk load (risk tags), review (comments, when forge
data exists) and revert (a revert, or a PR later reverted).

Only the program and its build weigh in size and breadth: tests, docs, generated,
vendored and lock files weigh nothing (a PR of 40 source lines and 300 test lines
is a 40-line change, and a test-only PR is small); data files such as tuned JSON
configs count a tenth. A refactor's size, breadth and core files count ``refactor_shape`` (three
quarters): it moves much and changes little a user sees, so a broad cleanup does
not top the week unless it is among the very largest. A mechanical change (formatter pass, typo fix, pure
rename, lockfile-only, generated-only, release-branch merge) keeps only the base
and its kind, and stays below the key threshold whatever its size.

The score carries its reasons as codes and parameters (``{"code": "core",
"files": 2}``); the report's catalogue turns them into words. The weights live in
``[importance]``; docs/calibration.md shows how the defaults were fitted.

That weighted sum is then calibrated to the repository's own scored history
(``Calibration``): one affine map, fitted on the PRs of the periods before the
reported one, takes their mean to ``importance.target_mean`` and the score their
top ``importance.key_share`` reach to ``importance.calibration_anchor`` (6.0, the
default key threshold). A repository whose weeks
are mostly docs and small fixes (vite) and one whose PRs are large kernels (vllm)
then read alike: about one PR in ten key, a mean near 4.75. The map is the
``calibration`` component, so the components still add up to the value.
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


def weighted_path_lines(files: Iterable[tuple[str, int]]) -> float:
    """``weighted_lines`` of (path, changed lines) pairs (the same sum)."""
    return sum(lines * (0.1 if path.endswith(_DATA_SUFFIXES) else 1.0) for path, lines in files)


class Reference:
    """The repository's own distribution of PR size and breadth, for percentiles.

    Only the PRs that change the program count: a docs- or test-only PR weighs nothing, and a
    history of many such PRs would otherwise make every small code change look large."""

    def __init__(self, sizes: Iterable[float], breadths: Iterable[int]) -> None:
        self.sizes = sorted(s for s in sizes if s > 0)
        self.breadths = sorted(b for b in breadths if b > 0)

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
        return self._midrank(self.sizes, lines) if lines > 0 else 0.0

    def breadth_pct(self, modules: int) -> float:
        return self._midrank(self.breadths, modules) if modules > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Score:
    value: float
    components: dict[str, float]
    reasons: tuple[dict[str, Any], ...]  # codes and parameters, the one that weighs most first
    raw: float = 0.0  # base + components before rounding, clamping and calibration
    mechanical: bool = False  # never key, whatever the calibration

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
    size_pct = reference.size_pct(lines)
    parts = _parts(size_pct, reference.breadth_pct(n_modules), n_modules, core_files, kind, new_surface, risk_tags,
                   weights, mechanical, review_comments, revert)  # fmt: skip
    components = {k: round(v, 2) for k, v in parts.items()}
    total = weights["base"] + sum(parts.values())
    value = _bounded(total, key_threshold, bool(mechanical))
    reasons = _reasons(components, int(lines), size_pct, n_modules, core_files, kind, new_surface, mechanical)
    return Score(value, components, reasons, total, bool(mechanical))


def raw(
    lines: float,
    n_modules: int,
    core_files: int,
    kind: str,
    new_surface: Sequence[str],
    risk_tags: Sequence[str],
    weights: dict[str, Any],
    reference: Reference,
    *,
    mechanical: str | None = None,
    review_comments: int = 0,
    revert: bool = False,
) -> float:
    """``score(...).raw`` alone, without the reasons: the calibration scores weeks of PRs per report."""
    parts = _parts(reference.size_pct(lines), reference.breadth_pct(n_modules), n_modules, core_files, kind,
                   new_surface, risk_tags, weights, mechanical, review_comments, revert)  # fmt: skip
    return weights["base"] + sum(parts.values())


def _parts(
    size_pct: float,
    breadth_pct: float,
    n_modules: int,
    core_files: int,
    kind: str,
    new_surface: Sequence[str],
    risk_tags: Sequence[str],
    w: dict[str, Any],
    mechanical: str | None,
    review_comments: int,
    revert: bool,
) -> dict[str, float]:
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
    if kind == "refactor" and "deprecation" not in risk_tags:
        # a refactor moves much and changes little a user sees (a removal of public surface aside)
        for k in ("size", "breadth", "core"):
            parts[k] *= w["refactor_shape"]
    if mechanical:
        # what a formatter, a rename or a lockfile update touches says nothing about its weight
        for k in ("size", "breadth", "core", "new_surface", "risk"):
            parts[k] = 0.0
        parts["kind"] = min(parts["kind"], float(w["kind"]["minor"]))
    return parts


def _bounded(value: float, key_threshold: float, mechanical: bool) -> float:
    """0-10, one decimal; a mechanical change stays half a point below the key threshold."""
    value = round(max(0.0, min(10.0, value)), 1)
    if mechanical and value >= key_threshold:
        value = round(max(0.0, key_threshold - 0.5), 1)  # never key
    return value


MIN_CALIBRATION = 40  # fewer scored PRs than this to fit on: the period's own join them
MIN_FIT = 20  # fewer still: no calibration


@dataclass(frozen=True, slots=True)
class Calibration:
    """``value = raw * scale + shift``, fitted on a repository's recent PRs (see the module docstring)."""

    scale: float = 1.0
    shift: float = 0.0
    fitted_on: int = 0  # how many PRs it was fitted on (0: the identity)

    @classmethod
    def fit(cls, raw: Sequence[float], weights: dict[str, Any]) -> Calibration:
        """The map that takes the mean of ``raw`` to ``target_mean`` and the ``key_share`` quantile to
        ``calibration_anchor`` (the default key threshold, 6.0: a key_threshold of one's own then
        asks for more or fewer key PRs than one in ten), its slope kept within ``calibration_min_scale``
        and ``calibration_max_scale``: a history whose scores are all alike is shifted, not stretched
        without end."""
        if not weights.get("calibrate", True) or len(raw) < MIN_FIT:
            return cls()
        values = sorted(raw)
        n = len(values)
        above = max(1, round(weights["key_share"] * n))  # that many of the fitted PRs reach the threshold
        k = n - above
        cut = values[k] if k <= 0 else (values[k - 1] + values[k]) / 2
        mean = sum(values) / n
        at = weights["calibration_anchor"] - 0.05  # rounds to the anchor
        lo, hi = weights["calibration_min_scale"], weights["calibration_max_scale"]
        scale = (at - weights["target_mean"]) / (cut - mean) if cut - mean > 1e-6 else hi
        scale = max(lo, min(hi, scale))
        return cls(round(scale, 4), round(at - cut * scale, 4), n)

    def apply(self, s: Score, key_threshold: float) -> Score:
        if not self.fitted_on:
            return s
        mapped = s.raw * self.scale + self.shift
        value = _bounded(mapped, key_threshold, s.mechanical)
        components = {**s.components, "calibration": round(mapped - s.raw, 2)}
        return Score(value, components, s.reasons, s.raw, s.mechanical)


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
