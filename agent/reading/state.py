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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from agent.reading.catalogue import Catalogue
from agent.reading.money import DEFAULT_RATES
from agent.reading.parse import Intent, Parsed, parse
from agent.reading.references import (
    SIZE_KEYS,
    another_size,
    comparable,
    measure,
    pick_by_price,
    pick_by_words,
)
from agent.reading.titles import name_span
from agent.reading.translate import detect_language, to_english, untranslated
from agent.reading.values import MIN_COVERAGE
from agent.reading.vocabulary import Kind, Vocabulary, words
from agent.render import format_price
from agent.types import TYPE_KEY, Message, Outcome, Preferences
from retrieval.types import Product

Lookup = Callable[[str], Product | None]
_MAX_NEEDS = 6
# Intents that ask about shown products: their words are questions, not new wishes.
_ASKING = (Intent.DETAILS, Intent.COMPARE, Intent.COPY, Intent.LIKE)
# The product lines agent/render.py writes: "1. **Title** — $9.99 ... `id`" or "- **Title** ...".
_LISTED = re.compile(r"^\s*\d+\.\s.*`([^`\s]+)`\s*$", re.MULTILINE)
_FEATURED = re.compile(r"^\s*-\s.*`([^`\s]+)`\s*$", re.MULTILINE)
_CHEAP_QUANTILE = 0.5  # "cheap": the cheaper half of the kind asked for
_OWNED_BEFORE = re.compile(
    r"\b(?:i (?:already )?(?:have|own|bought|use|used|tried|had|got|loved|liked|enjoyed|"
    r"watched|saw|love|like|enjoy)|i'?ve (?:got|tried|used|had|seen|watched|bought)|"
    r"already (?:have|own|tried)|similar to|something like|anything like|like|other than|"
    r"instead of|besides|except|apart from|not|no|than)\b[^.!?]{0,40}$",
    re.IGNORECASE,
)


# "X, do you still have it?", "X in teal, is it in stock?" (Chinese 还有吗 reads "i want")
_ASKED_AFTER = re.compile(
    r"\b(?:i want|i need|do you (?:still )?have|still have|in stock|available|any left|"
    r"can i (?:get|buy|order))\b"
)
_ASKED_BEFORE = re.compile(
    r"\b(?:do you (?:have|sell|carry|stock)|(?:i|we) (?:want|need|would like|d like)|i m "
    r"looking for|looking for|show me|find me|get me|is there|is the|are the|where is|how much "
    r"is|price of|can i get|can i buy|i ll take|i d like|searching for|what about|how about|"
    r"tell me about|any|got the|still have|"
    # asking about it: "do you know the movie X?", "have you seen X?", "what do you think of X"
    r"do you know|have you (?:seen|heard of|tried|watched|read)|heard of|know anything about|"
    r"what do you think (?:of|about)|thoughts on|is it worth|tell me more about)\b"
)


@dataclass(frozen=True)
class ReadingOptions:
    """What the shop tells the reader: its currency and the value of others in it."""

    currency: str = "USD"
    rates: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))


@dataclass
class DialogueState:
    preferences: Preferences = field(default_factory=Preferences)
    shown: list[str] = field(default_factory=list)  # every product shown so far, in order
    last_list: list[str] = field(default_factory=list)
    last_compared: list[str] = field(default_factory=list)  # the latest comparison's products
    focus: str | None = None  # the product the shopper last singled out
    parsed: Parsed = field(default_factory=Parsed)  # the latest shopper message
    targets: list[str] = field(default_factory=list)  # products the latest message refers to
    asked_clarification: bool = False  # the latest assistant message was a clarifying question
    last_outcome: Outcome | None = None  # what the latest assistant message was, when known
    topic: str | None = None  # the most specific category of the current topic
    injections: int = 0
    user_turns: int = 0
    mentioned: list[str] = field(default_factory=list)  # products named by title, by anyone
    # Named by the shopper in this topic, latest first: the anchors of "like X".
    anchors: list[str] = field(default_factory=list)
    # Named by the shopper in the latest message as what they want: shown first.
    requested: list[str] = field(default_factory=list)
    size_missing: bool = False  # "in a bigger size" asked, and the family has none
    # In a catalogue without kinds: the title words naming the kind asked for ("extension").
    title_kinds: tuple[str, ...] = ()
    # What the shopper called flexible or insisted on so far ("the budget can stretch"): the
    # search loosens the first before anything else and never the second.
    flexible: tuple[str, ...] = ()
    strict: tuple[str, ...] = ()
    insisted: tuple[str, ...] = ()  # attribute keys said with "must" ("must be fragrance-free")
    refused_words: tuple[str, ...] = ()  # "nothing glittery": words no title shown may have
    untitled: bool = False  # ... and the latest thing asked for is in no title ("a charger")
    language: str = "en"
    # The dialogue as a model may see it: shopper messages with instruction-like clauses cut.
    safe_dialogue: list[Message] = field(default_factory=list)

    @property
    def intent(self) -> Intent:
        return self.parsed.intent


