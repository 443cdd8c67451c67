"""Prompt files shipped with shopassist: system prompts and the tool-calling chat template."""

from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent
CHAT_TEMPLATE = PROMPTS_DIR / "tool_chat_template.jinja"


def read_prompt(name: str) -> str:
    """Text of `prompts/<name>` (e.g. `system.md`)."""
    path = PROMPTS_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"prompt file {path} does not exist")
    return path.read_text(encoding="utf-8")
