"""Simulated shoppers for a catalogue: each one wants one target product and asks for it the way a
person would, by its type, a couple of its attributes and sometimes a budget, never by its title.

How a request is made, for a target product:
1. Its type is the longest entry of PRODUCT_TYPES found in its title (products with none are not
   used as targets: a shopper could not name what they want).
2. Up to two of its attributes, in a fixed order of preference (skin type, hair type, scent, colour,
   item form, material), each phrased as a shopper would ("for sensitive skin", "lavender scent").
3. When the product has a price, half the shoppers add a budget: "under $X", X the next round
   amount at or above the price, which also becomes a hard max-price filter.
4. One of a few sentence templates, picked at random.

Targets are drawn in equal numbers from the head, torso and tail bands, so that accuracy on
tail targets is measured as well as on popular ones. Everything is deterministic for a seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.popularity import Band, PopularityBands
from retrieval.types import Product, SearchFilters

PRODUCT_TYPES = (
    "lipstick", "lip gloss", "lip balm", "lip liner", "lip stain", "mascara", "eyeliner",
    "eyeshadow palette", "eyeshadow", "eyebrow pencil", "brow gel", "false eyelashes", "eyelashes",
    "eyelash curler", "foundation", "concealer", "face powder", "loose powder", "setting spray",
    "primer", "blush", "bronzer", "highlighter", "makeup brush set", "makeup brushes",
    "makeup sponge", "makeup remover", "makeup bag", "nail polish", "gel polish", "nail art",
    "nail file", "nail clippers", "press on nails", "fake nails", "nail lamp", "cuticle oil",
    "shampoo", "dry shampoo", "conditioner", "hair mask", "hair oil", "hair serum", "hair spray",
    "hair gel", "hair dye", "hair color", "hair extensions", "wig", "lace front wig", "hair clips",
    "hair ties", "headband", "hair brush", "comb", "hair dryer", "flat iron", "curling iron",
    "hair straightener", "moisturizer", "face cream", "eye cream", "night cream", "face serum",
    "serum", "cleanser", "face wash", "toner", "face mask", "sheet mask", "sunscreen",
    "body lotion", "body wash", "body scrub", "body oil", "hand cream", "bath bomb", "bath salts",
    "soap", "deodorant", "perfume", "body spray", "essential oil", "beard oil", "shaving cream",
    "razor", "tweezers", "facial roller", "gua sha", "toothbrush", "teeth whitening", "tattoo",
    "temporary tattoo", "glitter", "face paint", "mirror", "cosmetic bag", "scrunchies",
)  # fmt: skip

_ATTRIBUTES = (
    ("Skin Type", "for {} skin"),
    ("Hair Type", "for {} hair"),
    ("Scent", "with a {} scent"),
    ("Color", "in {}"),
    ("Item Form", "in {} form"),
    ("Material", "made of {}"),
)
_TEMPLATES = (
    "I'm looking for {need}.",
    "Can you recommend {need}?",
    "I need {need}.",
    "Show me {need}, please.",
    "Any suggestions for {need}?",
)
_BUDGETS = (5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 100, 150, 200, 300, 500, 1000)


@dataclass(frozen=True)
class SimulatedRequest:
    session_id: str
    text: str
    filters: SearchFilters
    target_id: str
    target_band: Band


def product_type(title: str) -> str | None:
    lowered = " " + re.sub(r"[^a-z0-9]+", " ", title.casefold()) + " "
    found = [t for t in PRODUCT_TYPES if f" {t} " in lowered or f" {t}s " in lowered]
    return max(found, key=len) if found else None


def _attribute_phrases(product: Product, kind: str) -> list[str]:
    phrases = []
    for key, template in _ATTRIBUTES:
        value = product.attributes.get(key, "").split(",")[0].strip().casefold()
        # Values that say nothing ("all", "n/a") or repeat the type are no help to a shopper.
        if (
            not value
            or len(value) > 30
            or value in ("all", "n/a", "none", "other")
            or value in kind
        ):
            continue
        phrases.append(template.format(value))
    return phrases[:2]


def make_request(product: Product, band: Band, rng: random.Random, number: int) -> SimulatedRequest:
    kind = product_type(product.title)
    if kind is None:
        raise ValueError(f"no product type found in the title of {product.id}")
    article = "an" if kind[0] in "aeiou" else "a"
    need = " ".join([f"{article} {kind}", *_attribute_phrases(product, kind)])
    filters = SearchFilters()
    if product.price is not None and rng.random() < 0.5:
        budget = next((b for b in _BUDGETS if b >= product.price), None)
        if budget is not None:
            need += f" under ${budget}"
            filters = SearchFilters(max_price=float(budget))
    text = rng.choice(_TEMPLATES).format(need=need)
    return SimulatedRequest(f"sim-{number:05d}", text, filters, product.id, band)


def simulate_requests(
    products: Sequence[Product], bands: PopularityBands, per_band: int = 150, seed: int = 0
) -> list[SimulatedRequest]:
    rng = random.Random(seed)
    requests: list[SimulatedRequest] = []
    for band in (Band.HEAD, Band.TORSO, Band.TAIL):
        pool = [p for p in products if bands.band(p.id) is band and product_type(p.title)]
        for product in rng.sample(pool, min(per_band, len(pool))):
            requests.append(make_request(product, band, rng, len(requests)))
    return requests
