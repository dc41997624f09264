"""Golden cases for the signal of a report: which files are tests, generated, vendored or lock
files; which PRs are mechanical (never key); what the dependency risk reads from a manifest's diff.

Each case is a small scripted repository (tests/gitrepo.py) of squash-merged PRs in 2026-W15,
synced and reported with the real CLI; the assertions read the JSON report as a user would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import run_prhub
from gitrepo import ScriptedRepo
from prhub.analysis.paths import PathClasses, parse_gitattributes
from prhub.config import default_settings
from prhub.sources.diffs import changed_entries, dependency_entries


def report(repo: ScriptedRepo, tmp_path: Path, lang: str = "en") -> dict[str, Any]:
    db = tmp_path / "prhub.db"
    proc = run_prhub("sync", str(repo.path), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    proc = run_prhub(
        "report", str(repo.path), "--db", str(db), "--week", "2026-W15", "--format", "json", "--lang", lang
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def by_number(ctx: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {pr["number"]: pr for pr in ctx["prs"]}


def risk_tags(pr: dict[str, Any]) -> set[str]:
    return {r["tag"] for r in pr["risks"]}


def code(n: int, tag: str = "code") -> str:
    return "".join(f"{tag} line {i}\n" for i in range(n))


# -- test layouts ---------------------------------------------------------------------------
LAYOUTS: list[tuple[str, str, str]] = [
    # (language, source file, test file)
    ("Python", "src/pkg/mod.py", "tests/test_mod.py"),
    ("Python, beside the code", "pkg/core/a.py", "pkg/core/a_test.py"),
    ("Rust, integration tests", "crates/a/src/lib.rs", "crates/a/tests/it.rs"),
    ("Rust, tests module file", "crates/b/src/infer.rs", "crates/b/src/infer/tests.rs"),
    ("Go", "pkg/x/x.go", "pkg/x/x_test.go"),
    ("Go, testdata", "pkg/p/p.go", "pkg/p/testdata/input.txt"),
    ("TypeScript", "src/a.ts", "src/a.test.ts"),
    ("JavaScript, __tests__", "packages/v/src/n.js", "packages/v/src/__tests__/n.spec.js"),
    ("Java", "src/main/java/org/x/A.java", "src/test/java/org/x/ATest.java"),
    ("C++", "lib/codec/x.cc", "lib/codec/x_test.cc"),
    ("C", "src/parse.c", "test/parse_check.c"),
    ("Python, testsuite package", "pkg/app.py", "pkg/testsuite/app.py"),
    ("C, testsuite (GCC, Tcl)", "gcc/fold.c", "gcc/testsuite/gcc.dg/fold-1.c"),
    ("Ruby", "lib/gem/a.rb", "spec/gem/a_spec.rb"),
    ("snapshots", "crates/fmt/src/lib.rs", "crates/fmt/tests/snapshots/fmt__case.snap"),
    ("Markdown tests", "crates/ty_sem/src/types.rs", "crates/ty_sem/resources/mdtest/narrow/isinstance.md"),
    ("fixtures", "crates/lint/src/rules/x.rs", "crates/lint/resources/test/fixtures/x/X001.py"),
]

RUST_INLINE = """pub fn add(a: i32, b: i32) -> i32 {
    a + b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds() {
        assert_eq!(add(1, 2), 3);
    }
}
"""

# rust-analyzer's tests: a fixture in a raw string, whose unindented lines git would take for the
# hunk's enclosing item; a change inside it is a change to a test
RUST_FIXTURE = """pub fn complete(text: &str) -> usize {{
    text.len()
}}

#[cfg(test)]
mod tests {{
    fn check(fixture: &str) {{
        assert!(super::complete(fixture) > 0);
    }}

