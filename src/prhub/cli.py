"""The ``prhub`` command line: parses input, calls the layers, turns errors into one line."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from prhub import __version__
from prhub.errors import GitHubError, PrhubError, UsageError
from prhub.gcpause import collector_paused
from prhub.report.safetext import clean
from prhub.store import Store, default_db, describe

if TYPE_CHECKING:
    from rich.console import Console


class _ErrConsole:
    """stderr through rich, imported on first use: most runs never print there (rich costs ~30 ms)."""

    @functools.cached_property
    def console(self) -> Console:
        from rich.console import Console

        return Console(stderr=True, highlight=False)

    def print(self, *args: Any, **kwargs: Any) -> None:
        self.console.print(*args, **kwargs)

    @property
    def is_terminal(self) -> bool:
        return self.console.is_terminal


err_console = _ErrConsole()

DB_OPTION = click.option(
    "--db",
    metavar="FILE|URL",
    default=None,
    help="A SQLite file (or sqlite:///FILE) or a postgresql://user@host/name URL "
    "[default: $PRHUB_DB, else prhub.db in the user data directory].",
)


def db_target(db: str | None) -> str:
    """``--db``, else ``$PRHUB_DB``, else the user data directory's; an empty value is a mistake, not a default."""
    if db is not None:
        if not db.strip():
            raise UsageError("--db is empty: give a database file or a postgresql:// URL")
        return db
    env = os.environ.get("PRHUB_DB")
    if env is not None and not env.strip():
        raise UsageError("PRHUB_DB is set but empty: give a database file or unset it")
    return default_db()


@contextlib.contextmanager
def open_store(db: str | None) -> Iterator[Store]:
    """The store to write into, created when missing; a command that fails before storing anything
    leaves no new file or directory behind."""
    from prhub.store import is_postgres, sqlite_path
    from prhub.store import open_store as open_db

    target = db_target(db)
    path = None if is_postgres(target) else sqlite_path(target)
    created = [p for p in [path, *path.parents] if not p.exists()] if path is not None else []
    store = open_db(target)
    try:
        yield store
    except BaseException:
        empty = path is not None and path in created and not store.repositories()  # a sync's rows are kept
        store.close()
        if empty and path is not None:
            _remove_created(path, created)
        raise
    store.close()


def read_store(db: str | None) -> Store:
    """An existing store, never created here: writable when it can be (the LLM cache and the theme
    registry write to it), else a SQLite file read only (a directory the user may not write)."""
    from prhub.errors import StoreError
    from prhub.store import is_postgres, sqlite_path
    from prhub.store import open_store as open_db

    target = db_target(db)
    if is_postgres(target):
        return open_db(target)
    from prhub.store.sqlite import SqliteStore

    path = sqlite_path(target)
    if not path.is_file():
        return SqliteStore(path, readonly=True)  # "no database at ...": nothing is created
    try:
        return SqliteStore(path)
    except StoreError:
        return SqliteStore(path, readonly=True)


def _remove_created(path: Path, created: list[Path]) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink()
    for directory in created[1:]:  # innermost first
        with contextlib.suppress(OSError):
            directory.rmdir()


