"""Understanding one shopper message, deterministically: the core reader every backend shares.

A message is first cut of instruction-like clauses (safety.py) and, when it is not in English,
translated into canonical English shopping words (translate.py). Then: constraints the shopper
dropped ("the brand doesn't matter"), ratings, prices (money.py), who a gift is for, references to
shown products (by position, by price, by a word: "the leather one"), another size, intents; and
the catalogue's own vocabulary (vocabulary.py) for categories, product types, brands and
attribute values.

Negation has a scope: it reaches across small words ("not from", "without a") to the next thing
the catalogue knows, and on through a coordination ("not from A or B", "no lavender and no rose")
until the clause ends. Only what the shopper stated explicitly becomes a hard constraint: a
vocabulary value counts as one when its attribute belongs to the kind of product asked for and it
is said about the request (in the same sentence as the request, or in a short message); anything
else is a soft preference that ranks but never filters. What is left, less filler words, is the
shopper's free-text need.
"""

from __future__ import annotations

import copy
import itertools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Literal

from wordfreq import zipf_frequency

from agent.reading import clauses as cl
from agent.reading import lexicon as lx
from agent.reading.money import read_prices
from agent.reading.references import MEASURE, SIZE_KEYS, comparable, measure, same_size
from agent.reading.safety import neutralise
from agent.reading.translate import detect_language, to_english
from agent.reading.typos import correct
from agent.reading.values import MIN_COVERAGE, apply_value
from agent.reading.vocabulary import (
    TITLE_KIND,
    Entry,
    Kind,
    Match,
    Vocabulary,
    fold_word,
    plain_letters,
    words,
)
from agent.types import TYPE_KEY


class Intent(StrEnum):
    SEARCH = "search"
    DETAILS = "details"  # about one shown product
    COMPARE = "compare"  # shown products side by side
    SIMILAR = "similar"  # like a shown product (maybe cheaper, maybe another size)
    REJECT = "reject"
    LIKE = "like"
    COPY = "copy"  # product copy for a shown product
    AGAIN = "again"  # the last list once more
    CHAT = "chat"  # greeting, thanks, nothing to act on


RelativePrice = Literal["cheaper", "pricier"]
Pick = Literal["cheapest", "priciest", "best_rated"]
_SHORT = 14  # words: a message this short is all about the request
_SIZE_TOLERANCE = 0.06  # "1 oz" is 1 fl oz (29.6 ml against 28.3 g)
# The vocabulary's words (vocabulary.py), and the punctuation that ends clauses.
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?|[,;.!?/&]")


@dataclass
class Parsed:
    intent: Intent = Intent.SEARCH
    language: str = "en"
    reset: bool = False
    fresh_request: bool = False  # "I need a hand cream": a new request, not a refinement
    categories: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    exclude_types: list[str] = field(default_factory=list)
    brands: list[str] = field(default_factory=list)
    exclude_brands: list[str] = field(default_factory=list)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    exclude_attributes: dict[str, list[str]] = field(default_factory=dict)
    # Vocabulary values said in passing or about another kind: they rank, never filter.
    soft_attributes: dict[str, list[str]] = field(default_factory=dict)
    min_price: float | None = None
    max_price: float | None = None
    any_price: bool = False
    cheap: bool = False
    approximate: bool = False
    converted: list[tuple[str, float, float]] = field(default_factory=list)
    unknown_currency: bool = False
    relative_price: RelativePrice | None = None
    min_rating: float | None = None
    dropped: set[str] = field(default_factory=set)  # "brand", "price", or an attribute key
    references: list[int] = field(default_factory=list)  # 1-based positions; -1 is the last
    refers_to_focus: bool = False  # "that one", "it"
    pick: Pick | None = None  # "the cheaper one", "the best rated one"
    pick_words: list[str] = field(default_factory=list)  # "the leather one" -> ["leather"]
    size_change: Literal["up", "down"] | None = None
    more_options: bool = False  # "show me others": not the ones already shown
    gift: bool = False
    recipient: str | None = None
    other_brand: bool = False  # "from a different brand": not the brand just talked about
    cheapest: bool = False  # "the cheapest one you have": the cheapest of the kind, shown first
    unrequired: list[str] = field(default_factory=list)  # "doesn't have to be cork"
    # "the same material as the third one": (the key's words, its position; 0: the one in focus)
    same_as: list[tuple[str, int]] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    things: list[str] = field(default_factory=list)  # needs that may name the product: _thing
    story: bool = False  # a long message of several sentences, most of them not the request
    # Constraints said to be flexible / insisted on (Preferences field names, search.py's
    # relax order): "the budget can stretch", "it's a hard budget".
    flexible: list[str] = field(default_factory=list)
    strict: list[str] = field(default_factory=list)
    # Attribute keys said with "must", "has to be", "non-negotiable": of several wished
    # attributes that nothing meets together, these are the last to give way.
    insisted: list[str] = field(default_factory=list)
    # Plain words said under a negation ("nothing glittery or shimmery", "not a tinted one"):
    # where titles state a catalogue's facts, titles with them are refused.
    refused_words: list[str] = field(default_factory=list)
    # Whether the message asks for something outright ("do you have", "I need", "recommend")
    # or is little more than a name ("motor oil"): only such a message can be for something
    # the shop does not carry; "ugh my feet are killing me" is a story to ask about.
    asks_outright: bool = False
    matched: bool = False  # the message used any word of the catalogue's vocabulary
    injections: int = 0
    clean_text: str = ""  # the message with instruction-like clauses cut (what a model sees)
    english: str = ""  # the message in canonical English (itself, for English)

    def request_things(self) -> list[str]:
        """The things that may name what is asked for: the first, or in a story each in
        turn (its other words being its story)."""
        return self.things if self.story else self.things[:1]

    def title_head(self, vocab: Vocabulary) -> str | None:
        """The title word naming the product asked for, in a catalogue whose kinds show only
        in titles: of the request's things, or after a lone first word, of any thing it names
        ("saw a jade roller on tiktok": not "saw", the roller)."""
        things = self.request_things()
        if things and len(things[0].split()) == 1:
            # a lone first word is as often a verb or an aside ("saw", "vaya") as the thing
            things = [*things, *self.things]
        return next(filter(None, map(vocab.title_kind, things)), None)