    #[test]
    fn completes_in_main() {{
        check(
            r#"
fn main() {{
    let x = 1;
}}
{more}"#,
        );
    }}
}}
"""


def test_every_language_s_test_layout_counts_as_tests(tmp_path: Path) -> None:
    repo = ScriptedRepo(tmp_path / "layouts")
    repo.write("README.md", "x\n")
    repo.commit("Initial commit")
    for number, (_, source, test) in enumerate(LAYOUTS, start=1):
        repo.write(source, code(80, f"pr{number}"))
        repo.write(test, code(5, f"test{number}"))
        repo.commit(f"Change {source} ({number}) (#{number})")
    # the control: the same change without a test
    repo.write("src/pkg/untested.py", code(80, "untested"))
    repo.commit("Change the untested module (#100)")
    # Rust unit tests live inside the source file: the diff shows them
    repo.write("crates/c/src/lib.rs", "pub fn one() -> i32 {\n    1\n}\n")
    repo.commit("Add crate c (#101)")
    repo.write("crates/c/src/lib.rs", code(70, "// c") + RUST_INLINE)
    repo.commit("Grow crate c with its unit tests (#102)")
    repo.write("crates/c/src/more.rs", code(80, "// more"))
    repo.commit("Grow crate c without tests (#103)")
    repo.write("crates/d/src/lib.rs", RUST_FIXTURE.format(more=""))
    repo.commit("Add crate d (#104)")
    repo.write("crates/d/src/lib.rs", RUST_FIXTURE.format(more="".join(f"struct S{i};\n" for i in range(60))))
    repo.commit("Complete the structs of a fixture (#105)")

    prs = by_number(report(repo, tmp_path))
    for number, (language, _, _) in enumerate(LAYOUTS, start=1):
        assert "missing-tests" not in risk_tags(prs[number]), language
    assert "missing-tests" in risk_tags(prs[100])
    assert "missing-tests" not in risk_tags(prs[102])  # #[cfg(test)] mod tests in the diff
    assert "missing-tests" in risk_tags(prs[103])
    assert "missing-tests" not in risk_tags(prs[105])  # inside a test's fixture string


def test_test_globs_by_language() -> None:
    classes = PathClasses(default_settings()["paths"])
    for _, source, test in LAYOUTS:
        assert classes.of(test) == "tests", test
        assert classes.of(source) == "source", source
    assert classes.of("web/src/app.spec.tsx") == "tests" and classes.of("web/src/app.tsx") == "source"
    assert classes.of("Cargo.lock") == "lock" and classes.of("web/pnpm-lock.yaml") == "lock"
    assert classes.of("go.sum") == "lock" and classes.of("uv.lock") == "lock" and classes.of("Gemfile.lock") == "lock"
    assert classes.of("vendor/github.com/x/y.go") == "vendored"
    assert classes.of("third_party/zlib/inflate.c") == "vendored"
    assert classes.of("vendor/lib/tests/test_x.py") == "vendored"  # a vendored copy's tests are vendored
    assert classes.of("api/v1/types.pb.go") == "generated"


def test_gitattributes_mark_generated_vendored_and_documentation() -> None:
    rules = parse_gitattributes("", "ruff.schema.json -diff linguist-generated=true\nextern/** linguist-vendored\n")
    rules += parse_gitattributes("crates/ty/docs", "rules.md linguist-generated=true\n")
    rules += parse_gitattributes("", "vendor/ours/** -linguist-vendored\nbook/** linguist-documentation\n")
    classes = PathClasses(default_settings()["paths"], rules)
    assert classes.of("ruff.schema.json") == "generated"
    assert classes.of("crates/ty/docs/rules.md") == "generated" and classes.of("docs/rules.md") == "docs"
    assert classes.of("extern/lib/a.c") == "vendored"
    assert classes.of("vendor/ours/a.go") == "source"  # unset: an exception to the default vendor/ rule
    assert classes.of("book/intro.txt") == "docs"
    assert not classes.counts("ruff.schema.json") and classes.counts("src/a.rs")


# -- mechanical changes -----------------------------------------------------------------------
MODULES = ["alpha", "beta", "gamma", "delta", "eps", "zeta"]


def _spread(repo: ScriptedRepo, tag: str, lines: int = 120) -> None:
    for m in MODULES:
        repo.write(f"{m}/src/impl.py", code(lines, f"{m} {tag}"))


def test_mechanical_changes_are_never_key(tmp_path: Path) -> None:
    repo = ScriptedRepo(tmp_path / "mech")
    repo.write(".gitattributes", "api/schema.json linguist-generated=true\nextern/** linguist-vendored\n")
    _spread(repo, "v0")
    for m in MODULES:
        repo.write(f"{m}/src/names.py", "".join(f"teh {m} word {i}\n" for i in range(60)))
        repo.write(f"{m}/old/mod.py", code(40, f"old {m}"))
    repo.write("Cargo.lock", code(50, "lock v0"))
    repo.write("api/schema.json", code(50, "schema v0"))
    repo.write("extern/lib/a.c", code(50, "extern v0"))
    repo.commit("Initial commit")
    # ordinary PRs of the week, a few of them large, so the percentiles have something to stand on
    for n in range(1, 21):
        repo.write(f"{MODULES[n % 6]}/src/small{n}.py", code(10 + 5 * n, f"small {n}"))
        repo.write(f"{MODULES[n % 6]}/tests/test_small{n}.py", code(5, f"t {n}"))
        repo.commit(f"Fix the small thing {n} (#{n})")

    _spread(repo, "fmt")
    repo.commit("Enable rustfmt on more files (#30)")
    for m in MODULES:
        repo.write(f"{m}/src/names.py", "".join(f"the {m} word {i}\n" for i in range(60)))
    repo.commit("Fix typos in comments (#31)")
    for m in MODULES:
        repo.rename(f"{m}/old/mod.py", f"{m}/new/mod.py")
    repo.commit("Move the modules to new/ (#32)")
    repo.write("Cargo.lock", code(3000, "lock v1"))
    repo.commit("Update Rust crate serde to v1.0.300 (#33)")
    repo.write("api/schema.json", code(3000, "schema v1"))
    repo.commit("Regenerate the API schema (#34)")
    repo.write("extern/lib/a.c", code(3000, "extern v1"))
    repo.commit("Sync the vendored library (#35)")
    _spread(repo, "release", 300)
    repo.commit("Merge v1.5 into main (#36)")
    _spread(repo, "unrelease", 300)
    repo.commit('Revert "prepare 1.6.0-rc.0" (#37)')  # undoing release housekeeping is housekeeping
    # the control: a change as large and as broad, that is not mechanical, is key
    _spread(repo, "feature", 300)
    repo.commit("Add the new scheduler across every module (#40)")

    ctx = report(repo, tmp_path)
    prs = by_number(ctx)
    expected = {
        30: "formatter",
        31: "typo",
        32: "rename",
        33: "lockfile",
        34: "generated",
        35: "vendored",
        36: "release-merge",
        37: "release",
    }
    for number, why in expected.items():
        assert prs[number]["mechanical"] == why, (number, prs[number]["mechanical"])
        assert not prs[number]["is_key"] and prs[number]["importance"] < 6.0, number
        assert prs[number]["score"]["reasons"][-1] == {"code": "mechanical", "why": why}
        assert "large-change" not in risk_tags(prs[number]) and "missing-tests" not in risk_tags(prs[number])
    assert prs[40]["is_key"] and prs[40]["mechanical"] is None
    assert "never key" in prs[30]["score"]["reason"]
    # lock, generated and vendored files are never hot files, and weigh nothing in size
    hot = {h["path"] for h in ctx["hot_files"]}
    assert not hot & {"Cargo.lock", "api/schema.json", "extern/lib/a.c"}
    assert "dependency" not in risk_tags(prs[33])  # a lockfile alone pins nothing new


# -- dependency: read from the manifest's diff ----------------------------------------------------
CARGO = """[package]
name = "demo"
version = "{version}"

