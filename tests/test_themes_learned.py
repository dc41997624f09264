"""Golden case: themes learned from a repository's own vocabulary.

A small scripted monorepo (a Cargo workspace with ``crates/ty_checker`` and
``crates/parser``, an npm package ``packages/web``) with some months of history,
then a busy week of ``[ty]`` tags, ``fix(ssr):`` scopes, untagged work in one
crate, a hot new word (PGO) and dependency bots. The report must name those
themes, keep the bots' bumps on one Dependency updates line (never a theme named
after a language), and keep the names the next week through the theme registry.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import run_prhub
from gitrepo import ALICE, BOB, EPOCH, FORGE, ScriptedRepo, Who
from prhub.analysis import vocab
from prhub.analysis.labels import parse_title
from prhub.analysis.pipeline import Analyzer
from prhub.config import default_settings

RENOVATE = Who("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com")
DEPENDABOT = Who("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
WEEK = 7 * 86400


class Script:
    def __init__(self, repo: ScriptedRepo) -> None:
        self.repo = repo
        self.number = 100

    def pr_over(self, title: str, paths: list[str], at: int) -> int:
        """A PR over several files (the last one written by ``pr``)."""
        for path in paths[:-1]:
            self.repo.lines(path, 20 + self.number % 5, tag=f"pr{self.number + 1}")
        return self.pr(title, paths[-1], at)

    def pr(self, title: str, path: str, at: int, who: Who = ALICE, lines: int = 30) -> int:
        self.number += 1
        self.repo.lines(path, lines + self.number % 7, tag=f"pr{self.number}")
        self.repo.commit(f"{title} (#{self.number})", author=who, committer=FORGE, at=at)
        return self.number


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScriptedRepo, Path]:
    base = tmp_path_factory.mktemp("learned")
    repo = ScriptedRepo(base / "repo")
    for manifest in (
        "Cargo.toml",
        "crates/ty_checker/Cargo.toml",
        "crates/ty_server/Cargo.toml",
        "crates/parser/Cargo.toml",
    ):
        repo.lines(manifest, 3)
    repo.lines("packages/web/package.json", 3)
    repo.commit("Initial import", author=ALICE, at=EPOCH - 20 * WEEK)
    s = Script(repo)
    # twelve quiet weeks of history: the same kinds of work, none of it about PGO
    for w in range(12, 0, -1):
        t = EPOCH - w * WEEK
        s.pr(f"[ty] Infer more precise types {w}", "crates/ty_checker/src/infer.rs", t + 3600)
        s.pr(f"Speed up the lexer {w}", "crates/parser/src/lexer.rs", t + 7200, BOB)
        s.pr(f"fix(ssr): keep module order {w}", "packages/web/src/ssr.ts", t + 9000)
        s.pr(f"Update Rust crate serde to v1.0.{w}", "Cargo.lock", t + 10000, RENOVATE)
        s.pr(f"Serve hover requests {w}", "crates/ty_server/src/hover.rs", t + 11000, BOB)
        s.pr(f"Complete imports {w}", "crates/ty_ide/src/completion.rs", t + 12000, BOB)
    # the busy week, 2026-W15
    t = EPOCH
    for i in range(6):
        s.pr(f"[ty] Narrow unions in match arms, case {i}", f"crates/ty_checker/src/narrow{i % 2}.rs", t + i * 600)
    for i in range(4):
        s.pr(f"fix(ssr): rewrite import {i} in transformed modules", "packages/web/src/ssr.ts", t + 5000 + i * 600)
    for i in range(4):
        s.pr(f"Speed up the lexer {i}", "crates/parser/src/lexer.rs", t + 9000 + i * 600, BOB)
    for i, crate in enumerate(("clap", "globset", "similar", "ignore")):
        s.pr(f"Update Rust crate {crate} to v4.{i}.1", "Cargo.lock", t + 20000 + i * 600, RENOVATE)
    s.pr("Bump lodash from 4.17.20 to 4.17.21", "packages/web/package-lock.json", t + 30000, DEPENDABOT)
    for i in range(2):  # untagged, spread over three ty_* crates: the ty family, so the [ty] line of work
        crates = [f"crates/ty_{c}/src/share{i}.rs" for c in ("checker", "server", "ide")]
        s.pr_over(f"Share the checker cache with the server, part {i}", crates, t + 35000 + i * 600)
    for i, target in enumerate(("Linux x86-64", "macOS ARM64", "Windows x86-64")):
        s.pr(f"Enable PGO for {target} release builds", f".github/workflows/release{i}.yml", t + 40000 + i * 600)
    # the next week: the same lines of work, one scope written in capitals
    t = EPOCH + WEEK
    for i in range(5):
        s.pr(f"[ty] Narrow literal types, case {i}", "crates/ty_checker/src/narrow0.rs", t + i * 600)
    for i in range(3):
        s.pr(f"fix(SSR): hoist imports {i}", "packages/web/src/ssr.ts", t + 5000 + i * 600)
    for i in range(3):
        s.pr(f"Update Rust crate anyhow to v1.0.{i}", "Cargo.lock", t + 9000 + i * 600, RENOVATE)
    return repo, base / "prhub.db"


def report(repo: ScriptedRepo, db: Path, week: str, lang: str = "en") -> dict:
    args = ["report", str(repo.path), "--db", str(db), "--week", week, "--format", "json", "--lang", lang]
    proc = run_prhub(*args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_week_s_themes_come_from_the_repository(scripted: tuple[ScriptedRepo, Path]) -> None:
    repo, db = scripted
    ctx = report(repo, db, "2026-W15")
    assert ctx["counts"]["merged_prs"] == 24
    themes = {t["key"]: t for t in ctx["themes"]}
    # a title tag, a conventional scope, a crate (by its Cargo.toml), a hot new word, the bots
    assert {"w-ty", "w-ssr", "w-parser", "w-pgo", "deps"} <= set(themes)
    assert themes["w-ty"]["name"] == "ty" and themes["w-ty"]["count"] == 8 and themes["w-ty"]["topic"]
    shared = [p for p in ctx["prs"] if p["title"].startswith("Share the checker cache")]
    assert len(shared) == 2 and all(p["theme_key"] == "w-ty" for p in shared)
    assert themes["w-ssr"]["name"] == "ssr" and themes["w-ssr"]["count"] == 4
    assert themes["w-parser"]["name"] == "parser" and themes["w-parser"]["count"] == 4
    assert themes["w-pgo"]["name"] == "PGO" and themes["w-pgo"]["count"] == 3 and themes["w-pgo"]["trend"] == "new"
    # every bot bump, Renovate's and Dependabot's, on one line that is a kind, not a topic
    deps = themes["deps"]
    assert deps["name"] == "Dependency updates" and deps["count"] == 5 and not deps["topic"]
    assert all(p["theme_key"] == "deps" for p in ctx["prs"] if "[bot]" in p["author"])
    assert not any("rust" in t["name"].lower() for t in ctx["themes"])
    named = sum(t["count"] for t in ctx["themes"])
    topics = sum(t["count"] for t in ctx["themes"] if t["topic"])
    assert named / 24 >= 0.65 and topics / 24 >= 0.5
    # in Chinese: the kind is translated, a proper noun stays as it is
    zh = {t["key"]: t["name"] for t in report(repo, db, "2026-W15", "zh")["themes"]}
    assert zh["deps"] == "依赖更新" and zh["w-ty"] == "ty" and zh["w-pgo"] == "PGO"


def test_the_registry_keeps_names_and_trends_compare_like_with_like(scripted: tuple[ScriptedRepo, Path]) -> None:
    repo, db = scripted
    report(repo, db, "2026-W15")
    ctx = report(repo, db, "2026-W16")
    themes = {t["key"]: t for t in ctx["themes"]}
    # "fix(SSR):" is the same theme, under the name first registered, compared with last week's 4
    assert themes["w-ssr"]["name"] == "ssr" and themes["w-ssr"]["count"] == 3
    assert themes["w-ssr"]["previous_count"] == 4
    assert themes["w-ty"]["previous_count"] == 8 and themes["deps"]["count"] == 3
    with sqlite3.connect(db) as conn:
        rows = {
            k: (n, s, topic)
            for k, n, s, topic in conn.execute("SELECT key, name_en, source, topic FROM theme_registry")
        }
    assert rows["w-ssr"] == ("ssr", "title", 1) and rows["deps"] == ("Dependency updates", "deps", 0)
    assert rows["w-parser"] == ("parser", "area", 1)


def test_other_changes_say_what_they_hold(scripted: tuple[ScriptedRepo, Path]) -> None:
    repo, db = scripted
    ctx = report(repo, db, "2026-W15")
    other = ctx["other_theme"]
    if other is not None:
        assert sum(k["count"] for k in other["kinds"]) == other["count"] == len(other["prs"])


@pytest.mark.parametrize(
    ("title", "author", "expected"),
    [
        ("Update Rust crate clap to v4.6.5", "renovate[bot]", True),
        ("Update dependency prek to v0.4.12", "", True),
        ("Update taiki-e/install-action action to v2.85.8", "", True),
        ("Update NPM Development dependencies", "", True),
        ("Bump lodash from 4.17.20 to 4.17.21", "", True),
        ("chore(deps): update typescript-eslint monorepo to v8.66.0", "", True),
        ("fix(deps): update module github.com/klauspost/compress to v1.19.2", "", True),
        ("build(deps): bump golang.org/x/net from 0.1.0 to 0.2.0", "", True),
        ("[pre-commit.ci] pre-commit autoupdate", "pre-commit-ci[bot]", True),
        ("Update the parser to handle raw strings", "", False),
        ("[ty] Support Annotated inside type[...]", "", False),
        ("Bump 0.16.3", "", False),  # a release, not a dependency
    ],
)
def test_dependency_updates_are_recognised(title: str, author: str, expected: bool) -> None:
    assert vocab.is_dependency_update(title, author) is expected


@pytest.mark.parametrize(
    ("title", "topics"),
    [
        ("[ty] Fix signature help at end of file", ["ty"]),
        ("[`pylint`] Allow `continue` in `finally`", ["pylint"]),
        ("[Bugfix][ROCm] Fix the AITER path", ["ROCm"]),  # [Bugfix] is a kind
        ("fix(ssr): rewrite computed key", ["ssr"]),
        ("fix(discovery/aws): MSK optional fields", ["discovery/aws", "discovery"]),
        ("promql/parser: reject offset expressions", ["promql/parser", "promql"]),
        ("rt: yield when the budget is spent", ["rt"]),
        ("helpers.py: fix the docs of url_for", ["helpers"]),  # the module, as its area is named
        ("internal: Simplify CompletionContext", []),  # a kind of change, not an area
        ("docs: clarify the proxy option", []),
        ("Enable PGO for Linux release builds", []),
    ],
)
def test_title_tags_and_scopes_that_name_an_area(title: str, topics: list[str]) -> None:
    analyzer = Analyzer(default_settings())
    assert [form for _, form in vocab.title_topics(title, parse_title(title), analyzer.is_kind_tag)] == topics


# -- a single-package project: its modules, and the tests and docs named like them ------------
@pytest.fixture(scope="module")
def single_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScriptedRepo, Path]:
    """``tinyweb``: packages/tinyweb (the project itself, by its name) and a plugin, some months of
    history, then a week of CLI work in code, tests and docs, JSON work, a plugin and docs."""
    base = tmp_path_factory.mktemp("single")
    repo = ScriptedRepo(base / "tinyweb")
    core = "packages/tinyweb/src/tinyweb"
    for manifest in ("packages/tinyweb/pyproject.toml", "packages/plugin-auth/pyproject.toml"):
        repo.lines(manifest, 3)
    repo.commit("Initial import", author=ALICE, at=EPOCH - 20 * WEEK)
    number = 100

    def pr(title: str, paths: list[str], at: int, who: Who = ALICE) -> None:
        nonlocal number
        number += 1
        for path in paths:
            repo.lines(path, 20 + number % 7, tag=f"pr{number}")
        repo.commit(f"{title} (#{number})", author=who, committer=FORGE, at=at)

    for w in range(12, 0, -1):
        t = EPOCH - w * WEEK
        for i, module in enumerate(("cli", "app", "json", "views")):
            pr(f"Rework the {module} module, step {w}", [f"{core}/{module}.py"], t + i * 600)
        pr(f"Plugin login step {w}", ["packages/plugin-auth/src/plugin_auth/login.py"], t + 5000, BOB)
        pr(f"Plugin token step {w}", ["packages/plugin-auth/src/plugin_auth/token.py"], t + 6000, BOB)
    t = EPOCH
    for i, what in enumerate(("keyword", "default", "positional")):
        tests = "packages/tinyweb/tests/test_cli.py"
        pr(f"Accept a {what} argument in the app factory", [f"{core}/cli.py", tests], t + i * 600)
    pr("Cover the run command's reload flag", ["packages/tinyweb/tests/test_cli.py"], t + 3000, BOB)
    pr("Cover the shell command's banner", ["packages/tinyweb/tests/test_cli.py"], t + 3600, BOB)
    pr("Describe the run command options", ["docs/cli.rst"], t + 4200, BOB)
    for i, what in enumerate(("Serialize dates", "Encode decimals", "Sort keys on output")):
        pr(what, [f"{core}/json.py"], t + 6000 + i * 600)
    pr("Refresh expired sessions", ["packages/plugin-auth/src/plugin_auth/token.py"], t + 9000, BOB)
    for i, title in enumerate(("Reword the quickstart", "Deployment on a VM", "Patterns: caching", "Typo")):
        pr(title, [f"docs/{title.split()[-1].lower()}.rst"], t + 10000 + i * 600)
    for i, what in enumerate(("Makefile", "tox.ini", "MANIFEST.in", "Justfile")):
        pr(f"Tidy {what}", [what], t + 13000 + i * 600)
    return repo, base / "prhub.db"


def test_a_module_s_code_tests_and_docs_are_one_theme(single_package: tuple[ScriptedRepo, Path]) -> None:
    repo, db = single_package
    ctx = report(repo, db, "2026-W15")
    assert ctx["counts"]["merged_prs"] == 18
    themes = {t["key"]: t for t in ctx["themes"]}
    # tests/test_cli.py and docs/cli.rst belong to the cli module; "argument" says no more than cli does
    assert themes["w-cli"]["name"] == "cli" and themes["w-cli"]["count"] == 6 and themes["w-cli"]["topic"]
    assert themes["w-json"]["name"] == "json" and themes["w-json"]["count"] == 3
    assert "w-argument" not in themes
    # the package named like the project says nothing: no theme "tinyweb"
    assert not any(t["name"].lower() == "tinyweb" for t in ctx["themes"])


def test_the_summary_says_how_many_prs_fit_no_theme(single_package: tuple[ScriptedRepo, Path]) -> None:
    repo, db = single_package
    ctx = report(repo, db, "2026-W15")
    other = ctx["other_theme"]
    assert other is not None and other["count"] * 4 >= ctx["counts"]["merged_prs"]
    for lang, words in (("en", f"{other['count']} PRs fit"), ("zh", f"{other['count']} 个 PR")):
        args = ["report", str(repo.path), "--db", str(db), "--week", "2026-W15", "--lang", lang]
        proc = run_prhub(*args)
        assert proc.returncode == 0, proc.stderr
        summary = proc.stdout.split("\n## ")[1]
        assert words in summary and ("fit" in summary or "未归入任何主题" in summary or "不属于" in summary)


def test_packages_sharing_a_name_are_a_family() -> None:
    weights = {
        f"crates/{crate}/src/lib.rs": 5 for crate in ("hir", "hir_def", "hir_ty", "proc_macro_api", "proc_macro_srv")
    }
    areas = vocab.AreaMap({**weights, "crates/base_db/src/lib.rs": 5}, project="rust-analyzer")
    assert set(areas.families.values()) == {"hir", "proc_macro"}
    found = areas.areas("crates/hir_def/src/lib.rs")
    assert found[0] == "crates/hir_def" and [areas.name(a) for a in found] == ["hir_def", "hir"]
    # a PR spread over two members is the family's; one inside a member is the member's first
    spread = vocab.area_names(areas, [("crates/hir_def/src/lib.rs", 1.0), ("crates/hir_ty/src/lib.rs", 1.0)])
    assert list(spread) == ["w-hirdef", "w-hirty", "w-hir"]
    # packages that all share a prefix with the project's name are not a family (ruff_*)
    ruff = vocab.AreaMap(
        {f"crates/ruff_{c}/src/lib.rs": 5 for c in ("linter", "server")} | {"crates/ty/src/a.rs": 5}, project="ruff"
    )
    assert ruff.families == {}


def test_release_housekeeping_is_no_area_s_work(tmp_path: Path) -> None:
    """A release bumps every package's version: it joins no area's theme (prometheus's "web" was three
    release PRs and one UI feature), and a mechanical PR is a theme's representative only last."""
    repo = ScriptedRepo(tmp_path / "rel")
    repo.lines("web/ui/package.json", 3)
    repo.lines("go.mod", 3)
    repo.commit("Initial import", author=ALICE, at=EPOCH - 10 * WEEK)
    s = Script(repo)
    for w in range(8, 0, -1):
        s.pr(f"ui: polish page {w}", "web/ui/src/page.tsx", EPOCH - w * WEEK)
        s.pr(f"tsdb: compact block {w}", "tsdb/compact.go", EPOCH - w * WEEK + 600, BOB)
    for i in range(3):
        s.pr(f"ui: add the delete series page, part {i}", f"web/ui/src/delete{i}.tsx", EPOCH + i * 600)
    for i, title in enumerate(("Release 3.11.0-rc.0", "Merge release 3.11")):
        s.pr_over(title, ["VERSION", "CHANGELOG.md", "web/ui/package.json"], EPOCH + 5000 + i * 600)
    ctx = report(repo, tmp_path / "prhub.db", "2026-W15")
    by_number = {p["number"]: p for p in ctx["prs"]}
    releases = [n for n, p in by_number.items() if p["title"].lower().startswith(("release", "merge release"))]
    assert len(releases) == 2 and all(by_number[n]["theme_key"] == "other" for n in releases)
    assert all(by_number[n]["mechanical"] in ("release", "release-merge") for n in releases)
    ui = next(t for t in ctx["themes"] if t["count"] == 3)
    assert not set(ui["prs"]) & set(releases)

    from prhub.analysis import themes

    items = [themes.ThemeInput(n, f"PR {n}", "a", 6.0 - n / 10, ("w-web",), mechanical=n < 3) for n in range(1, 6)]
    settings = default_settings()
    learned = {"w-web": themes.Learned("web", "web", True, 1.0, "area")}
    found, _ = themes.group(items, [], [], settings["themes"], learned=learned)
    assert found[0].representative_prs == [3, 4, 5]  # the two releases scored higher, and come last


