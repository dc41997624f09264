"""Defensive readers over the report context: a missing or malformed key gives an empty value, never an error.

The context is JSON made by another layer (or by hand, or by an older version);
the writers read it through these so that a gap in it shortens the prose
instead of breaking it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def as_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_num(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def ints(value: object) -> list[int]:
    return [n for n in (value if isinstance(value, list) else []) if as_int(n) is not None]


def strs(value: object) -> list[str]:
    return [s for s in (value if isinstance(value, list) else []) if isinstance(s, str) and s.strip()]


def pr_ref(number: int, prs: Mapping[int, Mapping[str, Any]] | None = None) -> str:
    """How a PR is named: ``#123``; a security-advisory merge, which has no public number (its number
    is negative), by its merge commit's short sha when the context has it."""
    if number >= 0:
        return f"#{number}"
    sha = (prs or {}).get(number, {}).get("merge_sha")
    return sha[:10] if isinstance(sha, str) and sha else f"#{number}"
