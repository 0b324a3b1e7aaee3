"""Kinds named only in titles (the Amazon beauty data): a two-word kind, and how squarely a title
names the kind asked for."""

from __future__ import annotations

import numpy as np
import pytest

from agent.reading.catalogue import StaticCatalogue
from agent.reading.parse import parse
from agent.reading.state import read_dialogue
from agent.reading.titles import kind_reading, kind_tier
from agent.reading.vocabulary import Vocabulary
from agent.types import Message
from retrieval.popularity import Band
from retrieval.rerank.base import Candidate, Ranked
from retrieval.types import Product


def _curlers() -> Vocabulary:
    """Hair curlers that state a Hair Type, eyelash curlers that do not."""
    products = [
        Product(
            id=f"h{i}",
            title=f"Heatless Hair Curlers {i}, Silk Rollers for Long Hair, Sleep In",
            attributes={"Hair Type": "Straight" if i % 2 else "Wavy,Straight"},
        )
        for i in range(8)
    ]
    products += [
        Product(id=f"e{i}", title=f"Glow {i} Eyelash Curler with Refill Pads, Stainless Steel")
        for i in range(4)
    ]
    products += [
        Product(id=f"d{i}", title=f"Natural Deodorant {i} for Women, Aluminum Free, Unscented")
        for i in range(4)
    ]
    return Vocabulary.from_products(products)


def test_a_kind_said_with_the_word_titles_give_it_is_that_kind():
    vocab = _curlers()
    assert vocab.title_kind("eyelash curler") == "eyelash curler"
    assert vocab.title_kind("curlers") == "curler"
    assert vocab.title_kind("good curler") == "curler"  # "good curler" stands in no title


def test_only_what_the_two_word_kind_states_can_filter():
    # Hair curlers state a Hair Type; eyelash curlers do not, so "straight trash" is slang.
    vocab = _curlers()
    text = "i need a eyelash curler that dont pinch, the one i got is straight trash"
    assert parse(text, vocab).attributes == {}
    assert parse("hair curlers for straight hair", vocab).attributes["Hair Type"]


def test_a_thing_ends_at_a_comma_before_anything():
    p = parse("I need a deodorant, anything but a spray. aerosols make me cough", _curlers())
    assert p.things[:1] == ["deodorant"]


@pytest.mark.parametrize(
    ("title", "kind", "tier"),
    [
        ("Eyelash Curler With Refill Pad, Lash Curlers Tool", "eyelash curler", 0),
        ("Moisturizer for Face, Daily, SPF 30", "face moisturizer", 0),
        ("Heatless Hair Curlers, Silk Rollers", "eyelash curler", 1),
        ("Portable Electric Toothbrush Travel Case, Toothbrush Holder", "toothbrush", 2),
        ("Travel Case for Dyson Supersonic Hair Dryer, Black", "hair dryer", 2),
        ("Empty Deodorant Containers, 6 Pack, for Gel Deodorant", "deodorant", 2),
        ("Foundation Brush, Flat Top Kabuki", "foundation", 2),
        ("Rechargeable Electric Toothbrush for Adults, 8 Heads", "toothbrush", 0),
        ("Argan Oil Hair Mask for Dry Hair", "eyelash curler", 3),
        # a title names its product first: a brush set that lists what it is for
        ("DOYIZZ Makeup Brushes Set, Foundation Concealer Eye Shadow", "concealer", 2),
        ("Hair Brush Straightener, Ceramic, Dual Voltage", "hair straightener", 0),
        ("Concealer Cream, Makeup Concealer for Dark Circles", "concealer", 0),
        # a title that opens with the kind is one of it, whatever it comes with
        ("Tweezers for Eyebrows, 5PCS Precision Set with Brush and Leather Case", "tweezers", 0),
        # a thing for another kind with the same head word is nothing for this one
        ("12 Pack Empty Glass Bottles for Essential Oils, Roll On", "beard oil", 3),
    ],
)
def test_how_squarely_a_title_names_the_kind(title, kind, tier):
    assert kind_tier(Product(id="p", title=title), [kind]) == tier


def _ranked(titles: list[str]) -> list[Ranked]:
    return [
        Ranked(Candidate(Product(id=f"p{i}", title=t), 1.0, np.zeros(2), Band.TAIL), i + 1)
        for i, t in enumerate(titles)
    ]


def test_a_refinement_by_a_kind_of_the_kind_keeps_the_kind():
    products = [
        Product(
            id=f"b{i}",
            title=f"Glow {i} Blush, Long Lasting Cheek Color for All Skin",
            attributes={"Item Form": form},
        )
        for i, form in enumerate(["Cream", "Powder", "Cream", "Powder", "Liquid", "Cream"])
    ]
    products += [
        Product(id=f"c{i}", title=f"Night Cream {i}, Face Moisturizer for Dry Skin, Fragrance Free")
        for i in range(4)
    ]
    catalogue = StaticCatalogue(products, Vocabulary.from_products(products))
    first = [Message(role="user", content="looking for blush")]
    assert read_dialogue(first, catalogue).title_kinds == ("blush",)
    then = [
        *first,
        Message(role="assistant", content="Here are 5 products."),
        Message(role="user", content="the cream ones please"),
    ]
    assert read_dialogue(then, catalogue).title_kinds == ("blush",)


@pytest.mark.parametrize(
    "text",
    ["something to put in my gym bag, like a deodorant", "something for the gym, like a deodorant"],
)
def test_an_example_after_a_comma_is_the_thing_asked_for(text):
    # not "put" (what the something is for), nor the gym
    assert parse(text, _curlers()).request_things() == ["deodorant"]


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        # a search-box opening names the kind; the sentence that asks only adds to it
        ("eyelash curler for my short lashes. it must come with refill pads", "eyelash curler"),
        # a greeting is no thing
        ("good morning. i need a deodorant", "deodorant"),
    ],
)
def test_what_a_message_opens_with(text, thing):
    assert parse(text, _curlers()).request_things()[0] == thing


@pytest.mark.parametrize(
    ("title", "kind", "instead"),
    [
        ("Easily carry Electric Toothbrush Travel Case", "toothbrush", {"case", "electric"}),
        ("Portable Hard Travel Case for Dyson Hair Dryer", "hair dryer", {"case", "dyson"}),
        ("Makeup Sponge Set, Foundation Blender Sponges", "foundation", {"sponge", "makeup"}),
    ],
)
def test_what_a_thing_for_the_kind_is_instead(title, kind, instead):
    tier, words = kind_reading(Product(id="p", title=title), [kind])
    assert tier == 2 and instead <= words


def test_things_for_the_kind_come_after_it_unless_the_shopper_names_them():
    from agent.tools.search import _squarely

    wide = _ranked(
        [
            "Electric Toothbrush Travel Case, Hard Shell",
            "Sonic Electric Toothbrush, Rechargeable, 5 Modes",
            "Toothbrush Cover for Kids, 4 Pack",
            "Soft Bamboo Toothbrush, 4 Pack",
        ]
    )
    asked = [r.candidate.product.id for r in _squarely(wide, ["toothbrush"], "toothbrush")]
    assert asked == ["p1", "p3", "p0", "p2"]  # the toothbrushes first, then what is for them
    cases = _squarely(wide, ["toothbrush"], "a travel case for my toothbrush")
    assert [r.candidate.product.id for r in cases][:2] == ["p0", "p1"]
