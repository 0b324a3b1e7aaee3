"""The rules backend's words: replies from tool results.

Replies restate only what the typed tool results and the shopper's own preferences say, so they
are grounded by construction. The product list itself is rendered under the reply (render.py).
"""

from __future__ import annotations

from agent.reading.parse import Intent
from agent.reading.state import DialogueState
from agent.render import constraints, format_price, what
from agent.shop import Shop
from agent.tools.models import (
    ComparisonResult,
    CopyResult,
    DetailsResult,
    ProductDetails,
    SearchResult,
    ToolFailure,
    ToolResult,
)
from retrieval.types import attribute_values


def compose(state: DialogueState, tool: str | None, result: ToolResult | None, shop: Shop) -> str:
    """The answer after `tool` returned `result` (None: no tool ran, just talk)."""
    if tool is None or result is None:
        return talk(state, shop)[0]
    if isinstance(result, ToolFailure):
        return f"Sorry, I couldn't do that: {result.error}"
    if isinstance(result, SearchResult):
        return _search_reply(state, result)
    if isinstance(result, DetailsResult):
        return _details_reply(state, result.product)
    if isinstance(result, ComparisonResult):
        return _compare_reply(result)
    if isinstance(result, CopyResult):
        return f"Here is a short description of {result.title}: {result.copy_text}"
    return "Done."


def talk(state: DialogueState, shop: Shop) -> tuple[str, bool]:
    """What to say when no tool is called, and whether it asks the shopper something back."""
    parsed, prefs = state.parsed, state.preferences
    examples = ", ".join(shop.categories()[:4]).casefold()
    if parsed.injections and not state.parsed.needs:
        return "I can only help you find products in this shop. What are you looking for?", True
    if parsed.intent is Intent.CHAT and state.user_turns > 1:
        return "You're welcome! Is there anything else you'd like to find?", False
    if parsed.intent is Intent.COMPARE:
        return "Which products should I compare? For example: compare the first two.", True
    if parsed.intent in (Intent.DETAILS, Intent.LIKE, Intent.COPY):
        if not state.last_list:
            return "I haven't shown you any products yet. What are you looking for?", True
        return (
            f"Which product do you mean? The last list has {len(state.last_list)}; "
            "say for example 'the first one'."
        ), True
    if prefs.is_vague() and not state.asked_clarification and state.user_turns > 0:
        hint = f"I can search {examples} and more. " if examples else ""
        return f"{hint}What kind of product are you looking for, and is there a budget?", True
    return "Hi! What are you shopping for today?", True


def _search_reply(state: DialogueState, result: SearchResult) -> str:
    prefs = state.preferences
    products = result.products
    limits = constraints(prefs)
    kind = what(prefs)
    opening = ""
    if state.intent is Intent.REJECT and state.targets:
        opening = "Noted, I won't show that one again. "
    if not products:
        hint = " Try a higher budget or fewer conditions." if limits else " Try other words."
        return f"{opening}I couldn't find {kind}" + (f" ({limits})" if limits else "") + f".{hint}"
    count = len(products)
    if result.relaxed:
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
    tail = sum(1 for p in products if p.long_tail)
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


def _details_reply(state: DialogueState, product: ProductDetails) -> str:
    parts = [f"{product.title}: {format_price(product.price)}"]
    if product.rating is not None:
        parts[0] += f", rated {product.rating:.1f} by {product.rating_count} shoppers"
    answer = _attribute_answer(state, product)
    attributes = "; ".join(f"{k}: {v}" for k, v in product.attributes.items())
    text = (
        ("Good choice! " if state.intent is Intent.LIKE else "") + (answer or "") + parts[0] + "."
    )
    if attributes:
        text += f" {attributes}."
    description = (product.copy_text or product.description or "").strip()
    if description:
        text += " " + _first_sentences(description, 240)
    return text


def _attribute_answer(state: DialogueState, product: ProductDetails) -> str:
    """ "Is it waterproof?" answered from the product's own attribute."""
    asked = state.parsed.attributes
    if not asked:
        return ""
    own = {k.casefold(): v for k, v in product.attributes.items()}
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


def _compare_reply(result: ComparisonResult) -> str:
    products = {p.id: p for p in result.products}
    name = {pid: _short(p.title) for pid, p in products.items()}
    diff = result.differences
    text = f"Comparing {' and '.join(name.values())}."
    if diff.cheapest:
        cheapest = products[diff.cheapest]
        text += f" Cheapest: {name[cheapest.id]} at {format_price(cheapest.price)}."
    if diff.highest_rated:
        best = products[diff.highest_rated]
        text += f" Highest rated: {name[best.id]} ({best.rating or 0:.1f})."
    for key, values in list(diff.attributes_that_differ.items())[:4]:
        listed = ", ".join(f"{v} ({name[pid]})" for pid, v in values.items())
        text += f" {key}: {listed}."
    return text


def _short(title: str) -> str:
    """A product's name without the specifics that follow the first comma."""
    return title.split(",")[0].strip() or title


def _count_words(n: int) -> str:
    return {2: "Two", 3: "Three", 4: "Four", 5: "Five"}.get(n, str(n))


def _first_sentences(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > 40 else cut.rstrip() + "…"