def parse(
    text: str,
    vocab: Vocabulary,
    category_hint: str | None = None,
    *,
    language: str | None = None,
    currency: str = "USD",
    rates: Mapping[str, float] | None = None,
    type_hint: str | None = None,
) -> Parsed:
    """One shopper message read with the catalogue's vocabulary. `category_hint` and `type_hint`
    (the dialogue's current topic) decide which attributes can constrain; `language` is the
    dialogue's language so far (detected from the message when it says enough)."""
    clean, injections = neutralise(text)
    lang = detect_language(clean, language or "en")
    english = to_english(clean, lang)
    out = Parsed(injections=injections, clean_text=clean, language=lang, english=english)
    low = _normalise(english)
    if lang == "en":
        low = correct(low, _known_words(vocab), _kind_words(vocab), vocab.pairs())
    low = lx.DARK_ROOM.sub(lambda m: f"{m.group('room')} needs lighting", low)
    low = lx.SYNONYM.sub(lambda m: _synonym(m.group(0), vocab), low)
    low = lx.GIVEN_UP.sub(lambda m: " " * len(m.group(0)), low)  # "swap my coffee for"
    low = lx.ASIDES.sub(lambda m: " " * len(m.group(0)), low)
    low = _take_drops(low, out)
    low = _take_rating(low, out)  # before prices: "at least 4 stars" is not $4
    out.flexible = [name for name, said in lx.FLEXIBLE.items() if said.search(low)]
    out.strict = [name for name, said in lx.STRICT.items() if said.search(low)]
    for said in [*lx.FLEXIBLE.values(), lx.STRICT_WORDS]:  # no needs ("stretch", "hard")
        low = said.sub(lambda m: " " * len(m.group(0)), low)
    prices, low = read_prices(low, currency, rates)
    out.min_price, out.max_price = prices.min_price, prices.max_price
    out.any_price, out.cheap, out.approximate = prices.any_price, prices.cheap, prices.approximate
    out.converted, out.unknown_currency = prices.converted, prices.unknown_currency
    if out.any_price:
        out.dropped.add("price")
    low = _take_gift(low, out)
    low = _take_unrequired(low, out)
    if lx.OTHER_BRAND.search(low):
        out.other_brand = True
        low = lx.OTHER_BRAND.sub(lambda m: " " * len(m.group(0)), low)
    low = lx.BEST_ONE.sub(lambda m: " " * len(m.group(0)), low)
    low = lx.HELP.sub(lambda m: " " * len(m.group(0)), low)
    if lx.CHEAPEST_IN_SHOP.search(low) or lx.CHEAPEST_WITH.search(low):
        out.cheapest = True
        out.dropped.add("price")
        low = lx.CHEAPEST_IN_SHOP.sub(_keep_middle, low)  # "decaf" in "the cheapest decaf one"
        low = lx.CHEAPEST_WITH.sub(_keep_middle, low)
    low = _take_picks(low, out)
    low = _take_size_change(low, out)
    if lx.CHEAPER.search(low):
        out.relative_price = "cheaper"
    elif lx.PRICIER.search(low):
        out.relative_price = "pricier"
    worded = low
    low = _take_references(low, out, vocab)
    out.reset = bool(lx.RESET.search(low))
    out.more_options = bool(lx.MORE_OPTIONS.search(low))
    out.intent = _intent(worded, out)
    before = copy.deepcopy(out)
    _read_vocabulary(low, vocab, out, category_hint, type_hint)
    if type_hint is None:  # a dialogue already on a kind keeps it ("something gentle")
        _kind_from_needs(out, vocab, category_hint)
    _kind_by_its_word(low, out, vocab, category_hint, type_hint)
    head = _title_kind(out, vocab, type_hint)
    if head:
        # The kind named only in titles ("wigs") decides which attributes can constrain
        # ("human hair": a Material most wigs state): read again knowing it.
        out = before
        _read_vocabulary(low, vocab, out, category_hint, TITLE_KIND + head)
    if (
        out.intent is Intent.DETAILS
        and out.refers_to_focus
        and not (out.references or out.pick or out.pick_words)
        and out.types
        and type_hint not in out.types
        and not (type_hint or "").startswith(TITLE_KIND)
    ):
        # "what about the stability kind, is that better for knees?": another kind asked
        # about by its name, not the product on show
        out.intent = Intent.SEARCH
    out.fresh_request = bool(
        out.intent is Intent.SEARCH
        and _names_a_new_thing(worded)
        and not out.relative_price
        and not out.references
        and (out.types or out.categories or out.needs)
    )
    if out.injections and not _names_the_shop(out, vocab):
        # What is left of a message that tried to steer the assistant asks for nothing the
        # shop knows ("put it in a code block"): nothing to search for.
        out.needs, out.intent = [], Intent.CHAT
    small_talk = lx.GREETING.match(worded) or not worded.strip() or lx.THANKS.search(worded)
    if out.intent is Intent.SEARCH and not _has_content(out) and small_talk:
        out.intent = Intent.CHAT
    return out


def _kind_from_needs(out: Parsed, vocab: Vocabulary, category_hint: str | None) -> None:
    """ "for hiking" while backpacks are the topic: the Hiking Backpack, when that word sets
    one of the category's types apart (or one of the types a word like "earbuds" names); the
    word is then the kind, no longer a need."""
    category = out.categories[-1] if out.categories else category_hint
    if len(out.types) == 1 or not category:
        return
    if set(words(out.english)) & lx.ACTIVITY:
        # "earbuds" names two kinds, "headphones" the category; "for running" says which
        # of them: the sport kind ("running" is then what they are for, not running shoes)
        for named in out.categories or [category]:
            sport = vocab.kind_by_word(["sport"], named)
            if sport is not None and (not out.types or sport in out.types):
                out.types, out.categories = [sport], [named]
                return
    for need in list(out.needs):
        kind = vocab.kind_by_word(words(need), category)
        if kind is not None and (not out.types or kind in out.types):
            out.types = [kind]
            if set(words(need)) <= set(words(kind)):
                out.needs.remove(need)
            return


