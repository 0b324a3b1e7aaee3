"""The catalogue's own words: categories, product types, brands, attribute keys and values.

The rules backend understands a shopper by finding these phrases in what they write, so it knows
exactly the words of the shop it serves and nothing else. Phrases are matched on folded text
(lower case, punctuation as spaces, plurals folded), longest first.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from rapidfuzz import fuzz, process
from wordfreq import zipf_frequency

from agent.types import TYPE_KEY
from retrieval.types import Product

_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
MAX_PHRASE_WORDS = 5
# Attribute keys that describe logistics, not what a shopper wants.
_IGNORED_KEYS = frozenset(
    {
        "upc",
        "asin",
        "brand",
        "manufacturer",
        "item model number",
        "date first available",
        "is discontinued by manufacturer",
        "package dimensions",
        "product dimensions",
        "item dimensions lxwxh",
        "item weight",
        "country of origin",
        "unit count",
        "number of items",
        "global trade identification number",
    }
)
_BOOLEAN = {"yes": True, "true": True, "no": False, "false": False}
# Values that suit everyone, accepted whatever the shopper asked for of that key.
_CATCH_ALL = frozenset({"unisex", "universal", "all sizes", "one size", "all", "all skin types"})
# Words too general to name a kind or a value on their own.
_GENERIC_WORDS = frozenset(
    {"care", "supplies", "and", "the", "for", "with", "pack", "light", "lights", "set", "kit",
     "free", "pro", "extra", "super", "ultra", "classic", "original", "natural", "fresh",
     "cool", "warm", "soft", "all", "type", "types", "size", "sizes", "home", "gear", "tool",
     "tools", "item", "items", "bag", "bags", "box", "bottle", "can", "jar", "case", "stick",
     "pad", "ball"}
)  # fmt: skip


def suits_everyone(value: str) -> bool:
    """Whether an attribute value suits everyone ("All Skin Types", "Unisex")."""
    folded = value.casefold()
    return folded.startswith("all ") or folded in _CATCH_ALL


_FOREIGN = 2.5  # wordfreq zipf below which a word is no English: "urgente" 1.1, "aside" 4.6
_NO_PLURAL = frozenset({"news", "series", "species"})  # "news" is not "new"s


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    if word in _NO_PLURAL:
        return word
    if len(word) > 3 and word.endswith("ies"):
        # "supplies" -> "supply", but "movies" -> "movie", "cookies" -> "cookie"
        ie, y = word[:-1], word[:-3] + "y"
        return ie if zipf_frequency(ie, "en") > zipf_frequency(y, "en") else y
    if len(word) > 4 and word.endswith(("shes", "ches", "xes", "zes", "sses")):
        return word[:-2]  # leashes, brushes, boxes, glasses
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def surface_words(text: str) -> list[str]:
    """The words of a text as written (lower case), aligned with words()."""
    return _TOKEN.findall(plain_letters(text.casefold()))


def words(text: str) -> list[str]:
    """Folded words of a text, in order."""
    return [fold_word(w) for w in _TOKEN.findall(plain_letters(text.casefold()))]


def plain_letters(text: str) -> str:
    """`text` without accents: "Grégory" is one word, "gregory", not "gr" and "gory"."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class Kind(StrEnum):
    CATEGORY = "category"
    TYPE = "type"
    BRAND = "brand"
    VALUE = "value"  # an attribute value, e.g. Fragrance = Lavender
    KEY = "key"  # an attribute name, e.g. "fragrance", "waterproof"


@dataclass(frozen=True)
class Entry:
    kind: Kind
    name: str  # canonical: the category, type, brand or attribute value as the catalogue writes it
    key: str | None = None  # for VALUE and KEY: the attribute name
    category: str | None = None  # for TYPE: the category its products belong to
    # A short name ("blocks" for Yoga Block): it names the kind only when the dialogue is about
    # that kind's category, unless it names several kinds ("lamps", "earbuds") at once.
    short: bool = False


