"""FAQ and policy pages, chunked by heading into a Chroma collection.

Each chunk's id is derived from its page and content, so re-ingesting an unchanged page
embeds nothing, an edited section is re-embedded alone, and removed sections are deleted.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from retrieval.chroma import open_collection
from retrieval.embeddings import Embedder

MAX_CHUNK_CHARS = 1200
NEAR_TIE = 0.06
"""A passage this close to the best one's cosine answers too: MiniLM often ranks two
sections of a page almost alike ("can I split the payment" is as near "Gift cards" as
"Accepted payment methods"). Chosen on the tune questions of
`evals/retrieval/faq_questions.yaml`; see `evals/reports/faq-retrieval.md`."""
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_HTML_BLOCKS = {"p", "li", "td", "th", "dd", "dt", "pre", "blockquote", "div", "section"}


@dataclass(frozen=True)
class FaqChunk:
    """One section (or part of a long section) of a page."""

    source: str
    heading: str
    text: str

    @property
    def chunk_id(self) -> str:
        """Content-derived id: same page and content, same id."""
        digest = hashlib.sha256(f"{self.heading}\n{self.text}".encode()).hexdigest()[:20]
        return f"{self.source}#{digest}"

    @property
    def embed_text(self) -> str:
        """What is embedded: the heading path gives the section its context."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


class FaqPassage(BaseModel):
    """A passage answering a question, with where it comes from."""

    source: str = Field(description="Page the passage comes from (file name).")
    heading: str = Field(description="Heading path of the section, e.g. 'Returns > Refunds'.")
    text: str
    score: float = Field(description="Cosine similarity to the question; higher is better.")


class FaqIngestSummary(BaseModel):
    """What one FAQ ingest changed, counted in chunks."""

    pages: int
    added: int
    unchanged: int
    removed: int
    seconds: float


def _split(text: str) -> list[str]:
    """Split a long section at paragraph (then sentence) boundaries."""
    if len(text) <= MAX_CHUNK_CHARS:
        return [text]
    pieces: list[str] = []
    current = ""
    for para in re.split(r"\n\s*\n|(?<=[.!?])\s+", text):
        if current and len(current) + len(para) + 1 > MAX_CHUNK_CHARS:
            pieces.append(current.strip())
            current = ""
        current += ("\n" if current else "") + para
    if current.strip():
        pieces.append(current.strip())
    return pieces


def _sections_to_chunks(source: str, sections: list[tuple[list[str], list[str]]]) -> list[FaqChunk]:
    chunks = []
    for path, lines in sections:
        body = "\n".join(lines).strip()
        body = re.sub(r"\n{3,}", "\n\n", body)
        if not body:
            continue
        heading = " > ".join(path)
        chunks += [FaqChunk(source, heading, piece) for piece in _split(body)]
    return chunks


def chunk_markdown(text: str, source: str) -> list[FaqChunk]:
    """Sections of a markdown page, each under its heading path."""
    sections: list[tuple[list[str], list[str]]] = [([], [])]
    path: list[tuple[int, str]] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        match = None if fenced else _MD_HEADING.match(line)
        if match:
            level = len(match.group(1))
            path = [p for p in path if p[0] < level] + [(level, match.group(2).strip())]
            sections.append(([title for _, title in path], []))
        else:
            sections[-1][1].append(line)
    return _sections_to_chunks(source, sections)


class _HtmlSections(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[tuple[list[str], list[str]]] = [([], [])]
        self.path: list[tuple[int, str]] = []
        self.heading_level: int | None = None
        self.heading_text = ""
        self.skip = 0
        self.buffer = ""

    def _flush(self) -> None:
        text = " ".join(self.buffer.split())
        if text:
            self.sections[-1][1].append(text)
        self.buffer = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "nav", "footer"}:
            self.skip += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.heading_level, self.heading_text = int(tag[1]), ""
        elif tag in _HTML_BLOCKS or tag == "br":
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "nav", "footer"}:
            self.skip = max(0, self.skip - 1)
        elif re.fullmatch(r"h[1-6]", tag) and self.heading_level is not None:
            title = " ".join(self.heading_text.split())
            level = self.heading_level
            self.path = [p for p in self.path if p[0] < level] + [(level, title)]
            self.sections.append(([t for _, t in self.path], []))
            self.heading_level = None
        elif tag in _HTML_BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.heading_level is not None:
            self.heading_text += data
        else:
            self.buffer += data


def chunk_html(text: str, source: str) -> list[FaqChunk]:
    """Sections of an HTML page, split at h1-h6; scripts, styles and navigation dropped."""
    parser = _HtmlSections()
    parser.feed(text)
    parser.close()
    parser._flush()
    return _sections_to_chunks(source, parser.sections)


