"""Tone, length and audience of a copy request read from the merchant's words; a follow-up
keeps what it does not restate."""

from __future__ import annotations

import pytest

from assistant.engine.merchant_steps import copy_audience, copy_length, copy_tone


@pytest.mark.parametrize(
    ("text", "tone", "length", "audience"),
    [
        (
            "write a short, punchy description for product 4768869376, aimed at teenagers.",
            "punchy",
            "short",
            "teenagers",
        ),
        (
            "new copy for the office chair listing. professional tone, and it should speak to "
            "people working from home.",
            "professional",
            "medium",
            "people working from home",
        ),
        ("a detailed version targeting new parents please", "friendly", "long", "new parents"),
    ],
)
def test_a_request_is_read_from_the_words(text: str, tone: str, length: str, audience: str) -> None:
    assert copy_tone(text, None) == tone
    assert copy_length(text, None) == length
    assert copy_audience(text, None) == audience


def test_a_follow_up_keeps_what_it_does_not_restate() -> None:
    text = "love it. now a longer version for people who hike and camp"
    assert copy_tone(text, "punchy") == "punchy"
    assert copy_length(text, "short") == "long"
    assert copy_audience(text, "teenagers") == "people who hike and camp"
    assert copy_audience("make it shorter", "teenagers") == "teenagers"


def test_the_product_named_is_not_the_audience() -> None:
    assert copy_audience("write copy for the office chair", None) == "online shoppers"
    assert copy_audience("write copy for our bluetooth speaker", None) == "online shoppers"
