"""End to end on the demo catalogue with the rules backend: real Chroma, real embeddings, the
real tool loop, guardrail and session log. Every reply is checked to hold only catalogue products
that meet the shopper's hard constraints."""

from __future__ import annotations

from tests.agent.conftest import assert_grounded


def talk(agent, session, *texts):
    replies = []
    for text in texts:
        reply = agent.respond(session, text)
        assert_grounded(agent, reply)
        assert reply.backend == "rules"
        # The rules backend writes from the facts; the guardrail never has to cut its words.
        assert reply.trace.guardrail.total == 0, reply.trace.guardrail
        replies.append(reply)
    return replies


def attrs(agent, reply, key):
    return {agent.shop.get(c.id).attributes.get(key) for c in reply.recommendations}


def prices(agent, reply):
    return [agent.shop.get(c.id).price for c in reply.recommendations]


def test_multi_turn_refinement(make_agent):
    agent = make_agent()
    first, second, third = talk(
        agent, "s1", "I need a moisturizer", "under $40 please", "fragrance-free"
    )
    assert first.recommendations and attrs(agent, first, "Type") == {"Moisturizer"}
    assert second.recommendations and attrs(agent, second, "Type") == {"Moisturizer"}
    assert max(prices(agent, second)) <= 40
    assert third.recommendations and attrs(agent, third, "Fragrance") == {"Fragrance-Free"}
    assert max(prices(agent, third)) <= 40
    assert "fragrance-free" in third.text and "$40.00" in third.text
    # New products that fit come first; the ones shown before that meet every constraint
    # only complete the list after them (never products of another kind).
    before = {c.id for c in first.recommendations}
    again = [c.id in before for c in second.recommendations]
    assert again == sorted(again) and not all(again)
    assert attrs(agent, third, "Type") == {"Moisturizer"}


def test_other_options_are_new_products_only(make_agent):
    agent = make_agent()
    first, second = talk(agent, "s1b", "I need a moisturizer", "show me other options")
    assert second.recommendations
    assert not {c.id for c in first.recommendations} & {c.id for c in second.recommendations}


def test_negation_of_brand_and_attribute(make_agent):
    agent = make_agent()
    (reply,) = talk(agent, "s2", "running shoes, not from Peakrunner, and not black")
    assert len(reply.recommendations) == 5
    assert "Peakrunner" not in {c.brand for c in reply.recommendations}
    assert "Black" not in attrs(agent, reply, "Color")
    assert reply.preferences.exclude_brands == ("Peakrunner",)


def test_budget_changes(make_agent):
    agent = make_agent()
    low, high = talk(agent, "s3", "headphones under $50", "actually my budget is up to $150")
    assert low.recommendations and max(prices(agent, low)) <= 50
    assert high.recommendations and max(prices(agent, high)) <= 150
    assert max(prices(agent, high)) > 50  # the new budget is used, not the old one
    (cheaper,) = talk(agent, "s3", "something like the first one but cheaper")
    anchor = high.recommendations[0]
    assert cheaper.recommendations
    assert max(prices(agent, cheaper)) < anchor.price
    assert anchor.id not in {c.id for c in cheaper.recommendations}


def test_the_second_one(make_agent):
    agent = make_agent()
    listing, details = talk(agent, "s4", "a dog bed", "tell me more about the second one")
    second = listing.recommendations[1]
    assert [c.id for c in details.recommendations] == [second.id]
    assert details.list_kind == "featured"
    assert second.title in details.text
    (compared,) = talk(agent, "s4", "compare the first two")
    assert [c.id for c in compared.recommendations] == [c.id for c in listing.recommendations[:2]]
    assert compared.text.startswith("Comparing")
    (rejected,) = talk(agent, "s4", "I don't like the first one")
    assert listing.recommendations[0].id not in {c.id for c in rejected.recommendations}
    assert listing.recommendations[0].id in rejected.preferences.rejected


def test_topic_reset(make_agent):
    agent = make_agent()
    _, bags = talk(
        agent,
        "s5",
        "a fragrance-free moisturizer under $40",
        "Actually, forget that. I need a backpack",
    )
    assert bags.preferences.max_price is None and not bags.preferences.attributes
    assert {c.category for c in bags.recommendations} == {"Backpacks"}
    (again,) = talk(agent, "s5", "start over")
    assert again.clarifying_question is not None and not again.recommendations


def test_one_clarifying_question_at_most(make_agent):
    agent = make_agent()
    hello, vague = talk(agent, "s6", "hi", "something nice")
    assert hello.clarifying_question and not hello.recommendations
    assert vague.clarifying_question is None and vague.recommendations  # searches anyway


def test_product_copy_is_grounded_and_stored(make_agent):
    agent = make_agent()
    listing, copy = talk(agent, "s7", "a yoga mat", "write a description for the first one")
    first = listing.recommendations[0]
    assert copy.recommendations[0].id == first.id and copy.recommendations[0].copy_text
    assert first.title in copy.text
    assert agent.copies.text(first.id) == copy.recommendations[0].copy_text


def test_session_survives_a_new_agent(make_agent):
    agent = make_agent()
    (listing,) = talk(agent, "s8", "a desk lamp")
    again = make_agent()  # same data folder: the conversation comes back from the session log
    (details,) = talk(again, "s8", "the second one")
    assert details.recommendations[0].id == listing.recommendations[1].id


def test_negated_constraints_and_loosened_kind_read_cleanly(make_agent):
    agent = make_agent()
    first, cheaper = talk(
        agent,
        "s9",
        "wireless earbuds under $100, not black",
        "something like the second one but cheaper",
    )
    assert "Black" not in attrs(agent, first, "Color") | attrs(agent, cheaper, "Color")
    assert cheaper.text.startswith(("I couldn't find", "Here"))


def test_a_wish_in_only_moods_gets_one_question(make_agent):
    agent = make_agent()
    for text in (
        "I want something to pamper myself this weekend, I'm so stressed",
        "i had a really long week",
        "Quiero algo para consentirme este fin, ando bien estresada",
    ):
        (reply,) = talk(agent, f"mood-{len(text)}", text)
        assert reply.outcome == "clarify" and not reply.recommendations, text
    # a mood beside a product is a search
    (reply,) = talk(agent, "mood-tea", "I'm so stressed, something relaxing like chamomile tea")
    assert reply.recommendations
