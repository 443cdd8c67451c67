"""One-time codes for `verify` mode: sent to the account's email, checked once, expiring.

The store keeps only a hash of the code. Senders are pluggable: `FileSender` (the demo and
tests) appends each message to a file; a shop plugs in its mail service with the same
`send(email, code)` method.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

CODE_DIGITS = 6
CODE_MINUTES = 10
MAX_TRIES = 5


class CodeSender(Protocol):
    """Delivers a one-time code to the account's email."""

    def send(self, email: str, code: str) -> None:
        """Send `code` to `email`."""
        ...


class FileSender:
    """Writes each code as one JSON line to a file (the demo's outbox)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def send(self, email: str, code: str) -> None:
        """Append `{"to", "code", "at"}` to the outbox file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {"to": email, "code": code, "at": datetime.now(UTC).isoformat()}
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")


def new_code() -> str:
    """A random numeric code of `CODE_DIGITS` digits."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(session_id: str, code: str) -> str:
    """What the store keeps of a code: a hash bound to the session."""
    return hashlib.sha256(f"{session_id}:{code}".encode()).hexdigest()


def code_matches(session_id: str, code: str, stored: str) -> bool:
    """Whether `code` is the one whose hash is `stored` (constant time)."""
    return hmac.compare_digest(code_hash(session_id, code), stored)
