"""A fake OpenAI-compatible server: a real HTTP server on 127.0.0.1, shaped like
``POST /v1/chat/completions`` (choices, usage, error bodies), whose answers a
test scripts.

The default "model" answers from the facts it is shown, so its answers pass
validation; a test swaps in hostile behaviours per request: invented PR
numbers, wrong counts, the wrong language, truncated JSON, 429s, 500s,
timeouts, obeying an injected instruction.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    content: str | None = None  # the assistant's text (status 200)
    body: Any = None  # a raw body instead (errors)
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    finish_reason: str = "stop"


@dataclass
class Seen:
    """One request as the server received it."""

    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def system(self) -> str:
        return self.body["messages"][0]["content"]

    @property
    def user(self) -> str:
        return self.body["messages"][1]["content"]

    @property
    def item(self) -> str:
        """section:<name> or pr:<number>, from the prompt."""
        if "You read one merged pull request" in self.system:
            return f"pr:{self.data()['number']}"
        for name in ("executive summary", "key changes", "module and theme trends", "risk observations",
                     "key PR quick look", "follow-up recommendations"):  # fmt: skip
            if name in self.user:
                return "section:" + SECTION_OF[name]
        return "?"

    @property
    def lang(self) -> str:
        return "zh" if "Simplified Chinese" in self.system else "en"

    @property
    def is_retry(self) -> bool:
        return len(self.body["messages"]) > 2

    def data(self) -> dict[str, Any]:
        found = re.search(r"<<<DATA\n(.*)\nDATA>>>", self.user, re.S)
        assert found, "the data block is missing"
        return json.loads(found[1])


SECTION_OF = {
    "executive summary": "summary",
    "key changes": "key_changes",
    "module and theme trends": "trends",
    "risk observations": "risks",
    "key PR quick look": "key_prs",
    "follow-up recommendations": "recommendations",
}

Behaviour = Callable[[Seen], Reply | None]


def good_answer(seen: Seen) -> Reply:
    """What a careful model would write: only the facts it was shown."""
    data = seen.data()
    zh = seen.lang == "zh"
    if seen.item.startswith("pr:"):
        files = data.get("files") or [{"path": "?"}]
        if zh:
            summary = f"该 PR 修改了 `{files[0]['path']}`，影响相关模块的行为。"
            reason = "涉及核心代码路径。"
        else:
            summary = f"It changes `{files[0]['path']}` and the behaviour of the code around it."
            reason = "It touches code many users depend on."
        answer = {"summary": summary, "review_conclusion": "", "judgement": 0.5, "judgement_reason": reason}
        return Reply(content=json.dumps(answer, ensure_ascii=False))
    section = seen.item.split(":")[1]
    if zh:
        text = (
            f"本周合并了 {data['merged_prs']} 个 PR，其中重点 PR {data['key_prs']} 个，"
            f"平均重要度 {data['mean_importance']}。"
        )
    else:
        text = (
            f"This week {data['merged_prs']} PRs merged, {data['key_prs']} of them key; "
            f"the mean importance was {data['mean_importance']}."
        )
    prs = _some_prs(data)
    if prs:
        text += ("\n\n- 值得关注：" if zh else "\n\n- Worth a look: ") + ", ".join(f"#{n}" for n in prs[:3])
    text += f" [{section.replace('_', ' ')}]"
    return Reply(content=json.dumps({"text": text}, ensure_ascii=False))


def _some_prs(data: Any) -> list[int]:
    found: list[int] = []

    def walk(value: Any, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key == "number" and isinstance(value, int):
            found.append(value)

    walk(data, "")
    return found


class FakeServer:
    """``with FakeServer() as fake: fake.url`` -> http://127.0.0.1:PORT/v1."""

    def __init__(self, behaviour: Behaviour | None = None, structured: bool = True) -> None:
        self.behaviour = behaviour
        self.structured = structured  # False: a server that refuses response_format with a 400
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                seen = Seen(body, {k.lower(): v for k, v in self.headers.items()})
                with fake._lock:
                    fake.seen.append(seen)
                    fake.active += 1
                    fake.max_active = max(fake.max_active, fake.active)
                try:
                    reply = fake._reply(seen, self.path)
                    if reply.delay:
                        time.sleep(reply.delay)
                finally:
                    with fake._lock:  # before the answer leaves: the client's next request may come at once
                        fake.active -= 1
                self._send(reply, seen)

            def _send(self, reply: Reply, seen: Seen) -> None:
                if reply.status == 200:
                    payload: Any = {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "model": seen.body.get("model"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": reply.content},
                                "finish_reason": reply.finish_reason,
                            }
                        ],
                        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
                    }
                else:
                    payload = reply.body or {"error": {"message": "fake error", "type": "server_error"}}
                raw = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:
                    pass  # the client gave up (a timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _reply(self, seen: Seen, path: str) -> Reply:
        if path != "/v1/chat/completions":
            return Reply(404, body={"error": {"message": f"no route {path}"}})
        if "response_format" in seen.body and not self.structured:
            return Reply(400, body={"error": {"message": "response_format is not supported"}})
        if self.behaviour is not None:
            found = self.behaviour(seen)
            if found is not None:
                return found
        return good_answer(seen)

    def items(self, prefix: str = "") -> list[str]:
        return [s.item for s in self.seen if s.item.startswith(prefix)]

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