def read_dialogue(
    messages: Sequence[Message],
    catalogue: Catalogue,
    seed: Preferences | None = None,
    options: ReadingOptions | None = None,
) -> DialogueState:
    """The state after the last message, read with the shop's vocabulary and products. `seed`
    carries a returning shopper's profile; `options` the shop's currency. Products named by
    title are anchors for "like X", and shown first when asked for by name."""
    options = options or ReadingOptions()
    lookup = catalogue.get
    state = DialogueState(preferences=seed or Preferences())
    for message in messages:
        named = catalogue.named_in(_prose(message)) if message.content else []
        state.mentioned.extend(i for i in named if i not in state.mentioned)
        if message.role == "assistant":
            _read_assistant(state, message)
            state.safe_dialogue.append(message)
        elif message.role == "user":
            language = detect_language(message.content, state.language)
            gloss = to_english(message.content, language)
            requested = [pid for pid in named if _wanted(gloss, pid, lookup)]
            owned = [pid for pid in named if pid not in requested]
            # A product the shopper has is context, not a wish: its brand and colour must not
            # become constraints ("I already have the Motiv Studio Yoga Mat, want another").
            text = _without_titles(message.content, owned, lookup)
            _read_user(state, text, catalogue, options)
            state.requested = requested
            if requested and state.intent in (Intent.DETAILS, Intent.LIKE, Intent.COPY):
                state.targets = requested[:1]  # "what about the X?": that product, by name
                state.focus = requested[0]
            if named:
                state.anchors = [
                    *reversed(owned or named),
                    *(a for a in state.anchors if a not in named),
                ]
            state.safe_dialogue.append(_safe(message, state.parsed))
    state.language = state.parsed.language if state.user_turns else "en"
    state.preferences = state.preferences.model_copy(update={"language": state.language})
    return state


def _prose(message: Message) -> str:
    """What a message says in words: an answer's product lines are what it showed (read as
    such), not products it mentions."""
    if message.role != "assistant":
        return message.content
    return _FEATURED.sub("", _LISTED.sub("", message.content))


def _without_titles(text: str, product_ids: Sequence[str], lookup: Lookup) -> str:
    """`text` with the titles (or title lines) of these products replaced by their kind."""
    for product_id in product_ids:
        product = lookup(product_id)
        where = name_span(text.casefold(), product) if product is not None else None
        if product is not None and where is not None:
            # Without a kind, the words said after the brand tell what it is ("Kopari Peptide
            # Glow moisturizer" -> "peptide glow moisturizer").
            said = text[where[0] : where[1]]
            brand = product.brand
            kind = product.attributes.get(TYPE_KEY) or (
                re.sub(re.escape(brand), " ", said, flags=re.I) if brand else ""
            )  # (a film's title, with no brand or kind, leaves nothing: "American Hustle")
            text = f"{text[: where[0]]} {kind} {text[where[1] :]}"
    return text


def _wanted(text: str, product_id: str, lookup: Lookup) -> bool:
    """A product named by title is one the shopper asks for (to be shown) when they ask for it
    ("do you have X", "I want X", or the message is little more than its name) and the words
    before it do not say they have it, saw it, or want something like it or other than it."""
    product = lookup(product_id)
    if product is None:
        return False
    low = text.casefold().replace("’", "'")
    where = name_span(low, product)
    before = low[: where[0]] if where else low
    sentence = re.split(r"[.!?]", before)[-1]
    if _OWNED_BEFORE.search(sentence):
        return False
    said = low[where[0] : where[1]] if where else product.title
    rest = len(words(low)) - len(words(said))
    after = " ".join(words(low[where[1] :])) if where else ""
    asked = _ASKED_BEFORE.search(" ".join(words(sentence))) or _ASKED_AFTER.search(after)
    return bool(asked) or rest <= 3


