"""``prhub publish``: a week's report as a chat message, through an incoming webhook.

One digest (title, summary, key changes, key PRs, link to the full page) is
written in each service's own Markdown dialect and cut to its size limit:

==========  =========================================  ==================================
service     payload                                    limit kept to
==========  =========================================  ==================================
slack       blocks: header + mrkdwn sections           3,000 characters a section
discord     one embed (standard Markdown)              4,096 characters of description
feishu      interactive card, one markdown element     20 KB request body
wecom       msgtype markdown                           4,096 bytes of content
dingtalk    msgtype markdown (title + text)            20 KB request body
==========  =========================================  ==================================

No library speaks these dialects from one digest (Slack's SDK posts but does
not write mrkdwn; the Chinese services have none well kept), so each builder is
a small function, tested against a local server that captures the payloads.

The webhook URL is a secret: it is never logged, printed or put in an error.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from prhub.errors import PrhubError, UsageError
from prhub.report.phrases import HEADINGS, PUBLISH
from prhub.report.values import as_dict, as_dicts, as_num

SERVICES = ("slack", "discord", "feishu", "wecom", "dingtalk")
KEY_PRS = 5
KEY_CHANGES = 3


class PublishError(PrhubError):
    """The service refused the message or could not be reached (the URL is never in the message)."""


@dataclass(frozen=True, slots=True)
class Item:
    text: str  # plain text, unescaped
    url: str | None = None
    number: int | None = None


@dataclass(frozen=True, slots=True)
class Digest:
    """What every message says, before any dialect: plain text and URLs."""

    title: str
    link: str | None
    link_text: str
    summary: str
    changes_heading: str
    changes: list[Item]
    prs_heading: str
    prs: list[Item]
    lang: str


def digest(ctx: Mapping[str, Any], page_url: str | None) -> Digest:
    lang = ctx.get("language") if ctx.get("language") in PUBLISH else "en"
    words, heads = PUBLISH[lang], HEADINGS[lang]
    repo, period = as_dict(ctx.get("repo")), as_dict(ctx.get("period"))
    prs = {pr.get("number"): pr for pr in as_dicts(ctx.get("prs"))}
    changes = []
    for theme in as_dicts(ctx.get("themes"))[:KEY_CHANGES]:
        numbers = [n for n in theme.get("representative_prs") or theme.get("prs") or [] if n in prs][:3]
        refs = ", ".join(f"#{n} {prs[n].get('title', '')}" for n in numbers)
        changes.append(Item(f"{theme.get('name', '')}: {refs}" if refs else str(theme.get("name", ""))))
    key = [pr for pr in prs.values() if pr.get("is_key")] or list(prs.values())
    key.sort(key=lambda pr: -(as_num(pr.get("importance")) or 0.0))
    items = [
        Item(
            f"{pr.get('title', '')} ({words['importance']} {as_num(pr.get('importance')) or 0:.1f})",
            pr.get("url"),
            pr["number"],
        )
        for pr in key[:KEY_PRS]
    ]
    link, link_text = page_url, words["full_report"]
    if link is None and repo.get("url") and period.get("start") and period.get("end"):
        # no site to link to: the forge's own list of the period's merged PRs
        first, last = str(period["start"])[:10], str(period.get("slug", ""))[-10:] or str(period["end"])[:10]
        link = f"{repo['url']}/pulls?q=" + quote(f"is:pr is:merged merged:{first}..{last}")
        link_text = words["merged_prs"]
    return Digest(
        title=words["title"].format(repo=repo.get("slug", ""), period=period.get("label", "")),
        link=link,
        link_text=link_text,
        summary=str(as_dict(ctx.get("sections")).get("summary") or ""),
        changes_heading=heads["key_changes"],
        changes=changes,
        prs_heading=heads["key_prs"],
        prs=items,
        lang=lang,
    )


# -- dialects ---------------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_\[\]~<>])")


def _md(text: str) -> str:
    """Plain text as Markdown text on one line: the characters that open markup inside a line are
    escaped (parentheses make a link only after an escaped bracket), and a line-opening # or > too."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return "\\" + escaped if escaped.startswith(("#", ">", "-", "+")) else escaped


