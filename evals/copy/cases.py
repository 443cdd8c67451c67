"""The eval's cases: clean copies (hand-written or generated) and copies with one planted
error each, whose span is known."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.copy import CopyDraft

HERE = Path(__file__).resolve().parent
HANDWRITTEN = HERE / "handwritten.yaml"
SPLIT = HERE / "split.yaml"
STYLES = HERE / "styles.yaml"


@dataclass(frozen=True)
class Planted:
    """One planted error: where it is and what kind of falsehood it is."""

    field: str
    start: int
    end: int
    kind: str
    text: str
    rule: str  # how it was planted: "replace" or "insert"


@dataclass
class Case:
    """A copy to check: clean (no planted error) or with exactly one planted error."""

    case_id: str
    product_id: str
    source: str  # "hand" | "generated"
    draft: CopyDraft
    planted: list[Planted] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Whether nothing was planted."""
        return not self.planted


def load_handwritten(path: Path = HANDWRITTEN) -> list[Case]:
    """The hand-written clean copies; a malformed entry raises with its id and reason."""
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases, seen = [], set()
    for position, raw in enumerate(data["copies"], start=1):
        copy_id = raw.get("id") or f"#{position}"
        if copy_id in seen:
            raise ValueError(f"{path}: copy {copy_id} appears twice")
        seen.add(copy_id)
        try:
            draft = CopyDraft(
                title=raw["title"],
                short_description=raw["short_description"],
                bullets=raw["bullets"],
                meta_description=raw["meta_description"],
            )
        except (KeyError, ValueError) as error:
            raise ValueError(f"{path}: copy {copy_id}: {error}") from error
        cases.append(Case(copy_id, str(raw["product_id"]), "hand", draft))
    return cases


def heldout_ids(path: Path = SPLIT) -> set[str]:
    """Product ids of the held-out part."""
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(p) for p in data["heldout"]}
