"""search_products: the shopper's constraints and the model's filters, one search under the
configured tail-exposure policy, cards with grounded why-lines.

The policy is fixed here, whatever the model asks: the shopper's own hard constraints always hold
(the stricter of the model's filters and the parsed ones wins); products already shown or named are
not recommended back unless the shopper asks for the list again; filter names the catalogue does
not know become search words instead of emptying the list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.explain import card
from agent.reading.parse import Intent
from agent.reading.safety import neutralise
from agent.reading.state import DialogueState, similar_to
from agent.reading.vocabulary import Entry, Kind, Vocabulary, words
from agent.tools.models import FilterArgs, ProductSummary, SearchProductsArgs, SearchResult
from agent.tools.turn import Turn
from agent.types import TYPE_KEY, Preferences
from retrieval.types import SearchFilters

if TYPE_CHECKING:
    from agent.tools.registry import Toolbox


def search_products(box: Toolbox, args: SearchProductsArgs, turn: Turn) -> SearchResult:
    shop = box.shop
    prefs = turn.state.preferences
    asked, notes, extra_query = canonical_filters(args.filters, shop.vocabulary)
    shown = turn.state.shown if turn.state.intent is not Intent.AGAIN else []
    # Products already shown or named are not recommended back (the shopper knows them).
    own = prefs.filters(exclude_ids=frozenset([*shown, *turn.state.mentioned]))
    allowed = turn.allowed_ids()
    like = [pid for pid in args.similar_to if pid in allowed]
    if len(like) < len(args.similar_to):
        notes.append("similar_to may only name products the shopper saw or named; others ignored")
    filters = stricter(asked, own)
    query = " ".join([args.query, *extra_query]).strip()
    clean_query, cut = neutralise(query)  # the model's words, which may repeat planted text
    turn.trace.injections += cut
    query = clean_query or query
    ranked = shop.search(query, filters, turn.k, turn.context, like)
    relaxed = None
    if not ranked and prefs.product_types and TYPE_KEY in filters.attributes:
        # No product of that kind meets the rest: show what does, and say so. The product kind
        # is the one constraint loosened; budgets, brands and exclusions never are.
        attributes = {k: v for k, v in filters.attributes.items() if k != TYPE_KEY}
        filters = filters.model_copy(update={"attributes": attributes})
        ranked = shop.search(query, filters, turn.k, turn.context, like)
        relaxed = "product type" if ranked else None
    cards = [
        card(
            r.candidate.product,
            r.candidate.band,
            prefs,
            rank=r.rank,
            score=r.candidate.score,
            propensity=r.propensity,
            copy_text=box.stored_copy(r.candidate.product),
        )
        for r in ranked
    ]
    turn.listed = cards
    turn.results.update({c.id: c for c in cards})
    return SearchResult(
        count=len(cards),
        products=[ProductSummary.of(c) for c in cards],
        applied_filters=filters.model_dump(exclude_defaults=True, mode="json"),
        relaxed=relaxed,
        notes=notes,
    )


def search_arguments(state: DialogueState) -> SearchProductsArgs:
    """The search a dialogue state calls for: its words, and what it should resemble."""
    return SearchProductsArgs(query=query_for(state.preferences), similar_to=similar_to(state))


def query_for(prefs: Preferences) -> str:
    """Search words: the product kind, the shopper's needs in their words, and the attribute
    values they asked for (filters keep the constraint; the words help rank within it)."""
    wanted = [v for values in prefs.attributes.values() for v in values]
    parts = [*prefs.product_types, *prefs.needs, *wanted]
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
