"""The git source: one streaming ``git log`` process, parsed as it streams.

The log is asked for with ``-z`` so that every field and every path is
NUL-terminated and nothing is quoted; the parser is a state machine over those
NUL-separated tokens, so memory holds one commit at a time whatever the length
of the history.
"""

from __future__ import annotations

import os
import queue
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from prhub.errors import GitError
from prhub.models import Commit, FileChange, Identity
from prhub.sources import Page

# Each commit starts with a record separator, then fixed fields separated by NUL.
# %an/%ae are the recorded identity, %aN/%aE the one after .mailmap.
# %ad/%cd with --date=raw give "<seconds> <offset>" as recorded: git's %ai dies ("Timestamp before
# Unix epoch") on a commit whose local time is before 1970, and one such commit would stop every sync
_FIELDS = ["%H", "%P", "%an", "%ae", "%aN", "%aE", "%at", "%ad", "%cn", "%ce", "%ct", "%cd", "%B"]
LOG_FORMAT = "%x1e" + "%x00".join(_FIELDS)
_HEADER_TOKENS = len(_FIELDS)
_MARK = b"\x1e"
_CHUNK = 1 << 20
_QUEUED_CHUNKS = 64  # at most this many chunks wait between git and the parser
# git writes in pieces of a few hundred bytes; the reader gathers them into chunks of
# up to this size, so the queue holds megabytes (git keeps running while the store
# writes a batch) and not a few dozen small pieces (git would stall on the full pipe)
_GATHER = 256 << 10


def log_command(rev_range: str | None) -> list[str]:
    """The one git command a sync runs (oldest commit first, first parent only).

    Without a range it reads the commits named on stdin, each with its first-parent diff
    (the merges of another branch that the synced branch merged in).
    """
    walk = ["--first-parent", "--reverse"] if rev_range else ["--no-walk=unsorted", "--stdin"]
    return [
        "git",
        "-c",
        "core.quotepath=off",
        "-c",
        "diff.renameLimit=10000",
        "log",
        *walk,
        "--date=raw",
        "--diff-merges=first-parent",
        "-z",
        "--raw",
        "--numstat",
        "-M",
        "--no-abbrev",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--use-mailmap",
        f"--format={LOG_FORMAT}",
        *([rev_range] if rev_range else []),
        "--",
    ]


# the commit graph of what merges bring in: no diffs, so it costs git little
_GRAPH_FORMAT = "%x1e%H%x00%P%x00%aN%x00%aE%x00%at%x00%cE%x00%ct%x00%B"


@dataclass(frozen=True, slots=True)
class GraphCommit:
    """A commit that a merge brought in: enough to find its author and the PRs among them."""

    sha: str
    parents: tuple[str, ...]
    author: Identity  # after .mailmap
    authored_at: int
    committer_email: str
    committed_at: int
    message: str


def parse_graph(data: bytes) -> dict[str, GraphCommit]:
    """Parse ``git log --format=_GRAPH_FORMAT`` output (newest first, as git wrote it)."""
    found: dict[str, GraphCommit] = {}
    for record in data.split(b"\x1e")[1:]:
        fields = record.split(b"\0", 7)
        if len(fields) != 8:
            continue
        sha = fields[0].decode("ascii", "replace")
        authored, committed = _time(fields[4]), _time(fields[6])
        found[sha] = GraphCommit(
            sha,
            tuple(p.decode("ascii", "replace") for p in fields[1].split()),
            _identity(fields[2], fields[3]),
            authored if authored is not None else committed or 0,
            fields[5].decode("utf-8", "replace"),
            committed if committed is not None else authored or 0,
            _text(fields[7])[0],
        )
    return found


