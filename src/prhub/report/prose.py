"""The six sections of the weekly report, written from the report context alone.

The writer is deterministic: the same context gives the same words. It still
varies from week to week in two ways: sentences are chosen by the facts (a
quiet week, one dominant theme, a spike of reverts, rising or falling counts),
and where several phrasings fit, one is picked by a seed made of the
repository and the period, so consecutive weeks do not repeat each other.

Every number printed is a number of the context (a value, a list's length,
a share as a percentage); every PR cited is a PR of the context. Untrusted
text (titles, names, labels, paths) is escaped for Markdown on the way in.
"""

from __future__ import annotations

import hashlib
import random
import re
import string
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from prhub.report import mdtext
from prhub.report.phrases import (
    COMPONENT_NAMES,
    GRAMMAR,
    KIND_ALIASES,
    KIND_NAMES,
    NOTICES,
    NOUNS,
    PERIOD_WORDS,
    PHRASES,
    RECOMMENDATIONS,
    REVIEW_STATES,
    RISK_NAMES,
    RISK_WATCH,
    SECTION_KEYS,
)
from prhub.report.values import as_dict, as_dicts, as_int, as_num, ints, pr_ref, strs

__all__ = ["SECTION_KEYS", "recommendation_text", "write_sections"]

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATINISH = re.compile(r"[A-Za-z0-9#%+`\[]")  # not "*": a space inside ** would break the bold
_TESTISH = re.compile(r"(^|/)(tests?|testsuite|testdata|__tests__|specs?|fixtures)(/|$)")
_FORMATTER = string.Formatter()


def one_decimal(value: float) -> str:
    return f"{value:.1f}"


# -- language: picking and gluing phrases


def glue(left: str, right: str, lang: str) -> str:
    """Concatenate, with the space Chinese typesetting puts between Han and Latin text."""
    if lang == "zh" and left and right and not left[-1].isspace() and not right[0].isspace():
        a, b = left[-1], right[0]
        if (_CJK.match(a) and _LATINISH.match(b)) or (_LATINISH.match(a) and _CJK.match(b)):
            return f"{left} {right}"
    return left + right


class Voice:
    """Phrases in one language, the variant chosen by a seed (the period) and the phrase key."""

    def __init__(self, lang: str, seed: str, period_kind: str = "week") -> None:
        self.lang = lang if lang in PHRASES else "en"
        self.seed = seed
        self.uses: Counter[str] = Counter()
        self.last: dict[str, int] = {}
        self.words = PERIOD_WORDS[self.lang].get(period_kind, PERIOD_WORDS[self.lang]["range"])

    def pick(self, variants: Sequence[str], key: str) -> str:
        self.uses[key] += 1
        digest = hashlib.sha256(f"{self.seed}|{key}|{self.uses[key]}".encode()).digest()
        index = random.Random(digest).randrange(len(variants))
        if index == self.last.get(key) and len(variants) > 1:
            index = (index + 1) % len(variants)  # never the same wording twice in a row
        self.last[key] = index
        return variants[index]

    def fill(self, template: str, values: dict[str, object]) -> str:
        out = ""
        for literal, field, _spec, _conv in _FORMATTER.parse(template):
            out = glue(out, literal, self.lang)
            if field is not None:
                out = glue(out, str(values[field]), self.lang)
        return out

    def say(self, phrase: str, /, **values: object) -> str:
        return self.fill(self.pick(PHRASES[self.lang][phrase], phrase), {**self.words, **values})

    def say_n(self, phrase: str, n: int, /, **values: object) -> str:
        """The phrase for a count of ``n``: its ``.one`` wording when n is 1 and the language has one."""
        one = f"{phrase}.one"
        return self.say(one if n == 1 and one in PHRASES[self.lang] else phrase, **values)

    def count(self, n: int, noun: str) -> str:
        one, many = NOUNS[self.lang][noun]
        return f"{n} {one if n == 1 else many}"

    def join(self, items: Sequence[str]) -> str:
        """'a, b and c' / 'a、b 和 c'."""
        items = [item for item in items if item]
        if not items:
            return ""
        if len(items) == 1:
            return items[0]
        g = GRAMMAR[self.lang]
        head = ""
        for item in items[:-1]:
            head = glue(head + (g["list_sep"] if head else ""), item, self.lang)
        return glue(glue(head, g["list_last"], self.lang), items[-1], self.lang)

    def sentences(self, parts: Iterable[str]) -> str:
        out = ""
        for part in (p for p in parts if p):
            out = glue(out + (GRAMMAR[self.lang]["sentence_sep"] if out else ""), part, self.lang)
        return out

    def clauses(self, parts: Sequence[str]) -> str:
        """Short clauses joined into one sentence: 'A; b; c.' / 'A；B。'."""
        parts = [p for p in parts if p]
        if not parts:
            return ""
        g = GRAMMAR[self.lang]
        first = parts[0][0].upper() + parts[0][1:]  # a no-op for Han text
        return g["clause_sep"].join([first, *parts[1:]]) + g["clause_end"]


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


# -- the facts, read once from the context


