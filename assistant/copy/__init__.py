"""Product copy written from the catalog and checked for faithfulness to it."""

from assistant.copy.check import CopyChecker, check_copy
from assistant.copy.draft import COPY_FIELDS, CopyDraft, CopyRequest, DraftError, parse_draft
from assistant.copy.findings import Finding, FindingKind
from assistant.copy.messages import build_messages, product_record
from assistant.copy.vocabulary import CopyVocabulary
from assistant.copy.writer import Attempt, Checker, CopyGenerationError, CopyResult, write_copy

__all__ = [
    "COPY_FIELDS",
    "Attempt",
    "Checker",
    "CopyChecker",
    "CopyDraft",
    "CopyGenerationError",
    "CopyRequest",
    "CopyResult",
    "CopyVocabulary",
    "DraftError",
    "Finding",
    "FindingKind",
    "build_messages",
    "check_copy",
    "parse_draft",
    "product_record",
    "write_copy",
]
