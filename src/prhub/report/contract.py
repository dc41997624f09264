"""The report context's JSON contract as types (docs/report-context.md).

The report is built as these dataclasses (report/context.py) and ``to_json`` turns
them into the JSON every renderer reads, keys in field order. ``problems`` checks
JSON against them (an unknown key, a missing one, a wrong type), which the contract
test runs on real reports, also after the LLM writer has added its keys, and
``parse`` gives the typed object back. A new key is a new field here and a line in
the documentation; ``schema_version`` moves only when a key goes away.

A field marked ``OMIT`` is left out of the JSON while it is None (a notice's
parameters, an LLM's additions); every other None is written as null.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Union

Json = dict[str, Any]
OMIT = {"omit_none": True}  # field metadata: absent from the JSON while None


def absent() -> Any:
    """A field that the JSON leaves out until it has a value."""
    return field(default=None, metadata=OMIT)


@dataclass(frozen=True, slots=True)
class Repo:
    slug: str
    url: str | None


@dataclass(frozen=True, slots=True)
class PeriodInfo:
    start: str
    end: str
    label: str
    timezone: str
    kind: str  # week | month | range
    slug: str


@dataclass(frozen=True, slots=True)
class Generated:
    at: str
    writer: str  # "rules" or the LLM model's name
    sections: dict[str, str] | None = absent()  # with an LLM: section -> "llm" | "rules" (docs/llm.md)


@dataclass(frozen=True, slots=True)
class LlmSection:
    writer: str  # the model's name, or "rules"
    error: str | None = None  # why the model's text was refused


@dataclass(frozen=True, slots=True)
class LlmInfo:
    model: str
    prompt_version: str
    sections: dict[str, LlmSection]
    readings: int


@dataclass(frozen=True, slots=True)
class PrReading:
    model: str
    summary: str
    review_conclusion: str | None
    judgement: float
    judgement_reason: str | None


@dataclass(frozen=True, slots=True)
class Notice:
    code: str  # period_future | period_open | beyond_history | history_ends_within
    first_day: str | None = absent()
    last_day: str | None = absent()
    as_of: str | None = absent()  # null when the period has not been synced
    synced_at: str | None = absent()
    text: str | None = absent()  # the prose writes it, in the report's language


@dataclass(frozen=True, slots=True)
class Counts:
    merged_prs: int
    key_prs: int
    direct_commits: int
    authors: int
    first_time_authors: int
    reverts: int
    ai_assisted: int


@dataclass(frozen=True, slots=True)
class Bucket:
    bucket: str
    count: int


@dataclass(frozen=True, slots=True)
class Importance:
    mean: float
    median: float
    key_threshold: float
    histogram: list[Bucket]


@dataclass(frozen=True, slots=True)
class LabelCount:
    name: str
    count: int
    source: str  # title-tag | conventional | path-rule | github


@dataclass(frozen=True, slots=True)
class HotFile:
    path: str
    prs: int


@dataclass(frozen=True, slots=True)
class RiskSummary:
    tag: str
    count: int
    prs: list[int]
    why: str


@dataclass(frozen=True, slots=True)
class ThemeSummary:
    name: str
    key: str
    prs: list[int]
    representative_prs: list[int]
    lead_authors: list[str]
    trend: str  # new | rising | falling | steady
    previous_count: int | None
    count: int
    topic: bool = True
    source: str = ""


@dataclass(frozen=True, slots=True)
class KindCount:
    kind: str
    count: int


@dataclass(frozen=True, slots=True)
class OtherTheme:
    name: str
    key: str
    prs: list[int]
    representative_prs: list[int]
    lead_authors: list[str]
    count: int
    kinds: list[KindCount] = dataclasses.field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Score:
    components: dict[str, float]
    reasons: list[dict[str, Any]]  # codes + parameters
    reason: str
    judgement_reason: str | None = absent()  # with an LLM reading: why components.judgement


@dataclass(frozen=True, slots=True)
class PrLabel:
    name: str
    source: str


@dataclass(frozen=True, slots=True)
class PrRisk:
    tag: str
    evidence: str
    rule: str


@dataclass(frozen=True, slots=True)
class PrFile:
    path: str
    status: str
    additions: int
    deletions: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Pr:
    number: int
    title: str
    url: str | None
    author: str
    merged_at: str
    base_branch: str | None = None
    merge_kind: str | None = None
    merge_sha: str | None = None  # the commit that merged it (a security merge is named by it: no public number)
    importance: float
    is_key: bool
    score: Score
    mechanical: str | None = None  # formatter, typo, rename, lockfile, generated, vendored, release-merge, release
    labels: list[PrLabel]
    title_tags: list[str]
    kind: str
    risks: list[PrRisk]
    theme: str | None
    theme_key: str | None
    modules: list[str]
    directories: list[str]
    additions: int
    deletions: int
    files: list[PrFile]
    co_authors: list[str]
    ai_assisted: bool
    assistants: list[str] = dataclasses.field(default_factory=list)
    reverts: int | None
    reverted_by: int | None
    review: dict[str, Any] | None  # the review summary, when forge data exists (its own section)
    claims: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    llm: PrReading | None = absent()  # the model's validated reading (docs/llm.md)


@dataclass(frozen=True, slots=True)
class Contributor:
    name: str
    prs: int


@dataclass(frozen=True, slots=True)
class FirstTimer:
    name: str
    prs: list[int]


@dataclass(frozen=True, slots=True)
class Contributors:
    top: list[Contributor]
    first_time: list[FirstTimer]


@dataclass(frozen=True, slots=True)
class AssistantCount:
    name: str
    prs: int


@dataclass(frozen=True, slots=True)
class AiAssisted:
    count: int
    share: float
    prs: list[int]
    assistants: list[AssistantCount]


@dataclass(frozen=True, slots=True)
class Revert:
    number: int
    title: str
    reverts_pr: int | None


@dataclass(frozen=True, slots=True)
class DirectCommit:
    sha: str
    title: str
    author: str
    committed_at: str


@dataclass(frozen=True, slots=True)
class MergedDelta:
    current: int
    previous: int
    change: int


@dataclass(frozen=True, slots=True)
class Deltas:
    merged_prs: MergedDelta
    labels_rising: list[str]
    themes_new: list[str]
    themes_rising: list[str] = dataclasses.field(default_factory=list)
    themes_falling: list[str] = dataclasses.field(default_factory=list)


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    start: str
    label: str
    merged_prs: int


@dataclass(frozen=True, slots=True)
class Recommendation:
    kind: str
    prs: list[int]
    count: int | None = absent()
    theme: str | None = absent()
    theme_key: str | None = absent()
    trend: str | None = absent()
    platform: str | None = absent()
    files: list[str] | None = absent()
    paths: list[str] | None = absent()
    reverts: list[int] | None = absent()
    pairs: list[list[int]] | None = absent()
    ecosystem: str | None = absent()  # pin-dependency: cargo, npm, pip, go... (the advice in its terms)
    text: str | None = absent()  # the prose writes it, in the report's language


@dataclass(frozen=True, slots=True)
class Sections:
    summary: str
    key_changes: str
    trends: str
    risks: str
    key_prs: str
    recommendations: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportContext:
    schema_version: int
    repo: Repo
    period: PeriodInfo
    language: str  # en | zh
    generated: Generated
    notices: list[Notice] = dataclasses.field(default_factory=list)
    permalink: str
    counts: Counts
    importance: Importance
    labels: list[LabelCount]
    hot_files: list[HotFile]
    risks: list[RiskSummary]
    themes: list[ThemeSummary]
    other_theme: OtherTheme | None
    prs: list[Pr]
    key_prs: list[int]
    contributors: Contributors
    ai_assisted: AiAssisted
    reverts: list[Revert]
    direct_commits: list[DirectCommit] = dataclasses.field(default_factory=list)
    deltas: Deltas
    history: list[HistoryPoint]
    recommendations: list[Recommendation]
    sections: Sections | None = absent()  # written from everything above, by the prose or the LLM writer
    llm: LlmInfo | None = absent()  # present when a model took part (docs/llm.md)


def to_json(value: Any, text: Callable[[str], str] | None = None) -> Any:
    """A contract object as JSON-shaped data: keys in field order, ``OMIT`` fields left out while None.

    ``text``: applied on the way to every string of the result and every string key of its dicts
    (the context is cleaned with ``safetext.clean`` in the same walk that builds it)."""
    if isinstance(value, str):
        return text(value) if text is not None else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: Json = {}
        for name, omit_none in _fields(type(value)):
            item = getattr(value, name)
            if item is None and omit_none:
                continue
            out[name] = to_json(item, text)  # a field's name is an identifier: nothing to clean
        return out
    if isinstance(value, list | tuple):
        return [to_json(v, text) for v in value]
    if isinstance(value, dict):
        if text is None:
            return {k: to_json(v) for k, v in value.items()}
        return {text(k) if isinstance(k, str) else k: to_json(v, text) for k, v in value.items()}
    return value


@functools.cache
def _fields(kind: type) -> tuple[tuple[str, bool], ...]:
    """A contract class's fields: (name, left out while None), once per class (a report has thousands of objects)."""
    return tuple((f.name, bool(f.metadata.get("omit_none"))) for f in dataclasses.fields(kind))


