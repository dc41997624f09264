"""The words of the report, in English and Chinese.

Each phrase key holds one or more variants; the prose picks one by a seed that
depends on the period (see prose.Voice), so two weeks with the same shape do
not read the same. Chinese is written as Chinese, not translated word by word:
the sentences are built from the same facts but in their own order.

Placeholders are filled with text already made safe for Markdown.
"""

from __future__ import annotations

SECTION_KEYS: tuple[str, ...] = ("summary", "key_changes", "trends", "risks", "key_prs", "recommendations")

HEADINGS: dict[str, dict[str, str]] = {
    "en": {
        "summary": "Executive summary",
        "key_changes": "Key changes",
        "trends": "Module and theme trends",
        "risks": "Risk observations",
        "key_prs": "Key PR quick look",
        "recommendations": "Follow-up recommendations",
        "extras": "Contributors and other figures",
    },
    "zh": {
        "summary": "执行摘要",
        "key_changes": "本周重点变化",
        "trends": "模块与主题趋势",
        "risks": "风险观察",
        "key_prs": "重点 PR 速览",
        "recommendations": "后续建议",
        "extras": "贡献者与其他数据",
    },
}

# the risk vocabulary of PRODUCT.md, as a reader says it
RISK_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "core-path": "core paths",
        "missing-tests": "missing tests",
        "dependency": "dependency changes",
        "platform": "platform-specific code",
        "config": "configuration changes",
        "new-model": "new models",
        "large-change": "large changes",
        "revert": "reverts",
        "deprecation": "deprecations and removals",
        "ci-build": "CI/build changes",
    },
    "zh": {
        "core-path": "核心路径改动",
        "missing-tests": "缺少测试",
        "dependency": "依赖变更",
        "platform": "平台相关代码",
        "config": "配置变更",
        "new-model": "新模型接入",
        "large-change": "大型改动",
        "revert": "回滚",
        "deprecation": "弃用与移除",
        "ci-build": "CI/构建改动",
    },
}

# the rule behind each risk tag, one line, for the risk table (a user's rule may bring its own);
# {missing_tests_lines}... are the [risks] thresholds
RISK_WHY: dict[str, dict[str, str]] = {
    "en": {
        "core-path": "touches core files (the source files most PRs changed in recent months)",
        "missing-tests": "source changed beyond {missing_tests_lines} lines with no test changed",
        "dependency": "a manifest's dependency entries changed (read from its diff)",
        "platform": "platform-specific code (an operating system, a processor or an accelerator) changed",
        "config": "configuration, environment variables or CLI flags changed",
        "new-model": "adds a new model or integration",
        "large-change": "at least {large_change_lines} lines or {large_change_files} files changed",
        "revert": "reverts an earlier change",
        "deprecation": "deprecates or removes public surface (an API, option, flag or supported platform)",
        "ci-build": "CI, build or packaging files changed",
    },
    "zh": {
        "core-path": "修改了核心文件（近几个月被最多 PR 修改的源码文件）",
        "missing-tests": "源码改动超过 {missing_tests_lines} 行但没有修改任何测试",
        "dependency": "依赖清单中的依赖项发生变化（读取自差异）",
        "platform": "修改了特定平台（操作系统、处理器或加速器）的代码",
        "config": "修改了配置、环境变量或命令行参数",
        "new-model": "新增了模型或集成",
        "large-change": "改动至少 {large_change_lines} 行或 {large_change_files} 个文件",
        "revert": "回滚了之前合并的改动",
        "deprecation": "弃用或移除了公开接口（API、选项、参数或所支持的平台）",
        "ci-build": "修改了 CI、构建或打包文件",
    },
}

# what to watch for each risk, one or two ways of saying it
RISK_WATCH: dict[str, dict[str, list[str]]] = {
    "en": {
        "core-path": [
            "regressions that show up far from the change; these files sit under most code paths",
            "bug reports in the next few days that trace back to these files",
        ],
        "missing-tests": [
            "whether follow-up PRs add the missing coverage before the next release",
            "the first bug reports against this code, which nothing in CI would have caught",
        ],
        "dependency": [
            "install and import failures on fresh environments, and pins that drift from the CI images",
            "version conflicts downstream; check the pins against what CI actually installs",
        ],
        "platform": [
            "the hardware-specific CI lanes, which run less often than the main suite",
            "breakage on the hardware these changes target, where main CI gives little signal",
        ],
        "config": [
            "changed defaults and new flags or environment variables that users must learn about",
            "deployments whose behaviour shifts silently with a changed default",
        ],
        "new-model": [
            "loading and accuracy reports for the new models, and their documentation",
            "first-user issues on the new models; their tests are usually thin at first",
        ],
        "large-change": [
            "follow-up fixes: big diffs are hard to review in full",
            "a cluster of small fixes in the weeks after these land",
        ],
        "revert": [
            "whether the reverted work comes back, and with what fix",
            "the root cause behind each revert, so it does not repeat",
        ],
        "deprecation": [
            "downstream code that still uses the removed paths; release notes should say so",
            "users upgrading into the removal without warning",
        ],
        "ci-build": [
            "CI duration and flakiness in the days after these changes",
            "broken wheels or images; build changes fail late",
        ],
    },
    "zh": {
        "core-path": [
            "远离改动处出现的回归，因为这些文件几乎处在所有代码路径上",
            "接下来几天里能追溯到这些文件的问题报告",
        ],
        "missing-tests": [
            "后续 PR 能否在下次发版前把测试补上",
            "针对这部分代码的首批缺陷报告，现有 CI 覆盖不到",
        ],
        "dependency": [
            "全新环境中的安装与导入失败，以及版本锁定与 CI 镜像是否一致",
            "下游的版本冲突；核对锁定版本与 CI 实际安装的版本",
        ],
        "platform": [
            "对应硬件的专用 CI 流水线，它们的运行频率低于主测试集",
            "目标硬件上的兼容性问题，主线 CI 在这方面信号有限",
        ],
        "config": [
            "默认值的变化，以及用户需要知道的新参数和环境变量",
            "因默认值变化而行为悄然改变的部署",
        ],
        "new-model": [
            "新模型的加载与精度反馈，以及文档是否到位",
            "新模型的早期用户问题，这类模型起初测试往往较少",
        ],
        "large-change": [
            "后续修复，因为大改动很难被完整审阅",
            "合入后几周内陆续出现的小修补",
        ],
        "revert": [
            "被回滚的工作是否会带着修复重新提交",
            "每次回滚背后的根因，避免重蹈覆辙",
        ],
        "deprecation": [
            "仍在使用已移除接口的下游代码，发版说明需要写清楚",
            "用户升级后在没有预警的情况下遇到移除",
        ],
        "ci-build": [
            "改动之后几天的 CI 时长与不稳定情况",
            "构建产物（wheel、镜像）是否损坏，构建问题往往暴露得晚",
        ],
    },
}

