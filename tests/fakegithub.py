"""A local fake of GitHub's GraphQL API: a real HTTP server on 127.0.0.1, for tests and the benchmark.

It executes queries with graphql-core against a subset of GitHub's public schema
(the types and fields prhub asks for, named and typed as GitHub documents them),
so a query GitHub would reject for an unknown field is rejected here too. It
answers as GitHub does: ``x-ratelimit-*`` headers, ``rateLimit { cost ... }``
computed with GitHub's documented formula (one request per connection per parent
node, assuming every ``first`` is reached; the sum divided by 100, rounded,
at least 1), search capped at 1,000 results, 401 on a bad token. Faults are
queued with :meth:`FakeGitHub.fault` and applied to the next requests.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    OperationDefinitionNode,
    build_schema,
    get_named_type,
    graphql_sync,
    parse,
    validate,
)
from graphql.utilities import value_from_ast_untyped

SDL = """
scalar DateTime
scalar URI
scalar GitObjectID

interface Node { id: ID! }
interface Actor { login: String! url: URI! }
interface RepositoryOwner { login: String! }

type User implements Node & Actor & RepositoryOwner { id: ID! login: String! name: String url: URI! }
type Bot implements Node & Actor { id: ID! login: String! url: URI! }
type Organization implements Node & Actor & RepositoryOwner { id: ID! login: String! name: String url: URI! }

type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
type RateLimit { cost: Int! limit: Int! nodeCount: Int! remaining: Int! resetAt: DateTime! used: Int! }

type Label implements Node { id: ID! name: String! color: String! }
type LabelEdge { cursor: String! node: Label }
type LabelConnection { edges: [LabelEdge] nodes: [Label] pageInfo: PageInfo! totalCount: Int! }

enum PullRequestReviewState { PENDING COMMENTED APPROVED CHANGES_REQUESTED DISMISSED }
type PullRequestReview implements Node {
  id: ID! author: Actor state: PullRequestReviewState! submittedAt: DateTime body: String! url: URI!
}
type PullRequestReviewEdge { cursor: String! node: PullRequestReview }
type PullRequestReviewConnection {
  edges: [PullRequestReviewEdge] nodes: [PullRequestReview] pageInfo: PageInfo! totalCount: Int!
}

type PullRequestReviewComment implements Node {
  id: ID! author: Actor body: String! createdAt: DateTime! url: URI!
}
type PullRequestReviewCommentEdge { cursor: String! node: PullRequestReviewComment }
type PullRequestReviewCommentConnection {
  edges: [PullRequestReviewCommentEdge] nodes: [PullRequestReviewComment] pageInfo: PageInfo! totalCount: Int!
}
type PullRequestReviewThread implements Node {
  id: ID! path: String! line: Int isResolved: Boolean! isOutdated: Boolean!
  comments(first: Int, after: String, last: Int, before: String, skip: Int): PullRequestReviewCommentConnection!
}
type PullRequestReviewThreadEdge { cursor: String! node: PullRequestReviewThread }
type PullRequestReviewThreadConnection {
  edges: [PullRequestReviewThreadEdge] nodes: [PullRequestReviewThread] pageInfo: PageInfo! totalCount: Int!
}

type IssueComment implements Node { id: ID! author: Actor body: String! }
type IssueCommentEdge { cursor: String! node: IssueComment }
type IssueCommentConnection { edges: [IssueCommentEdge] nodes: [IssueComment] pageInfo: PageInfo! totalCount: Int! }

type Issue implements Node { id: ID! number: Int! title: String! url: URI! repository: Repository! }
type IssueEdge { cursor: String! node: Issue }
type IssueConnection { edges: [IssueEdge] nodes: [Issue] pageInfo: PageInfo! totalCount: Int! }

type Milestone implements Node { id: ID! number: Int! title: String! }
type Commit implements Node { id: ID! oid: GitObjectID! }