class Facts:
    """Typed, defensive access to the context; nothing here invents a value."""

    def __init__(self, ctx: dict[str, Any]) -> None:
        self.ctx = ctx
        self.lang = "zh" if ctx.get("language") == "zh" else "en"
        self.prs: dict[int, dict[str, Any]] = {}
        for pr in as_dicts(ctx.get("prs")):
            number = as_int(pr.get("number"))
            if number is not None:
                self.prs.setdefault(number, pr)
        counts = as_dict(ctx.get("counts"))
        self.counts = counts
        self.merged = as_int(counts.get("merged_prs"))
        if self.merged is None:
            self.merged = len(as_dicts(ctx.get("prs")))
        self.key_count = as_int(counts.get("key_prs"))
        importance = as_dict(ctx.get("importance"))
        self.mean = as_num(importance.get("mean"))
        self.threshold = as_num(importance.get("key_threshold"))
        self.period = as_dict(ctx.get("period"))
        self.kind = self.period.get("kind") if self.period.get("kind") in ("week", "month") else "range"
        self.themes = as_dicts(ctx.get("themes"))
        self.labels = [lb for lb in as_dicts(ctx.get("labels")) if isinstance(lb.get("name"), str)]
        self.hot_files = [hf for hf in as_dicts(ctx.get("hot_files")) if isinstance(hf.get("path"), str)]
        self.risks = [rk for rk in as_dicts(ctx.get("risks")) if isinstance(rk.get("tag"), str)]
        self.deltas = as_dict(ctx.get("deltas"))
        history = as_dicts(ctx.get("history"))
        # weeks before the repository's first PR are not quiet weeks: drop the leading empty ones
        while history and not as_int(history[0].get("merged_prs")):
            history = history[1:]
        self.history = history

    def seed(self) -> str:
        repo = as_dict(self.ctx.get("repo")).get("slug", "")
        return f"{repo}|{self.period.get('slug') or self.period.get('start', '')}|{self.lang}"

    def importance(self, number: int) -> float:
        return as_num(self.prs.get(number, {}).get("importance")) or 0.0

    def by_importance(self, numbers: Iterable[int]) -> list[int]:
        unique = list(dict.fromkeys(numbers))
        return sorted(unique, key=lambda n: (-self.importance(n), n))

    def theme_numbers(self, theme: dict[str, Any]) -> list[int]:
        return ints(theme.get("prs"))

    def ranked_themes(self) -> list[dict[str, Any]]:
        """Most important first: the summed importance of a theme's PRs, then its size."""

        def weight(theme: dict[str, Any]) -> tuple[bool, float, int, str]:
            numbers = self.theme_numbers(theme)
            # a line of work or an area says more than a kind of change (Dependency updates, Bug fixes)
            kind_only = theme.get("topic") is False
            return (kind_only, -sum(self.importance(n) for n in numbers), -len(numbers), str(theme.get("name", "")))

        return sorted((t for t in self.themes if isinstance(t.get("name"), str)), key=weight)

    def biggest_themes(self) -> list[dict[str, Any]]:
        """The named themes with PRs, biggest first: the order of the summary and the trends table."""
        named = [t for t in self.themes if isinstance(t.get("name"), str) and self.theme_numbers(t)]
        return sorted(named, key=lambda t: -len(self.theme_numbers(t)))

    def theme_trend(self, theme: dict[str, Any]) -> tuple[str | None, int | None]:
        """The theme's trend, and the previous count when it agrees with the trend.

        The trend may compare with several earlier periods, so the previous
        count is quoted only where it tells the same story ("up from 8" under
        "rising"), never where the two would contradict each other.
        """
        trend = theme.get("trend")
        if trend not in ("new", "rising", "falling", "steady"):
            return None, None
        previous, current = as_int(theme.get("previous_count")), len(self.theme_numbers(theme))
        agrees = previous is not None and (
            (trend == "rising" and current > previous) or (trend == "falling" and current < previous)
        )
        return str(trend), previous if agrees else None

    def all_themes_new(self) -> bool:
        return bool(self.themes) and all(t.get("trend") == "new" for t in self.themes)

    def representatives(self, theme: dict[str, Any], limit: int = 3) -> list[int]:
        chosen = ints(theme.get("representative_prs"))
        chosen += self.by_importance(self.theme_numbers(theme))
        return list(dict.fromkeys(chosen))[:limit]

    def previous_counts(self) -> list[int]:
        """PR counts of the earlier periods in the history (the current one excluded)."""
        current = str(self.period.get("start", ""))[:10]
        counts = []
        for entry in self.history:
            value = as_int(entry.get("merged_prs"))
            if value is not None and str(entry.get("start", ""))[:10] != current:
                counts.append(value)
        return counts

    def pace(self) -> str:
        """quiet, busy or normal, judged against the history when there is one."""
        earlier = self.previous_counts()
        if len(earlier) >= 3:
            if self.merged > max(earlier):
                return "busy"
            if self.merged <= 0.6 * (sum(earlier) / len(earlier)):
                return "quiet"
            return "normal"
        return "quiet" if self.merged <= 3 else "normal"

    def reverts(self) -> int:
        value = as_int(self.counts.get("reverts"))
        return value if value is not None else len(as_dicts(self.ctx.get("reverts")))

    def revert_spike(self) -> bool:
        n = self.reverts()
        return n >= 3 or (n >= 2 and self.merged > 0 and n / self.merged >= 0.05)

    def kinds(self, numbers: Iterable[int]) -> list[tuple[str, int]]:
        counter: Counter[str] = Counter()
        for n in numbers:
            kind = self.prs.get(n, {}).get("kind")
            if isinstance(kind, str):
                kind = KIND_ALIASES.get(kind.lower(), kind.lower())
                if kind in KIND_NAMES["en"]:
                    counter[kind] += 1
        return counter.most_common()

    def common_directory(self, numbers: Sequence[int]) -> str | None:
        """The directory that at least half of these PRs touch, if one does."""
        counter: Counter[str] = Counter()
        for n in numbers:
            # the root ("." or "") is no place a change is centred on
            counter.update(d for d in set(strs(self.prs.get(n, {}).get("directories"))) if d.strip("./"))
        if not counter or not numbers:
            return None
        held = [(d, hits) for d, hits in counter.items() if hits * 2 >= len(numbers) and hits >= 2]
        if not held:
            return None
        # the code before its tests (a JSON theme is centred on flask/json, not on tests), then
        # the directory most of them share, then the most specific of those
        return max(held, key=lambda item: (not _TESTISH.search(item[0]), item[1], item[0].count("/"), item[0]))[0]

    def pr_tags(self, number: int) -> list[str]:
        tags = [r.get("tag") for r in as_dicts(self.prs.get(number, {}).get("risks"))]
        return list(dict.fromkeys(t for t in tags if isinstance(t, str)))

    def evidence(self, number: int, tag: str) -> str | None:
        for risk in as_dicts(self.prs.get(number, {}).get("risks")):
            if risk.get("tag") == tag and isinstance(risk.get("evidence"), str) and risk["evidence"].strip():
                return risk["evidence"]
        return None


