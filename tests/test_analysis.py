"""Unit tests for each analysis rule: labels, kind, modules, risks, importance, themes."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from prhub.analysis import importance, modules, recommend, themes
from prhub.analysis.labels import Labeller, parse_title, reverted_title
from prhub.analysis.paths import PathMatcher, _glob_to_regex
from prhub.analysis.pipeline import Analyzer
from prhub.analysis.risks import Risk, RiskRules
from prhub.config import default_settings
from prhub.report.reasons import risk_evidence_text
from prhub.store.queries import PrFile, StoredPr

SETTINGS = default_settings("vllm-project/vllm")  # the vllm preset, matched by slug


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
    spaced = parse_title("fix (deps): update deps")  # a space before the scope, as people type it
    assert (spaced.conventional, spaced.scope, spaced.rest.strip()) == ("fix", "deps", "update deps")


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


def test_title_tag_variants_share_one_label() -> None:
    labeller = Labeller(SETTINGS.label_rules)

    def names(title: str) -> list[str]:
        return [lb.name for lb in labeller.labels(title, [])]

    assert names("[Minor Fix] Tidy the log") == names("[Nit] x") == names("[Small] x") == ["misc"]
    assert names("[Fixbug] x") == names("[Bug Fix] x") == names("[BugFix] x") == ["bugfix"]
    assert names("[Doc] x") == names("[Examples] x") == ["documentation"]
    assert names("[Multi Modal] x") == names("[multi-modal] x") == names("[MM Encoder] x") == ["multimodal"]
    assert names("[Bench] x") == names("[Benchmarks] x") == ["benchmark"]
    assert names("[GPTOSS] x") == names("[gpt-oss] x") == ["gpt-oss"]
    assert names("[KV Transfer] x") == names("[KVTransfer] x") == names("[Disagg] x") == ["kv-cache"]
    assert names("[ModelRunner V2] x") == ["core"] and names("[Quark] x") == ["quantization"]
    # a tag of known words names each of their labels; one unknown word keeps the tag whole
    assert names("[CI Bugfix] Fix the flaky job") == ["ci-build", "bugfix"]
    assert names("[EP+DP] x") == ["distributed"]
    assert names("[DSv4 Perf] x") == ["dsv4-perf"] and names("[Model Bash] x") == ["model-bash"]
    analyzer = Analyzer(SETTINGS)
    assert analyzer.facts(pr(1, "[Minor Fix] Reword a message", [f("vllm/a.py")])).kind == "minor"


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
    # an area prefix is no kind: the verb after it is ("promql: add ...", "model/histogram: trim ...")
    assert kind("promql: add experimental `start_timestamp()` function", ["promql/functions.go"]) == "feature"
    assert kind("discovery/aws, ec2: remove the legacy role", ["discovery/aws/ec2.go"]) == "refactor"
    # rust-analyzer's changelog prefixes: an internal change, a minor one
    assert kind("internal: Tweak the salsa queries", ["crates/hir/src/a.rs"]) == "refactor"
    assert kind("minor: Tweak a message", ["crates/ide/src/a.rs"]) == "minor"
    assert kind("internal: Fix a flaky test helper", ["crates/hir/src/a.rs"]) == "fix"
    # no source file: the class holding most of the lines (a CI move that edits the README's badge)
    ci_files = [f(".azure-pipelines.yml", 120, 10), f("tox.ini", 8, 3), f("README.rst", 2, 1)]
    assert analyzer.facts(pr(1, "add test output and a run against Python RC", ci_files)).kind == "ci"
    assert analyzer.facts(pr(1, "Add an example", [f("docs/a.rst", 90), f("tests/test_a.py", 5)])).kind == "docs"
    # an upgrade of one named thing that changes a dependency manifest is a dependency update, also
    # when it only changes CI files (a GitHub Action's new version); so is every "deps" kind's PR line
    upgrade = analyzer.facts(pr(1, "Upgrade `content-type`", [f("package.json", 1, 1), f("lib/send.js")]))
    assert upgrade.kind == "deps" and upgrade.deps
    assert kind("Upgrade `content-type`", ["lib/send.js"]) == "change"
    assert kind("build(deps): bump github/codeql-action from 4.35.2 to 4.36.0", [".github/workflows/a.yml"]) == "deps"


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


_GLOB_PIECES = st.sampled_from(["**/", "**", "*", "?", "a", "b", "/", ".py", "test_", "[ab]", "[!a]"])
_PATH_PIECES = st.sampled_from(["a", "b", "/", ".py", "test_", "x", ".pyc"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(_GLOB_PIECES, min_size=1, max_size=6).map("".join), min_size=1, max_size=6),
    st.lists(st.lists(_PATH_PIECES, min_size=1, max_size=8).map("".join), min_size=1, max_size=10),
)
def test_glob_list_matches_as_one_alternation(globs: list[str], paths: list[str]) -> None:
    """The compiled list (its **/ globs sharing one prefix) matches a path when one of its globs
    matches the whole path."""
    whole = [re.compile(f"(?:{_glob_to_regex(g)})\\Z") for g in globs]
    m = PathMatcher(globs)
    assert [m(p) for p in paths] == [any(rx.match(p) for rx in whole) for p in paths]


def test_a_glob_matches_the_whole_path() -> None:
    m = PathMatcher(["**/conftest.py", "Makefile", "setup.py", "tests/**"])
    assert m("pkg/conftest.py") and m("Makefile") and m("tests/a.py")
    assert not m("pkg/conftest.py.bak") and not m("Makefile.am") and not m("setup.pyx")


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
def said(risk: Risk, lang: str = "en") -> str:
    """A risk's evidence as a reader reads it."""
    return risk_evidence_text(risk, lang)


