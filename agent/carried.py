"""Whether the shop carries what a shopper asks for: a floor on the best match's relevance,
calibrated per catalogue rather than a constant.

In-catalogue probes are the catalogue's own kinds (its product types, else the first words of a
sample of its titles); off-catalogue probes are kinds of products other shops sell, less any the
catalogue's vocabulary knows. The floor lies between how well the first find their products and
how well the second find anything.
"""

from __future__ import annotations

import random
import statistics
from typing import TYPE_CHECKING

from agent.reading.vocabulary import Kind, words

if TYPE_CHECKING:
    from agent.shop import Shop

OTHER_SHOPS = (
    "laptop", "gaming laptop", "smartphone", "tablet", "television", "refrigerator",
    "washing machine", "microwave oven", "car battery", "winter tires", "brake pads",
    "motor oil", "lawn mower", "garden hose", "power drill", "hammer", "screwdriver set",
    "office chair", "sofa", "mattress", "bed frame", "dining table", "wardrobe", "curtains",
    "guitar strings", "piano", "drum kit", "printer ink", "router", "graphics card",
    "video game console", "camera lens", "tent", "sleeping bag", "fishing rod", "bicycle",
    "skateboard", "golf clubs", "tennis racket", "baby stroller", "car seat", "diapers",
    "cat litter", "bird cage", "aquarium", "wedding dress", "tuxedo", "engagement ring",
    "wristwatch", "sunglasses", "umbrella", "suitcase", "train tickets", "insurance",
    "concert tickets", "textbook", "novel", "board game", "puzzle", "paint brushes",
)  # fmt: skip
_SAMPLE = 60
_LOW_QUANTILE = 0.2  # the weaker end of how the catalogue's own kinds match


def calibrated_floor(shop: Shop) -> float:
    vocabulary = shop.vocabulary
    known = vocabulary.type_words | {w for c in vocabulary.top_of for w in words(c)}
    inside = [shop.best_score(q) for q in _own_kinds(shop)]
    outside = [shop.best_score(q) for q in OTHER_SHOPS if not set(words(q)) & known]
    if not inside or not outside:
        return 0.0
    low = _quantile(inside, _LOW_QUANTILE)
    high = _quantile(outside, 1 - _LOW_QUANTILE)
    return (low + high) / 2 if low > high else statistics.median([low, high])


def _own_kinds(shop: Shop) -> list[str]:
    kinds = sorted(
        {
            e.name
            for entries in shop.vocabulary.phrases.values()
            for e in entries
            if e.kind is Kind.TYPE
        }
    )
    if kinds:
        return kinds
    products = shop.products()
    sample = random.Random(0).sample(products, min(_SAMPLE, len(products)))
    return [" ".join(p.title.split()[:3]) for p in sample]


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