# -- pieces of Markdown shared by the sections


class Writer:
    def __init__(self, ctx: dict[str, Any]) -> None:
        self.f = Facts(ctx)
        self.v = Voice(self.f.lang, self.f.seed(), self.f.kind)
        self.lang = self.f.lang

    def ref(self, number: int) -> str:
        return pr_ref(number, self.f.prs)

    def titled(self, number: int) -> str:
        title = self.f.prs.get(number, {}).get("title")
        if not isinstance(title, str) or not title.strip():
            return self.ref(number)
        return f"{self.ref(number)} “{mdtext.text(mdtext.shorten(title, 72))}”"

    def risk_name(self, tag: str) -> str:
        return RISK_NAMES[self.lang].get(tag) or mdtext.text(tag)

    def kind_name(self, kind: str) -> str:
        return KIND_NAMES[self.lang][kind]

    def prs_count(self, n: int) -> str:
        return self.v.count(n, "pr")

    def theme_name(self, theme: dict[str, Any]) -> str:
        return mdtext.text(theme.get("name", ""))

    def kind_mix(self, numbers: Sequence[int]) -> tuple[str, str | None] | None:
        """The dominant kind, or the two leading kinds when none dominates."""
        kinds = self.f.kinds(numbers)
        if not kinds:
            return None
        known = sum(c for _, c in kinds)
        if len(kinds) == 1 or kinds[0][1] * 10 >= known * 6:
            return self.kind_name(kinds[0][0]), None
        second = kinds[1][0]
        if self.kind_name(second) == self.kind_name(kinds[0][0]) and len(kinds) > 2:
            second = kinds[2][0]
        if self.kind_name(second) == self.kind_name(kinds[0][0]):
            return self.kind_name(kinds[0][0]), None
        return self.kind_name(kinds[0][0]), self.kind_name(second)

    # -- 1. executive summary

    def summary(self) -> str:
        f, v = self.f, self.v
        if f.merged == 0:
            parts = [v.say("sum.empty")]
            direct = as_int(f.counts.get("direct_commits")) or 0
            if direct:
                parts.append(capitalize(v.say("sum.empty_direct", direct=v.count(direct, "commit"))))
            return v.sentences(parts)
        parts = [self._opening(), self._delta()]
        if f.revert_spike():
            parts.append(v.say("sum.revert_spike", reverts=v.count(f.reverts(), "revert"), reverts_n=f.reverts()))
        parts += [self._summary_themes(), self._summary_labels(), self._summary_files(), self._summary_risk()]
        parts.append(self._summary_extras())
        return v.sentences(parts)

    def _opening(self) -> str:
        f, v = self.f, self.v
        threshold = one_decimal(f.threshold) if f.threshold is not None else "6.0"
        if f.key_count:
            key_phrase = v.say("sum.key_some", key=v.count(f.key_count, "pr"), key_n=f.key_count, threshold=threshold)
        elif f.key_count == 0 and f.threshold is not None:
            key_phrase = v.say("sum.key_none", threshold=threshold)
        else:
            key_phrase = ""
        pace = f.pace()
        key = {"quiet": "sum.open_quiet", "busy": "sum.open_busy"}.get(pace, "sum.open")
        mean = one_decimal(f.mean) if f.mean is not None else None
        if key_phrase == "" or mean is None:
            # without the key figures the opening shrinks to the count
            return capitalize(v.say("sum.open_bare", merged=self.prs_count(f.merged)))
        text = v.say(
            key,
            merged=self.prs_count(f.merged),
            key_phrase=key_phrase,
            mean=mean,
            n_history=len(f.history),
        )
        return capitalize(text)

    def _delta(self) -> str:
        merged = as_dict(self.f.deltas.get("merged_prs"))
        change, previous = as_int(merged.get("change")), as_int(merged.get("previous"))
        if change is None or previous is None:
            return ""
        if previous == 0 and change > 0:
            # nothing before: either the first period of the history, or a truly empty one
            return "" if len(self.f.history) <= 1 else capitalize(self.v.say("sum.delta_from_zero"))
        key = "sum.delta_up" if change > 0 else "sum.delta_down" if change < 0 else "sum.delta_same"
        return self.v.say(key, change=abs(change), previous=previous)

    def _theme_item(self, theme: dict[str, Any]) -> str:
        return self._counted(self.theme_name(theme), len(self.f.theme_numbers(theme)))

    def _summary_themes(self) -> str:
        f, v = self.f, self.v
        themes = f.biggest_themes()
        if not themes:
            return ""
        top = themes[0]
        top_n = len(f.theme_numbers(top))
        # "Other changes" is no theme, but a summary naming the themes must not hide that more PRs
        # fit none of them than the biggest holds, or a quarter of the period's
        unthemed = len(f.theme_numbers(as_dict(f.ctx.get("other_theme"))))
        if unthemed and f.merged >= 8 and unthemed >= top_n:
            items = v.join([self._theme_item(t) for t in themes[:3]])
            return v.say("sum.themes_scattered", count=self.prs_count(unthemed), themes=items)
        said = self._summary_named_themes(themes, top, top_n)
        if unthemed and f.merged >= 8 and unthemed * 4 >= f.merged:
            return v.sentences([said, v.say("sum.themes_other", count=self.prs_count(unthemed))])
        return said

    def _summary_named_themes(self, themes: list[dict[str, Any]], top: dict[str, Any], top_n: int) -> str:
        f, v = self.f, self.v
        if f.merged >= 8 and top_n * 10 >= f.merged * 4:
            others = [self._theme_item(t) for t in themes[1:3]]
            if not others:
                return v.say("sum.themes_dominant_alone", top=self.theme_name(top), top_n=top_n, merged_n=f.merged)
            return v.say(
                "sum.themes_dominant",
                top=self.theme_name(top),
                top_n=top_n,
                merged_n=f.merged,
                others=v.join(others),
            )
        return v.say("sum.themes", themes=v.join([self._theme_item(t) for t in themes[:3]]))

    def _counted(self, name: str, n: int) -> str:
        return GRAMMAR[self.lang]["counted"].format(name=name, n=n)

    def _summary_labels(self) -> str:
        labels = [lb for lb in self.f.labels if as_int(lb.get("count")) is not None][:3]
        if not labels:
            return ""
        first, first_n = mdtext.text(labels[0]["name"]), labels[0]["count"]
        if len(labels) == 1:
            return self.v.say("sum.labels_one", first=first, first_n=first_n)
        rest = self.v.join([self._counted(mdtext.text(lb["name"]), lb["count"]) for lb in labels[1:]])
        every = self.v.join([self._counted(mdtext.text(lb["name"]), lb["count"]) for lb in labels])
        if labels[1]["count"] >= first_n:  # a tie: no label "leads"
            return self.v.say("sum.labels_tie", all=every)
        return self.v.say("sum.labels", first=first, first_n=first_n, rest=rest, all=every)

    def _summary_files(self) -> str:
        files = [hf for hf in self.f.hot_files if as_int(hf.get("prs")) is not None][:3]
        if not files:
            return ""
        first, first_n = mdtext.code(files[0]["path"]), self.prs_count(files[0]["prs"])
        if len(files) == 1:
            return self.v.say("sum.files_one", first=first, first_n=first_n)
        rest = self.v.join([self._counted(mdtext.code(hf["path"]), hf["prs"]) for hf in files[1:]])
        if files[1]["prs"] >= files[0]["prs"]:  # a tie: no file "leads"
            every = self.v.join([self._counted(mdtext.code(hf["path"]), hf["prs"]) for hf in files])
            return self.v.say("sum.files_tie", all=every)
        return self.v.say("sum.files", first=first, first_n=first_n, rest=rest)

    def _summary_risk(self) -> str:
        risks = [rk for rk in self.f.risks if as_int(rk.get("count"))]
        if not risks:
            return ""
        top = max(risks, key=lambda rk: rk["count"])
        name = self.risk_name(top["tag"])
        values = {"tag": name, "tag_cap": capitalize(name), "count": self.prs_count(top["count"])}
        # the rule itself is spelled out under Risk observations; here the count is enough
        return self.v.say("sum.risk", **values)

    def _summary_extras(self) -> str:
        f, v = self.f, self.v
        clauses = []
        authors, first = as_int(f.counts.get("authors")), as_int(f.counts.get("first_time_authors"))
        if authors:
            if first and first >= authors:
                clauses.append(v.say("sum.authors_all_first", authors=v.count(authors, "person")))
            elif first:
                clauses.append(
                    v.say_n(
                        "sum.authors_first",
                        first,
                        authors=v.count(authors, "person"),
                        authors_n=authors,
                        first=first,
                        first_n=first,
                    )
                )
            else:
                clauses.append(v.say("sum.authors", authors=v.count(authors, "person")))
        direct = as_int(f.counts.get("direct_commits"))
        if direct:
            clauses.append(v.say_n("sum.direct", direct, direct=v.count(direct, "commit")))
        ai = as_dict(f.ctx.get("ai_assisted"))
        ai_count = as_int(ai.get("count"))
        if ai_count is None:
            ai_count = as_int(f.counts.get("ai_assisted"))
        share = as_num(ai.get("share"))
        if ai_count and share is not None:
            clauses.append(v.say("sum.ai", ai=self.prs_count(ai_count), pct=percent(share)))
        reverts = f.reverts()
        if reverts and not f.revert_spike():
            clauses.append(v.say_n("sum.reverts", reverts, reverts=v.count(reverts, "revert")))
        return v.clauses(clauses)

    # -- 2. key changes

    def key_changes(self) -> str:
        f, v = self.f, self.v
        if f.merged == 0 and not f.prs:
            return v.say("kc.none")
        themes = [t for t in f.ranked_themes() if f.theme_numbers(t)][:3]
        if not themes:
            top = f.by_importance(ints(f.ctx.get("key_prs")) or list(f.prs))[:3]
            if not top:
                return v.say("kc.none")
            return v.say("kc.no_themes", prs=v.join([self.titled(n) for n in top]))
        return "\n\n".join(self._theme_paragraph(t) for t in themes)

    def _trend_clause(self, theme: dict[str, Any], prefix: str) -> str:
        trend, previous = self.f.theme_trend(theme)
        if trend is None or (trend == "new" and self.f.all_themes_new()):
            return ""  # with nothing earlier to compare, "new" says nothing
        if previous is None:
            return self.v.say(f"{prefix}_{trend}" + ("_bare" if trend in ("rising", "falling") else ""))
        return self.v.say(f"{prefix}_{trend}", prev_n=previous)

    def _theme_paragraph(self, theme: dict[str, Any]) -> str:
        f, v = self.f, self.v
        numbers = f.theme_numbers(theme)
        head = v.say(
            "kc.head",
            name=self.theme_name(theme),
            count=self.prs_count(len(numbers)),
            trend=self._trend_clause(theme, "kc.trend"),
        )
        reps = v.join([self.titled(n) for n in f.representatives(theme)])
        authors = [mdtext.text(a) for a in strs(theme.get("lead_authors"))[:2]]
        if authors:
            reps_sentence = v.say("kc.reps", prs=reps, authors=v.join(authors))
        else:
            reps_sentence = v.fill(PHRASES[self.lang]["kc.reps"][0], {"prs": reps})
        return v.sentences([head, reps_sentence, self._together(numbers), self._why(theme, numbers)])

    def _together(self, numbers: Sequence[int]) -> str:
        mix = self.kind_mix(numbers)
        directory = self.f.common_directory(numbers)
        where = self.v.say("kc.where", dir=mdtext.code(directory)) if directory else ""
        if mix is None:
            return ""
        kind, kind2 = mix
        if kind2 is None:
            return self.v.say("kc.together_mostly", kind=kind, where=where)
        return self.v.say("kc.together_mix", kind=kind, kind2=kind2, where=where)

    def _why(self, theme: dict[str, Any], numbers: Sequence[int]) -> str:
        """The reasons this theme matters, the most specific first, at most two."""
        f, v = self.f, self.v
        reasons: list[str] = []
        key = [n for n in f.by_importance(numbers) if f.prs.get(n, {}).get("is_key")]
        if key:
            reasons.append(v.say("why.key", pr=self.ref(key[0]), importance=one_decimal(f.importance(key[0]))))
        tags = Counter(tag for n in numbers for tag in f.pr_tags(n))
        if tags["core-path"] and tags["core-path"] * 3 >= len(numbers):
            reasons.append(v.say("why.core" if tags["core-path"] > 1 else "why.core_one"))
        for tag, phrase in (
            ("new-model", "why.new_model"),
            ("deprecation", "why.deprecation"),
            ("platform", "why.platform"),
            ("dependency", "why.dependency"),
        ):
            if tags[tag] * 3 >= len(numbers) and tags[tag]:
                reasons.append(v.say(phrase))
        if theme.get("trend") == "new" and not f.all_themes_new():
            reasons.append(v.say("why.new"))
        elif theme.get("trend") == "rising":
            reasons.append(v.say("why.rising"))
        if not reasons:
            if len(numbers) < 3:
                return ""  # a small theme in a quiet week needs no justification
            reasons.append(v.say("why.volume"))
        return v.say("kc.why", reasons=GRAMMAR[self.lang]["and_clause"].join(reasons[:2]))

    # -- 3. trends

    def trends(self) -> str:
        f, v = self.f, self.v
        if f.merged == 0 and not f.themes and not f.labels:
            return v.say("tr.none")
        blocks = [self._trend_lines(), self._trend_table(), self._trend_labels_files(), self._trend_history()]
        return "\n\n".join(b for b in blocks if b) or v.say("tr.scattered")

    def _trend_lines(self) -> str:
        f, v = self.f, self.v
        named = [t for t in f.themes if isinstance(t.get("name"), str)]
        by_trend: dict[str, list[str]] = {"new": [], "rising": [], "falling": []}
        for theme in named:
            if theme.get("trend") in by_trend:
                by_trend[str(theme["trend"])].append(self.theme_name(theme))
        for name in strs(f.deltas.get("themes_new")):
            if mdtext.text(name) not in by_trend["new"]:
                by_trend["new"].append(mdtext.text(name))
        lines = [v.say(f"tr.{trend}", themes=v.join(names)) for trend, names in by_trend.items() if names]
        if len(named) >= 2 and f.all_themes_new():
            return v.say("tr.all_new")
        if named and any(t.get("trend") == "steady" for t in named):
            lines.append(v.say("tr.rest_steady" if lines else "tr.flat"))
        return v.sentences(lines)

    def _trend_table(self) -> str:
        f, v = self.f, self.v
        themes = f.biggest_themes()
        if not themes:
            return ""
        rows = [v.say("tr.table")]
        # the PRs no named theme took close the table, so every PR is accounted for
        other = as_dict(f.ctx.get("other_theme"))
        if isinstance(other.get("name"), str) and f.theme_numbers(other):
            themes = [*themes, {**other, "trend": None}]
        for theme in themes:
            numbers = f.theme_numbers(theme)
            if theme is themes[-1] and theme.get("key") == "other":
                rows.append(self._other_row(theme, numbers))
                continue
            mix = self.kind_mix(numbers)
            if mix is None:
                kind = v.say("tr.kind_unknown")
            elif mix[1] is None:
                kind = v.say("tr.kind_mostly", kind=mix[0])
            else:
                kind = v.say("tr.kind_mix", kind=mix[0], kind2=mix[1])
            trend, previous = f.theme_trend(theme)
            key = f"tr.row_{trend}" if trend and not (trend == "new" and f.all_themes_new()) else "tr.row_plain"
            if trend in ("rising", "falling") and previous is None:
                key += "_bare"
            what = v.say(key, count=self.prs_count(len(numbers)), prev_n=previous, kind=kind)
            reps = GRAMMAR[self.lang]["list_sep"].join(self.ref(n) for n in f.representatives(theme))
            cells = [mdtext.cell(self.theme_name(theme)), mdtext.cell(what), mdtext.cell(reps)]
            rows.append(f"| {' | '.join(cells)} |")
        return "\n".join(rows)

    def _other_row(self, other: dict[str, Any], numbers: Sequence[int]) -> str:
        """What "Other changes" holds, truthfully: how many PRs no theme took, and of which kinds."""
        v = self.v
        items = []
        for entry in as_dicts(other.get("kinds")):
            kind, n = entry.get("kind"), as_int(entry.get("count"))
            if not isinstance(kind, str) or not n:
                continue
            kind = KIND_ALIASES.get(kind, kind)
            name = KIND_NAMES[self.lang].get(kind) or v.say("tr.kind_unclassified")
            items.append(v.say("tr.kind_count", kind=name, n=n))
        what = v.say("tr.row_other", count=self.prs_count(len(numbers)), kinds=v.join(items[:5]))
        reps = GRAMMAR[self.lang]["list_sep"].join(self.ref(n) for n in self.f.representatives(other))
        cells = [mdtext.cell(self.theme_name(other)), mdtext.cell(what), mdtext.cell(reps)]
        return f"| {' | '.join(cells)} |"

    def _trend_labels_files(self) -> str:
        f, v = self.f, self.v
        lines = []
        rising = set(strs(f.deltas.get("labels_rising")))
        labels = [lb for lb in f.labels if as_int(lb.get("count")) is not None][:8]
        if labels:
            items = []
            for lb in labels:
                name = mdtext.text(lb["name"])
                if lb["name"] in rising:
                    items.append(v.say("tr.label_rising", name=name, count=lb["count"]))
                else:
                    items.append(f"{name} {lb['count']}")
            lines.append(v.say("tr.labels", labels=GRAMMAR[self.lang]["list_sep"].join(items)))
        files = [hf for hf in f.hot_files if as_int(hf.get("prs")) is not None][:5]
        if files:
            items = [self._counted(mdtext.code(hf["path"]), hf["prs"]) for hf in files]
            lines.append(v.say("tr.files", files=GRAMMAR[self.lang]["list_sep"].join(items)))
        return "\n".join(f"- {line}" for line in lines)

    def _trend_history(self) -> str:
        f, v = self.f, self.v
        values = [n for n in (as_int(h.get("merged_prs")) for h in f.history) if n is not None]
        if len(values) < 4 or f.merged == 0:
            return ""
        low, high = min(values), max(values)
        common = {"n_history": len(f.history), "low": low, "high": high}
        if f.merged >= high:
            return v.say("tr.history_top", **common)
        if f.merged <= low:
            return v.say("tr.history_bottom", **common)
        above = f.merged >= sum(values) / len(values)
        position = v.say("tr.pos_above" if above else "tr.pos_below")
        return v.say("tr.history_mid", position=position, **common)

    # -- 4. risks

    def risks(self) -> str:
        f, v = self.f, self.v
        risks = sorted((rk for rk in f.risks if as_int(rk.get("count"))), key=lambda rk: (-rk["count"], str(rk["tag"])))
        if not risks:
            return v.say("rk.none")
        ranked = v.join([self._counted(self.risk_name(rk["tag"]), rk["count"]) for rk in risks])
        blocks = [v.say("rk.ranked", ranked=ranked)]
        top = risks[0]
        if f.merged >= 8 and top["count"] * 2 >= f.merged:
            name = self.risk_name(top["tag"])
            blocks.append(v.say("rk.broad", tag=name, tag_cap=capitalize(name), count=top["count"], merged_n=f.merged))
        items = [f"- {self._risk_item(rk)}" for rk in risks[:3]]
        return "\n\n".join([" ".join(blocks), "\n".join(items)])

    def _risk_item(self, risk: dict[str, Any]) -> str:
        f, v = self.f, self.v
        tag = str(risk["tag"])
        why = risk.get("why")
        why_text = v.say("rk.why", why=mdtext.text(why.rstrip(".。 "))) if isinstance(why, str) and why.strip() else ""
        carriers = []
        for n in f.by_importance(ints(risk.get("prs")))[:3]:
            evidence = f.evidence(n, tag)
            if evidence:
                shown = mdtext.text(mdtext.shorten_items(evidence, 60))
                carriers.append(GRAMMAR[self.lang]["aside"].format(what=self.ref(n), note=shown))
            else:
                carriers.append(self.ref(n))
        carriers_text = v.say("rk.carriers", prs=v.join(carriers)) if carriers else ""
        watch_variants = RISK_WATCH[self.lang].get(tag)
        watch = v.pick(watch_variants, f"watch.{tag}") if watch_variants else self.risk_name(tag)
        text = v.say(
            "rk.item",
            name=capitalize(self.risk_name(tag)),
            count=self.prs_count(risk["count"]),
            why=why_text,
            carriers=carriers_text,
            watch=watch,
        )
        return re.sub(r" {2,}", " ", text)

    # -- 5. key PRs

    def key_prs(self) -> str:
        f, v = self.f, self.v
        numbers = [n for n in ints(f.ctx.get("key_prs")) if n in f.prs]
        if not numbers:
            return v.say("kp.none")
        entries = [self._key_pr(n) for n in numbers]
        shown = len(ints(f.ctx.get("key_prs")))
        return v.say_n("kp.intro", shown, n=shown) + "\n\n" + "\n".join(entries)

    def _key_pr(self, number: int) -> str:
        f, v = self.f, self.v
        pr = f.prs[number]
        title = pr.get("title") if isinstance(pr.get("title"), str) else ""
        head = f"**{mdtext.link(self.ref(number), pr.get('url'))}**"
        if title.strip():
            head += f" “{mdtext.text(mdtext.shorten(title, 100))}”"
        theme = pr.get("theme")
        theme_text = v.say("kp.theme", theme=mdtext.text(theme)) if isinstance(theme, str) and theme else ""
        adds, dels = as_int(pr.get("additions")), as_int(pr.get("deletions"))
        size = (
            v.say("kp.size", additions=adds, deletions=dels, lines=NOUNS[self.lang]["line"][1])
            if adds is not None and dels is not None
            else ""
        )
        importance = as_num(pr.get("importance"))
        line = v.say(
            "kp.line",
            pr=head,
            author=mdtext.text(pr.get("author") or "?"),
            importance=one_decimal(importance) if importance is not None else "?",
            theme=theme_text or v.say("kp.no_theme"),
            size=size,
        )
        details = []
        tags = f.pr_tags(number)
        risk_part = v.say("kp.risks", risks=v.join([self.risk_name(t) for t in tags])) if tags else v.say("kp.no_risks")
        dirs = strs(pr.get("directories"))[:3]
        # "." is the repository's top level: named in words, not as a path
        named = [mdtext.code(d) if d.strip("./") else v.say("kp.root_dir") for d in dirs]
        dirs_part = v.say("kp.dirs", dirs=v.join(named)) if dirs else ""
        details.append(v.sentences([risk_part, dirs_part]))
        details.append(self._score_line(pr))
        reading = as_dict(pr.get("llm"))  # a model's reading that passed validation (prhub.llm)
        model = mdtext.text(reading.get("model") or "LLM")
        if isinstance(reading.get("summary"), str) and reading["summary"]:
            details.append(v.say("kp.reading", model=model, summary=reading["summary"]))
        judgement = as_num(reading.get("judgement"))
        if judgement and isinstance(reading.get("judgement_reason"), str):
            reason = reading["judgement_reason"].rstrip(".。 ")
            details.append(v.say("kp.judgement", value=f"{judgement:+.1f}", model=model, reason=reason))
        review = self._review(pr.get("review"))
        if not review and isinstance(reading.get("review_conclusion"), str):
            review = reading["review_conclusion"].rstrip(".。 ")
        if review:
            details.append(v.say("kp.review", review=review))
        details.append(self._points(pr.get("review")))
        details.append(self._claims(pr.get("claims")))
        return "\n".join([f"- {line}", *(f"  - {d}" for d in details if d)])

    def _score_line(self, pr: dict[str, Any]) -> str:
        v = self.v
        score = as_dict(pr.get("score"))
        parts = []
        reason = score.get("reason")
        if isinstance(reason, str) and reason.strip():
            high = pr.get("is_key") is True
            parts.append(v.say("kp.why" if high else "kp.why_low", reason=mdtext.text(reason.rstrip(".。 "))))
        components = [
            (name, value)
            for name, value in ((k, as_num(x)) for k, x in as_dict(score.get("components")).items())
            # the calibration is a shift of the whole scale, not a reason: never named as one
            if value is not None and name != "calibration" and (value > 0 or name == "judgement" and value)
        ]
        components.sort(key=lambda item: -item[1])
        if components:
            names = COMPONENT_NAMES[self.lang]
            top = components[:3]
            top += [c for c in components[3:] if c[0] == "judgement"]  # the model's part is always shown
            shown = [
                f"{names.get(k) or mdtext.text(k)} {f'{x:+.1f}' if k == 'judgement' else one_decimal(x)}"
                for k, x in top
            ]
            parts.append(v.say("kp.components", components=GRAMMAR[self.lang]["list_sep"].join(shown)))
        return v.sentences(parts)

    def _review(self, review: object) -> str:
        """The review summary: a sentence, or a dict with a conclusion (see docs/report-context.md)."""
        if isinstance(review, str):
            return mdtext.text(review.rstrip(".。 "))
        data = as_dict(review)
        for key in ("conclusion", "summary"):
            if isinstance(data.get(key), str) and data[key].strip():
                return mdtext.text(data[key].rstrip(".。 "))
        if "approvals" in data:  # the structured summary of a GitHub sync (analysis.review.summary)
            return self._review_summary(data)
        state = data.get("state")
        reviewers = [mdtext.text(r) for r in strs(data.get("reviewers"))[:3]]
        if isinstance(state, str) and state:
            label = REVIEW_STATES[self.lang].get(state.lower()) or mdtext.text(state)
            if not reviewers:
                return label
            return GRAMMAR[self.lang]["aside"].format(what=label, note=GRAMMAR[self.lang]["list_sep"].join(reviewers))
        return ""

    def _review_summary(self, data: dict[str, Any]) -> str:
        """Who approved (each name links its review), who asked for changes, what is still open."""
        v = self.v
        links: dict[str, str] = {}
        for item in as_dicts(data.get("links")):
            if isinstance(item.get("reviewer"), str) and isinstance(item.get("url"), str):
                links[item["reviewer"]] = item["url"]  # the latest review of each reviewer

        def names(key: str) -> str:
            people = strs(data.get(key))
            shown = [mdtext.link(mdtext.text(p), links.get(p)) for p in people[:3]]
            if len(people) > 3:
                shown.append(v.count(len(people) - 3, "person"))
            return v.join(shown)

        parts = []
        if strs(data.get("approvals")):
            parts.append(v.say("rv.approved", who=names("approvals")))
            if strs(data.get("addressed")):
                parts.append(v.say("rv.addressed", who=names("addressed")))
        if strs(data.get("changes_requested")):
            parts.append(v.say("rv.changes", who=names("changes_requested")))
        if not parts and strs(data.get("reviewers")):
            parts.append(v.say("rv.commented", who=names("reviewers")))
        threads, unresolved = as_int(data.get("threads")) or 0, as_int(data.get("unresolved_threads")) or 0
        if threads:
            key = "rv.threads_open" if unresolved else "rv.threads_done"
            parts.append(v.say(key, n=threads, open=unresolved))
        comments = as_int(data.get("comments")) or 0
        if comments:
            parts.append(v.say("rv.comments", n=comments))
        files = [
            v.say("rv.file", path=mdtext.code(f["path"]), n=as_int(f.get("comments")) or 0)
            for f in as_dicts(data.get("files"))[:2]
            if isinstance(f.get("path"), str)
        ]
        if files:
            parts.append(v.say("rv.files", files=v.join(files)))
        issues = [f"#{n}" for n in ints(data.get("linked_issues"))[:3]]
        if issues:
            parts.append(v.say("rv.closes", issues=v.join(issues)))
        return GRAMMAR[self.lang]["clause_sep"].join(p for p in parts if p)

    def _points(self, review: object) -> str:
        """The most discussed review threads: who raised what, on which file, quoted and linked."""
        v = self.v
        points = []
        for p in as_dicts(as_dict(review).get("points"))[:2]:
            quote = p.get("quote")
            if not isinstance(quote, str) or not quote.strip():
                continue
            text = mdtext.link(self._quote(quote), p.get("url"))
            points.append(
                v.say("rv.point", who=mdtext.text(p.get("author") or "?"), path=mdtext.code(p.get("path")), quote=text)
            )
        return v.say("kp.points", points=GRAMMAR[self.lang]["clause_sep"].join(points)) if points else ""

    def _claims(self, claims: object) -> str:
        quotes = [self._quote(c["quote"]) for c in as_dicts(claims) if isinstance(c.get("quote"), str) and c["quote"]]
        return self.v.say("kp.claims", quotes=self.v.join(quotes)) if quotes else ""

    def _quote(self, text: str) -> str:
        """Someone else's words, marked as a quote."""
        return f"“{mdtext.text(mdtext.shorten(text, 160))}”"

    # -- 6. recommendations

    def recommendations(self) -> str:
        v = self.v
        recs = as_dicts(self.f.ctx.get("recommendations"))
        lines = [mdtext.text(recommendation_text(rec, self.lang)) for rec in recs]
        lines = [line for line in lines if line]
        if not lines:
            return v.say("rc.none")
        return v.say("rc.intro") + "\n\n" + "\n".join(f"- {line}" for line in lines)


