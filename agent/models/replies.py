"""The rules backend's words: replies from tool results, in the shopper's language.

Replies restate only what the typed tool results and the shopper's own preferences say, so they
are grounded by construction; the phrases are the macros of prompts/replies_<language>.j2. The
product list itself is rendered under the reply (render.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from agent.prompts import phrases
from agent.reading import lexicon as lx
from agent.reading.parse import Intent
from agent.reading.state import DialogueState
from agent.reading.translate import native_name
from agent.render import format_price
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
from agent.types import Preferences
from agent.wording import constraints, joined, kind_name, kind_of
from retrieval.types import attribute_values

_DETAIL_KEYS_MAX = 4  # attributes named in a detail answer, those that matter first
_LOGISTIC_KEYS = frozenset(
    {"package dimensions", "product dimensions", "item dimensions lxwxh", "item weight", "upc",
     "manufacturer", "item model number", "is discontinued by manufacturer", "date first available",
     "unit count", "number of items", "country of origin", "brand", "asin"}
)  # fmt: skip


def compose(state: DialogueState, tool: str | None, result: ToolResult | None, shop: Shop) -> str:
    """The answer after `tool` returned `result` (None: no tool ran, just talk)."""
    say = phrases(state.language).say
    if tool is None or result is None:
        return talk(state, shop)[0]
    if isinstance(result, ToolFailure):
        return say("failed", result.error)
    if isinstance(result, SearchResult):
        return _search_reply(state, result, shop)
    if isinstance(result, DetailsResult):
        return _details_reply(state, result.product)
    if isinstance(result, ComparisonResult):
        return _compare_reply(state, result)
    if isinstance(result, CopyResult):
        return say("copy", _short(result.title), result.copy_text)
    return "Done."


def talk(state: DialogueState, shop: Shop) -> tuple[str, bool]:
    """What to say when no tool is called, and whether it asks the shopper something back."""
    parsed, prefs = state.parsed, state.preferences
    say = phrases(state.language).say
    examples = joined(
        [kind_of_category(c, state.language) for c in shop.categories()[:4]], state.language
    )
    if parsed.injections and not parsed.needs and not _asks_anything(parsed):
        return say("only_shopping"), True
    if parsed.unknown_currency:
        return say("unknown_currency"), True
    if parsed.intent is Intent.CHAT and state.user_turns > 1:
        return say("welcome"), False
    if parsed.intent is Intent.COMPARE:
        return say("which_compare"), True
    if parsed.intent in (Intent.DETAILS, Intent.LIKE, Intent.COPY, Intent.SIMILAR):
        if not state.last_list:
            return say("nothing_shown"), True
        return say("which_one", len(state.last_list)), True
    if prefs.recipient or parsed.gift:
        return say("ask_gift", _recipient(prefs.recipient, state.language), examples), True
    if vague(prefs) and not state.asked_clarification and state.user_turns > 0:
        if parsed.intent is Intent.CHAT and state.user_turns == 1:
            return say("hello"), True
        return say("ask_kind", examples), True
    return say("hello"), True


def kind_of_category(category: str, language: str) -> str:
    return kind_name(category, 2, language) if language != "en" else category.casefold()


def _asks_anything(parsed: object) -> bool:
    return any(
        getattr(parsed, name)
        for name in ("types", "categories", "brands", "attributes", "soft_attributes")
    )


def _recipient(recipient: str | None, language: str) -> str:
    if not recipient or language == "en":
        return recipient or ""
    names = {
        "zh": {"mom": "妈妈", "mother": "妈妈", "dad": "爸爸", "father": "爸爸", "wife": "老婆",
               "husband": "老公", "girlfriend": "女朋友", "boyfriend": "男朋友", "friend": "朋友"},
        "es": {"mom": "madre", "mother": "madre", "dad": "padre", "father": "padre",
               "wife": "esposa", "husband": "esposo", "girlfriend": "novia",
               "boyfriend": "novio", "friend": "amigo", "sister": "hermana",
               "brother": "hermano"},
    }  # fmt: skip
    return names.get(language, {}).get(recipient, recipient)


def _search_reply(state: DialogueState, result: SearchResult, shop: Shop) -> str:
    language = state.language
    say = phrases(language).say
    prefs = state.preferences
    if result.not_carried:
        parsed = state.parsed
        named = parsed.things or parsed.needs or list(prefs.needs[-1:])
        asked = named[0] if named else parsed.english
        asked = native_name(asked, language) or asked  # read in English, said in theirs
        closest = joined([kind_of_category(c, language) for c in result.closest], language)
        return say("not_carried", asked, closest)
    limits = constraints(prefs, language)
    note = say("budget_note", prefs.budget_note) if prefs.budget_note else ""
    count = len(result.products)
    if not count:
        text = say("none_found", kind_of(prefs, 2, language), limits, bool(limits))
        return f"{text} {note}".strip()
    if result.relaxed:
        kept = result.applied_filters.get("attributes", {})
        broken = say("broken", result.relaxed, _relaxed_detail(result.relaxed, state, kept))
        text = say("relaxed", kind_of(prefs, 2, language), limits, broken, count)
        return f"{text} {note}".strip()
    if result.requested and count == len(result.requested):
        names = joined([_short(p.title) for p in result.products], language)
        return say("asked_for", count, names)
    size_note = ""
    if state.size_missing and state.focus:
        focus = shop.get(state.focus)
        if focus is not None:
            size_note = say("size_missing", _short(focus.title), state.parsed.size_change)
    tail = sum(1 for p in result.products if p.long_tail)
    text = say(
        "found",
        count,
        kind_of(prefs, count, language),
        limits,
        tail,
        similar=state.intent is Intent.SIMILAR,
        again=state.intent is Intent.AGAIN,
        rejected=state.intent is Intent.REJECT and bool(state.targets),
        note=note,
    )
    return f"{size_note} {text}".strip()


def _relaxed_detail(name: str, state: DialogueState, kept: Mapping[str, object]) -> str:
    """What the closest results break; of the attributes, those the search left out (`kept`:
    the attribute filters it still applied)."""
    prefs = state.preferences
    language = state.language
    if name in ("max_price", "min_price"):  # the amount alone: the phrase says which bound
        amount = prefs.max_price if name == "max_price" else prefs.min_price
        return format_price(amount) if amount is not None else ""
    if name == "brands":
        return phrases(language).say("or_word").join(prefs.brands)
    if name == "min_rating":
        return f"{prefs.min_rating:g}" if prefs.min_rating is not None else ""
    if name == "attributes":
        left_out = [k for k in prefs.attributes if k not in kept] or list(prefs.attributes)
        values = [v for k in left_out for v in prefs.attributes[k]]
        return phrases(language).say("or_word").join(values)
    return ""


def _details_reply(state: DialogueState, product: ProductDetails) -> str:
    say = phrases(state.language).say
    answer = _attribute_answer(state, product)
    facts = "; ".join(f"{k}: {v}" for k, v in _facts(product))
    description = (product.copy_text or product.description or "").strip()
    text = say(
        "details",
        product.title if state.language == "en" else _short(product.title),
        format_price(product.price) if product.price is not None else "",
        f"{product.rating:.1f}" if product.rating is not None else "",
        product.rating_count,
        answer,
        facts,
        _first_sentences(description, 240) if description else "",
    )
    return (say("liked") if state.intent is Intent.LIKE else "") + text


def _facts(product: ProductDetails) -> list[tuple[str, str]]:
    """The attributes that say what the product is (type, material, size, ...), not logistics."""
    kept = [
        (k, v)
        for k, v in product.attributes.items()
        if k.casefold() not in _LOGISTIC_KEYS and len(v) <= 60
    ]
    return kept[:_DETAIL_KEYS_MAX]


def _attribute_answer(state: DialogueState, product: ProductDetails) -> str:
    """ "Is it waterproof?" answered from the product's own attribute."""
    asked = state.parsed.attributes or state.parsed.soft_attributes
    if not asked:
        return ""
    say = phrases(state.language).say
    own = {k.casefold(): v for k, v in product.attributes.items()}
    answers = []
    for key, values in asked.items():
        have = own.get(key.casefold())
        if have is None:
            answers.append(say("unknown", key.casefold()))
        elif attribute_values(have) & {v.casefold() for v in values}:
            answers.append(say("has", key.casefold(), have))
        else:
            answers.append(say("has_not", key.casefold(), have))
    return "".join(f"{a} " for a in answers)