# pr["kind"] as a plural noun phrase: what a group of such PRs is
KIND_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "fix": "bug fixes",
        "feature": "new features",
        "refactor": "refactors",
        "perf": "performance work",
        "kernel": "kernel work",
        "model": "model support",
        "test": "test changes",
        "docs": "documentation",
        "ci": "CI/build changes",
        "build": "CI/build changes",
        "chore": "maintenance",
        "minor": "small maintenance changes",
        "revert": "reverts",
    },
    "zh": {
        "fix": "缺陷修复",
        "feature": "新功能",
        "refactor": "重构",
        "perf": "性能优化",
        "kernel": "算子与内核",
        "model": "模型支持",
        "test": "测试",
        "docs": "文档",
        "ci": "CI/构建调整",
        "build": "CI/构建调整",
        "chore": "日常维护",
        "minor": "小型维护",
        "revert": "回滚",
    },
}
KIND_ALIASES: dict[str, str] = {
    "bugfix": "fix",
    "bug": "fix",
    "feat": "feature",
    "performance": "perf",
    "tests": "test",
    "doc": "docs",
    "misc": "minor",
    "new-model": "model",
}

COMPONENT_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "size": "size",
        "breadth": "breadth",
        "core": "core paths",
        "kind": "kind of change",
        "new_surface": "new surface",
        "risk": "risk load",
        "review": "review activity",
        "revert": "revert",
        "judgement": "judgement",
    },
    "zh": {
        "size": "规模",
        "breadth": "涉及面",
        "core": "核心路径",
        "kind": "改动类型",
        "new_surface": "新增能力",
        "risk": "风险负担",
        "review": "评审活跃度",
        "revert": "回滚",
        "judgement": "判断",
    },
}

# period words: "this week", "the previous week"...
PERIOD_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "week": {"this": "this week", "This": "This week", "period": "week", "prev": "the previous week"},
        "month": {"this": "this month", "This": "This month", "period": "month", "prev": "the previous month"},
        "range": {"this": "in this period", "This": "This period", "period": "period", "prev": "the previous period"},
    },
    "zh": {
        "week": {"this": "本周", "This": "本周", "period": "周", "prev": "上周"},
        "month": {"this": "本月", "This": "本月", "period": "个月", "prev": "上月"},
        "range": {"this": "本期", "This": "本期", "period": "期", "prev": "上一期"},
    },
}

NOUNS: dict[str, dict[str, tuple[str, str]]] = {
    # English: singular, plural; Chinese: measure word + noun, the same for both
    "en": {
        "pr": ("PR", "PRs"),
        "commit": ("commit", "commits"),
        "person": ("person", "people"),
        "revert": ("revert", "reverts"),
        "line": ("line", "lines"),
    },
    "zh": {
        "pr": ("个 PR", "个 PR"),
        "commit": ("个提交", "个提交"),
        "person": ("位贡献者", "位贡献者"),
        "revert": ("个回滚", "个回滚"),
        "line": ("行", "行"),
    },
}

