"""The website: routes only; pages come from prhub.web.pages, reports from the cached service.

    /                                           repositories
    /{owner}/{repo}/                            the weeks of one repository
    /{owner}/{repo}/reports/{start}-to-{end}    a report (?lang=zh)
    /{owner}/{repo}/feed.atom                   Atom feed, one entry per recent week
    /api/repos, /api/{owner}/{repo}/reports/{start}-to-{end}   JSON

Every response carries a strict Content-Security-Policy; unknown repositories,
malformed periods and odd paths are 404 pages, never a traceback.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from prhub.errors import NotFoundError, PrhubError, UsageError
from prhub.period import Period, from_slug
from prhub.report.context import forge_url
from prhub.report.html import content_security_policy
from prhub.store import Repository, is_postgres, sqlite_path
from prhub.web import pages
from prhub.web.links import LANGS, ServedLinks
from prhub.web.reports import BusyError, CachedReport, ContextBuilder, ReportService, state_ttl_from_env

log = logging.getLogger("prhub.web")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

REFUSED_PATH = "/-/refused"
SECURITY_HEADERS = [
    (b"content-security-policy", (content_security_policy() + "; frame-ancestors 'none'").encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds the security headers to every response, errors included (it wraps the whole app)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _suspicious(scope):  # route it nowhere: the app answers with its own 404 page
            scope = {**scope, "path": REFUSED_PATH, "raw_path": REFUSED_PATH.encode("ascii")}

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (n, v) for n, v in SECURITY_HEADERS if n not in names
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


def _suspicious(scope: Scope) -> bool:
    """Encoded slashes or backslashes, dot segments, NULs: no page of the site has them."""
    raw = bytes(scope.get("raw_path") or scope["path"].encode("utf-8", "replace")).lower()
    if any(token in raw for token in (b"%2f", b"%5c", b"%00", b"\\")):
        return True
    segments = str(scope["path"]).split("/")
    return any(seg in (".", "..") for seg in segments) or "\x00" in scope["path"]


def create_app(
    db_path: str | Path,
    *,
    build: ContextBuilder | None = None,
    cache_size: int = 128,
    base_url: str | None = None,
    state_ttl: float | None = None,
) -> SecurityHeaders:
    """The website over one store. ``base_url`` (e.g. https://reports.example.org) makes the feed's
    links absolute; without it they are root-relative. The request's Host header is never used.
    ``state_ttl``: seconds a repository's sync state is trusted (default ``PRHUB_SERVE_STATE_TTL``, 1 s).
    """
    links = ServedLinks()
    service = ReportService(
        db_path,
        build=build,
        cache_size=cache_size,
        render_pages=lambda ctx: {"served": pages.report_page(ctx, links, LANGS)},
        state_ttl=state_ttl_from_env() if state_ttl is None else state_ttl,
    )
    base = (base_url or "").rstrip("/")

    def lang_of(request: Request) -> str:
        lang = request.query_params.get("lang", "en")
        return lang if lang in LANGS else "en"

    def error_lang(request: Request) -> str:
        """The error page's language: ``?lang=zh``, else a static-site file name such as index.zh.html."""
        lang = lang_of(request)
        if lang == "en" and "lang" not in request.query_params:
            last = request.url.path.rsplit("/", 1)[-1]
            lang = next((code for code in LANGS if last.endswith((f".{code}.html", f".{code}.json"))), "en")
        return lang

    async def repository(request: Request) -> Repository:
        """The URL's repository: from the worker's recent look at it, else read off the event loop."""
        owner, name = request.path_params["owner"], request.path_params["repo"]
        if "/" in owner or "/" in name or owner in (".", "..") or name in (".", ".."):
            raise NotFoundError("no such page")
        slug = f"{owner}/{name}"
        found = service.fresh(slug) or await run_in_threadpool(service.lookup, slug)
        return found.repo

    async def report_for(request: Request) -> tuple[CachedReport, str]:
        repo = await repository(request)
        period: Period = from_slug(request.path_params["period"])
        lang = lang_of(request)
        entry = await service.report_async(repo, period, lang)
        return entry, lang

    async def home(request: Request) -> Response:
        lang = lang_of(request)
        return HTMLResponse(pages.index_page(service.overview(), links, lang, LANGS))

    async def repo_index(request: Request) -> Response:
        repo, lang = await repository(request), lang_of(request)
        url = forge_url(repo.remote_url)
        return HTMLResponse(pages.repo_page(repo.slug, url, service.weeks(repo), links, lang, LANGS))

    async def report(request: Request) -> Response:
        entry, lang = await report_for(request)
        if request.headers.get("if-none-match") == entry.etag:
            return Response(status_code=304, headers={"etag": entry.etag})
        raw, packed = entry.page(
            "served", lambda: pages.report_page(entry.context, links, LANGS)
        )  # made by the builder
        gz = "gzip" in request.headers.get("accept-encoding", "")
        headers = {"etag": entry.etag, "vary": "Accept-Encoding", "cache-control": "no-cache"}
        if gz:
            headers["content-encoding"] = "gzip"
        return Response(packed if gz else raw, media_type="text/html; charset=utf-8", headers=headers)

    async def api_report(request: Request) -> Response:
        entry, _ = await report_for(request)
        return Response(entry.json_bytes, media_type="application/json", headers={"etag": entry.etag})

    async def api_repos(request: Request) -> Response:
        return JSONResponse(pages.repos_json(service.overview(), links))

    async def atom(request: Request) -> Response:
        repo = await repository(request)
        weeks = service.weeks(repo)
        # summaries come from reports already built; the feed itself never waits for a build
        contexts = {}
        for w in weeks[: pages.FEED_ENTRIES]:
            hit = service.cached(repo, w.period, "en")
            if hit is not None:
                contexts[w.slug] = hit.context
        body = pages.feed(repo.slug, weeks, links, self_href=links.feed(repo.slug), base=base, contexts=contexts)
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    def error_response(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        lang = error_lang(request)
        return HTMLResponse(pages.error_page(status, message, links.home(lang), lang), status_code=status)

    async def on_prhub_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, NotFoundError | UsageError):
            return error_response(request, 404, str(exc))
        if isinstance(exc, BusyError):
            response = error_response(request, 503, str(exc))
            response.headers["retry-after"] = "5"
            return response
        # the detail (a database path, a file name) is for the log only, never the page
        log.warning("prhub error on %s: %s", request.url.path, exc)
        return error_response(request, 500, "internal error")

    async def on_http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = "no such page" if status == 404 else (exc.detail if isinstance(exc, HTTPException) else "error")
        return error_response(request, status, str(message))

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return error_response(request, 500, "internal error")

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        service.close()

    async def refused(request: Request) -> Response:
        return error_response(request, 404, "no such page")

    routes = [
        Route("/", home),
        Route(REFUSED_PATH, refused),
        Route("/api/repos", api_repos),
        Route("/api/{owner}/{repo}/reports/{period}", api_report),
        Route("/api/{rest:path}", refused),  # any other API path: a JSON 404, not a redirect to an HTML page
        Route("/{owner}/{repo}/", repo_index),
        Route("/{owner}/{repo}/feed.atom", atom),
        Route("/{owner}/{repo}/reports/{period}", report),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={PrhubError: on_prhub_error, HTTPException: on_http_error, Exception: on_crash},
        lifespan=lifespan,
    )
    app.state.service = service
    return SecurityHeaders(app)


def check_database(db_path: str | Path) -> None:
    """Opens and reads the whole database once: fails here, with one clear error, on an unusable one."""
    service = ReportService(db_path)
    try:
        service.check()
    finally:
        service.close()


def app_from_environment() -> SecurityHeaders:
    """The app each server worker process builds (``prhub serve --workers N``): settings come by environment."""
    base = os.environ.get("PRHUB_SERVE_BASE_URL") or None
    return create_app(os.environ["PRHUB_SERVE_DB"], base_url=base)


def serve(
    db_path: str | Path,
    host: str,
    port: int,
    *,
    workers: int = 1,
    base_url: str | None = None,
    log_level: str = "info",
    announce: Callable[[str], None] | None = None,
) -> None:
    """Run the website with uvicorn until interrupted.

    The socket is bound here and the database read whole, so a taken port, a bad
    address or a damaged database is one clear error before anything starts. With
    several workers, each process has its own memory cache; all of them share the
    store, its built reports included.
    """
    import socket

    import uvicorn

    state_ttl_from_env()  # a malformed PRHUB_SERVE_STATE_TTL is one error line now, not one per worker
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        check_database(db_path)
    except BaseException:
        sock.close()
        raise
    if announce:
        announce(f"http://{host}:{sock.getsockname()[1]}/")
    if workers <= 1:
        config = uvicorn.Config(create_app(db_path, base_url=base_url), log_level=log_level, access_log=False)
        uvicorn.Server(config).run(sockets=[sock])
        return
    from uvicorn.supervisors import Multiprocess

    os.environ["PRHUB_SERVE_DB"] = str(db_path) if is_postgres(db_path) else str(sqlite_path(db_path).resolve())
    os.environ["PRHUB_SERVE_BASE_URL"] = base_url or ""
    config = uvicorn.Config(
        "prhub.web.app:app_from_environment", factory=True, workers=workers, log_level=log_level, access_log=False
    )
    sock.listen(2048)
    sock.set_inheritable(True)
    Multiprocess(config, sockets=[sock]).run()