def chunk_page(path: Path, source: str | None = None) -> list[FaqChunk]:
    """Chunks of a `.md`/`.markdown`/`.txt` or `.html`/`.htm` file."""
    text = Path(path).read_text(encoding="utf-8-sig")
    name = source or Path(path).name
    suffix = Path(path).suffix.lower()
    if suffix in {".html", ".htm"}:
        return chunk_html(text, name)
    if suffix in {".md", ".markdown", ".txt"}:
        return chunk_markdown(text, name)
    raise ValueError(f"{path}: FAQ pages must be markdown (.md) or HTML (.html), not {suffix!r}")


class FaqIndex:
    """Store FAQ and policy passages; answer questions with the closest ones."""

    def __init__(self, client: Any, embedder: Embedder, collection: str = "faq") -> None:
        self.embedder = embedder
        self.collection = open_collection(client, collection, embedder.name, embedder.dimension)

    def count(self) -> int:
        """Number of stored chunks."""
        return self.collection.count()

    def sources(self) -> list[str]:
        """Names of the ingested pages."""
        metas = self.collection.get(include=["metadatas"])["metadatas"] or []
        return sorted({m["source"] for m in metas})

    def ingest_pages(self, paths: Iterable[Path]) -> FaqIngestSummary:
        """Ingest markdown/HTML pages; each page replaces its earlier version, by chunk hash.

        A page is named by its file name; pages not passed are left alone (use
        `remove_page` to drop one).
        """
        start = time.perf_counter()
        pages = [Path(p) for p in paths]
        chunked = {}
        for path in pages:
            chunks = chunk_page(path)
            chunked[path.name] = chunks
        added = unchanged = removed = 0
        for source, chunks in chunked.items():
            a, u, r = self._sync(source, chunks)
            added, unchanged, removed = added + a, unchanged + u, removed + r
        return FaqIngestSummary(
            pages=len(chunked),
            added=added,
            unchanged=unchanged,
            removed=removed,
            seconds=round(time.perf_counter() - start, 3),
        )

    def ingest_text(self, source: str, text: str, *, html: bool = False) -> FaqIngestSummary:
        """Ingest one page given as text (e.g. a policy read from a package)."""
        start = time.perf_counter()
        chunks = chunk_html(text, source) if html else chunk_markdown(text, source)
        added, unchanged, removed = self._sync(source, chunks)
        return FaqIngestSummary(
            pages=1,
            added=added,
            unchanged=unchanged,
            removed=removed,
            seconds=round(time.perf_counter() - start, 3),
        )

    def remove_page(self, source: str) -> int:
        """Delete every chunk of a page; returns how many."""
        return self._sync(source, [])[2]

    def _sync(self, source: str, chunks: list[FaqChunk]) -> tuple[int, int, int]:
        existing = set(self.collection.get(where={"source": source}, include=[])["ids"])
        wanted: dict[str, FaqChunk] = {}
        for chunk in chunks:
            wanted.setdefault(chunk.chunk_id, chunk)
        new = [c for cid, c in wanted.items() if cid not in existing]
        stale = sorted(existing - set(wanted))
        if stale:
            self.collection.delete(ids=stale)
        if new:
            vectors = self.embedder.encode([c.embed_text for c in new])
            self.collection.upsert(
                ids=[c.chunk_id for c in new],
                embeddings=vectors,
                documents=[c.text for c in new],
                metadatas=[{"source": c.source, "heading": c.heading} for c in new],
            )
        return len(new), len(wanted) - len(new), len(stale)

    def search(self, question: str, k: int = 3) -> list[FaqPassage]:
        """The `k` passages closest in meaning to `question`, best first."""
        total = self.collection.count()
        if not total or k <= 0 or not question.strip():
            return []
        vector = self.embedder.encode([question])[0]
        result = self.collection.query(
            query_embeddings=[vector],
            n_results=min(k, total),
            include=["documents", "metadatas", "distances"],
        )
        return [
            FaqPassage(
                source=meta["source"],
                heading=meta["heading"],
                text=doc,
                score=round(1.0 - float(dist), 4),
            )
            for doc, meta, dist in zip(
                result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
            )
        ]


def answering(passages: Sequence[FaqPassage], near: float = NEAR_TIE) -> int:
    """How many of the best-first `passages` a reply quotes: the best, and the second when
    it is another section scoring within `near` of the best."""
    if not passages:
        return 0
    best = passages[0]
    if len(passages) > 1:
        second = passages[1]
        if second.heading != best.heading and best.score - second.score < near:
            return 2
    return 1