def tags(
    title: str,
    files: list[PrFile],
    core: frozenset[str] = frozenset(),
    reverts: int | None = None,
    diff_facts: list[tuple[str, str, str]] | None = None,
) -> dict:
    return {r.tag: r for r in RiskRules(SETTINGS).assess(title, files, core, [], reverts, diff_facts or [])}


def test_each_risk_rule_with_evidence() -> None:
    assert "vllm/config/vllm.py" in said(
        tags("x", [f("vllm/config/vllm.py")], frozenset({"vllm/config/vllm.py"}))["core-path"]
    )
    untested = tags("x", [f("vllm/a.py", 60, 10)])
    assert "missing-tests" in untested and "70 source lines" in said(untested["missing-tests"])
    assert "missing-tests" not in tags("x", [f("vllm/a.py", 60, 10), f("tests/test_a.py")])
    # a refactor keeps behaviour: no new test asked; a perf change is tested by a benchmark
    rules = RiskRules(SETTINGS)
    big = [f("vllm/a.py", 60, 10)]

    def untested(files: list[PrFile], kind: str) -> bool:
        return "missing-tests" in {r.tag for r in rules.assess("x", files, frozenset(), [], None, kind=kind)}

    assert not untested(big, "refactor") and untested(big, "perf")
    assert not untested([*big, f("benchmarks/bench_x.py")], "perf")
    assert not untested([*big, f("crates/b/benches/x.rs")], "perf")
    assert untested([*big, f("benchmarks/b.py")], "fix")  # a benchmark tests a speed-up, not a fix
    manifest = [("dependency", "requirements/common.txt", "pip torch")]
    assert tags("x", [f("requirements/common.txt")], diff_facts=manifest)["dependency"].files == (
        "requirements/common.txt",
    )
    assert "dependency" not in tags("Bump the docs theme", [f("requirements/docs.txt")])  # the diff says
    assert "platform" in tags("x", [f("vllm/platforms/rocm.py")])
    assert "ROCm" in said(tags("[ROCm] Fix x", [f("vllm/a.py")])["platform"])
    assert "platform" not in tags("x", [f("vllm/v1/engine/output_processor.py")])  # "tpu" inside "output"
    assert "config" in tags("x", [f("vllm/envs.py")])
    assert "new-model" in tags("Add X", [f("vllm/model_executor/models/x.py", status="A")])
    assert "large-change" in tags("x", [f("vllm/a.py", 700, 200)])
    assert said(tags('Revert "x (#1)"', [f("a.py")], reverts=1)["revert"]) == "reverts #1"
    assert "revert" in tags("[ROCm] Revert the AITER default", [f("a.py")])  # the reverted PR unknown
    assert "revert" in tags("[Revert][Bugfix] Restore the QKV loader", [f("a.py")])
    assert "revert" not in tags("[Bugfix] Fix revert path in the scheduler", [f("a.py")])
    assert "deprecation" in tags("[V0 Deprecation] Remove old engine", [f("vllm/a.py")])
    assert "deprecation" in tags("x", [f("vllm/old.py", 0, 300, "D")])
    assert "ci-build" in tags("x", [f(".buildkite/test-pipeline.yaml")])


