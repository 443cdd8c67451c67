"""What the faithfulness checker reports: one statement of the copy the catalog does not back."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FindingKind = Literal["option", "number", "price", "availability", "type", "brand", "feature"]
"""option: an option value (colour, material, size...) the product does not have;
number: a number with a unit, or a count of choices, the product's options do not state;
price: a price outside the product's range, or not one of its prices;
availability: a stock claim its variants contradict or cannot back;
type / brand: another product's type or brand named as this product's;
feature: a claimed feature or property nothing in the product's record supports."""


class Finding(BaseModel):
    """A span of one draft field that states something the catalog does not support."""

    model_config = ConfigDict(frozen=True)

    field: str = Field(description="Field of the draft: 'title', 'bullets[2]', ...")
    start: int = Field(ge=0, description="Offset of the first character of the span.")
    end: int = Field(ge=0, description="Offset just past the last character of the span.")
    text: str = Field(description="The text of the span, as written.")
    kind: FindingKind = Field(description="What sort of statement is unsupported.")
    reason: str = Field(description="Why, with what the catalog says instead.")
    attribute: str | None = Field(
        default=None, description="The option name the statement is about, when known."
    )

    def overlaps(self, start: int, end: int) -> bool:
        """Whether this finding's span shares a character with [start, end)."""
        return self.start < end and start < self.end

    def describe(self) -> str:
        """One line for people and for the model: where, what, why."""
        return f"{self.field} [{self.start}:{self.end}] '{self.text}' ({self.kind}): {self.reason}"
