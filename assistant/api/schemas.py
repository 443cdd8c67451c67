"""Request and response bodies of the storefront API (they make the OpenAPI document)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SESSION_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,128}$"
MAX_MESSAGE_CHARS = 4000


class SessionIn(BaseModel):
    """Who the storefront vouches for, if anyone: a user id (the storefront's server, with the
    API key) or the signed token its page was given."""

    model_config = ConfigDict(extra="forbid")

    user_id: str | None = Field(
        default=None, max_length=128, description="The shopper the storefront signed in."
    )
    token: str | None = Field(
        default=None, max_length=4096, description="A shopper token signed by the storefront."
    )


class SessionCreated(BaseModel):
    """A new conversation."""

    session_id: str = Field(description="Pass it in the path of every later call.")


class PendingAction(BaseModel):
    """A change to the store waiting for the shopper's explicit confirmation."""

    name: str = Field(description="The WRITE tool that will run.")
    arguments: dict[str, Any] = Field(description="Its arguments, exactly as they will run.")
    summary: str = Field(description="The summary to show the shopper before they confirm.")
    action_id: str = Field(description="Give it to /confirm to run exactly this change.")


class SessionInfo(BaseModel):
    """The state of one conversation."""

    session_id: str
    user_id: str | None = Field(description="The authenticated shopper, once signed in.")
    pending_action: PendingAction | None
    turns: int = Field(description="Messages answered so far.")


class MessageIn(BaseModel):
    """A shopper's message."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, description="What they wrote.")


class TurnReply(BaseModel):
    """The assistant's answer to one message, with everything that happened on the way."""

    session_id: str
    reply: str = Field(description="The verified reply text (markdown).")
    source: Literal["model", "rendered", "confirmation"] = Field(
        description="model: the model's own verified text; rendered: a deterministic "
        "rendering of tool results; confirmation: the summary of a pending change."
    )
    cards: str = Field(
        default="", description="Product cards / tables rendered from this turn's results."
    )
    pending_action: PendingAction | None = None
    errors: list[str] = Field(default_factory=list, description="E.g. the model was unreachable.")
    events: list[dict[str, Any]] = Field(
        description="tool_call, tool_result, confirmation_needed, error and reply events."
    )
    grounding_failed: bool = False
    usage: dict[str, int] = Field(
        default_factory=dict, description="prompt_tokens and completion_tokens of the turn."
    )
    seconds: float


class ToolInfo(BaseModel):
    """One tool the assistant (and direct calls) can use."""

    name: str
    kind: Literal["read", "reversible", "change"] = Field(
        description="read: only reads; reversible: a change that runs at once and can be "
        "undone (the cart); change: an order or account change that needs a confirmation."
    )
    needs_auth: bool = Field(description="Needs a signed-in shopper.")
    owner: str | None = Field(
        default=None, description="The argument naming the shopper's own order or account."
    )
    shows: bool = Field(default=False, description="Its result is shown as cards.")
    description: str
    parameters: dict[str, Any] = Field(description="JSON schema of the arguments.")


class ToolResult(BaseModel):
    """A direct tool call that ran, or is waiting for confirmation."""

    status: Literal["ok", "confirmation_needed"]
    tool: str
    arguments: dict[str, Any]
    data: Any = Field(default=None, description="The tool's result when status is ok.")
    summary: str | None = Field(default=None, description="For confirmation_needed.")
    action_id: str | None = Field(default=None, description="For confirmation_needed.")
    user_id: str | None = Field(description="The session's signed-in shopper after the call.")


class ConfirmIn(BaseModel):
    """Which change the shopper confirmed."""

    model_config = ConfigDict(extra="forbid")

    action_id: str | None = Field(
        default=None,
        description="The action_id that was shown; when given, a different pending change "
        "is not run.",
    )


class Health(BaseModel):
    """Service health."""

    status: Literal["ok", "degraded"]
    model: dict[str, Any]
