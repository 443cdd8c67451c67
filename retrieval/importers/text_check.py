"""Whether a catalog or page file is UTF-8 text at all, said with the file and line.

The importers read text; a spreadsheet saved as Latin-1, a stray binary file or an empty
export would otherwise fail deep inside a decoder with no file or line in the message.
"""

from __future__ import annotations

from pathlib import Path

SNIFF_BYTES = 8192
"""How much of a file's start is searched for NUL bytes (text files hold none)."""

_BOM = b"\xef\xbb\xbf"


class NotTextError(ValueError):
    """The file is empty, binary or not UTF-8; the message names the file (and line)."""


def utf8_problem(data: bytes) -> tuple[int, int, int] | None:
    """Where `data` stops being UTF-8: `(line, column, offending byte)`, 1-based, or None."""
    body = data[len(_BOM) :] if data.startswith(_BOM) else data
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as err:
        line_start = body.rfind(b"\n", 0, err.start) + 1
        return body.count(b"\n", 0, err.start) + 1, err.start - line_start + 1, body[err.start]
    return None


def read_text(path: Path) -> str:
    """The file's text (UTF-8, an optional byte-order mark dropped).

    Raises:
        NotTextError: The file is empty, holds NUL bytes (binary) or is not UTF-8.
    """
    data = Path(path).read_bytes()
    check_bytes(path, data)
    return data.decode("utf-8-sig")


def check_bytes(path: Path, data: bytes) -> None:
    """Raise `NotTextError` naming `path` when `data` is empty, binary or not UTF-8."""
    if not data.strip(_BOM + b" \t\r\n"):
        raise NotTextError(f"{path}: the file is empty")
    if b"\x00" in data[:SNIFF_BYTES]:
        raise NotTextError(f"{path}: a binary file (it holds NUL bytes), not a text file")
    problem = utf8_problem(data)
    if problem is not None:
        line, column, byte = problem
        raise NotTextError(
            f"{path}:{line}: not UTF-8 text (byte 0x{byte:02x} at column {column}); "
            "save the file as UTF-8 (e.g. a spreadsheet's 'CSV UTF-8' export)"
        )


def check_text_file(path: Path) -> None:
    """Raise `NotTextError` when the file at `path` is empty, binary or not UTF-8."""
    check_bytes(path, Path(path).read_bytes())