@contextlib.contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A transient bar on stderr, only where a terminal shows it; yields the (done, total) callback."""
    if not (enabled and sys.stderr.isatty() and err_console.is_terminal):
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn(f"[bold]{label}[/]"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console.console, transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


class PrhubGroup(click.Group):
    """Turns every PrhubError into ``prhub: error: <message>`` and its exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except PrhubError as exc:
            err_console.print(f"prhub: error: {clean(str(exc))}", markup=False, soft_wrap=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            err_console.print("prhub: interrupted", markup=False)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except sqlite3.DatabaseError as exc:  # a damaged file: found only when the broken page is read
            err_console.print(
                f"prhub: error: the database is damaged or unreadable: {exc}", markup=False, soft_wrap=True
            )
            sys.exit(1)
        except OSError as exc:  # a file that cannot be written: a name too long, /proc, a full disk
            where = f"{exc.filename}: " if exc.filename else ""
            err_console.print(f"prhub: error: {where}{exc.strerror or exc}", markup=False, soft_wrap=True)
            sys.exit(1)
        except Exception as exc:  # a bug: still one line, the traceback on request
            if os.environ.get("PRHUB_DEBUG"):
                raise
            err_console.print(
                f"prhub: internal error: {type(exc).__name__}: {exc} (set PRHUB_DEBUG=1 for the traceback)",
                markup=False,
                soft_wrap=True,
            )
            sys.exit(70)


@click.group(cls=PrhubGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="prhub")
def main() -> None:
    """Weekly pull-request reports for any git repository.

    \b
    Typical use:
      prhub sync ~/src/vllm                      read the history into the store
      prhub report ~/src/vllm --week 2026-W15    the week's report (syncs first)
      prhub serve                                browse every stored report
    """


@main.command()
@click.argument("repo_paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--branch", "-b", default=None, help="Branch to read [default: the remote's default branch, else HEAD's]."
)
@DB_OPTION
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, only the summary line.")
@click.option(
    "--github",
    "use_github",
    is_flag=True,
    help="Then read what git lacks (labels, logins, reviews) from the GitHub API; token from GITHUB_TOKEN or GH_TOKEN.",
)
@click.option(
    "--reports/--no-reports",
    default=True,
    show_default=True,
    help="Then build and store the weekly reports (en and zh) that the new commits made or changed, "
    "so `prhub serve` and `prhub site` read them from storage.",
)
@click.option(
    "--report-weeks",
    "report_weeks",
    envvar="PRHUB_REPORT_WEEKS",
    default="12",
    show_default=True,
    metavar="N|all",
    help="Build ahead only the reports of the N newest weeks with merged PRs (all: every week); "
    "older ones are built when first asked for [env: PRHUB_REPORT_WEEKS].",
)
@click.option(
    "--all",
    "sync_all",
    is_flag=True,
    help="Every repository in the store (from the clone each was last synced from), or those --site lists.",
)
@click.option(
    "--site",
    "site_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A site file (TOML) listing the repositories to sync: clone path, branch, settings, github.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=None,
    help="Repositories synced at once, each in its own process [default: the cores, at most 4].",
)
def sync(
    repo_paths: tuple[Path, ...],
    branch: str | None,
    db: str | None,
    quiet: bool,
    use_github: bool,
    sync_all: bool,
    site_file: Path | None,
    jobs: int | None,
    reports: bool,
    report_weeks: str,
) -> None:
    """Read local clones' history into the store (REPO_PATHS: one or more clones, default .).

    The first sync reads the whole first-parent history of the branch; every
    later sync reads only the commits that are new since the last one. A sync
    that is interrupted resumes where it stopped. A branch that was rewritten
    (force-pushed) is detected: the commits that left it are removed and the
    new ones read. A bare mirror (git clone --mirror) works as well as a clone.

    Commits are written in transactions of 2000 (PRHUB_SYNC_BATCH sets another
    number); each carries its cursor, so a sync killed at any moment loses at
    most the batch in progress, which the next sync reads again.

    Several clones, --all or --site sync many repositories in parallel (--jobs
    at once, each in its own process), one writer per repository: a second sync
    of the same repository, from this command or another, waits for the first.
    One summary line per repository; a repository that fails says why on one
    line and the others go on (exit 1 at the end if any failed). A site file:

    \b
      [[repository]]
      path = "/srv/git/vllm"            # the clone (required)
      branch = "main"                   # default: the remote's default branch
      settings = "/etc/prhub/vllm.toml" # its prhub.toml (default: the clone's own)
      github = true                     # as --github, for this repository

    With --github, the merged PRs' GitHub records follow: labels, the author's
    login, reviews, review threads, linked issues, milestone; GraphQL, 100 PRs
    a request, each page's rate-limit cost shown. The token comes from
    GITHUB_TOKEN or GH_TOKEN, never from the command line; PRHUB_GITHUB_API
    names the API root (GitHub Enterprise: https://HOST/api/v3). A later sync
    reads only the PRs updated since; a sync stopped by a kill or by the rate
    limit resumes where it stopped. Waiting on rate limits is bounded by
    PRHUB_GITHUB_MAX_WAIT seconds (900); past it the sync stops (exit 75) and
    says when to run it again.

    \b
    Examples:
      prhub sync ~/src/vllm
      prhub sync ~/src/vllm --branch main --db /data/prhub.db
      GITHUB_TOKEN=... prhub sync ~/src/vllm --github
      prhub sync ~/src/vllm ~/src/sglang --db postgresql://prhub@localhost/prhub
      prhub sync --all --db postgresql://prhub@localhost/prhub --jobs 4
      prhub sync --site /etc/prhub/site.toml --db postgresql://prhub@localhost/prhub
    """
    recent = _report_weeks(report_weeks)
    if sync_all or site_file or len(repo_paths) > 1:
        if sync_all and repo_paths:
            raise UsageError("--all syncs the stored repositories (or the --site list); give no REPO_PATHS with it")
        if site_file and repo_paths:
            raise UsageError("--site lists the repositories to sync; give no REPO_PATHS with it")
        _sync_many(repo_paths, branch, db, use_github, site_file, jobs, reports, recent)
        return
    repo_path = repo_paths[0] if repo_paths else Path(".")
    token = _github_token() if use_github else None

    from prhub.sync import sync as run_sync

    built = 0
    with open_store(db) as store:
        with progress_bar("syncing", enabled=not quiet) as on_progress:
            result = run_sync(store, repo_path, branch=branch, progress=on_progress)
        if reports:
            built = _store_reports(store, result.repo.slug, quiet, recent)
    _print_sync(result, built)
    if token:
        _sync_github(db, result.repo.slug, repo_path, token, quiet)
        if reports:  # labels, logins and reviews change the reports: those are built again
            with open_store(db) as store:
                _store_reports(store, result.repo.slug, quiet, recent)


def _store_reports(store: Store, slug: str, quiet: bool, recent_weeks: int | None) -> int:
    from prhub.report.stored import store_new_reports

    with progress_bar("storing reports", enabled=not quiet) as on_progress:
        return store_new_reports(store, store.repository(slug), progress=on_progress, recent_weeks=recent_weeks)


def _report_weeks(text: str) -> int | None:
    """--report-weeks: a positive number of weeks, or None for all."""
    text = text.strip().lower()
    if text == "all":
        return None
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"--report-weeks must be a number of weeks (1 or more) or 'all', not {text!r}")
    return int(text)


