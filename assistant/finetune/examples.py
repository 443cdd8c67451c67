"""From recorded engine requests to training examples in the served chat format.

Each recorded request is rendered with the real chat template and tool schemas, exactly as
vLLM renders it for the model; its target (the planned completion) follows the generation
prompt and ends with `<|im_end|>`. Requests of one dialogue whose prompt extends the
previous request plus its target share one training sequence, so the long system prompt is
paid once per run of such requests instead of once per request. A request whose prompt does
not extend the previous one (the session note in the system prompt changed after
authentication, or old turns fell out of the history window) starts a new sequence. Loss is
computed on the targets only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.finetune.oracle import CallRecord
from assistant.llm.types import Message

END_OF_TURN = "<|im_end|>"


class RenderError(RuntimeError):
    """The chat template did not render a request and its target consistently."""


@dataclass
class Example:
    """One training sequence: text, and the character spans the loss is computed on."""

    text: str
    spans: list[tuple[int, int]]
    conversation: str
    split: str
    targets: list[dict[str, Any]] = field(default_factory=list)
    """Labels of each span's target: kind, intent, family, tool name."""
    tokens: int = 0
    target_tokens: int = 0

    def to_json(self) -> dict[str, Any]:
        """Plain data for a JSONL line."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Example:
        """Read a JSONL line back."""
        data = dict(data)
        data["spans"] = [tuple(s) for s in data["spans"]]
        return cls(**data)


class Renderer:
    """Renders messages with the served chat template and tool list.

    Args:
        tokenizer: The model's tokenizer (`apply_chat_template`, offsets).
        chat_template: Text of `prompts/tool_chat_template.jinja`.
        tools: The OpenAI tool schemas the engine sends (`registry.openai_schemas()`).
    """

    def __init__(self, tokenizer: Any, chat_template: str, tools: list[dict[str, Any]]) -> None:
        self.tokenizer = tokenizer
        self.chat_template = chat_template
        self.tools = tools

    def render(self, messages: Sequence[Message], *, add_generation_prompt: bool) -> str:
        """The prompt text vLLM would build for these messages."""
        return self.tokenizer.apply_chat_template(
            list(messages),
            tools=self.tools,
            chat_template=self.chat_template,
            tokenize=False,
            add_generation_prompt=add_generation_prompt,
        )

    def request(self, record: CallRecord) -> tuple[str, str, tuple[int, int]]:
        """(prompt, prompt + target + rest of the turn markup, span of the target)."""
        prompt = self.render(record.messages, add_generation_prompt=True)
        full = self.render(
            [*record.messages, record.target.as_message()], add_generation_prompt=False
        )
        if not full.startswith(prompt):
            raise RenderError("the rendered target does not follow the generation prompt")
        end = full.find(END_OF_TURN, len(prompt))
        if end < 0:
            raise RenderError(f"the rendered target has no {END_OF_TURN}")
        return prompt, full, (len(prompt), end + len(END_OF_TURN))

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` as the server tokenizes a prompt (no extra special tokens)."""
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def target_token_count(self, text: str, spans: Sequence[tuple[int, int]]) -> int:
        """Tokens whose first character lies in one of `spans`."""
        encoded = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return sum(len(inside) for inside in tokens_in_spans(encoded["offset_mapping"], spans))


def tokens_in_spans(
    offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]
) -> list[list[int]]:
    """For each half-open character span, the indices of the tokens whose first character
    (from the tokenizer's `offset_mapping`) lies in it, in order."""
    return [
        [n for n, (start, _) in enumerate(offsets) if span_start <= start < span_end]
        for span_start, span_end in spans
    ]


def target_label(record: CallRecord) -> dict[str, Any]:
    """What a target is, for statistics and the dev cases."""
    return {
        "kind": record.target.kind,
        "tool": record.target.name or None,
        "intent": record.meta.get("intent"),
        "family": record.meta.get("family"),
    }


def group_records(
    records: Sequence[CallRecord],
    renderer: Renderer,
    *,
    conversation: str,
    split: str,
    count_tokens: bool = True,
) -> list[Example]:
    """The training sequences of one dialogue's requests, in order."""
    examples: list[Example] = []
    current: Example | None = None
    for record in records:
        prompt, full, span = renderer.request(record)
        if current is not None and prompt.startswith(current.text):
            current.text = full
            current.spans.append(span)
            current.targets.append(target_label(record))
            continue
        current = Example(full, [span], conversation, split, [target_label(record)])
        examples.append(current)
    for example in examples:
        # Drop markup after the last target: nothing is learned from it.
        example.text = example.text[: example.spans[-1][1]]
        if count_tokens:
            example.tokens = renderer.count_tokens(example.text)
            example.target_tokens = renderer.target_token_count(example.text, example.spans)
    return examples
