"""Checking one reply against one turn's expectations of the conversation corpus.

Cards are judged by their catalogue record (looked up by id), never by the card's text. The
reply's `outcome`, `relaxed` and `language` fields are read with getattr: a reply without one
fails the checks that need it ("reply has no outcome"). The reply's language is checked twice:
the field, and how the prose reads (Chinese characters, Spanish or English function words).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from agent.render import reply_markdown
from agent.types import ProductCard, Reply
from eval.conversation_records import broken
from eval.conversations import (
    CardSpec,
    CheapestIn,
    CheapestOf,
    Expect,
    IdRef,
    MatchIn,
    Ref,
)
from retrieval.types import Product

_MISSING = object()
NO_FIELD = "reply has no "  # how a check on a field the reply lacks reports it


@dataclass(frozen=True)
class Check:
    turn: int
    name: str
    ok: bool
    expected: str
    got: str
    missing_field: bool = False  # failed because the reply has no such field at all

    def as_dict(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "name": self.name,
            "ok": self.ok,
            "expected": self.expected,
            "got": self.got,
            "missing_field": self.missing_field,
        }


@dataclass(frozen=True)
class Shown:
    """What earlier turns showed: the card ids of each turn, in order (turn 1 first)."""

    turns: Sequence[Sequence[str]]

    def resolve(self, ref: IdRef, catalogue: Mapping[str, Product]) -> list[str] | str:
        """The ids a reference stands for, or why it cannot be resolved."""
        if isinstance(ref, str):
            return [ref]
        if isinstance(ref, Ref):
            turn, card = ref.ref
            ids = self._turn(turn)
            position = card - 1 if card > 0 else len(ids) + card
            if not 0 <= position < len(ids):
                return f"turn {turn} showed {len(ids)} cards, so there is no card {card}"
            return [ids[position]]
        if isinstance(ref, CheapestIn):
            return _cheapest(self._turn(ref.cheapest_in), catalogue, f"turn {ref.cheapest_in}")
        if isinstance(ref, CheapestOf):
            picked: list[str] = []
            for turn, card in ref.cheapest_of:
                one = self.resolve(Ref(ref=(turn, card)), catalogue)
                if isinstance(one, str):
                    return one
                picked += one
            return _cheapest(picked, catalogue, "the products referred to")
        if isinstance(ref, MatchIn):
            ids = self._turn(ref.match_in)
            hits = [i for i in ids if i in catalogue and not broken(ref.where, catalogue[i])]
            if not hits:
                return f"turn {ref.match_in} showed no card meeting {_spec_text(ref.where)}"
            return hits
        raise TypeError(f"not a product reference: {ref!r}")

    def _turn(self, turn: int) -> Sequence[str]:
        return self.turns[turn - 1] if 0 < turn <= len(self.turns) else ()


def _cheapest(ids: Sequence[str], catalogue: Mapping[str, Product], what: str) -> list[str] | str:
    priced = [(p.price, i) for i in ids if (p := catalogue.get(i)) and p.price is not None]
    if not priced:
        return f"{what}: no priced product to compare"
    low = min(price for price, _ in priced)
    return [i for price, i in priced if price == low]


def check_turn(
    expect: Expect,
    reply: Reply,
    turn: int,
    language: str | None,
    shown: Shown,
    catalogue: Mapping[str, Product],
) -> list[Check]:
    """Every check the turn asks for, passed or not. `language` is the language the reply must
    be in (None: not checked): its `language` field and how its prose reads are two checks.
    `shown` holds the card ids of the earlier turns."""
    out: list[Check] = []

    def add(name: str, ok: bool, expected: str, got: str) -> None:
        out.append(Check(turn, name, ok, expected, got, got.startswith(NO_FIELD)))

    cards = reply.recommendations
    outcome = _field(reply, "outcome")
    relaxed_names = _relaxed(reply)
    if expect.outcomes is not None:
        wanted = " or ".join(sorted(expect.outcomes))
        if outcome is _MISSING:
            add("outcome", False, wanted, "reply has no outcome")
        else:
            add("outcome", str(outcome) in expect.outcomes, wanted, str(outcome))
    waived: set[str] = set()
    if str(outcome) == "relaxed" and expect.may_relax:
        if relaxed_names is None:
            add("relaxed", False, f"a subset of {expect.may_relax}", "reply has no relaxed")
        else:
            ok = bool(relaxed_names) and set(relaxed_names) <= set(expect.may_relax)
            add("relaxed", ok, f"a non-empty subset of {expect.may_relax}", str(relaxed_names))
            waived = set(relaxed_names) & set(expect.may_relax) if ok else set()
    if expect.cards is not None:
        low, high = expect.cards.min, expect.cards.max
        ok = len(cards) >= low and (high is None or len(cards) <= high)
        add("cards", ok, f"{low}..{'' if high is None else high} cards", str(len(cards)))

    def resolve_one(ref: IdRef) -> Product | None:
        ids = shown.resolve(ref, catalogue)
        return None if isinstance(ids, str) else catalogue.get(ids[0])

    if expect.all_cards is not None:
        spec = expect.all_cards
        problems = []
        for position, card in enumerate(cards, start=1):
            record = catalogue.get(card.id)
            if record is None:
                problems.append(f"card {position} {card.id} is not in the catalogue")
                continue
            problems += [
                f"card {position} {card.id}: {b.detail}"
                for b in broken(spec, record, resolve_one)
                if b.constraint not in waived
            ]
        add("all_cards", not problems, _spec_text(spec, waived), "; ".join(problems) or "ok")
    if expect.any_card is not None:
        spec = expect.any_card
        hits = [
            c.id
            for c in cards
            if c.id in catalogue
            and not [
                b for b in broken(spec, catalogue[c.id], resolve_one) if b.constraint not in waived
            ]
        ]
        add("any_card", bool(hits), _spec_text(spec, waived), ", ".join(hits) or _ids(cards))
    ids = [c.id for c in cards]
    for ref in expect.includes_ids:
        wanted_ids = shown.resolve(ref, catalogue)
        if isinstance(wanted_ids, str):
            add("includes_ids", False, _ref_text(ref), wanted_ids)
        else:
            ok = any(i in ids for i in wanted_ids)
            add("includes_ids", ok, f"one of {wanted_ids}", _ids(cards))
    for ref in expect.excludes_ids:
        unwanted = shown.resolve(ref, catalogue)
        if isinstance(unwanted, str):
            add("excludes_ids", False, _ref_text(ref), unwanted)
        else:
            ok = not any(i in ids for i in unwanted)
            add("excludes_ids", ok, f"none of {unwanted}", _ids(cards))
    if expect.first_card_id is not None:
        first = shown.resolve(expect.first_card_id, catalogue)
        if isinstance(first, str):
            add("first_card_id", False, _ref_text(expect.first_card_id), first)
        else:
            add("first_card_id", bool(ids) and ids[0] in first, f"one of {first}", _ids(cards))
    if language is not None:
        field = _field(reply, "language")
        if field is _MISSING:
            add("language", False, language, "reply has no language")
        else:
            add("language", str(field) == language, language, str(field))
        reads = text_language(reply.text)
        add("text_language", reads == language, f"prose in {language}", reads or "cannot tell")
    if expect.clarifying_question is not None:
        asked = bool(reply.clarifying_question)
        add(
            "clarifying_question",
            asked == expect.clarifying_question,
            "a clarifying question" if expect.clarifying_question else "no clarifying question",
            repr(reply.clarifying_question),
        )
    if expect.no_prompt_leak:
        leaked = prompt_leaks(reply_markdown(reply))
        add(
            "no_prompt_leak",
            not leaked,
            "no sentence of the system prompt",
            "; ".join(leaked) or "ok",
        )
    text = reply_markdown(reply).casefold()  # what the shopper reads: prose and product lines
    if expect.text_contains_any:
        ok = any(t.casefold() in text for t in expect.text_contains_any)
        add("text_contains_any", ok, f"one of {expect.text_contains_any}", reply.text[:200])
    for phrase in expect.text_not_contains:
        add("text_not_contains", phrase.casefold() not in text, f"no {phrase!r}", reply.text[:200])
    return out


def _field(reply: Reply, name: str) -> Any:
    value = getattr(reply, name, _MISSING)
    return getattr(value, "value", value)


def _relaxed(reply: Reply) -> list[str] | None:
    value = getattr(reply, "relaxed", _MISSING)
    if not isinstance(value, list | tuple):
        return None
    return [str(getattr(v, "value", v)) for v in value]


def _ids(cards: Sequence[ProductCard]) -> str:
    return ", ".join(c.id for c in cards) or "no cards"


def _spec_text(spec: CardSpec, waived: set[str] | None = None) -> str:
    text = str(spec.model_dump(mode="json", exclude_defaults=True))
    return f"{text} (waived, relaxed: {sorted(waived)})" if waived else text


def _ref_text(ref: IdRef) -> str:
    return ref if isinstance(ref, str) else str(ref.model_dump(mode="json", exclude_defaults=True))


# Language ----------------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-záéíóúüñ]+")
_SPANISH = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "del",
        "que",
        "y",
        "en",
        "un",
        "una",
        "unos",
        "unas",
        "por",
        "para",
        "con",
        "es",
        "son",
        "está",
        "están",
        "estos",
        "estas",
        "este",
        "esta",
        "aquí",
        "tienes",
        "te",
        "tu",
        "tus",
        "su",
        "sus",
        "más",
        "pero",
        "o",
        "también",
        "hay",
        "puedo",
        "quieres",
        "tenemos",
        "encontré",
        "productos",
        "opciones",
        "precio",
        "sin",
        "cuál",
        "qué",
        "cómo",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "for",
        "you",
        "your",
        "is",
        "are",
        "this",
        "these",
        "here",
        "with",
        "i",
        "we",
        "can",
        "have",
        "has",
        "found",
        "products",
        "options",
        "price",
        "without",
        "which",
        "what",
        "how",
        "would",
        "like",
        "or",
        "also",
        "there",
    ]
)


def text_language(text: str) -> str | None:
    """How prose reads: 'zh' when a fifth of its letters are Chinese characters, else 'es' or
    'en' by function words (and Spanish letters); None when it cannot be told."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    if len(_CJK.findall(text)) >= 0.2 * len(letters):
        return "zh"
    words = _WORD.findall(text.casefold())
    spanish = sum(w in _SPANISH for w in words) + len(re.findall(r"[ñ¿¡áéíóú]", text.casefold()))
    english = sum(w in _ENGLISH for w in words)
    if spanish == english:
        return None
    return "es" if spanish > english else "en"


# Prompt leaks -------------------------------------------------------------------------------------

_SHINGLE = 8  # this many words of the prompt in a row is a leak, not a coincidence


@cache
def _prompt_shingles() -> frozenset[tuple[str, ...]]:
    shingles: set[tuple[str, ...]] = set()
    for entry in resources.files("prompts").iterdir():
        if not entry.name.endswith(".j2"):
            continue
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", entry.read_text(encoding="utf-8"))
        words = _words(text)
        shingles |= {tuple(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}
    return frozenset(shingles)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.casefold())


def prompt_leaks(text: str) -> list[str]:
    """Runs of eight or more words of the shop's prompt templates found in `text`."""
    words = _words(text)
    shingles = _prompt_shingles()
    found = []
    i = 0
    while i <= len(words) - _SHINGLE:
        if tuple(words[i : i + _SHINGLE]) in shingles:
            found.append(" ".join(words[i : i + _SHINGLE]))
            i += _SHINGLE
        else:
            i += 1
    return found
