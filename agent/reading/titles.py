"""Finding catalogue products named by title in free text ("something like The Babadook (2014)"),
and whether a title names a kind (for catalogues that name their kinds only in titles).

Titles are matched as whole runs of folded words. Only titles of 2 to 8 words are indexed: people
type short titles (a film, a named product line), never a 20-word marketplace title. A long
marketplace title is named short, by its brand and a few of its distinctive words.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections import defaultdict
from collections.abc import Iterable

from agent.reading.lexicon import FILLER
from agent.reading.vocabulary import words
from retrieval.types import Product

MIN_WORDS, MAX_WORDS = 2, 8
_DESCRIBED = 300  # how much of a description may say what the product is
# Names said short: at most this many words after the brand, matching at most this many
# variants, with a word at most this many of the brand's titles have; brands this big are
# too big to tell their products apart by a few words.
_MAX_SAID, _MAX_VARIANTS, _RARE, _MAX_BRAND = 5, 3, 2, 2000


class TitleIndex:
    """Titles of 2 to 8 words, and the "line" of a title (the part before its first comma,
    when it starts with the product's brand and has 3 to 8 words: "Motiv Studio Yoga Mat" for
    "Motiv Studio Yoga Mat, Natural Rubber, Purple"), which names every variant of the line."""

    def __init__(
        self,
        products: Iterable[Product],
        generic: frozenset[str] = frozenset(),
        kinds: frozenset[str] = frozenset(),
    ) -> None:
        """`generic`: words of kinds and values, which never name one product ("purple");
        `kinds`: those of kinds and categories ("trail running shoe")."""
        self._generic, self._kinds = generic | kinds, kinds
        self._by_first: dict[str, dict[tuple[str, ...], list[str]]] = defaultdict(dict)
        self._exact: dict[tuple[str, ...], str] = {}  # every title, for `exact`
        self._words: dict[str, frozenset[str]] = {}
        # Brand (by its first word) -> its products' folded titles, for names said short.
        self._brands: dict[str, dict[tuple[str, ...], list[tuple[str, ...]]]] = defaultdict(dict)
        for product in products:
            key = tuple(sys.intern(w) for w in words(product.title))
            self._exact[key] = product.id
            brand = tuple(words(product.brand or ""))
            if brand and key:
                self._brands[brand[0]].setdefault(brand, []).append(key)
            if MIN_WORDS <= len(key) <= MAX_WORDS:
                self._by_first[key[0]].setdefault(key, []).append(product.id)
            line = _line(product)
            if line:
                self._by_first[line[0]].setdefault(line, []).append(product.id)
                self._words[product.id] = frozenset(key)

    def exact(self, title: str) -> str | None:
        """The id of the product with exactly this title (ignoring case and punctuation)."""
        return self._exact.get(tuple(words(title)))

    def find(self, text: str) -> list[str]:
        """Ids of the products whose titles (or lines) appear in `text`, in order, without
        overlaps; a line's variants come best first, by the other words of the text they
        share ("the Flexcore Extra-Thick Yoga Mat in teal")."""
        tokens = words(text)
        present = set(tokens)
        found: list[str] = []
        i = 0
        while i < len(tokens):
            bucket = self._by_first.get(tokens[i], {})
            key = max(
                (k for k in bucket if tuple(tokens[i : i + len(k)]) == k), key=len, default=None
            )
            if key is None:
                said, ids = self._by_brand(tokens, i)
                found.extend(pid for pid in ids if pid not in found)
                i += max(1, said)
                continue
            ids = bucket[key]
            if len(ids) > 1:
                ids = sorted(ids, key=lambda pid: -len(self._words.get(pid, frozenset()) & present))
            found.extend(pid for pid in ids if pid not in found)
            i += len(key)
        return found

    def _by_brand(self, tokens: list[str], i: int) -> tuple[int, list[str]]:
        """A product named short, by its brand and distinctive words of its long title ("the
        Kopari Peptide Glow moisturizer" for "Kopari Peptide Glow Hydrating Moisturizer Face
        Cream | ..."): the words after the brand must be in one product's title (or a few
        variants'), at least two of them, one that few of the brand's titles have and that names
        no kind or value (or three of them). "A Motiv yoga mat" names a brand and a kind.
        Returns (words used, ids)."""
        for brand, titles in self._brands.get(tokens[i], {}).items():
            if tuple(tokens[i : i + len(brand)]) != brand or len(titles) > _MAX_BRAND:
                continue
            run = list(itertools.takewhile(lambda w: w not in FILLER, tokens[i + len(brand) :]))
            said = set(run[:_MAX_SAID])
            if len(said) < 2:
                return 0, []
            sets = [set(t) for t in titles]
            scores = [len(said & t) for t in sets]
            best = max(scores)
            winners = [n for n, score in enumerate(scores) if score == best]
            shared = said & sets[winners[0]]
            rare = [w for w in shared if sum(w in t for t in sets) <= _RARE]
            # A rare word that is no kind or value tells a product; so do three shared words
            # with a rare one that is no kind.
            telling = bool(set(rare) - self._generic) or (
                best >= 3 and bool(set(rare) - self._kinds)
            )
            if best < max(2, len(said) - 1) or len(winners) > _MAX_VARIANTS or not telling:
                return 0, []
            return len(brand) + len(run[:_MAX_SAID]), [self._exact[titles[n]] for n in winners]
        return 0, []


def name_span(text: str, product: Product) -> tuple[int, int] | None:
    """Where the product is named in a lower-cased text: its title, its line (the part before
    the first comma), else its brand and the title's words that follow it."""
    for name in (product.title, product.title.split(",")[0]):
        surface = re.findall(r"[^\W_]+", name.casefold())
        if surface:
            found = re.search(r"\b" + r"[\W_]+".join(map(re.escape, surface)) + r"\b", text)
            if found:
                return found.span()
    brand = re.findall(r"[^\W_]+", (product.brand or "").casefold())
    if not brand:
        return None
    found = re.search(r"\b" + r"[\W_]+".join(map(re.escape, brand)) + r"\b", text)
    if found is None:
        return None
    title = set(words(product.title))
    base = end = found.end()
    for word in re.finditer(r"[^\W_]+", text[base:]):
        gap = text[end : base + word.start()]
        if gap.strip() or not set(words(word.group(0))) <= title:
            break
        end = base + word.end()
    return found.start(), end


def _line(product: Product) -> tuple[str, ...] | None:
    head = product.title.split(",")[0]
    if head == product.title or not product.brand:
        return None
    key = tuple(sys.intern(w) for w in words(head))
    brand = tuple(words(product.brand))
    if not (3 <= len(key) <= MAX_WORDS) or key[: len(brand)] != brand:
        return None
    return key


# Nouns that, right after a kind in a title, make the product a thing for that kind rather than
# one of it: "Toothbrush Travel Case", "Foundation Brush", "Empty Deodorant Containers".
ACCESSORIES = frozenset(
    words(
        "case holder cover container organizer organiser stand bag pouch replacement refill "
        "head bit attachment brush sponge applicator cleaner remover bottle jar dispenser "
        "mold mould tray rack box charger adapter mount bracket cartridge blade cleaning mat"
    )
)
_FOR = frozenset({"for", "compatible", "fit", "fits", "fitting"})
_JOINS = frozenset({"with", "and", "by", "in", "of", "plus", "for"})  # "Curler with Refill Pads"
_FOR_REACH = 4  # "Case for Dyson Supersonic Hair Dryer": "for" four words before "dryer"
_ACCESSORY_REACH = 2  # "Toothbrush Travel Case": the accessory two words after
# "Makeup Brushes Set ... Foundation Concealer": an accessory among a title's first words names
# the product, when it is not part of the kind's own name ("Hair Brush Straightener").
_LEADING = 3
# (not words that also name products of their own: "Face Cleaner", "Callus Remover", "Head &
# Shoulders", "Refill Lotion")
_LEADING_ACCESSORIES = ACCESSORIES - frozenset(words("cleaner remover head bit refill replacement"))


# Parts of the body a kind is named for ("hair straightener", "beard straightener").
_PARTS = {
    said: part
    for part, names in {
        "hair": "hair", "beard": "beard mustache", "eyelash": "eyelash lash",
        "eyebrow": "eyebrow brow", "nail": "nail", "lip": "lip", "face": "face facial",
        "foot": "foot feet", "hand": "hand", "body": "body", "eye": "eye", "skin": "skin",
        "scalp": "scalp", "tooth": "tooth teeth", "neck": "neck", "leg": "leg",
    }.items()
    for said in words(names)
}  # fmt: skip


def kind_tier(product: Product, kinds: Iterable[str]) -> int:
    """How squarely the product's title names one of the kinds asked for (folded; one word, or
    a modifier and a head word: "eyelash curler"): 0 the whole kind, as the product itself; 1
    the head word as the product itself; 2 the whole kind only as what the product is for (an
    accessory); 3 not at all. The first mention of the head decides what the product is, and
    a title names its product first ("Empty Deodorant Containers ... for Gel Deodorant")."""
    return kind_reading(product, kinds)[0]


def kind_reading(product: Product, kinds: Iterable[str]) -> tuple[int, frozenset[str]]:
    """`kind_tier`, and for a thing for the kind (tier 2) the words that may name what it is
    instead ("travel case" of "Toothbrush Travel Case", "empty glass bottle" of "Empty Glass
    Bottles for Beard Oil"): a shopper who says one of them asks for the thing itself."""
    title = words(product.title)
    best, instead = 3, frozenset[str]()
    for kind in kinds:
        said = words(kind)
        at = [i for i, word in enumerate(title) if said and word == said[-1]]
        if not at:
            continue
        first = at[0]
        after = list(
            itertools.takewhile(
                lambda w: w not in _JOINS, title[first + 1 : first + 1 + _ACCESSORY_REACH]
            )
        )
        before = title[max(0, first - _FOR_REACH) : first]
        leading = title[: max(0, min(_LEADING, first - 1))]
        if ACCESSORIES & set(after) or _FOR & set(before) or _LEADING_ACCESSORIES & set(leading):
            # (a thing for another kind with the same head is not one for this kind: bottles
            # "for Essential Oils" are nothing for a beard oil)
            if best > 2 and set(said) <= set(title):
                best, instead = 2, _instead(title, first, after)
            continue
        # (not side by side: "Moisturizer for Face" is a face moisturizer; but a title that
        # first names the head for another part of the body is that part's: "Beard
        # Straightener ... Hair Straightener Brush" is a beard straightener)
        other_part = (
            len(said) >= 2
            and said[-2] in _PARTS
            and first > 0
            and title[first - 1] in _PARTS
            and _PARTS[title[first - 1]] != _PARTS[said[-2]]
        )
        best = min(best, 0 if set(said) <= set(title) and not other_part else 1)
    return best, instead if best == 2 else frozenset()


def _instead(title: list[str], first: int, after: list[str]) -> frozenset[str]:
    """The words that may say what a thing for the kind (first named at `first`) is: those
    before the kind ("Cordless Water Flosser for Teeth"), the accessory after it ("Toothbrush
    Travel Case")."""
    return frozenset(title[:first]) - _JOINS - FILLER | (ACCESSORIES & set(after))


def titled(product: Product, heads: Iterable[str], described: bool = False) -> bool:
    """Whether the product's title has the head word of any of these (folded) kinds ("curler"
    of "eyelash curler"); or, `described`, whether the start of its description has all the
    kind's words (hair clamps "for use with rollers" are no jade roller)."""
    if described:
        have = set(words(product.description[:_DESCRIBED]))
        return any((said := words(h)) and have.issuperset(said) for h in heads)
    have = set(words(product.title))
    return any((said := words(h)) and said[-1] in have for h in heads)