def _read_assistant(state: DialogueState, message: Message) -> None:
    if message.shown is not None:
        shown = message.shown
        ids = list(shown.product_ids) if shown.list_kind == "results" else []
        featured = list(shown.product_ids) if shown.list_kind == "featured" else []
        asked = shown.outcome is Outcome.CLARIFY
        state.last_outcome = shown.outcome
        if shown.outcome is Outcome.COMPARE:
            state.last_compared = list(shown.product_ids)
    elif message.content:
        # A client that sent plain text: the product lines say what was shown, and an answer
        # with no products that ends in a question asked one.
        ids, featured = listed_ids(message.content), featured_ids(message.content)
        asked = not ids and not featured and message.content.rstrip().endswith("?")
        state.last_outcome = None
        if len(featured) >= 2:
            state.last_compared = featured
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


def _read_user(
    state: DialogueState, text: str, catalogue: Catalogue, options: ReadingOptions
) -> None:
    vocab, lookup = catalogue.vocabulary, catalogue.get
    prefs = state.preferences
    type_hint = prefs.product_types[0] if prefs.product_types else None
    parsed = parse(
        text,
        vocab,
        state.topic,
        language=state.language,
        currency=options.currency,
        rates=options.rates,
        type_hint=type_hint,
    )
    state.language = parsed.language
    if parsed.pick_words and not (state.last_list or state.shown):
        # "the Architect one" before anything was shown names what is asked for.
        parsed.needs += [w for w in parsed.pick_words if w not in parsed.needs]
        parsed.pick_words = []
    asked = bool(parsed.needs or parsed.types or parsed.brands or parsed.attributes)
    if parsed.intent is not Intent.SEARCH and not state.last_list and asked:
        # Nothing was shown yet, so "#3" or "the first" cannot point at a product: it is part
        # of the request ("hair extensions in #3").
        parsed.intent, parsed.references = Intent.SEARCH, []
    state.parsed = parsed
    state.user_turns += 1
    state.injections += parsed.injections
    state.size_missing = False
    state.targets = _resolve(parsed, state, catalogue)
    if len(state.targets) == 1:
        state.focus = state.targets[0]
    leaf = _leaf(parsed.categories, vocab)
    new_topic = bool(leaf and state.topic and _new_topic(leaf, state.topic, vocab))
    if parsed.reset or parsed.fresh_request or new_topic:
        prefs = Preferences(liked=prefs.liked, rejected=prefs.rejected)
        state.topic = None
        state.anchors = []
        state.title_kinds, state.untitled = (), False
        state.flexible, state.strict, state.insisted = (), (), ()
        state.refused_words = ()
    # The latest word on a constraint wins: flexible then "no, it's a hard budget" is strict.
    said = set(parsed.flexible) | set(parsed.strict)
    state.flexible = (*(n for n in state.flexible if n not in said), *parsed.flexible)
    state.strict = (*(n for n in state.strict if n not in said), *parsed.strict)
    state.insisted = tuple(dict.fromkeys([*state.insisted, *parsed.insisted]))
    if parsed.intent not in _ASKING:
        state.refused_words = tuple(dict.fromkeys([*state.refused_words, *parsed.refused_words]))
    if vocab.title_words and parsed.intent not in _ASKING and parsed.things:
        # (only where titles name kinds: a film's title, "Jumanji (2017)", names no kind)
        # A new request, by its first thing; one that no title names is not sold here.
        head = parsed.title_head(vocab)
        # ("the cream kind" of blush: titles say "Cream Blush", so still a blush)
        same_kind = (
            head and not parsed.fresh_request and _of_the_kind(head, state.title_kinds, vocab)
        )
        if not same_kind and (head or not state.title_kinds or parsed.fresh_request):
            state.title_kinds = (head,) if head else ()
            # (a story's words are no request; an untranslated word may name what it sells)
            state.untitled = (
                head is None
                and not parsed.story
                and not any(untranslated(t, parsed.language) for t in parsed.request_things())
            )
        # else a refinement of the kind asked for ("short ones, long ones are a nightmare")
    if leaf and (state.topic is None or _new_topic(leaf, state.topic, vocab)):
        state.topic = leaf
    if parsed.intent not in _ASKING:
        prefs = _fold(prefs, parsed, leaf, vocab)
    if parsed.intent is Intent.SIMILAR:
        prefs = _like_anchor(prefs, state, lookup)
    prefs = _same_as(prefs, parsed, state, lookup)
    prefs = _relative_price(prefs, parsed, state, lookup)
    prefs = _another_size_of_the_brand(prefs, parsed, state, lookup, vocab)
    prefs = _cheap_cap(prefs, vocab)
    if parsed.other_brand:
        prefs = _other_brand(prefs, state, catalogue)
    if parsed.intent is Intent.REJECT:
        prefs = prefs.model_copy(update={"rejected": _add(prefs.rejected, state.targets)})
    if parsed.intent is Intent.LIKE:
        prefs = prefs.model_copy(update={"liked": _add(prefs.liked, state.targets)})
    state.preferences = prefs