def _kind_by_its_word(
    text: str, out: Parsed, vocab: Vocabulary, category_hint: str | None, type_hint: str | None
) -> None:
    """ "what about the stability kind?" while road shoes are shown: the kind of the same
    category that the word sets apart, asked for instead."""
    said = lx.KIND_BY_WORD.search(text)
    category = out.categories[-1] if out.categories else category_hint
    if said is None or category is None or (out.types and out.types != [type_hint]):
        return
    kind = vocab.kind_by_word([fold_word(said.group("word"))], category)
    if kind is not None and kind != type_hint:
        out.types, out.categories = [kind], [category]
        out.needs = [n for n in out.needs if said.group("word") not in words(n)]


def _title_kind(out: Parsed, vocab: Vocabulary, type_hint: str | None) -> str | None:
    """In an untyped catalogue, the title word naming the product asked for, when the first
    reading found one and none was given."""
    if out.types or vocab.has_types() or (type_hint or "").startswith(TITLE_KIND):
        return None
    return out.title_head(vocab)


def _synonym(word: str, vocab: Vocabulary) -> str:
    """The catalogue's word for an everyday one, unless the catalogue names a kind by the word
    itself ("films" are Movies even where "Film" is also a genre); beside the word where it
    names a value ("puppy": a dog, and the Formula "Puppy")."""
    entries = vocab.phrases.get(tuple(words(word)), [])
    if any(e.kind in (Kind.TYPE, Kind.CATEGORY) for e in entries):
        return word
    if any(e.kind is Kind.VALUE for e in entries):
        return f"{word} {lx.SYNONYMS[word]}"
    return lx.SYNONYMS[word]


def _known_words(vocab: Vocabulary) -> frozenset[str]:
    return _with_lexicon(vocab.known_words())


def _kind_words(vocab: Vocabulary) -> frozenset[str]:
    return _with_lexicon(vocab.kind_words())


@lru_cache(maxsize=16)
def _with_lexicon(catalogue_words: frozenset[str]) -> frozenset[str]:
    # Once per vocabulary, not per message: the vocabulary caches its word sets, so the same
    # set comes back each time (and typos.py's cache, keyed by the result, keeps hitting).
    return catalogue_words | _LEXICON_WORDS


_LEXICON_WORDS = lx.SHOPPING_WORDS | lx.FILLER | lx.NEGATORS | lx.BARE_CONTRACTIONS


def _normalise(text: str) -> str:
    text = re.sub(r"\s+", " ", plain_letters(unicodedata.normalize("NFKC", text).casefold()))
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def _blank(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]


def _take_drops(text: str, out: Parsed) -> str:
    for match in list(lx.DROP.finditer(text)):
        said = next((g for g in match.groups() if g), "")
        name = said.split()[-1] if said else ""
        name = lx.DROP_SYNONYMS.get(name, name)
        if name in ("it", "that", "this", "one", "which", "what"):
            continue
        out.dropped.add(name)
        text = _blank(text, match)
    return text


def _take_rating(text: str, out: Parsed) -> str:
    for match in list(lx.RATING.finditer(text)):
        value = float(next(g for g in match.groups() if g))
        if 0 < value <= 5:
            out.min_rating = value
            text = _blank(text, match)
    if out.min_rating is None and lx.HIGHLY_RATED.search(text):
        out.min_rating = 4.0
    return text


def _take_gift(text: str, out: Parsed) -> str:
    who = lx.RECIPIENT.search(text)
    if who and who.group("who") not in ("someone", "him", "her", "them"):
        out.recipient = who.group("who")
    if who or lx.GIFT.search(text):
        out.gift = bool(lx.GIFT.search(text)) or out.recipient is not None
    if who:
        text = _blank(text, who)
    text = lx.NO_IDEA.sub(lambda m: " " * len(m.group(0)), text)
    return lx.GIFT.sub(lambda m: " " * len(m.group(0)), text)


def _names_a_new_thing(text: str) -> bool:
    """ "I need a backpack", "looking for some tea": a request that names something, unlike "I
    want a good one" (about what is on the screen); "a decent lash glue" names one."""
    for match in lx.FRESH.finditer(text):
        for word in re.findall(r"[a-z0-9-]+", text[match.end() :])[:3]:
            if word not in lx.FILLER:
                return True
            if word in ("one", "ones", "it", "that", "this", "them", "the", "those", "these"):
                break
    return False


def _take_unrequired(text: str, out: Parsed) -> str:
    for pattern in (lx.NOT_REQUIRED, lx.DOES_NOT_MATTER, lx.FORGET, lx.EVEN_IF_NOT):
        for match in list(pattern.finditer(text)):
            said = match.group("what").split()[-3:]  # "fine, white doesn't matter": "white"
            out.unrequired += [w for w in said if w not in lx.FILLER]
            text = _blank(text, match)
    return text


def _names_the_shop(out: Parsed, vocab: Vocabulary) -> bool:
    return bool(
        any(map(vocab.title_kind, out.things))  # "heatless curlers": a kind titles name
        or out.types
        or out.categories
        or out.brands
        or out.exclude_brands
        or out.attributes
        or out.exclude_attributes
        or out.min_price is not None
        or out.max_price is not None
        or out.references
        or out.pick
    )


def _keep_middle(match: re.Match[str]) -> str:
    """The match blanked but for its `mid` group, which stays where it was."""
    whole, start = match.group(0), match.start()
    if not match.group("mid"):
        return " " * len(whole)
    a, b = match.start("mid") - start, match.end("mid") - start
    return " " * a + whole[a:b] + " " * (len(whole) - b)