def problems(data: Any, kind: Any = ReportContext, where: str = "context") -> list[str]:
    """Every way ``data`` departs from the contract: unknown or missing keys, wrong types."""
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        options = typing.get_args(kind)
        if data is None and type(None) in options:
            return []
        found = [problems(data, option, where) for option in options if option is not type(None)]
        return [] if any(not f for f in found) else found[0]
    if kind is Any:
        return []
    if origin is list:
        if not isinstance(data, list):
            return [f"{where}: expected a list, got {type(data).__name__}"]
        (item,) = typing.get_args(kind)
        return [p for i, v in enumerate(data) for p in problems(v, item, f"{where}[{i}]")]
    if origin is dict:
        if not isinstance(data, dict):
            return [f"{where}: expected an object, got {type(data).__name__}"]
        _, value = typing.get_args(kind)
        return [p for k, v in data.items() for p in problems(v, value, f"{where}.{k}")]
    if dataclasses.is_dataclass(kind):
        if not isinstance(data, dict):
            return [f"{where}: expected an object, got {type(data).__name__}"]
        hints = typing.get_type_hints(kind)
        fields = {f.name: f for f in dataclasses.fields(kind)}
        found = [f"{where}.{k}: not in the contract" for k in data if k not in fields]
        for name, spec in fields.items():
            if name not in data:
                required = spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
                if required:
                    found.append(f"{where}.{name}: missing")
                continue
            found.extend(problems(data[name], hints[name], f"{where}.{name}"))
        return found
    if kind is float:
        ok = isinstance(data, (int, float)) and not isinstance(data, bool)
    elif kind is int:
        ok = isinstance(data, int) and not isinstance(data, bool)
    else:
        ok = isinstance(data, kind)
    return [] if ok else [f"{where}: expected {kind.__name__}, got {type(data).__name__} {data!r:.40}"]


def parse(data: Json, kind: Any = ReportContext) -> Any:
    """The typed form of a context that passes ``problems`` (raises ValueError otherwise)."""
    found = problems(data, kind)
    if found:
        raise ValueError(f"not a report context: {found[0]}")
    return _build(data, kind)


def _build(data: Any, kind: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        if data is None:
            return None
        for option in typing.get_args(kind):
            if option is not type(None) and not problems(data, option):
                return _build(data, option)
    if origin is list:
        (item,) = typing.get_args(kind)
        return [_build(v, item) for v in data]
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{k: _build(v, hints[k]) for k, v in data.items()})
    return data


def field_names(kind: Any = ReportContext, prefix: str = "") -> list[str]:
    """Every key of the contract, dotted (``prs.score.reason``), for the documentation test."""
    names: list[str] = []
    for f in dataclasses.fields(kind):
        name = f"{prefix}{f.name}"
        names.append(name)
        inner = typing.get_type_hints(kind)[f.name]
        for candidate in [inner, *typing.get_args(inner)]:
            for arg in [candidate, *typing.get_args(candidate)]:
                if dataclasses.is_dataclass(arg):
                    names.extend(field_names(arg, f"{name}."))
    return list(dict.fromkeys(names))
