"""The state of a conversation, derived from its messages alone: built once per turn by the
agent and handed to everyone who needs it (the tools, the guardrail, the rules backend).

Every turn re-reads the whole dialogue (cheap, and the only way a stateless OpenAI-style client
that sends the conversation back gets the same answers as a stateful one): shopper messages are
parsed (parse.py) and folded into Preferences; assistant messages tell which products were shown
and whether a clarifying question was asked — from their structure (`Message.shown`) when the
client sent it, else from the product list lines of their text (render.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from agent.reading.parse import Intent, Parsed, parse
from agent.reading.vocabulary import Vocabulary
from agent.types import TYPE_KEY, Message, Outcome, Preferences
from retrieval.types import Product

Lookup = Callable[[str], Product | None]
NamedIn = Callable[[str], list[str]]
_MAX_NEEDS = 6
# The product lines agent/render.py writes: "1. **Title** — $9.99 ... `id`" or "- **Title** ...".
_LISTED = re.compile(r"^\s*\d+\.\s.*`([^`\s]+)`\s*$", re.MULTILINE)
_FEATURED = re.compile(r"^\s*-\s.*`([^`\s]+)`\s*$", re.MULTILINE)
# Intents that ask about shown products: their words are questions, not new wishes.
_ASKING = (Intent.DETAILS, Intent.COMPARE, Intent.COPY, Intent.LIKE)


@dataclass
class DialogueState:
    preferences: Preferences = field(default_factory=Preferences)
    shown: list[str] = field(default_factory=list)  # every product shown so far, in order
    last_list: list[str] = field(default_factory=list)
    focus: str | None = None  # the product the shopper last singled out
    parsed: Parsed = field(default_factory=Parsed)  # the latest shopper message
    targets: list[str] = field(default_factory=list)  # products the latest message refers to
    asked_clarification: bool = False  # the latest assistant message was a clarifying question
    topic: str | None = None  # the most specific category of the current topic
    injections: int = 0
    user_turns: int = 0
    mentioned: list[str] = field(default_factory=list)  # products named by title, by anyone
    # Named by the shopper in this topic, latest first: the anchors of "like X".
    anchors: list[str] = field(default_factory=list)
    # The dialogue as a model may see it: shopper messages with instruction-like clauses cut.
    safe_dialogue: list[Message] = field(default_factory=list)

    @property
    def intent(self) -> Intent:
        return self.parsed.intent


def read_dialogue(
    messages: Sequence[Message],
    vocab: Vocabulary,
    lookup: Lookup,
    seed: Preferences | None = None,
    named_in: NamedIn | None = None,
) -> DialogueState:
    """The state after the last message. `seed` carries a returning shopper's profile;
    `named_in` finds products named by title in a text (they are anchors for "like X" and are
    not recommended back)."""
    state = DialogueState(preferences=seed or Preferences())
    for message in messages:
        named = named_in(message.content) if named_in and message.content else []
        state.mentioned.extend(i for i in named if i not in state.mentioned)
        if message.role == "assistant":
            _read_assistant(state, message)
            state.safe_dialogue.append(message)
        elif message.role == "user":
            _read_user(state, message.content, vocab, lookup)
            if named:
                state.anchors = [*reversed(named), *(a for a in state.anchors if a not in named)]
            state.safe_dialogue.append(_safe(message, state.parsed))
    return state


def _read_assistant(state: DialogueState, message: Message) -> None:
    if message.shown is not None:
        shown = message.shown
        ids = list(shown.product_ids) if shown.list_kind == "results" else []
        featured = list(shown.product_ids) if shown.list_kind == "featured" else []
        asked = shown.outcome is Outcome.CLARIFY
    elif message.content:
        # A client that sent plain text: the product lines say what was shown, and an answer
        # with no products that ends in a question asked one.
        ids, featured = listed_ids(message.content), featured_ids(message.content)
        asked = not ids and not featured and message.content.rstrip().endswith("?")
    else:
        return
    if ids:
        state.last_list = ids
    state.shown.extend(i for i in [*ids, *featured] if i not in state.shown)
    state.asked_clarification = asked


def _safe(message: Message, parsed: Parsed) -> Message:
    if not parsed.injections:
        return message
    text = parsed.clean_text or "(a message with instructions to the assistant)"
    return message.model_copy(update={"content": text})


def _read_user(state: DialogueState, text: str, vocab: Vocabulary, lookup: Lookup) -> None:
    parsed = parse(text, vocab, state.topic)
    if parsed.intent is not Intent.SEARCH and not state.last_list and parsed.needs:
        # Nothing was shown yet, so "#3" or "the first" cannot point at a product: it is part
        # of the request ("hair extensions in #3").
        parsed.intent, parsed.references = Intent.SEARCH, []
    state.parsed = parsed
    state.user_turns += 1
    state.injections += parsed.injections
    state.targets = _resolve(parsed, state)
    if len(state.targets) == 1:
        state.focus = state.targets[0]
    prefs = state.preferences
    leaf = _leaf(parsed.categories, vocab)
    new_topic = bool(leaf and state.topic and _new_topic(leaf, state.topic, vocab))
    if parsed.reset or parsed.fresh_request or new_topic:
        prefs = Preferences(liked=prefs.liked, rejected=prefs.rejected)
        state.topic = None
        state.anchors = []
    if leaf and (state.topic is None or _new_topic(leaf, state.topic, vocab)):
        state.topic = leaf
    if parsed.intent not in _ASKING:
        prefs = _fold(prefs, parsed, leaf)
    if parsed.intent is Intent.SIMILAR:
        prefs = _like_anchor(prefs, state, lookup)
    prefs = _relative_price(prefs, parsed, state, lookup)
    if parsed.intent is Intent.REJECT:
        prefs = prefs.model_copy(update={"rejected": _add(prefs.rejected, state.targets)})
    if parsed.intent is Intent.LIKE:
        prefs = prefs.model_copy(update={"liked": _add(prefs.liked, state.targets)})
    state.preferences = prefs


def _resolve(parsed: Parsed, state: DialogueState) -> list[str]:
    listed = state.last_list
    out: list[str] = []
    for position in parsed.references:
        index = position - 1 if position > 0 else len(listed) + position
        if 0 <= index < len(listed) and listed[index] not in out:
            out.append(listed[index])
    if not out and parsed.refers_to_focus and parsed.intent is not Intent.SEARCH:
        if parsed.intent is Intent.COMPARE:
            out = listed[:2]
        elif state.focus:
            out = [state.focus]
        elif listed:
            out = [listed[0]]
    return out


def _leaf(categories: Sequence[str], vocab: Vocabulary) -> str | None:
    """The most specific category named: one that is not a top-level category, if any."""
    leaves = [c for c in categories if vocab.top_of.get(c, c) != c]
    named = leaves or list(categories)
    return named[-1] if named else None


def _new_topic(leaf: str, topic: str, vocab: Vocabulary) -> bool:
    if leaf == topic:
        return False
    # Naming only the top-level category of the current topic ("beauty" while on skin care)
    # narrows nothing and starts nothing new.
    return not (vocab.top_of.get(leaf) == leaf and vocab.top_of.get(topic) == leaf)


def _fold(prefs: Preferences, parsed: Parsed, leaf: str | None) -> Preferences:
    update: dict[str, object] = {}
    if leaf:
        update["categories"] = (leaf,)
    if parsed.types:
        update["product_types"] = tuple(dict.fromkeys(parsed.types))
    if parsed.any_price:
        update["min_price"] = update["max_price"] = None
    if parsed.min_price is not None:
        update["min_price"] = parsed.min_price
    if parsed.max_price is not None:
        update["max_price"] = parsed.max_price
    if parsed.min_rating is not None:
        update["min_rating"] = parsed.min_rating
    brands, excluded = list(prefs.brands), list(prefs.exclude_brands)
    if parsed.brands:
        brands = list(dict.fromkeys(parsed.brands))
        excluded = [b for b in excluded if b not in brands]
    for brand in parsed.exclude_brands:
        brands = [b for b in brands if b != brand]
        excluded = _add_one(excluded, brand)
    update["brands"], update["exclude_brands"] = tuple(brands), tuple(excluded)
    wanted = {k: tuple(v) for k, v in prefs.attributes.items()}
    avoided = {k: tuple(v) for k, v in prefs.exclude_attributes.items()}
    for key, values in parsed.attributes.items():
        wanted[key] = tuple(dict.fromkeys(values))
        avoided[key] = tuple(v for v in avoided.get(key, ()) if v not in values)
    for key, values in parsed.exclude_attributes.items():
        avoided[key] = _add(avoided.get(key, ()), values)
        wanted[key] = tuple(v for v in wanted.get(key, ()) if v not in values)
    update["attributes"] = {k: v for k, v in wanted.items() if v}
    update["exclude_attributes"] = {k: v for k, v in avoided.items() if v}
    if parsed.needs:
        update["needs"] = _add(prefs.needs, parsed.needs)[-_MAX_NEEDS:]
    return prefs.model_copy(update=update)


def _like_anchor(prefs: Preferences, state: DialogueState, lookup: Lookup) -> Preferences:
    """ "Something like the second one": from now on, that kind of product."""
    anchor = lookup(anchor_id) if (anchor_id := _anchor_id(state)) else None
    if anchor is None:
        return prefs
    update: dict[str, object] = {}
    kind = anchor.attributes.get(TYPE_KEY)
    if kind:
        update["product_types"] = (kind,)
    if anchor.category:
        update["categories"] = (anchor.category,)
        state.topic = anchor.category
    return prefs.model_copy(update=update)


def _anchor_id(state: DialogueState) -> str | None:
    """The product "like that one" means: the one referred to, else the one singled out last,
    else the first of the latest list."""
    anchors = state.targets or ([state.focus] if state.focus else []) or state.last_list[:1]
    return anchors[0] if anchors else None


def similar_to(state: DialogueState) -> list[str]:
    """Products the next search should resemble: the one "like that" points at, else products
    the shopper named in this topic."""
    if state.intent is Intent.SIMILAR:
        anchor = _anchor_id(state)
        return [anchor] if anchor else []
    return state.anchors[:3]


def _relative_price(
    prefs: Preferences, parsed: Parsed, state: DialogueState, lookup: Lookup
) -> Preferences:
    """ "Cheaper" / "more expensive": than the product referred to, else the first one shown."""
    if parsed.relative_price is None:
        return prefs
    anchor = lookup(anchor_id) if (anchor_id := _anchor_id(state)) else None
    if anchor is None or anchor.price is None:
        return prefs
    if parsed.relative_price == "cheaper":
        return prefs.model_copy(update={"max_price": round(anchor.price - 0.01, 2)})
    return prefs.model_copy(update={"min_price": round(anchor.price + 0.01, 2)})


def listed_ids(text: str) -> list[str]:
    """The product ids of a numbered product list in an answer's text, in order."""
    return _LISTED.findall(text)


def featured_ids(text: str) -> list[str]:
    """The product ids of featured (bulleted) products in an answer's text."""
    return _FEATURED.findall(text)


def _add(existing: Sequence[str], new: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*existing, *new]))


def _add_one(existing: list[str], item: str) -> list[str]:
    return existing if item in existing else [*existing, item]