def _take_picks(text: str, out: Parsed) -> str:
    price = lx.PICK_BY_PRICE.search(text)
    if price:
        low = price.group("low") or price.group("low2")
        out.pick = "cheapest" if low else "priciest"
        # "the cheapest leather one": the cheapest of the shown leather ones
        out.pick_words += [w for w in (price.group("mid") or "").split() if w not in lx.FILLER]
        text = text[: price.start()] + _keep_middle(price) + text[price.end() :]
    rating = lx.PICK_BY_RATING.search(text)
    if rating:
        out.pick = "best_rated"
        text = _blank(text, rating)
    return text


def _take_size_change(text: str, out: Parsed) -> str:
    match = lx.SIZE_CHANGE.search(text)
    if match and lx.SIZE_CONTEXT.search(text):
        out.size_change = "up" if match.group("up") else "down"
        text = _blank(text, match)
    return text


def _take_references(text: str, out: Parsed, vocab: Vocabulary) -> str:
    for match in list(lx.SAME_AS.finditer(text)):
        if match.group("key") in ("kind", "type", "style", "one", "thing"):
            continue  # "the same kind as": a similar product (lexicon.INTENTS)
        said = match.group("pos")
        position = lx.ORDINALS[said] if said else int(match.group("num") or 0)
        out.same_as.append((match.group("key"), position))
        text = _blank(text, match)
    pair = lx.COMPARE_PAIR.search(text)
    if pair:
        out.references += [int(pair.group(1)), int(pair.group(2))]
        text = _blank(text, pair)
    for match in list(lx.ORDINAL.finditer(text)):
        position = lx.ORDINALS[match.group(1)]
        count = lx.COUNT_WORDS.get(match.group(2) or "")
        if count and position == 1:  # "the first two"
            out.references += list(range(1, count + 1))
        elif count and position == -1:  # "the last two": resolved against the list later
            out.references += [-i for i in range(count, 0, -1)]
        else:
            out.references.append(position)
        text = _blank(text, match)
    for match in list(lx.ORDINAL_ALONE.finditer(text)):
        out.references.append(lx.ORDINALS[match.group(1)])
        text = _blank(text, match)
    for match in list(lx.NUMBERED.finditer(text)):
        out.references.append(int(match.group(1)))
        text = _blank(text, match)
    for match in list(lx.PICK_BY_WORDS.finditer(text)):
        said = [w for w in match.group(1).split() if w not in lx.FILLER and w not in ("other",)]
        phrase = tuple(words(" ".join(said)))
        kinds = {e.kind for e in vocab.phrases.get(phrase, [])}
        names_a_kind = bool(kinds & {Kind.TYPE, Kind.CATEGORY})
        if said and not names_a_kind:
            out.pick_words += said
            text = _blank(text, match)
    if lx.FOCUS.search(text):
        out.refers_to_focus = True
    return text


_ASKS_FOR_MORE = re.compile(
    r"\b(?:show me|find me|got any|do you have|any other|looking for|"
    # "I want it for the afternoon" is about the product in hand, not a request for more.
    r"i (?:want|need)(?! (?:it|them|that|this|those|these|one of (?:them|those|these))\b))\b"
)


# "does it have caffeine or anything like that": a hedge, not a request for similar products.
_OR_SO = re.compile(r"\b(?:or|and) (?:anything|something|stuff|things) (?:like|similar to) that\b")


def _intent(text: str, out: Parsed) -> Intent:
    text = _OR_SO.sub(" ", text)
    referring = bool(out.references) or out.refers_to_focus or bool(out.pick or out.pick_words)
    # "Panterra is the one my mom has. show me Panterra ones": a request for products, whatever
    # else the sentence refers to, unless it points at a shown one by position or by a word.
    searching = _ASKS_FOR_MORE.search(text) and not (out.references or out.pick or out.pick_words)
    for name, pattern in lx.INTENTS:
        if not pattern.search(text):
            continue
        intent = Intent(name)
        if searching and intent in (Intent.DETAILS, Intent.LIKE):
            continue
        if intent in (Intent.COMPARE, Intent.AGAIN, Intent.SIMILAR) or referring:
            return intent
    if out.size_change and referring:
        return Intent.SIMILAR  # "do you have it in a bigger size?"
    if out.references or out.pick or out.pick_words:
        return Intent.DETAILS  # "the second one?", "and the cheaper one?"
    if out.relative_price and out.refers_to_focus:
        return Intent.SIMILAR  # "that but cheaper"
    return Intent.SEARCH


# Vocabulary ------------------------------------------------------------------------------


