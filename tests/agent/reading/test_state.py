"""Folding a conversation into preferences: refinement, revision, references, resets."""

from __future__ import annotations

from agent.reading.catalogue import StaticCatalogue
from agent.reading.parse import Intent, parse
from agent.reading.state import read_dialogue
from agent.render import product_list
from agent.types import Message, ProductCard


def user(text):
    return Message(role="user", content=text)


def shown(*ids, numbered=True):
    cards = [ProductCard(id=i, title=f"Product {i}", price=10.0) for i in ids]
    return Message(role="assistant", content="Here:\n\n" + product_list(cards, numbered))


def state_of(messages, vocab, demo_products):
    return read_dialogue(messages, StaticCatalogue(demo_products, vocab))


def test_preferences_accumulate_and_can_be_revised(vocab, demo_products):
    s = state_of(
        [
            user("a moisturizer"),
            shown("demo-00001"),
            user("under $30"),
            shown("demo-00007"),
            user("no lavender"),
            shown("demo-00010"),
            user("actually up to $50, and fragrance-free"),
        ],
        vocab,
        demo_products,
    )
    prefs = s.preferences
    assert prefs.product_types == ("Moisturizer",)
    assert prefs.max_price == 50
    assert prefs.exclude_attributes == {"Fragrance": ("Lavender",)}
    assert prefs.attributes == {"Fragrance": ("Fragrance-Free",)}
    assert s.shown == ["demo-00001", "demo-00007", "demo-00010"]


def test_references_resolve_against_the_latest_numbered_list(vocab, demo_products):
    s = state_of(
        [
            user("a moisturizer"),
            shown("demo-00001", "demo-00003", "demo-00026"),
            user("tell me about the second one"),
        ],
        vocab,
        demo_products,
    )
    assert s.targets == ["demo-00003"] and s.focus == "demo-00003"
    # A product shown on its own (details) is not a new list: "the first two" still means the
    # first two of the ranked list.
    s = state_of(
        [
            user("a moisturizer"),
            shown("demo-00001", "demo-00003", "demo-00026"),
            user("the second one?"),
            shown("demo-00003", numbered=False),
            user("compare the first two"),
        ],
        vocab,
        demo_products,
    )
    assert s.targets == ["demo-00001", "demo-00003"]


def test_cheaper_is_relative_to_the_product_referred_to(vocab, demo_products):
    price = {p.id: p.price for p in demo_products}["demo-00003"]
    s = state_of(
        [
            user("a moisturizer"),
            shown("demo-00001", "demo-00003"),
            user("something like the second one but cheaper"),
        ],
        vocab,
        demo_products,
    )
    assert s.preferences.max_price == round(price - 0.01, 2)
    assert s.preferences.product_types == ("Moisturizer",)


def test_rejections_persist_and_topic_changes_reset(vocab, demo_products):
    s = state_of(
        [
            user("a moisturizer under $40 from Sunward"),
            shown("demo-00003", "demo-00026"),
            user("I don't like the first one"),
            shown("demo-00026"),
            user("now I need running shoes"),
        ],
        vocab,
        demo_products,
    )
    prefs = s.preferences
    assert prefs.categories == ("Running Shoes",)
    assert prefs.max_price is None and not prefs.brands and not prefs.product_types
    assert prefs.rejected == ("demo-00003",)


def test_clarification_is_remembered(vocab, demo_products):
    s = state_of(
        [
            user("hi"),
            Message(role="assistant", content="What are you looking for?"),
            user("something nice"),
        ],
        vocab,
        demo_products,
    )
    assert s.asked_clarification


def test_products_named_by_title_are_anchors_and_mentions():
    from agent.reading.state import similar_to
    from agent.reading.titles import TitleIndex
    from agent.reading.vocabulary import Vocabulary
    from retrieval.types import Product

    films = [
        Product(id="m1", title="The Babadook (2014)"),
        Product(id="m2", title="It Follows (2014)"),
        Product(id="m3", title="It (2017)"),
        Product(id="m4", title="Up (2009)"),
    ]
    titles = TitleIndex(films)
    assert titles.find("a horror movie like The Babadook (2014) or It Follows (2014)!") == [
        "m1",
        "m2",
    ]  # "It Follows (2014)" is found whole, not as "It"
    assert titles.find("it follows me up the stairs") == []  # no year: no title
    messages = [
        user("something scary like The Babadook (2014)"),
        Message(role="assistant", content="Have you seen It (2017)?"),
        user("yes, and It Follows (2014) too"),
    ]
    s = read_dialogue(messages, StaticCatalogue(films, Vocabulary()))
    assert s.mentioned == ["m1", "m3", "m2"]
    assert s.anchors == ["m2", "m1"] and similar_to(s) == ["m2", "m1"]