type PullRequest implements Node {
  id: ID! number: Int! title: String! body: String! url: URI!
  author: Actor
  createdAt: DateTime! updatedAt: DateTime! mergedAt: DateTime closedAt: DateTime merged: Boolean!
  mergedBy: Actor
  baseRefName: String! headRefName: String!
  additions: Int! deletions: Int! changedFiles: Int!
  mergeCommit: Commit
  milestone: Milestone
  labels(first: Int, after: String, last: Int, before: String): LabelConnection
  comments(first: Int, after: String, last: Int, before: String): IssueCommentConnection!
  closingIssuesReferences(first: Int, after: String, last: Int, before: String): IssueConnection
  reviews(first: Int, after: String, last: Int, before: String): PullRequestReviewConnection
  reviewThreads(first: Int, after: String, last: Int, before: String): PullRequestReviewThreadConnection!
}

union SearchResultItem = Issue | PullRequest | User | Organization
type SearchResultItemEdge { cursor: String! node: SearchResultItem }
type SearchResultItemConnection {
  codeCount: Int! issueCount: Int! repositoryCount: Int! userCount: Int! wikiCount: Int! discussionCount: Int!
  edges: [SearchResultItemEdge] nodes: [SearchResultItem] pageInfo: PageInfo!
}
enum SearchType { ISSUE ISSUE_ADVANCED REPOSITORY USER DISCUSSION }

type Repository implements Node { id: ID! name: String! nameWithOwner: String! url: URI! }

type Query {
  search(query: String!, type: SearchType!, first: Int, after: String, last: Int, before: String):
    SearchResultItemConnection!
  rateLimit(dryRun: Boolean = false): RateLimit
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
  viewer: User!
}
"""

SCHEMA = build_schema(SDL)
SEARCH_CAP = 1000
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to "
    "GitHub Support for help, please include the request ID 0000:1111:2222:3333:44444444."
)
DOCS = "https://docs.github.com/graphql"


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cursor(i: int) -> str:
    return base64.b64encode(f"cursor:v2:{i}".encode()).decode()


def _index(cursor: str | None) -> int:
    if not cursor:
        return 0
    return int(base64.b64decode(cursor).decode().rsplit(":", 1)[1]) + 1


def connection(items: list[Any], first: int | None = None, after: str | None = None, total: int | None = None) -> dict:
    start = _index(after)
    end = len(items) if first is None else start + first
    page = items[start:end]
    return {
        "totalCount": len(items) if total is None else total,
        "nodes": page,
        "edges": [{"cursor": _cursor(start + i), "node": n} for i, n in enumerate(page)],
        "pageInfo": {
            "hasNextPage": end < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": _cursor(start) if page else None,
            "endCursor": _cursor(start + len(page) - 1) if page else None,
        },
    }


def user(login: str, name: str | None = None) -> dict[str, Any] | None:
    if login == "ghost":
        return None  # a deleted account: GitHub answers null
    if login.endswith("[bot]"):
        return {"__typename": "Bot", "id": f"BOT_{login}", "login": login.removesuffix("[bot]"), "url": "https://x"}
    return {
        "__typename": "User",
        "id": f"U_{login}",
        "login": login,
        "name": name,
        "url": f"https://github.com/{login}",
    }


def make_pr(
    repo: str,
    number: int,
    title: str,
    merged_at: float,
    *,
    author: str = "alice",
    author_name: str | None = None,
    body: str = "",
    labels: list[str] | None = None,
    reviews: list[tuple[str, str, str]] | None = None,  # (login, state, body)
    threads: list[tuple[str, bool, list[tuple[str, str]]]] | None = None,  # (path, resolved, [(login, body)])
    merge_oid: str | None = None,
    updated_at: float | None = None,
    additions: int = 10,
    deletions: int = 2,
    changed_files: int = 1,
    base: str = "main",
    issue_comments: int = 0,
    closes: list[int] | None = None,
    milestone: str | None = None,
    merged_by: str = "maintainer",
) -> dict[str, Any]:
    """One merged PR, shaped as GitHub's PullRequest object (connections as plain lists)."""
    url = f"https://github.com/{repo}/pull/{number}"
    created = merged_at - 86400
    review_nodes = [
        {
            "__typename": "PullRequestReview",
            "id": f"PRR_{number}_{i}",
            "author": user(login),
            "state": state,
            "submittedAt": iso(created + 3600 * (i + 1)),
            "body": text,
            "url": f"{url}#pullrequestreview-{number * 100 + i}",
        }
        for i, (login, state, text) in enumerate(reviews or [])
    ]
    thread_nodes = [
        {
            "__typename": "PullRequestReviewThread",
            "id": f"PRRT_{number}_{i}",
            "path": path,
            "line": 10 + i,
            "isResolved": resolved,
            "isOutdated": False,
            "comments": [
                {
                    "__typename": "PullRequestReviewComment",
                    "id": f"PRRC_{number}_{i}_{j}",
                    "author": user(login),
                    "body": text,
                    "createdAt": iso(created + 600 * (j + 1)),
                    "url": f"{url}#discussion_r{number * 1000 + i * 10 + j}",
                }
                for j, (login, text) in enumerate(comments)
            ],
        }
        for i, (path, resolved, comments) in enumerate(threads or [])
    ]
    return {
        "__typename": "PullRequest",
        "id": f"PR_{number}",
        "number": number,
        "title": title,
        "body": body,
        "url": url,
        "author": user(author, author_name),
        "createdAt": iso(created),
        "updatedAt": iso(updated_at if updated_at is not None else merged_at + 60),
        "mergedAt": iso(merged_at),
        "closedAt": iso(merged_at),
        "merged": True,
        "mergedBy": user(merged_by),
        "baseRefName": base,
        "headRefName": f"{author}/change-{number}",
        "additions": additions,
        "deletions": deletions,
        "changedFiles": changed_files,
        "mergeCommit": {"__typename": "Commit", "id": f"C_{merge_oid}", "oid": merge_oid} if merge_oid else None,
        "milestone": {"__typename": "Milestone", "id": "M_1", "number": 1, "title": milestone} if milestone else None,
        "labels": [{"__typename": "Label", "id": f"L_{n}", "name": n, "color": "ededed"} for n in labels or []],
        "comments": [
            {"__typename": "IssueComment", "id": f"IC_{number}_{i}", "author": None, "body": ""}
            for i in range(issue_comments)
        ],  # fmt: skip
        "closingIssuesReferences": [
            {
                "__typename": "Issue",
                "id": f"I_{n}",
                "number": n,
                "title": f"Issue {n}",
                "url": f"https://github.com/{repo}/issues/{n}",
                "repository": {
                    "__typename": "Repository",
                    "id": "R",
                    "name": repo.split("/")[1],
                    "nameWithOwner": repo,
                    "url": f"https://github.com/{repo}",
                },
            }  # fmt: skip
            for n in closes or []
        ],
        "reviews": review_nodes,
        "reviewThreads": thread_nodes,
    }