def _read_vocabulary(
    text: str,
    vocab: Vocabulary,
    out: Parsed,
    category_hint: str | None,
    type_hint: str | None,
) -> None:
    surface = _TOKEN.findall(text)
    tokens = [fold_word(w) for w in surface]
    matches = vocab.find(tokens)
    negated = negated_matches(tokens, matches) | _disliked(surface, matches)
    sentences = cl.sentences(surface, matches)
    _opening_request(sentences[0], surface, tokens, vocab)
    short = sum(1 for t in surface if t.isalnum()) <= _SHORT or len(sentences) == 1
    context = {c for c in (category_hint, vocab.top_of.get(category_hint or "")) if c}
    for match in matches:
        context |= {
            e.category or e.name
            for e in match.entries
            if e.kind in (Kind.CATEGORY, Kind.TYPE) and not e.short
        }
    kinds = [(m, _kind_entries(m, vocab, context, tokens)) for m in matches]
    # "she chews straight through it": after a pronoun a kind's short name is a verb
    kinds = [
        (m, [] if e and all(x.short for x in e) and cl.after_pronoun(m, tokens) else e)
        for m, e in kinds
    ]
    # "coffee machine", "dog crate", "yoga pants": a kind's word before a noun the catalogue does
    # not know describes that noun; the request is for the noun.
    modifiers = {
        m
        for m, entries in kinds
        if entries and (_describes_unknown(m, tokens, vocab) or _in_passing(m, tokens, vocab))
    }
    kinds = [(m, [] if m in modifiers else entries) for m, entries in kinds]
    out.matched = any(m not in modifiers for m in matches)

    # In a long message that asks outright, only its asking sentences (and those naming a
    # kind) constrain: "green bean casserole" in a story about dinner is no colour.
    any_asks = any(s.asks for s in sentences)
    # "... I also need to buy a conditioner later": another purchase, not this request's kind
    kinds = [
        (m, [] if cl.another_purchase(m, tokens, cl.sentence_of(m, sentences)) else e)
        for m, e in kinds
    ]
    kinds_wanted = _most_specific(kinds, _wanted_kinds(kinds, sentences, negated), tokens)
    for match, entries in kinds:
        for entry in entries:
            if match in negated:
                if entry.kind is Kind.TYPE:
                    out.exclude_types.append(entry.name)
                continue
            if match not in kinds_wanted:
                continue
            if entry.kind is Kind.TYPE:
                out.types.append(entry.name)
                if entry.category:
                    out.categories.append(entry.category)
            else:
                out.categories.append(entry.name)
    out.types = list(dict.fromkeys(out.types))
    out.categories = list(dict.fromkeys(out.categories))
    _read_sizes(text, vocab, out, short, category_hint)
    kind_categories = [c for c in out.categories if c in _categories_of(out.types, vocab)]
    if out.types and kind_categories:
        # A named kind says its category; a category word said beside it ("dog shampoo for
        # sensitive skin") describes, it does not move the search to skin care.
        out.categories = kind_categories
    category = out.categories[-1] if out.categories else category_hint
    kind = out.types[-1] if out.types else (type_hint if not out.categories else None)
    out.refused_words += _refused_words(tokens, matches)
    need = [_is_need(t) for t in surface]
    for i in _negated_positions(tokens, matches, negated) | _complaints(surface, matches):
        need[i] = False
    for match, entries in kinds:
        if entries:  # the kind is a filter (or not wanted): its words are no need
            for i in range(match.start, match.end):
                need[i] = False
            continue
        if all(t in lx.NEGATORS for t in tokens[match.start : match.end]):
            continue  # "no" is a negation here, not the attribute value "No"
        sentence = cl.sentence_of(match, sentences)
        if cl.another_purchase(match, tokens, sentence):
            for i in range(match.start, match.end):
                need[i] = False
            continue
        asking = sentence.asks if any_asks else sentence.wants
        attached = (short or asking or sentence.kinds) and not cl.hedged(match, tokens)
        had = {k: set(v) for k, v in out.attributes.items()}
        keep = apply_value(
            match, tokens, surface, vocab, out, match in negated, attached, category, kind
        )
        if attached and match not in negated and cl.insisted(match, tokens):
            added = [k for k, v in out.attributes.items() if set(v) - had.get(k, set())]
            out.insisted = list(dict.fromkeys([*out.insisted, *added]))
        for i in range(match.start, match.end):  # ("looking" names a value, but is filler)
            need[i] = keep and match not in negated and _is_need(surface[i])
    _gather_needs(surface, need, sentences, short, out)


def _read_sizes(
    text: str, vocab: Vocabulary, out: Parsed, attached: bool, category_hint: str | None
) -> None:
    """ "the 1 oz one", "a 12 inch skillet": a size said as a measure becomes the size-like
    attribute values of that measure (1 oz and 1 fl oz alike), for the kind asked for."""
    category = out.categories[-1] if out.categories else category_hint
    kind = out.types[-1] if out.types else None
    for match in MEASURE.finditer(text):
        said = measure(match.group(0))
        if not said:
            continue
        # "at least 35 litres", "35 l or more": that size or any larger one
        larger = bool(
            _AT_LEAST_BEFORE.search(text[max(0, match.start() - 20) : match.start()])
            or _AT_LEAST_AFTER.match(text[match.end() : match.end() + 12])
        )
        # "ideally 35 litres or more": a size hoped for
        hedged = bool(lx.HEDGES_BEFORE & set(text[: match.start()].split()[-3:]))
        for key in SIZE_KEYS:
            if vocab.coverage(key, category, kind) < MIN_COVERAGE:
                continue
            same = [
                v
                for v in sorted(vocab.values.get(key, ()))
                if (m := measure(v)) is not None
                and (
                    same_size(m, said, _SIZE_TOLERANCE)
                    or (larger and comparable(m, said) and m[0] > said[0])
                )
            ]
            if same:
                # In a long message, a size in a sentence that asks is meant ("I need a
                # trekking backpack of 45 liters, a must; waterproof would be nice").
                asked = attached or cl.asks(_sentence_around(text, match.start()))
                target = out.attributes if asked and not hedged else out.soft_attributes
                target.setdefault(key, [])
                target[key] += [v for v in same if v not in target[key]]


_AT_LEAST_BEFORE = re.compile(r"\b(?:at least|minimum|min|no less than|more than|over)\s*$")
_AT_LEAST_AFTER = re.compile(r"\s*(?:or more|or bigger|or larger|or above|and up|plus|\+|above)")


def _sentence_around(text: str, at: int) -> str:
    start = max(text.rfind(mark, 0, at) for mark in ".!?;") + 1
    ends = [i for i in (text.find(mark, at) for mark in ".!?;") if i >= 0]
    return text[start : min(ends, default=len(text))]


def _in_passing(match: Match, tokens: list[str], vocab: Vocabulary) -> bool:
    """A top-level category said after a preposition ("something for home", "at the kitchen
    table") places the request; it does not name a kind."""
    tops = [
        e for e in match.entries if e.kind is Kind.CATEGORY and vocab.top_of.get(e.name) == e.name
    ]
    before = tokens[match.start - 1] if match.start else ""
    return (
        bool(tops)
        and len(tops) == len(match.entries)
        and before in ("for", "at", "in", "around", "to", "the")
    )


