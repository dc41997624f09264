"""Golden cases for every merge workflow: a small scripted repository each, and the
PRs that `prhub sync` must store for it (number, title, author, kind, base branch,
week) and that `prhub report` then counts."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import run_prhub
from gitrepo import ALICE, BOB, EPOCH, FORGE, ScriptedRepo, Who, synced

CAROL = Who("Carol Danvers", "carol@example.com")
DAVE = Who("Dave Lister", "dave@example.com")
BORS = Who("bors[bot]", "26634292+bors[bot]@users.noreply.github.com")
HOMU = Who("bors", "bors@rust-lang.org")
MAINTAINER = Who("Mia Maintainer", "mia@example.com")
WEEK = 7 * 86400


@pytest.fixture
def repo(tmp_path: Path) -> ScriptedRepo:
    r = ScriptedRepo(tmp_path / "repo")
    r.lines("README.md", 2)
    r.commit("Initial import", author=ALICE)
    return r


def prs(conn: sqlite3.Connection) -> dict[int, sqlite3.Row]:
    return {row["number"]: row for row in conn.execute("SELECT * FROM pull_requests ORDER BY number")}


def facts(row: sqlite3.Row) -> tuple[object, ...]:
    return (row["title"], row["author_name"], row["merge_kind"], row["base_branch"])


def branch(repo: ScriptedRepo, name: str, commits: list[tuple[str, Who]], start: str = "main") -> str:
    """A topic branch from ``start`` with one file per commit; returns its tip."""
    repo.checkout(name, create_at=start)
    for i, (message, who) in enumerate(commits):
        repo.lines(f"{name}/f{i}.rs", i + 2, tag=name)
        repo.commit(message, author=who)
    tip = repo.head()
    repo.checkout("main")
    return tip


def bring(repo: ScriptedRepo, *tips: str) -> None:
    """Put the branches' files into main's work tree, as the merge's result."""
    for tip in tips:
        repo.git("checkout", tip, "--", ".")


