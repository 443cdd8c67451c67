"""A question no request kind claims is a help question when a store page answers it closely."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.engine.gate import Gate
from assistant.engine.requests import Requests
from assistant.tools import default_registry
from retrieval.chroma import make_client
from retrieval.embeddings import load_embedder
from retrieval.faq import FaqIndex

PAGES = Path(__file__).resolve().parents[2] / "assistant" / "demo" / "beanleaf" / "pages"
OFF_TOPIC = Requests(frozenset({"out_of_scope"}), {"out_of_scope": 0.5}, ("out_of_scope",))


@pytest.fixture(scope="module")
def gate() -> Gate:
    faq = FaqIndex(make_client(), load_embedder("bundled:all-MiniLM-L6-v2"), collection="pages_q")
    faq.ingest_pages(sorted(PAGES.glob("*.md")))
    return Gate(default_registry(), faq=faq)


def test_a_question_the_pages_answer_is_a_help_question(gate: Gate) -> None:
    read = gate.with_pages("what temperature should the water be for green tea?", OFF_TOPIC)
    assert read.kinds == frozenset({"faq"}) and read.ordered[0] == "faq"


def test_off_topic_questions_and_claimed_requests_stay_as_they_are(gate: Gate) -> None:
    assert gate.with_pages("can you give me a recipe for pancakes?", OFF_TOPIC) == OFF_TOPIC
    assert gate.with_pages("book me a flight to Denver next friday", OFF_TOPIC) == OFF_TOPIC
    search = Requests(frozenset({"search"}), {"search": 0.9}, ("search",))
    assert gate.with_pages("which teas do you have?", search) == search
