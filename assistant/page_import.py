"""A merchant's folder of help pages (FAQ, policies) into search, bad files reported.

Each good page replaces its earlier version (pages are named by file name). A file that is
not a page is reported with its path, and line where there is one, and changes nothing: an
empty or unreadable file never wipes the stored page of the same name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.importers.text_check import NotTextError, read_text

PAGE_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".txt")
MAX_PAGE_BYTES = 2 * 1024 * 1024
"""Larger files are refused: a help page is a few kilobytes, and embedding megabytes of one
file would hold the import for many minutes."""


class PageImportError(ValueError):
    """The folder holds no page that could be read; nothing was changed."""


@dataclass(frozen=True)
class PageProblem:
    """A file that was not imported, and why (the reason names the file, and line)."""

    path: Path
    reason: str


@dataclass
class PageImport:
    """What a pages import read and did."""

    pages: int = 0
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0
    problems: list[PageProblem] = field(default_factory=list)


def read_page(path: Path, max_bytes: int = MAX_PAGE_BYTES) -> str:
    """A page's text.

    Raises:
        NotTextError: The file is too large, empty, binary or not UTF-8 (file and line said).
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise NotTextError(
            f"{path}: {size:,} bytes, over the {max_bytes:,}-byte limit of a page; "
            "split it into smaller pages"
        )
    return read_text(path)


def import_pages(faq: Any, folder: Path, *, max_bytes: int = MAX_PAGE_BYTES) -> PageImport:
    """Import every page file under `folder` into the FAQ index; report the other files.

    Args:
        faq: The FAQ index (`retrieval.faq.FaqIndex`).
        folder: The folder, searched recursively.
        max_bytes: Pages larger than this are refused.

    Raises:
        PageImportError: `folder` is not a folder or holds no page that could be read.
    """
    if not folder.is_dir():
        raise PageImportError(f"{folder} is not a folder")
    done = PageImport()
    texts: dict[str, tuple[Path, str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix.lower() not in PAGE_SUFFIXES:
            reason = f"{path}: not a page ({path.suffix or 'no suffix'}); pages are " + ", ".join(
                PAGE_SUFFIXES
            )
            done.problems.append(PageProblem(path, reason))
            continue
        if path.name in texts:
            first = texts[path.name][0]
            reason = f"{path}: a page named {path.name!r} is already {first}; rename one"
            done.problems.append(PageProblem(path, reason))
            continue
        try:
            texts[path.name] = (path, read_page(path, max_bytes))
        except NotTextError as err:
            done.problems.append(PageProblem(path, str(err)))
    if not texts:
        listed = "; ".join(p.reason for p in done.problems[:5]) or "it holds no file"
        raise PageImportError(f"{folder} holds no page that could be read: {listed}")
    for name, (path, text) in texts.items():
        summary = faq.ingest_text(name, text, html=path.suffix.lower() in {".html", ".htm"})
        done.pages += 1
        done.added += summary.added
        done.unchanged += summary.unchanged
        done.removed += summary.removed
        done.seconds += summary.seconds
    return done