def _resolve(parsed: Parsed, state: DialogueState, catalogue: Catalogue) -> list[str]:
    """The shown products the latest message points at: by position in the latest list, by
    price or a word among the latest comparison (else the latest list), or "it"; for "in a
    bigger size", that product's next size."""
    lookup = catalogue.get
    listed = state.last_list
    out: list[str] = []
    for position in parsed.references:
        index = position - 1 if position > 0 else len(listed) + position
        if 0 <= index < len(listed) and listed[index] not in out:
            out.append(listed[index])
    focus = state.focus
    if parsed.intent is Intent.COMPARE and len(out) == 1 and focus and focus not in out:
        out.insert(0, focus)  # "compare it with the first one": the one talked about
    pool = state.last_compared if state.last_outcome is Outcome.COMPARE else listed
    pool = pool or listed
    if not out and parsed.pick == "cheapest" and (parsed.unrequired or parsed.dropped):
        # "scratch the RGB thing, just the cheapest one that dims": the list shown was for
        # what is no longer asked; the shop's cheapest for what is
        parsed.intent, parsed.cheapest = Intent.SEARCH, True
        parsed.dropped.add("price")
        return out
    if not out and parsed.pick:
        fitting = [p for p in pool if pick_by_words([p], parsed.pick_words, lookup)]
        picked = pick_by_price(fitting if parsed.pick_words else pool, parsed.pick, lookup)
        out = [picked] if picked else []
        if not picked and parsed.pick_words:
            # "the cheapest leather one" and none shown is leather: the shop's cheapest such
            parsed.intent, parsed.cheapest = Intent.SEARCH, parsed.pick == "cheapest"
            parsed.dropped.add("price")
    elif not out and parsed.pick_words:
        picked = pick_by_words(pool or state.shown, parsed.pick_words, lookup)
        out = [picked] if picked else []
    if not out and parsed.refers_to_focus and parsed.intent is not Intent.SEARCH:
        if parsed.intent is Intent.COMPARE:
            out = listed[:2]
        elif state.focus:
            out = [state.focus]
        elif listed:
            out = [listed[0]]
    if parsed.size_change:
        base = out[0] if out else state.focus or (listed[0] if listed else None)
        if base is not None:
            sized = another_size(base, parsed.size_change, catalogue)
            state.size_missing = sized is None
            out = [sized] if sized else [base]
            if sized:
                parsed.intent = Intent.DETAILS
    return out


def _same_as(
    prefs: Preferences, parsed: Parsed, state: DialogueState, lookup: Lookup
) -> Preferences:
    """ "One in the same material as the third one": that shown product's material (or brand,
    colour...) becomes a constraint of the new search."""
    if not parsed.same_as:
        return prefs
    attributes, brands = dict(prefs.attributes), prefs.brands
    for said, position in parsed.same_as:
        listed = state.last_list
        index = position - 1 if position > 0 else len(listed) + position
        pid = listed[index] if position and 0 <= index < len(listed) else state.focus
        product = lookup(pid) if pid else None
        if product is None:
            continue
        named = set(words(said.replace("colour", "color")))
        if named & {"brand", "make", "maker"} and product.brand:
            brands = (product.brand,)
            continue
        for key, value in product.attributes.items():
            if named & set(words(key)) and value:
                attributes[key] = (value,)
                break
    return prefs.model_copy(update={"attributes": attributes, "brands": brands})


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