def _describes_unknown(match: Match, tokens: list[str], vocab: Vocabulary) -> bool:
    """A one-word kind name (a category's word, a kind's last word) right before a word the
    catalogue and the reader do not know."""
    if match.end - match.start != 1 or match.end >= len(tokens):
        return False
    named = {words(e.name)[-1:] == tokens[match.start : match.end] for e in match.entries}
    full_names = any(
        tuple(words(e.name)) == tuple(tokens[match.start : match.end]) for e in match.entries
    )
    following = tokens[match.end]
    if following in _PLACES and following not in vocab.kind_words():
        return True  # "the coffee shop downstairs", "a tea break": a place or a moment
    unknown = following.isalpha() and len(following) >= 3 and following not in _known_words(vocab)
    return unknown and not full_names and bool(named or match.entries)


# Where a kind is sold or had, said as a place ("the coffee shop downstairs", "a tea break"):
# the reader knows these as shopping words, but after a kind's word they ask for no kind.
# ("yoga class", "dog park" stay: the activity says what the shopper shops for.)
_PLACES = frozenset(
    {"shop", "shops", "store", "stores", "place", "cafe", "line", "queue", "break", "breaks",
     "date", "aisle", "section", "counter", "bar"}
)  # fmt: skip


def _categories_of(types: list[str], vocab: Vocabulary) -> set[str]:
    return {
        e.category
        for name in types
        for e in vocab.phrases.get(tuple(words(name)), [])
        if e.kind is Kind.TYPE and e.category
    }


def _kind_entries(
    match: Match, vocab: Vocabulary, context: set[str], tokens: list[str]
) -> list[Entry]:
    """The product types (one, or several for "earbuds") or the category a phrase names, when
    they can filter. A short name of one kind only ("bed" for Dog Bed, "food" for Dry Dog
    Food) counts only when the dialogue is about that kind's category (`context`): "I read in
    bed" is no dog bed."""
    if {e.kind for e in match.entries} == {Kind.BRAND}:
        return []
    types = [
        e
        for e in match.entries
        if e.kind is Kind.TYPE and vocab.coverage(TYPE_KEY, e.category) >= MIN_COVERAGE
    ]
    if len(types) == 1 and types[0].short and cl.everyday(tokens[match.start : match.end]):
        category = types[0].category
        if not category or not ({category, vocab.top_of.get(category, category)} & context):
            types = []
    if types:
        return types
    return [e for e in match.entries if e.kind is Kind.CATEGORY][:1]


def _most_specific(
    kinds: list[tuple[Match, list[Entry]]], wanted: set[Match], tokens: list[str]
) -> set[Match]:
    """Of the kinds asked for, leave out a broad name that a narrower one in the same message
    refines ("lamps" beside "a floor lamp", "shoes" beside "a stability shoe"), or whose words
    the other's name holds ("tea" beside "tea bags", though "tea" alone says loose leaf)."""
    groups = {m: {e.name for e in entries} for m, entries in kinds if m in wanted and entries}
    said = {m: set(tokens[m.start : m.end]) for m in groups}
    return {
        m
        for m, names in groups.items()
        if not any(
            other < names or (said[m] < said[n] and _same_category(names, other, kinds))
            for n, other in groups.items()
            if n is not m
        )
    }


def _same_category(a: set[str], b: set[str], kinds: list[tuple[Match, list[Entry]]]) -> bool:
    category = {e.name: e.category for _, entries in kinds for e in entries}
    return bool({category.get(x) for x in a} & {category.get(x) for x in b} - {None})


def _wanted_kinds(
    kinds: list[tuple[Match, list[Entry]]], sentences: list[cl.Sentence], negated: set[Match]
) -> set[Match]:
    """The product kinds the shopper asks for, not the ones they say they have: in a sentence
    that asks for something when there is one, else every kind not said as owned."""
    named = [m for m, e in kinds if e and m not in negated]
    if not named:
        return set()
    said_in = {m: cl.sentence_of(m, sentences) for m in named}
    # Those in sentences that ask outright first ("So I need a proper big stock pot"), then
    # in any sentence with a wish word, then any not said as owned.
    for cue in ("asks", "wants"):
        asking = {m for m in named if getattr(said_in[m], cue) and not said_in[m].owned}
        if asking:
            return asking
    return {m for m in named if not said_in[m].owned} or {named[-1]}


def negated_matches(tokens: list[str], matches: list[Match]) -> set[Match]:
    """The vocabulary phrases said under a negation: the first one a negation reaches (across
    small words like "from", "a", "any"), then every one coordinated with it ("or", "and", ",")
    until the clause ends; also "lavender free" / "lavender-free"."""
    starting = {m.start: m for m in matches}
    out: set[Match] = set()
    for i, token in enumerate(tokens):
        starts = (
            (token in lx.NEGATORS and token != "free")
            or (token == "but" and i > 0 and tokens[i - 1] in ("anything", "everything", "all"))
            or (token == "other" and i + 1 < len(tokens) and tokens[i + 1] == "than")
            or (token == "free" and i + 1 < len(tokens) and tokens[i + 1] == "of")
        )
        if not starts:
            continue
        j = i + 1
        seen: Match | None = None
        listed = False  # a word the shop does not know came first: "nothing glittery or shimmery"
        while j < len(tokens):
            if tokens[j] in lx.CLAUSE_BREAKS:
                break
            match = starting.get(j)
            if match is not None:
                if seen is not None and not _same_family(seen, match):
                    break
                if listed and seen is None and not _is_value(match):
                    break
                out.add(match)
                seen = match
                j = match.end
                continue
            if seen is not None and _starts_a_wish(tokens, j, seen):
                break  # "not Maneworks, for thick hair": what it is for is wanted
            if tokens[j] in lx.NEGATION_BRIDGE or tokens[j] in lx.NEGATORS:
                j += 1
                continue
            if seen is not None and tokens[j] in lx.COORDINATION:
                j += 1
                continue
            if seen is None and j + 1 < len(tokens) and tokens[j + 1] in _OR:
                listed, j = True, j + 2
                continue
            break
    for match in matches:
        if match.end < len(tokens) and tokens[match.end] == "free":
            out.add(match)
    return out


