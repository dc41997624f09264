"""The GitHub source: what git lacks (labels, logins, reviews, threads), read with GraphQL in batches.

One search query per page: ``repo:OWNER/NAME is:pr is:merged sort:updated-asc``,
from the updated-at watermark of the last sync on, 100 PRs per page with their
labels, reviews and first review threads. The cursor is that watermark: every
PR updated before the last one written has been written, so a sync killed at
any moment resumes at the watermark (the PRs updated at exactly that second are
read again and overwritten: no gap, no duplicate), and the next sync reads only
what changed since, a PR relabelled after its merge included. Search returns at
most 1,000 results per query, so a longer history is read as successive
queries, each starting at the watermark.

Nested connections that overflow a page (more review threads than the page asks
for, more reviews) are followed for the PRs that need them complete, in
batches of aliased ``node(id:)`` queries (:func:`complete`).

Rate limits and faults are handled in :class:`GitHubClient`: the primary budget
(``x-ratelimit-*`` headers and ``rateLimit { cost remaining resetAt }``),
secondary limits (403/429 with ``retry-after``, else 60 s doubling on repeats),
``RATE_LIMITED`` errors inside an HTTP 200, 502/504 and timeouts (retried with
backoff, the page halved), partial errors (null nodes: the page is asked again
once, then the rest is kept). All waiting in one sync is bounded; when the
budget is spent and its reset is beyond that bound, a RateLimitError says so
and how to resume.

The token is read from GITHUB_TOKEN or GH_TOKEN, sent only in the
Authorization header and never written anywhere else.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import httpx

from prhub import __version__
from prhub.errors import GitHubError, RateLimitError, UsageError
from prhub.models import ForgePullRequest, LinkedIssue, Review, ReviewComment, ReviewThread, without_nul
from prhub.sources import Page

DEFAULT_API = "https://api.github.com"
PAGE_SIZE = 100  # PRs per search page (GitHub's maximum)
THREADS_PER_PR = 5  # review threads asked for with each PR; the rest only for the PRs that need them complete
COMMENTS_PER_THREAD = 10
COMPLETE_BATCH = 10  # PRs per follow-up query
COMPLETE_THREADS = 50  # threads per PR per follow-up round
SEARCH_CAP = 1000  # GitHub returns at most this many results per search query
SECONDARY_FALLBACK = 60.0  # seconds to wait on a secondary limit that names no retry-after
MAX_WAIT = 900.0  # seconds of waiting one sync may spend on limits and retries
RETRIES = 5  # attempts for one request on 502/504/timeouts before giving up


def token_from_env(env: dict[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env  # type: ignore[assignment]
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        value = (env.get(name) or "").strip()
        if value:
            return value
    return None


def graphql_url(api_root: str | None = None) -> str:
    """The GraphQL endpoint of an API root: api.github.com/graphql, or HOST/api/graphql for Enterprise."""
    root = (api_root or os.environ.get("PRHUB_GITHUB_API") or DEFAULT_API).strip().rstrip("/")
    if not root.startswith(("http://", "https://")):
        raise UsageError(f"PRHUB_GITHUB_API must be an http(s) URL, not {root!r}")
    if root.endswith("/api/v3"):
        return root[: -len("/v3")] + "/graphql"
    return root + "/graphql"


def _env_number(name: str, default: float, minimum: float = 0.0) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{name} must be a number, not {raw!r}") from None
    if value < minimum:
        raise UsageError(f"{name} must be at least {minimum:g}, not {raw!r}")
    return value


def _ts(value: str | None) -> int | None:
    if not value:
        return None
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _clock(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%H:%M UTC")


@dataclass(slots=True)
class Budget:
    """The primary rate limit as GitHub last reported it."""

    limit: int | None = None
    remaining: int | None = None
    reset_at: int | None = None  # unix seconds
    used: int | None = None
    last_cost: int | None = None


@dataclass(slots=True)
class Usage:
    requests: int = 0  # HTTP requests sent, retries included
    points: int = 0  # rate-limit points the answered queries cost
    waited: float = 0.0  # seconds spent waiting (limits, backoff)
    retries: int = 0
    notes: list[str] = field(default_factory=list)  # partial errors kept, once each


class GitHubClient:
    """One GraphQL endpoint and one token; every request goes through :meth:`graphql`."""

    def __init__(
        self,
        token: str,
        api_root: str | None = None,
        *,
        timeout: float | None = None,
        max_wait: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.time,
        resume_hint: str = "run the same command again",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not token:
            raise GitHubError("no GitHub token: export GITHUB_TOKEN (or GH_TOKEN)")
        self.url = graphql_url(api_root)
        self._token = token
        self.budget = Budget()
        self.usage = Usage()
        self.max_wait = max_wait if max_wait is not None else _env_number("PRHUB_GITHUB_MAX_WAIT", MAX_WAIT)
        self.retries = int(_env_number("PRHUB_GITHUB_RETRIES", RETRIES, 1))
        self.backoff = _env_number("PRHUB_GITHUB_BACKOFF", 1.0)
        self.secondary_fallback = _env_number("PRHUB_GITHUB_SECONDARY_WAIT", SECONDARY_FALLBACK)
        self.resume_hint = resume_hint
        self._sleep, self._now = sleep, now
        seconds = timeout if timeout is not None else _env_number("PRHUB_GITHUB_TIMEOUT", 60.0, 0.1)
        self._http = httpx.Client(
            timeout=httpx.Timeout(seconds, connect=min(seconds, 10.0)),
            headers={"Authorization": f"bearer {token}", "User-Agent": f"prhub/{__version__}"},
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- waiting ---------------------------------------------------------------------
    def _wait(self, seconds: float, why: str) -> None:
        seconds = max(0.0, seconds)
        if self.usage.waited + seconds > self.max_wait:
            raise RateLimitError(self._spent(why, seconds), self.budget.reset_at)
        self.usage.waited += seconds
        self._sleep(seconds)

    def _spent(self, why: str, seconds: float) -> str:
        b = self.budget
        known = b.remaining is not None and b.limit
        left = f"{b.remaining:,} of {b.limit:,} points left" if known else "no points left"
        if why == "primary" and b.reset_at:
            return (
                f"GitHub rate limit spent ({left}, resets at {_clock(b.reset_at)}); what was read is stored: "
                f"{self.resume_hint} after {_clock(b.reset_at)} to resume"
            )
        return (
            f"GitHub asked prhub to wait ({why}, {seconds:.0f} s) beyond the {self.max_wait:.0f} s this sync may "
            f"wait (PRHUB_GITHUB_MAX_WAIT); what was read is stored: {self.resume_hint} later to resume"
        )

    def _until_reset(self) -> float:
        reset = self.budget.reset_at
        return max(1.0, reset - self._now() + 1) if reset else self.secondary_fallback

    def reserve(self, cost: int) -> None:
        """Wait for the primary budget to cover ``cost`` when GitHub said it would not."""
        b = self.budget
        if b.remaining is not None and b.remaining < cost and b.reset_at and b.reset_at > self._now():
            self._wait(self._until_reset(), "primary")
            b.remaining = b.limit

    # -- one request -----------------------------------------------------------------
    def graphql(
        self,
        query: str,
        variables: dict[str, Any],
        on_overload: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        expected_cost: int = 1,
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """``data`` and the partial ``errors`` of one query, after whatever waiting and retrying it takes."""
        transient = 0
        secondary = 0
        while True:
            self.reserve(expected_cost)
            try:
                self.usage.requests += 1
                response = self._http.post(self.url, json={"query": query, "variables": variables})
            except httpx.TimeoutException:
                transient = self._transient(transient, "timed out")
                continue
            except httpx.TransportError as exc:
                transient = self._transient(transient, f"unreachable ({type(exc).__name__})")
                continue
            self._read_headers(response.headers)
            status = response.status_code
            if status == 401:
                raise GitHubError(
                    "GitHub rejected the token (401 Bad credentials): set GITHUB_TOKEN or GH_TOKEN to a valid token"
                )
            if status in (403, 429):
                message = self._message(response)
                wait = self._limit_wait(response.headers, message, status, secondary)
                if wait is None:
                    raise GitHubError(
                        self._clean(
                            f"GitHub refused access (HTTP {status}: {message}); the token needs "
                            "read access to the repository's pull requests"
                        )
                    )
                secondary += 1
                self._wait(*wait)
                continue
            if status in (500, 502, 503, 504):
                transient = self._transient(transient, f"HTTP {status}")
                if on_overload is not None and status in (502, 504):
                    variables = on_overload(variables)
                continue
            if status >= 400:
                raise GitHubError(self._clean(f"GitHub answered HTTP {status}: {self._message(response)}"))
            try:
                payload = response.json()
            except ValueError:
                transient = self._transient(transient, "an answer that is not JSON")
                continue
            errors = [e for e in payload.get("errors") or [] if isinstance(e, dict)]
            if any(e.get("type") == "RATE_LIMITED" for e in errors):
                limited = self.budget.remaining == 0 and self.budget.reset_at
                wait = (self._until_reset(), "primary") if limited else self._secondary_wait(None, secondary)
                secondary += 1
                self._wait(*wait)
                continue
            data = payload.get("data")
            if not isinstance(data, dict):
                fatal = [e for e in errors if e.get("type") in ("NOT_FOUND", "FORBIDDEN", "INSUFFICIENT_SCOPES")]
                if fatal:
                    raise GitHubError(self._clean(f"GitHub: {fatal[0].get('message', 'access refused')}"))
                if errors and not any("something went wrong" in str(e.get("message", "")).lower() for e in errors):
                    raise GitHubError(self._clean(f"GitHub rejected the query: {errors[0].get('message', '?')}"))
                transient = self._transient(transient, "an error answer")
                continue
            self._read_rate_limit(data.get("rateLimit"))
            data, nuls = without_nul(data)  # PostgreSQL's text cannot hold NUL: U+FFFD on both backends
            if nuls:
                self.usage.notes.append("NUL characters in PR texts from GitHub were stored as U+FFFD")
            return data, errors

    def _transient(self, attempts: int, what: str) -> int:
        attempts += 1
        self.usage.retries += 1
        if attempts >= self.retries:
            raise GitHubError(f"GitHub {what} {attempts} times in a row; {self.resume_hint} later to resume")
        self._wait(self.backoff * 2 ** (attempts - 1), f"retrying after GitHub {what}")
        return attempts

    def _secondary_wait(self, retry_after: str | None, strikes: int) -> tuple[float, str]:
        if retry_after and retry_after.strip().isdigit():
            return float(retry_after.strip()), "secondary rate limit"
        return self.secondary_fallback * 2**strikes, "secondary rate limit"

    def _limit_wait(self, headers: httpx.Headers, message: str, status: int, strikes: int) -> tuple[float, str] | None:
        """How long a 403/429 asks to wait, or None when it is a refusal, not a limit."""
        if headers.get("retry-after"):
            return self._secondary_wait(headers.get("retry-after"), strikes)
        if headers.get("x-ratelimit-remaining") == "0":
            return self._until_reset(), "primary"
        if status == 429 or "rate limit" in message.lower():
            return self._secondary_wait(None, strikes)
        return None

    def _read_headers(self, headers: httpx.Headers) -> None:
        b = self.budget
        for name, attr in (("limit", "limit"), ("remaining", "remaining"), ("reset", "reset_at"), ("used", "used")):
            value = headers.get(f"x-ratelimit-{name}")
            if value and value.strip().isdigit():
                setattr(b, attr, int(value))

    def _read_rate_limit(self, rate: Any) -> None:
        if not isinstance(rate, dict):
            return
        b = self.budget
        if isinstance(rate.get("cost"), int):
            b.last_cost = rate["cost"]
            self.usage.points += rate["cost"]
        for key, attr in (("limit", "limit"), ("remaining", "remaining"), ("used", "used")):
            if isinstance(rate.get(key), int):
                setattr(b, attr, rate[key])
        reset = _ts(rate.get("resetAt")) if isinstance(rate.get("resetAt"), str) else None
        if reset:
            b.reset_at = reset

    def _message(self, response: httpx.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return response.reason_phrase or "no message"
        if isinstance(body, dict):
            if isinstance(body.get("message"), str):
                return body["message"]
            errors = body.get("errors")
            if isinstance(errors, list) and errors and isinstance(errors[0], dict):
                return str(errors[0].get("message", "no message"))
        return response.reason_phrase or "no message"

    def _clean(self, text: str) -> str:
        """One line, and never the token (a server could echo it back)."""
        return " ".join(text.replace(self._token, "***").split())


# -- the queries ----------------------------------------------------------------------------

_THREAD = """
fragment Thread on PullRequestReviewThread {
  id path line isResolved isOutdated
  comments(first: $comments) { totalCount nodes { body createdAt url author { login } } }
}"""

_PR = """
fragment Pr on PullRequest {
  id number title body url createdAt updatedAt mergedAt closedAt
  author { __typename login ... on User { name } }
  mergedBy { login }
  baseRefName headRefName additions deletions changedFiles
  mergeCommit { oid }
  milestone { title }
  labels(first: 30) { totalCount nodes { name } }
  comments { totalCount }
  closingIssuesReferences(first: 10) { nodes { number title url repository { nameWithOwner } } }
  reviews(first: 50) { totalCount nodes { id state submittedAt body url author { login } } }
  reviewThreads(first: $threads) { totalCount nodes { ...Thread } }
}"""

SEARCH_QUERY = (
    """