def _github_token() -> str:
    from prhub.sources.github import graphql_url, token_from_env

    token = token_from_env()
    if not token:
        raise GitHubError("--github needs a token: export GITHUB_TOKEN=... (or GH_TOKEN); never pass it as an argument")
    graphql_url()  # a malformed PRHUB_GITHUB_API fails before the git sync, not after
    return token


def _sync_many(
    repo_paths: tuple[Path, ...],
    branch: str | None,
    db: str | None,
    use_github: bool,
    site_file: Path | None,
    jobs: int | None,
    reports: bool = True,
    recent_weeks: int | None = None,
) -> None:
    """Many repositories at once: one line each as it finishes; failures named, the rest go on."""
    from prhub import fleet

    target = db or default_db()
    if site_file is not None:
        repos = fleet.load_site_file(site_file)
    elif repo_paths:
        repos = [fleet.SiteRepository(path.expanduser(), branch) for path in repo_paths]
    else:
        repos = fleet.stored_repositories(target)
        if not repos:
            raise UsageError(f"no repository stored in {describe(target)}; sync a clone first")
    if use_github:
        repos = [fleet.SiteRepository(r.path, r.branch, r.settings, True) for r in repos]
    token = _github_token() if any(r.github for r in repos) else None
    failed = 0

    def done(outcome: fleet.Outcome) -> None:
        nonlocal failed
        if outcome.error:
            failed += 1
            where = "" if outcome.path in outcome.error else f"{outcome.path}: "  # git's messages name it already
            err_console.print(f"prhub: error: {where}{outcome.error}", markup=False, soft_wrap=True)
        else:
            _print_sync(outcome)

    outcomes = fleet.sync_many(target, repos, jobs or fleet.default_jobs(), on_done=done)
    by_path = {o.path: o for o in outcomes}
    for repo in repos:
        outcome = by_path.get(str(repo.path))
        if token and repo.github and outcome is not None and not outcome.error:
            try:
                _sync_github(db, outcome.slug, repo.path, token, quiet=True, config=repo.settings)
            except PrhubError as exc:
                failed += 1
                err_console.print(f"prhub: error: {repo.path}: {exc}", markup=False, soft_wrap=True)
    if reports:  # then each synced repository's new reports, one repository after another
        with open_store(db) as store:
            for outcome in outcomes:
                if not outcome.error:
                    _store_reports(store, outcome.slug, quiet=True, recent_weeks=recent_weeks)
    if failed:
        err_console.print(f"prhub: {failed} of {len(repos)} repositories failed", markup=False)
        sys.exit(1)


