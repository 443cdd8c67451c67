"""The OpenAI-compatible facade, driven by the `openai` client against a real uvicorn server."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import openai
import pytest

from tests.interfaces.support import SUMMARY

pytestmark = pytest.mark.server


@pytest.fixture
def oai(api_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{api_url}/v1", api_key="unused", max_retries=0, timeout=30)


AUTH = {"Authorization": "Bearer unused"}
"""What the OpenAI client sends: the same caller, for the native routes."""


def test_completion_keeps_the_conversation_by_user(
    oai: openai.OpenAI, api_url: str, store: Any
) -> None:
    user = f"oai-{uuid.uuid4().hex}"
    raw = oai.chat.completions.with_raw_response.create(
        model="shopassist",
        messages=[{"role": "user", "content": "a backpack"}],
        user=user,
    )
    sid, first = raw.headers["x-session-id"], raw.parse()
    text = first.choices[0].message.content
    assert first.model == "shopassist" and first.choices[0].finish_reason == "stop"
    assert text.startswith(SUMMARY) and "item " in text
    item_id = text.split("item ", 1)[1].split(" ", 1)[0]
    assert f"${store.variant(item_id).price:,.2f}" in text  # the card carries the store price
    assert first.usage.total_tokens > 0
    history = [
        {"role": "user", "content": "a backpack"},
        {"role": "assistant", "content": text},
        {"role": "user", "content": [{"type": "text", "text": "a water bottle"}]},
    ]
    again = oai.chat.completions.with_raw_response.create(
        model="shopassist", messages=history, user=user
    )
    assert again.headers["x-session-id"] == sid
    turns = httpx.get(f"{api_url}/v1/sessions/{sid}", headers=AUTH).json()["turns"]
    assert turns == 2  # one server-side conversation, one turn per call


def test_session_header_wins_and_is_returned(oai: openai.OpenAI, api_url: str) -> None:
    sid = httpx.post(f"{api_url}/v1/sessions", headers=AUTH).json()["session_id"]
    raw = oai.chat.completions.with_raw_response.create(
        model="shopassist",
        messages=[{"role": "user", "content": "a desk lamp"}],
        extra_headers={"X-Session-Id": sid},
        user="ignored-user",
    )
    assert raw.headers["x-session-id"] == sid
    assert httpx.get(f"{api_url}/v1/sessions/{sid}", headers=AUTH).json()["turns"] == 1
    fresh = oai.chat.completions.with_raw_response.create(
        model="shopassist", messages=[{"role": "user", "content": "a desk lamp"}]
    )
    assert fresh.headers["x-session-id"] not in (sid, "")


def test_streaming_completion(oai: openai.OpenAI) -> None:
    stream = oai.chat.completions.create(
        model="shopassist",
        messages=[{"role": "user", "content": "running shoes"}],
        stream=True,
        user=f"oai-{uuid.uuid4().hex}",
    )
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text.startswith(SUMMARY) and "item " in text
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_facade_errors(oai: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="use 'shopassist'"):
        oai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.BadRequestError, match="no user message"):
        oai.chat.completions.create(
            model="shopassist", messages=[{"role": "system", "content": "be nice"}]
        )
    with pytest.raises(openai.UnprocessableEntityError, match="user"):
        oai.chat.completions.create(
            model="shopassist", messages=[{"role": "user", "content": "hi"}], user="bad id!"
        )
    assert [m.id for m in oai.models.list()] == ["shopassist"]
