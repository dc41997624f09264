"""Follow-up recommendations: structured items derived from risks and themes.

Each item is ``{kind, prs, ...}`` with the facts its sentence needs (paths,
files, platform, reverts, theme, trend); the prose module turns it into text.
Only PRs that matter get a recommendation: key PRs for review-type actions,
every PR for reverts, dependencies and new models (those are rare and always
worth a look). A PR is named by one recommendation only, the first that takes
it; a recommendation left with no PR of its own is dropped. The dependency
advice carries the ecosystem of its manifests (cargo, npm, pip, go...), so the
sentence speaks of crates and Cargo.lock, not of pinning versions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from prhub.analysis.pipeline import PrResult
from prhub.analysis.themes import Theme

MAX_PRS = 5
MAX_ITEMS = 6


def _with(results: Sequence[PrResult], tag: str, min_importance: float = 0.0) -> list[PrResult]:
    return [r for r in results if r.score.value >= min_importance and any(k.tag == tag for k in r.risks)]


def _evidence(results: Sequence[PrResult], tag: str) -> list[str]:
    """The files behind a tag across these PRs, first seen first."""
    files = (path for r in results for risk in r.risks if risk.tag == tag for path in risk.files)
    return list(dict.fromkeys(files))


Platforms = Sequence[tuple[str, re.Pattern[str]]]


def platforms(table: Mapping[str, str]) -> list[tuple[str, re.Pattern[str]]]:
    """``[risks.platforms]`` compiled: (name, pattern), in the settings' order."""
    return [(name, re.compile(pattern)) for name, pattern in table.items()]


def _platform_of(result: PrResult, names: Platforms) -> str | None:
    """The named platform a PR's platform risk is about: its title, else the files behind the tag."""
    files = [path for risk in result.risks if risk.tag == "platform" for path in risk.files]
    for text in (result.facts.pr.title, " ".join(files)):
        for name, rx in names:
            if rx.search(text):
                return name
    return None


def _platform_group(results: Sequence[PrResult], names: Platforms = ()) -> tuple[str | None, list[PrResult]]:
    """The platform most of these PRs are about, and those PRs (all of them when none is named).

    One recommendation names one set of CI lanes, so it lists only the PRs of that
    platform: a CPU or TPU change is no reason to run the ROCm lanes.
    """
    groups: dict[str, list[PrResult]] = {}
    for r in results:
        name = _platform_of(r, names)
        if name is not None:
            groups.setdefault(name, []).append(r)
    if not groups:
        return None, list(results)
    name = max(groups, key=lambda k: (len(groups[k]), -results.index(groups[k][0])))
    return name, groups[name]


def _ecosystem(results: Sequence[PrResult]) -> str | None:
    """The ecosystem most of these PRs' dependency manifests belong to (cargo, npm, pip, go...)."""
    found: dict[str, int] = {}
    for r in results:
        for risk in r.risks:
            if risk.tag == "dependency" and risk.rule.startswith("manifest:"):
                eco = risk.rule.removeprefix("manifest:")
                found[eco] = found.get(eco, 0) + 1
    return max(found, key=lambda k: found[k]) if found else None


def recommendations(
    results: Sequence[PrResult],
    themes: Sequence[Theme],
    key_threshold: float,
    platform_names: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Ordered by how much they matter: reverts and core reviews first, theme watching last.

    ``platform_names``: ``[risks.platforms]``, the platforms the platform-CI advice may name."""
    items: list[dict[str, Any]] = []
    named: set[int] = set()  # PRs an earlier recommendation already names

    def fresh(chosen: Sequence[PrResult]) -> list[PrResult]:
        return [r for r in chosen if r.number not in named]

    def add(kind: str, chosen: Sequence[PrResult], **extra: Any) -> None:
        chosen = fresh(chosen)
        if chosen:
            prs = [r.number for r in chosen[:MAX_PRS]]
            named.update(r.number for r in chosen)
            items.append({"kind": kind, "prs": prs, "count": len(chosen), **extra})

    reverts = [r for r in results if any(k.tag == "revert" for k in r.risks)]
    shown = reverts[:MAX_PRS]
    add(
        "follow-revert",
        reverts,
        reverts=[r.facts.pr.reverts_pr for r in shown if r.facts.pr.reverts_pr],
        # which revert undid which PR, so the sentence pairs them instead of lumping them together
        pairs=[[r.number, r.facts.pr.reverts_pr] for r in shown if r.facts.pr.reverts_pr],
    )
    core = fresh(_with(results, "core-path", key_threshold))
    add("review-core", core, paths=_evidence(core[:MAX_PRS], "core-path")[:3])
    untested = _with(results, "missing-tests", key_threshold)
    add("add-tests", untested)
    deps = fresh(_with(results, "dependency"))
    add("pin-dependency", deps, files=_evidence(deps[:MAX_PRS], "dependency")[:3], ecosystem=_ecosystem(deps))
    models = _with(results, "new-model")
    add("document-model", models)
    names = platforms(platform_names or {})
    platform, on_platform = _platform_group(fresh(_with(results, "platform", key_threshold - 1.0)), names)
    add("platform-ci", on_platform, platform=platform)
    config = _with(results, "config", key_threshold)
    add("watch-config", config)
    removals = _with(results, "deprecation", key_threshold - 1.0)
    add("deprecation-notice", removals)
    large = _with(results, "large-change", key_threshold)
    add("split-large", large)
    for theme in themes:
        theme_prs = [n for n in theme.representative_prs if n not in named]
        if theme.trend in ("rising", "new") and theme.count >= 5 and theme_prs:
            items.append(
                {
                    "kind": "watch-theme",
                    "prs": theme_prs[:MAX_PRS],
                    "count": theme.count,
                    "theme": theme.name,
                    "theme_key": theme.key,
                    "trend": theme.trend,
                }
            )
            break
    return items[:MAX_ITEMS]
