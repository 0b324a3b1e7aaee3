"""The last check before a shopper sees an answer.

Sentence by sentence (so it also works while streaming):
- links, images, URLs and HTML the answer writes are cut out (the product links are the cards';
  an answer has no reason to write one, and a planted image would make the browser fetch it),
  the rest of the sentence kept;
- a sentence is dropped when it names a product that is not in this turn's tool results: by id,
  by a catalogue title, or by anything product-like that matches nothing shown (a bold or quoted
  name, a catalogue brand followed by a name, a model number after a name: "Sony WH-1000XM5");
- or states a price that is neither the price of the product it talks about nor the shopper's own
  budget;
- or gives a product an attribute value that contradicts its catalogue record;
- or leaks the system prompt, as written or encoded (leaks.py).
Products shown as cards must meet the shopper's hard constraints; any that does not is dropped.
Every removal is counted in the trace.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from agent.leaks import PromptLeaks
from agent.reading.parse import negated_positions
from agent.reading.vocabulary import Kind, fold_word, words
from agent.shop import Shop
from agent.tools.turn import Turn
from agent.types import GuardrailReport, Preferences, ProductCard
from retrieval.types import attribute_values

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_MONEY = re.compile(r"([$€£¥])\s?(\d[\d,]*(?:\.\d{1,2})?)")
_NAMED = re.compile(r"\*\*(.+?)\*\*|\"([^\"]{6,120})\"|“([^”]{6,120})”")
# Markup an answer may not write: images, links (their text stays), link definitions,
# autolinks, HTML tags and comments, bare URLs and script-like schemes.
_TARGET = r"\((?:[^()]|\([^()]*\))*\)?"  # a link's target, with one level of (parentheses)
_MARKUP = (
    (re.compile(r"!\[[^\]]*\]" + _TARGET), ""),
    (re.compile(r"\[([^\]]*)\]" + _TARGET), r"\1"),
    (re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.MULTILINE), ""),
    (re.compile(r"<!--.*?(?:-->|$)", re.DOTALL), ""),
    (re.compile(r"<\s*/?\s*[A-Za-z][^<>]*(?:>|$)"), ""),
    (re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.[^\s/]+\.\S+", re.IGNORECASE), ""),
    (re.compile(r"\b(?:javascript|data|vbscript|file):\S*", re.IGNORECASE), ""),
)
_CASED_TOKEN = re.compile(r"[A-Za-z0-9]+(?:\.[0-9]+)?")
# A model number after a name ("Sony WH-1000XM5", "Galaxy S24"): a capitalised word, then a
# token of letters followed by digits.
_MODEL = re.compile(r"\b[A-Z][\w&'+-]*\s+([A-Za-z]+-?\d+[A-Za-z0-9-]*)\b")


@dataclass
class Verdict:
    keep: bool
    reason: str | None = None


class Guardrail:
    def __init__(self, shop: Shop, system_prompt: str = "") -> None:
        self.shop = shop
        self.leaks = PromptLeaks(system_prompt)

    def check(self, sentence: str, turn: Turn) -> Verdict:
        if self.leaks.found(sentence, "\n".join(turn.written[-20:])):
            return Verdict(False, "prompt_leak")
        sentence, _ = strip_markup(sentence)  # what a link says is checked, not where it goes
        tokens = words(sentence)
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
            turn.written.append(sentence)  # kept or not: a leak may be spread over lines
            if not verdict.keep:
                if verdict.reason:
                    setattr(report, verdict.reason, getattr(report, verdict.reason) + 1)
                continue
            text, cut = strip_markup(sentence)
            report.markup += cut
            if any(c.isalnum() for c in text):
                yield text

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

    def _foreign_product(self, sentence: str, turn: Turn) -> bool:
        allowed = turn.allowed_ids()
        # Ids are long tokens; short numbers (years, sizes) are not taken for product ids.
        for token in re.findall(r"[A-Za-z0-9][\w\-]{4,}", sentence):
            if token not in allowed and self.shop.get(token) is not None:
                return True
        results = self._nameable(turn, allowed)
        said = _shopper_words(turn)
        for match in _NAMED.finditer(sentence):
            name = next(g for g in match.groups() if g)
            if _refers_to_any(words(name), results):
                continue
            known = self.shop.title_id(name)
            if known is not None:
                if known not in allowed:
                    return True
                continue
            if _product_like(name) and not set(words(name)) <= said:
                return True  # a product name that matches nothing shown: made up
        return self._unknown_model(sentence, results, said) or self._other_brand(
            sentence, results, said
        )

    def _nameable(self, turn: Turn, allowed: set[str]) -> list[ProductCard]:
        """The products an answer may name: this turn's results, and those shown before."""
        cards = list(turn.results.values())
        earlier = [pid for pid in allowed if pid not in turn.results]
        for product in self.shop.get_many(sorted(earlier)):
            cards.append(
                ProductCard(
                    id=product.id,
                    title=product.title,
                    brand=product.brand,
                    attributes=dict(product.attributes),
                )
            )
        return cards

    def _unknown_model(self, sentence: str, results: list[ProductCard], said: set[str]) -> bool:
        """A model number that no result has ("the Sony WH-1000XM5")."""
        models = [m.group(1) for m in _MODEL.finditer(sentence)]
        if not models:
            return False
        known = {_squashed(t) for r in results for t in _result_words(r)}
        return any(_squashed(m) not in known and m.casefold() not in said for m in models)

    def _other_brand(self, sentence: str, results: list[ProductCard], said: set[str]) -> bool:
        """A catalogue brand that no result has, followed by a name: a product of theirs."""
        cased = _CASED_TOKEN.findall(sentence)
        folded = [fold_word(t.casefold()) for t in cased]
        shown = {(r.brand or "").casefold() for r in results}
        # A brand a result's own title names ("Lip Smackers ... Lip Balm" sold by another
        # seller) is that result speaking, not another product.
        titles = [set(words(r.title)) for r in results]
        vocabulary = self.shop.vocabulary
        for match in vocabulary.find(folded):
            brands = [e.name for e in match.entries if e.kind is Kind.BRAND]
            if not brands or match.end >= len(cased) or not cased[match.start][0].isupper():
                continue
            if any(b.casefold() in shown or vocabulary.is_common_word(b) for b in brands):
                continue
            if any(set(folded[match.start : match.end]) <= title for title in titles):
                continue
            if set(folded[match.start : match.end]) <= said:
                continue  # the shopper named it ("not from Acme"): the answer may say it back
            following = cased[match.end]
            if following[0].isupper() or _MODEL_TOKEN.fullmatch(following):
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
        title = set(words(subject.title))
        for match in self.shop.vocabulary.find(tokens):
            if match.start in negated:
                continue
            if set(tokens[match.start : match.end]) <= title:
                continue  # the product's own name says it ("High Tides ... Palette")
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