def _print_sync(result: Any, built: int = 0) -> None:
    """The summary of one repository's sync (a SyncResult, or a fleet Outcome from a worker)."""
    slug = result.repo.slug if hasattr(result, "repo") else result.slug
    path = result.repo.path if hasattr(result, "repo") else result.path
    if result.rewritten_from:
        err_console.print(
            f"prhub: {result.branch} was rewritten since the last sync (was {result.rewritten_from[:12]}): "
            f"removed {_count(result.dropped_commits, 'stored commit')} no longer on it",
            markup=False,
            soft_wrap=True,  # one line, whatever the terminal's width
        )
    if result.renamed_from:
        err_console.print(
            f"prhub: note: {result.renamed_from} already names another repository in this database; "
            f"this one ({path}) is stored as {slug}",
            markup=False,
            soft_wrap=True,
        )
    if result.flagged:
        what = ", ".join(f"{n} {_FLAG_WORDS.get(flag, flag)}" for flag, n in sorted(result.flagged.items()))
        err_console.print(
            f"prhub: note: commits stored flagged: {what}",
            markup=False,
            soft_wrap=True,
        )
    t = result.totals
    if result.new_commits:
        click.echo(
            f"{slug} {result.branch}: {_count(result.new_commits, 'new commit')}, "
            f"{_count(result.new_prs, 'new PR')} in {result.seconds:.1f}s; stored {_count(t['commits'], 'commit')}, "
            f"{_count(t['pull_requests'], 'PR')}, {_count(t['direct_commits'], 'direct push', 'direct pushes')}"
            + (f"; {_count(built, 'report')} stored" if built else "")
        )
    else:
        click.echo(
            f"{slug} {result.branch}: already up to date at {result.head[:12]} "
            f"({_count(t['commits'], 'commit')}, {_count(t['pull_requests'], 'PR')})"
        )


def _sync_github(
    db: str | None, slug: str, repo_path: Path, token: str, quiet: bool, config: Path | None = None
) -> None:
    from prhub.config import load as load_settings
    from prhub.github_sync import sync_github
    from prhub.sources.github import GitHubClient

    hint = f"run `prhub sync {repo_path} --github` again"
    with open_store(db) as store:
        repo = store.repository(slug)
        settings = load_settings(config, repo.path, slug=repo.slug)
        with GitHubClient(token, resume_hint=hint) as client, github_progress(quiet) as on_page:
            gh = sync_github(store, repo, client, settings, on_page)
    for note in gh.notes:
        err_console.print(f"prhub: github: {note}", markup=False, soft_wrap=True)
    t = gh.totals
    budget = f"{gh.remaining:,} of {gh.limit:,} left" if gh.remaining is not None and gh.limit else "budget unknown"
    reset = f", resets {_utc_clock(gh.reset_at)}" if gh.reset_at else ""
    joined = t.get("git_same", 0) + t.get("git_differs", 0)
    click.echo(
        f"{slug} github: {_count(gh.prs, 'PR')} in {_count(gh.pages, 'page')}, {_count(gh.requests, 'request')}, "
        f"{_count(gh.points, 'point')} ({budget}{reset}); {_count(gh.completed, 'key PR')} completed; "
        f"stored {_count(t.get('github_prs', 0), 'GitHub PR')}, {joined:,} joined to git"
        + (f" ({t['git_differs']:,} with other line counts)" if t.get("git_differs") else "")
    )


