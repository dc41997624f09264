"""The git source: every odd shape of a commit is stored whole, nothing lost.

Each test scripts a small repository with pinned dates, runs ``prhub sync`` as a
user would, and reads the stored rows straight from the SQLite file.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gitrepo import ALICE, EPOCH, ScriptedRepo, Who, commit_row, files_of, synced
from prhub.sources.git import LogParser, log_command, parse_log


@pytest.fixture
def repo(tmp_path: Path) -> ScriptedRepo:
    return ScriptedRepo(tmp_path / "repo")


def test_binary_file_has_null_line_counts(repo: ScriptedRepo, tmp_path: Path) -> None:
    repo.lines("README.md", 3)
    repo.write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    sha = repo.commit("Add logo (#1)")
    rows = {r["path"]: r for r in files_of(synced(repo, tmp_path), sha)}
    assert rows["logo.png"]["additions"] is None and rows["logo.png"]["deletions"] is None
    assert rows["logo.png"]["status"] == "A"
    assert (rows["README.md"]["additions"], rows["README.md"]["deletions"]) == (3, 0)


def test_rename_keeps_old_path_and_status(repo: ScriptedRepo, tmp_path: Path) -> None:
    repo.lines("src/old_name.py", 40)
    repo.commit("Add module (#1)")
    repo.rename("src/old_name.py", "src/new_name.py")
    repo.write("src/new_name.py", "".join(f"line {i}\n" for i in range(39)) + "changed\n")
    sha = repo.commit("Rename module (#2)")
    conn = synced(repo, tmp_path)
    [row] = files_of(conn, sha)
    assert (row["status"], row["old_path"], row["path"]) == ("R", "src/old_name.py", "src/new_name.py")
    assert (row["additions"], row["deletions"]) == (1, 1)
    assert commit_row(conn, sha)["files_changed"] == 1


@pytest.mark.parametrize(
    "path",
    [
        "docs/with space.md",
        'docs/"quoted".md',
        "docs/tab\there.md",
        "docs/new\nline.md",
        "docs/ünïcødé-文件.md",
        "docs/back\\slash and ' apostrophe.md",
    ],
    ids=["space", "quotes", "tab", "newline", "non-ascii", "backslash"],
)
def test_odd_paths_are_stored_verbatim(repo: ScriptedRepo, tmp_path: Path, path: str) -> None:
    repo.lines(path, 2)
    added = repo.commit("Add odd file (#1)")
    renamed_to = path.replace("docs/", "moved/")
    repo.rename(path, renamed_to)
    moved = repo.commit("Move odd file (#2)")
    conn = synced(repo, tmp_path)
    [row] = files_of(conn, added)
    assert (row["path"], row["status"], row["additions"], row["path_raw"]) == (path, "A", 2, None)
    [row] = files_of(conn, moved)
    assert (row["path"], row["old_path"], row["status"]) == (renamed_to, path, "R")


def test_non_utf8_path_keeps_its_bytes(repo: ScriptedRepo, tmp_path: Path) -> None:
    raw = b"data/caf\xe9.csv"
    repo.write(raw, "a\nb\n")
    sha = repo.commit("Add latin-1 named file (#1)")
    [row] = files_of(synced(repo, tmp_path), sha)
    assert row["path_raw"] == raw
    assert row["path"].startswith("data/caf") and row["additions"] == 2


def test_non_utf8_message_and_author_are_kept(repo: ScriptedRepo, tmp_path: Path) -> None:
    # written without an encoding header, as old tools did: git passes the bytes through
    message = b"Corrige le d\xe9faut (#7)\n\nD\xe9tails en latin-1.\n"
    author = Who(b"Ren\xe9 Fran\xe7ois", "rene@example.fr")
    repo.lines("a.txt", 1)
    sha = repo.commit(message, author=author)
    conn = synced(repo, tmp_path)
    row = commit_row(conn, sha)
    assert bytes(row["message_raw"]) == message
    assert row["subject"].startswith("Corrige le d") and row["pr_number"] == 7
    assert bytes(row["author_raw"]) == b"Ren\xe9 Fran\xe7ois <rene@example.fr>"
    assert row["author_name"].startswith("Ren") and row["author_email"] == "rene@example.fr"
    assert row["committer_raw"] == row["author_raw"]
    pr = conn.execute("SELECT title, author_email FROM pull_requests WHERE number = 7").fetchone()
    assert pr["title"].startswith("Corrige le d") and pr["author_email"] == "rene@example.fr"


def test_declared_legacy_encoding_is_decoded_by_git(repo: ScriptedRepo, tmp_path: Path) -> None:
    # with an `encoding ISO-8859-1` header git re-encodes the message to UTF-8 for us
    repo.lines("a.txt", 1)
    sha = repo.commit("Caf\xe9 cr\xe8me (#3)".encode("latin-1"), encoding="ISO-8859-1")
    row = commit_row(synced(repo, tmp_path), sha)
    assert row["subject"] == "Café crème (#3)"
    assert row["message_raw"] is None


def test_empty_commit_is_stored_without_files(repo: ScriptedRepo, tmp_path: Path) -> None:
    repo.lines("a.txt", 1)
    repo.commit("Initial")
    empty = repo.commit("Trigger CI (#4)")
    after = repo.commit("Another empty one")
    conn = synced(repo, tmp_path)
    row = commit_row(conn, empty)
    assert (row["files_changed"], row["additions"], row["deletions"], row["pr_number"]) == (0, 0, 0, 4)
    assert files_of(conn, empty) == []
    assert commit_row(conn, after)["pr_number"] is None
    assert conn.execute("SELECT count(*) FROM commits").fetchone()[0] == 3


def test_commit_touching_5000_files(repo: ScriptedRepo, tmp_path: Path) -> None:
    for i in range(5000):
        repo.write(f"gen/{i // 100:02d}/file_{i:04d}.txt", f"{i}\n")
    sha = repo.commit("Vendor generated files (#9)")
    conn = synced(repo, tmp_path)
    row = commit_row(conn, sha)
    assert (row["files_changed"], row["additions"], row["deletions"]) == (5000, 5000, 0)
    stored = conn.execute("SELECT count(DISTINCT path), min(idx), max(idx) FROM file_changes WHERE sha = ?", (sha,))
    assert tuple(stored.fetchone()) == (5000, 0, 4999)


def test_mailmap_maps_the_person_and_keeps_the_recorded_name(repo: ScriptedRepo, tmp_path: Path) -> None:
    repo.write(".mailmap", "Alice Canonical <alice@canonical.org> <alice@example.com>\n")
    sha = repo.commit("Add mailmap (#1)", author=ALICE)
    conn = synced(repo, tmp_path)
    row = commit_row(conn, sha)
    assert (row["author_name"], row["author_email"]) == ("Alice Liddell", "alice@example.com")
    person = conn.execute("SELECT name, email FROM people WHERE id = ?", (row["author_id"],)).fetchone()
    assert tuple(person) == ("Alice Canonical", "alice@canonical.org")
    pr = conn.execute("SELECT author_name, author_email FROM pull_requests WHERE number = 1").fetchone()
    assert tuple(pr) == ("Alice Canonical", "alice@canonical.org")


@pytest.mark.parametrize(("tz", "minutes"), [("+1345", 825), ("-1200", -720), ("+0530", 330), ("-0930", -570)])
def test_odd_time_zones(repo: ScriptedRepo, tmp_path: Path, tz: str, minutes: int) -> None:
    repo.lines("a.txt", 1)
    sha = repo.commit("Zoned (#5)", at=EPOCH, tz=tz, committed=EPOCH + 30, committer_tz="-0200")
    conn = synced(repo, tmp_path)
    row = commit_row(conn, sha)
    assert (row["authored_at"], row["author_tz"]) == (EPOCH, minutes)
    assert (row["committed_at"], row["committer_tz"]) == (EPOCH + 30, -120)
    pr = conn.execute("SELECT merged_at, merged_tz FROM pull_requests WHERE number = 5").fetchone()
    assert tuple(pr) == (EPOCH + 30, -120)


def test_parser_is_independent_of_chunk_boundaries(repo: ScriptedRepo) -> None:
    # the same captured log fed whole and one byte at a time must give the same commits
    repo.lines("a b.txt", 3)
    repo.write("bin", b"\x00\x01")
    repo.commit("One (#1)")
    repo.rename("a b.txt", "c\td.txt")
    repo.commit("Two\n\nCo-authored-by: Bob <bob@example.com>\n")
    repo.commit("Empty")
    captured = subprocess.run(log_command("HEAD"), cwd=repo.path, capture_output=True, check=True).stdout
    whole = list(parse_log([captured]))
    parser = LogParser()
    bytewise = [c for i in range(len(captured)) for c in parser.feed(captured[i : i + 1])]
    bytewise += list(parser.close())
    assert [c.subject for c in whole] == ["One (#1)", "Two", "Empty"]
    assert bytewise == whole
    assert [f.path for f in whole[1].files] == ["c\td.txt"]