# -- the cost formula ------------------------------------------------------------------------------------
def query_cost(document: Any, variables: dict[str, Any]) -> tuple[int, int]:
    """(points, requests): GitHub's documented calculation for one query document."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    requests = 0

    def arg(field: FieldNode, name: str) -> int | None:
        for a in field.arguments or ():
            if a.name.value == name:
                value = value_from_ast_untyped(a.value, variables)
                return int(value) if isinstance(value, int) else None
        return None

    def walk(selections: Any, parent: GraphQLObjectType | Any, multiplier: int) -> None:
        nonlocal requests
        for sel in selections:
            if isinstance(sel, InlineFragmentNode):
                target = SCHEMA.get_type(sel.type_condition.name.value) if sel.type_condition else parent
                walk(sel.selection_set.selections, target, multiplier)
            elif isinstance(sel, FragmentSpreadNode):
                frag = fragments[sel.name.value]
                walk(frag.selection_set.selections, SCHEMA.get_type(frag.type_condition.name.value), multiplier)
            elif isinstance(sel, FieldNode):
                if sel.name.value.startswith("__") or not hasattr(parent, "fields"):
                    continue
                definition = parent.fields.get(sel.name.value)
                if definition is None:
                    continue
                named = get_named_type(definition.type)
                child = multiplier
                if named.name.endswith("Connection"):
                    requests += multiplier
                    child = multiplier * (arg(sel, "first") or arg(sel, "last") or 1)
                if sel.selection_set:
                    walk(sel.selection_set.selections, named, child)

    walk(operation.selection_set.selections, SCHEMA.query_type, 1)
    return max(1, int(requests / 100 + 0.5)), requests


# -- the server --------------------------------------------------------------------------------------------
class FakeGitHub:
    """Start with ``with FakeGitHub(token, prs) as gh:``; ``gh.api`` is the PRHUB_GITHUB_API to set."""

    def __init__(self, token: str, prs: list[dict[str, Any]] | None = None, repo: str = "acme/widgets") -> None:
        self.token = token
        self.repo = repo
        self.prs: list[dict[str, Any]] = list(prs or [])
        self.limit = 5000
        self.used = 0
        self.reset_at = int(time.time()) + 3600
        self.faults: deque[tuple[str, dict[str, Any]]] = deque()
        self.log: list[dict[str, Any]] = []  # one entry per request: status, cost, operation
        self.delay = 0.0  # seconds before each answer (a slow GitHub, for kill tests)
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.bodies: list[str] = []  # every request body, to check what the client sends

    # -- set-up
    def add(self, *prs: dict[str, Any]) -> None:
        with self.lock:
            numbers = {p["number"] for p in prs}
            self.prs = [p for p in self.prs if p["number"] not in numbers] + list(prs)

    def fault(self, kind: str, times: int = 1, **options: Any) -> None:
        for _ in range(times):
            self.faults.append((kind, options))

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def __enter__(self) -> FakeGitHub:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def api(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> int:
        return len(self.log)

    @property
    def points(self) -> int:
        return sum(e.get("cost", 0) for e in self.log)

    # -- answering
    def headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(self.reset_at),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-resource": "graphql",
        }

    def answer(self, auth: str | None, body: bytes) -> tuple[int, dict[str, str], Any]:
        if self.delay:
            time.sleep(self.delay)
        if auth != f"bearer {self.token}":
            return 401, {}, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}
        if time.time() >= self.reset_at:
            self.used, self.reset_at = 0, int(time.time()) + 3600
        fault = self.faults.popleft() if self.faults else None
        kind, opts = fault if fault else ("", {})
        if kind == "status":
            return opts.get("status", 502), self.headers(), {
                "data": None,
                "errors": [{"message": "Something went wrong while executing your query. This may be the result of "
                                       "a timeout, or it could be a GitHub bug."}],
            }  # fmt: skip
        if kind == "timeout":
            time.sleep(opts.get("seconds", 2.0))
        if kind == "secondary":
            headers = self.headers()
            if opts.get("retry_after") is not None:
                headers["retry-after"] = str(opts["retry_after"])
            return opts.get("status", 403), headers, {"message": SECONDARY_MESSAGE, "documentation_url": DOCS}
        if kind == "forbidden":
            return (
                403,
                self.headers(),
                {
                    "message": "Resource not accessible by personal access token",
                    "documentation_url": DOCS,
                },
            )
        if kind == "exhaust":  # the primary budget is spent until reset_in seconds from now
            self.used = self.limit
            self.reset_at = int(time.time() + opts.get("reset_in", 3600))
        request = json.loads(body)
        query, variables = request.get("query", ""), request.get("variables") or {}
        document = parse(query)
        problems = validate(SCHEMA, document)
        if problems:
            return 200, self.headers(), {"errors": [{"message": p.message} for p in problems]}
        cost, requests = query_cost(document, variables)
        if self.remaining < cost or kind == "rate_limited":
            headers = self.headers()
            if kind == "rate_limited" and self.remaining >= cost:
                pass  # GitHub also answers RATE_LIMITED on a burst while points remain
            else:
                headers["x-ratelimit-remaining"] = "0"
            return (
                200,
                headers,
                {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]},
            )
        with self.lock:
            self.used += cost
            result = graphql_sync(
                SCHEMA, query, root_value=self.root(cost, requests), variable_values=variables,
                field_resolver=_resolve,
            )  # fmt: skip
        payload: dict[str, Any] = {"data": result.data}
        errors = [{"message": e.message, "path": e.path} for e in result.errors or []]
        if kind == "null_nodes" and result.data and result.data.get("search"):
            nodes = result.data["search"]["nodes"]
            for i in opts.get("indices", [0]):
                if i < len(nodes):
                    nodes[i] = None
                    errors.append({"type": "SERVICE_UNAVAILABLE", "path": ["search", "nodes", i],
                                   "message": "Something went wrong while loading this pull request."})  # fmt: skip
        if errors:
            payload["errors"] = errors
        return 200, self.headers(), payload

    def root(self, cost: int, requests: int) -> dict[str, Any]:
        fake = self

        def search(info: GraphQLResolveInfo, query: str, type: str, first: int | None = None,
                   after: str | None = None, **_: Any) -> dict[str, Any]:  # fmt: skip
            terms = query.split()
            found = list(fake.prs)
            for term in terms:
                key, _, value = term.partition(":")
                if key == "repo" and value.lower() != fake.repo.lower():
                    found = []
                elif key == "is" and value == "merged":
                    found = [p for p in found if p.get("mergedAt")]
                elif key == "updated" and value.startswith(">="):
                    found = [p for p in found if p["updatedAt"] >= value[2:]]
            order = next((t.split(":", 1)[1] for t in terms if t.startswith("sort:")), "created-desc")
            if order == "updated-asc":
                found.sort(key=lambda p: (p["updatedAt"], p["number"]))
            else:
                found.sort(key=lambda p: p["createdAt"], reverse=True)
            visible = found[:SEARCH_CAP]
            conn = connection(visible, min(first or 10, 100), after)
            conn.update(issueCount=len(found), codeCount=0, repositoryCount=0, userCount=0, wikiCount=0,
                        discussionCount=0)  # fmt: skip
            return conn

        def node(info: GraphQLResolveInfo, id: str) -> dict[str, Any] | None:
            for pr in fake.prs:
                if pr["id"] == id:
                    return pr
                for t in pr["reviewThreads"]:
                    if t["id"] == id:
                        return t
            return None

        def repository(info: GraphQLResolveInfo, owner: str, name: str, **_: Any) -> dict[str, Any] | None:
            if f"{owner}/{name}".lower() != fake.repo.lower():
                raise LookupError(f"Could not resolve to a Repository with the name '{owner}/{name}'.")
            return {"__typename": "Repository", "id": "R_1", "name": name, "nameWithOwner": fake.repo,
                    "url": f"https://github.com/{fake.repo}"}  # fmt: skip

        def rate_limit(info: GraphQLResolveInfo, **_: Any) -> dict[str, Any]:
            return {"cost": cost, "limit": fake.limit, "remaining": fake.remaining, "resetAt": iso(fake.reset_at),
                    "used": fake.used, "nodeCount": requests}  # fmt: skip

        return {"search": search, "node": node, "repository": repository, "rateLimit": rate_limit}


def _resolve(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    value = source.get(info.field_name) if isinstance(source, dict) else getattr(source, info.field_name, None)
    if callable(value):
        return value(info, **args)
    named = get_named_type(info.return_type)
    if named.name.endswith("Connection") and isinstance(value, list):
        return connection(value, args.get("first"), args.get("after"))
    return value


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        if self.path not in ("/graphql", "/api/graphql"):
            self._send(404, {}, {"message": "Not Found", "documentation_url": DOCS})
            return
        self.fake.bodies.append(body.decode("utf-8", "replace"))
        try:
            status, headers, payload = self.fake.answer(self.headers.get("authorization"), body)
        except Exception as exc:  # a bug in the fake: say so, as a 500
            status, headers, payload = 500, {}, {"message": f"fake GitHub failed: {exc!r}"}
        entry: dict[str, Any] = {"status": status}
        if status == 200 and isinstance(payload, dict) and isinstance(payload.get("data"), dict):
            rate = payload["data"].get("rateLimit")
            if isinstance(rate, dict):
                entry["cost"] = rate["cost"]
        self.fake.log.append(entry)
        self._send(status, headers, payload)

    def _send(self, status: int, headers: dict[str, str], payload: Any) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json; charset=utf-8")
            self.send_header("content-length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass


Clock = Callable[[], float]
