"""Base vs fine-tuned model on the dev split, each served by a real vLLM-CPU server.

Every dev case is sent exactly as the engine sent it during generation (messages, the live
tool schemas, `tool_choice="auto"`), through the project's OpenAI client, to a vLLM server
started on a free port for that model and stopped afterwards. Before scoring, the server's
own tokenization of a few cases is compared with the training renderer's, so the numbers
are known to measure the format the model was trained on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from assistant.finetune.datagen import read_jsonl
from assistant.finetune.metrics import CaseScore, score_case, score_rows, summarise
from assistant.settings import Settings

REPORT_NAME = "finetune-eval"
WORKERS = 4
"""Concurrent requests: vLLM batches them, which is faster on CPU than one at a time."""


def spread(cases: Sequence[dict[str, Any]], limit: int | None) -> list[dict[str, Any]]:
    """`limit` cases evenly spaced over the dev set (all of them when None)."""
    if limit is None or limit >= len(cases):
        return list(cases)
    step = len(cases) / limit
    return [cases[int(i * step)] for i in range(limit)]


def template_parity(
    base_url: str,
    model: str,
    model_dir: Path,
    cases: Sequence[dict[str, Any]],
    tools: list[dict[str, Any]],
) -> dict[str, Any]:
    """Compare the server's prompt tokens with the training renderer's for a few cases."""
    from transformers import AutoTokenizer

    from assistant.finetune.examples import Renderer
    from prompts import CHAT_TEMPLATE

    renderer = Renderer(AutoTokenizer.from_pretrained(model_dir), CHAT_TEMPLATE.read_text(), tools)
    root = base_url.removesuffix("/v1")
    checked = matched = 0
    for case in cases[:3]:
        response = httpx.post(
            f"{root}/tokenize",
            json={
                "model": model,
                "messages": case["messages"],
                "tools": tools,
                "add_generation_prompt": True,
            },
            timeout=60,
        )
        if response.status_code != 200:
            return {"checked": checked, "matched": matched, "error": response.text[:300]}
        text = renderer.render(case["messages"], add_generation_prompt=True)
        mine = renderer.tokenizer(text, add_special_tokens=False)["input_ids"]
        checked += 1
        matched += int(response.json().get("tokens") == mine)
    return {"checked": checked, "matched": matched}


def evaluate_model(
    settings: Settings,
    name: str,
    model_dir: Path,
    cases: Sequence[dict[str, Any]],
    *,
    max_tokens: int,
    progress: Callable[[str], None] = print,
) -> tuple[list[CaseScore], dict[str, Any]]:
    """Serve `model_dir` on a free port, run every case, stop the server."""
    from assistant.engine.shown import holds, shown_ids
    from assistant.llm.client import OpenAIChatModel
    from assistant.llm.server import VllmServer, free_port
    from assistant.llm.types import CallRules
    from assistant.tools import default_registry

    registry = default_registry()
    tools = registry.openai_schemas()
    server_settings = settings.model_copy(
        update={
            "data_dir": settings.data_dir / "finetune" / f"eval-server-{name}",
            "llm_port": free_port(),
            "llm_model_path": model_dir,
        }
    )
    server = VllmServer(server_settings, model_dir=model_dir)
    progress(f"[{name}] starting vLLM-CPU for {model_dir} (log: {server.log_path})")
    startup = server.start()
    try:
        parity = template_parity(server.base_url, settings.llm_model, model_dir, cases, tools)
        progress(f"[{name}] ready after {startup:.0f}s; template parity {parity}")
        client = OpenAIChatModel(
            server.base_url,
            settings.llm_model,
            timeout=settings.llm_request_timeout * 3,
            max_retries=1,
            max_tokens=max_tokens,
            temperature=0.0,
            constrain_tool_calls=settings.llm_constrain_tool_calls,
        )

        def run(case: dict[str, Any]) -> CaseScore:
            started = time.perf_counter()
            rules = None
            if settings.llm_constrain_ids:
                rules = CallRules(holds=holds(shown_ids(case["messages"], registry)))
            result = client.chat(case["messages"], tools=tools, tool_choice="auto", rules=rules)
            return score_case(case, result, registry, time.perf_counter() - started)

        scores: list[CaseScore] = []
        started = time.perf_counter()
        with ThreadPoolExecutor(WORKERS) as pool:
            for n, score in enumerate(pool.map(run, cases), start=1):
                scores.append(score)
                if n % 20 == 0 or n == len(cases):
                    progress(
                        f"[{name}] {n}/{len(cases)} cases ({time.perf_counter() - started:.0f}s)"
                    )
        info = {
            "evaluated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "model_dir": str(model_dir),
            "startup_seconds": round(startup, 1),
            "run_seconds": round(time.perf_counter() - started, 1),
            "template_parity": parity,
            "constrained_tool_calls": settings.llm_constrain_tool_calls,
            "constrained_ids": settings.llm_constrain_tool_calls and settings.llm_constrain_ids,
        }
        return scores, info
    finally:
        server.stop()


METRIC_ROWS = [
    ("tool_selection", "Tool selection (right tool when a call is expected)"),
    ("argument_exact_match", "Argument exact match (right tool, identical arguments)"),
    ("argument_match_lenient", "Argument match ignoring case/spacing"),
    ("valid_call", "Parseable, schema-valid calls (of all call attempts)"),
    ("call_when_expected", "Calls a tool when one is expected"),
    ("no_call_when_text_expected", "Replies in text when text is expected"),
    ("ask", "Asks for missing details"),
    ("refuse", "Refuses out-of-policy requests"),
    ("confirm_write_call", "Calls the write tool once the request is complete"),
    ("grounded_answer", "Grounded answers (from tool results, states their facts)"),
]


def _cell(metric: dict[str, Any] | None) -> str:
    if not metric or metric.get("rate") is None:
        return "—"
    return f"{100 * metric['rate']:.1f}% ({metric['hits']}/{metric['total']})"


def render_markdown(report: dict[str, Any]) -> str:
    """The human-readable report."""
    names = list(report["models"])
    lines = [
        "# Fine-tuned chat model: dev-split evaluation",
        "",
        f"Written {report['created']} from `{report['cases_file']}` "
        f"({report['cases']} cases: {report['kinds']}); data generated with the current "
        f"prompts, template and tools: {report['data_fingerprint']['match']}.",
        "Each case is one request of a held-out dialogue (unseen shoppers, unseen phrasing "
        "families), sent exactly as the dialogue engine sent it, to a vLLM-CPU server "
        "(`--tool-call-parser xlam`, the project chat template, `tool_choice=auto`, "
        "temperature 0).",
        "",
        "| metric | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for key, label in METRIC_ROWS:
        lines.append(
            f"| {label} | "
            + " | ".join(_cell(report["models"][n]["summary"].get(key)) for n in names)
            + " |"
        )
    lines += ["", "## Per tool (selection / exact arguments)", ""]
    tools = sorted({t for n in names for t in report["models"][n]["summary"]["per_tool"]})
    lines += ["| tool | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for tool in tools:
        cells = []
        for n in names:
            entry = report["models"][n]["summary"]["per_tool"].get(tool)
            cells.append(
                f"{_cell(entry['selection'])} / {_cell(entry['arguments'])}" if entry else "—"
            )
        lines.append(f"| {tool} | " + " | ".join(cells) + " |")
    lines += ["", "## Sample completions", ""]
    first = report["models"][names[0]]["cases"]
    for index in range(0, len(first), max(1, len(first) // 8))[:8]:
        case_id = first[index]["case_id"]
        lines.append(f"- `{case_id}` expected {report['expected'][case_id]}")
        for n in names:
            row = report["models"][n]["cases"][index]
            shown = f"call {row['called']} {row['arguments']}" if row["called"] else row["text"]
            lines.append(f"  - {n}: {shown[:160]!r}")
    lines += ["", "## Serving", ""]
    for n in names:
        info = report["models"][n]["info"]
        mean = report["models"][n]["summary"]["mean_seconds"]
        lines.append(
            f"- {n}: `{info['model_dir']}`, evaluated {info.get('evaluated', report['created'])}, "
            f"server ready in {info['startup_seconds']}s, "
            f"cases run in {info['run_seconds']}s, mean {mean}s per request; template parity "
            f"with the training renderer: {info['template_parity']}; tool calls held to the "
            f"tool schemas by a structural tag: {info.get('constrained_tool_calls', False)}; "
            f"id arguments held to the ids shown: {info.get('constrained_ids', False)}"
        )
    return "\n".join(lines) + "\n"


def data_freshness(manifest_path: Path) -> dict[str, Any]:
    """Whether the dev cases were generated with today's prompts, template and tools."""
    from assistant.engine.dialogue import default_system_prompt
    from assistant.finetune.datagen import fingerprint
    from assistant.finetune.examples import Renderer
    from assistant.tools import default_registry
    from prompts import CHAT_TEMPLATE

    current = fingerprint(
        Renderer(None, CHAT_TEMPLATE.read_text(), default_registry().openai_schemas()),
        default_system_prompt(),
    )
    generated = None
    if manifest_path.is_file():
        generated = json.loads(manifest_path.read_text()).get("fingerprint")
    return {"generated": generated, "current": current, "match": generated == current}