def report(repo: ScriptedRepo, tmp_path: Path, week: str = "2026-W15") -> dict:
    proc = run_prhub("report", str(repo.path), "--db", str(tmp_path / "prhub.db"), "--week", week, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_bors_batch_lands_several_prs_with_their_titles_and_authors(repo: ScriptedRepo, tmp_path: Path) -> None:
    first = branch(repo, "escapes", [("Highlight escapes", CAROL), ("Address review", CAROL)])
    second = branch(repo, "pad", [("Pad hints", DAVE)])
    bring(repo, first, second)
    body = (
        "Merge #11687 #11689\n\n"
        "11687: Highlight escape sequences in byte strings r=Veykril a=carol-gh\n\n#11605\n\n"
        "11689: minor: Pad type inlay hints r=Veykril a=dave-gh\n\nbors r+\n\n"
        "Co-authored-by: Carol Danvers <carol@example.com>\n"
    )
    merge = repo.merge(body, first, second, author=BORS)
    conn = synced(repo, tmp_path)
    found = prs(conn)
    assert facts(found[11687]) == ("Highlight escape sequences in byte strings", "Carol Danvers", "bors", "main")
    assert facts(found[11689]) == ("minor: Pad type inlay hints", "Dave Lister", "bors", "main")
    assert found[11687]["merge_sha"] == found[11689]["merge_sha"] == merge
    assert conn.execute("SELECT count(*) FROM commits WHERE pr_number IS NULL").fetchone()[0] == 1  # the import
    data = report(repo, tmp_path)
    assert data["counts"]["merged_prs"] == 2
    assert {p["number"]: p["author"] for p in data["prs"]} == {11687: "Carol Danvers", 11689: "Dave Lister"}


def test_bors_line_without_a_branch_falls_back_to_the_login(repo: ScriptedRepo, tmp_path: Path) -> None:
    repo.lines("x.rs", 3)
    repo.commit("Merge #5 #6\n\n5: Fix x r=a a=alice-gh\n\n6: Fix y r=a a=bob-gh\n", author=BORS)
    found = prs(synced(repo, tmp_path))
    assert [(n, r["title"], r["author_name"]) for n, r in found.items()] == [
        (5, "Fix x", "alice-gh"),
        (6, "Fix y", "bob-gh"),
    ]


def test_homu_merge_takes_title_from_body_and_author_from_branch(repo: ScriptedRepo, tmp_path: Path) -> None:
    tip = branch(repo, "goto-def", [("resolve range patterns", CAROL), ("fmt", CAROL)])
    bring(repo, tip)
    repo.merge(
        "Auto merge of #18370 - carol:goto-def-ranges, r=Veykril\n\nfeat: resolve range patterns\n\nCloses #1\n",
        tip,
        author=HOMU,
    )
    row = prs(synced(repo, tmp_path))[18370]
    assert facts(row) == ("feat: resolve range patterns", "Carol Danvers", "homu", "main")
    assert row["head_ref"] == "carol:goto-def-ranges"


def test_rollup_lists_each_rolled_up_pr(repo: ScriptedRepo, tmp_path: Path) -> None:
    one = branch(repo, "one", [("Fix one", CAROL)])
    two = branch(repo, "two", [("Fix two", DAVE)])
    repo.checkout("rollup-abc", create_at="main")
    bring(repo, one)
    repo.merge("Rollup merge of #101 - carol:one, r=x\n\nFix the first thing\n", one, author=HOMU)
    bring(repo, two)
    repo.merge("Rollup merge of #102 - dave:two, r=x\n\nFix the second thing\n", two, author=HOMU)
    rollup = repo.head()
    repo.checkout("main")
    bring(repo, rollup)
    repo.merge("Auto merge of #103 - mia:rollup-abc, r=mia\n\nRollup of 2 pull requests\n", rollup, author=HOMU)
    branch(repo, "own", [("Fix own", ALICE)])
    repo.merge_pr(104, "alice/own", "Fix a thing of its own", "own")  # an ordinary merge beside it
    found = prs(synced(repo, tmp_path))
    assert facts(found[101]) == ("Fix the first thing", "Carol Danvers", "rollup", "main")
    assert facts(found[102]) == ("Fix the second thing", "Dave Lister", "rollup", "main")
    # the rollup's own PR is listed through its members, once, and its merge is no direct push
    assert 103 not in found and 104 in found
    week = report(repo, tmp_path)
    assert sorted(p["number"] for p in week["prs"]) == [101, 102, 104]
    assert [d["title"] for d in week["direct_commits"]] == ["Initial import"]


def test_two_parent_title_merge_is_credited_to_the_branch_author(repo: ScriptedRepo, tmp_path: Path) -> None:
    # the maintainer pushed a fix-up to the contributor's branch, then merged it with a written title
    tip = branch(repo, "flit", [("Increase flit_core", CAROL), ("more flit", CAROL), ("update hook", MAINTAINER)])
    bring(repo, tip)
    repo.merge("Increase required flit_core version to 3.11 (#5865)", tip, author=MAINTAINER, committer=FORGE)
    row = prs(synced(repo, tmp_path))[5865]
    assert facts(row) == ("Increase required flit_core version to 3.11", "Carol Danvers", "merge", "main")


def test_security_advisory_merge_is_a_pr(repo: ScriptedRepo, tmp_path: Path) -> None:
    tip = branch(repo, "ghsa", [("UI: Fix stored XSS", CAROL)])
    bring(repo, tip)
    merge = repo.merge("Merge commit from fork\n\n* UI: Fix stored XSS via unescaped names\n", tip, author=MAINTAINER)
    found = prs(synced(repo, tmp_path))
    [(number, row)] = found.items()
    assert number < 0  # no public number: a stable one of its own
    assert facts(row) == ("UI: Fix stored XSS via unescaped names", "Carol Danvers", "security", "main")
    assert row["merge_sha"] == merge


def test_maintenance_branch_prs_are_listed_once_in_their_week(repo: ScriptedRepo, tmp_path: Path) -> None:
    repo.checkout("stable", create_at="main")
    fix = branch(repo, "fix", [("fix annotation", CAROL)], start="stable")
    repo.checkout("stable")
    bring(repo, fix)
    repo.merge("Merge pull request #5808 from carol/fix\n\nfix annotation for autoescape\n", fix, at=EPOCH + 100)
    repo.lines("docs/415.rst", 3)
    repo.commit("clarify 415 vs 400 errors (#5827)", author=DAVE, committer=FORGE, at=EPOCH + 200)
    repo.lines("CHANGES.rst", 1)
    repo.commit("release version 3.1.3", author=MAINTAINER, at=EPOCH + 300)
    stable_tip = repo.head()
    repo.checkout("main")
    repo.lines("src/main.py", 4)
    repo.commit("redirect defaults to 303 (#5898)", author=MAINTAINER, committer=FORGE, at=EPOCH + 400)
    bring(repo, stable_tip)
    repo.merge("Merge branch 'stable'", stable_tip, author=MAINTAINER, at=EPOCH + WEEK + 500)  # the next week
    # later work on stable, merged back again: only the new PR is added
    repo.checkout("stable")
    repo.lines("src/late.py", 2)
    late = repo.commit("fix late bug (#5900)", author=BOB, committer=FORGE, at=EPOCH + WEEK + 600)
    repo.checkout("main")
    bring(repo, late)
    repo.merge("Merge branch 'stable'", late, author=MAINTAINER, at=EPOCH + WEEK + 700)
    conn = synced(repo, tmp_path)
    found = prs(conn)
    assert {n: facts(r) for n, r in found.items()} == {
        5808: ("fix annotation for autoescape", "Carol Danvers", "merge", "stable"),
        5827: ("clarify 415 vs 400 errors", "Dave Lister", "squash", "stable"),
        5898: ("redirect defaults to 303", "Mia Maintainer", "squash", "main"),
        5900: ("fix late bug", "Bob Builder", "squash", "stable"),
    }
    assert found[5808]["merged_at"] == EPOCH + 100  # when it was merged on stable, not when stable came back
    week = report(repo, tmp_path)
    assert sorted(p["number"] for p in week["prs"]) == [5808, 5827, 5898]
    files = {p["number"]: p["files"] for p in week["prs"]}
    assert files[5827] and files[5808]
    later = report(repo, tmp_path, "2026-W16")
    assert sorted(p["number"] for p in later["prs"]) == [5900]
    # a merge that brought a branch's PRs is no direct push: its content is those PRs
    assert later["counts"]["direct_commits"] == 0 and week["counts"]["direct_commits"] == 1
    # a second sync adds nothing and a rerun from scratch gives the same rows
    again = run_prhub("sync", str(repo.path), "--db", str(tmp_path / "prhub.db"))
    assert "already up to date" in again.stdout


def test_a_release_branch_brought_in_through_a_pr_lists_its_prs(repo: ScriptedRepo, tmp_path: Path) -> None:
    # prometheus: release-3.13 gets its own PRs; a maintainer merges it into a branch of their own
    # and lands that branch as a PR ("merge release 3.13 into main")
    repo.checkout("release-3.13", create_at="main")
    fix = branch(repo, "backport", [("backport head chunk fix", CAROL)], start="release-3.13")
    repo.checkout("release-3.13")
    bring(repo, fix)
    repo.merge("Merge pull request #19137 from prometheus/krajo/backport\n\nbackport head chunk fix\n", fix,
               at=EPOCH + 100)  # fmt: skip
    repo.lines("VERSION", 1)
    repo.commit("chore: prepare release 3.13.1 (#19151)", author=DAVE, committer=FORGE, at=EPOCH + 200)
    release_tip = repo.head()
    repo.checkout("krajo/merge-release", create_at="main")
    bring(repo, release_tip)
    repo.merge("Merge remote-tracking branch 'origin/release-3.13' into krajo/merge-release", release_tip,
               author=MAINTAINER, committer=MAINTAINER, at=EPOCH + 300)  # fmt: skip
    tip = repo.head()
    repo.checkout("main")
    bring(repo, tip)
    repo.merge("Merge pull request #19300 from prometheus/krajo/merge-release\n\nMerge release 3.13\n", tip,
               at=EPOCH + 400)  # fmt: skip
    found = prs(synced(repo, tmp_path))
    assert sorted(found) == [19137, 19151, 19300]
    assert facts(found[19137]) == ("backport head chunk fix", "Carol Danvers", "merge", "release-3.13")
    assert facts(found[19151]) == ("chore: prepare release 3.13.1", "Dave Lister", "squash", "release-3.13")
    assert found[19137]["merged_at"] == EPOCH + 100  # when it was merged on the release branch
    # the PR that brought them is the work of whoever opened it, not of the release branch's authors
    assert facts(found[19300]) == ("Merge release 3.13", "Mia Maintainer", "merge", "main")


def test_another_project_s_history_inside_a_pr_brings_no_prs(repo: ScriptedRepo, tmp_path: Path) -> None:
    # rust-analyzer's "rustc-pull" PRs: a branch that merged upstream history (its own root, its own
    # PR numbers), landed as a PR of this repository
    repo.lines("src/a.rs", 2)
    repo.commit("Local work (#20)", author=BOB, committer=FORGE)
    repo.git("checkout", "-q", "--orphan", "upstream")
    repo.git("rm", "-q", "-rf", ".")
    repo.lines("sub/lib.rs", 3)
    repo.commit("Upstream squash (#140001)", author=BOB, committer=FORGE)
    upstream = repo.head()
    repo.checkout("rustc-pull", create_at="main")
    repo.git("merge", "-q", "--allow-unrelated-histories", "-m", "Merge from rust-lang/rust", upstream)
    tip = repo.head()
    repo.checkout("main")
    bring(repo, tip)
    repo.merge("Merge pull request #23 from rust-lang/rustc-pull\n\nRustc pull update\n", tip)
    found = prs(synced(repo, tmp_path))
    assert sorted(found) == [20, 23]


def test_a_maintenance_branch_pr_has_its_diff_read(repo: ScriptedRepo, tmp_path: Path) -> None:
    # the PR's commit is on stable, never on main's first-parent line: its diff is read all the same
    repo.write("requirements.txt", "requests==2.31.0\n")
    repo.commit("Pin requests", author=ALICE, at=EPOCH - WEEK)
    repo.checkout("stable", create_at="main")
    repo.write("requirements.txt", "requests==2.32.3\n")
    bump = repo.commit("Bump requests to 2.32.3 (#6001)", author=CAROL, committer=FORGE, at=EPOCH + 100)
    repo.checkout("main")
    bring(repo, bump)
    repo.merge("Merge branch 'stable'", bump, author=MAINTAINER, at=EPOCH + 200)
    synced(repo, tmp_path)
    week = {p["number"]: p for p in report(repo, tmp_path)["prs"]}
    assert week[6001]["base_branch"] == "stable"
    dependency = [r for r in week[6001]["risks"] if r["tag"] == "dependency"]
    assert dependency and "requests" in dependency[0]["evidence"]


def test_squashes_behind_a_foxtrot_merge_are_listed(repo: ScriptedRepo, tmp_path: Path) -> None:
    # a maintainer squashed two PRs on main; meanwhile someone merged main into their own branch and
    # pushed that merge as main (a "foxtrot"): main's first parents now skip both squashes
    repo.lines("src/base.py", 2)
    base = repo.commit("Start (#1)", author=BOB, committer=FORGE, at=EPOCH)
    repo.lines("src/a.py", 3)
    repo.commit("Add uWSGI docs (#2302)", author=CAROL, committer=MAINTAINER, at=EPOCH + 100)
    repo.lines("src/b.py", 3)
    repo.commit("DRY up the tests (#2306)", author=DAVE, committer=MAINTAINER, at=EPOCH + 200)
    repo.lines("src/c.py", 1)
    # written and committed by one person: a branch's own commit that cites an issue, not a PR landing
    squashed = repo.commit("follow the style of (#2290)", author=DAVE, committer=DAVE, at=EPOCH + 220)
    repo.checkout("feature", create_at=base)
    repo.lines("src/own.py", 2)
    repo.commit("my own work", author=BOB, at=EPOCH + 250)
    repo.merge("resolve merge conflicts", squashed, author=BOB, at=EPOCH + 300)
    foxtrot = repo.head()
    repo.checkout("main")
    repo.git("reset", "-q", "--hard", foxtrot)
    found = prs(synced(repo, tmp_path))
    assert sorted(found) == [1, 2302, 2306]
    assert facts(found[2306])[:2] == ("DRY up the tests", "Dave Lister")


def test_a_fork_s_own_squash_on_a_pr_branch_is_no_pr(repo: ScriptedRepo, tmp_path: Path) -> None:
    # the contributor merged a PR of their own fork (its #4) into their branch with GitHub's squash
    # button, then the branch landed as #18200: the fork's #4 is not this repository's
    for number in (18150, 18151):
        repo.lines(f"src/m{number}.go", 2)
        repo.commit(f"Earlier work (#{number})", author=BOB, committer=FORGE, at=EPOCH + number)
    branch(repo, "bragi/azure", [("Use managed identity", CAROL)])
    repo.checkout("bragi/azure")
    repo.lines("util/cert.go", 3)
    repo.commit("Replace util/certutil with ParseCertificates (#4)", author=DAVE, committer=FORGE)
    tip = repo.head()
    repo.checkout("main")
    bring(repo, tip)
    repo.merge("Merge pull request #18200 from bragi/azure\n\nazure: managed identity\n", tip, author=MAINTAINER)
    found = prs(synced(repo, tmp_path))
    assert sorted(found) == [18150, 18151, 18200]


def test_unrelated_history_merged_in_brings_no_prs(repo: ScriptedRepo, tmp_path: Path) -> None:
    # a subtree sync: another project's history (its own root, its own PR numbers) merged in
    repo.git("checkout", "-q", "--orphan", "upstream")
    repo.git("rm", "-q", "-rf", ".")
    repo.lines("sub/lib.rs", 3)
    repo.commit("Auto merge of #140000 - someone:thing, r=x\n\nUpstream work\n", author=HOMU)
    repo.lines("sub/lib2.rs", 3)
    upstream = repo.commit("Upstream squash (#140001)", author=BOB, committer=FORGE)
    repo.checkout("main")
    bring(repo, upstream)
    repo.merge("Merge pull request #23 from rust-lang/rustc-pull\n\nRustc pull update\n", upstream)
    # the next pull of it starts where the last one ended: still another project's numbers
    repo.checkout("upstream")
    repo.lines("sub/lib3.rs", 3)
    again = repo.commit("Upstream again (#140002)", author=BOB, committer=FORGE)
    repo.checkout("main")
    bring(repo, again)
    repo.merge("Merge pull request #24 from rust-lang/rustc-pull\n\nRustc pull update\n", again)
    found = prs(synced(repo, tmp_path))
    assert sorted(found) == [23, 24]


def test_direct_pushes_are_listed_by_title(repo: ScriptedRepo, tmp_path: Path) -> None:
    repo.lines("src/a.py", 3)
    repo.commit("Fix the thing (#1)", author=BOB, committer=FORGE)
    for title in ["release version 3.1.3", "fix codespell findings", "remove unused ruff check rule"]:
        repo.lines(f"notes/{title[:4]}.txt", 2)
        repo.commit(title, author=MAINTAINER)
    synced(repo, tmp_path)
    data = report(repo, tmp_path)
    assert data["counts"]["direct_commits"] == 4  # with the initial import
    assert [d["title"] for d in data["direct_commits"]][1:] == [
        "release version 3.1.3",
        "fix codespell findings",
        "remove unused ruff check rule",
    ]
    for lang, heading in (("en", "**Direct pushes (4):**"), ("zh", "**直接推送（4 个）**")):
        proc = run_prhub(
            "report", str(repo.path), "--db", str(tmp_path / "prhub.db"), "--week", "2026-W15", "--lang", lang
        )
        assert proc.returncode == 0, proc.stderr
        line = next(line for line in proc.stdout.splitlines() if heading in line)
        assert "“release version 3.1.3”" in line and "“remove unused ruff check rule”" in line
    page = run_prhub(
        "report", str(repo.path), "--db", str(tmp_path / "prhub.db"), "--week", "2026-W15", "--format", "html"
    )
    assert page.returncode == 0 and "Direct pushes" in page.stdout and "fix codespell findings" in page.stdout