def test_a_test_file_is_no_path_evidence_for_a_risk() -> None:
    rocm_test = [f("tests/rocm/aiter/test_mla_fp8.py"), f("tests/kernels/test_xpu_ops.py")]
    assert "platform" not in tags("Skip a flaky attention test", rocm_test)
    # a test-only change is platform work when its title says so (the title is the evidence)
    by_title = tags("[ROCm] Add AITER MLA FP8 tests", rocm_test)["platform"]
    assert by_title.rule == "title" and "ROCm" in said(by_title) and by_title.files == ()
    # with a platform source file, that file is the evidence, never the test next to it
    both = tags("x", [f("vllm/platforms/rocm.py"), *rocm_test])["platform"]
    assert both.files == ("vllm/platforms/rocm.py",)


def test_risk_evidence_reads_naturally_in_both_languages() -> None:
    untested = tags("x", [f("vllm/a.py", 60, 10)])["missing-tests"]
    assert said(untested) == "70 source lines in 1 file, no test changed"
    assert said(untested, "zh") == "1 个源码文件改动 70 行，未改测试"
    core = tags("x", [f("vllm/a.py"), f("vllm/b.py")], frozenset({"vllm/a.py", "vllm/b.py"}))["core-path"]
    assert said(core, "zh") == "核心文件：vllm/a.py、vllm/b.py"  # Chinese punctuation, no ", "
    assert said(core) == "core files: vllm/a.py, vllm/b.py"
    many = tags("x", [f(f"vllm/m{i}.py") for i in range(5)], frozenset(f"vllm/m{i}.py" for i in range(5)))
    assert said(many["core-path"]) == "core files: vllm/m0.py, vllm/m1.py, vllm/m2.py (+2)"
    manifest = [("dependency", "Cargo.toml", "cargo serde,tokio")]
    dep = tags("x", [f("Cargo.toml")], diff_facts=manifest)["dependency"]
    assert said(dep) == "Cargo.toml: serde, tokio" and said(dep, "zh") == "Cargo.toml：serde、tokio"


def results(prs: list[StoredPr]) -> list:
    analyzer = Analyzer(SETTINGS)
    module_map = modules.infer(Counter(), 3, 0.06, 0.008)
    return [analyzer.assess(analyzer.facts(p), frozenset(), module_map, None, "en") for p in prs]


def test_platform_recommendation_names_the_lanes_of_its_own_prs() -> None:
    rs = results(
        [
            pr(1, "[CPU] Add draft model support", [f("csrc/cpu/spec.cpp")]),
            pr(2, "Tune the ROCm attention", [f("vllm/attention/rocm_flash.py")]),
            pr(3, "[TPU] Fix pallas", [f("vllm/worker/tpu_worker.py")]),
            pr(4, "Enable AITER MLA", [f("vllm/attention/aiter_mla.py")]),
            pr(5, "Fix the CUDA platform probe", [f("vllm/platforms/cuda.py")]),
        ]
    )
    platforms = SETTINGS["risks"]["platforms"]
    rec = next(r for r in recommend.recommendations(rs, [], 0.0, platforms) if r["kind"] == "platform-ci")
    # only the ROCm PRs go with "run the ROCm lanes"; CPU, TPU and CUDA changes are not ROCm's
    assert rec["platform"] == "ROCm" and sorted(rec["prs"]) == [2, 4] and rec["count"] == 2
    # the accelerators are vllm's words (its preset); the defaults name generic platforms only
    generic = default_settings()["risks"]["platforms"]
    assert "ROCm" not in generic and "Windows" in generic
    plain = recommend.recommendations(rs, [], 0.0, generic)
    assert next(r for r in plain if r["kind"] == "platform-ci")["platform"] is None