PHRASES: dict[str, dict[str, list[str]]] = {
    "en": {
        # -- executive summary
        "sum.empty": [
            "No pull requests were merged {this}.",
            "Nothing was merged {this}.",
        ],
        "sum.empty_direct": [
            "The only activity was {direct} pushed directly to the main branch.",
            "{direct} did land, but as direct pushes rather than PRs.",
        ],
        "sum.open": [
            "{merged} merged {this}; {key_phrase}, and the mean importance was {mean}.",
            "{This} saw {merged} merged, {key_phrase}, with a mean importance of {mean}.",
            "{merged} landed {this}, with a mean importance of {mean}; {key_phrase}.",
        ],
        "sum.open_bare": ["{This} saw {merged} merged."],
        "sum.open_quiet": [
            "A quiet {period}: {merged} merged, {key_phrase}, and a mean importance of {mean}.",
            "{This} was quiet, with only {merged} merged; {key_phrase}, mean importance {mean}.",
        ],
        "sum.open_busy": [
            "The busiest {period} of the last {n_history}: {merged} merged, {key_phrase}, mean importance {mean}.",
            "{merged} merged {this}, more than in any other {period} of the last {n_history}; "
            "{key_phrase}, and the mean importance was {mean}.",
        ],
        "sum.key_some": [
            "{key_n} of them key (importance {threshold} or above)",
            "{key_n} rated key at {threshold} or more",
        ],
        "sum.key_none": [
            "none reached the key threshold of {threshold}",
            "none of them scored {threshold} or more",
        ],
        "sum.delta_up": [
            "That is {change} more than {prev} ({previous}).",
            "Volume rose by {change} over {prev}, which had {previous}.",
        ],
        "sum.delta_down": [
            "That is {change} fewer than {prev} ({previous}).",
            "Volume fell by {change} from {prev}, which had {previous}.",
        ],
        "sum.delta_from_zero": ["{prev} had none."],
        "sum.delta_same": [
            "The count matches {prev} exactly.",
            "That is the same number as {prev}.",
        ],
        "sum.revert_spike": [
            "Reverts stand out: {reverts} {this}, so some recent work did not hold.",
            "An unusual number of reverts ({reverts_n}) suggests some changes landed before they were ready.",
        ],
        "sum.themes": [
            "The main lines of work were {themes}.",
            "Most of the effort went into {themes}.",
            "Work centred on {themes}.",
        ],
        "sum.themes_dominant": [
            "{top} dominated, with {top_n} of the {merged_n} PRs; the rest went to {others}.",
            "One theme led by a wide margin: {top}, with {top_n} of {merged_n} PRs, ahead of {others}.",
        ],
        "sum.themes_dominant_alone": [
            "{top} dominated, with {top_n} of the {merged_n} PRs.",
        ],
        "sum.labels": [
            "By label, {first} leads with {first_n}, followed by {rest}.",
            "The most frequent labels were {all}.",
        ],
        "sum.labels_one": [
            "The only label in use was {first} ({first_n}).",
        ],
        "sum.labels_tie": [
            "The most frequent labels were {all}.",
            "Labels were spread evenly at the top: {all}.",
        ],
        "sum.files": [
            "The most-touched file was {first} ({first_n}), then {rest}.",
            "{first} drew the most changes ({first_n}), ahead of {rest}.",
        ],
        "sum.files_one": [
            "The most-touched file was {first} ({first_n}).",
        ],
        "sum.files_tie": ["The most-touched files were {all}.", "Changes clustered in {all}."],
        "sum.risk": [
            "The dominant risk is {tag}, on {count}.",
            "{tag_cap} is the most common risk tag, with {count}.",
        ],
        "sum.authors": ["{authors} contributed", "{authors} authored the merged work"],
        "sum.authors_all_first": ["{authors} contributed, all of them new to the synced history"],
        "sum.authors_first": [
            "{authors} contributed, {first} of them for the first time",
            "{authors} took part, including {first} first-time contributors",
        ],
        "sum.authors_first.one": [
            "{authors} contributed, one of them for the first time",
            "{authors} took part, including one first-time contributor",
        ],
        "sum.direct": ["{direct} went in as direct pushes"],
        "sum.ai": [
            "{ai} ({pct}%) credit an AI assistant as co-author",
            "AI assistants are named as co-authors on {ai} ({pct}%)",
        ],
        "sum.reverts": ["{reverts} undid earlier work", "there were {reverts}"],
        # -- key changes
        "kc.none": [
            "Nothing merged {this}, so there are no changes to highlight.",
        ],
        "kc.no_themes": [
            "No clear theme emerged {this}; the changes that mattered most were {prs}.",
            "The work did not group into themes {this}. The most important changes were {prs}.",
        ],
        "kc.head": ["**{name}** ({count}{trend})."],
        "kc.trend_new": [", new {this}"],
        "kc.trend_rising": [", up from {prev_n}", ", rising from {prev_n}"],
        "kc.trend_falling": [", down from {prev_n}"],
        "kc.trend_rising_bare": [", rising", ", a rising theme"],
        "kc.trend_falling_bare": [", falling", ", cooling down"],
        "kc.trend_steady": [", about as many as before", ", steady"],
        "kc.reps": [
            "Representative changes: {prs}.",
            "The changes to look at are {prs}.",
            "Led by {authors}, with {prs}.",
        ],
        "kc.together_mostly": [
            "Taken together, this is mostly {kind}{where}.",
            "Together these PRs are mainly {kind}{where}.",
        ],
        "kc.together_mix": [
            "Taken together, it is a mix of {kind} and {kind2}{where}.",
            "Together they combine {kind} with {kind2}{where}.",
        ],
        "kc.where": [", centred on {dir}", ", most of it in {dir}"],
        "kc.why": [
            "It matters because {reasons}.",
            "Why it matters: {reasons}.",
            "This deserves attention: {reasons}.",
        ],
        "why.key": [
            "it carries key work, led by {pr} at {importance}",
            "it includes the week's heavier changes, such as {pr} ({importance})",
        ],
        "why.core": [
            "several of these PRs touch core files, so a regression here would reach most users",
            "core files are involved, which raises the cost of a mistake",
        ],
        "why.core_one": ["it touches core files, so a regression here would reach most users"],
        "why.new_model": ["it widens the set of supported models"],
        "why.platform": ["it changes platform-specific code that the main CI exercises only partly"],
        "why.deprecation": ["it removes or deprecates behaviour that downstream users may rely on"],
        "why.dependency": ["it moves dependencies, which every install feels"],
        "why.new": ["it is a line of work that was not there before"],
        "why.rising": ["activity here is growing"],
        "why.volume": ["it was one of the busiest areas {this}"],
        # -- trends
        "tr.none": ["No PRs {this}, so there are no trends to read."],
        "tr.scattered": ["The PRs {this} did not group into themes, and no label or file stood out."],
        "tr.new": ["New {this}: {themes}.", "Themes appearing for the first time: {themes}."],
        "tr.all_new": ["There is no earlier period to compare with, so every theme is new."],
        "tr.rising": ["Rising: {themes}.", "Growing: {themes}."],
        "tr.falling": ["Cooling down: {themes}.", "Falling: {themes}."],
        "tr.rest_steady": ["The other themes held steady.", "Everything else held steady."],
        "tr.flat": [
            "No theme moved much compared with {prev}.",
            "The mix of themes looks much like {prev}.",
        ],
        "tr.table": ["| Theme | What is happening | Representative PRs |\n| --- | --- | --- |"],
        "tr.row_new": ["{count}, new {this}; {kind}"],
        "tr.row_rising": ["{count}, up from {prev_n}; {kind}"],
        "tr.row_falling": ["{count}, down from {prev_n}; {kind}"],
        "tr.row_steady": ["{count}, steady; {kind}"],
        "tr.row_rising_bare": ["{count}, rising; {kind}"],
        "tr.row_falling_bare": ["{count}, falling; {kind}"],
        "tr.row_plain": ["{count}; {kind}"],
        "tr.row_other": ["{count} that fit no theme: {kinds}"],
        "tr.kind_count": ["{kind} ({n})"],
        "tr.kind_unclassified": ["changes of no clear kind"],
        "tr.kind_mostly": ["mostly {kind}"],
        "tr.kind_mix": ["{kind} and {kind2}"],
        "tr.kind_unknown": ["mixed changes"],
        "tr.labels": ["**Labels:** {labels}."],
        "tr.label_rising": ["{name} {count} (rising)"],
        "tr.files": ["**Hot files:** {files}."],
        "tr.history_top": [
            "Over the last {n_history} periods, merged PRs ranged from {low} to {high}; "
            "{this} is at the top of that range.",
        ],
        "tr.history_bottom": [
            "Over the last {n_history} periods, merged PRs ranged from {low} to {high}; {this} is at the bottom.",
        ],
        "tr.history_mid": [
            "Over the last {n_history} periods, merged PRs ranged from {low} to {high}; {this} sits {position}.",
        ],
        "tr.pos_above": ["above the average"],
        "tr.pos_below": ["below the average"],
        # -- risks
        "rk.none": [
            "No risk tags were raised {this}.",
            "None of the rules flagged a risk {this}.",
        ],
        "rk.ranked": ["Risk tags, most frequent first: {ranked}."],
        "rk.item": ["**{name}**: {count}.{why} {carriers} Watch for {watch}."],
        "rk.why": [" Rule: {why}."],
        "rk.carriers": [
            "The most important of them: {prs}.",
            "Chiefly {prs}.",
        ],
        "rk.broad": [
            "{tag_cap} is on {count} of {merged_n} PRs, so it describes the {period} more than any one change.",
        ],
        # -- key PRs
        "kp.none": [
            "No PR stood out {this}.",
            "Nothing reached the quick-look list {this}.",
        ],
        "kp.intro": [
            "The {n} highest-scoring PRs {this}:",
            "These {n} PRs scored highest:",
        ],
        "kp.intro.one": [
            "The highest-scoring PR {this}:",
            "This PR scored highest:",
        ],
        "kp.line": ["{pr}, by {author} · importance **{importance}** · {theme}{size}"],
        "kp.theme": ["theme {theme}"],
        "kp.no_theme": ["no theme"],
        "kp.size": [" · +{additions}/−{deletions} {lines}"],
        "kp.risks": ["Risks: {risks}."],
        "kp.no_risks": ["No risk tags."],
        "kp.dirs": ["Touches {dirs}."],
        "kp.why": ["Why it scored high: {reason}."],
        "kp.why_low": ["What drove the score: {reason}."],
        "kp.components": ["Strongest components: {components}."],
        "kp.review": ["Review: {review}."],
        "kp.points": ["Points raised in review (quoted): {points}."],
        "kp.claims": ["The description says (quoted, not checked by prhub): {quotes}."],
        "rv.approved": ["approved by {who}"],
        "rv.changes": ["changes requested by {who}, still open at merge"],
        "rv.addressed": ["{who} first asked for changes"],
        "rv.commented": ["discussed by {who}, with no approval recorded"],
        "rv.threads_open": ["{open} of {n} review threads unresolved"],
        "rv.threads_done": ["all {n} review threads resolved"],
        "rv.comments": ["{n} review comments"],
        "rv.files": ["most discussed: {files}"],
        "rv.file": ["{path} ({n})"],
        "rv.point": ["{who} on {path}: {quote}"],
        "rv.closes": ["closes {issues}"],
        "kp.reading": ["In short ({model}): {summary}"],
        "kp.judgement": ["Judgement {value} ({model}): {reason}."],
        # -- recommendations
        "rc.none": [
            "No follow-up actions {this}.",
            "Nothing calls for follow-up {this}.",
        ],
        "rc.intro": [
            "Concrete next steps, most pressing first:",
            "What to do next:",
        ],
    },
    "zh": {
        "sum.empty": [
            "{this}没有合并任何 PR。",
            "{this}没有 PR 合入。",
        ],
        "sum.empty_direct": [
            "唯一的动静是 {direct}直接推送到主分支。",
            "虽有 {direct}合入，但都是直接推送，没有走 PR。",
        ],
        "sum.open": [
            "{this}共合并 {merged}，{key_phrase}，平均重要度为 {mean}。",
            "{this}合入了 {merged}，平均重要度 {mean}，{key_phrase}。",
            "{this}一共有 {merged}合并，{key_phrase}；整体平均重要度 {mean}。",
        ],
        "sum.open_bare": ["{this}合并了 {merged}。"],
        "sum.open_quiet": [
            "{this}比较安静：只合并了 {merged}，{key_phrase}，平均重要度 {mean}。",
            "这是平静的一{period}，仅合入 {merged}；{key_phrase}，平均重要度 {mean}。",
        ],
        "sum.open_busy": [
            "{this}是近 {n_history} 期里最忙的一{period}：共合并 {merged}，{key_phrase}，平均重要度 {mean}。",
            "{this}合并了 {merged}，为近 {n_history} 期之最；{key_phrase}，平均重要度 {mean}。",
        ],
        "sum.key_some": [
            "其中 {key}达到重点线（重要度不低于 {threshold}）",
            "其中重点 PR（重要度 ≥ {threshold}）有 {key_n} 个",
        ],
        "sum.key_none": [
            "没有 PR 达到 {threshold} 的重点线",
            "无一达到重点线 {threshold}",
        ],
        "sum.delta_up": [
            "比{prev}多了 {change} 个（{prev}为 {previous} 个）。",
            "较{prev}的 {previous} 个增加了 {change} 个。",
        ],
        "sum.delta_down": [
            "比{prev}少了 {change} 个（{prev}为 {previous} 个）。",
            "较{prev}的 {previous} 个减少了 {change} 个。",
        ],
        "sum.delta_from_zero": ["{prev}没有合并任何 PR。"],
        "sum.delta_same": [
            "与{prev}持平。",
            "数量和{prev}完全一样。",
        ],
        "sum.revert_spike": [
            "回滚格外显眼：{this}出现了 {reverts}，说明有些近期改动没能站稳。",
            "{reverts}值得警惕，部分改动可能合入得过早。",
        ],
        "sum.themes": [
            "主要工作集中在{themes}。",
            "{this}的主线是{themes}。",
            "工作主要围绕{themes}展开。",
        ],
        "sum.themes_dominant": [
            "{top}占据主导，{merged_n} 个 PR 中有 {top_n} 个与之相关；其余分布在{others}。",
            "{top}一枝独秀，占了 {merged_n} 个 PR 中的 {top_n} 个，其次是{others}。",
        ],
        "sum.themes_dominant_alone": [
            "{top}占据主导，{merged_n} 个 PR 中有 {top_n} 个与之相关。",
        ],
        "sum.labels": [
            "按标签看，{first}最多（{first_n} 个），其次是{rest}。",
            "最常见的标签是{all}。",
        ],
        "sum.labels_one": [
            "唯一出现的标签是 {first}（{first_n} 个）。",
        ],
        "sum.labels_tie": [
            "最常见的标签是{all}。",
            "排在前面的标签数量相当：{all}。",
        ],
        "sum.files": [
            "改动最集中的文件是 {first}（{first_n}），其次是{rest}。",
            "{first} 被改动得最多（{first_n}），接下来是{rest}。",
        ],
        "sum.files_one": [
            "改动最集中的文件是 {first}（{first_n}）。",
        ],
        "sum.files_tie": ["改动最集中的文件是 {all}。", "改动集中在 {all}。"],
        "sum.risk": [
            "最突出的风险是{tag}，涉及 {count}。",
            "风险标签中{tag}最多，共 {count}。",
        ],
        "sum.authors": ["共有 {authors}参与", "{authors}贡献了本期合入的代码"],
        "sum.authors_all_first": ["共有 {authors}参与，均是首次出现在已同步的历史中"],
        "sum.authors_first": [
            "共有 {authors}参与，其中 {first_n} 位是首次贡献",
            "参与者共 {authors_n} 位，包括 {first_n} 位新面孔",
        ],
        "sum.authors_first.one": [
            "共有 {authors}参与，其中 1 位是首次贡献",
            "参与者共 {authors_n} 位，包括 1 位新面孔",
        ],
        "sum.direct": ["{direct}未经 PR 直接推送"],
        "sum.ai": [
            "{ai}（{pct}%）注明了 AI 协作者",
            "AI 助手作为共同作者出现在 {ai}中（{pct}%）",
        ],
        "sum.reverts": ["另有 {reverts}"],
        "kc.none": ["{this}没有合并任何 PR，暂无重点变化。"],
        "kc.no_themes": [
            "{this}的改动没有形成明显的主题；最重要的几项是 {prs}。",
            "{this}的工作比较分散，未聚成主题。分量最重的改动是 {prs}。",
        ],
        "kc.head": ["**{name}**（{count}{trend}）。"],
        "kc.trend_new": ["，{this}新出现"],
        "kc.trend_rising": ["，{prev}为 {prev_n} 个", "，高于{prev}的 {prev_n} 个"],
        "kc.trend_falling": ["，低于{prev}的 {prev_n} 个"],
        "kc.trend_rising_bare": ["，呈上升趋势", "，热度在上升"],
        "kc.trend_falling_bare": ["，有所回落", "，热度在下降"],
        "kc.trend_steady": ["，与之前大致持平", "，保持平稳"],
        "kc.reps": [
            "代表性改动：{prs}。",
            "值得一看的是 {prs}。",
            "主要由 {authors} 推动，包括 {prs}。",
        ],
        "kc.together_mostly": [
            "整体来看以{kind}为主{where}。",
            "这些 PR 大多属于{kind}{where}。",
        ],
        "kc.together_mix": [
            "整体来看是{kind}与{kind2}的组合{where}。",
            "这些 PR 既有{kind}，也有{kind2}{where}。",
        ],
        "kc.where": ["，集中在 {dir}", "，主要改动位于 {dir}"],
        "kc.why": [
            "之所以重要，是因为{reasons}。",
            "值得关注的原因：{reasons}。",
            "这部分需要留意：{reasons}。",
        ],
        "why.key": [
            "其中包含重点改动，分量最重的是 {pr}（重要度 {importance}）",
            "本期较重的改动出自这里，例如 {pr}（{importance}）",
        ],
        "why.core": [
            "多个 PR 触及核心文件，一旦回归会波及大多数用户",
            "涉及核心文件，出错的代价更高",
        ],
        "why.core_one": ["改动触及核心文件，一旦回归会波及大多数用户"],
        "why.new_model": ["它扩大了支持的模型范围"],
        "why.platform": ["它改动了平台相关代码，而主线 CI 只能覆盖其中一部分"],
        "why.deprecation": ["它移除或弃用了下游可能依赖的行为"],
        "why.dependency": ["它调整了依赖，每一次安装都会受到影响"],
        "why.new": ["这是此前没有的新工作方向"],
        "why.rising": ["这一方向的活跃度正在上升"],
        "why.volume": ["它是{this}最活跃的领域之一"],
        "tr.none": ["{this}没有 PR，暂无趋势可言。"],
        "tr.scattered": ["{this}的 PR 没有形成主题，也没有特别集中的标签或文件。"],
        "tr.new": ["{this}新出现的主题：{themes}。", "首次出现的主题：{themes}。"],
        "tr.all_new": ["没有更早的数据可供比较，所有主题都是首次出现。"],
        "tr.rising": ["上升：{themes}。", "升温的方向：{themes}。"],
        "tr.falling": ["回落：{themes}。", "降温的方向：{themes}。"],
        "tr.rest_steady": ["其余主题保持平稳。", "其他方向大体持平。"],
        "tr.flat": [
            "与{prev}相比，各主题变化不大。",
            "主题分布与{prev}大体相同。",
        ],
        "tr.table": ["| 主题 | 动态 | 代表 PR |\n| --- | --- | --- |"],
        "tr.row_new": ["{count}，{this}新出现；{kind}"],
        "tr.row_rising": ["{count}，{prev}为 {prev_n} 个；{kind}"],
        "tr.row_falling": ["{count}，{prev}为 {prev_n} 个；{kind}"],
        "tr.row_steady": ["{count}，保持平稳；{kind}"],
        "tr.row_rising_bare": ["{count}，呈上升趋势；{kind}"],
        "tr.row_falling_bare": ["{count}，有所回落；{kind}"],
        "tr.row_plain": ["{count}；{kind}"],
        "tr.row_other": ["{count}未归入任何主题：{kinds}"],
        "tr.kind_count": ["{kind}（{n} 个）"],
        "tr.kind_unclassified": ["未归类的改动"],
        "tr.kind_mostly": ["以{kind}为主"],
        "tr.kind_mix": ["{kind}与{kind2}"],
        "tr.kind_unknown": ["类型较杂"],
        "tr.labels": ["**标签**：{labels}。"],
        "tr.label_rising": ["{name} {count}（上升）"],
        "tr.files": ["**热点文件**：{files}。"],
        "tr.history_top": [
            "近 {n_history} 期每期合并的 PR 在 {low} 到 {high} 个之间，{this}处于最高位。",
        ],
        "tr.history_bottom": [
            "近 {n_history} 期每期合并的 PR 在 {low} 到 {high} 个之间，{this}处于最低位。",
        ],
        "tr.history_mid": [
            "近 {n_history} 期每期合并的 PR 在 {low} 到 {high} 个之间，{this}{position}。",
        ],
        "tr.pos_above": ["高于平均水平"],
        "tr.pos_below": ["低于平均水平"],
        "rk.none": [
            "{this}没有触发任何风险标签。",
            "{this}的规则检查没有发现风险。",
        ],
        "rk.ranked": ["按出现次数排序：{ranked}。"],
        "rk.item": ["**{name}**：{count}。{why}{carriers}关注点：{watch}。"],
        "rk.why": ["规则：{why}。"],
        "rk.carriers": [
            "其中最重要的是 {prs}。",
            "主要涉及 {prs}。",
        ],
        "rk.broad": [
            "{merged_n} 个 PR 中有 {count} 个带有{tag}标签，它反映的是这一{period}的整体特征，而非某个单独改动。",
        ],
        "kp.none": [
            "{this}没有特别突出的 PR。",
            "{this}没有 PR 进入速览名单。",
        ],
        "kp.intro": [
            "{this}得分最高的 {n} 个 PR：",
            "以下 {n} 个 PR 得分最高：",
        ],
        "kp.intro.one": [
            "{this}得分最高的 PR：",
            "得分最高的是这个 PR：",
        ],
        "kp.line": ["{pr} · 作者 {author} · 重要度 **{importance}** · {theme}{size}"],
        "kp.theme": ["主题 {theme}"],
        "kp.no_theme": ["未归入主题"],
        "kp.size": [" · +{additions}/−{deletions} {lines}"],
        "kp.risks": ["风险：{risks}。"],
        "kp.no_risks": ["无风险标签。"],
        "kp.dirs": ["涉及目录：{dirs}。"],
        "kp.why": ["得分原因：{reason}。"],
        "kp.why_low": ["得分构成：{reason}。"],
        "kp.components": ["主要得分项：{components}。"],
        "kp.review": ["评审结论：{review}。"],
        "kp.points": ["评审要点（原文引用）：{points}。"],
        "kp.claims": ["PR 描述自述（原文引用，prhub 未核实）：{quotes}。"],
        "rv.approved": ["{who} 批准"],
        "rv.changes": ["{who} 要求修改，合并时仍未撤回"],
        "rv.addressed": ["{who} 曾先要求修改"],
        "rv.commented": ["{who} 参与讨论，未记录批准"],
        "rv.threads_open": ["{n} 个评审线程中 {open} 个未解决"],
        "rv.threads_done": ["{n} 个评审线程均已解决"],
        "rv.comments": ["评审评论 {n} 条"],
        "rv.files": ["讨论最多的文件：{files}"],
        "rv.file": ["{path}（{n} 条）"],
        "rv.point": ["{who} 评 {path}：{quote}"],
        "rv.closes": ["关闭 {issues}"],
        "kp.reading": ["概要（{model}）：{summary}"],
        "kp.judgement": ["判断 {value}（{model}）：{reason}。"],
        "rc.none": [
            "{this}暂无需要跟进的事项。",
            "{this}没有需要特别跟进的地方。",
        ],
        "rc.intro": [
            "建议的后续行动，按紧迫程度排列：",
            "接下来可以做的事：",
        ],
    },
}

