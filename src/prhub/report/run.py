"""What ``prhub report`` does between parsing its options and printing: find the
repository (a clone to sync, or a stored slug), pick the period and the
settings, build the context and render it in the asked format.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prhub import period as periods
from prhub.config import Settings
from prhub.errors import UsageError
from prhub.period import Period
from prhub.store import Store, is_postgres, open_store, sqlite_path

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+$")

Progress = Callable[[int, int], None]


def resolve_repo(store: Store, repo: str, progress: Progress | None = None) -> tuple[str, Path | None]:
    """A local clone (synced first: only what is new is read) or an ``owner/name`` already stored."""
    path = Path(repo).expanduser()
    if path.is_dir():
        from prhub.sync import sync

        result = sync(store, path, progress=progress)
        return result.repo.slug, path
    if _SLUG.match(repo):
        return store.repository(repo).slug, None  # NotFoundError when it was never synced
    raise UsageError(f"{repo!r} is neither a local clone nor an owner/name already in the store")


def settings_of_target(target: str, config: Path | None, db: str | Path) -> tuple[str | None, Settings]:
    """``prhub config``'s answer: the repository's name and settings, reading nothing into the store."""
    from prhub import config as settings

    path = Path(target).expanduser()
    if path.is_dir():
        from prhub.errors import GitError
        from prhub.sources.git import GitRepo
        from prhub.sync import slug_for

        try:
            git = GitRepo(path)
        except GitError:  # a directory that is no clone: its prhub.toml alone
            return None, settings.load(config, path)
        slug = slug_for(git.path, git.remote_url())
        return slug, settings.load(config, git.path, slug)
    if not _SLUG.match(target):
        raise UsageError(f"{target!r} is neither a directory nor an owner/name")
    if config is not None:
        return target, settings.load(config, None, target)
    if is_postgres(db) or sqlite_path(db).is_file():
        with open_store(db) as store:
            known = {repo.slug for repo in store.repositories()}
            if target in known:
                return target, settings.of_repository(store, target)
    return target, settings.default_settings(target)


def clone_root(repo: str) -> Path | None:
    """The local clone ``repo`` names, or None for an ``owner/name``."""
    if not repo.strip():
        raise UsageError("the repository is empty: give a local clone or an owner/name")
    path = Path(repo).expanduser()
    return path if path.is_dir() else None


def choose_period(week: str | None, month: str | None, since: str | None, until: str | None, tz: str) -> Period:
    """--week, --month or --since/--until (one of them); default: the last complete ISO week.

    An option given with an empty value (``--week ""``, often an unset shell
    variable) is an error, not a request for the default.
    """
    options = (("--week", week), ("--month", month), ("--since", since), ("--until", until), ("--tz", tz))
    for name, value in options:
        if value is not None and not value.strip():
            raise UsageError(f"{name} is empty: give a value or leave the option out")
    given = [name for name, value in options[:3] if value is not None]
    if len(given) > 1:
        raise UsageError(f"use only one of {', '.join(given)}")
    if until is not None and since is None:
        raise UsageError("--until needs --since")
    if week is not None:
        return periods.week(week, tz)
    if month is not None:
        return periods.month(month, tz)
    if since is not None:
        return periods.between(since, until, tz)
    return periods.last_complete_week(tz)


def render(ctx: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(ctx, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from prhub.report.html import render_html

        return render_html(ctx)
    from prhub.report.markdown import render_markdown

    return render_markdown(ctx)


def write_every(
    store: Store,
    slug: str,
    kind: str,
    lang: str,
    settings: Settings,
    fmt: str,
    out_dir: Path,
    tz: str,
    on_report: Callable[[dict[str, Any]], None] | None = None,
    prepare: Callable[[dict[str, Any]], None] | None = None,
) -> int:
    """One file per period (``2026-04-06-to-2026-04-12.md``...) into ``out_dir``; returns how many."""
    from prhub.report.context import iter_contexts

    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"-o {out_dir}: not a directory (--every writes one file per period)")
    out_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    # only periods with a merged PR, as the site: a history with one commit in 1970 and one in 2099 is two files
    for ctx in iter_contexts(store, slug, kind=kind, lang=lang, settings=settings, tz=tz, active_only=True):
        if prepare is not None:
            prepare(ctx)  # e.g. the LLM writer
        (out_dir / f"{ctx['period']['slug']}.{fmt}").write_text(render(ctx, fmt), encoding="utf-8")
        count += 1
        if on_report:
            on_report(ctx)
    return count
