"""Money in an import file's cells: "1,299.00" read as 1299.0, and nothing that is not one."""

from __future__ import annotations


def amount(text: str, what: str, kind: str = "amount") -> float:
    """The non-negative, finite number `text` holds (thousands commas allowed).

    Args:
        text: The cell's text.
        what: The cell's name in errors ("Variant Price", "total").
        kind: What a valid value is called in errors ("price", "amount").

    Raises:
        ValueError: Not a number, or negative, NaN or infinite; the message names `what`.
    """
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a number") from None
    if value < 0 or value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{what} {text!r} is not a valid {kind}")
    return value