def _expected(target: dict[str, Any]) -> str:
    if target["kind"] == "call":
        return f"call {target['name']} {json.dumps(target['arguments'])}"[:160]
    return f"{target['kind']}: {target['text']!r}"[:160]


def carry_over(report: dict[str, Any], previous: dict[str, Any]) -> list[str]:
    """Add to `report` the models of `previous` it did not evaluate, if both were made on the
    same cases; returns the names carried over (listed first, in their previous order)."""
    if previous.get("expected") != report["expected"]:
        return []
    kept = {n: m for n, m in previous.get("models", {}).items() if n not in report["models"]}
    report["models"] = kept | report["models"]
    return list(kept)


def run_evaluation(
    settings: Settings,
    cases_path: Path,
    models: dict[str, Path],
    report_dir: Path,
    *,
    limit: int | None = None,
    max_tokens: int = 200,
    keep: bool = False,
    progress: Callable[[str], None] = print,
) -> list[Path]:
    """Evaluate each named model on the dev cases; write `finetune-eval.{md,json}`.

    With `keep`, the results of other models in an existing report made on the same cases
    (same requests, same expected targets) are carried over, so a new adapter can be
    compared without serving the base model again.
    """
    if not cases_path.is_file():
        raise FileNotFoundError(f"{cases_path} does not exist: run `shopassist finetune data`")
    cases = spread(read_jsonl(cases_path), limit)
    kinds: dict[str, int] = {}
    for case in cases:
        kinds[case["kind"]] = kinds.get(case["kind"], 0) + 1
    report: dict[str, Any] = {
        "created": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cases_file": str(cases_path),
        "data_fingerprint": data_freshness(cases_path.parent / "manifest.json"),
        "cases": len(cases),
        "kinds": kinds,
        "max_tokens": max_tokens,
        "expected": {c["id"]: _expected(c["target"]) for c in cases},
        "models": {},
    }
    for name, model_dir in models.items():
        scores, info = evaluate_model(
            settings, name, model_dir, cases, max_tokens=max_tokens, progress=progress
        )
        report["models"][name] = {
            "summary": summarise(scores),
            "info": info,
            "cases": score_rows(scores),
        }
    report_dir.mkdir(parents=True, exist_ok=True)
    json_path = report_dir / f"{REPORT_NAME}.json"
    md_path = report_dir / f"{REPORT_NAME}.md"
    if keep and json_path.is_file():
        carry_over(report, json.loads(json_path.read_text()))
    json_path.write_text(json.dumps(report, indent=2) + "\n")
    md_path.write_text(render_markdown(report))
    return [md_path, json_path]