# recommendation kinds (docs/report-context.md): plain text, filled with PR lists and names
# what a reader must know before trusting the figures (ctx["notices"], by code); {This} is the
# period ("This week"), dates are ISO
NOTICES: dict[str, dict[str, str]] = {
    "en": {
        "period_open": "{This} is not over yet: it runs through {last_day}, and the figures cover what was "
        "merged up to the last sync ({as_of}).",
        "period_open.unsynced": "{This} is not over yet: it runs through {last_day}, so the figures will still grow.",
        "period_future": "{This} has not begun yet: it starts on {first_day}.",
        "beyond_history": "{This} lies beyond the stored history, which ends at the last sync ({synced_at}): "
        "sync the clone again to read it.",
        "history_ends_within": "The stored history ends part-way through: the last sync read it up to {synced_at}, "
        "so later merges are missing.",
        "prefix": "> **Note:** {text}",
    },
    "zh": {
        "period_open": "{This}尚未结束（到 {last_day} 为止），数据只包含最近一次同步（{as_of}）前合并的 PR。",
        "period_open.unsynced": "{This}尚未结束（到 {last_day} 为止），数据还会增加。",
        "period_future": "{This}还没有开始：从 {first_day} 起。",
        "beyond_history": "{This}超出了已存的历史：最近一次同步只读到 {synced_at}，请重新同步克隆后再看。",
        "history_ends_within": "已存的历史在{This}中途结束：最近一次同步读到 {synced_at}，之后合并的 PR 不在本报告中。",
        "prefix": "> **注意**：{text}",
    },
}

