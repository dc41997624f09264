"""Importance, 0 to 10 with one decimal: a weighted sum the report can show.

Components: size (log10 of changed lines; data files such as tuned JSON
configs count a tenth), breadth (modules beyond the first), core (core files
touched), kind (feature/perf/kernel > fix > tests/docs/CI), new surface (new
models, new files in key directories), risk load (risk tags), review (comments,
when forge data exists) and revert (a revert, or a PR later reverted).
The weights live in ``[importance]``; docs/calibration.md shows how the
defaults were fitted on one large project's whole history.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from prhub.store.queries import PrFile

COMPONENTS = ("size", "breadth", "core", "kind", "new_surface", "risk", "review", "revert")
_DATA_SUFFIXES = (".json", ".lock", ".csv", ".svg", ".ipynb", ".txt", ".yaml.lock")


@dataclass(frozen=True, slots=True)
class Score:
    value: float
    components: dict[str, float]
    reason: str


def weighted_lines(files: Sequence[PrFile]) -> float:
    return sum(f.lines * (0.1 if f.path.endswith(_DATA_SUFFIXES) else 1.0) for f in files)


def score(
    files: Sequence[PrFile],
    modules: Sequence[str],
    core_files: int,
    kind: str,
    new_surface: Sequence[str],
    risk_tags: Sequence[str],
    weights: dict[str, Any],
    lang: str = "en",
    review_comments: int = 0,
    revert: bool = False,
) -> Score:
    w = weights
    lines = weighted_lines(files)
    parts = {
        "size": min(w["size_max"], w["size_per_decade"] * math.log10(1 + lines)),
        "breadth": min(w["breadth_max"], w["breadth_per_module"] * max(0, len(modules) - 1)),
        "core": 0.0 if not core_files else min(w["core_max"], w["core_first"] + w["core_per_file"] * (core_files - 1)),
        "kind": float(w["kind"].get(kind, w["kind"]["change"])),
        "new_surface": min(w["new_surface_max"], w["new_surface_per_item"] * len(new_surface)),
        "risk": min(w["risk_max"], w["risk_per_tag"] * len([t for t in risk_tags if t != "core-path"])),
        "review": min(w["review_max"], w["review_per_comment"] * review_comments),
        "revert": w["revert"] if revert else 0.0,
    }
    components = {k: round(v, 2) for k, v in parts.items()}
    total = w["base"] + sum(parts.values())
    value = round(max(0.0, min(10.0, total)), 1)
    return Score(value, components, reason(components, int(lines), len(modules), core_files, kind, new_surface, lang))


_KIND_EN = {
    "feature": "a feature",
    "perf": "a performance change",
    "kernel": "kernel work",
    "fix": "a bug fix",
    "refactor": "a refactor",
    "model": "model work",
    "revert": "a revert",
    "ci": "a CI change",
    "tests": "test changes",
    "docs": "documentation",
    "minor": "a minor change",
    "change": "a change",
}
_KIND_ZH = {
    "feature": "新功能",
    "perf": "性能优化",
    "kernel": "内核改动",
    "fix": "缺陷修复",
    "refactor": "重构",
    "model": "模型相关改动",
    "revert": "回滚",
    "ci": "CI 改动",
    "tests": "测试改动",
    "docs": "文档",
    "minor": "小改动",
    "change": "改动",
}


def reason(
    components: dict[str, float],
    lines: int,
    n_modules: int,
    core_files: int,
    kind: str,
    new_surface: Sequence[str],
    lang: str = "en",
) -> str:
    """One line naming what weighs most: "large feature (1200 lines), touches 2 core files, across 4 modules"."""
    zh = lang == "zh"
    size_word = (
        ("大型" if zh else "large ")
        if lines >= 500
        else ("中等" if zh else "medium ")
        if lines >= 100
        else ("小型" if zh else "small ")
    )
    head = (
        f"{size_word}{_KIND_ZH.get(kind, kind)}（{lines} 行）"
        if zh
        else f"{size_word}{_KIND_EN.get(kind, kind).removeprefix('a ')} ({lines} lines)"
    )
    extras: list[tuple[float, str]] = []
    if core_files:
        extras.append(
            (
                components["core"],
                f"涉及 {core_files} 个核心文件" if zh else f"touches {core_files} core file{'s' * (core_files > 1)}",
            )
        )
    if n_modules > 1:
        extras.append((components["breadth"], f"跨 {n_modules} 个模块" if zh else f"across {n_modules} modules"))
    if new_surface:
        first = new_surface[0]
        extras.append((components["new_surface"], f"新增 {first}" if zh else f"adds {first}"))
    if components.get("revert"):
        extras.append((components["revert"], "涉及回滚" if zh else "involved in a revert"))
    if components.get("risk", 0) >= 0.3:
        extras.append((components["risk"], "风险标签较多" if zh else "carries several risk tags"))
    extras.sort(key=lambda e: -e[0])
    tail = [text for _, text in extras[:2]]
    return "，".join([head, *tail]) if zh else ", ".join([head, *tail])
