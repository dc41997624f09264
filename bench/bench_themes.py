"""Themes on real repositories: how many PRs the named and the topic themes hold, and their names.

    python bench/bench_themes.py --db /tmp/ruff.db astral-sh/ruff:2026-W33 astral-sh/ruff:2026-W32
    python bench/bench_themes.py --db /tmp/ruff.db --lang zh astral-sh/ruff:2026-W33

Each argument is ``owner/name:YYYY-Www`` (or ``DB=owner/name:YYYY-Www`` to read another store);
the repositories must have been synced (``prhub sync CLONE --db FILE``). Prints, per week: the
merged PRs, the share in named themes and in topic themes (an area or a line of work, not a kind
of change such as Bug fixes or Docs), every theme with its size and trend, what "Other changes"
holds, and how many of the week's theme keys the week before also chose (names stay stable).

"Dependency updates" (bot bumps, "Bump X from A to B") is a kind, not a topic: it says what was
done, not where. A week of mostly bot bumps (prometheus 2024-W50: 68 of 84) would fail any topic
bar on the bumps alone, so the topic share is also given on the PRs that are not dependency
updates ("own work"); the issue's bar (named >= 65%, topics >= 50%) is read on that.
Reports write the theme registry: point --db at a copy of a store you care about.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from prhub.period import week
from prhub.report import build_context
from prhub.store.sqlite import Store

# the kind themes of the generic defaults, for contexts written before themes said whether they are topics
_KIND_KEYS = frozenset({"ci", "docs", "tests", "performance", "bugfixes", "refactor", "deps"})


def _topic(theme: dict[str, object]) -> bool:
    return bool(theme["topic"]) if "topic" in theme else theme["key"] not in _KIND_KEYS


def measure(db: Path, slug: str, week_label: str, lang: str) -> dict[str, object]:
    with Store(db) as store:
        period = week(week_label)
        before = build_context(store, slug, period.previous(1), lang=lang)
        ctx = build_context(store, slug, period, lang=lang)
    merged = ctx["counts"]["merged_prs"]
    named = sum(t["count"] for t in ctx["themes"])
    topics = sum(t["count"] for t in ctx["themes"] if _topic(t))
    other = ctx.get("other_theme") or {}
    kinds = Counter(p.get("kind", "?") for p in ctx["prs"] if p["number"] in set(other.get("prs", [])))
    deps = sum(t["count"] for t in ctx["themes"] if t["key"] == "deps")
    return {
        "merged": merged,
        "named": named,
        "topics": topics,
        "deps": deps,
        "themes": [(t["name"], t["count"], _topic(t), t["trend"]) for t in ctx["themes"]],
        "other": other.get("count", 0),
        "other_kinds": kinds.most_common(),
        "kept": len({t["key"] for t in ctx["themes"]} & {t["key"] for t in before["themes"]}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="+", help="owner/name:YYYY-Www, or DB=owner/name:YYYY-Www")
    parser.add_argument("--db", type=Path, help="the store the targets are in (unless they name one)")
    parser.add_argument("--lang", default="en", choices=["en", "zh"])
    args = parser.parse_args(argv)
    for target in args.targets:
        db = args.db
        if "=" in target:
            db_text, target = target.split("=", 1)
            db = Path(db_text)
        if db is None:
            parser.error(f"{target}: no --db")
        slug, _, week_label = target.rpartition(":")
        m = measure(db, slug, week_label, args.lang)
        merged = int(m["merged"]) or 1  # type: ignore[call-overload]
        deps = int(m["deps"])  # type: ignore[call-overload]
        own = merged - deps or 1
        print(
            f"{slug} {week_label}: {m['merged']} PRs; named {m['named']} ({100 * int(m['named']) // merged}%), "  # type: ignore[call-overload]
            f"topics {m['topics']} ({100 * int(m['topics']) // merged}%), other {m['other']}"  # type: ignore[call-overload]
            + (
                f"; own work (not dependency updates) {merged - deps}: named {100 * (int(m['named']) - deps) // own}%, "  # type: ignore[call-overload]
                f"topics {100 * int(m['topics']) // own}%"  # type: ignore[call-overload]
                if deps
                else ""
            )
        )
        for name, count, topic, trend in m["themes"]:  # type: ignore[attr-defined]
            print(f"    {count:4d}  {name}{'' if topic else '  (kind)'}  [{trend}]")
        print(f"    other: {m['other']} {m['other_kinds']}")
        print(f"    themes also chosen the week before: {m['kept']} of {len(m['themes'])}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