def test_a_jvm_source_layout_names_no_area() -> None:
    """``src/main/java`` and the reverse-domain prefix (``com/google``) are layout: gson's areas are
    its modules and its package's parts, never "main", "java" or "com"."""
    root = "gson/src/main/java/com/google/gson"
    weights = {f"{root}/{name}": 4 for name in ("Gson.java", "JsonPrimitive.java", "stream/JsonReader.java")}
    weights |= {f"{root}/internal/bind/{n}.java": 3 for n in ("TypeAdapters", "JsonTreeReader")}
    weights |= {"proto/src/main/java/com/google/gson/protobuf/Struct.java": 2, "gson/pom.xml": 1, "proto/pom.xml": 1}
    weights |= {"gson/src/test/java/com/google/gson/GsonTest.java": 6}
    areas = vocab.AreaMap(weights, project="gson")

    def names(path: str) -> list[str]:
        return [areas.name(a) for a in areas.areas(path)]

    assert names(f"{root}/stream/JsonReader.java") == ["stream"]
    assert names(f"{root}/internal/bind/TypeAdapters.java")[-1] == "bind"
    assert names("proto/src/main/java/com/google/gson/protobuf/Struct.java")[-1] == "proto"
    for path in weights:
        assert not {"main", "java", "com", "google"} & {p for n in names(path) for p in n.split("/")}, path
    assert names("gson/src/test/java/com/google/gson/GsonTest.java") == []  # a test source set is tests