def test_platform_names_come_from_the_settings() -> None:
    from prhub.config import from_text
    from prhub.errors import ConfigError

    text = '[risks.platforms]\nHaiku = "(?i)haiku"\n[[risk_rules]]\ntag = "platform"\npaths = ["src/os/**"]\n'
    own = from_text(text, "prhub.toml")
    assert own["risks"]["platforms"] == {"Haiku": "(?i)haiku"}  # a prhub.toml's table replaces the defaults'
    analyzer = Analyzer(own)
    module_map = modules.infer(Counter(), 3, 0.06, 0.008)
    rs = [
        analyzer.assess(analyzer.facts(p), frozenset(), module_map, None, "en")
        for p in [pr(1, "Fix the build", [f("src/os/haiku/io.c")]), pr(2, "Fix polling", [f("src/os/bsd/io.c")])]
    ]
    recs = recommend.recommendations(rs, [], 0.0, own["risks"]["platforms"])
    rec = next(r for r in recs if r["kind"] == "platform-ci")
    assert rec["platform"] == "Haiku" and rec["prs"] == [1]  # named from the files behind the tag
    try:
        from_text('[risks.platforms]\nBad = "(unclosed"\n', "prhub.toml")
    except ConfigError as exc:
        assert "risks.platforms.Bad is not a valid regular expression" in str(exc)
    else:
        raise AssertionError("a bad pattern must be refused")


def test_revert_recommendation_pairs_each_revert_with_what_it_undid() -> None:
    reverting = StoredPr(
        9, 'Revert "Add x (#7)"', "bob", "b@x", 1_775_000_000, 0, "b" * 40, "squash", 7, None, "git",
        [f("vllm/a.py")], [],
    )  # fmt: skip
    rs = results([reverting, pr(8, "[ROCm] Revert AITER version to v0.1", [f("requirements/rocm.txt")])])
    rec = next(r for r in recommend.recommendations(rs, [], 6.0) if r["kind"] == "follow-revert")
    assert sorted(rec["prs"]) == [8, 9] and rec["pairs"] == [[9, 7]]


# -- importance -------------------------------------------------------------------------
def test_importance_components_and_bounds() -> None:
    w = SETTINGS["importance"]
    # the repository's own recent PRs: mostly 10-300 lines in one or two modules
    ref = importance.Reference([10, 20, 40, 60, 80, 100, 150, 200, 300, 1000], [1, 1, 1, 1, 1, 1, 2, 2, 3, 5])
    small_doc = importance.score(4, 1, 0, "docs", [], [], w, ref)
    big = importance.score(2800, 4, 3, "feature", ["csrc/k.cu"], ["core-path", "missing-tests", "large-change"], w, ref)
    assert 0 <= small_doc.value < 4.5 < 6.0 <= big.value <= 10
    assert set(big.components) == set(importance.COMPONENTS)
    assert big.components["core"] > 0 and big.components["new_surface"] > 0 and big.components["breadth"] > 0
    assert big.codes[0] == "size" and big.reasons[0]["size"] == "large" and "core" in big.codes
    assert round(big.value, 1) == big.value
    fix = importance.score(50, 1, 0, "fix", [], [], w, ref)
    feat = importance.score(50, 1, 0, "feature", [], [], w, ref)
    assert feat.value > fix.value > small_doc.value
    # the same PR is larger in a repository of small PRs than in one of large PRs
    small_repo = importance.Reference([5, 8, 10, 12, 15, 20, 25, 30], [1] * 8)
    large_repo = importance.Reference([200, 400, 800, 1200, 2000, 3000, 5000, 9000], [1] * 8)
    assert importance.score(300, 1, 0, "fix", [], [], w, small_repo).components["size"] > 1.0
    assert importance.score(300, 1, 0, "fix", [], [], w, large_repo).components["size"] < 0.3
    # docs- and test-only PRs weigh nothing and do not make a small code change look large
    mostly_docs = importance.Reference([0] * 50 + [10, 20, 40, 80, 160], [0] * 50 + [1] * 5)
    assert importance.score(12, 1, 0, "fix", [], [], w, mostly_docs).components["size"] < 0.3
    assert importance.score(0, 0, 0, "docs", [], [], w, mostly_docs).components["size"] == 0
    # a broad refactor counts its shape at three quarters; a removal of public surface in full
    feature = importance.score(900, 4, 3, "feature", [], ["core-path"], w, ref)
    refactor = importance.score(900, 4, 3, "refactor", [], ["core-path"], w, ref)
    removal = importance.score(900, 4, 3, "refactor", [], ["core-path", "deprecation"], w, ref)
    assert refactor.components["size"] == round(0.75 * feature.components["size"], 2)
    assert refactor.value < removal.value < feature.value
    # a mechanical change keeps its base and stays below the key threshold whatever its size
    fmt = importance.score(9000, 6, 5, "refactor", ["a"], ["large-change"], w, ref, mechanical="formatter")
    assert fmt.value < 6.0 and fmt.codes == ["size", "mechanical"] and fmt.components["size"] == 0


