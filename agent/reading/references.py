"""Which shown product a shopper means when they say it by what it is, not where it is: "the
cheaper one", "the leather one", "the Sunward one", and the same product in another size."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from agent.reading.catalogue import Catalogue, family_of
from agent.reading.vocabulary import words
from retrieval.types import Product

Lookup = Callable[[str], Product | None]
SIZE_KEYS = ("Size", "Capacity", "Weight", "Liquid Volume", "Dog Size", "Unit Count")
_LETTER_SIZES = {"xxs": 0, "xs": 1, "s": 2, "small": 2, "m": 3, "medium": 3, "l": 4, "large": 4,
                 "xl": 5, "xxl": 6, "xxxl": 7}  # fmt: skip
# unit -> (size in the dimension's base unit, dimension). "oz" is either a volume or a weight:
# it compares with both (an ounce of cream and a fluid ounce differ by 4%).
_UNITS: dict[str, tuple[float, str]] = {
    "fl oz": (29.57, "volume"), "oz": (29.57, "oz"), "ml": (1.0, "volume"),
    "l": (1000.0, "volume"), "liter": (1000.0, "volume"),
    "quart": (946.0, "volume"), "qt": (946.0, "volume"),
    "g": (1.0, "weight"), "kg": (1000.0, "weight"), "lb": (453.6, "weight"),
    "lbs": (453.6, "weight"), "inch": (2.54, "length"), "in": (2.54, "length"),
    "cm": (1.0, "length"), "count": (1.0, "count"), "pack": (1.0, "count"),
    "hours": (1.0, "hours"),
}  # fmt: skip
MEASURE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(fl\.?\s*oz|oz|ml|liters?|litres?|l|g|kg|lbs?|inch|in|cm|quarts?|qt|count|"
    r"pack|hours)\b",
    re.IGNORECASE,
)


def pick_by_price(pool: Sequence[str], pick: str, lookup: Lookup) -> str | None:
    """The cheapest, priciest or best rated of the products in `pool` (unknown prices last)."""
    products = [p for p in (lookup(pid) for pid in pool) if p is not None]
    if pick == "best_rated":
        rated = [p for p in products if p.average_rating is not None]
        return (
            max(rated, key=lambda p: (p.average_rating or 0, p.rating_count)).id if rated else None
        )
    priced = [p for p in products if p.price is not None]
    if not priced:
        return None
    chosen = min(priced, key=_price) if pick == "cheapest" else max(priced, key=_price)
    return chosen.id


def pick_by_words(pool: Sequence[str], said: Sequence[str], lookup: Lookup) -> str | None:
    """The first product in `pool` whose brand, title or attribute values hold every word said
    ("the leather one", "the blue Sunward one")."""
    wanted = {w for w in words(" ".join(said)) if len(w) > 1}
    if not wanted:
        return None
    for pid in pool:
        product = lookup(pid)
        if product is None:
            continue
        text = " ".join([product.brand or "", product.title, *product.attributes.values()])
        if wanted <= set(words(text)):
            return pid
    return None


def another_size(product_id: str, direction: str, catalogue: Catalogue) -> str | None:
    """The same product in the next size up or down: a product of the same brand and kind
    whose title is the same once sizes are left out, with the nearest larger (or smaller)
    size; None when the family has no such size."""
    product = catalogue.get(product_id)
    if product is None:
        return None
    own = size_of(product)
    if own is None:
        return None
    line = _line(product)
    candidates: list[tuple[int, float, str]] = []
    own_attributes = set(product.attributes.items())
    for other_id in catalogue.siblings(product):
        other = catalogue.get(other_id)
        if other is None or other.id == product.id or _line(other) != line:
            continue
        size = size_of(other)
        if size is None:
            continue
        if (direction == "up" and size > own) or (direction == "down" and size < own):
            # The closest size of the variant most like this one (the same scent, colour...).
            shared = len(own_attributes & set(other.attributes.items()))
            candidates.append((-shared, abs(size - own), other.id))
    return min(candidates)[2] if candidates else None


def size_of(product: Product) -> float | None:
    """A comparable size: from a size-like attribute, else from the title."""
    for text in [*(product.attributes.get(k, "") for k in SIZE_KEYS), product.title]:
        measured = measure(text) if text else None
        if measured is not None:
            return measured[0]
    return None


def measure(text: str) -> tuple[float, str] | None:
    """A size as one comparable number and its dimension (a volume in ml, a weight in g, a
    length in cm, a letter size's order), or None."""
    letter = text.strip().casefold()
    if letter in _LETTER_SIZES:
        return float(_LETTER_SIZES[letter]), "letter"
    match = MEASURE.search(text)
    if not match:
        return None
    unit = re.sub(r"\s+", " ", match.group(2).casefold().replace(".", ""))
    if unit.startswith("fl"):
        unit = "fl oz"
    elif unit.endswith("quarts"):
        unit = "quart"
    elif unit.startswith("lit"):
        unit = "liter"
    scale, dimension = _UNITS.get(unit, (1.0, unit))
    return float(match.group(1)) * scale, dimension


def comparable(a: tuple[float, str], b: tuple[float, str]) -> bool:
    """Whether two sizes measure the same thing (an "oz" may be a volume or a weight)."""
    dims = {a[1], b[1]}
    return len(dims) == 1 or bool("oz" in dims and dims & {"volume", "weight"})


def same_size(a: tuple[float, str], b: tuple[float, str], tolerance: float) -> bool:
    return comparable(a, b) and abs(a[0] - b[0]) <= tolerance * max(a[0], b[0])


def _line(product: Product) -> tuple[tuple[str, str], str]:
    """A product line: its family, and its title's words once sizes and numbers are left out.
    Demo titles are "Brand Line Kind, Detail, Detail, Size", so the part before the first comma
    names the line; long marketplace titles vary more, so their first words must agree."""
    head = product.title.split(",")[0]
    stem = [w for w in words(MEASURE.sub(" ", head.casefold())) if not w[0].isdigit()]
    return family_of(product), " ".join(stem[:6])


def _price(product: Product) -> float:
    return product.price if product.price is not None else float("inf")
