"""Many repositories: which to sync (paths, the store's list, or a site file) and syncing them in parallel.

Each repository syncs in a process of its own (Python parses git's output, so
threads would share one core), with its own connection to the store. The store
keeps one writer per repository (an advisory lock on PostgreSQL, a lock file
beside a SQLite database); different repositories go on at once. A repository
that fails is reported and the others go on.

A site file (TOML) lists the repositories of a site:

    [[repository]]
    path = "/srv/git/vllm"              # a local clone or mirror (required)
    branch = "main"                     # default: the remote's default branch
    settings = "/etc/prhub/vllm.toml"   # its prhub.toml (default: the one at the clone's root)
    github = false                      # also read review data from GitHub where prhub supports it
"""

from __future__ import annotations

import multiprocessing
import os
import tomllib
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from prhub.errors import ConfigError, PrhubError

SITE_KEYS = {"path", "branch", "settings", "github"}


@dataclass(frozen=True, slots=True)
class SiteRepository:
    """One repository a site keeps up to date."""

    path: Path
    branch: str | None = None
    settings: Path | None = None
    github: bool = False


@dataclass(slots=True)
class Outcome:
    """What one repository's sync did (picklable: it comes back from a worker process)."""

    path: str
    slug: str = ""
    branch: str = ""
    head: str = ""
    new_commits: int = 0
    new_prs: int = 0
    dropped_commits: int = 0
    rewritten_from: str | None = None
    renamed_from: str | None = None
    flagged: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    totals: dict[str, int] = field(default_factory=dict)
    error: str | None = None  # the one-line message of a failure


def load_site_file(path: Path) -> list[SiteRepository]:
    """The repositories a site file lists; relative paths are read from the file's directory."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read site file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"site file {path} is not valid TOML: {exc}") from None
    unknown = set(data) - {"repository"}
    if unknown:
        raise ConfigError(f"site file {path}: unknown key {sorted(unknown)[0]!r}; list [[repository]] tables")
    entries = data.get("repository", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"site file {path}: 'repository' must be a list of [[repository]] tables")
    base = path.parent
    out = []
    for n, entry in enumerate(entries, start=1):
        where = f"site file {path}, repository {n}"
        extra = set(entry) - SITE_KEYS
        if extra:
            raise ConfigError(f"{where}: unknown key {sorted(extra)[0]!r} (known: {', '.join(sorted(SITE_KEYS))})")
        if not isinstance(entry.get("path"), str) or not entry["path"].strip():
            raise ConfigError(f"{where}: 'path' (the clone's directory) is required")
        for key in ("branch", "settings"):
            if key in entry and not isinstance(entry[key], str):
                raise ConfigError(f"{where}: {key!r} must be a string")
        if not isinstance(entry.get("github", False), bool):
            raise ConfigError(f"{where}: 'github' must be true or false")
        settings = entry.get("settings")
        out.append(
            SiteRepository(
                path=(base / Path(entry["path"]).expanduser()).resolve(),
                branch=entry.get("branch") or None,
                settings=(base / Path(settings).expanduser()).resolve() if settings else None,
                github=entry.get("github", False),
            )
        )
    if not out:
        raise ConfigError(f"site file {path} lists no repository")
    return out


def stored_repositories(db: str) -> list[SiteRepository]:
    """Every repository in the store, from the clone it was last synced from."""
    from prhub.store import open_store

    with open_store(db) as store:
        return [SiteRepository(Path(r.path), r.default_branch) for r in store.repositories()]


def default_jobs() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def sync_one(db: str, repo: SiteRepository) -> Outcome:
    """Sync one repository into the store at ``db``; a failure comes back as the outcome's error."""
    from prhub.store import open_store
    from prhub.sync import sync

    outcome = Outcome(str(repo.path))
    try:
        with open_store(db) as store:
            result = sync(store, repo.path, branch=repo.branch, settings_file=repo.settings)
    except PrhubError as exc:
        outcome.error = str(exc)
        return outcome
    except Exception as exc:  # a bug: one line, the other repositories go on
        outcome.error = f"internal error: {type(exc).__name__}: {exc}"
        return outcome
    outcome.slug, outcome.branch, outcome.head = result.repo.slug, result.branch, result.head
    outcome.new_commits, outcome.new_prs = result.new_commits, result.new_prs
    outcome.dropped_commits, outcome.rewritten_from = result.dropped_commits, result.rewritten_from
    outcome.renamed_from, outcome.flagged = result.renamed_from, dict(result.flagged)
    outcome.seconds, outcome.totals = result.seconds, result.totals
    return outcome


def sync_many(
    db: str, repos: Iterable[SiteRepository], jobs: int, on_done: Callable[[Outcome], None] | None = None
) -> list[Outcome]:
    """Sync ``repos`` with up to ``jobs`` at once; outcomes in the order they finish."""
    todo = list(repos)
    outcomes: list[Outcome] = []
    if jobs <= 1 or len(todo) <= 1:
        for repo in todo:
            outcomes.append(sync_one(db, repo))
            if on_done:
                on_done(outcomes[-1])
        return outcomes
    # fresh interpreters, not forks: a fork would share the parent's database connections
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context) as pool:
        futures = [pool.submit(sync_one, db, repo) for repo in todo]
        for future in as_completed(futures):
            outcomes.append(future.result())
            if on_done:
                on_done(outcomes[-1])
    return outcomes
