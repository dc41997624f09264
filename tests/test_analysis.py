"""Unit tests for each analysis rule: labels, kind, modules, risks, importance, themes."""

from __future__ import annotations

from collections import Counter

from prhub.analysis import importance, modules, themes
from prhub.analysis.labels import Labeller, parse_title
from prhub.analysis.paths import PathMatcher
from prhub.analysis.pipeline import Analyzer
from prhub.analysis.risks import RiskRules
from prhub.config import default_settings
from prhub.store.queries import PrFile, StoredPr

SETTINGS = default_settings()


def pr(number: int, title: str, files: list[PrFile], author: str = "alice", co: list | None = None) -> StoredPr:
    return StoredPr(
        number, title, author, f"{author}@x", 1_775_000_000, 0, "a" * 40, "squash", None, None, "git", files, co or []
    )


def f(path: str, adds: int = 10, dels: int = 2, status: str = "M") -> PrFile:
    return PrFile(path, status, adds, dels)


# -- titles and labels ------------------------------------------------------------------
def test_title_tags_and_conventional_type() -> None:
    parts = parse_title("[Bugfix][ROCm][3/N] Fix AITER fake impl")
    assert parts.tags == ("Bugfix", "ROCm") and parts.rest == "Fix AITER fake impl"
    conv = parse_title("fix(gdn): Align prefill warmup")
    assert conv.conventional == "fix" and conv.scope == "gdn" and conv.rest == "Align prefill warmup"
    assert parse_title("Plain title").tags == ()


def test_labels_carry_their_source() -> None:
    labeller = Labeller(SETTINGS.label_rules)
    got = {(lb.name, lb.source) for lb in labeller.labels("[Bugfix][CI/Build] x", ["vllm/a.py"])}
    assert {("bugfix", "title-tag"), ("ci-build", "title-tag")} <= got
    got = {(lb.name, lb.source) for lb in labeller.labels("feat(api): add x", ["vllm/a.py"])}
    assert ("feature", "conventional") in got
    got = {(lb.name, lb.source) for lb in labeller.labels("Update guide", ["docs/a.md", "docs/b.md"])}
    assert ("documentation", "path-rule") in got
    # an unknown tag is kept as a label of its own
    assert ("gemma4", "title-tag") in {(lb.name, lb.source) for lb in labeller.labels("[Gemma4] x", [])}


def test_kind_precedence() -> None:
    analyzer = Analyzer(SETTINGS)
    kind = lambda title, paths: analyzer.facts(pr(1, title, [f(p) for p in paths])).kind  # noqa: E731
    assert kind("[Bugfix][Kernel] Fix overflow", ["csrc/a.cu"]) == "fix"
    assert kind("[Kernel][MoE] Fix legacy routing", ["csrc/a.cu"]) == "fix"  # the title verb wins
    assert kind("[Perf][Kernel] Persistent TopK", ["csrc/a.cu"]) == "perf"
    assert kind("[Feature] NUMA binding", ["vllm/a.py"]) == "feature"
    assert kind("[Bugfix] Fix docs build", ["docs/a.md"]) == "docs"  # only docs: docs, whatever the tag
    assert kind('Revert "Add b200 test (#38577)"', [".buildkite/a.yaml"]) == "revert"
    assert kind("Add EXAONE-4.5", ["vllm/x.py"]) == "feature"
    assert kind("Tweak something", ["vllm/x.py"]) == "change"


def test_ai_assistants_and_bots() -> None:
    analyzer = Analyzer(SETTINGS)
    co = [("Claude Opus 4.6", "noreply@anthropic.com"), ("mergify[bot]", "1+mergify[bot]@users.noreply.github.com")]
    assert analyzer.facts(pr(2, "x", [f("a.py")], co=co)).assistants == ["Claude"]
    gem = [("gemini-code-assist[bot]", "1+gemini-code-assist[bot]@users.noreply.github.com")]
    assert analyzer.facts(pr(3, "x", [f("a.py")], co=gem)).assistants == ["Gemini"]
    assert analyzer.facts(pr(4, "x", [f("a.py")], co=co[1:])).assistants == []
    assert analyzer.is_bot("dependabot[bot]") and analyzer.is_bot("mergify[bot]") and not analyzer.is_bot("bob")


# -- paths and modules ------------------------------------------------------------------
def test_globs() -> None:
    m = PathMatcher(["docs/**", "**/test_*.py", "setup.py", "**/*rocm*"])
    assert m("docs/a/b.md") and m("tests/x/test_a.py") and m("test_a.py") and m("setup.py")
    assert m("vllm/platforms/rocm.py") and not m("vllm/setup.py") and not m("vllm/output.py")
    assert m.first("setup.py") == "setup.py"


def test_module_inference_is_depth_aware() -> None:
    counts = Counter()
    for i in range(40):
        counts[f"vllm/model_executor/layers/l{i}.py"] += 3
        counts[f"vllm/model_executor/models/m{i}.py"] += 3
        counts[f"vllm/v1/core/c{i}.py"] += 2
        counts[f"tests/t{i}.py"] += 2
    counts["docs/a.md"] += 5
    counts["setup.py"] += 5
    mm = modules.infer(counts)
    assert mm.module_of("vllm/model_executor/layers/fused_moe/x.py") == "vllm/model_executor/layers"
    assert mm.module_of("vllm/v1/core/c1.py") == "vllm/v1"
    assert mm.module_of("docs/a.md") == "docs" and mm.module_of("setup.py") == modules.ROOT_MODULE
    assert modules.configured({"vllm/v1/": "engine"}).module_of("vllm/v1/core/c1.py") == "engine"


