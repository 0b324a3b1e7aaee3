"""False positives of the answer checker: over a few hundred real rules-backend replies on the
demo catalogue (every kind of product, with budgets, brands, exclusions and follow-ups), the
guardrail cuts none of the words: no sentence, no markup. The rules backend writes only from
tool results, so anything cut from its text would be a checker's mistake. (Cards dropped for
breaking a hard constraint are the search's or the reader's doing, not the text checker's, and
are not counted here.)"""

from __future__ import annotations

from collections import Counter
from statistics import median

from agent.guardrail import Guardrail, split_sentences
from agent.prompts import render
from agent.tools.turn import Turn
from agent.types import TYPE_KEY

MIN_REPLIES = 300


def conversations(products) -> list[list[str]]:
    """Shopper turns made from the catalogue's own kinds, brands, prices and attributes."""
    by_kind: dict[str, list] = {}
    for p in products:
        if p.attributes.get(TYPE_KEY):
            by_kind.setdefault(p.attributes[TYPE_KEY], []).append(p)
    out = [["hi"], ["something nice"], ["a laptop under $500"], ["thanks, that's all"]]
    for kind, items in sorted(by_kind.items()):
        name = kind.casefold()
        budget = round(median(p.price for p in items if p.price is not None))
        brand = Counter(p.brand for p in items if p.brand).most_common(1)[0][0]
        values = Counter(
            v for p in items for k, v in p.attributes.items() if k != TYPE_KEY and len(v) < 20
        )
        value = values.most_common(1)[0][0] if values else "red"
        out.append(
            [
                f"I need a {name}",
                f"under ${budget} please",
                "tell me more about the second one",
                "compare the first two",
            ]
        )
        out.append([f"{brand} {name}", "something cheaper", "describe the first one"])
        out.append([f"a {name}, not {value}, 4 stars or better", "the first one"])
    return out


def test_the_guardrail_cuts_nothing_the_rules_backend_says(make_agent):
    agent = make_agent()
    replies = []
    for n, turns in enumerate(conversations(agent.shop.products())):
        for text in turns:
            replies.append(agent.respond(f"fp-{n}", text))
    assert len(replies) >= MIN_REPLIES
    removed: Counter[str] = Counter()
    for reply in replies:
        assert reply.backend == "rules"
        report = reply.trace.guardrail.model_dump(exclude={"constraint_violation"})
        removed.update({reason: count for reason, count in report.items() if count})
    assert removed == Counter(), removed
    # And checked again from the outside, sentence by sentence with the real prompt, against
    # the products each reply shows: every sentence passes as it is (a reply that lost a card
    # may name it, so those are left out here).
    prompt = render("system", shop_name=agent.settings.shop_name, categories=[], preferences="")
    guard = Guardrail(agent.shop, prompt)
    cut = []
    for reply in replies:
        if reply.trace.guardrail.constraint_violation:
            continue
        turn = Turn(state=_state(reply))
        for card in reply.recommendations:
            turn.results[card.id] = card
        sentences = split_sentences(reply.text)
        kept = list(guard.filter(sentences, turn, reply.trace.guardrail.model_copy()))
        if kept != sentences:
            cut.append((reply.text, kept))
    assert cut == []


def _state(reply):
    from agent.reading.state import DialogueState

    return DialogueState(preferences=reply.preferences)
