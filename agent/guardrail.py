"""The last check before a shopper sees an answer.

Sentence by sentence (so it also works while streaming), a sentence is dropped when it:
- names a product that is not in this turn's tool results (by id or by a catalogue title),
- states a price that is neither the price of the product it talks about nor the shopper's own
  budget,
- gives a product an attribute value that contradicts its catalogue record,
- repeats a run of the system prompt's words.
Products shown as cards must meet the shopper's hard constraints; any that does not is dropped.
Every removal is counted in the trace.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from agent.reading.parse import negated_positions
from agent.reading.vocabulary import Kind, words
from agent.shop import Shop
from agent.tools.turn import Turn
from agent.types import GuardrailReport, Preferences, ProductCard
from retrieval.types import attribute_values

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_MONEY = re.compile(r"([$€£¥])\s?(\d[\d,]*(?:\.\d{1,2})?)")
_NAMED = re.compile(r"\*\*(.+?)\*\*|\"([^\"]{6,120})\"|“([^”]{6,120})”")
_LEAK_WORDS = 7  # this many words in a row from the system prompt is a leak


@dataclass
class Verdict:
    keep: bool
    reason: str | None = None


class Guardrail:
    def __init__(self, shop: Shop, system_prompt: str = "") -> None:
        self.shop = shop
        prompt_words = words(system_prompt)
        self.prompt_text = " " + " ".join(prompt_words) + " "
        self.leak_shingles = {
            tuple(prompt_words[i : i + _LEAK_WORDS])
            for i in range(len(prompt_words) - _LEAK_WORDS + 1)
        }

    def check(self, sentence: str, turn: Turn) -> Verdict:
        tokens = words(sentence)
        if self._leaks(tokens, heading=sentence.rstrip().endswith(":")):
            return Verdict(False, "prompt_leak")
        results = list(turn.results.values())
        if self._foreign_product(sentence, turn):
            return Verdict(False, "out_of_results")
        tokens = _without_own_terms(tokens)
        # A word that states an attribute value cannot also be what names the product
        # ("the black ones" does not name the "Black Velvet Headband").
        valued = {
            i
            for match in self.shop.vocabulary.find(tokens)
            if any(e.kind is Kind.VALUE for e in match.entries)
            for i in range(match.start, match.end)
        }
        naming = [t for i, t in enumerate(tokens) if i not in valued]
        subject = _subject(naming, results, self.shop.vocabulary.type_words)
        if self._wrong_price(sentence, subject, results, turn.state.preferences):
            return Verdict(False, "price_mismatch")
        if subject is not None and self._contradicts(tokens, subject):
            return Verdict(False, "attribute_contradiction")
        return Verdict(True)

    def clean(self, text: str, turn: Turn, report: GuardrailReport) -> str:
        kept = [s for s in self.filter(split_sentences(text), turn, report)]
        return " ".join(kept).strip()

    def filter(
        self, sentences: Iterable[str], turn: Turn, report: GuardrailReport
    ) -> Iterator[str]:
        for sentence in sentences:
            verdict = self.check(sentence, turn)
            if verdict.keep:
                yield sentence
            elif verdict.reason:
                setattr(report, verdict.reason, getattr(report, verdict.reason) + 1)

    def products(
        self,
        cards: list[ProductCard],
        prefs: Preferences,
        report: GuardrailReport,
        relaxed: Sequence[str] = (),
        asked_for: Sequence[str] = (),
    ) -> list[ProductCard]:
        """The cards that meet the shopper's hard constraints, less the one the search says it
        loosened (and says so in the answer); products the shopper asked for by name are
        shown whatever else they said."""
        cleared: dict[str, object] = {
            "product_types": (),
            "attributes": {},
            "brands": (),
            "min_rating": None,
            "max_price": None,
            "min_price": None,
        }
        update = {name: cleared[name] for name in relaxed if name in cleared}
        if "attributes" in relaxed:
            update["exclude_attributes"] = prefs.exclude_attributes  # exclusions stay
        filters = prefs.model_copy(update=update).filters()
        kept: list[ProductCard] = []
        for item in cards:
            product = self.shop.get(item.id)
            if product is not None and item.id in asked_for:
                kept.append(item)
                continue
            if product is None or not filters.admits(product):
                report.constraint_violation += 1
                continue
            kept.append(item)
        return kept

    def _leaks(self, tokens: list[str], heading: bool = False) -> bool:
        # A short sentence that is a piece of the prompt ("How you work:", "Safety:") leaks too.
        shortest = 1 if heading else 2
        if shortest <= len(tokens) < _LEAK_WORDS and f" {' '.join(tokens)} " in self.prompt_text:
            return True
        return any(
            tuple(tokens[i : i + _LEAK_WORDS]) in self.leak_shingles
            for i in range(len(tokens) - _LEAK_WORDS + 1)
        )

    def _foreign_product(self, sentence: str, turn: Turn) -> bool:
        allowed = turn.allowed_ids()
        # Ids are long tokens; short numbers (years, sizes) are not taken for product ids.
        for token in re.findall(r"[A-Za-z0-9][\w\-]{4,}", sentence):
            if token not in allowed and self.shop.get(token) is not None:
                return True
        results = list(turn.results.values())
        for match in _NAMED.finditer(sentence):
            name = next(g for g in match.groups() if g)
            if _refers_to_any(words(name), results):
                continue
            if self.shop.title_id(name) not in (None, *allowed):
                return True
        return False

    def _wrong_price(
        self,
        sentence: str,
        subject: ProductCard | None,
        results: list[ProductCard],
        prefs: Preferences,
    ) -> bool:
        said = prefs.budget_note or ""
        amounts = [
            float(amount.replace(",", ""))
            for symbol, amount in _MONEY.findall(sentence)
            # An amount in another currency may only be the shopper's own budget as they said
            # it ("€15.00 ≈ $16.20"); the shop's prices are in its own currency.
            if symbol == "$" or f"{symbol}{float(amount.replace(',', '')):,.2f}" not in said
        ]
        if not amounts:
            return False
        budget = {p for p in (prefs.min_price, prefs.max_price) if p is not None}
        if subject is not None:
            fine = budget | ({subject.price} if subject.price is not None else set())
        else:
            fine = budget | {r.price for r in results if r.price is not None}
        return any(all(abs(a - f) > 0.005 for f in fine) for a in amounts)

    def _contradicts(self, tokens: list[str], subject: ProductCard) -> bool:
        """A catalogue value of an attribute the product has, that is not (one of) its own."""
        own = {k.casefold(): attribute_values(v) for k, v in subject.attributes.items()}
        negated = negated_positions(tokens)  # "no Black color" claims nothing about black
        for match in self.shop.vocabulary.find(tokens):
            if match.start in negated:
                continue
            # The same words may be a value of several keys; any that fits the product is fine.
            claims = [
                (e.key.casefold(), e.name.casefold())
                for e in match.entries
                if e.kind is Kind.VALUE and e.key is not None
            ]
            fitting = [name for key, name in claims if name in own.get(key, set())]
            contested = [key for key, _ in claims if key in own]
            if contested and not fitting:
                return True
        return False


def _without_own_terms(tokens: list[str]) -> list[str]:
    """TailTalk's own words about a list ("long-tail pick") claim nothing about a product, even
    where the catalogue has "Long" as a hair type or "Tail" in a title."""
    kept: list[str] = []
    for i, token in enumerate(tokens):
        pair = tokens[i : i + 2] == ["long", "tail"] or tokens[i - 1 : i + 1] == ["long", "tail"]
        if not pair:
            kept.append(token)
    return kept


def split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s and s.strip()]


def _subject(
    tokens: list[str], results: list[ProductCard], kind_words: set[str]
) -> ProductCard | None:
    """The one result a sentence talks about: it uses most of that result's distinctive title
    words (words no other result's title has, product-kind words like "earbuds" aside) and two
    of its words at least, and no distinctive word of any other result. None otherwise: a
    sentence about several products, or about none, claims nothing about one of them."""
    present = set(tokens) - kind_words
    titles = [set(words(r.title)) for r in results]
    named, touched = [], 0
    for i, title in enumerate(titles):
        others = set().union(*(t for j, t in enumerate(titles) if j != i))
        distinct = title - others
        shared = len(present & distinct)
        touched += bool(shared)
        if shared and shared >= len(distinct) / 2 and len(present & title) >= 2:
            named.append(results[i])
    return named[0] if len(named) == 1 and touched == 1 else None


def _refers_to_any(name_words: list[str], results: list[ProductCard]) -> bool:
    if not name_words:
        return True
    wanted = set(name_words)
    return any(len(wanted & set(words(r.title))) >= 0.6 * len(wanted) for r in results)
