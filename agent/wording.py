"""The shopper's wishes in words, in their language: the kind of product they are after and
their constraints ("moisturizers", "fragrance-free, up to $40.00"), for the rules backend's
answers, the why-lines and the LLM's view of the preferences. Connecting words come from the
language's reply template (prompts/replies_<language>.j2); catalogue values stay as the
catalogue writes them.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.prompts import phrases
from agent.reading.translate import native_name
from agent.reading.vocabulary import attribute_phrase, suits_everyone, words
from agent.render import format_price
from agent.types import Preferences


def kind_of(prefs: Preferences, count: int = 2, language: str = "en") -> str:
    """What the shopper is after: "moisturizers", "running shoes", "products"."""
    if prefs.product_types:
        return kind_name(prefs.product_types[0], count, language)
    if prefs.categories:
        category = prefs.categories[0]
        if language == "en":
            lowered = category.casefold()
            return lowered if lowered.endswith("s") else f"{lowered} products"
        native = native_name(category, language)
        if native is None:  # no word for the catalogue's category in this language
            return phrases(language).say("products_word", count)
        return _spanish_singular(native) if language == "es" and count == 1 else native
    return phrases(language).say("products_word", count)


# Nouns with no singular: one of them is "a pair of" or "a set of".
_PAIRS = frozenset(
    {
        "earbuds",
        "headphones",
        "shoes",
        "sneakers",
        "boots",
        "glasses",
        "jeans",
        "leggings",
        "shorts",
        "pants",
        "scissors",
        "tweezers",
        "gloves",
        "socks",
    }
)
_SETS = frozenset({"bands", "lights", "pods", "bags", "weights", "strips", "lashes"})


def kind_name(name: str, count: int, language: str) -> str:
    if language == "en":
        lowered = name.casefold()
        if count != 1:
            return plural(lowered)
        last = lowered.split()[-1] if lowered else ""
        if last in _PAIRS:
            return f"pair of {lowered}"
        if last in _SETS:
            return f"set of {lowered}"
        return lowered
    native = native_name(name, language)
    if native is None:
        return name
    if language == "es" and count != 1:
        return _spanish_plural(native)
    words = name.casefold().split()
    if language == "es" and words and words[-1] in _PAIRS:
        return f"par de {native}"  # "1 par de auriculares deportivos", not "1 auriculares"
    return native


def constraints(prefs: Preferences, language: str = "en") -> str:
    """The shopper's hard constraints in words, e.g. "fragrance-free, up to $30.00"."""
    say = phrases(language).say
    either = say("or_word")
    parts: list[str] = []
    for key, values in prefs.attributes.items():
        asked = _said([v for v in values if not suits_everyone(v)] or list(values))
        phrase = either.join(attribute_phrase(key, v) for v in asked)
        parts.append(phrase.casefold() if phrase.casefold().startswith(words(key)[0]) else phrase)
    if prefs.brands:
        parts.append(say("from_brands", either.join(prefs.brands)))
    if prefs.exclude_brands:
        parts.append(say("not_brands", either.join(prefs.exclude_brands)))
    if prefs.exclude_types:
        names = [kind_name(t, 2, language) for t in prefs.exclude_types]
        parts.append(say("not_kinds", either.join(names)))
    for key, values in prefs.exclude_attributes.items():
        parts.append(say("not_values", either.join(_said(values)), key.casefold()))
    parts += price_words(prefs, language)
    if prefs.min_rating is not None:
        parts.append(say("rated", f"{prefs.min_rating:g}"))
    return ", ".join(parts) if language != "zh" else "，".join(parts)


def _said(values: Sequence[str], most: int = 3) -> list[str]:
    """The values to name: a word said admits every value holding it ("cream": Cream,
    Cream,Gel, Lotion,Cream,Butter ...); the answer names the plainest few, once each."""
    plainest = sorted(dict.fromkeys(v.casefold() for v in values), key=lambda v: (len(v), v))
    single = [v for v in plainest if "," not in v]  # "Oil,Spray" is a list of values
    chosen = set((single or plainest)[:most])
    seen: set[str] = set()
    out = []
    for value in values:
        folded = value.casefold()
        if folded in chosen and folded not in seen:
            seen.add(folded)
            out.append(value)
    return out


def price_words(prefs: Preferences, language: str = "en") -> list[str]:
    say = phrases(language).say
    low, high = prefs.min_price, prefs.max_price
    if prefs.cheap and high is not None:
        return [say("cheap", format_price(high))]
    if low is not None and high is not None:
        return [say("between", format_price(low), format_price(high))]
    if high is not None:
        return [say("up_to", format_price(high))]
    if low is not None:
        return [say("from_price", format_price(low))]
    return []


def joined(items: Sequence[str], language: str = "en") -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    separator = "、" if language == "zh" else ", "
    return separator.join(items[:-1]) + phrases(language).say("and_word") + items[-1]


def plural(noun: str, language: str = "en") -> str:
    if language == "es":
        if noun.endswith(("s", "x")):
            return noun
        if noun.endswith("z"):
            return noun[:-1] + "ces"
        return noun + ("s" if noun[-1] in "aeiouáéó" else "es")
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun if noun.endswith("s") else noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _spanish_plural(phrase: str) -> str:
    """ "crema hidratante" -> "cremas hidratantes", "esterilla de yoga" -> "esterillas de yoga":
    every word up to the first preposition."""
    out: list[str] = []
    inflect = True
    for word in phrase.split():
        if word in _SPANISH_PREPOSITIONS:
            inflect = False
        out.append(plural(word, "es") if inflect else word)
    return " ".join(out)


_SPANISH_PREPOSITIONS = frozenset({"de", "del", "para", "con", "sin", "a", "al", "en", "y", "o"})


def _spanish_singular(phrase: str) -> str:
    """A category's plural name for one product: "mochilas" -> "mochila", "accesorios de
    café" -> "accesorio de café" (every word up to the first preposition)."""
    out: list[str] = []
    inflect = True
    for word in phrase.split():
        if word in _SPANISH_PREPOSITIONS:
            inflect = False
        if inflect and word.endswith("ces"):
            word = word[:-3] + "z"
        elif inflect and word.endswith(("les", "res", "nes", "des")) and len(word) > 4:
            word = word[:-2]
        elif inflect and word.endswith("s") and len(word) > 3:
            word = word[:-1]
        out.append(word)
    return " ".join(out)
