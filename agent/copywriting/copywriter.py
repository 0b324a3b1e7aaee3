"""Product copy for products whose own text is thin, stating only facts from their record.

Two writers behind one interface: a template writer (deterministic, facts only by construction)
and an LLM writer (prompts/product_copy.j2). Every text, whoever wrote it, is checked before it is
kept: each number it contains must appear in the product record, and each attribute value of the
catalogue it names must be one of this product's own. A text that fails falls back to the
template, and the failure is counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from agent.models.base import ChatModel
from agent.prompts import prompt_hash, render
from agent.reading.vocabulary import Vocabulary, words
from agent.render import format_price
from agent.types import TYPE_KEY, Message
from retrieval.types import Product

if TYPE_CHECKING:
    from agent.tools.turn import Turn

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
THIN_TEXT_CHARS = 120  # description + features shorter than this is "thin"


@dataclass(frozen=True)
class Copy:
    text: str
    writer: str
    prompt_hash: str = ""
    rejected_claims: tuple[str, ...] = ()  # what the checker refused in the writer's first text


class Copywriter(Protocol):
    name: str

    # `turn`: the shopper turn the copy is written in, when there is one (its deadline holds).
    def write(self, product: Product, turn: Turn | None = None) -> Copy: ...


def is_thin(product: Product) -> bool:
    return len(" ".join([product.description, *product.features]).strip()) < THIN_TEXT_CHARS


def facts(product: Product) -> list[tuple[str, str]]:
    """The record's facts, as the copy prompt lists them."""
    out = [("Title", product.title)]
    if product.brand:
        out.append(("Brand", product.brand))
    if product.category_path:
        out.append(("Category", " > ".join(product.category_path)))
    out += [(key, value) for key, value in product.attributes.items()]
    if product.price is not None:
        out.append(("Price", format_price(product.price, product.currency)))
    if product.average_rating is not None:
        out.append(("Rating", f"{product.average_rating:.1f} out of 5 from {product.rating_count}"))
    if product.features:
        out.append(("Features", " ".join(product.features)[:300]))
    if product.description:
        out.append(("Description", product.description[:300]))
    return out


def unsupported_claims(text: str, product: Product, vocab: Vocabulary) -> list[str]:
    """Numbers and catalogue attribute values in `text` that the product's record does not have."""
    record = " ".join(f"{k} {v}" for k, v in facts(product))
    numbers = {_plain(n) for n in _NUMBER.findall(record)}
    claims = [n for n in _NUMBER.findall(text) if _plain(n) not in numbers]
    own = {(k.casefold(), v.casefold()) for k, v in product.attributes.items()}
    own_values = {v for _, v in own}
    record_words = set(words(record))
    for match in vocab.find(words(text)):
        for entry in match.entries:
            value = entry.name.casefold()
            if entry.key is None or value in own_values:
                continue
            # A value of another product is a claim, unless the record says those words anyway.
            if not set(words(entry.name)) <= record_words:
                claims.append(entry.name)
    return list(dict.fromkeys(claims))


def _plain(number: str) -> str:
    value = float(number.replace(",", ""))
    return f"{value:g}"


class TemplateCopywriter:
    """Facts in sentences; correct by construction."""

    name = "template"

    def write(self, product: Product, turn: Turn | None = None) -> Copy:
        kind = product.attributes.get(TYPE_KEY) or product.category or "product"
        opening = f"{product.title}"
        if product.brand and product.brand.casefold() not in product.title.casefold():
            opening += f" by {product.brand}"
        sentences = [f"{opening} is a {kind.casefold()}" + _category_clause(product) + "."]
        details = [
            f"{key.casefold()} {value}"
            for key, value in product.attributes.items()
            if key != TYPE_KEY and len(value) <= 40
        ][:4]
        if details:
            sentences.append("It comes with " + _join(details) + ".")
        # Price and rating stay on the card: they change, and as indexed text they only make
        # every product's copy look alike (benchmarks/bench_copy.py).
        return Copy(" ".join(sentences), self.name)


class LLMCopywriter:
    """Copy from a chat model, checked; the template's text when the check fails."""

    name = "llm"

    def __init__(self, model: ChatModel, vocabulary: Callable[[], Vocabulary]) -> None:
        self.model = model
        self.vocabulary = vocabulary  # the shop's current vocabulary, read at each write
        self.fallback = TemplateCopywriter()

    def write(self, product: Product, turn: Turn | None = None) -> Copy:
        prompt = render("product_copy", facts=facts(product))
        output = self.model.complete([Message(role="user", content=prompt)], tools=(), turn=turn)
        text = " ".join(output.text.split())
        claims = unsupported_claims(text, product, self.vocabulary()) if text else ["(empty)"]
        if claims:
            safe = self.fallback.write(product)
            return Copy(safe.text, f"{self.model.name}+template", "", tuple(claims))
        return Copy(text, self.model.name, prompt_hash("product_copy"))


def _category_clause(product: Product) -> str:
    return f" in {product.category}" if product.category else ""


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
