"""The report prose over sample contexts, in en and zh.

context_busy*.json is the real 2026-W15 context of the vllm window
(``prhub report <window> --week 2026-W15 --format json [--lang zh]``, with
"sections" removed so the prose is written here), cut to the 47 PRs the prose
can name (the quick look, each theme's representatives and top three, each
risk's top three, the recommendations, reverts, first-time contributors), each
with two files; the week's figures (counts, themes' PR lists, risk counts) are
kept whole, so the sample reads as the busy week it was. One PR a line.
context_quiet.json and context_empty.json are made by hand.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from prhub.report import mdtext
from prhub.report.phrases import HEADINGS, PHRASES, RECOMMENDATIONS, RISK_NAMES, SECTION_KEYS
from prhub.report.prose import Facts, percent, recommendation_text, write_sections

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str, lang: str = "en") -> dict[str, Any]:
    """A sample context in `lang`: its own zh file when there is one, else the en one relabelled."""
    path = FIXTURES / f"context_{name}_{lang}.json"
    if not path.exists():
        path = FIXTURES / f"context_{name}.json"
    ctx = json.loads(path.read_text(encoding="utf-8"))
    ctx["language"] = lang
    return ctx


@pytest.fixture(params=["en", "zh"])
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


def test_sections_are_the_six_in_order(lang: str) -> None:
    sections = write_sections(load("busy", lang))
    assert tuple(sections) == SECTION_KEYS
    assert all(text.strip() for text in sections.values())


def test_busy_summary_carries_the_headline_facts(lang: str) -> None:
    ctx = load("busy", lang)
    summary = write_sections(ctx)["summary"]
    assert "\n" not in summary, "the executive summary is one paragraph"
    assert str(ctx["counts"]["merged_prs"]) in summary
    assert str(ctx["counts"]["key_prs"]) in summary
    assert f"{ctx['importance']['mean']:.1f}" in summary
    biggest = sorted(ctx["themes"], key=lambda t: -len(t["prs"]))[:2]
    assert all(theme["name"] in summary for theme in biggest)
    assert ctx["labels"][0]["name"] in summary and str(ctx["labels"][0]["count"]) in summary
    assert ctx["hot_files"][0]["path"] in summary
    top_risk = max(ctx["risks"], key=lambda r: r["count"])
    assert RISK_NAMES[lang][top_risk["tag"]] in summary and str(top_risk["count"]) in summary
    assert str(ctx["counts"]["authors"]) in summary
    assert f"{percent(ctx['ai_assisted']['share'])}%" in summary


def test_key_changes_name_three_themes_with_their_prs(lang: str) -> None:
    ctx = load("busy", lang)
    text = write_sections(ctx)["key_changes"]
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 3
    themes = {t["name"]: t for t in ctx["themes"]}
    for paragraph in paragraphs:
        name = re.match(r"\*\*(.+?)\*\*", paragraph).group(1)
        cited = {int(n) for n in re.findall(r"#(\d+)", paragraph)}
        assert cited and cited <= set(themes[name]["prs"])


def test_a_theme_is_centred_on_its_code_not_its_tests(lang: str) -> None:
    ctx = load("busy", lang)
    theme = next(t for t in ctx["themes"] if t["key"] == "moe")  # the first of the key changes
    listed = [pr for pr in ctx["prs"] if pr["number"] in theme["prs"]]
    theme["prs"] = [pr["number"] for pr in listed]  # the sample lists only some of the week's PRs
    for pr in listed:
        pr["directories"] = ["tests", "src/pkg/json", "src/pkg", "."]
    paragraphs = write_sections(ctx)["key_changes"].split("\n\n")
    paragraph = next(p for p in paragraphs if p.startswith(f"**{theme['name']}**"))
    assert "`src/pkg/json`" in paragraph and "`tests`" not in paragraph


def test_trends_table_has_a_row_per_theme(lang: str) -> None:
    ctx = load("busy", lang)
    text = write_sections(ctx)["trends"]
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == len(ctx["themes"]) + 1  # the header row, then one per theme
    facts = Facts(ctx)
    for theme in ctx["themes"]:
        row = next(r for r in rows if r.startswith(f"| {mdtext.text(theme['name'])} |"))
        assert str(len(theme["prs"])) in row
        trend, previous = facts.theme_trend(theme)
        if previous is not None:
            assert str(previous) in row
    # a theme that moved is named, with the words of its direction
    moved = [t for t in ctx["themes"] if t["trend"] in ("rising", "falling", "new")]
    assert moved and all(mdtext.text(t["name"]) in text.split("|", 1)[0] for t in moved)


def test_risks_are_ranked_with_evidence(lang: str) -> None:
    ctx = load("busy", lang)
    text = write_sections(ctx)["risks"]
    names = [RISK_NAMES[lang][r["tag"]] for r in sorted(ctx["risks"], key=lambda r: -r["count"])]
    positions = [text.index(name) for name in names]
    assert positions == sorted(positions)
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(bullets) == 3
    # each top risk quotes the evidence of its most important PR
    importance = {p["number"]: p["importance"] for p in ctx["prs"]}
    prs = {p["number"]: p for p in ctx["prs"]}
    ranked = sorted(ctx["risks"], key=lambda r: -r["count"])[:3]
    for risk, bullet in zip(ranked, bullets, strict=True):
        first = max(risk["prs"], key=lambda n: (importance[n], -n))
        evidence = next(r["evidence"] for r in prs[first]["risks"] if r["tag"] == risk["tag"])
        assert f"#{first}" in bullet and mdtext.text(evidence.split(", ")[0]) in bullet


def test_key_pr_quick_look(lang: str) -> None:
    ctx = load("busy", lang)
    text = write_sections(ctx)["key_prs"]
    prs = {p["number"]: p for p in ctx["prs"]}
    entries = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(entries) == len(ctx["key_prs"])
    for number, entry in zip(ctx["key_prs"], entries, strict=True):
        pr = prs[number]
        assert f"[#{number}]({pr['url']})" in entry
        assert f"**{pr['importance']:.1f}**" in entry
        assert pr["author"] in entry
    assert mdtext.text(ctx["prs"][0]["score"]["reason"]) in text


def test_the_top_level_is_named_in_words(lang: str) -> None:
    ctx = load("busy", lang)
    first = ctx["prs"][0]
    first["directories"] = [".", "src/app"]
    entry = write_sections(ctx)["key_prs"].split("\n- ")[1]
    assert "`.`" not in entry and "`src/app`" in entry
    assert ("the top-level files" if lang == "en" else "根目录文件") in entry


def test_review_conclusion_is_shown_when_present(lang: str) -> None:
    ctx = load("busy", lang)
    first = ctx["key_prs"][0]
    pr = next(p for p in ctx["prs"] if p["number"] == first)
    pr["review"] = {"state": "approved", "reviewers": ["mgoin"], "comments": 4, "conclusion": "ship it behind a flag"}
    assert "ship it behind a flag" in write_sections(ctx)["key_prs"]
    pr["review"] = {"state": "changes_requested", "reviewers": ["mgoin"]}
    assert "mgoin" in write_sections(ctx)["key_prs"]


def test_recommendations_name_their_prs(lang: str) -> None:
    ctx = load("busy", lang)
    text = write_sections(ctx)["recommendations"]
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(bullets) == len(ctx["recommendations"])
    for rec, bullet in zip(ctx["recommendations"], bullets, strict=True):
        assert {f"#{n}" for n in rec["prs"]} <= set(re.findall(r"#\d+", bullet))


def test_quiet_week_is_short_and_says_so(lang: str) -> None:
    ctx = load("quiet", lang)
    sections = write_sections(ctx)
    busy = write_sections(load("busy", lang))
    assert sum(map(len, sections.values())) < sum(map(len, busy.values())) / 3
    assert (
        ("quiet" in sections["summary"])
        if lang == "en"
        else ("安静" in sections["summary"] or "平静" in sections["summary"])
    )
    assert "8" in sections["summary"]  # eight fewer than the previous week
    assert "2 " in sections["summary"]  # direct pushes


def test_empty_week_is_a_report_not_an_error(lang: str) -> None:
    sections = write_sections(load("empty", lang))
    assert tuple(sections) == SECTION_KEYS
    assert all(sections.values())
    assert not re.search(r"\d", sections["summary"])
    assert all(len(text) < 120 for text in sections.values())


def test_a_context_with_almost_nothing_still_writes(lang: str) -> None:
    sections = write_sections({"language": lang})
    assert tuple(sections) == SECTION_KEYS and all(sections.values())


def test_wording_varies_with_the_period_not_with_the_run() -> None:
    ctx = load("busy")
    again = write_sections(copy.deepcopy(ctx))
    assert write_sections(ctx) == again, "the same context gives the same words"
    worded = set()
    for week in range(1, 9):
        other = copy.deepcopy(ctx)
        other["period"]["slug"] = f"2026-W{week:02d}"
        worded.add(write_sections(other)["summary"].split(".")[0])
    assert len(worded) >= 2


def test_a_dominant_theme_is_called_out(lang: str) -> None:
    ctx = load("busy", lang)
    top = ctx["themes"][0]
    top["prs"] = [p["number"] for p in ctx["prs"]]
    ctx["counts"]["merged_prs"] = 2 * len(top["prs"]) - 10  # the theme holds more than half the week
    summary = write_sections(ctx)["summary"]
    assert str(len(top["prs"])) in summary and str(ctx["counts"]["merged_prs"]) in summary
    assert (
        ("dominated" in summary or "led by a wide margin" in summary)
        if lang == "en"
        else "主导" in summary or "一枝独秀" in summary
    )


def test_a_revert_spike_is_called_out(lang: str) -> None:
    ctx = load("busy", lang)
    plain = write_sections(ctx)["summary"]
    ctx["counts"]["reverts"] = 6
    spiky = write_sections(ctx)["summary"]
    marker = ("Reverts stand out", "unusual number of reverts") if lang == "en" else ("回滚格外显眼", "值得警惕")
    assert not any(m in plain for m in marker)
    assert any(m in spiky for m in marker) and "6" in spiky


def test_rising_and_falling_volume_read_differently() -> None:
    ctx = load("busy")
    ctx["deltas"]["merged_prs"] = {"current": 180, "previous": 170, "change": 10}
    up = write_sections(ctx)["summary"]
    ctx["deltas"]["merged_prs"] = {"current": 180, "previous": 200, "change": -18}
    down = write_sections(ctx)["summary"]
    assert re.search(r"rose|more than", up) and not re.search(r"fell|fewer", up)
    assert re.search(r"fell|fewer", down) and "18" in down and "200" in down


def test_busiest_week_of_the_history() -> None:
    ctx = load("busy")
    weeks = [("2026-03-09", 150), ("2026-03-16", 170), ("2026-03-23", 166), ("2026-03-30", 176), ("2026-04-06", 180)]
    ctx["history"] = [{"start": start, "merged_prs": n} for start, n in weeks]
    summary = write_sections(ctx)["summary"]
    assert "busiest" in summary or "more than in any other" in summary
    trends = write_sections(ctx)["trends"]
    assert "150 to 180" in trends


def test_every_phrase_exists_in_both_languages() -> None:
    assert PHRASES["en"].keys() == PHRASES["zh"].keys()
    assert RECOMMENDATIONS["en"].keys() == RECOMMENDATIONS["zh"].keys()
    assert HEADINGS["zh"]["summary"] == "执行摘要" and HEADINGS["zh"]["key_prs"] == "重点 PR 速览"


def test_chinese_reads_as_chinese() -> None:
    sections = write_sections(load("busy", "zh"))
    summary = sections["summary"]
    assert summary.startswith("本周") and summary.endswith("。")
    # Han text and Latin text or numbers are separated by a space, as Chinese typesetting does
    assert not re.search(r"[\u4e00-\u9fff][0-9]|[0-9][\u4e00-\u9fff]", summary)
    for english in ("merged", "this week", "PRs", "importance"):
        assert english not in summary


# the recommendation kinds docs/report-context.md promises
REC_KINDS = [
    "add-tests",
    "review-core",
    "pin-dependency",
    "platform-ci",
    "watch-config",
    "document-model",
    "follow-revert",
    "split-large",
    "deprecation-notice",
    "ci-build",
    "watch-theme",
]


@pytest.mark.parametrize("kind", REC_KINDS)
def test_recommendation_text_for_every_kind(kind: str, lang: str) -> None:
    rec = {"kind": kind, "prs": [101, 102], "theme": "MoE", "platform": "ROCm", "reverts": [99], "trend": "rising"}
    text = recommendation_text(rec, lang)
    assert "#101" in text and "#102" in text
    assert "\n" not in text and "{" not in text
    assert text != recommendation_text({**rec, "kind": "add-tests" if kind != "add-tests" else "ci-build"}, lang)
    if lang == "zh":
        assert re.search(r"[\u4e00-\u9fff]", text)


def test_recommendation_text_with_an_unknown_kind(lang: str) -> None:
    assert "#7" in recommendation_text({"kind": "bake-a-cake", "prs": [7]}, lang)
    assert recommendation_text({"kind": "bake-a-cake", "prs": [7], "text": "Own words."}, lang) == "Own words."
    assert recommendation_text({"kind": "bake-a-cake"}, lang)
    assert recommendation_text({}, lang)


def test_recommendation_text_lists_long_pr_lists_briefly() -> None:
    text = recommendation_text({"kind": "add-tests", "prs": list(range(1, 20))}, "en")
    assert "#6" in text and "#7" not in text and "others" in text


def test_recommendation_text_for_one_pr_is_singular() -> None:
    assert "this key PR changes core files" in recommendation_text({"kind": "review-core", "prs": [5]}, "en")
    assert "the diff is large" in recommendation_text({"kind": "split-large", "prs": [5]}, "en")
    assert "these key PRs change" in recommendation_text({"kind": "review-core", "prs": [5], "count": 3}, "en")


def test_revert_recommendation_pairs_reverts_with_their_targets(lang: str) -> None:
    rec = {"kind": "follow-revert", "prs": [9, 8], "reverts": [7], "pairs": [[9, 7]]}
    text = recommendation_text(rec, lang)
    pair = "#9 (reverting #7)" if lang == "en" else "#9（回滚了 #7）"
    assert pair in text and text.count("#7") == 1 and "#8" in text
    assert text.index("#7") < text.index("#8")  # the pair stays together, #8 is not "reverting #7"


def test_tied_labels_have_no_leader(lang: str) -> None:
    ctx = load("busy", lang)
    ctx["labels"] = [{"name": n, "count": 3, "source": "title-tag"} for n in ("bugfix", "documentation", "misc")]
    summary = write_sections(ctx)["summary"]
    assert "bugfix leads" not in summary and "bugfix最多" not in summary and "bugfix 最多" not in summary
    assert "bugfix" in summary and "misc" in summary


def test_the_first_period_of_the_history_claims_no_change(lang: str) -> None:
    ctx = load("busy", lang)
    ctx["deltas"]["merged_prs"] = {"current": 180, "previous": 0, "change": 180}
    ctx["history"] = [{"start": "2026-03-30", "merged_prs": 0}, {"start": "2026-04-06", "merged_prs": 180}]
    for theme in ctx["themes"]:
        theme["trend"], theme["previous_count"] = "new", 0
    ctx["counts"]["first_time_authors"] = ctx["counts"]["authors"]
    sections = write_sections(ctx)
    assert ("more than" not in sections["summary"]) if lang == "en" else ("多了" not in sections["summary"])
    assert ("new to the synced history" in sections["summary"]) if lang == "en" else ("首次出现" in sections["summary"])
    assert (
        ("every theme is new" in sections["trends"]) if lang == "en" else ("所有主题都是首次出现" in sections["trends"])
    )
    assert (
        ("new this week" not in sections["key_changes"]) if lang == "en" else ("新出现" not in sections["key_changes"])
    )


def test_tied_hot_files_are_not_ranked(lang: str) -> None:
    ctx = load("busy", lang)
    ctx["hot_files"] = [{"path": "a.py", "prs": 9}, {"path": "b.py", "prs": 9}, {"path": "c.py", "prs": 4}]
    summary = write_sections(ctx)["summary"]
    assert "`a.py`" in summary and "`b.py`" in summary
    assert "ahead of" not in summary and "drew the most" not in summary and "被改动得最多" not in summary