def _slack(text: str) -> str:
    """Slack mrkdwn escapes only these three; a title's <!channel> or <@U123> can then ping no one."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _md_link(item: Item, esc: Callable[[str], str] = _md) -> str:
    label = (f"#{item.number} " if item.number is not None else "") + esc(item.text)
    return f"[{label}]({item.url})" if item.url else label


def _lines(d: Digest, n_changes: int, n_prs: int, summary: str, bullet: str = "-") -> tuple[str, str, str]:
    changes = "\n".join(f"{bullet} {_md(c.text)}" for c in d.changes[:n_changes])
    prs = "\n".join(f"{bullet} {_md_link(p)}" for p in d.prs[:n_prs])
    # the summary is already Markdown: the report's prose escapes what it quotes
    return " ".join(summary.split()), changes, prs


def markdown_text(d: Digest, n_changes: int, n_prs: int, summary: str, *, heading: str = "**{}**") -> str:
    """The body in standard Markdown (Discord, Feishu, WeCom and DingTalk read this much alike)."""
    body, changes, prs = _lines(d, n_changes, n_prs, summary)
    parts = [body]
    if changes:
        parts.append(heading.format(d.changes_heading) + "\n" + changes)
    if prs:
        parts.append(heading.format(d.prs_heading) + "\n" + prs)
    if d.link:
        parts.append(f"[{_md(d.link_text)}]({d.link})")
    return "\n\n".join(p for p in parts if p)


def slack_payload(d: Digest, n_changes: int, n_prs: int, summary: str) -> dict[str, Any]:
    def link(item: Item) -> str:
        label = (f"#{item.number} " if item.number is not None else "") + _slack(item.text)
        return f"<{item.url}|{label}>" if item.url else label

    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": d.title[:150]}}]
    if summary:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _slack(summary)}})
    if d.changes[:n_changes]:
        text = f"*{_slack(d.changes_heading)}*\n" + "\n".join(f"• {_slack(c.text)}" for c in d.changes[:n_changes])
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    if d.prs[:n_prs]:
        text = f"*{_slack(d.prs_heading)}*\n" + "\n".join(f"• {link(p)}" for p in d.prs[:n_prs])
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    if d.link:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"<{d.link}|{_slack(d.link_text)}>"}})
    return {"text": d.title, "blocks": blocks, "unfurl_links": False}


def discord_payload(d: Digest, n_changes: int, n_prs: int, summary: str) -> dict[str, Any]:
    embed: dict[str, Any] = {"title": d.title[:256], "description": markdown_text(d, n_changes, n_prs, summary)}
    if d.link:
        embed["url"] = d.link
    # a title's @everyone must ping no one
    return {"embeds": [embed], "allowed_mentions": {"parse": []}}


def feishu_payload(d: Digest, n_changes: int, n_prs: int, summary: str) -> dict[str, Any]:
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {"title": {"tag": "plain_text", "content": d.title}, "template": "blue"},
            "elements": [{"tag": "markdown", "content": markdown_text(d, n_changes, n_prs, summary)}],
        },
    }


def wecom_payload(d: Digest, n_changes: int, n_prs: int, summary: str) -> dict[str, Any]:
    text = f"## {_md(d.title)}\n" + markdown_text(d, n_changes, n_prs, summary)
    return {"msgtype": "markdown", "markdown": {"content": text}}


def dingtalk_payload(d: Digest, n_changes: int, n_prs: int, summary: str) -> dict[str, Any]:
    text = f"## {_md(d.title)}\n\n" + markdown_text(d, n_changes, n_prs, summary, heading="#### {}")
    return {"msgtype": "markdown", "markdown": {"title": d.title[:64], "text": text}}


def _slack_fits(p: dict[str, Any]) -> bool:
    return all(len(b["text"]["text"]) <= 3000 for b in p["blocks"]) and _size(p) <= 40_000


BUILDERS: dict[str, tuple[Callable[[Digest, int, int, str], dict[str, Any]], Callable[[dict[str, Any]], bool]]] = {
    "slack": (slack_payload, _slack_fits),
    "discord": (discord_payload, lambda p: len(p["embeds"][0]["description"]) <= 4096),
    "feishu": (feishu_payload, lambda p: _size(p) <= 20_000),
    "wecom": (wecom_payload, lambda p: len(p["markdown"]["content"].encode("utf-8")) <= 4096),
    "dingtalk": (dingtalk_payload, lambda p: _size(p) <= 20_000),
}


def _size(payload: dict[str, Any]) -> int:
    return len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def payload(service: str, d: Digest) -> dict[str, Any]:
    """The service's message, shortened until it fits: fewer key PRs, then fewer changes, then a shorter summary."""
    build, fits = BUILDERS[service]
    n_changes, n_prs, summary = len(d.changes), len(d.prs), d.summary
    while True:
        built = build(d, n_changes, n_prs, summary)
        if fits(built):
            return built
        if n_prs > 1:
            n_prs -= 1
        elif n_changes > 0:
            n_changes -= 1
        elif len(summary) > 40:
            summary = summary[: int(len(summary) * 0.8)].rstrip() + "…"
        elif n_prs:
            n_prs = 0
        else:
            return built  # the title and link alone; nothing left to cut


# -- delivery ---------------------------------------------------------------------------------------
def _accepted(service: str, body: bytes) -> str | None:
    """None when the service says it took the message, else its reason (some answer 200 with an error code)."""
    if service in ("slack", "discord"):
        return None
    try:
        reply = json.loads(body or b"{}")
    except ValueError:
        return None
    code = reply.get("code", reply.get("errcode", reply.get("StatusCode", 0)))
    if code in (0, None):
        return None
    return f"{reply.get('msg') or reply.get('errmsg') or 'error'} (code {code})"


def send(
    service: str,
    url: str,
    message: dict[str, Any],
    *,
    attempts: int = 4,
    backoff: float = 1.0,
    timeout: float = 20.0,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """POST the message; retries a refused connection, a timeout, 429 and 5xx with growing waits.

    Returns the number of attempts it took. Errors name the service, never the URL.
    """
    if service not in BUILDERS:
        raise UsageError(f"unknown service {service!r}: use one of {', '.join(SERVICES)}")
    if not url.startswith(("https://", "http://")):
        raise UsageError(f"the {service} webhook must be an http(s) URL")
    data = json.dumps(message, ensure_ascii=False).encode("utf-8")
    last = ""
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(
            url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
        )
        wait = backoff * 2 ** (attempt - 1)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                refused = _accepted(service, reply.read())
            if refused is None:
                return attempt
            raise PublishError(f"{service} refused the message: {refused}")
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
            if exc.code != 429 and exc.code < 500:
                raise PublishError(f"{service} refused the message: HTTP {exc.code}") from None
            retry_after = exc.headers.get("Retry-After", "") if exc.headers else ""
            if retry_after.strip().isdigit():
                wait = min(float(retry_after), 60.0)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            last = str(getattr(reason, "strerror", None) or type(reason).__name__)
        if attempt < attempts:
            sleep(wait)
    raise PublishError(f"could not deliver to {service} after {attempts} attempts: {last}")