def test_importance_is_calibrated_to_the_repository_s_own_history() -> None:
    w = SETTINGS["importance"]
    # a repository whose PRs score low and alike (docs and small fixes): 3.6 to 5.5, mean 4.25
    history = [3.6 + 0.019 * i for i in range(101)]
    cal = importance.Calibration.fit(history, w)
    mapped = [h * cal.scale + cal.shift for h in history]
    assert abs(sum(mapped) / len(mapped) - w["target_mean"]) < 0.01
    assert sum(round(v, 1) >= 6.0 for v in mapped) == 10  # one in ten at the key threshold
    # the top of the fitted history, mapped: key; a mechanical change as high: never key
    top = importance.Score(5.5, {"size": 1.0}, ({"code": "size"},), 5.5)
    fmt = importance.Score(5.5, {"size": 0.0}, ({"code": "mechanical"},), 5.5, mechanical=True)
    assert cal.apply(top, 6.0).value >= 6.0 and cal.apply(fmt, 6.0).value == 5.5
    shifted = cal.apply(top, 6.0)
    assert round(5.5 + shifted.components["calibration"], 1) == shifted.value  # the components still add up
    # scores all alike are shifted, not stretched without end
    alike = importance.Calibration.fit([4.0] * 90 + [4.1] * 10, w)
    assert alike.scale == w["calibration_max_scale"]
    # too few PRs to fit on, or calibration off: the weighted sum as it is
    assert importance.Calibration.fit(history[:10], w) == importance.Calibration()
    assert importance.Calibration.fit(history, {**w, "calibrate": False}).apply(top, 6.0) is top


def test_the_calibration_s_raw_scores_are_the_assessment_s() -> None:
    analyzer = Analyzer(SETTINGS)
    module_map = modules.infer(Counter(), 3, 0.06, 0.008)
    ref = importance.Reference([10, 20, 40, 60, 80, 100, 150, 200, 300, 1000], [1, 1, 1, 1, 1, 1, 2, 2, 3, 5])
    core = frozenset({"vllm/a.py"})
    prs = [
        pr(1, "[ROCm] Fix x", [f("vllm/a.py", 90, 10), f("vllm/platforms/rocm.py")]),
        pr(2, "Add EXAONE-4.5", [f("vllm/model_executor/models/exaone.py", 400, 0, "A")]),
        pr(3, "[V0 Deprecation] Remove old engine", [f("vllm/old.py", 0, 300, "D")]),
        pr(4, "Simplify the scheduler", [f("vllm/a.py", 200, 250), f("tests/test_a.py")]),
    ]
    for p in prs:
        facts = analyzer.facts(p)
        full = analyzer.assess(facts, core, module_map, None, "en", ref).score.raw
        assert analyzer.raw_score(facts, core, module_map, ref) == full
        assert analyzer.raw_score(facts, frozenset(), module_map, ref) < full or p.number in (2, 3)


def test_importance_reasons_read_in_both_languages() -> None:
    from prhub.report.reasons import reason_text

    w = SETTINGS["importance"]
    ref = importance.Reference([10, 20, 40, 60, 80, 100, 150, 200, 300, 1000], [1, 1, 1, 1, 1, 1, 2, 2, 3, 5])
    big = importance.score(2800, 4, 3, "feature", ["csrc/k.cu"], [], w, ref)
    assert reason_text(big.reasons, "en").startswith("large feature (2800 lines, larger than")
    assert "touches 3 core files" in reason_text(big.reasons, "en")
    assert "缺陷修复" in reason_text(importance.score(50, 1, 0, "fix", [], [], w, ref).reasons, "zh")
    fmt = importance.score(900, 6, 0, "minor", [], [], w, ref, mechanical="formatter")
    assert reason_text(fmt.reasons, "en").endswith("a formatter or lint pass: never key")
    assert "格式化" in reason_text(fmt.reasons, "zh")