[dependencies]
serde = "{serde}"

[lints]
clippy = "warn"
"""
PACKAGE = """{{
  "name": "web",
  "version": "{version}",
  "scripts": {{"build": "{build}"}},
  "dependencies": {{"react": "{react}"}},
  "devDependencies": {{"vitest": "^2.0.0"}}
}}
"""


def test_dependency_is_a_manifest_s_entries_changing(tmp_path: Path) -> None:
    repo = ScriptedRepo(tmp_path / "deps")
    repo.write("Cargo.toml", CARGO.format(version="0.1.0", serde="1.0.100"))
    repo.write("web/package.json", PACKAGE.format(version="1.0.0", build="vite build", react="^18.2.0"))
    repo.write("go.mod", "module example.com/x\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/sync v0.6.0\n)\n")
    repo.write("requirements.txt", "requests==2.31.0\n")
    repo.write("Cargo.lock", code(20, "lock"))
    repo.commit("Initial commit")
    repo.write("Cargo.toml", CARGO.format(version="0.1.0", serde="1.0.200"))
    repo.write("Cargo.lock", code(30, "lock"))
    repo.commit("Update Rust crate serde to 1.0.200 (#1)")
    repo.write("web/package.json", PACKAGE.format(version="1.0.0", build="vite build --mode prod", react="^18.2.0"))
    repo.commit("Build the site in production mode (#2)")
    repo.write("web/package.json", PACKAGE.format(version="1.1.0", build="vite build --mode prod", react="^18.3.0"))
    repo.commit("Bump react to 18.3 (#3)")
    repo.write("Cargo.toml", CARGO.format(version="0.2.0", serde="1.0.200"))
    repo.commit("Release 0.2.0 (#4)")
    repo.write("Cargo.lock", code(40, "lock"))
    repo.commit("Update the lock file (#5)")
    repo.write("go.mod", "module example.com/x\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/sync v0.7.0\n)\n")
    repo.commit("Update golang.org/x/sync (#6)")
    repo.write("requirements.txt", "# pinned for CI\nrequests==2.31.0\n")
    repo.commit("Explain the requirement pins (#7)")

    ctx = report(repo, tmp_path)
    prs = by_number(ctx)
    dep = {n: next((r for r in prs[n]["risks"] if r["tag"] == "dependency"), None) for n in prs}
    assert dep[1] is not None and "Cargo.toml" in dep[1]["evidence"] and "serde" in dep[1]["evidence"]
    assert dep[2] is None  # a script changed, no dependency entry
    assert dep[3] is not None and "react" in dep[3]["evidence"]
    assert dep[4] is None  # the package's own version
    assert dep[5] is None  # lockfile only
    assert dep[6] is not None and "golang.org/x/sync" in dep[6]["evidence"]
    assert dep[7] is None  # a comment
    rec = next(r for r in ctx["recommendations"] if r["kind"] == "pin-dependency")
    assert rec["ecosystem"] in ("cargo", "npm", "go") and "pin the versions" not in rec["text"].lower()
    # no PR is named by two recommendations
    named = [n for r in ctx["recommendations"] for n in r["prs"]]
    assert len(named) == len(set(named))


def test_manifest_readers() -> None:
    before = dependency_entries("pip", "pyproject.toml", '[project]\ndependencies = ["httpx>=0.27", "rich"]\n')
    after = dependency_entries("pip", "pyproject.toml", '[project]\ndependencies = ["httpx>=0.28", "rich"]\n')
    assert changed_entries(before, after) == ["httpx"]
    ws = '[dependencies]\nruff_a = { path = "../ruff_a" }\nserde = { workspace = true }\n'
    assert dependency_entries("cargo", "crates/x/Cargo.toml", ws) == {}  # wiring inside the workspace
    assert dependency_entries("cargo", "Cargo.toml", "not = toml = at all") is None  # unreadable: no claim
    assert changed_entries({"a": "1"}, {"a": "1", "b": "2"}) == ["b"]


@pytest.mark.parametrize(
    ("title", "tagged"),
    [
        ("Remove support for Python 3.8", True),
        ("Deprecate the `--foo` flag", True),
        ("Drop the legacy API endpoint", True),
        ("Remove unused import", False),
        ("Remove a debug print from the parser", False),
        ("Remove redundant clone in the lexer", False),
    ],
)
def test_deprecation_is_public_surface(title: str, tagged: bool) -> None:
    from prhub.analysis.risks import RiskRules
    from prhub.store.queries import PrFile

    found = {
        r.tag for r in RiskRules(default_settings()).assess(title, [PrFile("src/a.py", "M", 5, 5)], set(), [], None)
    }
    assert ("deprecation" in found) is tagged


@pytest.mark.parametrize(
    ("title", "tagged"),
    [
        ("Fix the aarch64 wheels", True),
        ("Fix the build on Windows", True),
        ("Support SQL window functions", False),
        ("Add a sliding window to the rate limiter", False),
    ],
)
def test_platform_words(title: str, tagged: bool) -> None:
    from prhub.analysis.risks import RiskRules
    from prhub.store.queries import PrFile

    found = {
        r.tag for r in RiskRules(default_settings()).assess(title, [PrFile("src/a.py", "M", 5, 5)], set(), [], None)
    }
    assert ("platform" in found) is tagged


@pytest.mark.parametrize(
    ("title", "why"),
    [
        ("internal: Fix 1.95.0 Clippy", "formatter"),  # a lint pass for a new toolchain
        ("Fix clippy warnings", "formatter"),
        ("More clippy::{perf, complexity, style} fixes", "formatter"),
        ('Revert "prepare 3.12.0-rc.0"', "release"),  # undoing release housekeeping
        ('Revert "Merge release-3.1 into main"', "release-merge"),
        ("Merge release 3.11", "release-merge"),
        ("Merge release-2.55 branch", "release-merge"),
        ("Fix the clippy lint for needless borrows", None),  # a linter's own rule
        ('Revert "Add the scheduler"', None),
    ],
)
def test_mechanical_titles(title: str, why: str | None) -> None:
    from prhub.analysis import mechanical
    from prhub.analysis.labels import parse_title
    from prhub.store.queries import PrFile

    classes = PathClasses(default_settings()["paths"])
    files = [PrFile(f"crates/c{i}/src/lib.rs", "M", 12, 12) for i in range(6)]
    assert mechanical.why(title, parse_title(title), files, classes.of, "fix") == why
