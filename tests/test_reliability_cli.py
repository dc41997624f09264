"""Standing reliability suite, the command line (issue 11, parts 5, 7, 10-14): each defect reproduced."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_prhub
from gitrepo import ALICE, EPOCH, FORGE, ScriptedRepo

W15 = "2026-W15"


def _one_line_error(proc: subprocess.CompletedProcess[str], code: int | None = None) -> str:
    assert proc.returncode != 0 and proc.returncode != 70, (proc.returncode, proc.stderr)
    if code is not None:
        assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("prhub: error: "), proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("cli")
    repo = ScriptedRepo(tmp / "app")
    repo.git("remote", "add", "origin", "https://github.com/acme/app.git")
    repo.lines("README.md", 2)
    repo.commit("Initial commit", at=EPOCH - 86400)
    repo.lines("src/a.py", 20)
    repo.commit("Reset \x1bc the \x1b]0;owned\x07 terminal \x9b31m (#1)", author=ALICE, committer=FORGE, at=EPOCH)
    repo.lines("src/b.py", 20)
    repo.commit("Add \u202etxt.exe loader (#2)", author=ALICE, committer=FORGE, at=EPOCH + 60)
    db = tmp / "prhub.db"
    proc = run_prhub("sync", str(repo.path), "--db", str(db), "-q")
    assert proc.returncode == 0, proc.stderr
    return repo.path, db


# -- part 5: dates at the ends of the calendar -------------------------------------------------------
@pytest.mark.parametrize(
    "period",
    [
        ["--week", "0001-W01"],
        ["--week", "9999-W52"],
        ["--month", "0001-01"],
        ["--month", "9999-12"],
        ["--since", "0001-01-01"],
        ["--since", "2026-01-01", "--until", "9999-12-31"],
    ],
)
def test_periods_at_the_ends_of_the_calendar_are_one_line_errors(synced: tuple[Path, Path], period: list[str]) -> None:
    line = _one_line_error(run_prhub("report", "acme/app", "--db", str(synced[1]), *period), code=2)
    assert "outside the years prhub reports on" in line


# -- part 7: a database in a read-only directory --------------------------------------------------------
def _without_write_override(args: list[str]) -> list[str]:
    """Root writes anywhere; drop that power so a read-only directory is read only for this process too."""
    if os.geteuid() != 0:
        return args
    if not shutil.which("setpriv"):
        pytest.skip("needs setpriv to drop root's override of file permissions")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--", *args]


def test_reading_works_in_a_read_only_directory(synced: tuple[Path, Path], tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    db = locked / "prhub.db"
    with __import__("sqlite3").connect(synced[1]) as src, __import__("sqlite3").connect(db) as dst:
        src.backup(dst)
    dst.close()
    locked.chmod(0o555)
    try:
        cli = [sys.executable, "-m", "prhub"]
        report = subprocess.run(
            _without_write_override([*cli, "report", "acme/app", "--week", W15, "--db", str(db)]),
            capture_output=True,
            text=True,
        )
        assert report.returncode == 0, report.stderr
        assert "acme/app" in report.stdout
        site = subprocess.run(
            _without_write_override([*cli, "site", str(tmp_path / "out"), "--db", str(db), "-q"]),
            capture_output=True,
            text=True,
        )
        assert site.returncode == 0, site.stderr
        assert (tmp_path / "out" / "acme" / "app" / "index.html").is_file()
        serve = subprocess.Popen(
            _without_write_override([*cli, "serve", "--db", str(db), "--port", "0"]),
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert serve.stderr is not None
            line = serve.stderr.readline()
            assert line.startswith("prhub: serving on http://127.0.0.1:"), line
            url = line.split(" on ", 1)[1].split(" ", 1)[0]
            assert _get_when_up(url + "acme/app/reports/2026-04-06-to-2026-04-12") == 200
        finally:
            serve.terminate()
            serve.wait(10)
        assert sorted(p.name for p in locked.iterdir()) == ["prhub.db"]  # nothing written beside it
    finally:
        locked.chmod(0o755)


def _get_when_up(url: str) -> int:
    import time
    import urllib.request

    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=60) as reply:
                return int(reply.status)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


# -- part 10: terminal control sequences -----------------------------------------------------------------
def test_report_output_carries_no_terminal_control_sequences(synced: tuple[Path, Path]) -> None:
    for fmt in ("md", "json", "html"):
        proc = run_prhub("report", "acme/app", "--week", W15, "--db", str(synced[1]), "--format", fmt)
        assert proc.returncode == 0, proc.stderr
        for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert bad not in proc.stdout, (fmt, bad)
        assert "owned terminal" in proc.stdout  # the words stay, the controls go


# -- part 11: empty values fail, and a failed report creates nothing ---------------------------------------
def test_empty_week_is_an_error(synced: tuple[Path, Path]) -> None:
    for option in ("--week", "--month", "--since", "--tz"):
        line = _one_line_error(run_prhub("report", "acme/app", option, "", "--db", str(synced[1])), code=2)
        assert f"{option} is empty" in line


def test_empty_prhub_db_is_an_error(synced: tuple[Path, Path], tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"PRHUB_DB": "", "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    for args in (["report", "acme/app"], ["sync", str(synced[0])], ["site", str(tmp_path / "o")], ["serve"]):
        line = _one_line_error(run_prhub(*args, env=env), code=2)
        assert "PRHUB_DB is set but empty" in line
    assert not home.exists()


def test_a_failed_report_creates_no_database(synced: tuple[Path, Path], tmp_path: Path) -> None:
    cases = [
        ["report", "acme/app"],  # no database there to read
        ["report", str(tmp_path), "--week", W15],  # not a git repository
        ["report", str(synced[0]), "--week", "2026-W99"],  # malformed week
        ["report", "acme/app", "--week", ""],
    ]
    for n, args in enumerate(cases):
        target = tmp_path / f"newdir{n}" / "x.db"
        _one_line_error(run_prhub(*args, "--db", str(target)))
        assert not target.parent.exists(), args


# -- part 12: --every writes only periods with activity -----------------------------------------------------
def test_every_week_writes_only_weeks_with_merged_prs(tmp_path: Path) -> None:
    repo = ScriptedRepo(tmp_path / "span")
    repo.lines("a.py", 3)
    repo.commit("First (#1)", author=ALICE, committer=FORGE, at=86400 * 10)  # 1970
    repo.lines("b.py", 3)
    repo.commit("Last (#2)", author=ALICE, committer=FORGE, at=4_000_000_000)  # 2096
    out = tmp_path / "reports"
    proc = run_prhub("report", str(repo.path), "--every", "week", "-o", str(out), "--db", str(tmp_path / "s.db"))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["1970-01-05-to-1970-01-11.md", "2096-10-01-to-2096-10-07.md"]


# -- part 13: git's own reason --------------------------------------------------------------------------------
@pytest.mark.skipif(os.geteuid() != 0, reason="making a repository that belongs to another user needs root")
def test_dubious_ownership_is_reported_as_such(tmp_path: Path) -> None:
    repo = ScriptedRepo(tmp_path / "theirs")
    repo.lines("a.py", 3)
    repo.commit("Change (#1)")
    for path in [repo.path, *repo.path.rglob("*")]:
        os.lchown(path, 65534, 65534)
    env = {"HOME": str(tmp_path), "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig")}  # no safe.directory of ours
    line = _one_line_error(run_prhub("sync", str(repo.path), "--db", str(tmp_path / "x.db"), env=env))
    assert "dubious ownership" in line and "not a git repository" not in line
    assert "safe.directory" in line


# -- part 14: names and places the file system refuses ---------------------------------------------------------
@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc and /sys")
@pytest.mark.parametrize("target", ["/proc/prhub-out", "/sys/prhub-out", "/proc/self/prhub-out/x"])
def test_output_into_proc_or_sys_is_one_line(synced: tuple[Path, Path], target: str) -> None:
    db = str(synced[1])
    _one_line_error(run_prhub("report", "acme/app", "--week", W15, "--db", db, "-o", target))
    _one_line_error(run_prhub("report", "acme/app", "--every", "week", "--db", db, "-o", target))
    _one_line_error(run_prhub("site", target, "--db", db, "-q"))


def test_a_slug_longer_than_a_file_name_is_one_line(tmp_path: Path) -> None:
    long_name = "n" * 300
    repo = ScriptedRepo(tmp_path / "long")
    repo.git("remote", "add", "origin", f"https://github.com/acme/{long_name}.git")
    repo.lines("a.py", 3)
    repo.commit("Change (#1)", author=ALICE, committer=FORGE, at=EPOCH)
    db = str(tmp_path / "l.db")
    assert run_prhub("sync", str(repo.path), "--db", db, "-q").returncode == 0
    out = tmp_path / "out"
    proc = run_prhub("report", f"acme/{long_name}", "--week", W15, "--db", db, "-o", str(out / f"{long_name}.md"))
    _one_line_error(proc)
    site = run_prhub("site", str(out), "--db", db, "-q")
    assert site.returncode == 0, site.stderr  # the site names the directory by a short safe segment