_OR = frozenset({"or", "nor", "/"})


def _starts_a_wish(tokens: list[str], at: int, seen: Match) -> bool:
    """Whether the word at `at`, after a refused phrase, begins what the shopper does want:
    "for" ("no fragrance for sensitive skin"), or "with" straight after the refusal or a comma
    ("not nonstick, with a glass lid"; but "nothing with fragrance or with parabens")."""
    if tokens[at] == "for":
        return True
    return tokens[at] == "with" and (at == seen.end or tokens[at - 1] == ",")


def _is_value(match: Match) -> bool:
    return all(e.kind in (Kind.VALUE, Kind.BRAND) for e in match.entries)


def _complained_of(surface: list[str], match: Match) -> bool:
    """A complaint follows the phrase ("cool white hurts my eyes", "cast iron is too heavy")
    or comes before it ("everything smells like coconut")."""
    before = " ".join(surface[max(0, match.start - 5) : match.start])
    return bool(
        lx.DISLIKED_AFTER.match(" ".join(surface[match.end : match.end + 4]))
        or lx.DISLIKED_BEFORE.search(before)
    )


def _disliked(surface: list[str], matches: list[Match]) -> set[Match]:
    """Values said with a complaint after them ("cool white hurts my eyes")."""
    return {
        m
        for m in matches
        if _complained_of(surface, m) and any(e.kind is Kind.VALUE for e in m.entries)
    }


def _complaints(surface: list[str], matches: list[Match]) -> set[int]:
    """The words of a complaint after a value ("cast iron is too heavy"): what the shopper
    does not want, never words to search for (a "Heavy-Duty" wok)."""
    out: set[int] = set()
    for m in matches:
        if _complained_of(surface, m):
            for j in range(m.end, min(len(surface), m.end + 4)):
                if surface[j] in lx.CLAUSE_BREAKS or surface[j] in lx.COORDINATION:
                    break
                out.add(j)
    return out


def _same_family(a: Match, b: Match) -> bool:
    """Coordination carries a negation on only to the same kind of thing ("not A or B" for two
    brands), not from a scent to a product type ("no lavender, a moisturizer")."""
    kinds_a = {e.kind for e in a.entries}
    kinds_b = {e.kind for e in b.entries}
    if Kind.TYPE in kinds_b or Kind.CATEGORY in kinds_b:
        return Kind.TYPE in kinds_a or Kind.CATEGORY in kinds_a
    return bool(kinds_a & kinds_b) or {Kind.VALUE, Kind.BRAND} >= kinds_a | kinds_b


def _negated_positions(tokens: list[str], matches: list[Match], negated: set[Match]) -> set[int]:
    """Words under a negation are never searched for ("no parabens" must not find parabens):
    the negated phrases, and plain words right after a negator."""
    positions = {i for m in negated for i in range(m.start, m.end)}
    covered = {i for m in matches for i in range(m.start, m.end)}
    for i, token in enumerate(tokens):
        if token in lx.NEGATORS and token != "free":
            for j in range(i + 1, min(len(tokens), i + 4)):
                if tokens[j] in lx.CLAUSE_BREAKS or tokens[j] in lx.COORDINATION:
                    break
                if j not in covered:
                    positions.add(j)
    return positions


_RARE_ENOUGH = 4.6  # wordfreq zipf: "glittery" 2.7, "tinted" 3.3, "pink" 4.5; "cheap" 4.7
_NEGATION_REACH = 12  # words after a negator that its list can run to
# After these a negation refuses nothing: "not sure if hydrating is enough", "I don't have
# oily skin", "I don't mind glitter".
_NOT_REFUSING = frozenset(
    {"sure", "certain", "know", "think", "mind", "matter", "care", "worry", "have", "has", "had",
     "remember", "wait", "forget", "problem", "issue", "big", "deal", "only", "just", "bad"}
)  # fmt: skip


def _refused_words(tokens: list[str], matches: list[Match]) -> list[str]:
    """The first plain word of each thing a negation reaches (across small words), and of each
    one coordinated with it: "nothing glittery or shimmery", "NOT a tinted one or a
    foundation/cushion/bb cream thing" (tinted, cushion, bb). Everyday words are no product
    facts ("no idea", "nothing that looks cheap")."""
    out: list[str] = []
    for i, token in enumerate(tokens):
        if token not in lx.NEGATORS or token == "free":
            continue
        taken = in_item = False
        for word in tokens[i + 1 : i + 1 + _NEGATION_REACH]:
            if word in lx.CLAUSE_BREAKS or word in _NOT_REFUSING:
                break
            if word in lx.COORDINATION:
                if not taken:
                    break
                in_item = False
                continue
            if word in lx.NEGATION_BRIDGE or word in lx.NEGATORS:
                continue
            if not word.isalnum():
                break
            if in_item or word in lx.FILLER or zipf_frequency(word, "en") >= _RARE_ENOUGH:
                continue  # the rest of "bb cream"; an everyday word
            out.append(word)
            taken = in_item = True
    return list(dict.fromkeys(out))


def _opening_request(
    first: cl.Sentence, surface: list[str], tokens: list[str], vocab: Vocabulary
) -> None:
    """A message that opens with a few words naming a kind, as typed in a search box ("hair
    dryer for my curls. it must come with a diffuser"), asks for that kind; not one that
    tells something ("bf's birthday is next week")."""
    said = tokens[first.start : first.end]
    if first.asks or first.owned or len(said) > _OPENING_WORDS:
        return
    if lx.TELLING & set(surface[first.start : first.end]):
        return
    first.kinds = first.kinds or any(pair in vocab.title_pairs for pair in itertools.pairwise(said))


_OPENING_WORDS = 6


