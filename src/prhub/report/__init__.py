"""The Python API of reports: the functions the CLI and the website call.

from prhub.report import build_context, iter_contexts
ctx = build_context(store, "pallets/flask", week("2026-W15"), lang="zh")
for ctx in iter_contexts(store, "pallets/flask", kind="week"):
    ...
"""

from __future__ import annotations

from prhub.report.context import build_context, forge_url, iter_contexts

__all__ = ["build_context", "forge_url", "iter_contexts"]