def _utc_clock(ts: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, UTC).strftime("%H:%M UTC")


@contextlib.contextmanager
def github_progress(quiet: bool) -> Iterator[Callable[[Any], None]]:
    """Per page: a bar with the rate-limit budget on a terminal, else one line per page on stderr."""

    def line(page: Any) -> str:
        n = page.note
        cost = f"cost {n['cost']}" if n.get("cost") is not None else "cost ?"
        known = n.get("remaining") is not None and n.get("limit")
        left = f"{n['remaining']:,}/{n['limit']:,} points left" if known else ""
        n_prs = len(page.records)
        return " · ".join(x for x in (f"{n_prs} PR{'s' * (n_prs != 1)}", cost, left) if x)

    if quiet:
        yield lambda page: None
        return
    if not (sys.stderr.isatty() and err_console.is_terminal):
        pages = [0]

        def log(page: Any) -> None:
            pages[0] += 1
            err_console.print(f"github: page {pages[0]} · {line(page)}", markup=False, soft_wrap=True)

        yield log
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("[bold]github[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[budget]}"))
    with Progress(*columns, console=err_console.console, transient=True) as bar:
        task = bar.add_task("github", total=None, budget="")
        yield lambda page: bar.update(task, completed=page.done, total=page.total, budget=line(page))


_FLAG_WORDS = {
    "bad-date": "with an unreadable date",
    "bad-tz": "with an unreadable time zone",
    "bad-pr-number": "naming an impossible PR number",
    "nul": "with a NUL character (stored as U+FFFD)",
}


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


