"""Logged dialogues as training examples for the learned relevance (retrieval/learning), read
exactly as the agent reads a turn: the same query words, filters and session items a search of
that turn would have had."""

from __future__ import annotations

from collections.abc import Sequence

from agent.reading.state import read_dialogue, similar_to
from agent.shop import Shop
from agent.tools.search import query_for, session_items
from agent.types import Message
from retrieval.learning.train import TrainingTurn


def training_turn(
    messages: Sequence[Message],
    shop: Shop,
    targets: Sequence[str],
    group: str,
    shown: Sequence[tuple[str, float]] = (),
) -> TrainingTurn:
    """One turn: the dialogue up to the shopper's message, what they then wanted (`targets`),
    the dialogue or shopper it belongs to (`group`, so folds never split it), and what was shown
    with its propensity (for inverse-propensity weights)."""
    state = read_dialogue(list(messages), shop, None, shop.reading_options)
    # The kind of product and earlier rejections are left to the candidates: a training target
    # is what the shopper went for, whatever the reader made of the words.
    prefs = state.preferences.model_copy(update={"product_types": (), "rejected": ()})
    return TrainingTurn(
        group=group,
        query=query_for(state.preferences),
        targets=tuple(targets),
        session=session_items(state, similar_to(state)),
        filters=prefs.filters(),
        shown=tuple(shown),
    )
