"""`prhub publish`: each service's payload, captured by a local HTTP server standing in for the webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conftest import run_prhub
from gitrepo import ALICE, EPOCH, FORGE, ScriptedRepo
from prhub import publish as pub

SECRET = "hook-T0KEN-s3cret"


class Capture:
    """A webhook: records each POST; answers with the queued statuses first, then 200 and ``reply``."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self.reply = b'{"code": 0, "errcode": 0}'
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                capture.bodies.append(json.loads(body))
                status = capture.statuses.pop(0) if capture.statuses else 200
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(capture.reply if status == 200 else b"busy")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook/{SECRET}"


@pytest.fixture
def hook() -> Iterator[Capture]:
    capture = Capture()
    thread = threading.Thread(target=capture.server.serve_forever, daemon=True)
    thread.start()
    yield capture
    capture.server.shutdown()
    capture.server.server_close()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("pub")
    repo = ScriptedRepo(tmp / "app")
    repo.git("remote", "add", "origin", "https://github.com/acme/app.git")
    repo.lines("README.md", 2)
    repo.commit("Initial commit", at=EPOCH - 86400)
    titles = ["Add *bold* [link](javascript:x) <!channel> @everyone loader", "Fix the parser", "Docs for the API"]
    for n, title in enumerate(titles, start=1):
        repo.lines(f"src/m{n}/core.py", 200 * n)
        repo.commit(f"{title} (#{n})", author=ALICE, committer=FORGE, at=EPOCH + n * 3600)
    path = tmp / "prhub.db"
    assert run_prhub("sync", str(repo.path), "--db", str(path), "-q").returncode == 0
    return path


def _publish(db: Path, service: str, url: str | None, *extra: str, env: dict[str, str] | None = None) -> Any:
    args = ["publish", "acme/app", "--week", "2026-W15", "--to", service, "--db", str(db), *extra]
    return run_prhub(*args, *([url] if url else []), env={"PRHUB_PUBLISH_BACKOFF": "0", **(env or {})})


@pytest.mark.parametrize("service", pub.SERVICES)
def test_each_service_gets_its_own_dialect(db: Path, hook: Capture, service: str) -> None:
    proc = _publish(db, service, hook.url, "--base-url", "https://reports.example.org")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"acme/app 2026-04-06-to-2026-04-12: sent to {service}"
    assert len(hook.bodies) == 1
    body = hook.bodies[0]
    page = "https://reports.example.org/acme/app/reports/2026-04-06-to-2026-04-12"
    text = json.dumps(body, ensure_ascii=False)
    assert page in text and "#1" in text and "3 PRs merged" in text
    if service == "slack":
        assert body["blocks"][0]["type"] == "header" and "acme/app" in body["blocks"][0]["text"]["text"]
        assert f"<{page}|Full report>" in text
        assert "<!channel>" not in text and "&lt;!channel&gt;" in text  # mrkdwn escaping: no ping
    elif service == "discord":
        assert body["embeds"][0]["url"] == page and body["allowed_mentions"] == {"parse": []}
        assert "\\*bold\\*" in body["embeds"][0]["description"] and "\\[link\\]" in body["embeds"][0]["description"]
    elif service == "feishu":
        assert body["msg_type"] == "interactive" and body["card"]["elements"][0]["tag"] == "markdown"
        assert f"[Full report]({page})" in body["card"]["elements"][0]["content"]
    elif service == "wecom":
        assert body["msgtype"] == "markdown" and body["markdown"]["content"].startswith("## acme/app")
    else:
        assert body["msgtype"] == "markdown" and body["markdown"]["title"].startswith("acme/app")
        assert "#### Key PR quick look" in body["markdown"]["text"]
    if service != "slack":  # mrkdwn has no [text](url) links; everywhere else the brackets are escaped
        assert "[link](javascript" not in text.replace("\\\\[link\\\\](javascript", "")


def test_the_url_can_come_from_the_environment_and_never_shows(db: Path, hook: Capture) -> None:
    proc = _publish(db, "feishu", None, env={"PRHUB_WEBHOOK_URL": hook.url})
    assert proc.returncode == 0, proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
    hook.statuses = [400]
    proc = _publish(db, "slack", hook.url)
    assert proc.returncode == 1 and proc.stderr.strip() == "prhub: error: slack refused the message: HTTP 400"
    refused = _publish(db, "slack", "http://127.0.0.1:9/hook/" + SECRET)  # nothing listens on port 9
    assert refused.returncode == 1 and SECRET not in refused.stderr + refused.stdout
    assert refused.stderr.startswith("prhub: error: could not deliver to slack after 4 attempts")


def test_retries_on_429_and_5xx(db: Path, hook: Capture) -> None:
    hook.statuses = [503, 429, 500]
    proc = _publish(db, "discord", hook.url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("sent to discord after 4 attempts")
    assert len(hook.bodies) == 4 and hook.bodies[0] == hook.bodies[-1]


def test_a_service_error_code_in_a_200_answer_is_an_error(db: Path, hook: Capture) -> None:
    hook.reply = b'{"errcode": 310000, "errmsg": "keywords not in content"}'
    proc = _publish(db, "dingtalk", hook.url)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "prhub: error: dingtalk refused the message: keywords not in content (code 310000)"


def test_without_a_url_is_one_line(db: Path) -> None:
    proc = _publish(db, "wecom", None)
    assert proc.returncode == 2 and "no wecom webhook URL" in proc.stderr


def _long_digest(n: int = 40) -> pub.Digest:
    items = [pub.Item("词" * 180 + f" {k}", f"https://github.com/a/b/pull/{k}", k) for k in range(n)]
    return pub.Digest(
        title="a/b · 2026 W15",
        link="https://example.org/a/b/reports/x",
        link_text="Full report",
        summary="长" * 9000,
        changes_heading="Key changes",
        changes=[pub.Item("主题 " + "字" * 400) for _ in range(3)],
        prs_heading="Key PRs",
        prs=items,
        lang="zh",
    )


@pytest.mark.parametrize("service", pub.SERVICES)
def test_every_message_fits_its_service_limit(service: str) -> None:
    message = pub.payload(service, _long_digest())
    _, fits = pub.BUILDERS[service]
    assert fits(message)
    text = json.dumps(message, ensure_ascii=False)
    assert "https://example.org/a/b/reports/x" in text  # the link to the full page is never cut