def _text(raw: bytes) -> tuple[str, bytes | None]:
    """Decode git bytes; keep the original bytes when they are not valid UTF-8."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace"), raw


def _identity(name: bytes, email: bytes) -> Identity:
    """An Identity; its recorded bytes are kept when they are not valid UTF-8."""
    text_name, raw_name = _text(name)
    text_email, raw_email = _text(email)
    raw = name + b" <" + email + b">" if raw_name is not None or raw_email is not None else None
    return Identity(text_name, text_email, raw)


# the latest time a commit may carry: later ones (and years past 9999) are flagged, so that
# every week and month around a stored time is a valid date
MAX_TIME = 253402041600 - 32 * 86400  # 9999-11-20 00:00 UTC
_MAX_TZ = 18 * 60  # the widest offset Python's datetime (and any real zone) allows


def _tz_minutes(iso_like: bytes) -> int | None:
    """Offset of ``1776638273 -0700`` in minutes (-420); None when malformed or out of range."""
    off = iso_like.rsplit(b" ", 1)[-1]
    if len(off) != 5 or off[:1] not in (b"+", b"-") or not off[1:].isdigit():
        return None
    hours, minutes = int(off[1:3]), int(off[3:5])
    total = hours * 60 + minutes
    if minutes >= 60 or total >= _MAX_TZ:
        return None
    return -total if off[:1] == b"-" else total


def _time(raw: bytes) -> int | None:
    """Unix seconds, or None when missing, negative or beyond MAX_TIME."""
    if not raw.isdigit() or len(raw) > 12:
        return None
    value = int(raw)
    return value if value <= MAX_TIME else None


def _count(raw: bytes) -> int | None:
    return None if raw == b"-" else int(raw)


# one raw entry: (status letter, path, old path for renames and copies)
_RawEntry = tuple[str, bytes, bytes | None]


class LogParser:
    """Turns the bytes of ``git log -z --raw --numstat`` (in LOG_FORMAT) into Commits.

    Feed it chunks of any size with :meth:`feed`; it yields every commit that is
    complete. :meth:`close` yields the last one.

    Per commit, git writes the header fields, then one ``--raw`` entry per file
    (``:modes shas status``, then one path, or two for renames and copies), then
    one ``--numstat`` entry per file in the same order (``added<TAB>deleted<TAB>path``,
    or ``added<TAB>deleted<TAB>`` then two paths). The loop below runs once per
    NUL-separated token (half a million for 20,000 commits), so it keeps its state
    in local variables and writes it back when the chunk is done.
    """

    def __init__(self) -> None:
        self._rest = b""
        self._header: list[bytes] = []
        self._raw: list[_RawEntry] = []
        self._stats: list[tuple[bytes, bytes]] = []
        self._pending: list[bytes] = []  # path tokens already read for the current entry
        self._need = 0  # path tokens still owed to the current entry
        self._entry: str | tuple[bytes, bytes] | None = None  # raw: the status; numstat: (added, deleted)

    def feed(self, chunk: bytes) -> Iterator[Commit]:
        data = self._rest + chunk if self._rest else chunk
        tokens = data.split(b"\0")
        self._rest = tokens.pop()
        return self._consume(tokens)

    def close(self) -> Iterator[Commit]:
        if self._rest:
            rest, self._rest = self._rest, b""
            yield from self._consume([rest])
        if self._header:
            yield self._finish()

    def _consume(self, tokens: list[bytes]) -> Iterator[Commit]:
        header, raw, stats = self._header, self._raw, self._stats
        pending, need, entry = self._pending, self._need, self._entry
        try:
            for token in tokens:
                if need:  # a path that belongs to the current raw or numstat entry
                    pending.append(token)
                    need -= 1
                    if not need:
                        if isinstance(entry, str):
                            raw.append((entry, pending[-1], pending[0] if len(pending) == 2 else None))
                        else:
                            stats.append(entry)  # type: ignore[arg-type]
                        pending = []
                    continue
                if header and len(header) < _HEADER_TOKENS:
                    header.append(token)
                    continue
                if token[:1] == _MARK:
                    if header:
                        self._header, self._raw, self._stats = header, raw, stats
                        yield self._finish()
                    header, raw, stats = [token[1:]], [], []
                    continue
                if not header:
                    if token.strip():
                        raise GitError(f"unexpected output from git log: {token[:60]!r}")
                    continue
                if token[:1] == b"\n":
                    token = token[1:]
                if not token:
                    continue
                if token[:1] == b":":
                    # ":100644 100644 <sha> <sha> R086" then one path, or two for renames and copies
                    space = token.rfind(b" ")
                    entry = token[space + 1 : space + 2].decode("ascii")
                    need = 2 if entry in ("R", "C") else 1
                    continue
                # numstat: "added\tdeleted\tpath", or "added\tdeleted\t" then old and new path
                added, deleted, path = token.split(b"\t", 2)
                if path:
                    stats.append((added, deleted))
                else:
                    entry, need = (added, deleted), 2
        finally:
            self._header, self._raw, self._stats = header, raw, stats
            self._pending, self._need, self._entry = pending, need, entry

    def _finish(self) -> Commit:
        h = self._header
        if len(h) != _HEADER_TOKENS:
            raise GitError("git log output ended in the middle of a commit")
        files = []
        stats = self._stats
        for i, (status, raw_path, raw_old) in enumerate(self._raw):
            added, deleted = stats[i] if i < len(stats) else (b"-", b"-")
            path, path_raw = _text(raw_path)
            old_path, old_path_raw = _text(raw_old) if raw_old is not None else (None, None)
            files.append(
                FileChange(
                    path=path,
                    status=status,
                    additions=_count(added),
                    deletions=_count(deleted),
                    old_path=old_path,
                    path_raw=path_raw,
                    old_path_raw=old_path_raw,
                )
            )
        message, message_raw = _text(h[12])
        flags: list[str] = []
        authored_at, committed_at = _time(h[6]), _time(h[10])
        if authored_at is None or committed_at is None:
            flags.append("bad-date")  # the other time stands in; with neither, the sync uses the previous commit's
            authored_at = authored_at if authored_at is not None else committed_at
            committed_at = committed_at if committed_at is not None else authored_at
        author_tz, committer_tz = _tz_minutes(h[7]), _tz_minutes(h[11])
        if author_tz is None or committer_tz is None:
            flags.append("bad-tz")  # stored as UTC
        commit = Commit(
            sha=h[0].decode("ascii"),
            parents=tuple(p.decode("ascii") for p in h[1].split()),
            author=_identity(h[2], h[3]),
            author_mapped=_identity(h[4], h[5]),
            authored_at=authored_at if authored_at is not None else 0,
            author_tz=author_tz or 0,
            committer=_identity(h[8], h[9]),
            committed_at=committed_at if committed_at is not None else 0,
            committer_tz=committer_tz or 0,
            message=message,
            message_raw=message_raw,
            files=tuple(files),
            flags=tuple(flags),
        )
        self._header, self._raw, self._stats = [], [], []
        return commit


def parse_log(chunks: Iterable[bytes]) -> Iterator[Commit]:
    """Parse a whole captured log (an iterable of byte chunks)."""
    parser = LogParser()
    for chunk in chunks:
        yield from parser.feed(chunk)
    yield from parser.close()


class GitRepo:
    """A local clone, read with the git command line (LANG=C, no pager, no prompts)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        if not self.path.is_dir():
            raise GitError(f"{self.path}: no such directory")
        self._env = {
            **os.environ,
            "LANG": "C",
            "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_PAGER": "cat",
            "GIT_OPTIONAL_LOCKS": "0",
        }
        top = self._run("rev-parse", "--show-toplevel", check=False)
        if top is None and self._run("rev-parse", "--is-bare-repository", check=False) == "true":
            top = self._run("rev-parse", "--absolute-git-dir")  # a bare mirror, as a cron job keeps
        if top is None:
            raise GitError(f"{self.path}: {self._refusal()}")
        self.path = Path(top)
        if self._run("rev-parse", "--is-shallow-repository") == "true":
            raise GitError(f"{self.path}: shallow clone; run `git fetch --unshallow` so the whole history can be read")

    def _refusal(self) -> str:
        """Why git will not read the directory: usually not a repository, but git may refuse one
        owned by another user ("dubious ownership"), which must be said as such."""
        proc = subprocess.run(
            ["git", "rev-parse", "--git-dir"],
            cwd=self.path,
            env=self._env,
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
        text = proc.stderr.decode("utf-8", "replace")
        if "dubious ownership" in text:
            return (
                "git refuses to read it: dubious ownership (the repository belongs to another user); "
                f"if you trust it, run `git config --global --add safe.directory {Path(self.path).resolve()}`"
            )
        return "not a git repository"

    def _run(self, *args: str, check: bool = True) -> str | None:
        proc = subprocess.run(
            ["git", *args], cwd=self.path, env=self._env, capture_output=True, stdin=subprocess.DEVNULL
        )
        if proc.returncode != 0:
            if check:
                err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
                raise GitError(f"git {args[0]} failed: {err[-1] if err else 'exit ' + str(proc.returncode)}")
            return None
        return proc.stdout.decode("utf-8", "replace").strip()

    def default_branch(self) -> str:
        """The branch origin/HEAD names (local copy preferred), else the checked-out branch."""
        remote_head = self._run("symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", check=False)
        if remote_head:
            name = remote_head.split("/", 1)[1]
            return name if self.resolve(name) else remote_head
        current = self._run("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        if current:
            return current
        raise GitError(f"{self.path}: HEAD is detached and there is no origin/HEAD; pass --branch")

    def resolve(self, rev: str) -> str | None:
        """The commit a branch or revision names, or None."""
        return (
            self._run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False) or None
        )

    def head_of(self, branch: str) -> str:
        if self._run("rev-parse", "--verify", "--quiet", "HEAD", check=False) is None and not self._has_refs():
            raise GitError(f"{self.path}: empty repository (no commits yet)")
        sha = self.resolve(branch)
        if sha is None:
            raise GitError(f"{self.path}: unknown branch {branch!r}")
        return sha

    def _has_refs(self) -> bool:
        return bool(self._run("for-each-ref", "--count=1", check=False))

    def is_ancestor(self, older: str, newer: str) -> bool:
        proc = subprocess.run(
            ["git", "merge-base", "--is-ancestor", older, newer],
            cwd=self.path,
            env=self._env,
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
        return proc.returncode == 0

    def root_of(self, head: str) -> str:
        """The first root commit of ``head``'s history (the oldest, as rev-list lists it last)."""
        roots = (self._run("rev-list", "--max-parents=0", head) or "").split()
        return roots[-1] if roots else head

    def remote_url(self) -> str | None:
        return self._run("config", "--get", "remote.origin.url", check=False) or None

    def count(self, rev_range: str) -> int:
        out = self._run("rev-list", "--first-parent", "--count", rev_range)
        return int(out or 0)

    def first_parent_shas(self, head: str) -> list[str]:
        return (self._run("rev-list", "--first-parent", head) or "").split()

    def graph(self, heads: Iterable[str], exclude: Iterable[str]) -> dict[str, GraphCommit]:
        """The commits reachable from ``heads`` and not from ``exclude``, without diffs, in one git process."""
        wanted = "".join(f"{sha}\n" for sha in heads) + "".join(f"^{sha}\n" for sha in exclude)
        proc = subprocess.run(
            ["git", "log", "--stdin", "--use-mailmap", "--no-color", f"--format={_GRAPH_FORMAT}"],
            cwd=self.path,
            env=self._env,
            capture_output=True,
            input=wanted.encode("ascii"),
        )
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git log failed: {err[-1] if err else 'exit ' + str(proc.returncode)}")
        return parse_graph(proc.stdout)

    def commits(self, shas: list[str]) -> Iterator[Commit]:
        """The named commits, each with its first-parent diff, in the order given."""
        if shas:
            yield from self.log(None, stdin="".join(f"{sha}\n" for sha in shas).encode("ascii"))

    def log(self, rev_range: str | None, stdin: bytes | None = None) -> Iterator[Commit]:
        """Stream the first-parent commits of ``rev_range``, oldest first (or the commits ``stdin`` names).

        A reader thread drains git's stdout into a bounded queue so git never
        waits while the caller writes to the store: the two run side by side.
        """
        proc = subprocess.Popen(
            log_command(rev_range),
            cwd=self.path,
            env=self._env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        )
        if stdin is not None:
            assert proc.stdin is not None
            try:  # git reads all of stdin before it writes anything
                proc.stdin.write(stdin)
                proc.stdin.close()
            except OSError:  # git stopped early: its exit status says why
                pass
        assert proc.stdout is not None and proc.stderr is not None
        stdout, stderr = proc.stdout, proc.stderr
        errors: list[bytes] = []
        chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=_QUEUED_CHUNKS)

        def read_stdout() -> None:
            try:
                gathered = bytearray()
                while chunk := stdout.read1(_CHUNK):
                    gathered += chunk
                    # hand over at once when the parser is idle, else gather a bigger chunk
                    if len(gathered) >= _GATHER or chunks.empty():
                        chunks.put(bytes(gathered))
                        gathered.clear()
                if gathered:
                    chunks.put(bytes(gathered))
            except (OSError, ValueError):  # closed because the consumer stopped early
                pass
            finally:
                chunks.put(None)

        threads = [
            threading.Thread(target=read_stdout, daemon=True),
            threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True),
        ]
        for thread in threads:
            thread.start()
        parser = LogParser()
        drained = False
        truncated: GitError | None = None
        try:
            while (chunk := chunks.get()) is not None:
                yield from parser.feed(chunk)
            drained = True
            try:
                yield from parser.close()
            except GitError as exc:  # output cut short: git's own message, below, says why
                truncated = exc
        finally:
            if proc.poll() is None:
                proc.kill()
            while not drained:  # let the reader reach its end so it can be joined
                drained = chunks.get() is None
            code = proc.wait()
            for thread in threads:
                thread.join()
            stdout.close()
            stderr.close()
        if code != 0:
            msg = b"".join(errors).decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git log failed: {msg[-1] if msg else 'exit ' + str(code)}")
        if truncated is not None:
            raise truncated


class GitSource:
    """The Source protocol over one branch: pages of its first-parent commits after a cursor.

    The cursor is the sha of the last commit written; ``fetch`` reads
    ``cursor..head`` oldest first, ``batch`` commits a page. Pages smaller than a
    batch (``every`` commits) carry no cursor: they only move a progress bar, and
    the sync writes their commits with the next page that has one.
    """

    name = "git"

    def __init__(self, repo: GitRepo, head: str, batch: int, every: int = 250) -> None:
        self.repo, self.head, self.batch, self.every = repo, head, batch, every

    def fetch(self, cursor: str | None) -> Iterator[Page]:
        rev_range = f"{cursor}..{self.head}" if cursor else self.head
        total = self.repo.count(rev_range)
        records: list[Commit] = []
        done = 0
        for commit in self.repo.log(rev_range):
            records.append(commit)
            done += 1
            if len(records) >= self.batch:
                yield Page(records, commit.sha, done, total)
                records = []
            elif done % self.every == 0:  # a smooth bar, whatever the batch size
                yield Page([], None, done, total)
        yield Page(records, records[-1].sha if records else None, done, total)