def test_the_cheapest_leather_one_when_none_shown_is_leather(vocab, demo_products):
    s = state_of(
        [
            user("a leather leash for a small dog under $50"),
            shown("demo-09022", "demo-09041", "demo-09010"),
            user("hm ok what's the cheapest leather one then"),
        ],
        vocab,
        demo_products,
    )
    # none of the three is leather: the shop's cheapest leather leash, budget dropped
    assert s.intent is Intent.SEARCH and s.parsed.cheapest
    assert s.preferences.attributes["Material"] == ("Leather",)
    assert s.preferences.max_price is None
    assert "hm" not in s.preferences.needs


def test_the_cheapest_of_the_shown_that_fit_the_words(vocab, demo_products):
    s = state_of(
        [user("rope or leather leash"), shown("demo-09051", "demo-09022", "demo-09041"),
         user("the cheapest rope one")],
        vocab,
        demo_products,
    )  # fmt: skip
    assert s.targets == ["demo-09041"]


def test_forget_a_value_and_the_cheapest_you_have(vocab, demo_products):
    s = state_of(
        [
            user("loose leaf tea, decaf"),
            shown("demo-03010"),
            user("anything from japan?"),
            shown("demo-03023", "demo-03028"),
            user("eh forget japan. just give me the cheapest decaf one you've got"),
        ],
        vocab,
        demo_products,
    )
    prefs = s.preferences
    assert "Origin" not in prefs.attributes and prefs.attributes["Caffeine"] == ("Decaf",)
    assert s.parsed.cheapest and s.intent is Intent.SEARCH


def test_same_material_as_a_shown_one(vocab, demo_products):
    s = state_of(
        [
            user("show me resistance bands"),
            shown("demo-07009", "demo-07000", "demo-07022"),
            user("do you have one in the same material as the third one but eco-friendly?"),
        ],
        vocab,
        demo_products,
    )
    assert s.intent is Intent.SEARCH
    assert s.preferences.attributes["Material"] == ("Natural Rubber",)
    assert s.preferences.attributes["Eco-Friendly"] == ("Yes",)


def test_compare_it_with_the_first_one(vocab, demo_products):
    s = state_of(
        [
            user("show me resistance bands"),
            shown("demo-07009", "demo-07000", "demo-07022"),
            user("tell me about the last one"),
            user("compare it with the first one"),
        ],
        vocab,
        demo_products,
    )
    assert s.intent is Intent.COMPARE and s.targets == ["demo-07022", "demo-07009"]


def test_another_kind_asked_about_is_a_search(vocab, demo_products):
    s = state_of(
        [
            user("running shoes with lots of cushioning, budget 60"),
            shown("demo-04040"),
            user("what about the stability kind, is that better for knees? same budget"),
        ],
        vocab,
        demo_products,
    )
    assert s.intent is Intent.SEARCH
    assert s.preferences.product_types == ("Stability Running Shoe",)
    assert s.preferences.max_price == 60


def test_a_hope_after_a_must_is_for_what_follows(vocab):
    p = parse("i want a grill pan, must be induction compatible ideally cast iron", vocab)
    assert p.attributes == {"Induction Compatible": ["Yes"]}
    assert "Material" in p.soft_attributes
    assert parse("industrial desk lamp preferably", vocab).soft_attributes == {
        "Style": ["Industrial"]
    }


def test_a_short_question_about_it_is_about_the_one_shown(vocab, demo_products):
    s = state_of(
        [user("cold brew from Highland Roasters"), shown("demo-03011"),
         user("that one decaf?")],
        vocab,
        demo_products,
    )  # fmt: skip
    assert s.intent is Intent.DETAILS and s.targets == ["demo-03011"]
    s = state_of(
        [user("racing flats"), shown("demo-04043"), user("whats the heel drop on those")],
        vocab,
        demo_products,
    )
    assert s.intent is Intent.DETAILS


