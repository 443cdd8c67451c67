"""On the real served model, the words a call carries are the shopper's: the grammar holds the
query of a search and the values of an identity lookup to what the shopper wrote."""

from __future__ import annotations

import json
import re

import pytest

from assistant.engine.dialogue import default_system_prompt
from assistant.engine.sources import identity_holds, word_holds
from assistant.llm.server import VllmServer
from assistant.llm.tool_format import held_tool
from assistant.llm.types import CallRules
from assistant.tools import default_registry
from tests.support import served_client

pytestmark = pytest.mark.vllm


def _forced(server: VllmServer, text: str, tool: str) -> dict[str, object]:
    """The served model's arguments for `tool`, which it must call, held to `text`."""
    schema = next(t for t in default_registry().openai_schemas() if t["function"]["name"] == tool)
    holds = identity_holds([text]) | word_holds([text], vocabulary=["headphones", "kettle"])
    held = held_tool(schema, holds, drop=("filters", "sort"))
    assert held is not None
    messages = [
        {"role": "system", "content": default_system_prompt()},
        {"role": "user", "content": text},
    ]
    client = served_client(server, max_tokens=80)
    choice = {"type": "function", "function": {"name": tool}}
    result = client.chat(messages, tools=[held], tool_choice=choice, rules=CallRules())
    [made] = result.tool_calls
    return json.loads(made.arguments)


def test_a_vague_need_is_searched_in_the_shoppers_words(finetuned_vllm_server: VllmServer) -> None:
    text = "a gift for my brother who hikes a lot, nothing too pricey"
    query = str(_forced(finetuned_vllm_server, text, "search_products")["query"])
    said = {w.lower() for w in re.findall(r"[\w'-]+", text)}
    assert query and all(w.lower() in said for w in re.findall(r"[\w'-]+", query)), query


def test_a_misspelled_need_may_be_fixed_from_the_catalog(finetuned_vllm_server: VllmServer) -> None:
    text = "any wireles headphnes?"
    query = str(_forced(finetuned_vllm_server, text, "search_products")["query"])
    allowed = {"any", "wireles", "headphnes", "headphones"}
    # The hold lets a query end with the shopper's question mark or full stop.
    assert set(query.lower().rstrip("?.!").split()) <= allowed, query


def test_a_name_and_zip_come_from_the_message(finetuned_vllm_server: VllmServer) -> None:
    text = "hi, it's Yara Li, zip code 10126"
    arguments = _forced(finetuned_vllm_server, text, "find_user_id_by_name_zip")
    assert arguments["zip"] == "10126"
    assert {arguments["first_name"], arguments["last_name"]} <= {
        "hi",
        "it's",
        "Yara",
        "Li",
        "zip",
        "code",
    }