def _is_need(token: str) -> bool:
    return (
        token.isalnum()
        and token not in lx.FILLER
        and token not in lx.NEGATORS
        and not token.replace(".", "").isdigit()
    )


def _gather_needs(
    surface: list[str],
    need: list[bool],
    sentences: list[cl.Sentence],
    short: bool,
    out: Parsed,
) -> None:
    """Runs of wanted words become needs; in a long message, only from the sentences about the
    request (a story about last summer is not what to search for)."""
    keep_sentences = [s for s in sentences if short or s.wants or s.kinds]
    if not short and any(s.asks for s in sentences):
        # A story: its words are for search only where it asks (or names a kind); "I've
        # tried everything from the drugstore" is no request.
        keep_sentences = [s for s in sentences if s.asks or s.kinds]
    out.story = not short
    named_only = len(words(out.english)) <= 4  # the whole message, prices and all
    out.asks_outright = named_only or any(s.asks for s in sentences)
    wished: list[str] = []  # in a long message, the things of sentences that ask come first
    for sentence in keep_sentences or sentences:
        phrase: list[str] = []
        for i in range(sentence.start, sentence.end + 1):
            wanted = i < sentence.end and need[i]
            if wanted:
                phrase.append(surface[i])
            elif phrase:
                out.needs.append(" ".join(phrase))
                start = i - len(phrase)
                at = start - 1
                while at >= sentence.start and surface[at] in lx.DETERMINERS:
                    at -= 1  # "for my face", "like the first one": the word before those
                before = surface[at] if at >= sentence.start else ""
                if before in ("under", "over") and at == start - 1:
                    before = ""  # "under eye patches", "over ear headphones": one name
                if before in ("for", "like") and at > sentence.start:
                    # "looking for a shampoo", "I'd like a shampoo" name it; "for curly hair"
                    # and "something like it" do not
                    before = "" if surface[at - 1] in lx.SEEKING else before
                if before == "like" and at > sentence.start and surface[at - 1] == ",":
                    before = ""  # "something for my gym bag, like a deodorant": an example
                if before == "to" and at > sentence.start and surface[at - 1] in lx.VAGUE_NOUNS:
                    before = "for"  # "something to put in my bag": what it is for, no thing
                follow = (w for w in surface[i : sentence.end] if w.isalnum())
                after = next(follow, "")  # "fragrance-free": the word past the hyphen
                if i < sentence.end and surface[i] in (",", ";", ":"):
                    after = ""  # "a deodorant, anything but a spray": the phrase ended there
                owner = surface[start - 1] if start > sentence.start else ""
                if before in lx.COPULAS and at != start - 1:
                    before = ""  # "is a good toner": a copula says what it is only right before
                if cl.after_subject(surface, start, sentence.start):
                    phrase = phrase[1:]  # "she always complains about": a verb, no thing
                # "my face", "her old boots": the shopper's own, not the product asked for
                thing = None if owner in cl.POSSESSIVES else _thing(phrase, before, after)
                owned = sentence.owned and not sentence.asks
                if thing and not (
                    owned and cl.OWNED.search(" ".join(surface[sentence.start : start]))
                ):
                    # ("i have a wedding saturday": what they have is not what they ask for)
                    (wished if sentence.asks and not short else out.things).append(thing)
                phrase = []
    out.needs = list(dict.fromkeys(out.needs))
    out.things = list(dict.fromkeys([*wished, *out.things]))
    # A message that opens with the thing ("scratching post for my cat") asks for it too.
    opening = next(
        (t for t in surface if t.isalpha() and t not in lx.FILLER and t not in lx.DETERMINERS),
        "",
    )
    if out.things and out.things[0].split()[0] == opening:
        out.asks_outright = True


def _thing(phrase: list[str], before: str, after: str) -> str | None:
    """The part of a need phrase that may name the product itself ("gentle cleanser" in "a
    gentle cleanser for dry skin"): not what follows "for", "with", "from" ("dry skin"), and not
    a description of a vague noun ("cute stuff", "something gentle")."""
    if (
        before in lx.NOT_A_THING_AFTER
        or before in lx.COPULAS  # "her hands being rough": how something is, no thing
        or (bool(phrase) and phrase[0] in lx.COPULAS)  # "her skin feels tight"
        or before in lx.VAGUE_NOUNS
        or after in lx.VAGUE_NOUNS
    ):
        return None
    cut = next((i for i, w in enumerate(phrase) if w in lx.NOT_A_THING_AFTER), len(phrase))
    kept = [w for w in phrase[:cut] if w.isalpha()]
    if after == "free" and cut == len(phrase):
        kept.append(after)
    while "free" in kept:  # "lotion fragrance free": the fragrance is what it is without
        at = kept.index("free")
        del kept[max(0, at - 1) : at + 1]
    while kept and (kept[-1] in lx.FILLER or kept[-1] in lx.NOT_A_HEAD or cl.adverb(kept[-1])):
        kept.pop()  # "shampoo that('s fine)", "claw clips specifically": the noun before
    return " ".join(kept) or None


def _has_content(out: Parsed) -> bool:
    return bool(
        out.categories
        or out.types
        or out.exclude_types
        or out.brands
        or out.exclude_brands
        or out.attributes
        or out.exclude_attributes
        or out.soft_attributes
        or out.needs
        or out.min_price is not None
        or out.max_price is not None
        or out.min_rating is not None
        or out.references
        or out.relative_price
        or out.any_price
        or out.cheap
        or out.dropped
        or out.pick
        or out.size_change
        or out.gift
    )


def negated_positions(tokens: list[str]) -> set[int]:
    """Positions of words said under a negation, without a vocabulary ("no Black color"
    claims nothing about black): used by the guardrail on the assistant's own sentences."""
    positions: set[int] = set()
    for i, token in enumerate(tokens):
        if token in lx.NEGATORS and token != "free":
            for j in range(i + 1, min(len(tokens), i + 4)):
                if tokens[j] in lx.CLAUSE_BREAKS:
                    break
                positions.add(j)
    return positions