@main.command()
@click.argument("repo", default=".")
@click.option("--week", "week_spec", metavar="YYYY-Www", help="An ISO week, e.g. 2026-W15.")
@click.option("--month", "month_spec", metavar="YYYY-MM", help="A calendar month, e.g. 2026-04.")
@click.option("--since", metavar="DATE", help="Start (a date or datetime, inclusive).")
@click.option("--until", metavar="DATE", help="End (a bare date includes that day) [default: now].")
@click.option("--tz", default=None, help="IANA time zone of the period [default: prhub.toml's, else UTC].")
@click.option(
    "--lang", type=click.Choice(["en", "zh"]), default=None, help="Language [default: prhub.toml's, else en]."
)
@click.option(
    "--format", "fmt", type=click.Choice(["md", "json", "html"]), default="md", show_default=True, help="Output format."
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=None, help="Write to FILE (a directory with --every)."
)
@click.option(
    "--every",
    type=click.Choice(["week", "month"]),
    default=None,
    help="Write the report of every week (or month) of the history into the -o directory.",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Settings file [default: REPO/prhub.toml].",
)
@click.option(
    "--llm",
    "llm_url",
    metavar="URL",
    default=None,
    help="An OpenAI-compatible endpoint (e.g. http://localhost:8000/v1) that writes the prose "
    "[default: $PRHUB_LLM_URL, else prhub.toml's [llm] url, else none: the templates write].",
)
@click.option("--llm-model", metavar="NAME", default=None, help="The model to ask [default: $PRHUB_LLM_MODEL].")
@click.option("--no-llm", is_flag=True, help="Templates only, whatever the settings say.")
@click.option("--no-llm-cache", is_flag=True, help="Ask the model again instead of reusing stored answers.")
@DB_OPTION
def report(
    repo: str,
    week_spec: str | None,
    month_spec: str | None,
    since: str | None,
    until: str | None,
    tz: str | None,
    lang: str | None,
    fmt: str,
    output: Path | None,
    every: str | None,
    config: Path | None,
    llm_url: str | None,
    llm_model: str | None,
    no_llm: bool,
    no_llm_cache: bool,
    db: str | None,
) -> None:
    """Write the report of one period: what merged, what matters, what is risky.

    REPO is a local clone (what is new is synced first) or an owner/name
    already in the store. The default period is the last complete ISO week.

    \b
    Examples:
      prhub report ~/src/vllm --week 2026-W15 --lang zh
      prhub report ~/src/vllm --week 2026-W15 --format json -o w15.json
      prhub report vllm-project/vllm --since 2026-04-01 --until 2026-04-15 --tz Asia/Shanghai
      prhub report vllm-project/vllm --every week -o reports/
      prhub report ~/src/vllm --llm http://localhost:8000/v1 --llm-model Qwen/Qwen3-8B

    With --llm (or PRHUB_LLM_URL), a model reads the key PRs and writes the
    sections; what fails validation is written by the templates, and the
    report says which writer wrote which section. PRHUB_LLM_API_KEY holds the
    key, if the endpoint needs one. Answers are cached in the store.
    """
    from prhub.config import load as load_settings
    from prhub.config import of_repository
    from prhub.report.context import build_context
    from prhub.report.run import choose_period, clone_root, render, resolve_repo, write_every

    # everything that can be checked without the store is checked first: a bad option creates nothing
    root = clone_root(repo)
    if every:
        if output is None:
            raise UsageError("--every needs -o DIR: one file per period is written there")
        if any(v is not None for v in (week_spec, month_spec, since)):
            raise UsageError("--every writes every period; drop --week/--month/--since")
    else:
        choose_period(week_spec, month_spec, since, until, tz if tz is not None else "UTC")
    with open_store(db) if root is not None else contextlib.closing(read_store(db)) as store:
        with progress_bar("syncing") as on_progress:
            slug, _root = resolve_repo(store, repo, on_progress)
        # --config FILE, else the repository's prhub.toml as the sync (just now, for a clone) kept it
        settings = load_settings(config, None, slug) if config else of_repository(store, slug)
        prepare = None if no_llm else _llm_step(store, settings, llm_url, llm_model, no_llm_cache)
        zone_name = tz if tz is not None else settings.timezone
        language = lang or settings.language
        if every:
            assert output is not None
            count = write_every(store, slug, every, language, settings, fmt, output, zone_name, prepare=prepare)
            click.echo(f"{slug}: wrote {count} {every}ly reports to {output}", err=True)
            return
        period = choose_period(week_spec, month_spec, since, until, zone_name)
        with collector_paused():
            ctx = build_context(store, slug, period, language, settings)
        if prepare is not None:
            prepare(ctx)
        text = render(ctx, fmt)
    if output is None:
        click.echo(clean(text), nl=False)  # commit text never drives the terminal
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror}") from None


@main.command("config")
@click.argument("target", default=".", metavar="[PATH|OWNER/NAME]")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Settings file to show instead of the repository's prhub.toml.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["toml", "json"]), default="toml", show_default=True, help="Output format."
)
@DB_OPTION
def config_command(target: str, config_file: Path | None, fmt: str, db: str | None) -> None:
    """Show a repository's effective settings and where each value came from.

    The layers: prhub's defaults (defaults.toml in the package), a preset
    (named by `preset = "NAME"`, or matched by the repository's owner/name),
    the repository's prhub.toml, and PRHUB_* environment variables.

    PATH is a clone: its prhub.toml as the next sync will keep it. OWNER/NAME
    is a stored repository: the settings its reports, serve and site use (the
    prhub.toml kept at its last sync); a name not in the store shows what a
    repository of that name would get.

    \b
    Examples:
      prhub config ~/src/vllm
      prhub config vllm-project/vllm --format json
      prhub config . --config other.toml
    """
    from prhub.report.run import settings_of_target
    from prhub.settings_view import to_json, to_toml

    slug, settings = settings_of_target(target, config_file, db or default_db())
    click.echo(to_json(settings, slug) if fmt == "json" else to_toml(settings, slug), nl=False)