def test_documentation_sections_and_pages_are_areas() -> None:
    """A docs file named like no module is about its part of the docs: its section directory, or the
    page itself at the top of the docs; the docs' index, build files and release notes are no area."""
    areas = vocab.AreaMap({"src/tinyweb/cli.py": 5, "src/tinyweb/app.py": 5}, project="tinyweb")

    def names(path: str) -> list[str]:
        return [areas.name(a) for a in areas.areas(path)]

    assert names("docs/cli.rst") == ["cli"]  # named like a module: that module
    assert names("docs/tutorial/dbinit.rst") == ["docs/tutorial"]
    assert names("docs/deploying/index.rst") == ["docs/deploying"]
    assert names("docs/quickstart.rst") == ["docs/quickstart"]
    for path in ("docs/index.rst", "docs/conf.py", "docs/_templates/sidebar.html", "docs/changelog.md", "README.md"):
        assert names(path) == [], path
    tutorial = vocab.area_names(areas, [("docs/tutorial/a.rst", 1.0), ("docs/tutorial/b.rst", 1.0)])
    assert tutorial == {"w-tutorial": ("docs/tutorial", False)}


def test_a_small_week_keeps_small_topics_but_not_slices_of_one() -> None:
    """A week of 25 own PRs and 17 bot bumps: two PRs on one area are a theme, two PRs of the scope
    ``discovery/aws`` are not beside ``discovery``, which takes them."""
    from prhub.analysis import themes

    settings = default_settings()
    learned = {
        "deps": themes.Learned("Dependency updates", "依赖更新", False, 1.5, "deps"),
        "w-discovery/aws": themes.Learned("discovery/aws", "discovery/aws", True, 1.0, "title"),
        "w-discovery": themes.Learned("discovery", "discovery", True, 1.0, "title"),
        "w-tsdb": themes.Learned("tsdb", "tsdb", True, 0.8, "area"),
        "w-web": themes.Learned("web", "web", True, 0.8, "area"),
        "w-cmd": themes.Learned("cmd", "cmd", True, 0.8, "area"),
    }
    spec = [("deps",)] * 17 + [("w-discovery/aws", "w-discovery")] * 2 + [("w-discovery",)] * 2
    spec += [("w-tsdb",)] * 4 + [("w-web",)] * 3 + [("w-cmd", "bugfixes")] * 2 + [("bugfixes",)] * 3 + [()] * 11
    items = [themes.ThemeInput(i + 1, f"PR {i}", "a", 5.0, keys) for i, keys in enumerate(spec)]
    found, assignment = themes.group(items, Analyzer(settings).theme_rules, [], settings["themes"], learned=learned)
    counts = {t.key: t.count for t in found}
    assert counts["w-discovery"] == 4 and "w-discovery/aws" not in counts
    assert counts["w-cmd"] == 2  # fewer than min_prs, in a week of fewer than small_week PRs of its own work
    assert counts["deps"] == 17 and not next(t for t in found if t.key == "deps").topic