# the Markdown document's header and extras block: str.format templates; a (one, many) pair is
# chosen by the count {n}
MARKDOWN: dict[str, dict[str, str | tuple[str, str]]] = {
    "en": {
        "title.week": "Weekly PR report",
        "title.month": "Monthly PR report",
        "title.range": "PR report",
        "title": "# {title}: {slug}",
        "repository": "Repository {repo}",
        "merged": ("{n} merged PR", "{n} merged PRs"),
        "key": ("{n} key PR", "{n} key PRs"),
        "by_rules": "rules",
        "by_model": "{writer}",
        "generated": "Generated automatically by prhub ({by})",
        "permalink": " · permalink: {url}",
        "list_sep": ", ",
        "counted": "{name} ({n})",
        "top_authors": "**Most active authors:** {names}",
        "first_time": "**First-time contributors ({n}):** {names}",
        "more": "…",
        "ai": ("**AI-assisted:** {n} PR ({pct}%)", "**AI-assisted:** {n} PRs ({pct}%)"),
        "ai_tools": "; {tools}",
        "revert_item": "#{number} “{title}”",
        "reverts_pr": " (reverts #{number})",
        "reverts": "**Reverts:** {items}",
        "reverts_sep": "; ",
        "direct": ("**Direct push ({n}):** {items}", "**Direct pushes ({n}):** {items}"),
        "direct_item": "{sha} “{title}”",
        "direct_more": "and {n} more",
        "delta_merged": "merged PRs {current} (previous {previous}, {signed})",
        "delta_labels": "rising labels: {labels}",
        "delta_themes": "new themes: {themes}",
        "deltas": "**Against the previous period:** {items}",
        "deltas_sep": "; ",
    },
    "zh": {
        "title.week": "每周 PR 报告",
        "title.month": "月度 PR 报告",
        "title.range": "PR 报告",
        "title": "# {slug} {title}",
        "repository": "仓库 {repo}",
        "merged": ("合并 {n} 个 PR", "合并 {n} 个 PR"),
        "key": ("重点 PR {n} 个", "重点 PR {n} 个"),
        "by_rules": "规则模板",
        "by_model": "模型 {writer}",
        "generated": "由 prhub 自动生成（{by}）",
        "permalink": " · 永久链接：{url}",
        "list_sep": "、",
        "counted": "{name}（{n}）",
        "top_authors": "**最活跃的作者**：{names}",
        "first_time": "**首次贡献者（{n} 位）**：{names}",
        "more": "……",
        "ai": ("**AI 协作**：{n} 个 PR（{pct}%）", "**AI 协作**：{n} 个 PR（{pct}%）"),
        "ai_tools": "；{tools}",
        "revert_item": "#{number} “{title}”",
        "reverts_pr": "（回滚 #{number}）",
        "reverts": "**回滚**：{items}",
        "reverts_sep": "；",
        "direct": ("**直接推送（{n} 个）**：{items}", "**直接推送（{n} 个）**：{items}"),
        "direct_item": "{sha} “{title}”",
        "direct_more": "另有 {n} 个",
        "delta_merged": "合并 PR {current}（上期 {previous}，{signed}）",
        "delta_labels": "上升的标签：{labels}",
        "delta_themes": "新主题：{themes}",
        "deltas": "**环比**：{items}",
        "deltas_sep": "；",
    },
}