def _llm_step(
    store: Store, settings: Any, url: str | None, model: str | None, no_cache: bool
) -> Callable[[dict[str, Any]], None] | None:
    """The LLM writer as a step on each built context, with its summary line on stderr; None without an endpoint."""
    from prhub.llm import resolve_config

    llm_config = resolve_config(settings, url, model, use_cache=not no_cache)
    if llm_config is None:
        return None
    from prhub.llm import ChatClient, write  # the writer and its client load only when a model writes

    client = ChatClient(llm_config.url, llm_config.model, llm_config.api_key, llm_config.timeout, llm_config.retries)

    def step(ctx: dict[str, Any]) -> None:
        run = write(store, ctx, llm_config, client=client)
        failures = [e.reason for e in run.events if e.status == "failed"]
        if failures:
            err_console.print(f"prhub: llm: {failures[0]}", markup=False, soft_wrap=True)
        err_console.print(f"prhub: {run.summary()}", markup=False, soft_wrap=True)

    return step


@main.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Server processes sharing the store."
)
@click.option(
    "--base-url",
    envvar="PRHUB_BASE_URL",
    default=None,
    metavar="URL",
    help="The site's public address (https://host/prefix), for the feed's absolute links [env: PRHUB_BASE_URL].",
)
def serve(db: str | None, host: str, port: int, workers: int, base_url: str | None) -> None:
    """Serve every stored report on a website (until Ctrl-C).

    \b
    Pages:
      /                                          the repositories
      /OWNER/REPO/                               its weeks, newest first
      /OWNER/REPO/reports/START-to-END           a report (?lang=zh for Chinese)
      /OWNER/REPO/feed.atom                      Atom feed of the recent weeks
      /api/repos, /api/OWNER/REPO/reports/START-to-END   JSON

    A report is an ISO week, a month or a range of at most 31 days. Pages come
    from memory, else from the reports `prhub sync` stored, else they are built
    (by a bounded, deduplicated queue; when it is full the answer is 503).
    The database is read whole at start: a damaged file is an error then.

    \b
    Example:
      prhub serve --db prhub.db --port 8000 --workers 4 --base-url https://reports.example.org
    """
    from prhub.web.app import serve as run_server

    path = db_target(db)
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise UsageError(f"--base-url must start with http:// or https://, not {base_url!r}")

    def announce(url: str) -> None:
        err_console.print(
            f"prhub: serving on {url} with {_count(workers, 'worker')} from {describe(path)} (Ctrl-C to stop)",
            markup=False,
            soft_wrap=True,
        )

    run_server(path, host, port, workers=workers, base_url=base_url, announce=announce)


