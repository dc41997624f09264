"""Which commits are pull requests: squash, merge commit, rebase run, direct push,
reverts and trailers, asserted on the rows ``prhub sync`` stores."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gitrepo import ALICE, BOB, EPOCH, FORGE, ScriptedRepo, Who, commit_row, synced
from prhub.analysis.prs import pr_ref, revert_ref, trailers

CAROL = Who("Carol Danvers", "carol@example.com")


@pytest.fixture
def repo(tmp_path: Path) -> ScriptedRepo:
    r = ScriptedRepo(tmp_path / "repo")
    r.lines("README.md", 2)
    r.commit("Initial import", author=ALICE)
    return r


def pr(conn: sqlite3.Connection, number: int) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM pull_requests WHERE number = ?", (number,)).fetchone()
    assert row is not None, f"PR #{number} not stored"
    return row


def test_squash_merge(repo: ScriptedRepo, tmp_path: Path) -> None:
    repo.lines("vllm/engine.py", 10)
    sha = repo.commit("[Bugfix] Fix engine start (#123)\n\nLong description.\n", author=BOB, committer=FORGE)
    conn = synced(repo, tmp_path)
    row = pr(conn, 123)
    assert (row["title"], row["merge_kind"], row["merge_sha"], row["source"]) == (
        "[Bugfix] Fix engine start",
        "squash",
        sha,
        "git",
    )
    assert (row["author_name"], row["author_email"], row["head_ref"]) == ("Bob Builder", "bob@example.com", None)
    assert commit_row(conn, sha)["pr_number"] == 123


def test_merge_commit_takes_title_from_body_and_author_from_branch(repo: ScriptedRepo, tmp_path: Path) -> None:
    repo.pr_branch("feature")
    repo.lines("vllm/new_model.py", 30)
    repo.commit("wip: add model", author=CAROL)
    repo.write("vllm/new_model.py", "rewritten\n")
    branch_tip = repo.commit("address review", author=CAROL)
    merge = repo.merge_pr(456, "carol/feature", "Add the Foo model", "feature", at=EPOCH + 86400)
    conn = synced(repo, tmp_path)
    row = pr(conn, 456)
    assert (row["title"], row["merge_kind"], row["head_ref"], row["merge_sha"]) == (
        "Add the Foo model",
        "merge",
        "carol/feature",
        merge,
    )
    assert (row["author_name"], row["author_email"]) == ("Carol Danvers", "carol@example.com")
    assert row["merged_at"] == EPOCH + 86400
    # first-parent: the branch's own commits are not on the branch; the merge carries the PR's whole diff
    assert conn.execute("SELECT count(*) FROM commits WHERE sha = ?", (branch_tip,)).fetchone()[0] == 0
    files = conn.execute("SELECT path, status, additions FROM file_changes WHERE sha = ?", (merge,)).fetchall()
    assert [tuple(f) for f in files] == [("vllm/new_model.py", "A", 1)]
    assert commit_row(conn, merge)["parents"].split()[1] == branch_tip


def test_merge_message_without_second_parent_is_a_squash_of_that_pr(repo: ScriptedRepo, tmp_path: Path) -> None:
    # a merge commit flattened by a history rewrite: same message, one parent; the commit's author is the PR's
    repo.lines("x.py", 1)
    sha = repo.commit("Merge pull request #77 from dave/fix\n\nFix the thing\n", author=BOB)
    conn = synced(repo, tmp_path)
    row = pr(conn, 77)
    assert (row["title"], row["merge_kind"], row["author_name"], row["merge_sha"]) == (
        "Fix the thing",
        "merge",
        "Bob Builder",
        sha,
    )


def test_rebase_run_links_every_commit_to_the_pr(repo: ScriptedRepo, tmp_path: Path) -> None:
    landed = EPOCH + 3600
    shas = []
    for i, msg in enumerate(["Refactor scheduler", "Add tests", "Speed up scheduler (#321)"]):
        repo.lines(f"vllm/sched_{i}.py", i + 1)
        shas.append(repo.commit(msg, author=CAROL, at=EPOCH + i * 60, committer=FORGE, committed=landed))
    repo.lines("after.py", 1)
    after = repo.commit("Direct fix", author=ALICE, committer=ALICE, at=landed + 60)
    conn = synced(repo, tmp_path)
    assert [commit_row(conn, s)["pr_number"] for s in shas] == [321, 321, 321]
    row = pr(conn, 321)
    assert (row["merge_kind"], row["merge_sha"], row["title"]) == ("rebase", shas[-1], "Speed up scheduler")
    assert commit_row(conn, after)["pr_number"] is None


def test_direct_pushes_have_no_pr(repo: ScriptedRepo, tmp_path: Path) -> None:
    repo.lines("a.py", 1)
    direct = repo.commit("Bump version to 0.9.1", author=ALICE)
    repo.lines("b.py", 1)
    # a number that is not at the end of the subject is not a PR reference
    mention = repo.commit("Follow up on (#99) review", author=ALICE)
    conn = synced(repo, tmp_path)
    assert commit_row(conn, direct)["pr_number"] is None
    assert commit_row(conn, mention)["pr_number"] is None
    assert conn.execute("SELECT count(*) FROM pull_requests").fetchone()[0] == 0
    counted = conn.execute("SELECT count(*) FROM commits WHERE pr_number IS NULL").fetchone()[0]
    assert counted == 3  # with the initial import


def test_revert_links_pr_and_commit(repo: ScriptedRepo, tmp_path: Path) -> None:
    repo.lines("vllm/kernel.cu", 5)
    original = repo.commit("Faster kernel (#12)", author=BOB, committer=FORGE)
    repo.remove("vllm/kernel.cu")
    message = f'Revert "Faster kernel (#12)" (#15)\n\nThis reverts commit {original}.\n'
    revert = repo.commit(message, author=ALICE, committer=FORGE)
    conn = synced(repo, tmp_path)
    row = pr(conn, 15)
    assert (row["reverts_pr"], row["reverts_sha"], row["title"]) == (12, original, 'Revert "Faster kernel (#12)"')
    assert commit_row(conn, revert)["reverts_sha"] == original
    assert pr(conn, 12)["reverts_pr"] is None


def test_revert_without_number_in_subject_finds_the_pr_by_sha(repo: ScriptedRepo, tmp_path: Path) -> None:
    repo.lines("vllm/kernel.cu", 5)
    original = repo.commit("Faster kernel (#12)", author=BOB, committer=FORGE)
    repo.remove("vllm/kernel.cu")
    revert = repo.commit(f"Revert faster kernel (#16)\n\nThis reverts commit {original[:10]}.\n", author=ALICE)
    conn = synced(repo, tmp_path)
    row = pr(conn, 16)
    assert (row["reverts_pr"], row["reverts_sha"]) == (12, original)
    assert commit_row(conn, revert)["reverts_sha"] == original


def test_revert_naming_only_the_title_finds_the_latest_pr_with_it(repo: ScriptedRepo, tmp_path: Path) -> None:
    long_title = "[Kernel] Speed up silu_and_mul_per_block_quant with warp-shuffle reduction"
    for number, title in [(30, "Add cache"), (31, "Add cache"), (32, long_title)]:
        repo.lines(f"f{number}.py", 1)
        repo.commit(f"{title} (#{number})", author=BOB, committer=FORGE)
    repo.lines("f33.py", 2)
    repo.commit('Revert "Add cache" (#33)', author=ALICE, committer=FORGE)
    repo.lines("f34.py", 2)
    repo.commit(f'Revert "{long_title[:40]}… (#34)', author=ALICE, committer=FORGE)  # cut by the forge
    conn = synced(repo, tmp_path)
    assert pr(conn, 33)["reverts_pr"] == 31
    assert pr(conn, 34)["reverts_pr"] == 32


def test_co_authors_and_sign_offs_are_stored_as_trailers(repo: ScriptedRepo, tmp_path: Path) -> None:
    message = (
        "[Model] Add Bar (#200)\n\n"
        "* first squashed commit\n\n"
        "Signed-off-by: Bob Builder <bob@example.com>\n\n"
        "* second squashed commit\n\n"
        "Co-authored-by: Claude <noreply@anthropic.com>\n"
        "Co-authored-by: Carol Danvers <carol@example.com>\n"
        "Signed-off-by: Carol Danvers <carol@example.com>\n"
    )
    repo.lines("vllm/bar.py", 3)
    sha = repo.commit(message, author=BOB, committer=FORGE)
    conn = synced(repo, tmp_path)
    rows = conn.execute("SELECT idx, key, name, email FROM trailers WHERE sha = ? ORDER BY idx", (sha,)).fetchall()
    assert [tuple(r) for r in rows] == [
        (0, "signed-off-by", "Bob Builder", "bob@example.com"),
        (1, "co-authored-by", "Claude", "noreply@anthropic.com"),
        (2, "co-authored-by", "Carol Danvers", "carol@example.com"),
        (3, "signed-off-by", "Carol Danvers", "carol@example.com"),
    ]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Fix (#1)", (1, "Fix", "squash", None)),
        ("[ROCm] Fix (a) and (b) (#40001)  ", (40001, "[ROCm] Fix (a) and (b)", "squash", None)),
        ("Merge pull request #9 from o/b\n\n\n  Title here  \n", (9, "Title here", "merge", "o/b")),
        ("Merge pull request #9 from o/b", (9, "Merge pull request #9 from o/b", "merge", "o/b")),
        ("(#5)", None),
        ("Fix #5", None),
        ("Merge branch 'main' into feature", None),
    ],
)
def test_pr_ref(message: str, expected: tuple[object, ...] | None) -> None:
    ref = pr_ref(message)
    assert (None if ref is None else (ref.number, ref.title, ref.kind, ref.head_ref)) == expected


def test_revert_ref_and_trailers_of_plain_commits() -> None:
    assert revert_ref("Fix the revert button (#3)") is None
    found = revert_ref('Revert "Add X"\n\nThis reverts commit abcdef1.')
    assert found is not None and (found.sha, found.pr_number) == ("abcdef1", None)
    found = revert_ref('Revert "Revert "Add X (#8)"" (#9)')
    assert found is not None and (found.sha, found.pr_number) == (None, 8)
    parsed = trailers("Title\n\nReviewed-by: R <r@x.org>\nNot-a-trailer: foo\nAcked-by: no email\n")
    assert [(t.key, t.name, t.email) for t in parsed] == [("reviewed-by", "R", "r@x.org")]
