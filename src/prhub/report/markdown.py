"""The whole report as one Markdown document, from the report context only.

Header, the six sections in order, then a compact block of extras
(contributors, first-time contributors, AI-assisted share, reverts, deltas).
The sections come from ctx["sections"] when a writer (rules or an LLM) filled
them, else from prose.write_sections.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prhub.report import mdtext
from prhub.report.phrases import HEADINGS, MARKDOWN, NOTICES, SECTION_KEYS, WRITERS
from prhub.report.prose import Voice, notice_text, percent, write_sections
from prhub.report.values import as_dict, as_dicts, as_int, as_num, ints, pr_ref, strs


def _words(lang: str) -> Callable[..., str]:
    """The catalogue's Markdown templates of ``lang``, filled: ``say(key, n=..., **values)``."""
    table = MARKDOWN[lang]

    def say(key: str, /, **values: object) -> str:
        template = table[key]
        if isinstance(template, tuple):
            template = template[0] if values.get("n") == 1 else template[1]
        return template.format(**values)

    return say


def render_markdown(ctx: dict[str, Any]) -> str:
    lang = "zh" if ctx.get("language") == "zh" else "en"
    sections = _sections(ctx)
    parts = [_header(ctx, lang)]
    notes = [notice_text(n, ctx) for n in as_dicts(ctx.get("notices"))]
    if notes:
        parts.append("\n>\n".join(NOTICES[lang]["prefix"].format(text=note) for note in notes if note))
    for key in SECTION_KEYS:
        parts.append(f"## {HEADINGS[lang][key]}\n\n{sections[key]}")
    extras = _extras(ctx, lang)
    if extras:
        parts.append(f"## {HEADINGS[lang]['extras']}\n\n{extras}")
    return "\n\n".join(parts).rstrip() + "\n"


def _sections(ctx: dict[str, Any]) -> dict[str, str]:
    given = as_dict(ctx.get("sections"))
    if all(isinstance(given.get(key), str) and given[key].strip() for key in SECTION_KEYS):
        return {key: given[key].strip() for key in SECTION_KEYS}
    written = write_sections(ctx)
    # a writer may have filled some sections only; the rules fill the rest
    return {
        key: given[key].strip() if isinstance(given.get(key), str) and given[key].strip() else written[key]
        for key in SECTION_KEYS
    }


def _header(ctx: dict[str, Any], lang: str) -> str:
    say = _words(lang)
    repo = as_dict(ctx.get("repo"))
    period = as_dict(ctx.get("period"))
    counts = as_dict(ctx.get("counts"))
    kind = period.get("kind") if period.get("kind") in ("week", "month") else "range"
    slug = mdtext.text(repo.get("slug") or "?")
    title = say("title", title=say(f"title.{kind}"), slug=slug)
    label = mdtext.text(period.get("label") or period.get("slug") or "")
    facts = [say("repository", repo=mdtext.link(slug, repo.get("url"))), f"**{label}**"]
    merged = as_int(counts.get("merged_prs"))
    if merged is not None:
        facts.append(say("merged", n=merged))
    key = as_int(counts.get("key_prs"))
    if key is not None:
        facts.append(say("key", n=key))
    writer = as_dict(ctx.get("generated")).get("writer")
    by = say("by_rules") if writer in (None, "", "rules") else say("by_model", writer=mdtext.text(writer))
    made = say("generated", by=by)
    permalink = ctx.get("permalink")
    if isinstance(permalink, str) and permalink.strip():
        made += say("permalink", url=mdtext.code(permalink))
    lines = [title, "", " · ".join(facts), "", f"_{made}_"]
    by_section = _writers_line(ctx, lang)
    if by_section:
        lines += ["", by_section]
    return "\n".join(lines)


def _writers_line(ctx: dict[str, Any], lang: str) -> str:
    """Which sections the model wrote and which the templates did, when a model took part."""
    generated = as_dict(ctx.get("generated"))
    writers = as_dict(generated.get("sections"))
    model = as_dict(ctx.get("llm")).get("model")
    if not writers or not isinstance(model, str):
        return ""
    by_model = [HEADINGS[lang][k] for k in SECTION_KEYS if writers.get(k) == "llm"]
    by_rules = [HEADINGS[lang][k] for k in SECTION_KEYS if writers.get(k) != "llm"]
    name = mdtext.text(model)
    words, sep = WRITERS[lang], MARKDOWN[lang]["list_sep"]
    parts = [
        words["model"].format(model=name, sections=sep.join(by_model))
        if by_model
        else words["model_none"].format(model=name)
    ]
    if by_rules:
        parts.append(words["rules"].format(sections=sep.join(by_rules)))
    return words["line"].format(parts=words["sep"].join(parts))


