"""What a few diffs say beyond line counts, read at sync time at little cost.

- **Rust inline tests.** A Rust crate keeps unit tests inside the source file
  (``#[cfg(test)] mod tests { #[test] fn ... }``), so a PR that changes them
  touches no test path. Only the ``.rs`` files of commits that otherwise look
  test-less are read, with ``git log -p -U0``: a changed line that is a test
  attribute, or a hunk inside ``mod tests`` or a ``fn test_*`` (the hunk header,
  with a funcname pattern of our own that sees past fixture strings).
- **Dependency entries.** A manifest (Cargo.toml, package.json, pyproject.toml,
  requirements*.txt, go.mod, Gemfile, ...) changed: its old and new contents are
  read with ``git cat-file --batch`` and the dependency tables compared, so a
  version bump of the package itself, a script or a lint setting in package.json
  is no dependency change, and a lock file alone never is one.
- **.gitattributes.** The linguist rules (generated, vendored, documentation) of
  every ``.gitattributes`` at the synced head.

Each function runs at most two git processes for any number of commits.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prhub.analysis.paths import PathClasses, manifest_ecosystem, parse_gitattributes

RUST_MIN_LINES = 30  # fewer changed .rs lines do not reach a sensible missing-tests threshold
_RUST_TEST_LINE = re.compile(
    rb"#\[\s*(cfg\(\s*test\s*\)|(\w+::)*test\b|rstest|test_case|proptest|quickcheck)|\bmod\s+tests?\b|\bproptest!"
)
_RUST_TEST_HUNK = re.compile(rb"\bmod\s+tests?\b|#\[cfg\(test\)\]|\bfn\s+test_\w+")


@dataclass(frozen=True, slots=True)
class CommitFiles:
    """What the scan needs of one commit: its sha, parents and changed files."""

    sha: str
    parents: tuple[str, ...]
    files: Sequence[tuple[str, str, int]]  # (path, status, changed lines)


def _env() -> dict[str, str]:
    return {**os.environ, "LANG": "C", "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}


def _git(path: Path, args: Sequence[str], stdin: bytes) -> bytes:
    proc = subprocess.run(["git", *args], cwd=path, env=_env(), input=stdin, capture_output=True)
    return proc.stdout if proc.returncode == 0 else b""


# -- manifests --------------------------------------------------------------------------
def _toml(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return None


def _cargo_deps(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def take(table: Any, prefix: str) -> None:
        if not isinstance(table, dict):
            return
        for key in ("dependencies", "dev-dependencies", "build-dependencies"):
            for name, spec in (table.get(key) or {}).items():
                out[f"{prefix}{name}"] = spec

    take(doc, "")
    take(doc.get("workspace") or {}, "")
    for target in (doc.get("target") or {}).values():
        take(target, "")
    # the workspace's own crates (path dependencies) and `x = { workspace = true }` (a crate using what
    # the workspace already pins) are wiring inside the repository, not a dependency change
    return {
        k: v
        for k, v in out.items()
        if not (isinstance(v, dict) and (("path" in v and "git" not in v) or v.get("workspace") is True))
    }


def _npm_deps(doc: Any) -> dict[str, Any]:
    if not isinstance(doc, dict):
        return {}
    out: dict[str, Any] = {}
    for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies", "overrides"):
        table = doc.get(key)
        if isinstance(table, dict):
            for name, spec in table.items():
                if not (isinstance(spec, str) and spec.startswith(("workspace:", "link:", "file:"))):
                    out[name] = spec
    return out


def _pip_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[(@]", requirement.strip(), maxsplit=1)[0].lower()


def _pyproject_deps(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    project = doc.get("project") or {}
    for req in project.get("dependencies") or []:
        out[_pip_name(str(req))] = req
    for group, reqs in (project.get("optional-dependencies") or {}).items():
        for req in reqs or []:
            out[f"{_pip_name(str(req))}[{group}]"] = req
    for group, reqs in (doc.get("dependency-groups") or {}).items():
        for req in reqs or []:
            if isinstance(req, str):
                out[f"{_pip_name(req)}({group})"] = req
    build = doc.get("build-system") or {}
    for req in build.get("requires") or []:
        out[f"{_pip_name(str(req))}(build)"] = req
    poetry = (doc.get("tool") or {}).get("poetry") or {}
    for key in ("dependencies", "dev-dependencies"):
        for name, spec in (poetry.get(key) or {}).items():
            out[name.lower()] = spec
    for group, table in (poetry.get("group") or {}).items():
        for name, spec in ((table or {}).get("dependencies") or {}).items():
            out[f"{name.lower()}({group})"] = spec
    return out


def _line_deps(text: str, comment: str = "#") -> dict[str, Any]:
    """requirements.txt and friends: every entry line, by package name."""
    out: dict[str, Any] = {}
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip() if comment == "#" else line.strip()
        if not line or line.startswith(comment) or line.startswith("-"):
            continue
        out[_pip_name(line) or line] = line
    return out


def _go_deps(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    block = False
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if line.startswith("require ("):
            block = True
            continue
        if block and line == ")":
            block = False
            continue
        if line.startswith("require "):
            line, block = line[len("require ") :], False
        elif line.startswith("replace ") or (not block):
            if line.startswith("replace "):
                out[f"replace {line.split()[1]}"] = line
            continue
        fields = line.split()
        if len(fields) >= 2:
            out[fields[0]] = fields[1]
    return out


_GEM = re.compile(r"""\s*(gem|\w+\.add_(?:runtime_|development_)?dependency)\s*\(?\s*['"]([^'"]+)['"](.*)""")


def _gem_deps(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for line in text.splitlines():
        found = _GEM.match(line)
        if found:
            out[found.group(2)] = found.group(3).strip()
    return out


def dependency_entries(ecosystem: str, path: str, text: str) -> dict[str, Any] | None:
    """The dependency entries of one manifest's contents, by name; None when unreadable."""
    name = path.rpartition("/")[2]
    if ecosystem == "cargo":
        doc = _toml(text)
        return None if doc is None else _cargo_deps(doc)
    if ecosystem == "npm" and name == "package.json":
        try:
            return _npm_deps(json.loads(text))
        except ValueError:
            return None
    if ecosystem == "pip" and name == "pyproject.toml":
        doc = _toml(text)
        return None if doc is None else _pyproject_deps(doc)
    if ecosystem == "pip" and name == "Pipfile":
        doc = _toml(text)
        if doc is None:
            return None
        return {**(doc.get("packages") or {}), **{f"{k}(dev)": v for k, v in (doc.get("dev-packages") or {}).items()}}
    if ecosystem == "pip" and name == "setup.cfg":
        return _setup_cfg_deps(text)
    if ecosystem == "pip":
        return _line_deps(text)
    if ecosystem == "go":
        return _go_deps(text)
    if ecosystem == "ruby":
        return _gem_deps(text)
    if ecosystem == "composer":
        try:
            doc = json.loads(text)
        except ValueError:
            return None
        return {**(doc.get("require") or {}), **(doc.get("require-dev") or {})} if isinstance(doc, dict) else None
    return _line_deps(text, "//")  # anything else: every line counts


def _setup_cfg_deps(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    inside = False
    for line in text.splitlines():
        if re.match(r"\s*(install_requires|tests_require|setup_requires)\s*=", line):
            inside = True
            rest = line.split("=", 1)[1].strip()
            if rest:
                out[_pip_name(rest)] = rest
            continue
        if inside:
            if line[:1].isspace() and line.strip():
                out[_pip_name(line)] = line.strip()
            elif line.strip():
                inside = False
    return out


def changed_entries(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The names whose entry was added, removed or changed (sorted)."""
    before, after = before or {}, after or {}
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


# -- reading git ------------------------------------------------------------------------
# git log over the commits named on stdin, each diffed against its first parent
_LOG_LISTED = ("-c", "core.quotepath=off", "log", "--no-walk=unsorted", "--stdin", "--diff-merges=first-parent")


def _raw_entries(path: Path, shas: Sequence[str], pathspecs: Sequence[str]) -> dict[str, list[tuple[str, str, str]]]:
    """sha -> [(path, old blob, new blob)] of the files matching ``pathspecs`` (first-parent diff)."""
    out = _git(
        path,
        [
            *_LOG_LISTED,
            "-z",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--format=%x1e%H",
            "--",
            *pathspecs,
        ],
        "\n".join(shas).encode(),
    )
    found: dict[str, list[tuple[str, str, str]]] = {}
    for record in out.split(b"\x1e")[1:]:
        tokens = record.split(b"\0")
        sha = tokens[0].strip().decode("ascii", "replace")
        i = 1
        while i < len(tokens):
            token = tokens[i].lstrip(b"\n")
            if token.startswith(b":") and i + 1 < len(tokens):
                fields = token[1:].split(b" ")
                found.setdefault(sha, []).append(
                    (tokens[i + 1].decode("utf-8", "replace"), fields[2].decode(), fields[3].decode())
                )
                i += 2
            else:
                i += 1
    return found


def _blobs(path: Path, ids: Iterable[str]) -> dict[str, str]:
    wanted = [b for b in dict.fromkeys(ids) if b and set(b) != {"0"}]
    if not wanted:
        return {}
    out = _git(path, ["cat-file", "--batch"], "\n".join(wanted).encode() + b"\n")
    blobs: dict[str, str] = {}
    pos = 0
    for blob in wanted:
        end = out.find(b"\n", pos)
        if end < 0:
            break
        header = out[pos:end].split(b" ")
        if len(header) < 3 or header[1] != b"blob":
            pos = end + 1
            continue
        size = int(header[2])
        blobs[blob] = out[end + 1 : end + 1 + size].decode("utf-8", "replace")
        pos = end + 1 + size + 1
    return blobs


def dependency_facts(path: Path, commits: Sequence[CommitFiles]) -> list[tuple[str, str, str, str]]:
    """``(sha, "dependency", manifest, "ecosystem name,name")`` for manifests whose entries changed."""
    shas = [c.sha for c in commits if any(manifest_ecosystem(p) for p, _, _ in c.files)]
    if not shas:
        return []
    names = sorted({p.rpartition("/")[2] for c in commits for p, _, _ in c.files if manifest_ecosystem(p)})
    entries = _raw_entries(path, shas, [f":(glob)**/{n}" for n in names])
    blobs = _blobs(path, (b for files in entries.values() for _, old, new in files for b in (old, new)))
    rows: list[tuple[str, str, str, str]] = []
    parsed: dict[tuple[str, str], dict[str, Any] | None] = {}  # a commit's new blob is the next one's old

    def read(ecosystem: str, file: str, blob: str) -> dict[str, Any] | None:
        if blob not in blobs:
            return {}  # added or deleted: nothing on that side
        key = (file, blob)
        if key not in parsed:
            parsed[key] = dependency_entries(ecosystem, file, blobs[blob])
        return parsed[key]

    for sha, files in entries.items():
        for file, old, new in files:
            ecosystem = manifest_ecosystem(file)
            if ecosystem is None:
                continue
            before = read(ecosystem, file, old)
            after = read(ecosystem, file, new)
            if before is None or after is None:
                continue  # unreadable (not TOML, not JSON): no claim either way
            changed = changed_entries(before, after)
            if changed:
                rows.append((sha, "dependency", file, f"{ecosystem} {','.join(changed[:20])}"))
    return rows


# The hunk header names the enclosing test module or test function, however far above the hunk it
# is: git's default header is the last unindented line, which in a test whose fixture is a raw string
# (rust-analyzer's ``check(r#"fn main() {...}"#)``) is a line of the fixture, not ``mod tests``.
_RUST_TEST_FUNCNAME = (
    r"^[ \t]*((pub(\([^)]*\))?[ \t]+)?mod[ \t]+tests?\b.*"
    r"|(pub(\([^)]*\))?[ \t]+)?(async[ \t]+)?fn[ \t]+test_[A-Za-z0-9_]+.*)$"
)


def _rust_diffs(path: Path, shas: Sequence[str], attributes: Path) -> bytes:
    """The -U0 diffs of the .rs files of ``shas``, each hunk headed by its test module or function."""
    return _git(
        path,
        [
            "-c",
            f"core.attributesFile={attributes}",
            "-c",
            f"diff.rust.xfuncname={_RUST_TEST_FUNCNAME}",
            *_LOG_LISTED,
            "-p",
            "-U0",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--format=%x1e%H",
            "--",
            "*.rs",
        ],
        "\n".join(shas).encode(),
    )


def rust_test_facts(
    path: Path, commits: Sequence[CommitFiles], classes: PathClasses
) -> list[tuple[str, str, str, str]]:
    """``(sha, "inline-tests", file.rs, "")`` for the .rs files whose diff changes inline tests.

    Candidates only: commits that change .rs source (more than RUST_MIN_LINES lines) and no test path.
    """
    candidates = []
    for c in commits:
        kinds = [classes.of(p) for p, _, _ in c.files]
        if "tests" in kinds:
            continue
        rust = sum(n for (p, _, n), k in zip(c.files, kinds, strict=True) if k == "source" and p.endswith(".rs"))
        if rust > RUST_MIN_LINES:
            candidates.append(c.sha)
    if not candidates:
        return []
    with tempfile.TemporaryDirectory(prefix="prhub-") as tmp:
        attributes = Path(tmp) / "attributes"
        attributes.write_text("*.rs diff=rust\n")
        out = _rust_diffs(path, candidates, attributes)
    rows: list[tuple[str, str, str, str]] = []
    for record in out.split(b"\x1e")[1:]:
        head, _, body = record.partition(b"\n")
        sha = head.strip().decode("ascii", "replace")
        if not (_RUST_TEST_LINE.search(body) or _RUST_TEST_HUNK.search(body)):
            continue  # most commits: one scan of the bytes in C, no line loop
        current: str | None = None
        hit: set[str] = set()
        for line in body.split(b"\n"):
            if line.startswith(b"diff --git "):
                current = None
            elif line.startswith((b"--- a/", b"+++ b/")):
                current = line[6:].decode("utf-8", "replace")
            elif current is None or current in hit or line.startswith((b"--- ", b"+++ ")):
                continue
            elif line.startswith(b"@@"):
                if _RUST_TEST_HUNK.search(line.rpartition(b"@@")[2]):
                    hit.add(current)
            elif line[:1] in (b"+", b"-") and _RUST_TEST_LINE.search(line):
                hit.add(current)
        rows.extend((sha, "inline-tests", p, "") for p in sorted(hit))
    return rows


def gitattributes_rules(path: Path, head: str) -> list[tuple[str, str, bool]]:
    """The linguist rules of every .gitattributes at ``head``, outermost first (later ones win)."""
    listing = _git(path, ["ls-tree", "-r", "-z", "--name-only", head], b"")
    files = [p.decode("utf-8", "replace") for p in listing.split(b"\0") if p.endswith(b".gitattributes")]
    if not files:
        return []
    files.sort(key=lambda p: (p.count("/"), p))
    ids = _git(path, ["rev-parse", *[f"{head}:{p}" for p in files]], b"").decode().split()
    if len(ids) != len(files):
        return []
    blobs = _blobs(path, ids)
    rules: list[tuple[str, str, bool]] = []
    for file, blob in zip(files, ids, strict=True):
        rules.extend(parse_gitattributes(file.rpartition("/")[0], blobs.get(blob, "")))
    return rules