RECOMMENDATIONS: dict[str, dict[str, list[str]]] = {
    "en": {
        "add-tests": [
            "Add tests for {prs}: they changed source code without touching any test.",
            "Ask for test coverage on {prs}, which changed source without tests.",
        ],
        "add-tests.one": [
            "Add tests for {prs}: it changed source code without touching any test.",
            "Ask for test coverage on {prs}, which changed source without tests.",
        ],
        "review-core": [
            "Give {prs} a second look: these key PRs change core files{paths}, where a regression reaches everyone.",
        ],
        "review-core.one": [
            "Give {prs} a second look: this key PR changes core files{paths}, where a regression reaches everyone.",
        ],
        "pin-dependency": [
            "Check the dependency changes in {prs}{files}: pin the versions and confirm CI installs the same ones.",
        ],
        "pin-dependency.cargo": [
            "Review the crate requirements changed in {prs}{files}: check the changelogs of the new versions, "
            "that Cargo.lock moved with them, and the MSRV.",
        ],
        "pin-dependency.npm": [
            "Review the package versions changed in {prs}{files}: read the changelogs, "
            "and check that the lock file and the supported Node versions still agree.",
        ],
        "pin-dependency.pip": [
            "Check the Python requirements changed in {prs}{files}: the new bounds, "
            "and that CI and the published wheels install the same versions.",
        ],
        "pin-dependency.go": [
            "Review the module versions changed in {prs}{files}: read their release notes "
            "and check that go.sum and the vendored modules moved with them.",
        ],
        "platform-ci": [
            "Run the {platform} CI lanes against {prs} and watch them over the next days.",
        ],
        "watch-config": [
            "Document the configuration changes in {prs} (new flags, environment variables or defaults) "
            "and mention them in the release notes.",
        ],
        "document-model": [
            "Make sure the models added in {prs} are in the supported-models documentation and have a smoke test.",
        ],
        "follow-revert": [
            "Follow up on the revert{s} {prs}{reverted}: find the root cause and decide whether the change returns.",
        ],
        "follow-revert.one": [
            "Follow up on the revert {prs}{reverted}: find the root cause and decide whether the change returns.",
        ],
        "split-large": [
            "Review {prs} again after merge: the diffs are large; ask for future changes like these in smaller parts.",
        ],
        "split-large.one": [
            "Review {prs} again after merge: the diff is large; ask for future changes like it in smaller parts.",
        ],
        "deprecation-notice": [
            "Announce the removals and deprecations in {prs} in the release notes, with a migration path.",
        ],
        "ci-build": [
            "Watch CI duration and build health after {prs}, which changed CI or packaging.",
        ],
        "watch-theme": [
            "Keep an eye on {theme}{trend}: {prs} are where it moved.",
        ],
        "unknown": ["Follow up on {prs} ({kind})."],
        "unknown_no_prs": ["Follow up: {kind}."],
        "platform_default": ["platform-specific"],
        "trend_rising": [", which is rising"],
        "trend_new": [", which is new"],
        "paths": [" ({paths})"],
        "files": [" ({files})"],
        "reverted": [" (reverting {reverted})"],
        "pair": ["{revert} (reverting {reverted})"],
    },
    "zh": {
        "add-tests": [
            "为 {prs} 补充测试：它们改动了源码，却没有修改任何测试。",
            "请 {prs} 的作者补上测试覆盖，这些改动没有配套测试。",
        ],
        "add-tests.one": [
            "为 {prs} 补充测试：它改动了源码，却没有修改任何测试。",
            "请 {prs} 的作者补上测试覆盖，这项改动没有配套测试。",
        ],
        "review-core": [
            "对 {prs} 再做一次审阅：这些重点 PR 改动了核心文件{paths}，一旦回归会影响所有用户。",
        ],
        "review-core.one": [
            "对 {prs} 再做一次审阅：这个重点 PR 改动了核心文件{paths}，一旦回归会影响所有用户。",
        ],
        "pin-dependency": [
            "检查 {prs} 中的依赖变更{files}：锁定版本，并确认 CI 安装的是同一版本。",
        ],
        "pin-dependency.cargo": [
            "审阅 {prs} 中变更的 crate 版本要求{files}：查看新版本的变更日志，确认 Cargo.lock 随之更新，并检查 MSRV。",
        ],
        "pin-dependency.npm": [
            "审阅 {prs} 中变更的包版本{files}：阅读变更日志，并确认锁文件与支持的 Node 版本仍然一致。",
        ],
        "pin-dependency.pip": [
            "检查 {prs} 中变更的 Python 依赖{files}：新的版本范围，以及 CI 与发布的 wheel 是否安装同一版本。",
        ],
        "pin-dependency.go": [
            "审阅 {prs} 中变更的模块版本{files}：阅读发布说明，并确认 go.sum 与 vendor 目录随之更新。",
        ],
        "platform-ci": [
            "针对 {prs} 运行 {platform} 相关的 CI 流水线，并在接下来几天持续关注。",
        ],
        "watch-config": [
            "为 {prs} 中的配置变更（新参数、环境变量或默认值）补充文档，并写进发版说明。",
        ],
        "document-model": [
            "确认 {prs} 新增的模型已写入支持模型文档，并有冒烟测试。",
        ],
        "follow-revert": [
            "跟进回滚 {prs}{reverted}：找出根因，并决定原改动是否重新提交。",
        ],
        "follow-revert.one": [
            "跟进回滚 {prs}{reverted}：找出根因，并决定原改动是否重新提交。",
        ],
        "split-large": [
            "合入后再审一遍 {prs}：改动量很大；今后类似改动建议拆分提交。",
        ],
        "split-large.one": [
            "合入后再审一遍 {prs}：这次改动量很大；今后类似改动建议拆分提交。",
        ],
        "deprecation-notice": [
            "在发版说明中公告 {prs} 涉及的移除与弃用，并给出迁移方式。",
        ],
        "ci-build": [
            "{prs} 改动了 CI 或打包流程，请关注之后的 CI 时长与构建状态。",
        ],
        "watch-theme": [
            "持续关注{theme}{trend}：相关改动见 {prs}。",
        ],
        "unknown": ["跟进 {prs}（{kind}）。"],
        "unknown_no_prs": ["待跟进：{kind}。"],
        "platform_default": ["平台专用"],
        "trend_rising": ["（正在升温）"],
        "trend_new": ["（本期新出现）"],
        "paths": ["（{paths}）"],
        "files": ["（{files}）"],
        "reverted": ["（回滚了 {reverted}）"],
        "pair": ["{revert}（回滚了 {reverted}）"],
    },
}