def _fold(prefs: Preferences, parsed: Parsed, leaf: str | None, vocab: Vocabulary) -> Preferences:
    update: dict[str, object] = {}
    dropped = parsed.dropped
    if leaf:
        update["categories"] = (leaf,)
    if parsed.types:
        update["product_types"] = tuple(dict.fromkeys(parsed.types))
    if parsed.exclude_types:
        update["exclude_types"] = _add(prefs.exclude_types, parsed.exclude_types)
    if "price" in dropped or parsed.any_price:
        update.update(min_price=None, max_price=None, cheap=False, budget_note=None)
    if parsed.min_price is not None or parsed.max_price is not None:
        update.update(min_price=parsed.min_price, max_price=parsed.max_price, cheap=False)
        update["budget_note"] = _budget_note(parsed)
    elif parsed.cheap and prefs.max_price is None and not parsed.cheapest:
        update["cheap"] = True
    if parsed.min_rating is not None:
        update["min_rating"] = parsed.min_rating
    if "rating" in dropped:
        update["min_rating"] = None
    brands, excluded = list(prefs.brands), list(prefs.exclude_brands)
    if "brand" in dropped:
        brands, excluded = [], []
    if parsed.brands:
        brands = list(dict.fromkeys(parsed.brands))
        excluded = [b for b in excluded if b not in brands]
    for brand in parsed.exclude_brands:
        brands = [b for b in brands if b != brand]
        excluded = _add_one(excluded, brand)
    update["brands"], update["exclude_brands"] = tuple(brands), tuple(excluded)
    new_kind = bool(parsed.types) and set(parsed.types) != set(prefs.product_types)

    def keep(key: str) -> bool:
        # Another kind of product keeps only the wishes its products can meet: noise
        # cancelling from over-ear to on-ear headphones, not a skin type from a moisturizer
        # to a shampoo.
        if _dropped(key, dropped):
            return False
        if not new_kind:
            return True
        return any(vocab.coverage(key, None, kind) >= MIN_COVERAGE for kind in parsed.types)

    wanted = {k: tuple(v) for k, v in prefs.attributes.items() if keep(k)}
    avoided = {k: tuple(v) for k, v in prefs.exclude_attributes.items() if keep(k)}
    for key, values in parsed.attributes.items():
        accepted = [*values, *vocab.catch_all.get(key, [])]
        wanted[key] = tuple(dict.fromkeys(accepted))
        avoided[key] = tuple(v for v in avoided.get(key, ()) if v not in values)
    for key, values in parsed.exclude_attributes.items():
        avoided[key] = _add(avoided.get(key, ()), values)
        wanted[key] = tuple(v for v in wanted.get(key, ()) if v not in values)
    if parsed.unrequired or parsed.dropped:
        # "doesn't have to be cork", "white doesn't matter": that value no longer limits
        said = set(words(" ".join([*parsed.unrequired, *parsed.dropped])))
        said |= {_COLOURED[w] for w in said if w in _COLOURED}
        wanted = {
            k: tuple(v for v in vs if not said & set(words(v)))
            for k, vs in wanted.items()
            # "forget waterproof"; "colour doesn't matter", "even if not colored": Light Color
            if not (set(words(k)) <= said or words(k)[-1] in said)
        }
    update["attributes"] = {k: v for k, v in wanted.items() if v}
    update["exclude_attributes"] = {k: v for k, v in avoided.items() if v}
    soft = {k: tuple(v) for k, v in prefs.soft_attributes.items() if not _dropped(k, dropped)}
    for key, values in parsed.soft_attributes.items():
        soft[key] = _add(soft.get(key, ()), values)
    update["soft_attributes"] = soft
    if parsed.needs:
        update["needs"] = _add(prefs.needs, parsed.needs)[-_MAX_NEEDS:]
    if parsed.recipient:
        update["recipient"] = parsed.recipient
    return prefs.model_copy(update=update)


def _dropped(key: str, dropped: set[str]) -> bool:
    folded = " ".join(words(key))
    return any(d and (d == folded or d in folded.split()) for d in dropped)


def _budget_note(parsed: Parsed) -> str | None:
    if not parsed.converted:
        return None
    code, said, shop = parsed.converted[-1]
    return f"{format_price(said, code)} ≈ {format_price(shop)}"


def _other_brand(prefs: Preferences, state: DialogueState, catalogue: Catalogue) -> Preferences:
    """ "Something from a different brand": not the brand of the product just talked about
    (one the shopper named as theirs, else the one in focus, else the first shown)."""
    about = state.anchors[:1] or state.targets[:1] or ([state.focus] if state.focus else [])
    about = about or state.last_list[:1]
    brands = [p.brand for p in (catalogue.get(pid) for pid in about) if p and p.brand]
    brands += list(prefs.brands)
    excluded = tuple(dict.fromkeys([*prefs.exclude_brands, *brands]))
    return prefs.model_copy(update={"brands": (), "exclude_brands": excluded})


