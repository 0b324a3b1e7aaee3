"""Whether the shop carries what a shopper asks for: a floor on the best match's relevance,
calibrated per catalogue rather than a constant, and the kinds of products other departments
sell that none of the shop's titles name.

In-catalogue probes are the catalogue's own kinds (its product types, else the first words of a
sample of its titles); off-catalogue probes are kinds of products other shops sell, less any the
catalogue's vocabulary knows. The floor lies between how well the first find their products and
how well the second find anything.
"""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from agent.reading.vocabulary import Kind, words
from agent.types import TYPE_KEY
from retrieval.types import Product

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
# More kinds of other departments, as shoppers name them. With OTHER_SHOPS they tell a request
# for something this shop does not sell even where a word of it is one of the shop's ("whey
# protein powder" in a shop of setting powders, "ink cartridges" beside tattoo cartridges).
ELSEWHERE = (
    # electronics and office
    "phone charger", "phone case", "iphone", "ipad", "airpods", "television", "yoga mat",
    "screen protector", "power bank", "usb cable", "hdmi cable", "aa battery", "aaa battery",
    "computer mouse", "keyboard", "monitor", "printer", "ink cartridge", "toner cartridge",
    "hard drive", "memory card", "webcam", "smartwatch", "fitness tracker", "gps",
    "drone", "projector", "soundbar", "record player", "calculator", "stapler", "notebook paper",
    "desk chair", "standing desk", "filing cabinet", "whiteboard",
    # appliances and kitchen
    "electric kettle", "toaster", "blender", "air fryer", "rice cooker", "slow cooker",
    "pressure cooker", "coffee machine", "espresso machine", "dishwasher", "freezer",
    "vacuum cleaner", "robot vacuum", "air purifier", "dehumidifier", "space heater",
    "ceiling fan", "air conditioner", "water filter", "sewing machine",
    # food, drink and supplements
    "protein powder", "whey protein", "protein bar", "creatine", "pre workout", "multivitamin",
    "fish oil", "whole bean coffee", "coffee beans", "ground coffee", "tea bags",
    "baby formula", "breakfast cereal", "olive oil",
    "cooking oil", "bottled water", "energy drink", "cigarette", "vape", "dog food", "cat food",
    # home, furniture and garden
    "bookshelf", "bookcase", "coffee table", "nightstand", "bunk bed", "bed sheet",
    "duvet", "pillowcase", "wallpaper", "light bulb", "extension cord",
    "smoke detector", "door lock", "paint roller", "wall paint", "ladder", "toolbox",
    "chainsaw", "leaf blower", "wheelbarrow", "plant pot", "potting soil", "fertilizer",
    "patio furniture", "swimming pool", "hot tub",
    # vehicles, sport and outdoors
    "car tire", "bike helmet", "bike lock", "motorcycle helmet", "windshield wiper",
    "car charger", "dash cam", "roof rack", "kayak", "surfboard", "snowboard", "ski boots",
    "treadmill", "exercise bike", "dumbbell", "kettlebell", "weight bench", "boxing gloves",
    "baseball bat", "hockey stick", "fishing reel",
    # clothes, jewellery, children and pets
    "jeans", "winter coat", "rain jacket", "dress shirt", "necktie", "high heels",
    "socks", "underwear", "swimsuit", "handbag", "necklace", "bracelet",
    "earrings", "wedding ring", "watch strap", "school uniform", "crib", "high chair",
    "pacifier", "baby monitor", "toy car", "lego", "stuffed animal", "video game",
    "dog collar", "dog leash", "litter box", "fish tank", "bird seed", "hamster cage",
    # media and services
    "movie ticket", "gift card", "phone plan",
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


def foreign_kinds(products: Iterable[Product]) -> tuple[tuple[str, ...], ...]:
    """The kinds of other shops (as folded words) that no product's title or kind names all
    the words of: what this shop does not sell."""
    kinds = list(dict.fromkeys(tuple(words(k)) for k in (*OTHER_SHOPS, *ELSEWHERE)))
    wanted = {w for kind in kinds for w in kind}
    holding: dict[str, set[int]] = defaultdict(set)
    for n, product in enumerate(products):
        said = words(f"{product.title} {product.attributes.get(TYPE_KEY, '')}")
        for word in wanted.intersection(said):
            holding[word].add(n)
    return tuple(k for k in kinds if not set.intersection(*(holding[w] for w in k)))


def named_elsewhere(
    foreign: Iterable[tuple[str, ...]], asked: Sequence[str], said: Sequence[str]
) -> str | None:
    """The kind of another shop the shopper asked for: all its words in what they said, one
    in the thing they asked for ("ink cartridges for an hp printer": printer ink)."""
    asked_words = {w for thing in asked for w in words(thing)}
    said_words = asked_words | {w for thing in said for w in words(thing)}
    for kind in foreign:
        if asked_words.intersection(kind) and said_words.issuperset(kind):
            return " ".join(kind)
    return None