# `prhub publish`: the words of a chat message around the report's own sections
PUBLISH: dict[str, dict[str, str]] = {
    "en": {
        "title": "{repo} · {period}",
        "full_report": "Full report",
        "merged_prs": "merged PRs on the forge",
        "importance": "importance",
        "more": "…and {n} more in the full report",
    },
    "zh": {
        "title": "{repo} · {period}",
        "full_report": "完整报告",
        "merged_prs": "在代码托管平台查看已合并 PR",
        "importance": "重要度",
        "more": "……另有 {n} 项，见完整报告",
    },
}

# importance reasons (analysis/importance.py codes): the one-line "why it scored" of a PR
REASON_KINDS: dict[str, dict[str, str]] = {
    "en": {
        "feature": "feature",
        "perf": "performance change",
        "kernel": "kernel work",
        "fix": "bug fix",
        "refactor": "refactor",
        "model": "model work",
        "revert": "revert",
        "deps": "dependency update",
        "ci": "CI change",
        "tests": "test change",
        "docs": "documentation change",
        "minor": "minor change",
        "change": "change",
    },
    "zh": {
        "feature": "新功能",
        "perf": "性能优化",
        "kernel": "内核改动",
        "fix": "缺陷修复",
        "refactor": "重构",
        "model": "模型相关改动",
        "revert": "回滚",
        "deps": "依赖更新",
        "ci": "CI 改动",
        "tests": "测试改动",
        "docs": "文档改动",
        "minor": "小改动",
        "change": "改动",
    },
}
REASON_SIZES: dict[str, dict[str, str]] = {
    "en": {"large": "large ", "medium": "medium ", "small": "small "},
    "zh": {"large": "大型", "medium": "中等", "small": "小型"},
}
MECHANICAL_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "formatter": "a formatter or lint pass",
        "typo": "a spelling fix",
        "rename": "a pure rename or move",
        "lockfile": "a lockfile-only change",
        "generated": "a generated-files-only change",
        "vendored": "a vendored-code update",
        "release-merge": "a release branch merged back",
        "release": "a version bump or release preparation",
    },
    "zh": {
        "formatter": "格式化或 lint 批量修改",
        "typo": "拼写修正",
        "rename": "纯重命名或移动",
        "lockfile": "仅锁文件变更",
        "generated": "仅生成文件变更",
        "vendored": "第三方代码同步",
        "release-merge": "发布分支合回",
        "release": "版本号更新或发布准备",
    },
}
REASONS: dict[str, dict[str, str]] = {
    "en": {
        "size": "{size}{kind} ({lines} lines)",
        "size.pct": "{size}{kind} ({lines} lines, larger than {pct}% of recent PRs)",
        "core": "touches {files} core files",
        "core.one": "touches 1 core file",
        "breadth": "across {modules} modules",
        "new_surface": "adds {path}",
        "revert": "involved in a revert",
        "risk": "carries several risk tags",
        "mechanical": "{what}: never key",
        "join": ", ",
    },
    "zh": {
        "size": "{size}{kind}（{lines} 行）",
        "size.pct": "{size}{kind}（{lines} 行，大于近期 {pct}% 的 PR）",
        "core": "涉及 {files} 个核心文件",
        "core.one": "涉及 1 个核心文件",
        "breadth": "跨 {modules} 个模块",
        "new_surface": "新增 {path}",
        "revert": "涉及回滚",
        "risk": "风险标签较多",
        "mechanical": "{what}，不计为重点",
        "join": "，",
    },
}