@main.command()
@click.argument("repo")
@click.option(
    "--week", "week_spec", default="last", show_default=True, metavar="YYYY-Www|last", help="The week to send."
)
@click.option(
    "--to",
    "service",
    required=True,
    type=click.Choice(["slack", "discord", "feishu", "wecom", "dingtalk"]),
    help="The chat service whose incoming webhook URL follows.",
)
@click.argument("url", required=False, envvar="PRHUB_WEBHOOK_URL")
@click.option(
    "--lang", type=click.Choice(["en", "zh"]), default=None, help="Language [default: prhub.toml's, else en]."
)
@click.option(
    "--base-url",
    envvar="PRHUB_BASE_URL",
    default=None,
    metavar="URL",
    help="Where `prhub serve` or `prhub site` publishes the full report [env: PRHUB_BASE_URL; "
    "default: link the forge's list of the week's merged PRs].",
)
@click.option("--dry-run", is_flag=True, help="Print the message's JSON instead of sending it.")
@DB_OPTION
def publish(
    repo: str,
    week_spec: str,
    service: str,
    url: str | None,
    lang: str | None,
    base_url: str | None,
    dry_run: bool,
    db: str | None,
) -> None:
    """Send a week's report to a chat channel through its incoming webhook.

    REPO is a local clone (synced first) or an owner/name in the store. The
    message holds the summary, the key changes, the key PRs and a link to the
    full page, in the service's own Markdown and within its size limit. A
    refused connection, a timeout, 429 and 5xx answers are retried.

    The webhook URL is a secret: give it as the last argument or in
    $PRHUB_WEBHOOK_URL (better: it stays out of the shell history). It is
    never printed or logged.

    \b
    Examples:
      prhub publish ~/src/vllm --week last --to feishu "$WEBHOOK_URL"
      PRHUB_WEBHOOK_URL=... prhub publish vllm-project/vllm --week 2026-W15 --to slack
    """
    from prhub import publish as pub
    from prhub.config import of_repository
    from prhub.period import last_complete_week
    from prhub.report.context import build_context
    from prhub.report.run import choose_period, clone_root, resolve_repo
    from prhub.web.links import ServedLinks

    if not dry_run and not (url or "").strip():
        raise UsageError(f"no {service} webhook URL: give it after the options or set PRHUB_WEBHOOK_URL")
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise UsageError(f"--base-url must start with http:// or https://, not {base_url!r}")
    root = clone_root(repo)
    last = week_spec.strip().lower() == "last"
    if not last:
        choose_period(week_spec, None, None, None, "UTC")  # a malformed week fails before the store opens
    with open_store(db) if root is not None else contextlib.closing(read_store(db)) as store:
        slug, _ = resolve_repo(store, repo)
        settings = of_repository(store, slug)  # the repository's prhub.toml as the sync kept it
        language = lang or settings.language
        tz = settings.timezone
        period = last_complete_week(tz) if last else choose_period(week_spec, None, None, None, tz)
        ctx = build_context(store, slug, period, language, settings)
    page = base_url.rstrip("/") + ServedLinks().report(slug, period.slug, language) if base_url else None
    message = pub.payload(service, pub.digest(ctx, page))
    if dry_run:
        click.echo(clean(json.dumps(message, ensure_ascii=False, indent=2)))
        return
    backoff = os.environ.get("PRHUB_PUBLISH_BACKOFF", "1")  # seconds before the first retry, doubling
    if not backoff.replace(".", "", 1).isdigit():
        raise UsageError(f"PRHUB_PUBLISH_BACKOFF must be a number of seconds, not {backoff!r}")
    attempts = pub.send(service, (url or "").strip(), message, backoff=float(backoff))
    click.echo(f"{slug} {period.slug}: sent to {service}" + (f" after {attempts} attempts" if attempts > 1 else ""))


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@DB_OPTION
@click.option(
    "--lang",
    type=click.Choice(["both", "en", "zh"]),
    default="both",
    show_default=True,
    help="Languages to write (both: English pages with a Chinese twin, index.zh.html).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, only the summary line.")
def site(out_dir: Path, db: str | None, lang: str, quiet: bool) -> None:
    """Write the website as static files into OUT_DIR, for any static host.

    Every week with merged PRs of every stored repository gets a report page
    (index.html, and index.zh.html in Chinese), its JSON (under api/), and
    each repository an Atom feed. Links are relative, so the site works under
    any prefix and from the file system.

    \b
    Example:
      prhub site public/ --db prhub.db
    """
    from prhub.web.reports import ReportService
    from prhub.web.site import export_site

    langs = ("en", "zh") if lang == "both" else (lang,)
    service = ReportService(db_target(db), cache_size=4)
    try:
        with progress_bar("writing reports", enabled=not quiet) as on_progress:
            result = export_site(service, out_dir, langs, progress=on_progress)
    finally:
        service.close()
    click.echo(
        f"wrote {result.files} files to {out_dir}: {result.repositories} repositories, {result.reports} report pages"
    )


if __name__ == "__main__":  # pragma: no cover
    main()