# -- risks ------------------------------------------------------------------------------
def tags(title: str, files: list[PrFile], core: frozenset[str] = frozenset(), reverts: int | None = None) -> dict:
    return {r.tag: r for r in RiskRules(SETTINGS).assess(title, files, core, [], reverts)}


def test_each_risk_rule_with_evidence() -> None:
    assert (
        "vllm/config/vllm.py"
        in tags("x", [f("vllm/config/vllm.py")], frozenset({"vllm/config/vllm.py"}))["core-path"].evidence
    )
    untested = tags("x", [f("vllm/a.py", 60, 10)])
    assert "missing-tests" in untested and "70 source lines" in untested["missing-tests"].evidence
    assert "missing-tests" not in tags("x", [f("vllm/a.py", 60, 10), f("tests/test_a.py")])
    assert tags("x", [f("requirements/common.txt")])["dependency"].files == ("requirements/common.txt",)
    assert "platform" in tags("x", [f("vllm/platforms/rocm.py")])
    assert "ROCm" in tags("[ROCm] Fix x", [f("vllm/a.py")])["platform"].evidence
    assert "platform" not in tags("x", [f("vllm/v1/engine/output_processor.py")])  # "tpu" inside "output"
    assert "config" in tags("x", [f("vllm/envs.py")])
    assert "new-model" in tags("Add X", [f("vllm/model_executor/models/x.py", status="A")])
    assert "large-change" in tags("x", [f("vllm/a.py", 700, 200)])
    assert tags('Revert "x (#1)"', [f("a.py")], reverts=1)["revert"].evidence == "reverts #1"
    assert "deprecation" in tags("[V0 Deprecation] Remove old engine", [f("vllm/a.py")])
    assert "deprecation" in tags("x", [f("vllm/old.py", 0, 300, "D")])
    assert "ci-build" in tags("x", [f(".buildkite/test-pipeline.yaml")])


# -- importance -------------------------------------------------------------------------
def test_importance_components_and_bounds() -> None:
    w = SETTINGS["importance"]
    small_doc = importance.score([f("docs/a.md", 3, 1)], ["docs"], 0, "docs", [], [], w)
    big = importance.score(
        [f("vllm/a.py", 2000, 300), f("csrc/k.cu", 500, 0, "A")],
        ["vllm", "csrc", "tests", "docs"],
        3,
        "feature",
        ["csrc/k.cu"],
        ["core-path", "missing-tests", "large-change"],
        w,
    )
    assert 0 <= small_doc.value < 4.5 < 6.0 <= big.value <= 10
    assert set(big.components) == set(importance.COMPONENTS)
    assert big.components["core"] > 0 and big.components["new_surface"] > 0 and big.components["breadth"] > 0
    assert "core" in big.reason and "\n" not in big.reason
    assert round(big.value, 1) == big.value
    fix = importance.score([f("vllm/a.py")], ["vllm"], 0, "fix", [], [], w)
    feat = importance.score([f("vllm/a.py")], ["vllm"], 0, "feature", [], [], w)
    assert feat.value > fix.value > small_doc.value
    assert "修复" in importance.score([f("vllm/a.py")], ["vllm"], 0, "fix", [], [], w, "zh").reason


# -- themes -----------------------------------------------------------------------------
def theme_items(titles: list[str]) -> list[themes.ThemeInput]:
    analyzer = Analyzer(SETTINGS)
    items = []
    for i, title in enumerate(titles):
        facts = analyzer.facts(pr(i + 1, title, [f("vllm/x.py")], author=f"a{i % 3}"))
        items.append(themes.ThemeInput(i + 1, title, facts.pr.author, 5.0, facts.theme_candidates, facts.words))
    return items


def test_themes_are_named_stable_and_trended() -> None:
    analyzer = Analyzer(SETTINGS)
    titles = (
        [f"[MoE Refactor] Split runner {i}" for i in range(6)]
        + [f"[ROCm] Fix AITER path {i}" for i in range(5)]
        + [f"[Frontend] Tool parser fix {i}" for i in range(4)]
        + [f"[Gemma4] Enable fast prefill {i}" for i in range(5)]
        + [f"[CI] Fix flaky job {i}" for i in range(4)]
    )
    items = theme_items(titles)
    previous = [Counter({"moe": 6, "rocm": 15, "frontend": 4}), Counter({"moe": 5, "rocm": 14, "frontend": 4})]
    found, assignment = themes.group(items, analyzer.theme_rules, previous, SETTINGS["themes"])
    by_key = {t.key: t for t in found}
    assert 4 <= len(found) <= 8
    assert {"moe", "rocm", "frontend", "w-gemma4"} <= set(by_key)
    assert by_key["w-gemma4"].name == "Gemma4" and by_key["w-gemma4"].trend == "new"
    assert by_key["rocm"].trend == "falling" and by_key["moe"].trend == "steady"
    assert assignment[1] == "moe" and by_key["moe"].lead_authors
    # the same titles a week later give the same keys
    again, _ = themes.group(theme_items(titles), analyzer.theme_rules, [], SETTINGS["themes"])
    assert {t.key for t in again} == set(by_key)
    zh, _ = themes.group(items, analyzer.theme_rules, previous, SETTINGS["themes"], "zh")
    assert {t.key: t.name for t in zh}["frontend"] == "前端与 API"


def test_trend_rules() -> None:
    assert themes.trend(5, [0, 0]) == "new"
    assert themes.trend(12, [4, 4, 4]) == "rising"
    assert themes.trend(2, [10, 10]) == "falling"
    assert themes.trend(9, [10, 8]) == "steady"
    assert themes.trend(12, [20, 2, 2, 2]) == "steady"  # never "rising" below last period's count
