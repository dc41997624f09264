"""A small client for any OpenAI-compatible ``/v1/chat/completions`` endpoint.

httpx rather than the ``openai`` package: prhub needs one endpoint, and owning
the request makes the parts that matter here explicit and testable: the
timeout of each request, retries with backoff on 429 and 5xx (honouring
``Retry-After``), falling back from ``response_format`` json_schema to plain
text on servers that refuse it, token accounting, and error messages that can
never carry the API key (they are built from the status and the server's
message, and any echo of the key is redacted).
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:  # imported when a client is made: a report without a model does not pay for it
    import httpx

from prhub.errors import PrhubError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class LlmError(PrhubError):
    """The endpoint could not give an answer (unreachable, refused, or out of retries)."""


@dataclass(slots=True)
class Usage:
    """What the endpoint cost this run: the summary line's figures."""

    requests: int = 0
    failed: int = 0
    retries: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **values: float) -> None:
        with self._lock:
            for key, value in values.items():
                setattr(self, key, getattr(self, key) + value)

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "failed": self.failed,
            "retries": self.retries,
            "cached": self.cached,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "seconds": round(self.seconds, 2),
        }


def display_url(url: str) -> str:
    """The endpoint as it may be shown: without user:password@ and without a query."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def chat_url(url: str) -> str:
    """``http://host:8000/v1`` (or the full ``.../chat/completions``) -> the completions URL."""
    base = url.strip().rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    return base + "/chat/completions"


class ChatClient:
    """Thread-safe: one httpx.Client shared by the worker threads."""

    def __init__(
        self,
        url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 1.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise LlmError(f"--llm {display_url(url)!r} is not an http(s) URL (e.g. http://localhost:8000/v1)")
        self.url = chat_url(url)
        self.shown_url = display_url(self.url)
        self.model = model
        self._key = api_key or ""
        self.retries = retries
        self.backoff = backoff
        self.usage = Usage()
        self._lock = threading.Lock()
        # what the server accepts, learnt on the way: json_schema (OpenAI, vLLM's guided decoding), else
        # json_object with a "schema" (llama-cpp-python turns it into a grammar), else plain text
        self.formats = ["json_schema", "json_object"]
        headers = {"Content-Type": "application/json", "User-Agent": "prhub"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        import httpx

        self._http = httpx.Client(
            headers=headers, timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)), transport=transport
        )

    def close(self) -> None:
        self._http.close()

    def redact(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text

    def complete(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any] | None = None,
        temperature: float = 0.2,
        max_tokens: int = 800,
    ) -> str:
        """The assistant's text; json_schema structured output first when a schema is given."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": temperature,
            "max_tokens": max_tokens,
        }
        while schema is not None and self.formats:
            kind = self.formats[0]
            if kind == "json_schema":
                body["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "answer", "schema": schema, "strict": True},
                }
            else:
                body["response_format"] = {"type": "json_object", "schema": schema}
            try:
                return self._post(body)
            except _Refused:
                with self._lock:  # the next format down, for this request and every later one
                    if self.formats and self.formats[0] == kind:
                        self.formats.pop(0)
        body.pop("response_format", None)
        try:
            return self._post(body)
        except _Refused as exc:
            raise LlmError(str(exc)) from None

    def _post(self, body: dict[str, Any]) -> str:
        import httpx

        attempt = 0
        while True:
            started = time.monotonic()
            try:
                response = self._http.post(self.url, json=body)
            except httpx.TimeoutException:
                self.usage.add(requests=1, seconds=time.monotonic() - started)
                problem = f"{self.shown_url}: no answer within the timeout"
                retry_after = None
            except httpx.HTTPError as exc:
                self.usage.add(requests=1, seconds=time.monotonic() - started)
                raise LlmError(self.redact(f"{self.shown_url}: {type(exc).__name__}: {exc}")) from None
            else:
                self.usage.add(requests=1, seconds=time.monotonic() - started)
                if response.status_code == 200:
                    return self._answer(response)
                problem = f"{self.shown_url}: HTTP {response.status_code}: {self._message(response)}"
                if "response_format" in body and (
                    response.status_code in (400, 422) or re.search(r"response_format|json_schema", problem, re.I)
                ):
                    self.usage.add(failed=1)
                    raise _Refused(problem)  # the shape was refused (some servers say so with a 500)
                if response.status_code not in RETRY_STATUSES:
                    self.usage.add(failed=1)
                    raise LlmError(problem)
                retry_after = _retry_after(response)
            if attempt >= self.retries:
                self.usage.add(failed=1)
                raise LlmError(f"{problem} (after {attempt + 1} attempts)")
            attempt += 1
            self.usage.add(retries=1)
            delay = retry_after if retry_after is not None else self.backoff * 2 ** (attempt - 1)
            time.sleep(min(30.0, delay) * (1 + random.random() * 0.1))

    def _answer(self, response: httpx.Response) -> str:
        try:
            data = response.json()
            choice = data["choices"][0]
            text = choice["message"].get("content") or ""
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            self.usage.add(failed=1)
            raise LlmError(f"{self.shown_url}: the answer is not an OpenAI chat completion") from None
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        self.usage.add(
            prompt_tokens=_int(usage.get("prompt_tokens")), completion_tokens=_int(usage.get("completion_tokens"))
        )
        if choice.get("finish_reason") == "length":
            text += "\n"  # left for the parser to reject as truncated; kept for the error message
        return str(text)

    def _message(self, response: httpx.Response) -> str:
        """The server's own error message, short, on one line, without the key."""
        try:
            data = response.json()
            error = data.get("error") if isinstance(data, dict) else None
            message = error.get("message") if isinstance(error, dict) else error or data.get("detail")
            text = str(message) if message else response.text
        except ValueError:
            text = response.text
        return self.redact(re.sub(r"\s+", " ", text).strip()[:200]) or response.reason_phrase


class _Refused(LlmError):
    """The server refused the request's shape (a 400 or 422 to a structured-output request)."""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def parse_json_answer(text: str) -> dict[str, Any]:
    """The JSON object in an answer: the whole text, a ```json fence, or the outermost braces."""
    candidates = [text.strip()]
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.S)
    if fenced:
        candidates.append(fenced[1].strip())
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    raise ValueError("the answer is not a JSON object (truncated or malformed)")