query PrhubMergedPullRequests($owner: String!, $name: String!, $q: String!, $first: Int!, $after: String,
                              $threads: Int!, $comments: Int!) {
  repository(owner: $owner, name: $name) { nameWithOwner }
  rateLimit { cost limit remaining resetAt used }
  search(query: $q, type: ISSUE, first: $first, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes { ...Pr }
  }
}"""
    + _PR
    + _THREAD
)


def complete_query(count: int) -> str:
    """Aliased node lookups: the reviews and review threads of ``count`` PRs, each from its own cursor."""
    params = ", ".join(f"$id{i}: ID!, $after{i}: String" for i in range(count))
    parts = [
        f"""  p{i}: node(id: $id{i}) {{ ... on PullRequest {{
    number
    reviews(first: 100) {{ totalCount nodes {{ id state submittedAt body url author {{ login }} }} }}
    reviewThreads(first: {COMPLETE_THREADS}, after: $after{i}) {{
      totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ ...Thread }} }}
  }} }}"""
        for i in range(count)
    ]
    body = "\n".join(parts)
    rate = "  rateLimit { cost limit remaining resetAt used }"
    return f"query PrhubCompleteReviews({params}, $comments: Int!) {{\n{rate}\n{body}\n}}" + _THREAD


def search_string(owner: str, name: str, since: int | None) -> str:
    q = f"repo:{owner}/{name} is:pr is:merged sort:updated-asc"
    return q + (f" updated:>={_iso(since)}" if since is not None else "")


# -- parsing: GitHub's JSON -> records ---------------------------------------------------------------


def _login(actor: Any) -> str:
    if not isinstance(actor, dict):
        return "ghost"  # a deleted account reads null
    login = str(actor.get("login") or "ghost")
    # GraphQL names an app "dependabot"; git, REST and the bot rules know it as "dependabot[bot]"
    return f"{login}[bot]" if actor.get("__typename") == "Bot" and not login.endswith("[bot]") else login


def _nodes(conn: Any) -> list[dict[str, Any]]:
    if not isinstance(conn, dict):
        return []
    return [n for n in conn.get("nodes") or [] if isinstance(n, dict)]


def _total(conn: Any, seen: int) -> int:
    total = conn.get("totalCount") if isinstance(conn, dict) else None
    return total if isinstance(total, int) else seen


def _review(node: dict[str, Any]) -> Review:
    return Review(
        id=str(node.get("id") or ""),
        author=_login(node.get("author")),
        state=str(node.get("state") or "COMMENTED"),
        submitted_at=_ts(node.get("submittedAt")),
        body=str(node.get("body") or ""),
        url=node.get("url"),
    )


def _thread(node: dict[str, Any]) -> ReviewThread:
    comments = tuple(
        ReviewComment(_login(c.get("author")), str(c.get("body") or ""), _ts(c.get("createdAt")) or 0, c.get("url"))
        for c in _nodes(node.get("comments"))
    )
    return ReviewThread(
        id=str(node.get("id") or ""),
        path=str(node.get("path") or ""),
        line=node.get("line") if isinstance(node.get("line"), int) else None,
        resolved=bool(node.get("isResolved")),
        outdated=bool(node.get("isOutdated")),
        comments_total=_total(node.get("comments"), len(comments)),
        comments=comments,
    )


def parse_pr(node: dict[str, Any]) -> ForgePullRequest:
    """One ``Pr`` fragment as a record; absent or null fields read as empty, never as an error."""
    author = node.get("author") if isinstance(node.get("author"), dict) else {}
    reviews = tuple(_review(n) for n in _nodes(node.get("reviews")))
    threads = tuple(_thread(n) for n in _nodes(node.get("reviewThreads")))
    labels = tuple(str(n.get("name")) for n in _nodes(node.get("labels")) if n.get("name"))
    issues = tuple(
        LinkedIssue(
            int(n["number"]),
            str((n.get("repository") or {}).get("nameWithOwner") or ""),
            str(n.get("title") or ""),
            n.get("url"),
        )
        for n in _nodes(node.get("closingIssuesReferences"))
        if isinstance(n.get("number"), int)
    )
    merge = node.get("mergeCommit")
    milestone = node.get("milestone")
    return ForgePullRequest(
        number=int(node["number"]),
        node_id=str(node.get("id") or ""),
        title=str(node.get("title") or ""),
        body=str(node.get("body") or ""),
        url=node.get("url"),
        author_login=_login(author),
        author_name=(author.get("name") or None) if author else None,
        created_at=_ts(node.get("createdAt")) or 0,
        updated_at=_ts(node.get("updatedAt")) or 0,
        merged_at=_ts(node.get("mergedAt")),
        closed_at=_ts(node.get("closedAt")),
        merged_by=_login(node["mergedBy"]) if isinstance(node.get("mergedBy"), dict) else None,
        base_ref=str(node.get("baseRefName") or ""),
        head_ref=str(node.get("headRefName") or ""),
        additions=int(node.get("additions") or 0),
        deletions=int(node.get("deletions") or 0),
        changed_files=int(node.get("changedFiles") or 0),
        merge_oid=merge.get("oid") if isinstance(merge, dict) else None,
        labels=labels,
        reviews=reviews,
        reviews_total=_total(node.get("reviews"), len(reviews)),
        threads=threads,
        threads_total=_total(node.get("reviewThreads"), len(threads)),
        issue_comments=_total(node.get("comments"), 0),
        linked_issues=issues,
        milestone=str(milestone.get("title")) if isinstance(milestone, dict) and milestone.get("title") else None,
    )


# -- the source ---------------------------------------------------------------------------------------


def _error_note(errors: Sequence[dict[str, Any]]) -> str:
    first = errors[0] if errors else {}
    kind = first.get("type") or "error"
    return f"{kind}: {str(first.get('message', ''))[:120]}"


class GitHubSource:
    """Merged PRs of one repository, oldest update first, as pages of ForgePullRequest."""

    name = "github"

    def __init__(self, client: GitHubClient, owner: str, repo: str, page_size: int | None = None) -> None:
        self.client, self.owner, self.repo = client, owner, repo
        self.page_size = page_size or int(_env_number("PRHUB_GITHUB_PAGE_SIZE", PAGE_SIZE, 1))
        self.page_size = min(self.page_size, 100)
        self.skipped = 0  # PRs GitHub could not give (null nodes twice)

    @staticmethod
    def read_cursor(cursor: str | None) -> int | None:
        if not cursor:
            return None
        try:
            value = json.loads(cursor).get("updated")
        except (ValueError, AttributeError):
            return None
        return int(value) if isinstance(value, int) else None

    def fetch(self, cursor: str | None) -> Iterator[Page]:
        since = self.read_cursor(cursor)
        bound = since  # the lower bound of the current search query; moves only when a new query starts
        after: str | None = None
        in_query = 0  # results read by the current search query (GitHub stops at 1,000)
        done = 0
        total: int | None = None
        while True:
            query = search_string(self.owner, self.repo, bound)
            search, errors = self._search(query, after)
            if total is None:
                total = int(search.get("issueCount") or 0)
            raw = search.get("nodes") or []
            nodes = [n for n in raw if isinstance(n, dict) and isinstance(n.get("number"), int)]
            if len(nodes) < len(raw):
                self.skipped += len(raw) - len(nodes)
                self.client.usage.notes.append(
                    f"{len(raw) - len(nodes)} PR(s) GitHub could not give ({_error_note(errors)})"
                )
            records = [parse_pr(n) for n in nodes]
            in_query += len(raw)
            done += len(records)
            info = search.get("pageInfo") or {}
            if records:
                newest = max(r.updated_at for r in records)
                since = newest if since is None else max(since, newest)
            b = self.client.budget
            note = {"cost": b.last_cost, "remaining": b.remaining, "limit": b.limit, "reset_at": b.reset_at}
            cursor_out = json.dumps({"updated": since}) if since is not None else cursor
            yield Page(records, cursor_out, done, max(total, done), note)
            if info.get("hasNextPage") and in_query < SEARCH_CAP:
                after = info.get("endCursor")
                continue
            matched = int(search.get("issueCount") or 0)
            if in_query >= SEARCH_CAP and matched > in_query and records:
                # the next query starts at the watermark; a second past it if a whole query fell in one second
                bound = since if since != bound else (since or 0) + 1
                after, in_query = None, 0
                continue
            return

    def _search(self, query: str, after: str | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        variables = {
            "owner": self.owner,
            "name": self.repo,
            "q": query,
            "first": self.page_size,
            "after": after,
            "threads": THREADS_PER_PR,
            "comments": COMMENTS_PER_THREAD,
        }

        def halve(v: dict[str, Any]) -> dict[str, Any]:
            # a 502/504 on GraphQL is a query that took too long: ask for fewer PRs from now on
            self.page_size = max(10, self.page_size // 2) if self.page_size > 10 else self.page_size
            return {**v, "first": self.page_size}

        expected = self.client.budget.last_cost or 1
        for attempt in range(2):
            data, errors = self.client.graphql(SEARCH_QUERY, variables, on_overload=halve, expected_cost=expected)
            if data.get("repository") is None:
                raise GitHubError(f"GitHub: repository {self.owner}/{self.repo} not found, or the token cannot read it")
            search = data.get("search")
            if not isinstance(search, dict):
                raise GitHubError(f"GitHub gave no search results ({_error_note(errors)})")
            raw = search.get("nodes") or []
            if attempt == 0 and any(not isinstance(n, dict) for n in raw):
                continue  # some PRs came back null: ask once more before keeping the rest
            return search, errors
        return search, errors


@dataclass(frozen=True, slots=True)
class Completed:
    """The reviews and every review thread of one PR."""

    number: int
    reviews: tuple[Review, ...]
    reviews_total: int
    threads: tuple[ReviewThread, ...]
    threads_total: int


def complete(client: GitHubClient, prs: Sequence[tuple[int, str]]) -> Iterator[Completed]:
    """Follow the overflowing review connections of ``prs`` ((number, node id)), in batches."""
    pending = [(number, node_id) for number, node_id in prs if node_id]
    for start in range(0, len(pending), COMPLETE_BATCH):
        batch = pending[start : start + COMPLETE_BATCH]
        state: dict[int, dict[str, Any]] = {
            i: {"number": n, "id": nid, "after": None, "threads": [], "reviews": None, "total": 0}
            for i, (n, nid) in enumerate(batch)
        }
        open_ = list(state)
        while open_:
            variables: dict[str, Any] = {"comments": 100}
            for slot, i in enumerate(open_):
                variables[f"id{slot}"] = state[i]["id"]
                variables[f"after{slot}"] = state[i]["after"]
            data, errors = client.graphql(complete_query(len(open_)), variables, expected_cost=len(open_))
            still = []
            for slot, i in enumerate(open_):
                node = data.get(f"p{slot}")
                s = state[i]
                if not isinstance(node, dict):
                    note = f"PR #{s['number']}: review threads not completed ({_error_note(errors)})"
                    client.usage.notes.append(note)
                    s["failed"] = True
                    continue
                if s["reviews"] is None:
                    revs = _nodes(node.get("reviews"))
                    s["reviews"] = (tuple(_review(n) for n in revs), _total(node.get("reviews"), len(revs)))
                conn = node.get("reviewThreads") or {}
                s["threads"].extend(_thread(n) for n in _nodes(conn))
                s["total"] = _total(conn, len(s["threads"]))
                info = conn.get("pageInfo") or {}
                if info.get("hasNextPage") and info.get("endCursor"):
                    s["after"] = info["endCursor"]
                    still.append(i)
            open_ = still
        for s in state.values():
            if s.get("failed") or s["reviews"] is None:
                continue
            reviews, reviews_total = s["reviews"]
            yield Completed(s["number"], reviews, reviews_total, tuple(s["threads"]), s["total"])


def merged(pr: ForgePullRequest, done: Completed) -> ForgePullRequest:
    """``pr`` with the reviews and threads a follow-up completed."""
    return replace(
        pr,
        reviews=done.reviews,
        reviews_total=done.reviews_total,
        threads=done.threads,
        threads_total=done.threads_total,
    )
