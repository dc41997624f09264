"""Settings: built-in defaults < ``prhub.toml`` (repository root or ``--config``).

The defaults are one TOML-shaped dict (``DEFAULTS``) so the documentation test
can walk every key, and a user's file is checked against it: an unknown key is
a one-line ConfigError, not a silently ignored typo. Rule lists (labels,
risks, themes) are ordered, first match wins; a user's rules are tried before
the built-in ones unless ``default_rules = false``.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prhub.errors import ConfigError
from prhub.period import zone

CONFIG_NAME = "prhub.toml"

RISK_TAGS = (
    "core-path",
    "missing-tests",
    "dependency",
    "platform",
    "config",
    "new-model",
    "large-change",
    "revert",
    "deprecation",
    "ci-build",
)

KINDS = ("revert", "fix", "perf", "kernel", "feature", "model", "refactor", "change", "ci", "tests", "docs", "minor")

# Paths that are not "source" for missing-tests, core inference and kind-by-shape.
TEST_GLOBS = ["tests/**", "test/**", "**/tests/**", "**/test_*.py", "**/*_test.py", "**/*_test.go", "**/conftest.py"]
DOC_GLOBS = ["docs/**", "doc/**", "**/*.md", "**/*.rst", "**/*.txt.md", "README*", "CHANGELOG*", "LICENSE*"]
CI_GLOBS = [
    ".buildkite/**",
    ".github/**",
    ".gitlab-ci.yml",
    ".circleci/**",
    "docker/**",
    "**/Dockerfile*",
    ".pre-commit-config.yaml",
    "CMakeLists.txt",
    "cmake/**",
    "setup.py",
    "setup.cfg",
    "MANIFEST.in",
    "tools/**",
    "**/*.cmake",
    ".readthedocs.yaml",
    "mkdocs.yaml",
    "mkdocs.yml",
]


def _label(
    name: str,
    tags: list[str] | None = None,
    conventional: list[str] | None = None,
    paths: list[str] | None = None,
    match: str = "all",
    kind: str = "",
) -> dict[str, Any]:
    return {
        "name": name,
        "title_tags": tags or [],
        "conventional": conventional or [],
        "paths": paths or [],
        "match": match,
        "kind": kind,
    }


DEFAULT_LABEL_RULES: list[dict[str, Any]] = [
    _label("revert", ["revert"], ["revert"], kind="revert"),
    _label(
        "bugfix",
        ["bugfix", "bug", "fix", "bugfixes", "hotfix", "bug fix", "ci failure", "ci bug", "fixbug", "bugifx", "fixes"],
        ["fix"],
        kind="fix",
    ),
    _label(
        "performance",
        ["perf", "performance", "performance improvement", "optimization", "speedup"],
        ["perf"],
        kind="perf",
    ),
    _label("feature", ["feature", "feat", "features", "new feature", "enhancement"], ["feat"], kind="feature"),
    _label("new-model", ["new model", "new models", "model support"], kind="model"),
    _label("model", ["model", "models", "vlm", "llm"], kind="model"),
    _label("kernel", ["kernel", "kernels", "ops", "cuda kernel", "triton"], kind="kernel"),
    _label("gpt-oss", ["gpt-oss"]),  # also [GPTOSS], [gpt_oss]: tags compare without spaces, - and _
    _label(
        "refactor",
        ["refactor", "refactoring", "cleanup", "code quality", "chore"],
        ["refactor", "chore"],
        kind="refactor",
    ),
    _label("moe", ["moe", "moe refactor", "fused moe", "fusedmoe", "eplb"]),
    _label(
        "quantization",
        ["quantization", "quant", "fp8", "nvfp4", "mxfp4", "mxfp8", "gguf", "int8", "w8a8", "marlin", "ct"]
        + ["quark", "modelopt", "compressed-tensors", "torchao", "autoround", "turboquant", "inc", "ocp mx", "awq"]
        + ["gptq", "bitsandbytes"],
    ),
    _label(
        "rocm",
        ["rocm", "amd", "hip", "aiter", "rocm/aiter", "the rock", "mori"],
        paths=["**/rocm/**", "**/*rocm*", "**/*aiter*"],
        match="all",
    ),
    _label("xpu", ["xpu", "intel", "intel-gpu", "intel gpu"]),
    _label("cpu", ["cpu", "zencpu", "arm", "arm64", "cpu backend", "intel cpu"]),
    _label("tpu", ["tpu", "tpu v1"]),
    _label(
        "hardware",
        ["hardware", "nvidia", "cuda", "blackwell", "hopper", "hpu", "npu", "gaudi", "intel gaudi", "intel-gaudi"]
        + ["neuron", "openvino", "risc-v", "powerpc", "power", "platform", "platforms", "tpu backend", "macos"]
        + ["ibm z", "s390x", "b200", "sm100", "non-cuda"],
    ),
    _label(
        "spec-decode",
        ["spec decode", "speculative decoding", "eagle", "mtp", "spec decoding", "specdec", "speculators", "dflash"],
    ),
    _label("multimodal", ["multimodal", "mm", "vision", "audio", "asr", "video", "image", "mm encoder"]),
    _label("rust-frontend", ["rust frontend", "rust-frontend", "rust"]),
    _label(
        "frontend",
        ["frontend", "api", "openai", "entrypoints", "parser", "tool", "tool parser", "reasoning", "ux", "cli"]
        + ["responses api", "structured output", "structured outputs", "pooling", "grpc", "renderer", "render"]
        + ["responses", "response api", "responseapi", "api server", "anthropic"],
    ),
    _label(
        "kv-cache",
        ["kv offload", "kv connector", "nixl", "lmcache", "kv cache", "hma", "pd", "p/d", "mooncake"]
        + ["kv offloading", "kv offload+hma", "offloading", "kv transfer", "disaggregated", "disagg", "p2p"]
        + ["nixlconnector", "nixlpush", "lmcache connector", "prefix cache", "prefix caching", "kvcachemanager"]
        + ["hybrid allocator", "simplecpuoffloadconnector"],
    ),
    _label(
        "distributed",
        ["distributed", "dp", "ep", "tp", "pp", "parallel", "multi-node", "ray", "dcp", "wideep", "elastic ep", "dbo"],
    ),
    _label(
        "attention",
        ["attention", "mla", "flashattention", "flashinfer", "fa4", "fa3", "backend", "flexattention", "sparse mla"]
        + ["attention backend", "attn", "flashmla"],
    ),
    _label(
        "torch-compile",
        ["torch.compile", "compile", "compilation", "inductor", "cudagraph", "cuda graph", "cg", "vllm ir"],
    ),
    _label(
        "core",
        ["core", "engine", "scheduler", "v1", "model runner v2", "mrv2", "model runner", "executor"]
        + ["async scheduling", "chunked prefill"],
    ),
    _label("deprecation", ["deprecation", "v0 deprecation", "deprecate", "removal"]),
    _label(
        "ci-build",
        ["ci", "ci/build", "build", "ci-build", "ci/cd", "docker", "cmake", "release", "mergify", "pre-commit"]
        + ["ci perf"],
        ["ci", "build"],
        CI_GLOBS,
        kind="ci",
    ),
    _label(
        "documentation",
        ["doc", "docs", "documentation", "example", "examples", "doc fix", "docs fix"],
        ["docs"],
        DOC_GLOBS,
        kind="docs",
    ),
    _label(
        "tests",
        ["test", "tests", "testing", "ut", "ci test", "failing test", "unit test", "unit tests"],
        ["test", "tests"],
        TEST_GLOBS,
        kind="tests",
    ),
    _label("benchmark", ["benchmark", "benchmarks", "bench", "benchmarking", "perf-benchmark"]),
    _label("logging", ["log", "logs", "logging"]),
    _label("typing", ["mypy", "typing", "type hints", "type hint", "type checking", "mypy fix"]),
    _label("rl", ["rl", "rlhf"]),
    _label("mamba", ["mamba", "mamba1", "mamba2", "ssm"]),
    _label(
        "misc",
        ["misc", "easy", "ez", "minor", "minor fix", "minor fixes", "small", "typo", "typos", "nit", "nits"]
        + ["trivial", "mis"],
        ["style"],
        kind="minor",
    ),
]


def _risk(
    tag: str, paths: list[str] | None = None, title: str = "", why_en: str = "", why_zh: str = ""
) -> dict[str, Any]:
    return {"tag": tag, "paths": paths or [], "title": title, "why_en": why_en, "why_zh": why_zh}


DEFAULT_RISK_RULES: list[dict[str, Any]] = [
    _risk(
        "dependency",
        [
            "requirements/**",
            "requirements*.txt",
            "pyproject.toml",
            "**/package.json",
            "**/package-lock.json",
            "**/Cargo.toml",
            "**/Cargo.lock",
            "go.mod",
            "go.sum",
            "**/uv.lock",
            "poetry.lock",
            "cmake/external_projects/**",
        ],
        r"(?i)\b(bump|upgrade|unpin|pin|update to (torch|transformers|triton|flashinfer|cuda))\b",
        "a dependency manifest or a pinned version changed",
        "依赖清单或固定版本发生变化",
    ),
    _risk(
        "platform",
        [
            "**/rocm/**",
            "**/*rocm*",
            "**/*aiter*",
            "**/hip/**",
            "**/*_hip.*",
            "**/hip_*",
            "**/xpu/**",
            "**/*xpu*",
            "**/tpu/**",
            "**/*_tpu.*",
            "**/tpu_*",
            "csrc/cpu/**",
            "**/cpu/**",
            "**/*_cpu.py",
            "vllm/platforms/**",
        ],
        r"(?i)(\bROCm\b|\bAMD\b|\bHIP\b|\bXPU\b|\bTPU\b|\[CPU\]|\bCPU backend\b|\barm64\b|\baarch64\b|\bWindows\b|"
        r"\bmacOS\b|\bHPU\b|\bGaudi\b|\bMI3\d\d\w*|\bgfx\d+|\bBlackwell\b|\bHopper\b|\bSM ?\d{2,3}\b|\bNPU\b|\[CUDA\])",
        "platform-specific code (ROCm/HIP, CUDA, XPU, TPU, CPU, arm64...) changed",
        "修改了特定平台的代码（ROCm/HIP、CUDA、XPU、TPU、CPU、arm64 等）",
    ),
    _risk(
        "config",
        [
            "**/envs.py",
            "vllm/config/**",
            "**/config.py",
            "**/arg_utils.py",
            "**/cli_args.py",
            "**/*.toml.example",
            ".env*",
        ],
        r"(?i)(\benv(ironment)? var|\bVLLM_[A-Z0-9_]+\b|\s--[a-z][a-z0-9-]+|\bflag\b|\bdefault\b|\bconfig\b)",
        "configuration, environment variables or CLI flags changed",
        "修改了配置、环境变量或命令行参数",
    ),
    _risk(
        "deprecation",
        [],
        r"(?i)\b(deprecat\w*|remov\w*|drop(s|ped|ping)?|delet\w*|unused|dead code|sunset)\b",
        "removes or deprecates code or a feature",
        "删除或弃用了代码或功能",
    ),
    _risk(
        "ci-build",
        CI_GLOBS,
        r"(?i)(\[CI\b|\[Build\b|\bCI\b|\bpre-commit\b|\bwheel\b|\bDockerfile\b)",
        "CI, build or packaging files changed",
        "修改了 CI、构建或打包文件",
    ),
]


def _theme(
    key: str,
    en: str,
    zh: str,
    labels: list[str] | None = None,
    words: str = "",
    paths: list[str] | None = None,
    kinds: list[str] | None = None,
    weight: float = 1.0,
) -> dict[str, Any]:
    return {
        "key": key,
        "name_en": en,
        "name_zh": zh,
        "labels": labels or [],
        "words": words,
        "paths": paths or [],
        "kinds": kinds or [],
        "weight": weight,
    }


DEFAULT_THEME_RULES: list[dict[str, Any]] = [
    _theme(
        "new-models",
        "New models",
        "新模型",
        ["new-model"],
        r"(?i)\bnew[ _-]models?\b",  # else the new-model label: a [New Model] tag, or a model file added
    ),
    _theme(
        "moe",
        "MoE",
        "MoE 混合专家",
        ["moe"],
        r"(?i)\b(moe|mixture[- ]of[- ]experts|experts?|fused_moe|deepep|eplb)\b",
        ["**/fused_moe/**", "**/*moe*"],
    ),
    _theme(
        "spec-decode",
        "Speculative decoding",
        "投机解码",
        ["spec-decode"],
        r"(?i)\b(spec(ulative)?[ _-]?decod\w*|eagle\d?|mtp|draft model|rejection sampl\w*|ngram|medusa)\b",
        ["**/spec_decode/**"],
    ),
    _theme(
        "kv-cache",
        "KV cache and offloading",
        "KV 缓存与卸载",
        ["kv-cache"],
        r"(?i)\b(kv[ _-]?(cache|offload\w*|connector|transfer|events?)|nixl"
        r"|lmcache|mooncake|prefix[ _-]cach\w*|hma|p/d|disagg\w*)\b",
        ["**/kv_transfer/**", "**/kv_offload/**", "**/kv_cache*", "**/kv_connector*"],
    ),
    _theme(
        "rocm",
        "ROCm / AMD",
        "ROCm / AMD",
        ["rocm"],
        r"(?i)\b(rocm|amd|hip|aiter|mi\d{3}\w*|gfx\d+\w*|rdna\w*)\b",
        ["**/rocm/**", "**/*rocm*", "**/*aiter*"],
    ),
    _theme(
        "hardware",
        "XPU, CPU, TPU and other hardware",
        "XPU、CPU、TPU 等硬件",
        ["xpu", "cpu", "tpu", "hardware"],
        r"(?i)\b(xpu|tpu|hpu|gaudi|habana|npu|ascend|neuron\w*|openvino|risc-?v|riscv64|arm64|aarch64"
        r"|power ?pc|ppc64le|s390x|zencpu|macos|apple silicon)\b|\[CPU\]",
        ["**/xpu/**", "**/*xpu*", "**/tpu/**", "csrc/cpu/**", "**/cpu/**"],
    ),
    _theme(
        "quantization",
        "Quantization",
        "量化",
        ["quantization"],
        r"(?i)\b(quant\w*|fp8|fp4|nvfp4|mxfp\d|int[48]|w\d+a\d+|gptq|awq|marlin"
        r"|gguf|bitsandbytes|modelopt|compressed[- ]tensors|quark|torchao)\b",
        ["**/quantization/**"],
    ),
    _theme(
        "multimodal",
        "Multimodal",
        "多模态",
        ["multimodal"],
        r"(?i)\b(multi[- ]?modal|mm|vlm|vision|visual|image|video"
        r"|audio|asr|speech|whisper|transcription|encoder cache)\b",
        ["vllm/multimodal/**", "**/multimodal/**"],
    ),
    _theme(
        "lora",
        "LoRA",
        "LoRA",
        ["lora"],
        r"(?i)\b(lora|punica|multi-lora)\b",
        ["vllm/lora/**", "**/lora/**", "**/punica*"],
    ),
    _theme(
        "rust-frontend",
        "Rust frontend",
        "Rust 前端",
        ["rust-frontend"],
        r"(?i)\brust\b",
        ["rust/**"],
    ),
    _theme(
        "frontend",
        "Frontend and API",
        "前端与 API",
        ["frontend"],
        r"(?i)\b(frontend|openai|api server|responses api|realtime api|chat completion\w*|completions?"
        r"|tool[ _-]?(call\w*|parser)|reasoning[ _-]parser|"
        r"entrypoints?|serve|streaming|structured output\w*|guided decoding"
        r"|grammar|xgrammar|pooling|embedding|rerank\w*|score)\b",
        ["vllm/entrypoints/**", "vllm/tool_parsers/**", "vllm/reasoning/**", "**/structured_output/**"],
    ),
    _theme(
        "distributed",
        "Distributed and parallelism",
        "分布式与并行",
        ["distributed"],
        r"(?i)\b(distributed|tensor parallel\w*|pipeline parallel\w*|data parallel\w*|expert parallel\w*"
        r"|context parallel\w*|dcp|pcp|[dtpe]p|all[- ]?reduce|all2all|nccl|ray|multi[- ]node)\b",
        ["vllm/distributed/**"],
    ),
    _theme(
        "attention",
        "Attention backends",
        "注意力后端",
        ["attention"],
        r"(?i)\b(attention|attn|mla|flash[- ]?attn|flashattention|fa[234]|flashinfer"
        r"|flashmla|flex[ _-]?attention|sliding window|mamba|gdn|linear attention)\b",
        ["**/attention/**", "**/attention_backends/**", "vllm/v1/attention/**"],
    ),
    _theme(
        "compile",
        "torch.compile and CUDA graphs",
        "torch.compile 与 CUDA Graph",
        ["torch-compile"],
        r"(?i)(torch\.compile|\bcompil\w*|\binductor\b|\bcuda ?graphs?\b|\bcudagraph\w*|\bpiecewise\b|\bvllm ir\b)",
        ["vllm/compilation/**"],
    ),
    _theme(
        "kernels",
        "Kernels",
        "算子与内核",
        ["kernel"],
        r"(?i)\b(kernels?|cutlass|triton|gemm|cuda ops?|custom ops?)\b",
        ["csrc/**", "**/_custom_ops.py"],
        weight=0.7,
    ),
    _theme(
        "engine",
        "Engine core and scheduling",
        "引擎核心与调度",
        ["core"],
        r"(?i)\b(engine|scheduler|scheduling|model runner|mrv2|async scheduling"
        r"|workers?|executor|preempt\w*|chunked prefill)\b",
        [
            "vllm/v1/core/**",
            "vllm/v1/engine/**",
            "vllm/v1/worker/**",
            "vllm/engine/**",
            "vllm/core/**",
            "vllm/worker/**",
        ],
        weight=0.7,
    ),
    _theme(
        "models",
        "Model support",
        "模型支持",
        ["model"],
        r"(?i)^(\[[^\]]*\]\s*)*(add|support|enable|implement)\b.*\bmodels?( support| implementation)?$",
        ["vllm/model_executor/models/**"],
        weight=0.7,
    ),
    _theme(
        "ci",
        "CI and build",
        "CI 与构建",
        ["ci-build"],
        r"(?i)(\[CI\b|\[Build\b|\bCI\b|\bpre-commit\b|\bdocker\w*\b|\bwheel\b|\bmypy\b|\bruff\b|\blint\w*\b"
        r"|\btype[ -]?(check\w*|hint\w*|annotations?)\b)",
        CI_GLOBS,
        weight=0.8,
    ),
    _theme("docs", "Docs", "文档", ["documentation"], r"(?i)\b(docs?|documentation|readme)\b", ["docs/**"], weight=0.5),
    _theme(
        "tests",
        "Tests and benchmarks",
        "测试与基准",
        ["tests", "bench", "benchmark", "benchmarks"],
        r"(?i)\bbench(mark\w*)?\b",
        ["tests/**", "benchmarks/**"],
        weight=0.5,
    ),
    _theme(
        "performance",
        "Performance",
        "性能",
        ["performance"],
        r"(?i)\b(perf|performance|speed ?up|faster|optimi[sz]\w*|latency|throughput)\b",
        weight=0.5,
    ),
    _theme("bugfixes", "Bug fixes", "缺陷修复", ["bugfix"], "", [], ["fix"], weight=0.5),
    _theme(
        "refactor",
        "Refactoring and cleanup",
        "重构与清理",
        ["refactor", "misc", "deprecation"],
        "",
        [],
        ["refactor", "minor"],
        weight=0.5,
    ),
]

DEFAULT_AI_ASSISTANTS: list[dict[str, Any]] = [
    {"name": "Claude", "match": ["claude*", "*@anthropic.com"]},
    {"name": "Codex", "match": ["*codex*", "opencode", "*@openai.com", "chatgpt*"]},
    {"name": "Copilot", "match": ["copilot*", "*copilot*", "copilot autofix*"]},
    {"name": "Cursor", "match": ["cursor*", "*@cursor.com"]},
    # gemini-code-assist[bot] as a co-author means a review suggestion the author accepted: AI-written code
    {"name": "Gemini", "match": ["gemini*", "gemini-code-assist*"]},
    {"name": "Devin", "match": ["devin*"]},
    {"name": "Aider", "match": ["aider*"]},
    {"name": "Codeflash", "match": ["codeflash*"]},
    {"name": "Amazon Q", "match": ["amazon q*", "*amazon-q*"]},
    {"name": "Windsurf", "match": ["windsurf*", "codeium*"]},
    {"name": "Qwen Code", "match": ["qwen-coder*", "qwen code*"]},
]

DEFAULTS: dict[str, Any] = {
    "language": "en",
    "timezone": "UTC",
    "key_threshold": 6.0,
    "quick_look": 5,
    "bots": [
        "*[bot]",
        "dependabot*",
        "renovate*",
        "mergify*",
        "github-actions*",
        "pre-commit-ci*",
        "copilot-swe-agent*",
        "vllm-agent*",
    ],
    "default_rules": True,
    "modules": {
        "map": {},
        "max_depth": 3,
        "split_share": 0.06,
        "min_share": 0.008,
    },
    "core": {
        "paths": [],
        "history_days": 90,
        "top": 30,
    },
    "paths": {
        "tests": TEST_GLOBS,
        "docs": DOC_GLOBS,
        "ci": CI_GLOBS,
        "new_model": ["vllm/model_executor/models/*.py", "**/models/*.py", "**/models/*/__init__.py"],
        "new_surface": [
            "vllm/entrypoints/**",
            "csrc/**",
            "vllm/v1/attention/backends/**",
            "vllm/model_executor/layers/**",
            "vllm/distributed/kv_transfer/**",
            "vllm/tool_parsers/**",
            "vllm/reasoning/**",
            "rust/**",
        ],
    },
    "risks": {
        "missing_tests_lines": 50,
        "large_change_lines": 800,
        "large_change_files": 30,
        "deleted_lines": 100,
    },
    "importance": {
        # fitted on the whole vllm history (docs/calibration.md): weekly mean ~4.7, ~1 PR in 10 at >= 6.0
        "base": 3.1,
        "size_per_decade": 0.4,
        "size_max": 1.3,
        "breadth_per_module": 0.16,
        "breadth_max": 0.65,
        "core_first": 0.35,
        "core_per_file": 0.12,
        "core_max": 0.8,
        "new_surface_per_item": 0.5,
        "new_surface_max": 1.0,
        "risk_per_tag": 0.1,
        "risk_max": 0.4,
        "review_per_comment": 0.05,
        "review_max": 0.6,
        "revert": 0.5,
        "kind": {
            "revert": 0.7,
            "fix": 0.6,
            "perf": 1.0,
            "kernel": 1.0,
            "feature": 1.0,
            "model": 0.85,
            "refactor": 0.7,
            "change": 0.5,
            "ci": 0.1,
            "tests": 0.1,
            "docs": 0.0,
            "minor": 0.0,
        },
    },
    "themes": {
        "min": 4,
        "max": 8,
        "min_prs": 3,
        "dynamic": 2,
        "dynamic_min_prs": 5,
        "dynamic_weight": 2.0,
        "key_weight": 2.0,
        "trend_periods": 4,
        "representatives": 3,
        "lead_authors": 3,
    },
    "hot_files": 10,
    "contributors": 10,
    "ai_assistants": DEFAULT_AI_ASSISTANTS,
    "label_rules": [],
    "risk_rules": [],
    "theme_rules": [],
}

# The keys each kind of rule may carry (rules live in lists, so DEFAULTS cannot show them).
RULE_KEYS: dict[str, dict[str, Any]] = {
    "label_rules": _label(""),
    "risk_rules": _risk(""),
    "theme_rules": _theme("", "", ""),
    "ai_assistants": {"name": "", "match": []},
}


@dataclass(slots=True)
class Settings:
    """The merged settings; ``raw`` keeps the TOML-shaped dict for the rarely used knobs."""

    raw: dict[str, Any]
    source: Path | None = None
    label_rules: list[dict[str, Any]] = field(default_factory=list)
    risk_rules: list[dict[str, Any]] = field(default_factory=list)
    theme_rules: list[dict[str, Any]] = field(default_factory=list)

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    @property
    def language(self) -> str:
        return str(self.raw["language"])

    @property
    def timezone(self) -> str:
        return str(self.raw["timezone"])

    @property
    def key_threshold(self) -> float:
        return float(self.raw["key_threshold"])

    @property
    def quick_look(self) -> int:
        return int(self.raw["quick_look"])


def default_settings() -> Settings:
    return _build(copy.deepcopy(DEFAULTS), None)


def load(path: str | Path | None = None, repo_root: str | Path | None = None) -> Settings:
    """``path`` when given (it must exist), else ``prhub.toml`` at the repository root, else defaults."""
    if path is not None:
        file = Path(path).expanduser()
        if not file.is_file():
            raise ConfigError(f"config file not found: {file}")
    elif repo_root is not None and (Path(repo_root) / CONFIG_NAME).is_file():
        file = Path(repo_root) / CONFIG_NAME
    else:
        return default_settings()
    try:
        user = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read: {exc.strerror}") from None
    return from_dict(user, file)


def from_dict(user: dict[str, Any], source: Path | None = None) -> Settings:
    where = str(source) if source else "settings"
    merged = copy.deepcopy(DEFAULTS)
    _merge(merged, user, DEFAULTS, where, "")
    return _build(merged, source)


def _merge(into: dict[str, Any], user: dict[str, Any], schema: dict[str, Any], where: str, prefix: str) -> None:
    for key, value in user.items():
        name = f"{prefix}{key}"
        if key not in schema:
            raise ConfigError(f"{where}: unknown setting {name!r} (see docs/configuration.md)")
        expected = schema[key]
        if isinstance(expected, dict) and name != "modules.map" and name != "importance.kind":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: {name!r} must be a table")
            _merge(into[key], value, expected, where, f"{name}.")
            continue
        if name == "importance.kind":
            _check_table(value, name, where, set(KINDS), (int, float))
            into[key].update(value)
            continue
        if name == "modules.map":
            _check_table(value, name, where, None, (str,))
            into[key] = dict(value)
            continue
        if key in RULE_KEYS:
            into[key] = [_check_rule(rule, key, i, where) for i, rule in enumerate(_as_list(value, name, where))]
            continue
        _check_type(value, expected, name, where)
        into[key] = value


def _check_table(value: Any, name: str, where: str, allowed: set[str] | None, types: tuple[type, ...]) -> None:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {name!r} must be a table")
    for k, v in value.items():
        if allowed is not None and k not in allowed:
            raise ConfigError(f"{where}: unknown key {name}.{k!r} (one of: {', '.join(sorted(allowed))})")
        if not isinstance(v, types) or isinstance(v, bool):
            raise ConfigError(f"{where}: {name}.{k} has the wrong type")


def _as_list(value: Any, name: str, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(f"{where}: {name!r} must be an array of tables ([[{name}]])")
    return value


def _check_rule(rule: Any, kind: str, index: int, where: str) -> dict[str, Any]:
    name = f"{kind}[{index}]"
    if not isinstance(rule, dict):
        raise ConfigError(f"{where}: {name} must be a table")
    schema = RULE_KEYS[kind]
    for key, value in rule.items():
        if key not in schema:
            raise ConfigError(f"{where}: unknown key {key!r} in {name} (allowed: {', '.join(schema)})")
        _check_type(value, schema[key], f"{name}.{key}", where)
    full = {**copy.deepcopy(schema), **rule}
    if kind == "risk_rules" and full["tag"] not in RISK_TAGS:
        raise ConfigError(f"{where}: {name}.tag {full['tag']!r} is not one of {', '.join(RISK_TAGS)}")
    if kind == "label_rules" and full["kind"] and full["kind"] not in KINDS:
        raise ConfigError(f"{where}: {name}.kind {full['kind']!r} is not one of {', '.join(KINDS)}")
    if kind in ("label_rules", "theme_rules") and not full.get("name", full.get("key")):
        raise ConfigError(f"{where}: {name} needs a name")
    if kind == "theme_rules":
        if not full["key"]:
            raise ConfigError(f"{where}: {name} needs a key (a stable id such as 'moe')")
        if full["key"] == "other":
            raise ConfigError(f"{where}: {name}.key 'other' is reserved for the report's Other changes")
        full["name_en"] = full["name_en"] or full["key"]
        full["name_zh"] = full["name_zh"] or full["name_en"]
    for pattern_key in ("title", "words"):
        if full.get(pattern_key):
            try:
                re.compile(full[pattern_key])
            except re.error as exc:
                raise ConfigError(f"{where}: {name}.{pattern_key} is not a valid regular expression: {exc}") from None
    return full


def _check_type(value: Any, expected: Any, name: str, where: str) -> None:
    if isinstance(expected, bool):
        ok = isinstance(value, bool)
    elif isinstance(expected, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif isinstance(expected, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(expected, str):
        ok = isinstance(value, str)
    elif isinstance(expected, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    else:
        ok = True
    if not ok:
        raise ConfigError(f"{where}: {name} should be {type(expected).__name__}, got {value!r}")


def _build(raw: dict[str, Any], source: Path | None) -> Settings:
    where = str(source) if source else "settings"
    if raw["language"] not in ("en", "zh"):
        raise ConfigError(f"{where}: language must be 'en' or 'zh', got {raw['language']!r}")
    try:
        zone(raw["timezone"])
    except Exception:
        raise ConfigError(f"{where}: unknown timezone {raw['timezone']!r}") from None
    if not 0 <= float(raw["key_threshold"]) <= 10:
        raise ConfigError(f"{where}: key_threshold must be between 0 and 10")
    if int(raw["quick_look"]) < 1:
        raise ConfigError(f"{where}: quick_look must be at least 1")
    use_defaults = bool(raw["default_rules"])
    return Settings(
        raw=raw,
        source=source,
        label_rules=raw["label_rules"] + (DEFAULT_LABEL_RULES if use_defaults else []),
        risk_rules=raw["risk_rules"] + (DEFAULT_RISK_RULES if use_defaults else []),
        theme_rules=raw["theme_rules"] + (DEFAULT_THEME_RULES if use_defaults else []),
    )


def documented_keys() -> list[str]:
    """Every settings key, dotted (``importance.kind.fix``, ``label_rules.title_tags``), for the docs test."""
    keys: list[str] = []

    def walk(table: dict[str, Any], prefix: str) -> None:
        for key, value in table.items():
            name = f"{prefix}{key}"
            keys.append(name)
            if isinstance(value, dict) and name != "modules.map":
                walk(value, f"{name}.")

    walk(DEFAULTS, "")
    for rule_kind, schema in RULE_KEYS.items():
        keys.extend(f"{rule_kind}.{key}" for key in schema)
    return keys
