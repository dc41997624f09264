"""A standing fuzzer for the git log reader: Hypothesis writes histories with odd paths
(spaces, quotes, newlines, tabs, the parser's own separator bytes, bytes that are not
UTF-8), odd messages, time zones, timestamps and PR numbers; every row the sync stores
is checked against what git itself says of each commit (``git cat-file`` for the header
and message, ``git diff-tree`` for the files), and nothing may fail the sync."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from gitrepo import ScriptedRepo
from prhub.sources.git import MAX_TIME
from prhub.store.sqlite import Store
from prhub.sync import sync

NAME_CHARS = st.sampled_from(list("ab-_. \"'\t\n\\*?[]{}$\x1e\x1fé中😀:#@!~=,;"))
SEGMENT = st.text(NAME_CHARS, min_size=1, max_size=6).map(str.encode) | st.binary(min_size=1, max_size=6)
PATH = st.lists(SEGMENT, min_size=1, max_size=3).map(lambda parts: b"/".join(parts))
CONTENT = st.one_of(
    st.lists(st.text(max_size=12), max_size=6).map(lambda lines: "\n".join(lines).encode()),
    st.binary(max_size=40),
)
NUMBER = st.one_of(st.integers(0, 40), st.integers(2**31 - 2, 2**31 + 2), st.integers(2**62, 2**70))
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
ZONE = st.one_of(
    st.builds(lambda s, h, m: f"{s}{h:02d}{m:02d}", st.sampled_from("+-"), st.integers(0, 14), st.integers(0, 59)),
    st.text(st.sampled_from(list("+-0123456789x")), max_size=6),
)
STAMP = st.one_of(
    st.integers(0, 2**34).map(str),
    st.sampled_from(["", "-5", "18446744073709551616", "253402300800", "99999999999999999999"]),
)


@dataclass(frozen=True)
class Step:
    writes: list[tuple[bytes, bytes]]
    delete: bool
    rename: bool
    subject: str
    number: int | None
    body: bytes
    stamp: str
    zone: str


STEP = st.builds(
    Step,
    writes=st.lists(st.tuples(PATH, CONTENT), min_size=0, max_size=3),
    delete=st.booleans(),
    rename=st.booleans(),
    subject=TEXT.map(lambda s: s.replace("\n", " ").strip() or "change"),
    number=st.none() | NUMBER,
    body=st.one_of(TEXT.map(str.encode), st.binary(max_size=30).map(lambda b: b.replace(b"\0", b""))),
    stamp=STAMP,
    zone=ZONE,
)


LITERAL = {"GIT_LITERAL_PATHSPECS": "1"}  # a path such as ":" is a path, not pathspec magic


def _fits(path: bytes, existing: set[bytes]) -> bool:
    """A path git can hold beside the others: no '.'/'..'/'.git' segment, no file where a directory is."""
    parts = path.split(b"/")
    if any(p in (b".", b"..", b".git") or not p or b"\0" in p for p in parts):
        return False
    prefixes = {b"/".join(parts[:i]) for i in range(1, len(parts))}
    return not (prefixes & existing) and not any(e.startswith(path + b"/") for e in existing)


def build(repo: ScriptedRepo, steps: list[Step]) -> None:
    files: set[bytes] = set()
    for step in steps:
        for path, content in step.writes:
            if _fits(path, files):
                repo.write(path, content)
                files.add(path)
        repo.git("add", "-A")
        if step.delete and files:
            gone = sorted(files)[0]
            repo.git("rm", "-q", "-f", "--", gone, env=LITERAL)
            files.discard(gone)
        if step.rename and files:
            old = sorted(files)[-1]
            new = old + b".moved"
            if _fits(new, files - {old}):
                repo.git("mv", "-f", "--", old, new, env=LITERAL)
                files.discard(old)
                files.add(new)
        repo.git("add", "-A")
        tree = repo.git("write-tree")
        parent = repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False)
        subject = step.subject + (f" (#{step.number})" if step.number is not None else "")
        date = f"{step.stamp} {step.zone}".encode()
        header = b"tree " + tree.encode() + b"\n"
        header += b"parent " + parent.encode() + b"\n" if parent else b""
        header += b"author A U <a@x.org> " + date + b"\ncommitter C U <c@x.org> " + date + b"\n\n"
        message = subject.encode() + b"\n\n" + step.body
        sha = repo.git("hash-object", "-t", "commit", "-w", "--literally", "--stdin", input=header + message)
        repo.git("update-ref", "HEAD", sha)


def _git(repo: ScriptedRepo, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=repo.path, capture_output=True, check=True).stdout


def _stamp(raw: bytes) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) <= 12 and int(raw) <= MAX_TIME else None


def _zone(raw: bytes) -> int | None:
    found = re.fullmatch(rb"([+-])(\d\d)(\d\d)", raw)
    if not found or int(found[3]) >= 60 or int(found[2]) * 60 + int(found[3]) >= 18 * 60:
        return None
    minutes = int(found[2]) * 60 + int(found[3])
    return -minutes if found[1] == b"-" else minutes


def expected_files(repo: ScriptedRepo, sha: str) -> list[tuple[bytes, bytes | None, str, int | None, int | None]]:
    """(path, old path, status, added, deleted) of one commit, from git diff-tree."""
    base = ["-c", "diff.renameLimit=10000", "diff-tree", "-z", "-r", "-M", "--root", "--no-commit-id"]
    names = _git(repo, *base, "--name-status", sha).split(b"\0")
    stats = _git(repo, *base, "--numstat", sha).split(b"\0")
    entries = []
    i = 0
    while i < len(names) - 1:
        status = names[i].decode()[0]
        if status in "RC":
            entries.append((names[i + 2], names[i + 1], status))
            i += 3
        else:
            entries.append((names[i + 1], None, status))
            i += 2
    counts = []
    i = 0
    while i < len(stats) - 1:
        added, deleted, path = stats[i].split(b"\t", 2)
        counts.append((None if added == b"-" else int(added), None if deleted == b"-" else int(deleted)))
        i += 1 if path else 3
    return [(p, o, s, *c) for (p, o, s), c in zip(entries, counts, strict=True)]


def check(repo: ScriptedRepo, db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    shas = _git(repo, "rev-list", "--first-parent", "--reverse", "HEAD").decode().split()  # a later PR row wins
    assert conn.execute("SELECT count(*) FROM commits").fetchone()[0] == len(shas)
    numbers: dict[int, str] = {}
    for sha in shas:
        row = conn.execute("SELECT * FROM commits WHERE sha = ?", (sha,)).fetchone()
        assert row is not None, sha
        message = _git(repo, "cat-file", "commit", sha).partition(b"\n\n")[2]
        # what git log makes of the date: nothing when it cannot read it
        at, _, iso = _git(repo, "log", "-1", "--date=raw", "--format=%at%x00%ad", sha).rstrip(b"\n").partition(b"\0")
        stamp, zone = _stamp(at), _zone(iso.rsplit(b" ", 1)[-1])
        flags = (row["flags"] or "").split(",")
        if stamp is None:
            assert "bad-date" in flags and 0 <= row["committed_at"] <= MAX_TIME
        else:
            assert row["committed_at"] == row["authored_at"] == stamp
        if zone is None:
            assert "bad-tz" in flags and row["committer_tz"] == 0
        else:
            assert row["committer_tz"] == row["author_tz"] == zone
        assert (row["author_name"], row["author_email"], row["committer_name"]) == ("A U", "a@x.org", "C U")
        stored = row["message_raw"] if row["message_raw"] is not None else row["message"].encode()
        assert stored == message
        subject = message.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        found = re.search(r"\(#(\d+)\)$", subject)
        if found and 0 < int(found[1]) < 2**31 and subject[: found.start()].strip():
            numbers[int(found[1])] = sha
            assert row["pr_number"] == int(found[1])
        else:
            assert row["pr_number"] is None
            assert ("bad-pr-number" in flags) == bool(found and subject[: found.start()].strip())
        files = conn.execute(
            "SELECT path, path_raw, old_path, old_path_raw, status, additions, deletions FROM file_changes "
            "WHERE sha = ? ORDER BY idx",
            (sha,),
        ).fetchall()
        got = [
            (
                f["path_raw"] if f["path_raw"] is not None else f["path"].encode(),
                f["old_path_raw"] if f["old_path_raw"] is not None else (f["old_path"] or "").encode() or None,
                f["status"],
                f["additions"],
                f["deletions"],
            )
            for f in files
        ]
        assert sorted(got, key=repr) == sorted(expected_files(repo, sha), key=repr), sha
        assert row["files_changed"] == len(got)
    prs = {r["number"]: r["merge_sha"] for r in conn.execute("SELECT number, merge_sha FROM pull_requests")}
    assert prs == numbers


@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is reported as drawn: shrinking takes minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(steps=st.lists(STEP, min_size=1, max_size=5))
def test_every_stored_row_matches_git(tmp_path_factory, steps: list[Step]) -> None:  # noqa: ANN001
    base = tmp_path_factory.mktemp("fuzz")
    repo = ScriptedRepo(base / "repo")
    build(repo, steps)
    db = base / "x.db"
    with Store(db) as store:
        result = sync(store, repo.path)
    assert result.new_commits == len(steps)
    check(repo, db)
