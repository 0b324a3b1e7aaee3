"""What a constraint's words reach: hedges, other purchases, refusals, the shopper's own things,
units that are no price, a kind said by the word that sets it apart, and catalogues that name
their kinds only in titles."""

from __future__ import annotations

import pytest

from agent.reading.parse import parse
from agent.reading.vocabulary import Vocabulary
from retrieval.types import Product


@pytest.mark.parametrize(
    "text",
    [
        "a desk lamp, ideally industrial",
        "a desk lamp, industrial if possible",
        "industrial desk lamp preferably",
        "a desk lamp, industrial would be nice",
        "una lámpara de escritorio, idealmente industrial",
    ],
)
def test_a_hedged_value_is_a_preference_not_a_filter(vocab, text):
    p = parse(text, vocab)
    assert p.types == ["Desk Lamp"]
    assert p.attributes == {} and p.soft_attributes == {"Style": ["Industrial"]}


def test_an_unhedged_value_of_the_kind_still_filters(vocab):
    p = parse("an industrial desk lamp", vocab)
    assert p.attributes == {"Style": ["Industrial"]} and p.soft_attributes == {}


def test_what_the_shopper_will_also_buy_is_no_constraint(vocab):
    p = parse("a dry shampoo under $20, I also need to buy a leave-in conditioner later", vocab)
    assert p.types == ["Dry Shampoo"] and p.max_price == 20


def test_units_after_a_number_are_no_price(vocab):
    p = parse("I walk 20 to 25 km a day and need a hiking backpack under $80", vocab)
    assert (p.min_price, p.max_price) == (None, 80)
    spanish = parse(
        "caminamos entre 20 y 25 kilómetros al día; busco una mochila de senderismo,\n"
        "que no\ncueste más de 80 dólares",  # line breaks inside the phrase
        vocab,
    )
    assert (spanish.min_price, spanish.max_price) == (None, 80)


def test_a_word_that_sets_one_kind_apart_names_it_within_the_topic(vocab):
    assert parse("for hiking", vocab, "Backpacks").types == ["Hiking Backpack"]
    assert parse("a backpack for my laptop", vocab).types == ["Laptop Backpack"]
    # A dialogue already on a kind keeps it: "gentle" is a description, not Gentle Cleanser.
    kept = parse("something gentle", vocab, "Skin Care", type_hint="Moisturizer")
    assert kept.types == [] and kept.needs == ["gentle"]


def test_the_shoppers_own_things_are_not_the_product(vocab):
    p = parse("my old yoga mat is worn out, so I want something new", vocab)
    assert "yoga mat" not in p.things
    assert parse("where are your yoga mats", vocab).types == ["Yoga Mat"]


def _untyped() -> Vocabulary:
    """A catalogue like the Amazon beauty data: no Type attribute, kinds in titles only, and
    titles that describe the product."""
    products = []
    for i in range(8):
        material = "Human Hair" if i % 2 else "Synthetic"
        products.append(
            Product(
                id=f"w{i}",
                title=f"Glam {i} Lace Front Wig, Wavy, Pre Plucked, 18 inch",
                attributes={"Material": material, "Hair Type": "Wavy"},
            )
        )
    for i, form in enumerate(["Cream", "Lotion", "Gel", "Cream", "Cream,Gel", "Lotion"]):
        products.append(
            Product(
                id=f"m{i}",
                title=f"Daily Face Moisturizer {i}, Lightweight, for All Skin Types",
                attributes={"Item Form": form},
            )
        )
    products += [
        Product(
            id=f"c{i}", title=f"Silk Scarf {i} for Women, Square", attributes={"Color": "Cream"}
        )
        for i in range(2)
    ]
    products += [
        Product(id=f"h{i}", title=f"Hair Clip {i}, Large Claw, Nonslip") for i in range(20)
    ]
    return Vocabulary.from_products(products)


def test_an_untyped_catalogue_filters_on_what_its_titled_kind_states():
    vocab = _untyped()
    assert not vocab.has_types()
    wigs = parse("WHERE ARE YOUR WIGS. HUMAN HAIR. UNDER 100.", vocab)
    assert wigs.attributes == {"Material": ["Human Hair"]} and wigs.max_price == 100
    # Few products of the whole shop state a Material: without the kind it filters nothing.
    assert parse("something human hair", vocab).attributes == {}


def test_a_refusal_goes_to_the_key_most_products_state():
    vocab = _untyped()
    p = parse("a moisturizer for my face, anything except a cream", vocab)
    assert set(p.exclude_attributes) == {"Item Form"}
    assert "Cream" in p.exclude_attributes["Item Form"]