# -- themes -----------------------------------------------------------------------------
def theme_items(titles: list[str], hot: dict[str, str] | None = None) -> list[themes.ThemeInput]:
    """``hot``: a hot word's key -> the word, a candidate before the rules of the PRs that use it."""
    analyzer = Analyzer(SETTINGS)
    items = []
    for i, title in enumerate(titles):
        facts = analyzer.facts(pr(i + 1, title, [f("vllm/x.py")], author=f"a{i % 3}"))
        words = [k for k, word in (hot or {}).items() if word in title]
        items.append(themes.ThemeInput(i + 1, title, facts.pr.author, 5.0, (*words, *facts.theme_candidates)))
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
    items = theme_items(titles, {"w-gemma4": "Gemma4"})
    learned = {"w-gemma4": themes.Learned("Gemma4", "Gemma4", True, 2.0, "word")}
    previous = [Counter({"moe": 6, "rocm": 15, "frontend": 4}), Counter({"moe": 5, "rocm": 14, "frontend": 4})]
    found, assignment = themes.group(items, analyzer.theme_rules, previous, SETTINGS["themes"], learned=learned)
    by_key = {t.key: t for t in found}
    assert 4 <= len(found) <= SETTINGS["themes"]["max"]
    assert {"moe", "rocm", "frontend", "w-gemma4"} <= set(by_key)
    assert by_key["w-gemma4"].name == "Gemma4" and by_key["w-gemma4"].trend == "new"
    assert by_key["rocm"].trend == "falling" and by_key["moe"].trend == "steady"
    assert assignment[1] == "moe" and by_key["moe"].lead_authors
    # the same titles a week later give the same keys
    again, _ = themes.group(
        theme_items(titles, {"w-gemma4": "Gemma4"}), analyzer.theme_rules, [], SETTINGS["themes"], learned=learned
    )
    assert {t.key for t in again} == set(by_key)
    zh, _ = themes.group(items, analyzer.theme_rules, previous, SETTINGS["themes"], "zh", learned=learned)
    assert {t.key: t.name for t in zh}["frontend"] == "前端与 API"


def test_representatives_match_the_theme_on_their_own_words() -> None:
    """2025-W40: a sweeping refactor that touches model files is in "Model support", but the
    PRs tagged [Model] represent the theme, the refactor only filling in when they are too few."""
    analyzer = Analyzer(SETTINGS)
    models = [f("vllm/model_executor/models/llama.py"), f("vllm/model_executor/models/qwen2.py")]
    spec = [
        (1, "Move `VllmConfig` from `config/__init__.py` to `config/vllm.py`", 6.3),
        (2, "Remove all cases of `fmt: on/off`", 5.8),
        (3, "[Model] Support nested structures for TensorSchema", 5.7),
        (4, "[Models] Remove MotifForCausalLM", 5.6),
        (5, "[Model] Use `merge_by_field_config` for MM models (A-C)", 4.7),
    ]
    facts = {n: analyzer.facts(pr(n, title, models)) for n, title, _ in spec}
    assert facts[1].theme_candidates[0] == "models" and "models" not in facts[1].theme_direct
    assert "models" in facts[3].theme_direct
    items = [
        themes.ThemeInput(n, title, "a", score, facts[n].theme_candidates, False, facts[n].theme_direct)
        for n, title, score in spec
    ]
    found, _ = themes.group(items, analyzer.theme_rules, [], SETTINGS["themes"])
    theme = next(t for t in found if t.key == "models")
    assert theme.name == "Model support" and theme.prs == [1, 2, 3, 4, 5]  # members: by importance
    assert theme.representative_prs == [3, 4, 5]
    # too few PRs match on their own words: the most important of the rest fill in
    items[3].direct = items[4].direct = frozenset()
    found, _ = themes.group(items, analyzer.theme_rules, [], SETTINGS["themes"])
    assert next(t for t in found if t.key == "models").representative_prs == [3, 1, 2]