def percent(share: float) -> str:
    """A share (0.128) as a percentage with one decimal at most (12.8)."""
    text = one_decimal(share * 100)
    return text[:-2] if text.endswith(".0") else text


def notice_text(notice: dict[str, Any], ctx: dict[str, Any]) -> str:
    """One of ctx["notices"] as a sentence in the report's language ("" for a code this version lacks)."""
    lang = "zh" if ctx.get("language") == "zh" else "en"
    kind = as_dict(ctx.get("period")).get("kind")
    words = PERIOD_WORDS[lang].get(kind if isinstance(kind, str) else "", PERIOD_WORDS[lang]["range"])
    code = str(notice.get("code"))
    if code == "period_open" and not notice.get("as_of"):
        code = "period_open.unsynced"
    template = NOTICES[lang].get(code)
    if template is None:
        return ""
    # ISO times as a reader reads them: "2026-12-01 13:17 UTC"
    values = {k: v.replace("T", " ").replace("+00:00", " UTC") for k, v in notice.items() if isinstance(v, str)}
    return template.format_map({**values, **words})


def write_sections(ctx: dict[str, Any]) -> dict[str, str]:
    """The six sections of the report, as Markdown in ctx["language"], keyed as in SECTION_KEYS."""
    writer = Writer(ctx)
    return {key: getattr(writer, key)().strip() for key in SECTION_KEYS}