@pytest.mark.parametrize(
    ("text", "flexible", "strict"),
    [
        ("a desk lamp under $15, the budget can stretch a bit", ["max_price"], []),
        ("desk lamp, hard budget of $40", [], ["max_price"]),
        ("desk lamp, must be under $40", [], ["max_price"]),
        ("lámpara de escritorio, el presupuesto es flexible, unos 30 dólares", ["max_price"], []),
        ("台灯，预算可以多一点，30美元以内", ["max_price"], []),
        ("台灯，30美元以内，绝对不能超", [], ["max_price"]),
        ("a desk lamp under $40", [], []),
    ],
)
def test_what_may_give_and_what_may_not(vocab, text, flexible, strict):
    p = parse(text, vocab)
    assert (p.flexible, p.strict) == (flexible, strict)
    assert "stretch" not in " ".join(p.needs) and "hard" not in p.needs


def test_the_rules_backend_loosens_what_the_shopper_called_flexible(make_agent):
    agent = make_agent()

    def ask(text):
        return agent.reply([{"role": "user", "content": text}])

    # No Luminary desk lamp costs under $15: by default another brand within budget...
    plain = ask("a Luminary desk lamp under $15")
    assert plain.relaxed == ["brands"] and all(c.price <= 15 for c in plain.recommendations)
    # ... a flexible budget keeps the brand and goes over it, nearest price first ...
    stretch = ask("a Luminary desk lamp under $15, the budget can stretch")
    assert stretch.relaxed == ["max_price"]
    assert {c.brand for c in stretch.recommendations} == {"Luminary"}
    # ... and a budget insisted on is never loosened.
    firm = ask("a Luminary desk lamp, must be under $15")
    assert firm.relaxed != ["max_price"]
    assert all(c.price <= 15 for c in firm.recommendations)


def test_titles_that_are_names_name_no_kinds():
    # Films ("Scary Movie (2000)") are titled by name: "a good horror movie" is no request
    # for titles holding "movie", as "a wig" is for titles holding "wig" in the beauty shop.
    films = [
        Product(id=f"f{i}", title=title, attributes={"Genre": genre})
        for i, (title, genre) in enumerate(
            [("Scary Movie (2000)", "Comedy"), ("The Lego Movie (2014)", "Animation"),
             ("Bee Movie (2007)", "Animation"), ("Movie 43 (2013)", "Comedy"),
             ("The Shining (1980)", "Horror"), ("It Follows (2014)", "Horror")]
        )
    ]  # fmt: skip
    vocab = Vocabulary.from_products(films)
    assert not vocab.has_types() and vocab.title_words == frozenset()
    assert vocab.title_head("a good horror movie") is None
    assert _untyped().title_head("lace front wigs") == "wig"


@pytest.mark.parametrize(
    "text",
    [
        "need a gift for my dad. he's impossible to shop for",
        "something for my mom, she has everything",
        "a present for my boss, no idea what to get",
    ],
)
def test_a_recipient_hard_to_buy_for_says_no_wish(vocab, text):
    p = parse(text, vocab)
    assert p.gift and p.needs == [] and p.things == []


def test_the_cheapest_with_a_new_wish_is_searched_for(vocab):
    p = parse("ok show me the cheapest one that does colours, RGB", vocab)
    assert p.cheapest and p.intent.value == "search"
    assert p.attributes == {"Light Color": ["RGB"]}
    # without a new wish it is the cheapest of those shown
    shown = parse("show me the cheapest one", vocab)
    assert shown.pick == "cheapest" and not shown.cheapest


def test_nothing_fits_so_one_wish_gives_way_and_a_value_that_no_longer_matters_goes(make_agent):
    agent = make_agent()
    messages = [{"role": "user", "content": "need a waterproof daypack in white, under $30"}]
    first = agent.reply(messages)
    # No waterproof white daypack costs under $30: the closest give up white only.
    assert first.relaxed == ["attributes"] and first.recommendations
    assert all(c.attributes.get("Waterproof") == "Yes" for c in first.recommendations)
    assert all(c.price <= 30 for c in first.recommendations)
    assert "not White," in first.text
    messages += [
        {"role": "assistant", "content": first.text},
        {"role": "user", "content": "fine, white doesn't matter then"},
    ]
    second = agent.reply(messages)
    assert not second.relaxed and second.recommendations
    assert all(c.attributes.get("Waterproof") == "Yes" for c in second.recommendations)


@pytest.mark.parametrize(
    "text",
    [
        "a gift for my sister, she always complains about her hands being rough",
        "something for my wife, her skin feels tight in winter",
    ],
)
def test_how_something_is_names_no_product(vocab, text):
    # "being rough", "feels tight": how the recipient is, not the product asked for; nor is
    # the verb after "she" ("complains")
    p = parse(text, vocab)
    assert p.things == [], p.things
