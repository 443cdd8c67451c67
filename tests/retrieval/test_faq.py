"""FAQ store: pages chunked by heading, incremental by content hash, searched by meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.chroma import make_client
from retrieval.faq import (
    FaqIndex,
    FaqPassage,
    answering,
    chunk_html,
    chunk_markdown,
    chunk_page,
)

DEMO_FAQ = Path(__file__).resolve().parents[2] / "assistant" / "demo" / "faq"


def test_markdown_chunks_follow_headings() -> None:
    text = (
        "# Returns\nIntro line.\n\n## Refunds\nGift cards are refunded at once.\n\n"
        "```\n# not a heading\n```\n### Timing\n5 to 7 days.\n## Empty\n# Other\nMore."
    )
    chunks = chunk_markdown(text, "r.md")
    assert [(c.heading, c.text) for c in chunks] == [
        ("Returns", "Intro line."),
        ("Returns > Refunds", "Gift cards are refunded at once.\n\n```\n# not a heading\n```"),
        ("Returns > Refunds > Timing", "5 to 7 days."),
        ("Other", "More."),
    ]
    assert len({c.chunk_id for c in chunks}) == 4


def test_html_chunks_follow_headings() -> None:
    page = (
        "<html><head><style>p{}</style><script>var x=1;</script></head><body>"
        "<nav>Home | Shop</nav><h1>Help</h1><p>Welcome &amp; hello.</p>"
        "<h2>Shipping</h2><ul><li>Standard: 3-7 days</li><li>Express: 1-3 days</li></ul>"
        "</body></html>"
    )
    chunks = chunk_html(page, "help.html")
    assert [(c.heading, c.text) for c in chunks] == [
        ("Help", "Welcome & hello."),
        ("Help > Shipping", "Standard: 3-7 days\nExpress: 1-3 days"),
    ]


def test_long_sections_are_split() -> None:
    body = " ".join(f"Sentence number {i} about returns." for i in range(200))
    chunks = chunk_markdown(f"# Long\n{body}", "l.md")
    assert len(chunks) > 3 and all(len(c.text) <= 1200 for c in chunks)


def test_unknown_page_type(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_text("x")
    with pytest.raises(ValueError, match="markdown"):
        chunk_page(tmp_path / "x.pdf")


def test_demo_pages_ingest_search_and_reingest(tmp_path: Path, embedder) -> None:
    pages = sorted(DEMO_FAQ.glob("*.md"))
    assert {p.stem for p in pages} >= {
        "shipping", "returns", "payment", "sizing", "warranty", "privacy",
    }  # fmt: skip
    faq = FaqIndex(make_client(tmp_path / "chroma"), embedder)
    first = faq.ingest_pages(pages)
    assert first.pages == len(pages) and first.added > 20 and first.unchanged == 0
    assert faq.sources() == sorted(p.name for p in pages)
    cases = {
        "how long does a refund to my credit card take": "payment.md",
        "can I cancel my order": "returns.md",
        "what size t-shirt should I get for a 39 inch chest": "sizing.md",
        "where is my package, do you have a tracking number": "shipping.md",
        "do you accept paypal": "payment.md",
        "my headphones stopped working after two months": "warranty.md",
    }
    for question, source in cases.items():
        top = faq.search(question, k=2)
        assert source in {p.source for p in top}, (question, top)
        assert top[0].score >= top[1].score
    requested = embedder.requested
    again = faq.ingest_pages(pages)
    assert (again.added, again.removed, again.unchanged) == (0, 0, first.added)
    assert embedder.requested == requested


def test_edited_page_reembeds_only_changed_sections(tmp_path: Path, embedder) -> None:
    page = tmp_path / "policy.md"
    page.write_text("# A\nalpha text\n# B\nbeta text\n# C\ngamma text\n")
    faq = FaqIndex(make_client(tmp_path / "chroma"), embedder, collection="faq_edit")
    assert faq.ingest_pages([page]).added == 3
    page.write_text("# A\nalpha text\n# B\nbeta text, revised\n")
    summary = faq.ingest_pages([page])
    assert (summary.added, summary.unchanged, summary.removed) == (1, 1, 2)
    assert faq.count() == 2
    assert faq.search("revised beta", k=1)[0].text == "beta text, revised"
    assert faq.remove_page("policy.md") == 2 and faq.count() == 0
    assert faq.search("anything") == []


def _passage(heading: str, score: float) -> FaqPassage:
    return FaqPassage(source="p.md", heading=heading, text=heading, score=score)


def test_a_second_section_ranked_almost_as_high_answers_too() -> None:
    assert answering([]) == 0
    assert answering([_passage("Gift cards", 0.61)]) == 1
    near = [_passage("Gift cards", 0.61), _passage("Accepted methods", 0.58), _passage("x", 0.57)]
    assert answering(near) == 2
    assert answering([_passage("Gift cards", 0.61), _passage("Accepted methods", 0.5)]) == 1
    assert answering([_passage("Gift cards", 0.61), _passage("Gift cards", 0.6)]) == 1  # same


def test_the_faq_eval_scores_what_a_reply_quotes(tmp_path: Path) -> None:
    from evals.retrieval.faq import answers, evaluate, load_questions, table

    questions = load_questions()
    assert {q["split"] for q in questions} == {"tune", "held_out"}
    assert answers("We accept\nAmerican   Express.", ["american express"])
    assert not answers("We accept Visa.", ["american express"])
    picked = [q for q in questions if q["store"] == "tau2"][:2]
    rows = evaluate(picked, tmp_path)
    assert [r["q"] for r in rows] == [q["q"] for q in picked]
    assert all(r["quoted"] in (1, 2) for r in rows)
    assert table(rows)[2].startswith("| tau2 | tune | 2 |")


def test_a_reply_quotes_the_passages_that_answer() -> None:
    from assistant.presentation.replies import lead
    from assistant.tools.results import FaqAnswer, Passage

    passages = [Passage(source="p.md", heading=h, text=f"{h} text") for h in ("A", "B", "C")]
    one = lead(FaqAnswer(question="q", passages=passages))
    two = lead(FaqAnswer(question="q", passages=passages, answering=2))
    assert "A text" in one and "B text" not in one
    assert "A text" in two and "B text" in two and "C text" not in two
