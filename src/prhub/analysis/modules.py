"""Path -> module: configured, or inferred from the tree.

Inference is depth-aware: a directory that holds a large share of the
repository's changes (src/, tests/, src/engine/) is split into its
subdirectories, up to ``max_depth`` components, so a big package yields modules
such as ``src/engine/layers`` and ``src/engine/core`` instead of one
``src`` module; small directories stay whole. Files at the root are the
``(root)`` module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

ROOT_MODULE = "(root)"


class ModuleMap:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # prefix (a directory, no trailing slash) -> module name; longest prefix wins
        self.prefixes = dict(prefixes)
        self._depths = sorted({p.count("/") + 1 for p in self.prefixes}, reverse=True)
        self._cache: dict[str, str] = {}

    def module_of(self, path: str) -> str:
        found = self._cache.get(path)
        if found is not None:
            return found
        parts = path.split("/")
        module = None
        for depth in self._depths:
            if depth < len(parts):
                module = self.prefixes.get("/".join(parts[:depth]))
                if module is not None:
                    break
        if module is None:
            module = parts[0] if len(parts) > 1 else ROOT_MODULE
        self._cache[path] = module
        return module

    def modules_of(self, paths: list[str]) -> list[str]:
        """Distinct modules in first-seen order."""
        return list(dict.fromkeys(self.module_of(p) for p in paths))


def infer(
    path_counts: Mapping[str, int], max_depth: int = 3, split_share: float = 0.06, min_share: float = 0.008
) -> ModuleMap:
    """Split any directory holding at least ``split_share`` of all changes into its children.

    A child directory becomes its own module when it holds at least ``min_share``
    of all changes; smaller children stay in their parent's module.
    """
    total = sum(path_counts.values()) or 1
    tree: dict[str, int] = defaultdict(int)  # directory prefix -> changes under it
    for path, count in path_counts.items():
        parts = path.split("/")[:-1]
        for depth in range(1, min(len(parts), max_depth) + 1):
            tree["/".join(parts[:depth])] += count
    children: dict[str, list[str]] = defaultdict(list)
    for prefix in tree:
        parent = prefix.rpartition("/")[0]
        children[parent].append(prefix)

    prefixes: dict[str, str] = {}

    def visit(prefix: str, depth: int) -> None:
        big = [c for c in children.get(prefix, []) if tree[c] / total >= min_share]
        if depth < max_depth and tree[prefix] / total >= split_share and len(big) >= 2:
            for child in big:
                visit(child, depth + 1)
        prefixes[prefix] = prefix

    for top in children.get("", []):
        visit(top, 1)
    return ModuleMap(prefixes)


def configured(mapping: Mapping[str, str]) -> ModuleMap:
    """A ``[modules.map]`` table: ``"src/engine" = "engine"``."""
    return ModuleMap({prefix.strip("/"): name for prefix, name in mapping.items()})
