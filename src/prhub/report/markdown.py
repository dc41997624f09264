"""The whole report as one Markdown document, from the report context only.

Header, the six sections in order, then a compact block of extras
(contributors, first-time contributors, AI-assisted share, reverts, deltas).
The sections come from ctx["sections"] when a writer (rules or an LLM) filled
them, else from prose.write_sections.
"""

from __future__ import annotations

from typing import Any

from prhub.report import mdtext
from prhub.report.phrases import HEADINGS, SECTION_KEYS
from prhub.report.prose import Voice, percent, write_sections
from prhub.report.values import as_dict, as_dicts, as_int, as_num, ints, strs

_TITLES = {
    "en": {"week": "Weekly PR report", "month": "Monthly PR report", "range": "PR report"},
    "zh": {"week": "每周 PR 报告", "month": "月度 PR 报告", "range": "PR 报告"},
}


def render_markdown(ctx: dict[str, Any]) -> str:
    lang = "zh" if ctx.get("language") == "zh" else "en"
    sections = _sections(ctx)
    parts = [_header(ctx, lang)]
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
    repo = as_dict(ctx.get("repo"))
    period = as_dict(ctx.get("period"))
    counts = as_dict(ctx.get("counts"))
    kind = period.get("kind") if period.get("kind") in ("week", "month") else "range"
    slug = mdtext.text(repo.get("slug") or "?")
    repo_md = mdtext.link(slug, repo.get("url"))
    title = f"# {slug} {_TITLES[lang][kind]}" if lang == "zh" else f"# {_TITLES[lang][kind]}: {slug}"
    merged = as_int(counts.get("merged_prs"))
    key = as_int(counts.get("key_prs"))
    writer = as_dict(ctx.get("generated")).get("writer")
    label = mdtext.text(period.get("label") or period.get("slug") or "")
    if lang == "zh":
        facts = [f"仓库 {repo_md}", f"**{label}**"]
        if merged is not None:
            facts.append(f"合并 {merged} 个 PR")
        if key is not None:
            facts.append(f"重点 PR {key} 个")
        by = "规则模板" if writer in (None, "", "rules") else f"模型 {mdtext.text(writer)}"
        made = f"由 prhub 自动生成（{by}）"
    else:
        facts = [f"Repository {repo_md}", f"**{label}**"]
        if merged is not None:
            facts.append(f"{merged} merged PRs")
        if key is not None:
            facts.append(f"{key} key PRs")
        by = "rules" if writer in (None, "", "rules") else mdtext.text(writer)
        made = f"Generated automatically by prhub ({by})"
    permalink = ctx.get("permalink")
    if isinstance(permalink, str) and permalink.strip():
        made += f" · {'永久链接：' if lang == 'zh' else 'permalink: '}{mdtext.code(permalink)}"
    return "\n".join([title, "", " · ".join(facts), "", f"_{made}_"])


def _extras(ctx: dict[str, Any], lang: str) -> str:
    zh = lang == "zh"
    voice = Voice(lang, "extras")
    sep = "、" if zh else ", "
    lines: list[str] = []

    def counted(name: str, n: object) -> str:
        return f"{name}（{n}）" if zh else f"{name} ({n})"

    contributors = as_dict(ctx.get("contributors"))
    top = [c for c in as_dicts(contributors.get("top")) if isinstance(c.get("name"), str) and as_int(c.get("prs"))]
    if top:
        names = sep.join(counted(mdtext.text(c["name"]), c["prs"]) for c in top[:8])
        lines.append(f"**最活跃的作者**：{names}" if zh else f"**Most active authors:** {names}")
    first = [c for c in as_dicts(contributors.get("first_time")) if isinstance(c.get("name"), str)]
    if first:
        shown = []
        for person in first[:10]:
            prs = ("、" if zh else ", ").join(f"#{n}" for n in ints(person.get("prs"))[:3])
            shown.append(counted(mdtext.text(person["name"]), prs) if prs else mdtext.text(person["name"]))
        total = as_int(as_dict(ctx.get("counts")).get("first_time_authors"))
        total = total if total is not None and total >= len(first) else len(first)
        if len(first) > len(shown):
            shown.append("……" if zh else "…")
        if zh:
            lines.append(f"**首次贡献者（{total} 位）**：{sep.join(shown)}")
        else:
            lines.append(f"**First-time contributors ({total}):** {sep.join(shown)}")

    ai = as_dict(ctx.get("ai_assisted"))
    ai_count, share = as_int(ai.get("count")), as_num(ai.get("share"))
    if ai_count and share is not None:
        tools = sep.join(
            f"{mdtext.text(a['name'])} {a['prs']}"
            for a in as_dicts(ai.get("assistants"))
            if isinstance(a.get("name"), str) and as_int(a.get("prs")) is not None
        )
        if zh:
            line = f"**AI 协作**：{ai_count} 个 PR（{percent(share)}%）" + (f"；{tools}" if tools else "")
        else:
            line = f"**AI-assisted:** {ai_count} PRs ({percent(share)}%)" + (f"; {tools}" if tools else "")
        lines.append(line)

    reverts = []
    for rv in as_dicts(ctx.get("reverts"))[:8]:
        number = as_int(rv.get("number"))
        if number is None:
            continue
        original = as_int(rv.get("reverts_pr"))
        title = mdtext.text(mdtext.shorten(rv.get("title") or "", 60))
        item = f"#{number} “{title}”" if title else f"#{number}"
        if original is not None:
            item += f"（回滚 #{original}）" if zh else f" (reverts #{original})"
        reverts.append(item)
    if reverts:
        lines.append(f"**回滚**：{'；'.join(reverts)}" if zh else f"**Reverts:** {'; '.join(reverts)}")

    deltas = as_dict(ctx.get("deltas"))
    merged = as_dict(deltas.get("merged_prs"))
    bits = []
    current, previous, change = (as_int(merged.get(k)) for k in ("current", "previous", "change"))
    if current is not None and previous is not None and change is not None and (current or previous):
        signed = f"+{change}" if change > 0 else f"−{abs(change)}" if change < 0 else "±0"
        if zh:
            bits.append(f"合并 PR {current}（上期 {previous}，{signed}）")
        else:
            bits.append(f"merged PRs {current} (previous {previous}, {signed})")
    rising = [mdtext.text(s) for s in strs(deltas.get("labels_rising"))]
    if rising:
        bits.append(f"上升的标签：{voice.join(rising)}" if zh else f"rising labels: {voice.join(rising)}")
    new = [mdtext.text(s) for s in strs(deltas.get("themes_new"))]
    if new:
        bits.append(f"新主题：{voice.join(new)}" if zh else f"new themes: {voice.join(new)}")
    if bits:
        lines.append(f"**环比**：{'；'.join(bits)}" if zh else f"**Against the previous period:** {'; '.join(bits)}")
    return "\n".join(f"- {line}" for line in lines)