def recommendation_text(rec: dict[str, Any], lang: str) -> str:
    """One structured recommendation as a plain-text sentence (not Markdown) in `lang`.

    Known kinds are listed in docs/report-context.md; an unknown kind falls back
    to its own "text", else to a generic follow-up naming its PRs.
    """
    lang = lang if lang in RECOMMENDATIONS else "en"
    table = RECOMMENDATIONS[lang]
    kind = str(rec.get("kind") or "")
    numbers = list(dict.fromkeys(ints(rec.get("prs"))))
    voice = Voice(lang, f"rec|{kind}|{','.join(map(str, numbers))}")

    def opt(key: str, **values: object) -> str:
        return voice.fill(voice.pick(table[key], key), values)

    # a revert named with the PR it undid: "#2 (reverting #1) and #3", not "#2 and #3 (reverting #1)"
    pairs = {
        pair[0]: pair[1]
        for pair in (ints(p) for p in rec.get("pairs") or [] if isinstance(p, list))
        if len(pair) == 2 and pair[0] in numbers
    }
    shown = [opt("pair", revert=f"#{n}", reverted=f"#{pairs[n]}") if n in pairs else f"#{n}" for n in numbers[:6]]
    if len(numbers) > 6:
        shown.append(GRAMMAR[lang]["others"])
    prs = voice.join(shown)
    total = as_int(rec.get("count"))
    if total is not None and total > len(numbers) and numbers:
        # the structured item lists the first few PRs; say how many it stands for
        prs = GRAMMAR[lang]["in_all"].format(prs=prs, total=total)
    if kind not in table or kind in ("unknown", "unknown_no_prs") or not numbers and kind != "watch-theme":
        own = rec.get("text")
        if isinstance(own, str) and own.strip():
            return mdtext.one_line(own)
        if not numbers:
            return voice.fill(table["unknown_no_prs"][0], {"kind": mdtext.one_line(kind or "?")})
        return voice.fill(table["unknown"][0], {"prs": prs, "kind": mdtext.one_line(kind or "?")})

    paths = strs(rec.get("paths"))[:3]
    files = strs(rec.get("files"))[:3]
    reverted = [f"#{n}" for n in ints(rec.get("reverts")) if n not in pairs.values()]
    platform = rec.get("platform") if isinstance(rec.get("platform"), str) and rec.get("platform") else None
    theme = rec.get("theme") if isinstance(rec.get("theme"), str) and rec.get("theme") else None
    trend = rec.get("trend")
    values: dict[str, object] = {
        "prs": prs or "—",
        "paths": opt("paths", paths=voice.join(paths)) if paths else "",
        "files": opt("files", files=voice.join(files)) if files else "",
        "reverted": opt("reverted", reverted=voice.join(reverted)) if reverted else "",
        "platform": mdtext.one_line(platform) if platform else opt("platform_default"),
        "theme": mdtext.one_line(theme) if theme else prs,
        "trend": opt(f"trend_{trend}") if trend in ("rising", "new") else "",
        "s": "s" if len(numbers) > 1 else "",
        "kind": mdtext.one_line(kind),
    }
    # one PR reads "it changed", not "they changed"
    single = len(numbers) == 1 and (total is None or total <= 1)
    variant = f"{kind}.one" if single and f"{kind}.one" in table else kind
    ecosystem = rec.get("ecosystem")
    if isinstance(ecosystem, str) and f"{kind}.{ecosystem}" in table:  # advice in the ecosystem's own terms
        variant = f"{kind}.{ecosystem}"
    return mdtext.one_line(voice.fill(voice.pick(table[variant], variant), values))
