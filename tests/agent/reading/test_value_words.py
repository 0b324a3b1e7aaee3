"""Values said by one of their words, the way shoppers say them: "warm light" for Light Color:
Warm White, "EVA" for EVA Foam, and a complaint about a kind that points at no shown product."""

from __future__ import annotations

import pytest

from agent.reading.parse import Intent, parse


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("warm light pls", "Light Color", "Warm White"),
        ("a lamp with cool light for my desk", "Light Color", "Cool White"),
        ("泡沫轴 EVA材质的 20刀以内", "Material", "EVA Foam"),
    ],
)
def test_one_word_of_a_value_names_it(vocab, text, key, value):
    assert parse(text, vocab).attributes.get(key) == [value]


def test_an_everyday_word_alone_names_no_value(vocab):
    assert "Light Color" not in parse("something warm for winter", vocab).attributes


def test_not_that_kind_of_thing_is_no_rejection_of_a_shown_one(vocab):
    assert parse("warm light pls, not that blue hospital stuff", vocab).intent is not Intent.REJECT
    assert parse("not that one, the other", vocab).intent is Intent.REJECT