def _cheap_cap(prefs: Preferences, vocab: Vocabulary) -> Preferences:
    """ "Cheap" with no amount: up to the median price of the kind asked for."""
    if not prefs.cheap:
        return prefs
    kind = prefs.product_types[0] if prefs.product_types else None
    category = prefs.categories[0] if prefs.categories else None
    cap = vocab.price_quantile(_CHEAP_QUANTILE, kind, category)
    return prefs.model_copy(update={"max_price": cap}) if cap is not None else prefs


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


def _another_size_of_the_brand(
    prefs: Preferences, parsed: Parsed, state: DialogueState, lookup: Lookup, vocab: Vocabulary
) -> Preferences:
    """ "In a bigger size" where the product's own line has none: the same brand's products
    of that kind in the larger (or smaller) sizes, not the size said before."""
    base = lookup(state.targets[0]) if state.size_missing and state.targets else None
    key = next((k for k in SIZE_KEYS if base is not None and k in base.attributes), None)
    if base is None or key is None or (own := measure(base.attributes[key])) is None:
        return prefs
    up = parsed.size_change == "up"
    unit = _unit(base.attributes[key])
    sizes = sorted(  # (amount, value), smallest first
        (m[0], v)
        for v in vocab.values.get(key, ())
        if (m := measure(v)) is not None
        and comparable(m, own)
        and (m[0] > own[0]) == up
        and m[0] != own[0]
        and _unit(v) == unit  # fl oz beside fl oz, not a pot's quarts
    )
    if not sizes:
        return prefs
    # the next few sizes that way (the answer names them all, so none is out of its list)
    nearest = {v for _, v in sorted(sizes, key=lambda s: abs(s[0] - own[0]))[:_NEXT_SIZES]}
    attributes = {**prefs.attributes, key: tuple(v for _, v in sizes if v in nearest)}
    brands = (base.brand,) if base.brand else prefs.brands
    return prefs.model_copy(update={"attributes": attributes, "brands": brands})


_NEXT_SIZES = 3


def _unit(size: str) -> list[str]:
    return [w for w in words(size) if w.isalpha()]


# Words that name a colour key by how a product looks ("even if they're not colored").
_COLOURED = {"colored": "color", "coloured": "color", "colorful": "color", "colourful": "color"}


def _relative_price(
    prefs: Preferences, parsed: Parsed, state: DialogueState, lookup: Lookup
) -> Preferences:
    """ "Cheaper" / "more expensive": than the product referred to, else the first one shown;
    not in a question about shown products ("of the first two, whichever is cheaper - what's
    its battery life?" picks one, it sets no cap)."""
    if parsed.relative_price is None or parsed.intent in _ASKING:
        return prefs
    if parsed.relative_price == "cheaper" and parsed.max_price is not None:
        return prefs  # "cheaper than these, below 15": the amount said is the cap
    if parsed.relative_price == "pricier" and parsed.min_price is not None:
        return prefs
    anchor = lookup(anchor_id) if (anchor_id := _anchor_id(state)) else None
    if anchor is None or anchor.price is None:
        return prefs
    # Cheaper than that one is the new range: an earlier floor goes with the earlier cap
    # ("between 10 and 20", then "cheaper than the first" at $11.88), and the other way round.
    if parsed.relative_price == "cheaper":
        high = round(anchor.price - 0.01, 2)
        low = parsed.min_price  # one said in this very message stays
        return prefs.model_copy(update={"max_price": high, "min_price": low, "cheap": False})
    low = round(anchor.price + 0.01, 2)
    return prefs.model_copy(update={"min_price": low, "max_price": parsed.max_price})


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


def _of_the_kind(word: str, kinds: Sequence[str], vocab: Vocabulary) -> bool:
    """Whether a title word said in a refinement names a kind of the kind asked for: it stands
    before the kind's head word in titles ("gel" of nail polish), or it names a value ("the
    cream kind" of blush: Item Form: Cream)."""
    if any(entry.kind is Kind.VALUE for entry in vocab.phrases.get((word,), ())):
        return bool(kinds)
    return any((said := words(kind)) and (word, said[-1]) in vocab.title_pairs for kind in kinds)
