"""The LLM writer: PR readings, the judgement component, and the six sections.

``write(store, ctx, config)`` changes a built report context in place:

1. reads the key PRs and each theme's representatives (title, description,
   files, review discussion when stored) and keeps the readings that pass
   validation: a summary, the review's conclusion, a judgement of at most
   +-1.5 that joins the importance components;
2. re-ranks the PRs by the adjusted importance and lets the templates write
   every section from the adjusted facts;
3. asks for each configured section, validates it against that section's
   facts, retries once with the error, and keeps the templates' text when the
   second answer fails too.

Every answer (accepted or rejected) is cached in the store under model,
prompt version, kind, language and facts hash: a rerun makes no request, and
``apply_stored`` gives the website the same report without calling the model.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from prhub.llm import facts as factlib
from prhub.llm import prompts
from prhub.llm.client import ChatClient, LlmError, parse_json_answer
from prhub.llm.validate import FactIndex, Rejected, check_language, check_text, one_line, sanitize
from prhub.report.phrases import SECTION_KEYS
from prhub.report.values import as_dict, as_dicts, as_int, as_num, ints
from prhub.store import llm_cache
from prhub.store.base import Store

JUDGEMENT_LIMIT = 1.5


@dataclass(slots=True)
class LlmConfig:
    url: str
    model: str
    api_key: str | None = None
    temperature: float = 0.2
    max_tokens: int = 800
    concurrency: int = 2
    timeout: float = 60.0
    retries: int = 3
    sections: tuple[str, ...] = SECTION_KEYS
    language: str = "auto"  # auto: the report's; en or zh: only reports in that language
    readings: bool = True
    max_readings: int = 0  # 0: the key PRs and every theme's representatives; n: the first n of them
    known_words: tuple[str, ...] = ()  # the field's own terms a model may use unasked ([llm] known_words)
    max_chars: int = 1800
    use_cache: bool = True


@dataclass(slots=True)
class Event:
    """One item's outcome, for the summary and for anyone studying the model's answers."""

    item: str  # "section:summary" or "pr:123"
    status: str  # accepted, rejected, failed (transport), cached-accepted, cached-rejected
    reason: str = ""
    answer: str = ""  # the last answer's first characters (untrusted text: print, never render)
    retried: bool = False


@dataclass(slots=True)
class LlmRun:
    model: str
    events: list[Event] = field(default_factory=list)
    requests: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    wall: float = 0.0

    def count(self, prefix: str, *statuses: str) -> int:
        return sum(1 for e in self.events if e.item.startswith(prefix) and e.status in statuses)

    def summary(self) -> str:
        sections = self.count("section:", "accepted", "cached-accepted")
        section_total = self.count("section:", "accepted", "cached-accepted", "rejected", "cached-rejected", "failed")
        readings = self.count("pr:", "accepted", "cached-accepted")
        reading_total = self.count("pr:", "accepted", "cached-accepted", "rejected", "cached-rejected", "failed")
        cached = self.count("", "cached-accepted", "cached-rejected")
        return (
            f"llm {self.model}: {self.requests} requests ({self.retries} retries, {cached} answers from the cache), "
            f"{self.prompt_tokens + self.completion_tokens} tokens ({self.prompt_tokens} in, "
            f"{self.completion_tokens} out) in {self.wall:.1f}s; "
            f"sections {sections}/{section_total} by the model, PR readings {readings}/{reading_total} accepted"
        )


class _CacheOnly(Exception):
    """A cache miss where no request may be made (the website)."""


def write(
    store: Store,
    ctx: dict[str, Any],
    config: LlmConfig,
    client: ChatClient | None = None,
    on_event: Callable[[Event], None] | None = None,
) -> LlmRun:
    """Let the model read and write this report; the templates keep whatever it did not write well."""
    lang = "zh" if ctx.get("language") == "zh" else "en"
    run = LlmRun(config.model)
    if config.language in ("en", "zh") and config.language != lang:
        return run
    own = client is None
    if client is None:
        client = ChatClient(config.url, config.model, config.api_key, config.timeout, config.retries)
    started = time.monotonic()
    try:
        _Job(store, ctx, config, client, run, lang, on_event, offline=False).run()
    finally:
        usage = client.usage
        run.requests, run.retries = usage.requests, usage.retries
        run.prompt_tokens, run.completion_tokens, run.seconds = (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.seconds,
        )
        run.wall = time.monotonic() - started
        if own:
            client.close()
    return run


def apply_stored(store: Store, ctx: dict[str, Any], settings_sections: tuple[str, ...] = SECTION_KEYS) -> bool:
    """The report as the model last wrote it, from the cache alone (no request); False when it never did."""
    lang = "zh" if ctx.get("language") == "zh" else "en"
    model = llm_cache.latest_model(store, _scope(ctx), lang, prompts.PROMPT_VERSION)
    if model is None:
        return False
    config = LlmConfig(url="http://cache.invalid/v1", model=model, sections=settings_sections)
    run = LlmRun(model)
    _Job(store, ctx, config, None, run, lang, None, offline=True).run()
    return any(e.status == "cached-accepted" for e in run.events)


def _scope(ctx: dict[str, Any]) -> str:
    return f"{as_dict(ctx.get('repo')).get('slug')}|{as_dict(ctx.get('period')).get('slug')}"


class _Job:
    def __init__(
        self,
        store: Store,
        ctx: dict[str, Any],
        config: LlmConfig,
        client: ChatClient | None,
        run: LlmRun,
        lang: str,
        on_event: Callable[[Event], None] | None,
        offline: bool,
    ) -> None:
        self.store, self.ctx, self.config, self.client = store, ctx, config, client
        self.run_info, self.lang, self.on_event, self.offline = run, lang, on_event, offline

    # -- the steps ----------------------------------------------------------------------------------
    def run(self) -> None:
        if self.config.readings:
            self._readings()
        self._sections()

    def _readings(self) -> None:
        prs = {n: pr for pr in as_dicts(self.ctx.get("prs")) if (n := as_int(pr.get("number"))) is not None}
        wanted = list(ints(self.ctx.get("key_prs")))
        for theme in as_dicts(self.ctx.get("themes")):
            wanted.extend(ints(theme.get("representative_prs")))
        numbers = [n for n in dict.fromkeys(wanted) if n in prs]
        if self.config.max_readings > 0:
            numbers = numbers[: self.config.max_readings]  # the key PRs come first
        if not numbers:
            return
        slug = as_dict(self.ctx.get("repo")).get("slug")
        try:
            repo_id = self.store.repository(str(slug)).id
            messages = llm_cache.pr_messages(self.store, repo_id, numbers)
        except Exception:  # a context without its repository in this store: titles and files only
            repo_id, messages = None, {}
        forge = _forge_texts(self.store, repo_id, numbers) if repo_id is not None else {}
        tasks = []
        for n in numbers:
            pr = prs[n]
            body, discussion = forge.get(n, (None, None))
            review = discussion or _review_input(pr.get("review"))
            description = body if body is not None else _description(messages.get(n, ""), str(pr.get("title") or ""))
            data = factlib.pr_input(pr, description, review)
            tasks.append(
                _Task(
                    item=f"pr:{n}",
                    kind="reading",
                    facts=data,
                    messages=prompts.reading_messages(data, self.lang, review is not None),
                    schema=prompts.READING_SCHEMA,
                    check=_ReadingCheck(data, self.lang, review is not None, self.config.known_words),
                    scope=None,
                )
            )
        results = self._do(tasks)
        changed = False
        for task in tasks:
            reading = results.get(task.item)
            if reading is None:
                continue
            pr = prs[int(task.item.split(":")[1])]
            pr["llm"] = {"model": self.config.model, **reading}
            changed = True
        if changed:
            _apply_judgements(self.ctx)
            from prhub.report import prose  # the templates write from the adjusted facts

            self.ctx["sections"] = prose.write_sections(self.ctx)

    def _sections(self) -> None:
        wanted = [s for s in SECTION_KEYS if s in self.config.sections]
        tasks = []
        for section in wanted:
            data = factlib.section_facts(self.ctx, section)
            tasks.append(
                _Task(
                    item=f"section:{section}",
                    kind=f"section:{section}",
                    facts=data,
                    messages=prompts.section_messages(section, data, self.lang, self.config.max_chars),
                    schema=prompts.SECTION_SCHEMA,
                    check=_SectionCheck(data, self.lang, self.config.max_chars, self.config.known_words),
                    scope=_scope(self.ctx),
                )
            )
        results = self._do(tasks)
        sections = dict(as_dict(self.ctx.get("sections")))
        writers: dict[str, str] = {key: "rules" for key in SECTION_KEYS}
        notes: dict[str, dict[str, str]] = {}
        for task in tasks:
            section = task.item.split(":", 1)[1]
            text = results.get(task.item)
            if text:
                sections[section] = text
                writers[section] = "llm"
            elif task.error:
                notes[section] = {"writer": "rules", "error": task.error}
        if (
            self.offline
            and "llm" not in writers.values()
            and not any(p.get("llm") for p in as_dicts(self.ctx.get("prs")))
        ):
            return  # nothing of the model's is stored for this report: leave it the templates'
        self.ctx["sections"] = sections
        generated = self.ctx.setdefault("generated", {})
        if "llm" in writers.values():
            generated["writer"] = self.config.model
        generated["sections"] = writers
        self.ctx["llm"] = {
            "model": self.config.model,
            "prompt_version": prompts.PROMPT_VERSION,
            "sections": {
                key: {
                    "writer": self.config.model if w == "llm" else "rules",
                    **({"error": notes[key]["error"]} if key in notes else {}),
                }
                for key, w in writers.items()
            },
            "readings": sum(1 for p in as_dicts(self.ctx.get("prs")) if p.get("llm")),
        }

    # -- asking, checking, caching -----------------------------------------------------------------------
    def _do(self, tasks: list[_Task]) -> dict[str, Any]:
        """Each task's accepted value (absent when rejected); cache first, the model for the rest."""
        out: dict[str, Any] = {}
        todo: list[_Task] = []
        for task in tasks:
            task.facts_hash = factlib.digest(task.facts)
            task.key = factlib.digest(
                [self.config.model, prompts.PROMPT_VERSION, task.kind, self.lang, task.facts_hash]
            )
            stored = llm_cache.get(self.store, task.key) if (self.config.use_cache or self.offline) else None
            if stored is not None:
                try:
                    cached = json.loads(stored)
                except ValueError:
                    cached = None
                if isinstance(cached, dict):
                    if cached.get("ok"):
                        out[task.item] = cached.get("value")
                        self._event(Event(task.item, "cached-accepted"))
                    else:
                        task.error = str(cached.get("error") or "rejected")
                        self._event(Event(task.item, "cached-rejected", task.error))
                    continue
            if not self.offline:
                todo.append(task)
        if not todo:
            return out
        assert self.client is not None
        workers = max(1, min(self.config.concurrency, len(todo)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            finished = list(pool.map(self._ask, todo))
        for task, (value, event) in zip(todo, finished, strict=True):
            self._event(event)
            if event.status == "failed":
                task.error = event.reason
                continue  # the endpoint failed, the answer was not judged: ask again next time
            result = (
                {"ok": True, "value": value} if event.status == "accepted" else {"ok": False, "error": event.reason}
            )
            if event.status == "accepted":
                out[task.item] = value
            else:
                task.error = event.reason
            llm_cache.put(
                self.store,
                task.key,
                model=self.config.model,
                prompt_version=prompts.PROMPT_VERSION,
                kind=task.kind,
                lang=self.lang,
                facts_hash=task.facts_hash,
                scope=task.scope,
                result=json.dumps(result, ensure_ascii=False),
            )
        return out

    def _ask(self, task: _Task) -> tuple[Any, Event]:
        assert self.client is not None
        c = self.config
        messages = task.messages
        answer = ""
        reason = ""
        for attempt in range(2):
            try:
                answer = self.client.complete(messages, task.schema, c.temperature, c.max_tokens)
            except LlmError as exc:
                return None, Event(task.item, "failed", self.client.redact(str(exc)), retried=attempt > 0)
            try:
                value = task.check(answer)
                return value, Event(task.item, "accepted", answer=answer[:300], retried=attempt > 0)
            except (Rejected, ValueError) as exc:
                reason = str(exc)
                messages = prompts.retry_messages(task.messages, answer, reason)
        return None, Event(task.item, "rejected", reason, answer=answer[:300], retried=True)

    def _event(self, event: Event) -> None:
        self.run_info.events.append(event)
        if self.on_event:
            self.on_event(event)


@dataclass(slots=True)
class _Task:
    item: str
    kind: str
    facts: dict[str, Any]
    messages: list[dict[str, str]]
    schema: dict[str, Any]
    check: Callable[[str], Any]
    scope: str | None
    key: str = ""
    facts_hash: str = ""
    error: str = ""


class _SectionCheck:
    def __init__(self, facts: dict[str, Any], lang: str, max_chars: int, known_words: tuple[str, ...]) -> None:
        self.index = FactIndex.of(facts, known_words)
        self.lang, self.max_chars = lang, max_chars

    def __call__(self, answer: str) -> str:
        data = parse_json_answer(answer)
        text = data.get("text")
        if not isinstance(text, str):
            raise Rejected('the JSON object has no "text" string')
        check_text(text, self.index, self.lang, self.max_chars, min_chars=40 if self.lang == "en" else 15)
        return sanitize(text)


class _ReadingCheck:
    def __init__(self, data: dict[str, Any], lang: str, has_review: bool, known_words: tuple[str, ...]) -> None:
        self.index = FactIndex.of(data, known_words)
        self.lang, self.has_review = lang, has_review

    def __call__(self, answer: str) -> dict[str, Any]:
        data = parse_json_answer(answer)
        summary = data.get("summary")
        if not isinstance(summary, str) or not summary.strip():
            raise Rejected('"summary" is missing or empty')
        check_text(summary, self.index, self.lang, 500, min_chars=10)
        judgement = data.get("judgement", 0)
        if isinstance(judgement, str) and re.fullmatch(r"\s*[-+]?\d+(\.\d+)?\s*", judgement):
            judgement = float(judgement)
        if isinstance(judgement, bool) or not isinstance(judgement, (int, float)):
            raise Rejected('"judgement" must be a number from -1.5 to 1.5')
        if not -JUDGEMENT_LIMIT <= judgement <= JUDGEMENT_LIMIT:
            raise Rejected(f'"judgement" {judgement} is outside -1.5 to 1.5')
        reason = data.get("judgement_reason")
        reason = reason.strip() if isinstance(reason, str) else ""
        if judgement and not reason:
            raise Rejected('"judgement_reason" is empty though "judgement" is not 0')
        if reason:
            check_text(reason, self.index, self.lang, 300)
        conclusion = data.get("review_conclusion")
        conclusion = conclusion.strip() if isinstance(conclusion, str) and self.has_review else ""
        if conclusion:
            check_text(conclusion, self.index, self.lang, 400)
        check_language(" ".join([summary, reason, conclusion]), self.lang)
        return {
            "summary": one_line(summary),
            "review_conclusion": one_line(conclusion) if conclusion else None,
            "judgement": round(float(judgement), 1),
            "judgement_reason": one_line(reason) if reason else None,
        }


def _description(message: str, title: str) -> str:
    """The PR's description from its merge commit's message: the lines after the subject."""
    lines = message.split("\n")
    body = "\n".join(lines[1:]).strip()
    if body.strip() == title.strip():
        return ""  # a merge commit's body is the title again
    return body


def _forge_texts(store: Store, repo_id: int, numbers: list[int]) -> dict[int, tuple[str | None, dict[str, Any] | None]]:
    """The PR's own description and its review discussion, when the store has GitHub data for it."""
    try:
        from prhub.store import github as gh  # present once GitHub data can be synced

        facts = gh.forge_facts(store, repo_id, numbers)
    except Exception:  # no GitHub tables or functions in this store: the git texts only
        return {}
    out: dict[int, tuple[str | None, dict[str, Any] | None]] = {}
    for number, fact in facts.items():
        try:
            reviews = gh.review_bodies(store, repo_id, number)
            threads = gh.review_threads(store, repo_id, number)
        except Exception:
            reviews, threads = [], []
        discussion: dict[str, Any] | None = None
        if reviews or threads:
            discussion = {
                "reviews": [
                    {"author": author, "state": state, "comment": (body or "")[:400]}
                    for author, state, body, _url in reviews[:8]
                ],
                "threads": [
                    {
                        "path": t.path,
                        "resolved": t.resolved,
                        "comments": t.comments_total,
                        "first_comment": (t.first_body or "")[:300],
                    }
                    for t in threads[:10]
                ],
            }
        body = getattr(fact, "body", None)
        out[number] = (body if isinstance(body, str) else None, discussion)
    return out


def _review_input(review: object) -> dict[str, Any] | None:
    data = as_dict(review)
    if not data:
        return None
    text = json.dumps(data, ensure_ascii=False)
    if len(text) > factlib.MAX_REVIEW_CHARS:
        data = {k: v for k, v in data.items() if not isinstance(v, (list, dict))}
        data["truncated"] = True
    return data


def _apply_judgements(ctx: dict[str, Any]) -> None:
    """The judgement joins the importance components; key PRs and the figures follow the new values."""
    importance = as_dict(ctx.get("importance"))
    threshold = as_num(importance.get("key_threshold"))
    prs = as_dicts(ctx.get("prs"))
    for pr in prs:
        reading = as_dict(pr.get("llm"))
        judgement = as_num(reading.get("judgement"))
        if judgement is None:
            continue
        score = pr.setdefault("score", {})
        components = score.setdefault("components", {})
        base = as_num(pr.get("importance")) or 0.0
        components["judgement"] = judgement
        score["judgement_reason"] = reading.get("judgement_reason")
        pr["importance"] = round(max(0.0, min(10.0, base + judgement)), 1)
        if threshold is not None:
            pr["is_key"] = pr["importance"] >= threshold
    if not prs:
        return
    quick = len(ints(ctx.get("key_prs")))
    prs.sort(key=lambda p: -(as_num(p.get("importance")) or 0.0))  # stable: ties keep the analysis' order
    ctx["prs"] = prs
    ctx["key_prs"] = [p["number"] for p in prs[:quick]]
    values = [as_num(p.get("importance")) or 0.0 for p in prs]
    counts = ctx.setdefault("counts", {})
    counts["key_prs"] = sum(1 for p in prs if p.get("is_key"))
    importance["mean"] = round(statistics.fmean(values), 1)
    importance["median"] = round(statistics.median(values), 1)
    buckets = [0] * 10
    for v in values:
        buckets[min(9, int(v))] += 1
    importance["histogram"] = [{"bucket": f"{i}-{i + 1}", "count": c} for i, c in enumerate(buckets)]