def _extras(ctx: dict[str, Any], lang: str) -> str:
    say = _words(lang)
    voice = Voice(lang, "extras")
    sep = say("list_sep")
    prs_by_number = {n: pr for pr in as_dicts(ctx.get("prs")) if (n := as_int(pr.get("number"))) is not None}
    lines: list[str] = []

    contributors = as_dict(ctx.get("contributors"))
    top = [c for c in as_dicts(contributors.get("top")) if isinstance(c.get("name"), str) and as_int(c.get("prs"))]
    if top:
        names = sep.join(say("counted", name=mdtext.text(c["name"]), n=c["prs"]) for c in top[:8])
        lines.append(say("top_authors", names=names))
    first = [c for c in as_dicts(contributors.get("first_time")) if isinstance(c.get("name"), str)]
    if first:
        shown = []
        for person in first[:10]:
            prs = sep.join(pr_ref(n, prs_by_number) for n in ints(person.get("prs"))[:3])
            name = mdtext.text(person["name"])
            shown.append(say("counted", name=name, n=prs) if prs else name)
        total = as_int(as_dict(ctx.get("counts")).get("first_time_authors"))
        total = total if total is not None and total >= len(first) else len(first)
        if len(first) > len(shown):
            shown.append(say("more"))
        lines.append(say("first_time", n=total, names=sep.join(shown)))

    ai = as_dict(ctx.get("ai_assisted"))
    ai_count, share = as_int(ai.get("count")), as_num(ai.get("share"))
    if ai_count and share is not None:
        tools = sep.join(
            f"{mdtext.text(a['name'])} {a['prs']}"
            for a in as_dicts(ai.get("assistants"))
            if isinstance(a.get("name"), str) and as_int(a.get("prs")) is not None
        )
        lines.append(say("ai", n=ai_count, pct=percent(share)) + (say("ai_tools", tools=tools) if tools else ""))

    reverts = []
    for rv in as_dicts(ctx.get("reverts"))[:8]:
        number = as_int(rv.get("number"))
        if number is None:
            continue
        original = as_int(rv.get("reverts_pr"))
        title = mdtext.text(mdtext.shorten(rv.get("title") or "", 60))
        item = say("revert_item", number=number, title=title) if title else pr_ref(number, prs_by_number)
        if original is not None:
            item += say("reverts_pr", number=original)
        reverts.append(item)
    if reverts:
        lines.append(say("reverts", items=say("reverts_sep").join(reverts)))

    direct = [d for d in as_dicts(ctx.get("direct_commits")) if isinstance(d.get("title"), str)]
    if direct:
        shown = [
            say(
                "direct_item",
                sha=mdtext.code(str(d.get("sha") or "")[:10]),
                title=mdtext.text(mdtext.shorten(d["title"], 70)),
            )
            for d in direct[:12]
        ]
        if len(direct) > len(shown):
            shown.append(say("direct_more", n=len(direct) - len(shown)))
        lines.append(say("direct", n=len(direct), items=say("reverts_sep").join(shown)))

    deltas = as_dict(ctx.get("deltas"))
    merged = as_dict(deltas.get("merged_prs"))
    bits = []
    current, previous, change = (as_int(merged.get(k)) for k in ("current", "previous", "change"))
    if current is not None and previous is not None and change is not None and (current or previous):
        signed = f"+{change}" if change > 0 else f"−{abs(change)}" if change < 0 else "±0"
        bits.append(say("delta_merged", current=current, previous=previous, signed=signed))
    rising = [mdtext.text(s) for s in strs(deltas.get("labels_rising"))]
    if rising:
        bits.append(say("delta_labels", labels=voice.join(rising)))
    new = [mdtext.text(s) for s in strs(deltas.get("themes_new"))]
    if new:
        bits.append(say("delta_themes", themes=voice.join(new)))
    if bits:
        lines.append(say("deltas", items=say("deltas_sep").join(bits)))
    return "\n".join(f"- {line}" for line in lines)
