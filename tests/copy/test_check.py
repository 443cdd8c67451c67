"""The faithfulness checker on a hand-made catalog: each kind of unsupported statement is
found with its span, and a faithful copy passes."""

from __future__ import annotations

import pytest

from assistant.copy import CopyChecker, CopyDraft, CopyVocabulary, Finding, check_copy
from retrieval.catalog import Product, Variant
from retrieval.documents import variant_meta
from retrieval.table import Vocabulary

FAITHFUL_MUG = CopyDraft(
    title="Emberware Travel Mug – 350ml or 500ml",
    short_description=(
        "Keep coffee hot on the road with this stainless steel travel mug. Choose red or "
        "white, 350ml or 500ml. Dishwasher-safe, from $24.99 to $29.99, and every version "
        "is in stock. It slips into your rain jacket pocket."
    ),
    bullets=["Two colours: red and white", "Stainless steel", "The 500ml mug is $29.99"],
    meta_description="Emberware travel mug in red or white, 350ml or 500ml. From $24.99.",
)


def _findings(checker: CopyChecker, product: Product, text: str) -> list[Finding]:
    return checker(product, CopyDraft(short_description=text))


def test_a_faithful_copy_has_no_findings(checker: CopyChecker, catalog: dict[str, Product]) -> None:
    assert checker(catalog["mug"], FAITHFUL_MUG) == []


# (product, text, the wrong words, the kind reported)
WRONG = [
    ("mug", "Now in olive too.", "olive", "option"),  # a colour of another product
    ("mug", "Made of cork for a good grip.", "cork", "option"),  # another material
    ("jacket", "Available in size XL.", "XL", "option"),  # a size the product lacks
    ("jacket", "Sizes S to L, now also in blue.", "blue", "option"),
    ("mug", "It holds 750ml of coffee.", "750ml", "number"),  # a quantity not in the record
    ("mug", "It holds up to 0.75 liters.", "0.75 liters", "number"),
    ("mug", "Choose from three colours.", "three colours", "number"),  # it has two
    ("mug", "Yours for just $19.99.", "$19.99", "price"),  # not a variant price
    ("mug", "Prices from $24.99 to $39.99.", "$39.99", "price"),  # outside the range
    ("mug", "Starting at $20.", "$20", "price"),  # not the lowest price
    ("jacket", "Every size is in stock.", "in stock", "availability"),  # one is not
    ("mug", "Sadly sold out.", "sold out", "availability"),  # both are in stock
    ("jacket", "The olive one is in stock.", "in stock", "availability"),  # it is not
    ("mug", "Only 3 left!", "Only 3 left", "availability"),  # the record keeps no counts
    ("mug", "This rain jacket keeps coffee hot.", "rain jacket", "type"),
    ("mug", "A classic mug by Northpeak.", "Northpeak", "brand"),
    ("mug", "Fully waterproof.", "waterproof", "feature"),  # a tag of the jacket only
    ("mug", "Made from organic materials.", "organic", "feature"),  # a common claim word
    ("mug", "A smart mug that tracks your sips.", "smart", "feature"),
    ("mug", "With a fade-resistant finish.", "fade-resistant", "feature"),  # claim compound
    ("mug", "It comes with a carrying case.", "carrying case", "feature"),  # an inclusion
    ("block", "A waterproof block for outdoor classes.", "waterproof", "feature"),  # "no"
    ("fan", "Runs on battery or solar power, wireless, in a blue frame.", "blue frame", None),
]


@pytest.mark.parametrize(("product", "text", "wrong", "kind"), WRONG)
def test_each_kind_of_unsupported_statement_is_found(
    checker: CopyChecker,
    catalog: dict[str, Product],
    product: str,
    text: str,
    wrong: str,
    kind: str | None,
) -> None:
    findings = _findings(checker, catalog[product], text)
    if kind is None:  # the fan is blue and wireless: nothing wrong, no frame option
        assert findings == []
        return
    start = text.index(wrong)
    hits = [f for f in findings if f.overlaps(start, start + len(wrong))]
    assert hits, f"nothing found at '{wrong}' in {text!r}: {findings}"
    assert hits[0].kind == kind
    assert len(findings) == 1, findings  # and nothing else is flagged