@dataclass(frozen=True)
class Match:
    start: int  # word positions in the folded text
    end: int
    entries: tuple[Entry, ...]


_MIN_TITLES = 3
_DESCRIPTIVE_TITLE_WORDS = 6  # median distinct words per title, above which titles describe
_EVERYDAY_WORD = 3.0  # wordfreq zipf: "charger" 3.3, "scrunchy" 1.6
# A word of a longer value this common is said for its own sake far more often than to name
# the value: "good" (Starring: Meagan Good) 6.1, "movie" (Monster Movie) 5.2, "heard" 5.3,
# against "chicken" (Chicken & Rice) 4.6, "coconut" 3.9, "cork" 3.7, "nonstick" 2.3.
_EVERYDAY_VALUE_WORD = 5.0
_FEW_VALUES = 12  # a key's values, few enough that "warm" beside "light" tells which one
# Keys whose values name individuals: at least this many values, this many per mention
# (films: Starring 8,977 values over 19,360 mentions; beauty's Color 239 over 644).
_INDIVIDUAL_VALUES = 1000
_INDIVIDUAL_SHARE = 0.3
_NEAR_TITLE_WORD = 84  # rapidfuzz ratio: "scrunchy" ~ "scrunchie", "moisturiser" ~ "moisturizer"
# Yes/no keys named "<thing> Compatible" / "Safe" / "Ready": the thing alone names them.
_QUALIFIERS = frozenset({"compatible", "safe", "ready", "friendly", "approved"})
# The kind a catalogue names only in its titles, as a coverage group: "title:wig".
TITLE_KIND = "title:"
# How a brand's legal name ends, which shoppers leave out ("Duke Cannon Supply Co.").
_COMPANY = re.compile(
    r"(?:[\s,]+(?:supply|co|company|inc|incorporated|llc|ltd|limited|corp|corporation|gmbh|"
    r"international|usa|brands?|group|\&)\.?)+\s*$",
    re.IGNORECASE,
)


def _without_company(brand: str) -> str | None:
    """The brand without its company suffix, when that leaves a name of two words or more
    (a one-word remainder such as "Duke" would name too much)."""
    short = _COMPANY.sub("", brand).strip(" ,.")
    return short if short != brand and len(short.split()) >= 2 else None


_COMPOUND_PARTNERS = 4  # beauty: "curling" goes with 4 title words, "lip" 16, "face" 46