def _compare_reply(state: DialogueState, result: ComparisonResult) -> str:
    language = state.language
    products = {p.id: p for p in result.products}
    name = {pid: _short(p.title) for pid, p in products.items()}
    diff = result.differences
    cheapest = products.get(diff.cheapest or "")
    best = products.get(diff.highest_rated or "")
    return phrases(language).say(
        "compare",
        joined(list(name.values()), language),
        name[cheapest.id] if cheapest else "",
        format_price(cheapest.price) if cheapest else "",
        name[best.id] if best else "",
        f"{best.rating:.1f}" if best and best.rating is not None else "",
        joined([k.casefold() for k in list(diff.attributes_that_differ)[:4]], language),
    )


def _short(title: str) -> str:
    """A product's name without the specifics that follow the first comma."""
    return title.split(",")[0].strip() or title


def _first_sentences(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > 40 else cut.rstrip() + "…"


def vague(prefs: Preferences) -> bool:
    """Too little to search well: nothing said of the product, or only how the shopper feels
    ("something to pamper myself this weekend, I'm so stressed")."""
    if prefs.is_vague():
        return True
    if prefs.categories or prefs.product_types or prefs.brands or prefs.attributes:
        return False
    if prefs.soft_attributes or prefs.recipient:
        return False
    said = {w for need in prefs.needs for w in need.casefold().split()}
    return bool(said) and said <= lx.MOODS | lx.FILLER
