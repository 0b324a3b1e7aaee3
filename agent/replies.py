"""The rules backend's words: search queries from preferences, and replies from tool results.

Replies restate only what the tool results and the shopper's own preferences say, so they are
grounded by construction. The product list itself is rendered under the reply (render.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agent.dialogue import DialogueState
from agent.render import format_price
from agent.shop import Shop
from agent.types import Preferences
from agent.understand import Intent
from agent.vocabulary import attribute_phrase, words
from retrieval.types import attribute_values

Observation = tuple[str, dict[str, Any]]  # (tool name, its result)


def query_for(prefs: Preferences, shop: Shop) -> str:
    """Search words: the product kind, the shopper's needs in their words, and the attribute
    values they asked for (filters keep the constraint; the words help rank within it)."""
    wanted = [v for values in prefs.attributes.values() for v in values]
    parts = [*prefs.product_types, *prefs.needs, *wanted]
    if not parts:
        parts = list(prefs.categories)
    return " ".join(dict.fromkeys(parts)) or "popular products"


def compose(state: DialogueState, observations: Sequence[Observation], shop: Shop) -> str:
    if not observations:
        return _talk(state, shop)
    name, result = observations[-1]
    if "error" in result:
        return f"Sorry, I couldn't do that: {result['error']}"
    if name == "search_products":
        return _search_reply(state, result)
    if name == "get_product":
        return _details_reply(state, result["product"])
    if name == "compare_products":
        return _compare_reply(result)
    if name == "write_product_copy":
        return f"Here is a short description of {result['title']}: {result['copy']}"
    return "Done."


def what(prefs: Preferences, count: int = 2) -> str:
    """What the shopper is after, in words: "moisturizers", "running shoes", "products"."""
    if prefs.product_types:
        kind = prefs.product_types[0].casefold()
        return kind if count == 1 else _plural(kind)
    if prefs.categories:
        category = prefs.categories[0].casefold()
        return category if category.endswith("s") else f"{category} products"
    return "product" if count == 1 else "products"


def constraints(prefs: Preferences) -> str:
    """The shopper's hard constraints in words, e.g. "fragrance-free, under $30"."""
    parts: list[str] = []
    for key, values in prefs.attributes.items():
        phrase = " or ".join(attribute_phrase(key, v) for v in values)
        parts.append(phrase.casefold() if phrase.casefold().startswith(words(key)[0]) else phrase)
    if prefs.brands:
        parts.append("from " + " or ".join(prefs.brands))
    if prefs.exclude_brands:
        parts.append("not from " + " or ".join(prefs.exclude_brands))
    for key, values in prefs.exclude_attributes.items():
        parts.append(f"no {' or '.join(values)} {key.casefold()}")
    low, high = prefs.min_price, prefs.max_price
    if low is not None and high is not None:
        parts.append(f"between {format_price(low)} and {format_price(high)}")
    elif high is not None:
        parts.append(f"up to {format_price(high)}")
    elif low is not None:
        parts.append(f"from {format_price(low)}")
    if prefs.min_rating is not None:
        parts.append(f"rated {prefs.min_rating:g} or more")
    return ", ".join(parts)


def _talk(state: DialogueState, shop: Shop) -> str:
    parsed, prefs = state.parsed, state.preferences
    examples = ", ".join(shop.categories()[:4]).casefold()
    if parsed.injections and not state.parsed.needs:
        return "I can only help you find products in this shop. What are you looking for?"
    if parsed.intent is Intent.CHAT and state.user_turns > 1:
        return "You're welcome! Is there anything else you'd like to find?"
    if parsed.intent is Intent.COMPARE:
        return "Which products should I compare? For example: compare the first two."
    if parsed.intent in (Intent.DETAILS, Intent.LIKE, Intent.COPY):
        if not state.last_list:
            return "I haven't shown you any products yet. What are you looking for?"
        return (
            f"Which product do you mean? The last list has {len(state.last_list)}; "
            "say for example 'the first one'."
        )
    if prefs.is_vague() and not state.asked_clarification and state.user_turns > 0:
        hint = f"I can search {examples} and more. " if examples else ""
        return f"{hint}What kind of product are you looking for, and is there a budget?"
    return "Hi! What are you shopping for today?"