def test_my_last_pair_is_no_position_in_the_list(vocab, demo_products):
    s = state_of(
        [user("wireless earbuds"), shown("demo-05000", "demo-05002"),
         user("and no quietwave, my last pair died in 2 months")],
        vocab,
        demo_products,
    )  # fmt: skip
    assert s.intent is Intent.SEARCH and s.parsed.references == []
    assert s.preferences.exclude_brands == ("Quietwave",)


def test_a_product_named_before_anything_was_shown_is_searched(vocab, demo_products):
    s = state_of([user("Glowhaus Architect 那款智能灯泡 暖白光的 还有吗")], vocab, demo_products)
    assert s.intent is Intent.SEARCH  # (nothing was shown for "that one" to point at)
    prefs = s.preferences
    assert (prefs.brands, prefs.product_types) == (("Glowhaus",), ("Smart Bulb",))
    assert prefs.attributes == {"Light Color": ("Warm White",)}


def test_scrap_a_value_then_the_cheapest_that_fits(vocab, demo_products):
    s = state_of(
        [
            user("smart bulbs, the RGB kind"),
            shown("demo-08059"),
            user("scratch the RGB thing actually. just the cheapest one that dims"),
        ],
        vocab,
        demo_products,
    )
    prefs = s.preferences
    assert s.intent is Intent.SEARCH and s.parsed.cheapest
    assert "Light Color" not in prefs.attributes and prefs.attributes["Dimmable"] == ("Yes",)
    assert not prefs.cheap  # the cheapest first, not a "cheap" cap on top


def test_forgetting_a_yes_or_no_wish_drops_it(vocab, demo_products):
    s = state_of(
        [
            user("a travel backpack"),
            shown("demo-06042"),
            user("it has to be waterproof"),
            shown("demo-06042"),
            user("ok forget waterproof, but it needs to be at least 35 litres"),
        ],
        vocab,
        demo_products,
    )
    prefs = s.preferences
    assert prefs.product_types == ("Travel Backpack",)
    assert "Waterproof" not in prefs.attributes and "35 L" in prefs.attributes["Capacity"]


def test_picking_the_cheaper_of_the_shown_sets_no_cap(vocab, demo_products):
    s = state_of(
        [
            user("over-ear headphones that do bluetooth"),
            shown("demo-05042", "demo-05001"),
            user("out of the first two, whichever is cheaper - what's its battery life?"),
        ],
        vocab,
        demo_products,
    )
    assert s.intent is Intent.DETAILS and s.preferences.max_price is None


def test_a_cheaper_one_asks_the_shop_the_cheaper_one_picks(vocab):
    for text in ("is there a cheaper one?", "do you have any cheaper ones"):
        p = parse(text, vocab)
        assert p.intent is Intent.SEARCH and p.relative_price == "cheaper" and p.pick is None
    assert parse("the cheaper one please", vocab).pick == "cheapest"


def test_even_if_not_coloured_drops_the_colour_wish(vocab, demo_products):
    for later in (
        "ok, which battery ones do you have even if they're not colored?",
        "¿entonces cuáles de pilas tienen aunque no sean de colores?",
    ):
        s = state_of(
            [user("LED strip lights, RGB, battery powered"), shown("demo-08018"), user(later)],
            vocab,
            demo_products,
        )
        assert s.preferences.attributes == {"Power Source": ("Battery",)}, later


def test_a_bigger_size_the_line_lacks_is_the_brand_s_next_sizes(vocab, demo_products):
    s = state_of(
        [
            user("moisturizer in the little 1 oz travel size"),
            shown("demo-00001"),
            user("love the first one, do you have it in a bigger size?"),
        ],
        vocab,
        demo_products,
    )
    assert s.size_missing and s.preferences.brands == ("Lumen & Leaf",)
    sizes = s.preferences.attributes["Size"]
    assert "1 fl oz" not in sizes and "1.7 fl oz" in sizes and len(sizes) <= 3
    assert all(size.endswith("fl oz") for size in sizes)


def test_another_kind_keeps_the_wishes_its_products_can_meet(vocab, demo_products):
    s = state_of(
        [
            user("over-ear headphones"),
            shown("demo-05042"),
            user("with active noise cancelling"),
            shown("demo-05042"),
            user("hmm, on second thought on-ear ones instead"),
        ],
        vocab,
        demo_products,
    )
    assert s.preferences.product_types == ("On-Ear Headphones",)
    assert s.preferences.attributes == {"Noise Cancelling": ("Active",)}