def test_key_prs_of_the_quick_look_get_a_named_theme() -> None:
    analyzer = Analyzer(SETTINGS)
    titles = (
        [f"[MoE Refactor] Split runner {i}" for i in range(9)]
        + [f"[ROCm] Fix AITER path {i}" for i in range(8)]
        + [f"[Frontend] Tool parser option {i}" for i in range(7)]
        + [f"[CI] Fix flaky job {i}" for i in range(7)]
        + [f"[Quantization] FP8 scale {i}" for i in range(6)]
        + [f"[XPU] Enable op {i}" for i in range(6)]
        + [f"[Multimodal] Image cache {i}" for i in range(5)]
        + [f"[Attention] Backend tweak {i}" for i in range(5)]
        + [f"[Distributed] NCCL timeout {i}" for i in range(4)]
        + ["[Kernel] Porting the TRTLLM minimax_allreduce_rms kernels", "[Docs] Fix a typo"]
    )
    items = theme_items(titles)
    kernel, docs = items[-2], items[-1]
    kernel.importance = 7.9  # the week's top PR, alone in its line of work
    options = {**SETTINGS["themes"], "max": 8}  # nine lines of work: one must make room
    found, assignment = themes.group(items, analyzer.theme_rules, [], options, "en", 6.0, 5)
    keys = [t.key for t in found]
    assert len(found) == options["max"] and "kernels" in keys and assignment[kernel.number] == "kernels"
    # without the key PR, the eight biggest themes hold, and the kernel PR has no named theme
    kernel.importance = 5.0
    plain, plain_assignment = themes.group(items, analyzer.theme_rules, [], options, "en", 6.0, 5)
    assert "kernels" not in {t.key for t in plain} and kernel.number not in plain_assignment
    # the latest chosen of the themes whose loss costs least made room
    assert set(keys) == {t.key for t in plain} - {"distributed"} | {"kernels"}
    # the PRs no named theme took are "Other changes", apart from the themes
    other = themes.other_changes(items, assignment, options)
    assert other is not None and other.key == themes.OTHER_KEY and other.name == "Other changes"
    assert docs.number in other.prs and set(other.prs).isdisjoint(assignment)
    assert len(other.prs) + len(assignment) == len(items)
    assert themes.other_changes(items, {i.number: "x" for i in items}, options) is None
    assert themes.other_changes(items, assignment, options, "zh").name == "其他变更"


def test_a_theme_taking_another_s_prs_does_not_leave_too_few_themes() -> None:
    """2023-W27: a CI PR that also touches the engine went to Engine, leaving CI one PR short."""
    analyzer = Analyzer(SETTINGS)
    spec = [("frontend",)] * 8 + [("new-models",)] * 3 + [(), (), ()]
    spec += [("ci",), ("engine", "ci"), ("engine", "bugfixes"), ("bugfixes",)]
    importance = [5.0] * 14 + [6.7, 6.0, 4.0, 4.0]
    items = [themes.ThemeInput(i + 1, f"PR {i}", "a", importance[i], candidates) for i, candidates in enumerate(spec)]
    found, assignment = themes.group(items, analyzer.theme_rules, [], SETTINGS["themes"], "en", 6.0, 5)
    assert len(found) >= 4 and all(t.count >= 2 for t in found)
    assert assignment[15] == assignment[16] == "ci"  # the two CI PRs stay together


def test_a_quiet_week_has_no_one_pr_themes() -> None:
    analyzer = Analyzer(SETTINGS)
    titles = ["[Tests] Fix path 1", "[Tests] Fix path 2", "[Tests] Fix path 3", "[ROCm] Enable x", "[Docs] Describe y"]
    items = theme_items(titles)
    found, assignment = themes.group(items, analyzer.theme_rules, [], SETTINGS["themes"], "en", 6.0, 5)
    assert [(t.key, t.count) for t in found] == [("tests", 3)] and set(assignment) == {1, 2, 3}
    items[3].importance = 7.0  # a key PR of the quick look keeps its theme, even alone
    found, _ = themes.group(items, analyzer.theme_rules, [], SETTINGS["themes"], "en", 6.0, 5)
    assert [(t.key, t.count) for t in found] == [("tests", 3), ("rocm", 1)]


def test_a_revert_keeps_the_reverted_prs_themes() -> None:
    analyzer = Analyzer(SETTINGS)
    assert reverted_title('Revert "[Core] Replace routing replay (#39917)"') == "[Core] Replace routing replay (#39917)"
    assert reverted_title('Revert "x" (#12)') == "x" and reverted_title("[Bugfix] Revert to old path") is None
    facts = analyzer.facts(pr(1, 'Revert "[Core] Replace routing replay (#39917)"', [f("vllm/x.py")]))
    assert facts.kind == "revert" and "engine" in facts.theme_candidates
    assert [lb.name for lb in facts.labels] == ["revert"]  # the quoted tags are not the revert's labels


def test_trend_rules() -> None:
    assert themes.trend(5, [0, 0]) == "new"
    assert themes.trend(12, [4, 4, 4]) == "rising"
    assert themes.trend(2, [10, 10]) == "falling"
    assert themes.trend(9, [10, 8]) == "steady"
    assert themes.trend(12, [20, 2, 2, 2]) == "steady"  # never "rising" below last period's count
