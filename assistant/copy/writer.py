"""Write a listing with the served model, check it, and rewrite it with the findings.

The loop is bounded: after `max_attempts` the best draft is returned with the problems it
still has, marked as not passing, so a caller can never publish an unchecked draft by
accident.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from assistant.copy.draft import COPY_FIELDS, CopyDraft, CopyRequest, DraftError, parse_draft
from assistant.copy.findings import Finding
from assistant.copy.messages import build_messages, describe_findings, feedback_message
from assistant.llm.types import CallRules, ChatModel, Message
from retrieval.catalog import Product


def draft_rules(request: CopyRequest) -> CallRules:
    """Rules that hold a constraining server (vLLM) to the draft's JSON, asked fields filled."""
    schema = CopyDraft.model_json_schema()
    properties = schema["properties"]
    limits = {"title": 80, "short_description": 400, "meta_description": 160}
    for name in request.fields:
        if name == "bullets":
            properties[name].update(minItems=3, maxItems=5)
            properties[name]["items"] = {"type": "string", "minLength": 8, "maxLength": 120}
        else:
            properties[name].update(minLength=10, maxLength=limits[name])
    schema["required"] = list(request.fields)
    return CallRules(reply_schema=schema)


Checker = Callable[[Product, CopyDraft], list[Finding]]
"""Returns the unsupported statements of a draft (`CopyChecker` is one)."""


class Attempt(BaseModel):
    """One completion of the model and what became of it."""

    model_config = ConfigDict(frozen=True)

    number: int = Field(ge=1, description="1 for the first completion.")
    draft: CopyDraft | None = Field(description="The parsed draft; None if unusable.")
    findings: list[Finding] = Field(default_factory=list, description="Its findings.")
    error: str | None = Field(default=None, description="Why the reply was not a draft.")


class CopyResult(BaseModel):
    """The listing to show the merchant, with what is still wrong with it."""

    draft: CopyDraft = Field(description="The draft that passed, or the one with fewest problems.")
    findings: list[Finding] = Field(description="Its unsupported statements; empty if passed.")
    passed: bool = Field(description="Whether the draft states nothing the catalog lacks.")
    attempts: list[Attempt] = Field(description="Every completion, in order.")


class CopyGenerationError(RuntimeError):
    """No completion was a usable draft; `attempts` says what each one was."""

    def __init__(self, attempts: list[Attempt]) -> None:
        self.attempts = attempts
        reasons = "; ".join(f"attempt {a.number}: {a.error}" for a in attempts)
        super().__init__(f"the model gave no usable draft in {len(attempts)} attempts ({reasons})")


def _only_requested(draft: CopyDraft, request: CopyRequest) -> CopyDraft:
    """Fields the merchant did not ask for are cleared, so nothing unasked is published."""
    cleared: dict[str, object] = {
        name: [] if name == "bullets" else "" for name in COPY_FIELDS if name not in request.fields
    }
    return draft.model_copy(update=cleared) if cleared else draft


def write_copy(
    model: ChatModel,
    product: Product,
    request: CopyRequest,
    checker: Checker,
    max_attempts: int = 3,
) -> CopyResult:
    """Generate a listing, check it, and regenerate with the findings until it passes.

    Args:
        model: The chat model (the served one, or a scripted one in tests).
        product: The product, as the catalog of record holds it.
        request: Tone, length, audience and the fields to write.
        checker: Finds the draft's unsupported statements, e.g. `CopyChecker(vocabulary)`.
        max_attempts: Completions allowed in all, the first included.

    Returns:
        The first draft without findings (`passed`), or else the parsed draft with the
        fewest findings (the latest on a tie), with those findings and `passed` False.

    Raises:
        ValueError: `max_attempts` is below 1, or the request names another product.
        CopyGenerationError: No completion could be read as a draft.
    """
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be at least 1, not {max_attempts}")
    messages: list[Message] = build_messages(product, request)
    attempts: list[Attempt] = []
    rules = draft_rules(request)
    for number in range(1, max_attempts + 1):
        reply = model.chat(messages, tools=None, tool_choice="none", rules=rules)
        text = reply.content or ""
        try:
            if not text.strip() and reply.tool_calls:
                raise DraftError("the reply is a tool call; expected the JSON object as text")
            draft = _only_requested(parse_draft(text, required=request.fields), request)
        except DraftError as error:
            attempts.append(Attempt(number=number, draft=None, error=str(error)))
            problem = f"It is not a usable listing: {error}."
        else:
            findings = checker(product, draft)
            attempts.append(Attempt(number=number, draft=draft, findings=findings))
            if not findings:
                return CopyResult(draft=draft, findings=[], passed=True, attempts=attempts)
            problem = describe_findings(findings)
        messages = [*messages, {"role": "assistant", "content": text}, feedback_message(problem)]
    parsed = [a for a in attempts if a.draft is not None]
    if not parsed:
        raise CopyGenerationError(attempts)
    best = min(parsed, key=lambda a: (len(a.findings), -a.number))
    assert best.draft is not None  # filtered above; for the type checker
    return CopyResult(draft=best.draft, findings=best.findings, passed=False, attempts=attempts)
