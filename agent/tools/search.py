"""search_products: the shopper's constraints and the model's filters, one search under the
configured tail-exposure policy, cards with grounded why-lines.

The policy is fixed here, whatever the model asks: the shopper's own hard constraints always hold
(the stricter of the model's filters and the parsed ones wins); products already shown or named are
not recommended back unless the shopper asks for the list again; filter names the catalogue does
not know become search words instead of emptying the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from agent.carried import named_elsewhere
from agent.explain import card
from agent.reading.lexicon import FILLER
from agent.reading.parse import Intent
from agent.reading.safety import neutralise
from agent.reading.state import DialogueState, similar_to
from agent.reading.titles import kind_reading, titled
from agent.reading.translate import untranslated
from agent.reading.vocabulary import Entry, Kind, Vocabulary, suits_everyone, words
from agent.tools.models import FilterArgs, ProductSummary, SearchProductsArgs, SearchResult
from agent.tools.turn import Turn
from agent.types import TYPE_KEY, Preferences, ProductCard
from retrieval.learning.signals import SessionItems
from retrieval.types import SearchFilters

if TYPE_CHECKING:
    from agent.shop import Shop
    from agent.tools.registry import Toolbox
    from retrieval.rerank.base import Ranked


# When nothing meets every constraint, these are loosened one at a time, in this order, and the
# first that brings results is the one the answer names: the kind of product is kept longest,
# exclusions ("not from X") never go.
RELAX_ORDER = ("attributes", "min_rating", "brands", "max_price", "min_price", "product_types")
_TITLE_WIDENING = 10  # how many more results to draw when the kind is read from titles


def search_products(box: Toolbox, args: SearchProductsArgs, turn: Turn) -> SearchResult:
    shop = box.shop
    state = turn.state
    prefs = state.preferences
    asked, notes, extra_query = canonical_filters(args.filters, shop.vocabulary)
    prefs, preferred = _with_preferences(prefs, args, shop.vocabulary)
    requested = [pid for pid in state.requested if shop.get(pid) is not None]
    filters = stricter(asked, prefs.filters(exclude_ids=_known(state, requested)))
    like = [pid for pid in args.similar_to if pid in turn.allowed_ids()]
    if len(like) < len(args.similar_to):
        notes.append("similar_to may only name products the shopper saw or named; others ignored")
    query = " ".join(dict.fromkeys([args.query, *extra_query, *preferred])).strip()
    clean_query, cut = neutralise(query)  # the model's words, which may repeat planted text
    turn.trace.injections += cut
    query = clean_query or query
    turn.context = replace(turn.context, session=session_items(state, like))
    ranked = _find(shop, query, filters, turn, like)
    short = not ranked or (len(ranked) < turn.k and not state.parsed.more_options)
    if short and filters.exclude_ids:
        # Too few new ones fit ("carbon steel, not cast iron" after a list of woks): the ones
        # already shown that meet every constraint complete the list, after the new ones
        # (only what the shopper refused stays out). "Other options" asks for new ones only.
        again = filters.model_copy(update={"exclude_ids": _refused(state, asked, requested)})
        new = {r.candidate.product.id for r in ranked}
        shown = [
            r for r in _find(shop, query, again, turn, like) if r.candidate.product.id not in new
        ]
        if shown or not ranked:
            filters = again
        ranked = [replace(r, rank=i) for i, r in enumerate([*ranked, *shown][: turn.k], start=1)]
    if not like and _not_carried(shop, state, query, ranked, requested, turn):
        turn.listed = []
        return SearchResult(
            count=0,
            products=[],
            applied_filters=filters.model_dump(exclude_defaults=True, mode="json"),
            not_carried=True,
            closest=_closest(shop, query),
            notes=notes,
        )
    relaxed = None
    met_by_titles: list[str] = []
    if not ranked and turn.state.title_kinds:
        ranked, loosened = _said_in_titles(shop, query, filters, turn, like)
        if ranked:
            met_by_titles = [k for k in filters.attributes if k not in loosened.attributes]
            filters = loosened
    if not ranked and not requested:
        refused = _refused(state, asked, requested)
        order = relax_order(args.relax_first, args.never_relax)
        insisted = frozenset(
            _canonical_key(k, shop.vocabulary) or k for k in args.never_relax_attributes
        )
        ranked, relaxed, filters = _relaxed(
            shop, query, filters, turn, like, refused, order, insisted
        )
    if state.parsed.cheapest and ranked:
        # The cheapest the shop has, shown before or not (only what was refused stays out).
        every = filters.model_copy(update={"exclude_ids": _refused(state, asked, requested)})
        wide = _find(shop, query, every, turn, like, turn.k * 8)
        ranked = _by_price(wide or ranked, turn.k)
    products = [*(shop.get_many(requested)), *(r.candidate.product for r in ranked)]
    ranks = {r.candidate.product.id: r for r in ranked}
    cards: list[ProductCard] = []
    for product in list({p.id: p for p in products}.values())[: turn.k]:
        placed = ranks.get(product.id)
        cards.append(
            card(
                product,
                placed.candidate.band if placed else shop.band(product.id),
                prefs,
                rank=len(cards) + 1,
                score=placed.candidate.score if placed else 1.0,
                propensity=placed.propensity if placed else 1.0,
                copy_text=box.stored_copy(product),
                asked_for=product.id in requested,
            )
        )
    turn.listed = cards
    turn.results.update({c.id: c for c in cards})
    return SearchResult(
        count=len(cards),
        products=[ProductSummary.of(c) for c in cards],
        applied_filters=filters.model_dump(exclude_defaults=True, mode="json"),
        relaxed=relaxed,
        met_by_titles=met_by_titles,
        requested=[pid for pid in requested if pid in ranks or pid in {c.id for c in cards}],
        notes=notes,
    )


def _find(
    shop: Shop,
    query: str,
    filters: SearchFilters,
    turn: Turn,
    like: Sequence[str],
    k: int | None = None,
) -> list[Ranked]:
    """One search. In a catalogue whose kinds show only in titles, the kind asked for is a
    constraint on the title: a wider search (and one for the kind's own words, so a long
    message's other words cannot crowd it out), kept to the products whose titles name it
    most squarely (else whose descriptions do: an "Eau de Parfum" is a perfume its title does
    not call one)."""
    k = k or turn.k
    kinds = turn.state.title_kinds
    if not kinds:
        return shop.search(query, filters, k, turn.context, like)
    wide_k = max(k * _TITLE_WIDENING, 50)
    wide = shop.search(query, filters, wide_k, turn.context, like)
    named = " ".join(kinds)
    if words(named) != words(query):
        seen = {r.candidate.product.id for r in wide}
        more = shop.search(named, filters, wide_k, turn.context, like)
        wide += [r for r in more if r.candidate.product.id not in seen]
    # A value refused ("nothing shimmery") or a plain word said under a negation ("nothing
    # glittery") is refused in the title too, where such a catalogue states most of its facts.
    refused = {
        word
        for values in filters.exclude_attributes.values()
        for value in values
        if len(words(value)) == 1
        for word in words(value)
    } | set(turn.state.refused_words)
    stems = tuple(_stem(w) for w in refused)
    wide = [r for r in wide if not _has_stem(r.candidate.product.title, stems)]
    kept = _squarely(wide, kinds, query)
    kept = kept or [r for r in wide if titled(r.candidate.product, kinds, described=True)]
    return [replace(r, rank=i) for i, r in enumerate(kept[:k], start=1)]


def _stem(word: str) -> str:
    """ "glittery" -> "glitter", "tinted" -> "tint", "sprays" -> "spray": what a title's
    word for the same thing starts with."""
    for end in ("ing", "ed", "y", "es", "s"):
        if word.endswith(end) and len(word) - len(end) >= 4:
            return word[: -len(end)]
    return word


def _has_stem(title: str, stems: Sequence[str]) -> bool:
    """Whether the title says one of the refused things ("Paraben Free", "No Glitter" do not)."""
    said = words(title)
    return any(
        w.startswith(s)
        and said[i + 1 : i + 2] != ["free"]
        and said[i - 1 : i] not in (["no"], ["non"], ["without"], ["zero"])
        for i, w in enumerate(said)
        for s in stems
    )


def _squarely(wide: list[Ranked], kinds: Sequence[str], query: str) -> list[Ranked]:
    """The results whose titles name the kind asked for, in the re-ranker's order; where some
    name the whole kind ("eyelash curler"), not those naming only its head word (a hair
    curler). Things for the kind ("toothbrush travel case") come after the kind itself, unless
    the shopper's words name what they are ("a travel case for my toothbrush")."""
    said = set(words(query)) - FILLER - {w for kind in kinds for w in words(kind)}
    readings = [kind_reading(r.candidate.product, kinds) for r in wide]
    own = min((tier for tier, _ in readings if tier < 2), default=2)
    first: list[Ranked] = []
    later: list[Ranked] = []
    for r, (tier, instead) in zip(wide, readings, strict=True):
        if tier == own or (tier == 2 and instead & said):
            first.append(r)
        elif tier == 2:
            later.append(r)
    return first + later


def session_items(state: DialogueState, like: Sequence[str]) -> SessionItems:
    """What the session is about, for the collaborative signal: products it liked or asks to
    resemble, products named in the dialogue, and what the shopper turned down."""
    prefs = state.preferences
    return SessionItems(
        liked=tuple(dict.fromkeys([*like, *state.requested, *prefs.liked])),
        mentioned=tuple(state.mentioned),
        disliked=tuple(prefs.rejected),
    )


def _known(state: DialogueState, requested: list[str]) -> frozenset[str]:
    """Products not to recommend back: the ones already shown (unless the shopper asks for the
    list again, or for something cheaper or pricier, which earlier ones may well be) and the
    ones they named as their own; never the ones they ask for by name."""
    shown: list[str] = []
    if state.intent is not Intent.AGAIN and state.parsed.relative_price is None:
        shown = state.shown
    return frozenset([*shown, *state.mentioned]) - set(requested)


def _refused(state: DialogueState, asked: SearchFilters, requested: list[str]) -> frozenset[str]:
    """What stays out even when shown products come back: what the shopper turned down or
    has, and what the model excluded."""
    owned = set(state.mentioned) - set(requested)
    return frozenset(state.preferences.rejected) | asked.exclude_ids | owned


def _relaxed(
    shop: Shop,
    query: str,
    filters: SearchFilters,
    turn: Turn,
    like: Sequence[str],
    refused: frozenset[str],
    order: Sequence[str] = RELAX_ORDER,
    insisted: frozenset[str] = frozenset(),
) -> tuple[list[Ranked], str | None, SearchFilters]:
    """The closest results when nothing meets every constraint: those that break only one,
    the first of `order` that brings any (nearest price first when it is the budget);
    new products first, else ones shown before (never the `refused`). Of several wished
    attributes, the `insisted` ones give way last."""
    for name in order:
        for tries in _loosenings(filters, name, insisted):
            found = []
            for loosened in tries:
                ranked = _find(shop, query, loosened, turn, like, turn.k * 4)
                if not ranked and loosened.exclude_ids != refused:
                    loosened = loosened.model_copy(update={"exclude_ids": refused})
                    ranked = _find(shop, query, loosened, turn, like, turn.k * 4)
                if ranked:
                    found.append((ranked, loosened))
            if not found:
                continue
            # of equally small loosenings, the one whose best match is closest to the request
            ranked, loosened = max(found, key=lambda f: f[0][0].candidate.score)
            if name in ("max_price", "min_price"):
                return _by_price(ranked, turn.k, descending=name == "min_price"), name, loosened
            top = [replace(r, rank=i) for i, r in enumerate(ranked[: turn.k], start=1)]
            return top, name, loosened
    return [], None, filters


def _said_in_titles(
    shop: Shop, query: str, filters: SearchFilters, turn: Turn, like: Sequence[str]
) -> tuple[list[Ranked], SearchFilters]:
    """Where titles state a catalogue's facts, a wished value no product lists among its
    attributes may stand in its titles ("the magnetic kind": Magnetic Eyelashes): those
    products meet it, with no constraint loosened."""
    wished = {k: v for k, v in filters.attributes.items() if k != TYPE_KEY}
    if not wished:
        return [], filters
    loosened = without(filters, "attributes")
    found = _find(shop, query, loosened, turn, like, turn.k * 4)

    def states(r: Ranked) -> bool:  # for each key, every word of one value, in any form
        said = {_stem(t) for t in words(r.candidate.product.title)}
        return all(
            any(all(_stem(w) in said for w in words(v)) for v in values)
            for values in wished.values()
        )

    kept = [r for r in found if states(r)]
    if not kept:
        return [], filters
    return [replace(r, rank=i) for i, r in enumerate(kept[: turn.k], start=1)], loosened


def _loosenings(
    filters: SearchFilters, name: str, insisted: frozenset[str] = frozenset()
) -> list[list[SearchFilters]]:
    """The ways to leave out one of the shopper's constraints, smallest first: of several
    wished attributes, any one of them ("waterproof, in white": white, or waterproof), those
    not insisted on first ("must be fragrance-free, for sensitive skin": the skin type), then
    all of them."""
    loosened = without(filters, name)
    if loosened == filters:
        return []
    wished = [k for k in filters.attributes if k != TYPE_KEY]
    if name != "attributes" or len(wished) < 2:
        return [[loosened]]

    def one_less(keys: list[str]) -> list[SearchFilters]:
        return [
            filters.model_copy(
                update={"attributes": {k: v for k, v in filters.attributes.items() if k != key}}
            )
            for key in keys
        ]

    free = [k for k in wished if k not in insisted]
    if free and len(free) < len(wished):
        return [one_less(free), one_less([k for k in wished if k in insisted]), [loosened]]
    return [one_less(wished), [loosened]]


def relax_order(first: Sequence[str], never: Sequence[str]) -> tuple[str, ...]:
    """RELAX_ORDER with what the shopper called flexible first and what they insist on left
    out."""
    ordered = dict.fromkeys([*first, *RELAX_ORDER])
    return tuple(name for name in ordered if name not in never)


def _with_preferences(
    prefs: Preferences, args: SearchProductsArgs, vocab: Vocabulary
) -> tuple[Preferences, list[str]]:
    """The model's soft preferences and language folded into the shopper's preferences (so
    the reasons on the cards name them, in that language), and the words they add to the
    query: a preference ranks, it never filters."""
    soft = {k: tuple(v) for k, v in prefs.soft_attributes.items()}
    words: list[str] = [_brand(b, vocab) for b in args.prefer.brands]
    for key, values in args.prefer.attributes.items():
        name = _canonical_key(key, vocab) or key
        known = [_canonical_value(name, v, vocab) or v for v in values]
        soft[name] = tuple(dict.fromkeys([*soft.get(name, ()), *known]))
        words += known
    update: dict[str, Any] = {"soft_attributes": soft}
    if args.language is not None:
        update["language"] = args.language
    return prefs.model_copy(update=update), words


def _by_price(ranked: Sequence[Ranked], k: int, descending: bool = False) -> list[Ranked]:
    """The nearest prices first (to a budget that could not be met, or the cheapest asked
    for), ranks renumbered."""

    def price(r: Ranked) -> tuple[bool, float]:  # an unknown price comes last either way
        value = r.candidate.product.price
        return value is None, 0.0 if value is None else (-value if descending else value)

    ordered = sorted(ranked, key=price)[:k]
    return [replace(r, rank=i) for i, r in enumerate(ordered, start=1)]


def without(filters: SearchFilters, name: str) -> SearchFilters:
    """The filters with one of the shopper's constraints (a Preferences field name) left out."""
    if name in ("attributes", "product_types"):
        keep_kind = name == "attributes"
        kept = {k: v for k, v in filters.attributes.items() if (k == TYPE_KEY) == keep_kind}
        return filters.model_copy(update={"attributes": kept})
    cleared: dict[str, Any] = {
        "brands": (),
        "min_rating": None,
        "max_price": None,
        "min_price": None,
    }
    if name in cleared:
        return filters.model_copy(update={name: cleared[name]})
    return filters


def _not_carried(
    shop: Shop,
    state: DialogueState,
    query: str,
    ranked: Sequence[Ranked],
    requested: list[str],
    turn: Turn,
) -> bool:
    """The shop does not sell what was asked for: no kind, category or brand of the catalogue
    was named (nor, where kinds show only in titles, a kind its titles name), and even the
    best match, whatever the price or rating asked, is weaker than the catalogue's own
    products match their kind (the floor is calibrated per catalogue, Shop.match_floor)."""
    prefs, parsed = state.preferences, state.parsed
    if requested:
        return False
    if parsed.intent is Intent.SEARCH and named_elsewhere(
        shop.foreign_kinds, parsed.things[:1], [*parsed.things, *parsed.needs]
    ):
        # The first thing asked for is another department's product, even where a word of it
        # is the shop's ("whey protein powder" among setting powders, "an electric kettle ...
        # for tea" in a tea shop); not a sofa in a story about a smart bulb.
        return True
    if prefs.product_types or prefs.categories or prefs.brands:
        return False
    if state.title_kinds:
        return False
    if state.asked_clarification or prefs.recipient or parsed.gift:
        return False  # an answer to our question, or a gift: search with what is known
    if state.untitled and parsed.intent is Intent.SEARCH:
        # kinds show only in titles, and none names what was asked ("a charger"), nor do its
        # words stand together in a title
        return not _in_a_title(shop, parsed.request_things(), turn)
    if not parsed.needs or parsed.intent is not Intent.SEARCH or not parsed.asks_outright:
        return False
    foreign = any(untranslated(n, parsed.language) for n in parsed.needs)
    if shop.vocabulary.has_types() and not parsed.matched and not foreign:
        # A catalogue that names its kinds: a request in none of its words ("a laptop" where
        # only laptop backpacks are sold) is for something it does not carry.
        return True
    if not shop.vocabulary.has_types() and not shop.vocabulary.title_words:
        # A catalogue whose titles are names ("Jumanji (2017)") and that names no kinds: a
        # request in no words of it ("anything with Emilia Fox?") is not for another kind of
        # product, and a weak match says nothing about what the shop carries.
        return False
    if not ranked:  # the price or rating may be what nothing meets; the words are judged here
        ranked = shop.search(query, SearchFilters(), 1, turn.context)
    best = ranked[0].candidate.score if ranked else 0.0
    return best < shop.match_floor()


def _in_a_title(shop: Shop, things: Sequence[str], turn: Turn) -> bool:
    """Two or more words of a thing asked for stand in one title among its best matches: the
    shop sells it even when its last word names no kind ("disney frozen townley", "jellies
    blueberry cobbler"); "phone charger" in a beauty shop finds no title with both."""
    for thing in things:
        said = set(words(thing))
        if len(said) < 2:
            continue
        for hit in shop.search(thing, SearchFilters(), _TITLE_CHECK, turn.context):
            if len(said & set(words(hit.candidate.product.title))) >= 2:
                return True
    return False


_TITLE_CHECK = 3  # best matches whose titles are read


def _closest(shop: Shop, query: str) -> list[str]:
    """The categories nearest to what was asked; not one that is most of the shop ("All
    Beauty" in a beauty shop is no suggestion)."""
    sizes = shop.vocabulary.category_sizes
    return [c for c in shop.closest_categories(query) if sizes[c] * 2 < sizes[""]]


def search_arguments(state: DialogueState) -> SearchProductsArgs:
    """The search a dialogue state calls for: its words, and what it should resemble."""
    return SearchProductsArgs.model_validate(
        {
            "query": query_for(state.preferences),
            "similar_to": similar_to(state),
            "relax_first": [n for n in state.flexible if n not in state.strict],
            "never_relax": list(state.strict),
            "never_relax_attributes": list(state.insisted),
        }
    )


def query_for(prefs: Preferences) -> str:
    """Search words: the product kind, the shopper's needs in their words, and the attribute
    values they asked for (filters keep the constraint; the words help rank within it), not
    those that suit everyone ("All Skin Types" passes the filter, but is not what was said)."""
    wanted = [v for values in prefs.attributes.values() for v in values if not suits_everyone(v)]
    soft = [v for values in prefs.soft_attributes.values() for v in values]
    parts = [*prefs.product_types, *prefs.needs, *wanted, *soft]
    if not parts:
        parts = list(prefs.categories)
    return " ".join(dict.fromkeys(parts))[:300] or "popular products"


def canonical_filters(
    args: FilterArgs, vocab: Vocabulary
) -> tuple[SearchFilters, list[str], list[str]]:
    """The model's filters in the catalogue's own names. Names the catalogue does not know are
    not filtered on (a typo must not empty the list); they become search words, with a note."""
    notes: list[str] = []
    extra: list[str] = []
    categories: list[str] = []
    for name in args.categories:
        known = _lookup(name, vocab, Kind.CATEGORY) or _lookup(name, vocab, Kind.TYPE)
        if known is not None and known.kind is Kind.CATEGORY:
            categories.append(known.name)
        else:
            extra.append(name)
            notes.append(f"'{name}' is not a catalogue category; searched for it as words")
    attributes: dict[str, tuple[str, ...]] = {}
    avoided: dict[str, tuple[str, ...]] = {}
    for source, target in ((args.attributes, attributes), (args.exclude_attributes, avoided)):
        for key, values in source.items():
            canonical_key = _canonical_key(key, vocab)
            known_values = [_canonical_value(canonical_key, v, vocab) for v in values]
            if canonical_key is None or not all(known_values):
                if target is attributes:
                    extra += list(values)
                notes.append(f"attribute '{key}' = {values} is not in the catalogue; not filtered")
                continue
            target[canonical_key] = tuple(v for v in known_values if v)
    if _reversed(args):
        notes.append("min_price was above max_price; price filters ignored")
        return SearchFilters(), notes, extra
    filters = SearchFilters(
        min_price=args.min_price,
        max_price=args.max_price,
        categories=tuple(categories),
        brands=tuple(_brand(b, vocab) for b in args.brands),
        exclude_brands=tuple(_brand(b, vocab) for b in args.exclude_brands),
        attributes=attributes,
        exclude_attributes=avoided,
        min_rating=args.min_rating,
    )
    return filters, notes, extra


def stricter(a: SearchFilters, b: SearchFilters) -> SearchFilters:
    """Both sets of constraints at once: the higher floor, the lower cap, every exclusion."""

    def tighter(x: float | None, y: float | None, pick: Any) -> float | None:
        return y if x is None else x if y is None else pick(x, y)

    low = tighter(a.min_price, b.min_price, max)
    high = tighter(a.max_price, b.max_price, min)
    if low is not None and high is not None and low > high:
        low = None  # the shopper's own words (b) keep their cap; an impossible floor goes
    attributes = {**a.attributes, **b.attributes}
    avoided = {
        k: tuple({*a.exclude_attributes.get(k, ()), *b.exclude_attributes.get(k, ())})
        for k in {*a.exclude_attributes, *b.exclude_attributes}
    }
    return SearchFilters(
        min_price=low,
        max_price=high,
        categories=b.categories or a.categories,
        brands=b.brands or a.brands,
        exclude_brands=tuple(dict.fromkeys([*a.exclude_brands, *b.exclude_brands])),
        attributes=attributes,
        exclude_attributes=avoided,
        min_rating=tighter(a.min_rating, b.min_rating, max),
        exclude_ids=a.exclude_ids | b.exclude_ids,
    )


def _lookup(name: str, vocab: Vocabulary, kind: Kind) -> Entry | None:
    for entry in vocab.phrases.get(tuple(words(name)), []):
        if entry.kind is kind:
            return entry
    return None


def _brand(name: str, vocab: Vocabulary) -> str:
    entry = _lookup(name, vocab, Kind.BRAND)
    return entry.name if entry else name


def _canonical_key(key: str, vocab: Vocabulary) -> str | None:
    folded = words(key)
    return next((k for k in vocab.values if words(k) == folded), None)


def _canonical_value(key: str | None, value: str, vocab: Vocabulary) -> str | None:
    if key is None:
        return None
    folded = words(value)
    return next((v for v in vocab.values.get(key, ()) if words(v) == folded), None)


def _reversed(args: FilterArgs) -> bool:
    return (
        args.min_price is not None
        and args.max_price is not None
        and args.min_price > args.max_price
    )