def test_spans_point_at_the_wrong_words(checker: CopyChecker, catalog: dict[str, Product]) -> None:
    draft = CopyDraft(
        title="Emberware Travel Mug in Olive",
        short_description="A stainless steel mug for $24.99, red or blue.",
        bullets=["350ml or 500ml", "Holds 1L of tea", "Dishwasher-safe"],
        meta_description="Travel mug, organic and wireless.",
    )
    findings = checker(catalog["mug"], draft)
    spans = {(f.field, draft.text_of(f.field)[f.start : f.end]) for f in findings}
    assert spans == {
        ("title", "Olive"),
        ("short_description", "blue"),
        ("bullets[1]", "1L"),
        ("meta_description", "organic"),
        ("meta_description", "wireless"),
    }
    for finding in findings:
        assert finding.text == draft.text_of(finding.field)[finding.start : finding.end]
        assert finding.reason


def test_reasons_say_what_the_catalog_has(
    checker: CopyChecker, catalog: dict[str, Product]
) -> None:
    (colour,) = _findings(checker, catalog["mug"], "Now in olive.")
    assert colour.attribute == "color" and "red" in colour.reason and "white" in colour.reason
    (price,) = _findings(checker, catalog["mug"], "Only $19.99.")
    assert "$24.99" in price.reason and "$29.99" in price.reason


def test_an_option_value_tied_to_the_wrong_option(checker: CopyChecker) -> None:
    glasses = Product(
        product_id="glasses",
        name="Sun Specs",
        product_type="Sunglasses",
        variants=[
            Variant(item_id="g1", options={"frame color": "black", "lens color": "blue"}, price=80),
            Variant(
                item_id="g2", options={"frame color": "brown", "lens color": "green"}, price=85
            ),
        ],
    )
    with_glasses = CopyChecker.for_catalog([glasses])
    text = "A brown frame with blue lenses, or a blue frame."
    findings = _findings(with_glasses, glasses, text)
    assert [(f.text, f.start, f.attribute) for f in findings] == [
        ("blue", text.rindex("blue"), "frame color")
    ]


def test_a_product_related_to_another_type_is_not_called_that(
    checker: CopyChecker, catalog: dict[str, Product]
) -> None:
    text = "Keeps your travel mug company and fits any rain jacket pocket."
    assert _findings(checker, catalog["fan"], text) == []
    assert [f.kind for f in _findings(checker, catalog["fan"], "Our travel mug is here.")] == [
        "type"
    ]


def test_check_copy_accepts_the_search_vocabulary(catalog: dict[str, Product]) -> None:
    metas = [variant_meta(p, v) for p in catalog.values() for v in p.variants]
    search_vocabulary = Vocabulary.from_metas(metas)
    draft = CopyDraft(short_description="A travel mug in olive, from $24.99.")
    findings = check_copy(catalog["mug"], draft, search_vocabulary)
    assert [(f.text, f.kind) for f in findings] == [("olive", "option")]
    learned = CopyVocabulary.from_products(catalog.values())
    assert "color" in learned.shared_families and "waterproof" in learned.tags


def test_words_every_description_has_do_not_back_an_included_item() -> None:
    radio = Product(
        product_id="speaker",
        name="Cube",
        product_type="Speaker",
        description="Made in Portugal, designed for the kitchen.",
        variants=[Variant(item_id="s1", options={"color": "red"}, price=30)],
    )
    text = "Now with a built-in radio."
    findings = _findings(CopyChecker.for_catalog([radio]), radio, text)
    assert [(f.text, f.kind) for f in findings] == [("built-in radio", "feature")]


def test_praise_of_the_purchase_is_not_a_feature(
    checker: CopyChecker, catalog: dict[str, Product]
) -> None:
    assert _findings(checker, catalog["mug"], "A smart choice for the morning commute.") == []
