"""What the model is shown: the facts of one section, or one PR's text, as small JSON objects.

Sections are written from the typed report context, never from raw PR text
alone: each section gets the slice of the context it speaks about (numbers as
the context has them, percentages already computed) plus the validated PR
readings. The same slice is what the validator checks the answer against, and
its hash is part of the cache key.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from prhub.report.values import as_dict, as_dicts, as_int, as_num, ints, strs

MAX_BODY_CHARS = 3000
MAX_REVIEW_CHARS = 2000
MAX_FILES = 30


def digest(value: Any) -> str:
    """A stable hash of a JSON value (keys sorted)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _share_percent(share: object) -> float | None:
    value = as_num(share)
    return round(value * 100, 1) if value is not None else None


def _pr_brief(pr: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": pr.get("number"),
        "title": pr.get("title"),
        "author": pr.get("author"),
        "importance": pr.get("importance"),
        "theme": pr.get("theme"),
        "risks": [r.get("tag") for r in as_dicts(pr.get("risks"))],
    }
    reading = as_dict(pr.get("llm"))
    if reading.get("summary"):
        out["what_it_does"] = reading["summary"]
    return out


def _prs(ctx: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {n: pr for pr in as_dicts(ctx.get("prs")) if (n := as_int(pr.get("number"))) is not None}


def _theme(theme: dict[str, Any], prs: dict[int, dict[str, Any]], reps: int = 3) -> dict[str, Any]:
    return {
        "name": theme.get("name"),
        "prs": as_int(theme.get("count")) or len(ints(theme.get("prs"))),
        "trend": theme.get("trend"),
        "previous_prs": theme.get("previous_count"),
        "lead_authors": strs(theme.get("lead_authors")),
        "representative_prs": [_pr_brief(prs[n]) for n in ints(theme.get("representative_prs"))[:reps] if n in prs],
    }


def _headline(ctx: dict[str, Any]) -> dict[str, Any]:
    counts = as_dict(ctx.get("counts"))
    importance = as_dict(ctx.get("importance"))
    merged = as_int(counts.get("merged_prs")) or 0
    key = as_int(counts.get("key_prs")) or 0
    return {
        "repository": as_dict(ctx.get("repo")).get("slug"),
        "period": as_dict(ctx.get("period")).get("label"),
        "merged_prs": merged,
        "key_prs": key,
        "key_prs_percent": round(100 * key / merged, 1) if merged else 0.0,
        "direct_commits": counts.get("direct_commits"),
        "authors": counts.get("authors"),
        "first_time_authors": counts.get("first_time_authors"),
        "reverts": counts.get("reverts"),
        "mean_importance": importance.get("mean"),
        "key_threshold": importance.get("key_threshold"),
    }


def _labels(ctx: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    return [{"name": x.get("name"), "prs": x.get("count")} for x in as_dicts(ctx.get("labels"))[:limit]]


def _hot_files(ctx: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    return [{"path": x.get("path"), "prs": x.get("prs")} for x in as_dicts(ctx.get("hot_files"))[:limit]]


def _risks(ctx: dict[str, Any], limit: int, prs: dict[int, dict[str, Any]], carriers: int) -> list[dict[str, Any]]:
    out = []
    for risk in as_dicts(ctx.get("risks"))[:limit]:
        tag = risk.get("tag")
        shown = []
        for n in ints(risk.get("prs"))[:carriers]:
            pr = prs.get(n, {})
            evidence = next((r.get("evidence") for r in as_dicts(pr.get("risks")) if r.get("tag") == tag), None)
            shown.append({"number": n, "title": pr.get("title"), "evidence": evidence})
        out.append({"tag": tag, "prs": risk.get("count"), "meaning": risk.get("why"), "carriers": shown})
    return out


def _deltas(ctx: dict[str, Any]) -> dict[str, Any]:
    deltas = as_dict(ctx.get("deltas"))
    merged = as_dict(deltas.get("merged_prs"))
    return {
        "merged_prs_previous_period": merged.get("previous"),
        "merged_prs_change": merged.get("change"),
        "labels_rising": strs(deltas.get("labels_rising")),
        "themes_new": strs(deltas.get("themes_new")),
        "themes_rising": strs(deltas.get("themes_rising")),
        "themes_falling": strs(deltas.get("themes_falling")),
    }


def _biggest_themes(ctx: dict[str, Any]) -> list[dict[str, Any]]:
    themes = [t for t in as_dicts(ctx.get("themes")) if ints(t.get("prs"))]
    return sorted(themes, key=lambda t: -len(ints(t.get("prs"))))


def _ranked_themes(ctx: dict[str, Any], prs: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    def weight(theme: dict[str, Any]) -> tuple[float, int]:
        numbers = ints(theme.get("prs"))
        return (-sum(as_num(prs.get(n, {}).get("importance")) or 0.0 for n in numbers), -len(numbers))

    return sorted(_biggest_themes(ctx), key=weight)


def section_facts(ctx: dict[str, Any], section: str) -> dict[str, Any]:
    """The facts one section is written from (and validated against)."""
    prs = _prs(ctx)
    head = _headline(ctx)
    if section == "summary":
        ai = as_dict(ctx.get("ai_assisted"))
        return {
            **head,
            "main_themes": [_theme(t, prs, reps=2) for t in _biggest_themes(ctx)[:3]],
            "top_labels": _labels(ctx, 5),
            "hot_files": _hot_files(ctx, 3),
            "top_risks": _risks(ctx, 2, prs, 0),
            "ai_assisted_prs": ai.get("count"),
            "ai_assisted_percent": _share_percent(ai.get("share")),
            "change_from_previous_period": _deltas(ctx),
        }
    if section == "key_changes":
        return {**head, "top_themes": [_theme(t, prs) for t in _ranked_themes(ctx, prs)[:3]]}
    if section == "trends":
        history = [{"period": h.get("label"), "merged_prs": h.get("merged_prs")} for h in as_dicts(ctx.get("history"))]
        return {
            **head,
            "themes": [
                {
                    "name": t.get("name"),
                    "prs": t.get("count"),
                    "trend": t.get("trend"),
                    "previous_prs": t.get("previous_count"),
                }
                for t in _biggest_themes(ctx)
            ],
            "labels": _labels(ctx, 8),
            "hot_files": _hot_files(ctx, 6),
            "change_from_previous_period": _deltas(ctx),
            "history": history[-6:],
        }
    if section == "risks":
        return {**head, "risks": _risks(ctx, 4, prs, 3)}
    if section == "key_prs":
        out = []
        for n in ints(ctx.get("key_prs")):
            pr = prs.get(n)
            if pr is None:
                continue
            brief = _pr_brief(pr)
            score = as_dict(pr.get("score"))
            brief["why_it_scored_high"] = score.get("reason")
            brief["score_components"] = {k: v for k, v in as_dict(score.get("components")).items() if v}
            brief["directories"] = strs(pr.get("directories"))[:3]
            brief["additions"], brief["deletions"] = pr.get("additions"), pr.get("deletions")
            reading = as_dict(pr.get("llm"))
            if reading.get("review_conclusion"):
                brief["review_conclusion"] = reading["review_conclusion"]
            out.append(brief)
        return {**head, "quick_look": out}
    if section == "recommendations":
        recs = [
            {
                "kind": r.get("kind"),
                "prs": ints(r.get("prs")),
                "prs_in_all": r.get("count"),
                "suggestion": r.get("text"),
            }
            for r in as_dicts(ctx.get("recommendations"))
        ]
        return {
            **head,
            "recommendations": recs,
            "top_risks": _risks(ctx, 3, prs, 0),
            "themes": [{"name": t.get("name"), "trend": t.get("trend")} for t in _biggest_themes(ctx)[:4]],
        }
    raise ValueError(f"unknown section {section!r}")


def pr_input(pr: dict[str, Any], body: str, review: dict[str, Any] | None) -> dict[str, Any]:
    """One PR as the reader sees it: title, description, files and, when known, the review discussion."""
    files = as_dicts(pr.get("files"))
    out: dict[str, Any] = {
        "number": pr.get("number"),
        "title": pr.get("title"),
        "author": pr.get("author"),
        "kind": pr.get("kind"),
        "labels": [x.get("name") for x in as_dicts(pr.get("labels"))],
        "additions": pr.get("additions"),
        "deletions": pr.get("deletions"),
        "files": [
            {
                "path": f.get("path"),
                "status": f.get("status"),
                "additions": f.get("additions"),
                "deletions": f.get("deletions"),
            }
            for f in files[:MAX_FILES]
        ],
        "more_files": max(0, len(files) - MAX_FILES),
        "description": body[:MAX_BODY_CHARS],
    }
    if review:
        out["review"] = review
    return out
