"""Reading dialogue files: YAML in, validated `Dialogue`s out, errors with file, line and reason."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from evals.dialogues.model import Dialogue, DialogueFile

DIALOGUE_DIR = Path(__file__).resolve().parent


class DialogueFileError(ValueError):
    """A dialogue file that does not parse or validate; the message says where and why."""


def _node_at(node: yaml.Node, loc: Sequence[int | str]) -> yaml.Node:
    """The deepest YAML node along a pydantic error location (union branch names skipped)."""
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            match = node.value[key] if 0 <= key < len(node.value) else None
        else:
            match = None
        if match is None:
            continue  # e.g. a union member's name in the location
        node = match
    return node


def _problems(path: Path, root: yaml.Node, error: ValidationError) -> list[str]:
    lines = []
    for problem in error.errors():
        node = _node_at(root, problem["loc"])
        where = ".".join(str(p) for p in problem["loc"]) or "(file)"
        lines.append(f"{path}:{node.start_mark.line + 1}: {where}: {problem['msg']}")
    return lines


def load_file(path: Path) -> list[Dialogue]:
    """The dialogues of one YAML file; raises `DialogueFileError` naming file, line and reason."""
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise DialogueFileError(f"{path}{line}: not valid YAML: {err}") from None
    if root is None:
        raise DialogueFileError(f"{path}:1: the file is empty")
    try:
        return DialogueFile.model_validate(data).dialogues
    except ValidationError as err:
        raise DialogueFileError("\n".join(_problems(path, root, err))) from None


def dialogue_files(folder: Path = DIALOGUE_DIR) -> list[Path]:
    """The dialogue files of a folder, sorted by name."""
    return sorted(folder.glob("*.yaml"))


def load_dialogues(paths: Iterable[Path] | None = None) -> list[Dialogue]:
    """Every dialogue of the given files (all of `evals/dialogues/` by default).

    Raises:
        DialogueFileError: a file is invalid, or two dialogues share an id.
    """
    dialogues: list[Dialogue] = []
    seen: dict[str, Path] = {}
    for path in paths if paths is not None else dialogue_files():
        for dialogue in load_file(path):
            if dialogue.id in seen:
                raise DialogueFileError(
                    f"{path}: dialogue id {dialogue.id!r} is also used in {seen[dialogue.id]}"
                )
            seen[dialogue.id] = path
            dialogues.append(dialogue)
    return dialogues


def select(dialogues: Iterable[Dialogue], only: str | None) -> list[Dialogue]:
    """The dialogues whose category or id is `only`, or whose id matches it as a shell
    pattern ("dev-svc-*"); all when None."""
    chosen = [
        d
        for d in dialogues
        if only is None or only in (d.category, d.id) or fnmatchcase(d.id, only)
    ]
    if only is not None and not chosen:
        raise DialogueFileError(f"no dialogue has the category or id {only!r}")
    return chosen


def as_data(dialogue: Dialogue) -> dict[str, Any]:
    """A dialogue as plain data (for reports)."""
    return dialogue.model_dump(mode="json", exclude_defaults=True)
