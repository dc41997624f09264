"""Many repositories as a site operator syncs them: several clones at once, --all, a site file;
on both backends, in parallel, one line per repository, a failure named while the others go on."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_prhub
from gitrepo import ALICE, BOB, FORGE, ScriptedRepo
from prhub.errors import ConfigError
from prhub.fleet import load_site_file
from prhub.store import open_store


def clone(path: Path, prs: int, remote: str | None = None) -> ScriptedRepo:
    repo = ScriptedRepo(path)
    if remote:
        repo.git("remote", "add", "origin", remote)
    for n in range(1, prs + 1):
        repo.lines(f"src/m{n}.py", n)
        repo.commit(f"Change {n} (#{n})", author=BOB, committer=FORGE)
    return repo


def stored(db: str) -> dict[str, int]:
    with open_store(db) as store:
        return {r.slug: store.counts(r.id)["pull_requests"] for r in store.repositories()}


def test_several_clones_at_once(db_url: str, tmp_path: Path) -> None:
    a = clone(tmp_path / "a", 3, "https://github.com/acme/a.git")
    b = clone(tmp_path / "b", 5, "https://github.com/acme/b.git")
    c = clone(tmp_path / "c", 2)
    proc = run_prhub("sync", str(a.path), str(b.path), str(c.path), "--db", db_url, "--jobs", "3")
    assert proc.returncode == 0, proc.stderr
    lines = sorted(proc.stdout.splitlines())
    assert len(lines) == 3 and lines[0].startswith("acme/a main: 3 new commits, 3 new PRs")
    assert lines[1].startswith("acme/b main: 5 new commits") and lines[2].startswith("local/c main: 2 new commits")
    assert stored(db_url) == {"acme/a": 3, "acme/b": 5, "local/c": 2}


def test_all_syncs_every_stored_repository_from_its_clone(db_url: str, tmp_path: Path) -> None:
    a = clone(tmp_path / "a", 2, "https://github.com/acme/a.git")
    b = clone(tmp_path / "b", 2, "https://github.com/acme/b.git")
    for repo in (a, b):
        assert run_prhub("sync", str(repo.path), "--db", db_url, "-q").returncode == 0
    a.lines("late.py", 1)
    a.commit("Late change (#9)", author=ALICE, committer=FORGE)
    proc = run_prhub("sync", "--all", "--db", db_url)
    assert proc.returncode == 0, proc.stderr
    first, second = sorted(proc.stdout.splitlines())
    assert first.startswith("acme/a main: 1 new commit, 1 new PR in ")
    assert second == f"acme/b main: already up to date at {b.head()[:12]} (2 commits, 2 PRs)"
    assert stored(db_url) == {"acme/a": 3, "acme/b": 2}


def test_a_failing_repository_is_named_and_the_others_go_on(tmp_path: Path) -> None:
    db = str(tmp_path / "prhub.db")
    good = clone(tmp_path / "good", 2)
    (tmp_path / "plain").mkdir()
    proc = run_prhub("sync", str(tmp_path / "plain"), str(good.path), "--db", db)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "local/good main: 2 new commits" in proc.stdout
    errors = [line for line in proc.stderr.splitlines() if line.startswith("prhub: error:")]
    assert len(errors) == 1 and "plain" in errors[0] and "not a git repository" in errors[0]
    assert proc.stderr.splitlines()[-1] == "prhub: 1 of 2 repositories failed"
    assert stored(db) == {"local/good": 2}


def test_site_file_lists_clones_branches_and_settings(db_url: str, tmp_path: Path) -> None:
    a = clone(tmp_path / "clones" / "a", 2, "https://github.com/acme/a.git")
    a.git("checkout", "-q", "-b", "release")
    a.lines("rel.py", 1)
    a.commit("Release fix (#7)", author=ALICE, committer=FORGE)
    a.git("checkout", "-q", "main")
    clone(tmp_path / "clones" / "b", 1)
    settings = tmp_path / "a.toml"
    settings.write_text('language = "zh"\n', encoding="utf-8")
    site = tmp_path / "site.toml"
    site.write_text(
        '[[repository]]\npath = "clones/a"\nbranch = "release"\nsettings = "a.toml"\n\n'
        '[[repository]]\npath = "clones/b"\ngithub = false\n',
        encoding="utf-8",
    )
    proc = run_prhub("sync", "--site", str(site), "--db", db_url)
    assert proc.returncode == 0, proc.stderr
    assert stored(db_url) == {"acme/a": 3, "local/b": 1}
    with open_store(db_url) as store:
        kept = store.repository_settings(store.repository("acme/a").id)
    assert kept is not None and kept.toml == 'language = "zh"\n' and kept.origin == str(settings)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[repository]]\nbranch = 'main'\n", "'path' (the clone's directory) is required"),
        ("[[repository]]\npath = 'x'\ntoken = 'ghp_x'\n", "unknown key 'token'"),
        ("[[repository]]\npath = 'x'\ngithub = 'yes'\n", "'github' must be true or false"),
        ("repositories = []\n", "unknown key 'repositories'"),
        ("", "lists no repository"),
        ("[[repository]\n", "is not valid TOML"),
    ],
)
def test_bad_site_files_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    site = tmp_path / "site.toml"
    site.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_site_file(site)
    proc = run_prhub("sync", "--site", str(site), "--db", str(tmp_path / "x.db"))
    assert proc.returncode != 0 and proc.stderr.startswith("prhub: error: ") and proc.stderr.count("\n") == 1


def test_all_with_paths_or_an_empty_store_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_prhub("sync", "--all", str(tmp_path), "--db", str(tmp_path / "x.db"))
    assert proc.returncode == 2 and "give no REPO_PATHS" in proc.stderr
    proc = run_prhub("sync", "--all", "--db", str(tmp_path / "x.db"))
    assert proc.returncode == 2 and "no repository stored" in proc.stderr