@dataclass
class Vocabulary:
    phrases: dict[tuple[str, ...], list[Entry]] = field(default_factory=dict)
    # Per attribute key: its values, and the values that suit everyone ("All Skin Types").
    values: dict[str, set[str]] = field(default_factory=dict)
    catch_all: dict[str, list[str]] = field(default_factory=dict)
    boolean_keys: set[str] = field(default_factory=set)
    categories: list[str] = field(default_factory=list)  # top-level, most products first
    # How many products have each key, overall (category "") and per category: a key most
    # products lack cannot be a hard filter ("Recommended Uses For Product"), and a value
    # several keys share belongs to the key its category has.
    key_counts: dict[str, Counter[str]] = field(default_factory=dict)
    category_sizes: Counter[str] = field(default_factory=Counter)
    type_words: set[str] = field(default_factory=set)  # words of product type and category names
    top_of: dict[str, str] = field(default_factory=dict)  # category -> its top-level category
    # Brands whose name is also an everyday word of the catalogue's text ("It", "Pure"): a
    # shopper means the brand only when they say so ("from It", "the It brand").
    common_brands: set[str] = field(default_factory=set)
    # Price quantiles per product type (and per category, and "" overall): "cheap" means the
    # cheaper part of the kind asked for.
    prices: dict[str, list[float]] = field(default_factory=dict)
    # A catalogue whose products carry no kind names it only in titles ("Clip In Hair
    # Extensions ..."): the (folded) words of its titles are its kind words (title_head), when
    # a few titles have them (one odd listing with "laptop" in it does not make a laptop shop).
    title_words: frozenset[str] = frozenset()
    # Untyped catalogues: how many titles have each title word, and which attribute keys those
    # products state (coverage among the products a title word names: "wig" -> Material).
    title_sizes: Counter[str] = field(default_factory=Counter)
    value_counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (key, value)
    kinds_in: dict[str, list[str]] = field(default_factory=dict)  # category -> its types
    title_key_counts: dict[str, Counter[str]] = field(default_factory=dict)
    # Untyped catalogues: two title words that stand together in a few titles ("curling iron"),
    # a kind narrower than its last word ("iron" is also in "flat iron" and heat sprays).
    title_pairs: frozenset[tuple[str, str]] = frozenset()
    _known: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _kinds: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _pairs: frozenset[tuple[str, str]] | None = field(default=None, repr=False, compare=False)
    _titles_sorted: tuple[str, ...] | None = field(default=None, repr=False, compare=False)
    _partners: Counter[str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_products(cls, products: Iterable[Product], min_count: int = 1) -> Vocabulary:
        vocab = cls()
        value_counts: Counter[tuple[str, str]] = Counter()
        top_counts: Counter[str] = Counter()
        key_counts: dict[str, Counter[str]] = defaultdict(Counter)
        type_category: dict[str, Counter[str]] = defaultdict(Counter)
        brands: set[str] = set()
        text_words: Counter[str] = Counter()
        brand_words: dict[str, Counter[str]] = defaultdict(Counter)
        prices: dict[str, list[float]] = defaultdict(list)
        title_words: Counter[str] = Counter()
        title_pairs: Counter[tuple[str, str]] = Counter()
        untyped: list[tuple[frozenset[str], frozenset[tuple[str, str]], tuple[str, ...]]] = []
        title_lengths: list[int] = []
        for p in products:
            kind_name = p.attributes.get(TYPE_KEY)
            said = words(p.title)  # once per product: the title's words serve three counts
            title = set(said)
            if not kind_name:
                keys = tuple(k for k in p.attributes if k.casefold() not in _IGNORED_KEYS)
                pairs = set(itertools.pairwise(said))
                untyped.append((frozenset(title), frozenset(pairs), keys))
                title_pairs.update(pairs)
            groups = ["", *p.category_path, *([_type_group(kind_name)] if kind_name else [])]
            vocab.category_sizes.update(groups)
            if p.price is not None:
                for name in groups:
                    prices[name].append(p.price)
            title_words.update(title)
            title_lengths.append(len(title))
            seen = set(words(" ".join([p.title, p.description[:300]])))
            text_words.update(seen)
            if p.brand:
                brand_words[p.brand].update(seen)
            if p.category_path:
                top_counts[p.category_path[0]] += 1
            for name in p.category_path:
                vocab._add(name, Entry(Kind.CATEGORY, name))
                vocab.top_of.setdefault(name, p.category_path[0])
            if p.brand:
                brands.add(p.brand)
            for key, value in p.attributes.items():
                if key.casefold() in _IGNORED_KEYS:
                    continue
                for name in groups:
                    key_counts[name][key] += 1
                if key == TYPE_KEY:
                    type_category[value][p.category or ""] += 1
                    continue
                # A list value ("Horror, Thriller") offers each of its items as a choice.
                parts = [part.strip() for part in value.split(", ") if part.strip()]
                for part in parts if len(parts) > 1 else [value]:
                    value_counts[(key, part)] += 1
        for brand in sorted(brands):
            vocab._add(brand, Entry(Kind.BRAND, brand))
            short = _without_company(brand)
            if short:  # "Duke Cannon" for Duke Cannon Supply Co., as shoppers say it
                vocab._add(short, Entry(Kind.BRAND, brand))
        type_entries = [
            Entry(Kind.TYPE, kind, category=cats.most_common(1)[0][0] or None)
            for kind, cats in type_category.items()
        ]
        for entry in type_entries:
            vocab._add(entry.name, entry)
            vocab.kinds_in.setdefault(entry.category or "", []).append(entry.name)
        for (key, value), count in value_counts.items():
            if count < min_count or not _usable_value(value):
                continue
            vocab.values.setdefault(key, set()).add(value)
        for key, values in vocab.values.items():
            if {v.casefold() for v in values} <= set(_BOOLEAN):
                vocab.boolean_keys.add(key)
            else:
                for value in sorted(values):  # (in one order whatever the hash seed)
                    vocab._add(value, Entry(Kind.VALUE, value, key=key))
                    if suits_everyone(value):
                        # (all of them: beauty's Hair Type has "All" and "All Hair Types")
                        vocab.catch_all.setdefault(key, []).append(value)
            vocab._add(key, Entry(Kind.KEY, key, key=key))
            folded = words(key)
            if key in vocab.boolean_keys and len(folded) == 2 and folded[1] in _QUALIFIERS:
                # "works on induction", "dishwasher ok": the first word names the key
                vocab._add(folded[0], Entry(Kind.KEY, key, key=key))
        # Short names come last: a word that already names a value or a key keeps that meaning.
        vocab._add_short_names(type_entries, list(top_counts) + list(vocab.top_of))
        key_words = {w for key in vocab.values for w in words(key)}
        for key, values in vocab.values.items():
            if key not in vocab.boolean_keys and not vocab._names_individuals(key):
                vocab._add_value_words(key, values, key_words)
        vocab.categories = [name for name, _ in top_counts.most_common()]
        vocab.key_counts = dict(key_counts)
        vocab.value_counts = value_counts
        for brand in sorted(brands):
            folded = words(brand)
            # A one-word brand that many other products' texts use is an everyday word.
            if len(folded) == 1:
                others = text_words[folded[0]] - brand_words[brand][folded[0]]
                if others >= 3:
                    vocab.common_brands.add(brand)
        vocab.prices = {name: sorted(values) for name, values in prices.items()}
        if not vocab.has_types() and _descriptive(title_lengths):
            # Titles that describe the product ("Glueless Lace Front Wig, Human Hair, 18
            # inch") name its kind; titles that are names ("Jumanji (2017)") do not.
            vocab.title_words = frozenset(
                w for w, n in title_words.items() if n >= _MIN_TITLES and w.isalpha()
            )
            vocab.title_pairs = frozenset(
                pair
                for pair, n in title_pairs.items()
                if n >= _MIN_TITLES
                and pair[0] in vocab.title_words
                and pair[1] in vocab.title_words
            )
            vocab._count_title_keys(untyped)
        return vocab

    def has_types(self) -> bool:
        """The catalogue says the kind of each product (a Type attribute most products have)."""
        return self.coverage(TYPE_KEY) >= 0.5

    def known_words(self) -> frozenset[str]:
        """Every word of the catalogue's phrases, and its title words where they name its kinds
        (what typos.py may correct a word to)."""
        if self._known is None:
            said = frozenset(w for phrase in self.phrases for w in phrase if w.isalpha())
            self._known = said | self.title_words
        return self._known

    def kind_words(self) -> frozenset[str]:
        """The words of its product types and of the title words naming kinds: what a word
        English also has may be a slip for ("matt" for mat), unlike a category's broad word
        ("spot" is no slip for Sports)."""
        if self._kinds is None:
            typed = (p for p, es in self.phrases.items() if any(e.kind is Kind.TYPE for e in es))
            self._kinds = frozenset(w for phrase in typed for w in phrase) | self.title_words
        return self._kinds

    def _sorted_titles(self) -> tuple[str, ...]:
        # sorted: a tie must go the same way in every process (set order follows the hash seed)
        if self._titles_sorted is None:
            self._titles_sorted = tuple(sorted(self.title_words))
        return self._titles_sorted

    def pairs(self) -> frozenset[tuple[str, str]]:
        """Its two-word names ("yoga mat", "dry skin"), folded."""
        if self._pairs is None:
            self._pairs = frozenset((p[0], p[1]) for p in self.phrases if len(p) == 2)
        return self._pairs

    def generic_words(self) -> frozenset[str]:
        """Words of its attribute values: they describe many products, never name one."""
        return frozenset(w for vs in self.values.values() for v in vs for w in words(v))

    def _count_title_keys(
        self, rows: Iterable[tuple[frozenset[str], frozenset[tuple[str, str]], tuple[str, ...]]]
    ) -> None:
        """Per title word, and per two-word kind ("eyelash curler"), how many titles have it
        and which attributes those products state."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for title, pairs, keys in rows:
            kinds = [*(title & self.title_words), *(" ".join(p) for p in pairs & self.title_pairs)]
            for kind in kinds:
                self.title_sizes[kind] += 1
                counts[kind].update(keys)
        self.title_key_counts = dict(counts)

    def compound(self, first: str, head: str) -> bool:
        """Two title words that name one kind together ("curling iron", "claw clip"): they
        stand together in titles, and the first word goes with few others ("face" goes with
        dozens: "face moisturizer" is a moisturizer)."""
        if (first, head) not in self.title_pairs:
            return False
        if self._partners is None:
            self._partners = Counter(a for a, _ in self.title_pairs)
        return self._partners[first] <= _COMPOUND_PARTNERS

    def title_coverage(self, key: str, head: str) -> float:
        """The share of the products whose titles have `head` that state the attribute."""
        size = self.title_sizes.get(head, 0)
        return self.title_key_counts.get(head, Counter()).get(key, 0) / size if size else 0.0

    def kind_by_word(self, said: Sequence[str], category: str) -> str | None:
        """The one type of `category` that a word said names by what sets it apart from the
        category's other types ("hiking" among backpacks: Hiking Backpack)."""
        kinds = self.kinds_in.get(category, [])
        if len(kinds) < 2:
            return None
        shared = set.intersection(*(set(words(k)) for k in kinds))
        named = [k for k in kinds if (set(words(k)) - shared) & set(said)]
        return named[0] if len(named) == 1 else None

    def title_head(self, phrase: str) -> str | None:
        """In a catalogue that names its kinds only in titles, the kind a phrase names: its
        head word (the last: "hair extensions" -> "extension") when some title has it."""
        return self._named(words(phrase))[1]

    def _named(self, said: list[str]) -> tuple[list[str], str | None]:
        """The words of a phrase up to its head, and the head: without up to two trailing
        words that name nothing in titles and are no English ("hair straightener urgente": an
        untranslated aside; but "size aside" names no size, nor "batteries aa" a kind of
        battery)."""
        head = self._title_head(said)
        for _ in range(2):
            last = said[-1] if said else ""
            if head is not None or len(said) < 2 or len(last) < 4:
                break
            if zipf_frequency(last, "en") >= _FOREIGN:
                break
            said = said[:-1]
            head = self._title_head(said)
        return said, head

    def _title_head(self, said: list[str]) -> str | None:
        head = said[-1] if said else ""
        if len(head) <= 2:
            return None
        if head in self.title_words:
            return head
        # Spelled another way ("scrunchy", "moisturiser"): the title word it nearly is; not
        # an everyday word of its own ("charger" is no misspelt "charge").
        if zipf_frequency(head, "en") >= _EVERYDAY_WORD:
            return None
        near = process.extractOne(
            head, self._sorted_titles(), scorer=fuzz.ratio, score_cutoff=_NEAR_TITLE_WORD
        )
        return str(near[0]) if near and len(head) >= 5 else None

    def title_kind(self, phrase: str) -> str | None:
        """The kind a phrase names in a catalogue that names kinds only in titles: its head
        word, or the word before it with the head where the two stand together in titles
        ("eyelash curler", "body wash": not every curler or wash)."""
        said, head = self._named(words(phrase))
        if head is None or len(said) < 2:
            return head
        if (said[-2], head) in self.title_pairs:
            return f"{said[-2]} {head}"
        return head

    def is_common_word(self, brand: str) -> bool:
        return brand in self.common_brands

    def price_quantile(self, q: float, kind: str | None, category: str | None) -> float | None:
        """The q-quantile of the prices of a product type (else category, else catalogue)."""
        for name in (_type_group(kind) if kind else None, category, ""):
            values = self.prices.get(name) if name is not None else None
            if values:
                return values[min(len(values) - 1, int(q * len(values)))]
        return None

    def _add_short_names(self, types: list[Entry], categories: list[str]) -> None:
        """The short ways shoppers name kinds: the last word of a type ("blocks" for Yoga
        Block, "earbuds" for both kinds of earbuds), a hyphenated first part ("over-ear"), and
        a word only one category's name has ("coffee", "dog", "lighting")."""
        heads: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        for entry in types:
            folded = words(entry.name)
            if len(folded) < 2:
                continue
            short = Entry(entry.kind, entry.name, entry.key, entry.category, short=True)
            heads[(folded[-1],)].append(short)
            if "-" in entry.name.split()[0]:
                heads[tuple(words(entry.name.split()[0]))].append(short)
            if len(folded) >= 3:
                heads[tuple(folded[:2])].append(entry)  # "whole bean", "loose leaf"
                heads[(folded[0], folded[-1])].append(entry)  # "stability shoe"
        for phrase, entries in heads.items():
            if phrase in self.phrases or phrase[-1] in _GENERIC_WORDS:
                continue  # a type's own name ("Shampoo") wins over being another's last word
            for entry in entries:
                self.phrases.setdefault(phrase, []).append(entry)
            self.type_words.update(phrase)
        owners: dict[str, set[str]] = defaultdict(set)
        for name in dict.fromkeys(categories):
            for word in words(name):
                owners[word].add(name)
        for word, names in owners.items():
            bucket = self.phrases.get((word,), [])
            # Beside a kind's short name ("tea" for Loose Leaf Tea) the category stays, for when
            # the dialogue is not about that category yet.
            free = not bucket or all(e.short for e in bucket)
            if len(names) == 1 and free and word not in _GENERIC_WORDS:
                self._add(word, Entry(Kind.CATEGORY, next(iter(names))))

    def _names_individuals(self, key: str) -> bool:
        """A key with thousands of values, about as many as products state it (a film's
        Starring, Writer): its values are people, and one of their words ("natalie") names
        none of them; only the whole value does."""
        values = self.values.get(key, ())
        stated = sum(self.value_counts[(key, v)] for v in values)
        return len(values) >= _INDIVIDUAL_VALUES and len(values) >= _INDIVIDUAL_SHARE * stated

    def _add_value_words(self, key: str, values: set[str], key_words: set[str]) -> None:
        """A distinctive word of a longer value names it too ("nonstick" for Nonstick Ceramic,
        "cork" wherever it stands); parse.py widens such a match to every value that holds
        the word. An everyday word does not: "a good movie" names neither Meagan Good nor
        Monster Movie (the whole value, said, still does)."""
        for value in sorted(values):
            folded = words(value)
            if len(folded) < 2:
                continue
            acronyms = set(words(" ".join(w for w in value.split() if w.isupper())))
            for word in folded:
                entry = Entry(Kind.VALUE, value, key=key)
                if word in _GENERIC_WORDS and len(values) <= _FEW_VALUES:
                    # "warm light" (Light Color: Warm White): an everyday word beside a word
                    # of its key, where the key has a few values to tell apart
                    for said in set(words(key)) - {word}:
                        self.phrases.setdefault((word, said), []).append(entry)
                    continue
                taken = (word,) in self.phrases or word in key_words
                short = len(word) < 4 and word not in acronyms  # "EVA" of EVA Foam is a word
                if short or taken or _everyday(word):
                    continue
                self.phrases.setdefault((word,), []).append(entry)

    def values_with(self, key: str, said: Sequence[str]) -> list[str]:
        """Every value of `key` holding all the words said ("cast iron": Cast Iron and
        Enameled Cast Iron)."""
        wanted = set(said)
        return sorted(v for v in self.values.get(key, ()) if wanted <= set(words(v)))

    def coverage(self, key: str, category: str | None = None, kind: str | None = None) -> float:
        """The share of products that have the attribute: among products of type `kind` when
        given, else in `category`, else in the category where the attribute is most common
        (whole catalogue when uncategorised)."""
        if kind and kind.startswith(TITLE_KIND):  # a kind named only in titles
            return self.title_coverage(key, kind.removeprefix(TITLE_KIND))
        if kind and self.category_sizes.get(_type_group(kind)):
            names = [_type_group(kind)]
        elif category:
            names = [category]
        else:
            names = [c for c in self.key_counts if c and not c.startswith("type:")] or [""]
        shares = [
            self.key_counts.get(name, Counter()).get(key, 0) / self.category_sizes[name]
            for name in names
            if self.category_sizes.get(name)
        ]
        return max(shares, default=0.0)

    def _add(self, phrase: str, entry: Entry) -> None:
        key = tuple(words(phrase))
        if not key or len(key) > MAX_PHRASE_WORDS:
            return
        if entry.kind in (Kind.TYPE, Kind.CATEGORY):
            self.type_words.update(key)
        bucket = self.phrases.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)

    def find(self, tokens: Sequence[str]) -> list[Match]:
        """Non-overlapping phrase matches, longest first, left to right."""
        taken = [False] * len(tokens)
        found: list[Match] = []
        for size in range(min(MAX_PHRASE_WORDS, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                if any(taken[start : start + size]):
                    continue
                entries = self.phrases.get(tuple(tokens[start : start + size]))
                if entries:
                    found.append(Match(start, start + size, tuple(entries)))
                    for i in range(start, start + size):
                        taken[i] = True
        return sorted(found, key=lambda m: m.start)

    def boolean_value(self, key: str, wanted: bool) -> str | None:
        for value in sorted(self.values.get(key, ())):
            if _BOOLEAN.get(value.casefold()) is wanted:
                return value
        return None

    def free_value(self, key: str) -> str | None:
        """The "<key>-free" value of a key ("Fragrance-Free"), for "no fragrance"."""
        for value in sorted(self.values.get(key, ())):
            if words(value)[-1:] == ["free"]:
                return value
        return None


def _descriptive(title_lengths: Sequence[int]) -> bool:
    """Whether most titles are descriptions (beauty: median 15 words) rather than names
    (films: 3)."""
    ordered = sorted(title_lengths)
    return bool(ordered) and ordered[len(ordered) // 2] >= _DESCRIPTIVE_TITLE_WORDS


def _type_group(kind: str) -> str:
    return f"type:{kind}"


def attribute_phrase(key: str, value: str) -> str:
    """An attribute as words: "waterproof", "not waterproof", "Fragrance-Free" (a value that
    names its key already), else "Skin Type: Sensitive"."""
    flag = _BOOLEAN.get(value.casefold())
    if flag is not None:
        return key.casefold() if flag else f"not {key.casefold()}"
    if words(key)[:1] and words(key)[0] in words(value):
        return value
    return f"{key}: {value}"


def _usable_value(value: str) -> bool:
    # Long values are sentences, not choices; bare numbers say nothing without their key.
    tokens = words(value)
    return 0 < len(tokens) <= 4 and len(value) <= 30 and not all(t[0].isdigit() for t in tokens)


@lru_cache(maxsize=65536)
def _everyday(word: str) -> bool:
    return zipf_frequency(word, "en") >= _EVERYDAY_VALUE_WORD