def _search_reply(state: DialogueState, result: dict[str, Any]) -> str:
    prefs = state.preferences
    products = result.get("products", [])
    limits = constraints(prefs)
    kind = what(prefs)
    opening = ""
    if state.intent is Intent.REJECT and state.targets:
        opening = "Noted, I won't show that one again. "
    if not products:
        hint = " Try a higher budget or fewer conditions." if limits else " Try other words."
        return f"{opening}I couldn't find {kind}" + (f" ({limits})" if limits else "") + f".{hint}"
    count = len(products)
    if result.get("relaxed"):
        others = what(prefs.model_copy(update={"product_types": ()}), count)
        opening += f"I couldn't find {what(prefs)}" + (f" ({limits})" if limits else "") + ". "
        return opening + f"These {others} come closest and meet your other conditions."
    kind = what(prefs, count)
    verb, number = ("is", "one") if count == 1 else ("are", str(count))
    if state.intent is Intent.SIMILAR:
        text = f"{opening}Here {verb} {number} similar {kind}"
    elif state.intent is Intent.AGAIN:
        text = f"{opening}Here {verb} the {kind} again"
    else:
        text = f"{opening}Here {verb} {number} {kind}"
    text += f" ({limits})." if limits else "."
    tail = sum(1 for p in products if p.get("long_tail"))
    if tail == count > 1:
        both = "Both" if count == 2 else "All of them"
        text += f" {both} are long-tail picks that few shoppers have found yet."
    elif tail == 1:
        text += " One of them is a long-tail pick that few shoppers have found yet."
    elif tail:
        text += (
            f" {_count_words(tail)} of them are long-tail picks that few shoppers have found yet."
        )
    return text


def _details_reply(state: DialogueState, product: dict[str, Any]) -> str:
    parts = [f"{product['title']}: {format_price(product.get('price'))}"]
    if product.get("rating") is not None:
        parts[0] += f", rated {product['rating']:.1f} by {product.get('rating_count', 0)} shoppers"
    answer = _attribute_answer(state, product)
    attributes = "; ".join(f"{k}: {v}" for k, v in (product.get("attributes") or {}).items())
    text = (
        ("Good choice! " if state.intent is Intent.LIKE else "") + (answer or "") + parts[0] + "."
    )
    if attributes:
        text += f" {attributes}."
    description = (product.get("copy") or product.get("description") or "").strip()
    if description:
        text += " " + _first_sentences(description, 240)
    return text


def _attribute_answer(state: DialogueState, product: dict[str, Any]) -> str:
    """ "Is it waterproof?" answered from the product's own attribute."""
    asked = state.parsed.attributes
    if not asked:
        return ""
    own = {k.casefold(): v for k, v in (product.get("attributes") or {}).items()}
    answers = []
    for key, values in asked.items():
        have = own.get(key.casefold())
        if have is None:
            answers.append(f"The catalogue does not say its {key.casefold()}. ")
        elif attribute_values(have) & {v.casefold() for v in values}:
            answers.append(f"Yes, its {key.casefold()} is {have}. ")
        else:
            answers.append(f"No, its {key.casefold()} is {have}. ")
    return "".join(answers)


def _compare_reply(result: dict[str, Any]) -> str:
    products = {p["id"]: p for p in result["products"]}
    name = {pid: _short(p["title"]) for pid, p in products.items()}
    diff = result["differences"]
    text = f"Comparing {' and '.join(name.values())}."
    if diff.get("cheapest"):
        cheapest = products[diff["cheapest"]]
        text += f" Cheapest: {name[cheapest['id']]} at {format_price(cheapest['price'])}."
    if diff.get("highest_rated"):
        best = products[diff["highest_rated"]]
        text += f" Highest rated: {name[best['id']]} ({best['rating']:.1f})."
    for key, values in list(diff.get("attributes_that_differ", {}).items())[:4]:
        listed = ", ".join(f"{v} ({name[pid]})" for pid, v in values.items())
        text += f" {key}: {listed}."
    return text


def _short(title: str) -> str:
    """A product's name without the specifics that follow the first comma."""
    return title.split(",")[0].strip() or title


def _plural(noun: str) -> str:
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun if noun.endswith("s") else noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _count_words(n: int) -> str:
    return {2: "Two", 3: "Three", 4: "Four", 5: "Five"}.get(n, str(n))


def _first_sentences(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > 40 else cut.rstrip() + "…"
