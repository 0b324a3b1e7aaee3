"""Understanding one shopper message, deterministically: the core reader every backend shares.

Prices, ratings and references to shown products are found by patterns; categories, product
types, brands and attribute values by the catalogue's own vocabulary (vocabulary.py). A phrase
after a negation ("no", "not from", "without", "anything but") is avoided instead of wanted. What
is left, less filler words, is the shopper's free-text need. dialogue.py folds these readings over
a whole conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from agent.reading.safety import neutralise
from agent.reading.vocabulary import (
    Entry,
    Kind,
    Match,
    Vocabulary,
    fold_word,
    surface_words,
    words,
)
from agent.types import TYPE_KEY


class Intent(StrEnum):
    SEARCH = "search"
    DETAILS = "details"  # about one shown product
    COMPARE = "compare"  # shown products side by side
    SIMILAR = "similar"  # like a shown product (maybe cheaper)
    REJECT = "reject"
    LIKE = "like"
    COPY = "copy"  # product copy for a shown product
    AGAIN = "again"  # the last list once more
    CHAT = "chat"  # greeting, thanks, nothing to act on


RelativePrice = Literal["cheaper", "pricier"]


@dataclass
class Parsed:
    intent: Intent = Intent.SEARCH
    reset: bool = False
    categories: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    brands: list[str] = field(default_factory=list)
    exclude_brands: list[str] = field(default_factory=list)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    exclude_attributes: dict[str, list[str]] = field(default_factory=dict)
    min_price: float | None = None
    max_price: float | None = None
    any_price: bool = False
    relative_price: RelativePrice | None = None
    min_rating: float | None = None
    references: list[int] = field(default_factory=list)  # 1-based positions; -1 is the last
    refers_to_focus: bool = False  # "that one", "it"
    needs: list[str] = field(default_factory=list)
    injections: int = 0
    fresh_request: bool = False  # "I need a hand cream": a new request, not a refinement
    clean_text: str = ""  # the message with instruction-like clauses cut (what a model sees)


_NUMBER = r"\$?\s*(\d+(?:\.\d+)?)\s*(?:dollars?|bucks|usd)?"
_PRICE_PATTERNS: list[tuple[str, str]] = [
    ("range", rf"between\s+{_NUMBER}\s+(?:and|to|-)\s+{_NUMBER}"),
    ("range", r"\$\s*(\d+(?:\.\d+)?)\s*(?:-|to)\s*\$?\s*(\d+(?:\.\d+)?)"),
    ("range", r"(\d+(?:\.\d+)?)\s*(?:-|to)\s*(\d+(?:\.\d+)?)\s*(?:dollars|bucks|usd)"),
    (
        "max",
        rf"(?:under|below|less than|cheaper than|no more than|not more than|max(?:imum)?(?: of)?"
        rf"|at most|up to|within|budget(?: is| of)?(?: around| about)?)\s+{_NUMBER}",
    ),
    ("max", r"\$\s*(\d+(?:\.\d+)?)\s*(?:or less|or under|max(?:imum)?|tops)"),
    ("max", r"(\d+(?:\.\d+)?)\s*(?:dollars|bucks|usd)\s*(?:or less|or under|max(?:imum)?|tops)"),
    ("min", rf"(?:over|above|more than|at least|minimum(?: of)?|starting at)\s+{_NUMBER}"),
    ("around", r"(?:around|about|roughly|approximately|~)\s*\$\s*(\d+(?:\.\d+)?)"),
    ("around", r"(?:around|about|roughly|approximately)\s+(\d+(?:\.\d+)?)\s*(?:dollars|bucks)"),
    ("max", r"\$\s*(\d+(?:\.\d+)?)"),  # a bare amount is a budget
]
_RATING = re.compile(
    r"(?:at least|rated|rating(?: of)?|minimum(?: of)?)?\s*(\d(?:\.\d)?)\s*(?:\+\s*)?"
    r"(?:stars?|star rating)(?:\s*(?:and|or)\s*(?:up|above|more|higher|better))?"
    r"|(\d(?:\.\d)?)\s*\+\s*(?:rating|rated)"
)
_HIGHLY_RATED = re.compile(
    r"\b(?:highly|well|top|best|great|good)[ -](?:rated|reviewed)\b|\bgood reviews\b"
)
_ANY_PRICE = re.compile(
    r"\b(?:any price|no budget|price (?:doesn'?t|does not) matter|whatever (?:it )?costs?|"
    r"money is no object|ignore the price|forget the (?:price|budget))\b"
)
# "size doesn't matter", "any colour": no constraint, and nothing to search for either.
_DONT_CARE = re.compile(
    r"\b[a-z]+ (?:doesn'?t|does not|don'?t|do not) matter\b"
    r"|\bany (?:size|colou?r|brand|type|kind)\b"
)
_CHEAPER = re.compile(r"\b(?:cheaper|less expensive|lower price|more affordable|budget option)\b")
_PRICIER = re.compile(r"\b(?:pricier|more expensive|higher end|high end|more premium|fancier)\b")

_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "last": -1, "top": 1,
}  # fmt: skip
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}
_ORDINAL_RE = re.compile(
    r"\b(?:the\s+)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"1st|2nd|3rd|[4-9]th|10th|last|top)\s+(one|option|item|product|pick|two|three|four|2|3|4)?\b"
)
_NUMBERED_RE = re.compile(r"(?:#|\bnumber\s+|\bno\.\s*|\boption\s+|\bitem\s+|\bpick\s+)(\d{1,2})\b")
_COMPARE_PAIR = re.compile(r"\bcompare\s+(\d{1,2})\s+(?:and|with|to|vs\.?)\s+(\d{1,2})\b")
_FOCUS_RE = re.compile(r"\b(?:that one|this one|that|this|it|them|those|these|both)\b")

_INTENTS: list[tuple[Intent, re.Pattern[str]]] = [
    (Intent.COPY, re.compile(r"\b(?:write|give me|draft)\b.{0,20}\b(?:description|copy|blurb)\b|"
                             r"\bproduct copy\b|\bdescribe\b")),
    (Intent.COMPARE, re.compile(r"\bcompare\b|\bdifferences?\b|\bwhich (?:one )?is better\b|"
                                r"\bvs\.?\b|\bversus\b")),
    (Intent.AGAIN, re.compile(r"\b(?:show|see|list)\b.{0,15}\bagain\b|\bprevious (?:list|results|"
                              r"ones|products)\b|\bgo back\b")),
    (Intent.REJECT, re.compile(r"\b(?:don'?t|do not|dont) (?:like|want|need)\b|\bnot (?:the|that|"
                               r"this)\b|\bno to\b|\bremove\b|\bhate\b|\bskip\b|\bnot interested\b"
                               r"|\bnot a fan\b")),
    (Intent.SIMILAR, re.compile(r"\b(?:something|anything|more|others?|ones?|items?|products?)\s+"
                                r"(?:like|similar)\b|\bsimilar\b|\blike (?:that|this|it|the)\b|"
                                r"\balternatives?\b")),
    (Intent.LIKE, re.compile(r"\b(?:i|we)\s+(?:really\s+)?(?:like|love)\b|\b(?:perfect|great|"
                             r"nice)[,!.]? (?:the|that|this)\b")),
    (Intent.DETAILS, re.compile(r"\btell me (?:more )?about\b|\bmore (?:info|information|details)"
                                r"\b|\bdetails\b|\bwhat about\b|\b(?:does|is|has) (?:it|that|"
                                r"this)\b|\bhow (?:big|much|many|long|heavy)\b|\bwhat(?:'s| is)"
                                r" the\b")),
]  # fmt: skip
_RESET = re.compile(
    r"\b(?:start over|start again|new search|forget (?:it|that|everything|all that|the previous)|"
    r"never ?mind|scratch that|something (?:else|different)|reset|change of plans?)\b"
)
_FRESH = re.compile(
    r"(?:^|[.!?]\s+)(?:(?:hi|hello|hey|actually|ok|okay|now|also|and|so|but)[,!]?\s+)*"
    r"(?:i(?:'m| am)?\s+(?:also\s+)?(?:need|want|looking for|searching for|after|shopping for)|"
    r"i'd like|i would like|looking for|show me|find me|do you (?:have|sell)|"
    r"can you (?:recommend|suggest|find)|any suggestions for|recommend)\s+"
    r"(?:a|an|some|another|new)\s+(?!(?:cheaper|better|different|similar|other|one)\b)"
)
_GREETING = re.compile(r"^\s*(?:hi|hello|hey|thanks|thank you|ok|okay|cool|great|bye)\b[\s!.]*$")

_NEGATORS = frozenset(
    {"no", "not", "without", "never", "avoid", "except", "hate", "dislike", "don", "dont",
     "doesn", "isn", "nothing", "allergic", "exclude", "excluding", "non"}
)  # fmt: skip
_NEGATION_SPAN = 3
_FILLER = frozenset(
    {"i", "im", "i'm", "me", "my", "we", "you", "your", "a", "an", "the", "some", "something",
     "anything", "need", "want", "wanted", "would", "like", "love", "can", "could", "should",
     "recommend", "show", "find", "get", "buy", "any", "suggestion", "help", "with", "and", "or",
     "that", "this", "these", "those", "is", "are", "be", "to", "of", "in", "on", "it", "its",
     "for", "good", "nice", "great", "best", "hi", "hello", "hey", "thank", "thanks", "one",
     "also", "just", "really", "very", "maybe", "what", "which", "do", "does", "have", "has",
     "else", "other", "more", "option", "looking", "look", "search", "shopping", "please", "now",
     "instead", "actually", "ok", "okay", "so", "but", "from", "by", "brand", "made", "t", "s",
     "m", "d", "ll", "re", "ve", "there", "here", "them", "they", "am", "at", "as", "about",
     "again", "item", "product", "thing", "kind", "type", "sort", "well", "too", "much", "how",
     "tell", "know", "see", "let", "give", "price", "priced", "cost", "dollar", "buck", "usd",
     "under", "over", "below", "above", "between", "less", "than", "least", "most", "up", "cheap",
     "cheaper", "expensive", "budget", "around", "rated", "rating", "star", "scent", "scented",
     "free", "ideally", "perhaps", "preferably", "prefer", "pick", "choose", "someone", "gift",
     "forget", "compare", "write", "description", "describe", "detail", "info", "information",
     "similar", "alternative", "start", "new", "mind", "never", "reset", "change", "plan",
     "different", "remove", "skip", "interested", "fan", "hate", "don", "dont", "needs",
     "make", "go", "try", "switch", "rather", "ones"}
)  # fmt: skip
_KEY_CONTEXT_WORDS = 2  # "rose scent", "scent: rose": a key this close names the value's key
MIN_COVERAGE = 0.5  # share of a category's products that must have a key for it to filter


def parse(text: str, vocab: Vocabulary, category_hint: str | None = None) -> Parsed:
    """One shopper message read with the catalogue's vocabulary. `category_hint` (the dialogue's
    current category) picks the key of a value that several keys share."""
    clean, injections = neutralise(text)
    out = Parsed(injections=injections, clean_text=clean)
    lowered = clean.casefold().replace("’", "'")
    lowered = _DONT_CARE.sub(" ", lowered)
    lowered = _take_rating(lowered, out)  # before prices: "at least 4 stars" is not $4
    lowered = _take_prices(lowered, out)
    worded = lowered
    lowered = _take_references(lowered, out)
    out.reset = bool(_RESET.search(lowered))
    out.intent = _intent(worded, out)
    _read_vocabulary(surface_words(lowered), vocab, out, category_hint)
    out.fresh_request = bool(
        out.intent is Intent.SEARCH
        and _FRESH.search(worded)
        and not out.relative_price
        and not out.references
        and (out.types or out.categories or out.needs)
    )
    if out.intent is Intent.SEARCH and not _has_content(out):
        out.intent = Intent.CHAT if _GREETING.match(clean.casefold()) or not clean else out.intent
    return out


def _blank(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]


def _take_prices(text: str, out: Parsed) -> str:
    if _ANY_PRICE.search(text):
        out.any_price = True
    for kind, pattern in _PRICE_PATTERNS:
        for match in list(re.finditer(pattern, text)):
            values = [float(v) for v in match.groups() if v is not None]
            if kind == "range" and len(values) == 2:
                out.min_price, out.max_price = min(values), max(values)
            elif kind == "max":
                out.max_price = values[0]
            elif kind == "min":
                out.min_price = values[0]
            elif kind == "around":
                out.min_price, out.max_price = round(values[0] * 0.8, 2), round(values[0] * 1.2, 2)
            text = _blank(text, match)
    if _CHEAPER.search(text):
        out.relative_price = "cheaper"
    elif _PRICIER.search(text):
        out.relative_price = "pricier"
    return text


def _take_rating(text: str, out: Parsed) -> str:
    for match in list(_RATING.finditer(text)):
        value = float(match.group(1) or match.group(2))
        if 0 < value <= 5:
            out.min_rating = value
            text = _blank(text, match)
    if out.min_rating is None and _HIGHLY_RATED.search(text):
        out.min_rating = 4.0
    return text


def _take_references(text: str, out: Parsed) -> str:
    pair = _COMPARE_PAIR.search(text)
    if pair:
        out.references += [int(pair.group(1)), int(pair.group(2))]
        text = _blank(text, pair)
    for match in list(_ORDINAL_RE.finditer(text)):
        position = _ORDINALS[match.group(1)]
        count = _COUNT_WORDS.get(match.group(2) or "")
        if count and position == 1:  # "the first two"
            out.references += list(range(1, count + 1))
        elif count and position == -1:  # "the last two": resolved against the list later
            out.references += [-i for i in range(count, 0, -1)]
        else:
            out.references.append(position)
        text = _blank(text, match)
    for match in list(_NUMBERED_RE.finditer(text)):
        out.references.append(int(match.group(1)))
        text = _blank(text, match)
    if _FOCUS_RE.search(text):
        out.refers_to_focus = True
    return text


def _intent(text: str, out: Parsed) -> Intent:
    referring = bool(out.references) or out.refers_to_focus
    for intent, pattern in _INTENTS:
        if not pattern.search(text):
            continue
        if intent is Intent.COMPARE or intent is Intent.AGAIN:
            return intent
        if intent is Intent.SIMILAR or referring:
            return intent
    if out.references:
        return Intent.DETAILS  # "the second one?"
    if out.relative_price and out.refers_to_focus:
        return Intent.SIMILAR  # "that but cheaper"
    return Intent.SEARCH


def _read_vocabulary(
    surface: list[str], vocab: Vocabulary, out: Parsed, category_hint: str | None
) -> None:
    tokens = [fold_word(w) for w in surface]  # matched folded; needs keep the shopper's words
    matches = vocab.find(tokens)
    negated = negated_positions(tokens)
    # A word is part of the free-text need unless a pattern or a vocabulary phrase took it, it is
    # filler, or it is negated ("no parabens" must not search for parabens).
    need = [
        t not in _FILLER and t not in _NEGATORS and not t.replace(".", "").isdigit() for t in tokens
    ]
    for i in negated:
        need[i] = False
    for match in matches:
        is_negated = match.start in negated or _followed_by_free(tokens, match)
        keep = _apply(match, tokens, vocab, out, is_negated, category_hint) and not is_negated
        for i in range(match.start, match.end):
            need[i] = keep
    phrase: list[str] = []
    for token, wanted in zip([*surface, ""], [*need, False], strict=True):
        if wanted:
            phrase.append(token)
        elif phrase:
            out.needs.append(" ".join(phrase))
            phrase = []


def negated_positions(tokens: list[str]) -> set[int]:
    """Positions of words said under a negation ("no lavender", "not from X", "anything but X")."""
    positions: set[int] = set()
    for i, token in enumerate(tokens):
        starts = (
            token in _NEGATORS
            or (token == "but" and i > 0 and tokens[i - 1] in ("anything", "everything", "all"))
            or (token == "other" and i + 1 < len(tokens) and tokens[i + 1] == "than")
        )
        if not starts:
            continue
        for j in range(i + 1, min(len(tokens), i + 1 + _NEGATION_SPAN)):
            if tokens[j] == "but" and j != i:
                break
            positions.add(j)
    return positions


def _followed_by_free(tokens: list[str], match: Match) -> bool:
    # "lavender free", "lavender-free": free of that value (a value like "Fragrance-Free" that is
    # itself in the vocabulary was matched whole and never gets here).
    return match.end < len(tokens) and tokens[match.end] == "free"


def _apply(
    match: Match,
    tokens: list[str],
    vocab: Vocabulary,
    out: Parsed,
    negated: bool,
    category_hint: str | None,
) -> bool:
    """Records what the phrase says; True when it is better kept as free text."""
    entries = match.entries
    by_kind = {e.kind: e for e in entries}
    before = tokens[max(0, match.start - 2) : match.start]
    if Kind.BRAND in by_kind and (
        len(entries) == 1 or {"from", "by", "brand"} & set(before) or negated
    ):
        brand = by_kind[Kind.BRAND].name
        (out.exclude_brands if negated else out.brands).append(brand)
        return False
    kind_filters = Kind.TYPE in by_kind and vocab.coverage(TYPE_KEY, by_kind[Kind.TYPE].category)
    if Kind.TYPE in by_kind and not negated and kind_filters >= MIN_COVERAGE:
        entry = by_kind[Kind.TYPE]
        out.types.append(entry.name)
        if entry.category:
            out.categories.append(entry.category)
        return False
    if Kind.CATEGORY in by_kind and not negated:
        out.categories.append(by_kind[Kind.CATEGORY].name)
        return False
    values = [e for e in entries if e.kind is Kind.VALUE]
    if values:
        chosen = _pick_key(values, tokens, match, vocab, out, category_hint)
        if chosen is None:
            return True
        target = out.exclude_attributes if negated else out.attributes
        target.setdefault(chosen.key or "", []).append(chosen.name)
        return False
    if Kind.KEY in by_kind:
        key = by_kind[Kind.KEY].name
        category = out.categories[-1] if out.categories else category_hint
        if vocab.coverage(key, category) < MIN_COVERAGE:
            return not negated  # too few products say: keep the words, filter nothing
        if key in vocab.boolean_keys:
            value = vocab.boolean_value(key, not negated)
            if value:
                out.attributes.setdefault(key, []).append(value)
            return False
        if negated and (free := vocab.free_value(key)):
            out.attributes.setdefault(key, []).append(free)  # "no fragrance"
            return False
        return True  # "noise cancelling": a need in the shopper's words
    return False


def _pick_key(
    values: list[Entry],
    tokens: list[str],
    match: Match,
    vocab: Vocabulary,
    out: Parsed,
    category_hint: str | None,
) -> Entry | None:
    """The attribute a value is a hard constraint on, or None to keep it as free text.

    Only keys most products of the category have can constrain: a filter on a key that most
    products lack ("Recommended Uses For Product") would hide the products that simply do not
    say. Among those, a value several keys share ("Rose": a scent or a colour) goes to the key
    named next to it, else to the only one left.
    """
    category = out.categories[-1] if out.categories else category_hint
    values = [v for v in values if v.key and vocab.coverage(v.key, category) >= MIN_COVERAGE]
    near = set(tokens[max(0, match.start - _KEY_CONTEXT_WORDS) : match.end + _KEY_CONTEXT_WORDS])
    named = [v for v in values if v.key and set(words(v.key)) & near]
    if len(named) == 1:
        return named[0]
    if len(values) != 1:
        return None
    phrase = tokens[match.start : match.end]
    # A one-word value that is also part of a product type ("cream": a colour, and the end of
    # "night cream") more likely names the kind of product; it stays a free-text need.
    if len(phrase) == 1 and phrase[0] in vocab.type_words:
        return None
    return values[0]


def _has_content(out: Parsed) -> bool:
    return bool(
        out.categories
        or out.types
        or out.brands
        or out.exclude_brands
        or out.attributes
        or out.exclude_attributes
        or out.needs
        or out.min_price is not None
        or out.max_price is not None
        or out.min_rating is not None
        or out.references
        or out.relative_price
        or out.any_price
    )