def strip_markup(sentence: str) -> tuple[str, int]:
    """The sentence without links, images, URLs or HTML (a link's text stays), and how many
    pieces were cut."""
    cut = 0
    for pattern, replacement in _MARKUP:
        sentence, n = pattern.subn(replacement, sentence)
        cut += n
    if cut:
        sentence = re.sub(r"[ \t]{2,}", " ", sentence).strip()
        sentence = re.sub(r"\s+([.,;:!?])", r"\1", sentence)
    return sentence, cut


_MODEL_TOKEN = re.compile(r"[A-Za-z]+-?\d+[A-Za-z0-9-]*")


def _squashed(token: str) -> str:
    return token.casefold().replace("-", "")


def _result_words(result: ProductCard) -> list[str]:
    text = " ".join([result.id, result.title, result.brand or "", *result.attributes.values()])
    return re.findall(r"[A-Za-z0-9-]+", text)


def _shopper_words(turn: Turn) -> set[str]:
    """The words the shopper used in this dialogue (folded), and their raw forms."""
    said = " ".join(m.content for m in turn.state.safe_dialogue if m.role == "user")
    return set(words(said)) | set(said.casefold().split())


def _product_like(name: str) -> bool:
    """A bold or quoted phrase that reads like a product's name: a model number in it, or two
    or more capitalised words ("Aurora Deluxe Lamp"), not a price or a plain phrase."""
    tokens = _CASED_TOKEN.findall(name)
    if any(_MODEL_TOKEN.fullmatch(t) for t in tokens):
        return True
    capitalised = [t for t in tokens if t[0].isupper() and not t.isupper() and len(t) > 1]
    return len(tokens) >= 2 and len(capitalised) >= 2


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
