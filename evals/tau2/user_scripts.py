"""Per-task user scripts for the `scripted` mode: YAML files of fixed user messages.

One file per task in `evals/tau2/scripts/`:

    task_id: "5"
    description: cancels a pending order, then confirms   # optional
    messages:
      - Hi, I'd like to cancel an order. My email is ...
      - yes

After the last message the user sends `###STOP###`. Errors name the file, line and reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

SCRIPT_DIR = Path(__file__).resolve().parent / "scripts"


class UserScript(BaseModel):
    """The user's messages in one τ² task."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    task_id: str = Field(description="The τ² retail task the script plays.")
    description: str | None = Field(default=None, description="What the user does.")
    messages: list[str] = Field(min_length=1, description="The user's messages, in order.")


class ScriptFileError(ValueError):
    """A script file that does not parse or validate; the message says where and why."""


def _line_of(root: yaml.Node, loc: tuple[int | str, ...]) -> int:
    node = root
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            found = node.value[key] if 0 <= key < len(node.value) else None
        else:
            found = None
        if found is None:
            break
        node = found
    return node.start_mark.line + 1


def load_script(path: Path) -> UserScript:
    """One script file; raises `ScriptFileError` naming file, line and reason."""
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ScriptFileError(f"{path}{line}: not valid YAML: {err}") from None
    if root is None:
        raise ScriptFileError(f"{path}:1: the file is empty")
    try:
        return UserScript.model_validate(data)
    except ValidationError as err:
        lines = [
            f"{path}:{_line_of(root, tuple(e['loc']))}: "
            f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}"
            for e in err.errors()
        ]
        raise ScriptFileError("\n".join(lines)) from None


def load_scripts(paths: Iterable[Path] | None = None) -> dict[str, UserScript]:
    """Scripts by task id (every `*.yaml` of `evals/tau2/scripts/` by default).

    Raises:
        ScriptFileError: a file is invalid, or two files script the same task.
    """
    scripts: dict[str, UserScript] = {}
    origin: dict[str, Path] = {}
    for path in paths if paths is not None else sorted(SCRIPT_DIR.glob("*.yaml")):
        script = load_script(path)
        if script.task_id in scripts:
            raise ScriptFileError(
                f"{path}: task {script.task_id} is also scripted in {origin[script.task_id]}"
            )
        scripts[script.task_id] = script
        origin[script.task_id] = path
    return scripts
