"""What a catalogue value said in a message means (parse.py's vocabulary reading calls it):
which attribute it constrains, which of the catalogue's values it admits, and whether it is a
filter, a preference or a refusal. A value counts only for a key the kind asked for mostly
states (MIN_COVERAGE); several keys holding it go to the one named beside it, else the one
most products use; a refusal may reach any key but needs the whole value there.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from agent.reading import clauses as cl
from agent.reading import lexicon as lx
from agent.reading.vocabulary import TITLE_KIND, Entry, Kind, Match, Vocabulary, words

if TYPE_CHECKING:
    from agent.reading.parse import Parsed

MIN_COVERAGE = 0.5  # share of a kind's products that must have a key for it to filter
_KEY_CONTEXT_WORDS = 2  # "rose scent", "scent: rose": a key this close names the value's key


def _add_value(target: dict[str, list[str]], key: str, value: str) -> None:
    said = target.setdefault(key, [])
    if value not in said:  # "induction ... must work on induction": once
        said.append(value)


def apply_value(
    match: Match,
    tokens: list[str],
    surface: list[str],
    vocab: Vocabulary,
    out: Parsed,
    negated: bool,
    attached: bool,
    category: str | None,
    kind: str | None,
) -> bool:
    """Records what a brand, value or key phrase says; True when its words are better kept as
    free text."""
    entries = match.entries
    by_kind = {e.kind: e for e in entries}
    before = tokens[max(0, match.start - 2) : match.start]
    if Kind.BRAND in by_kind:
        brand = by_kind[Kind.BRAND]
        cued = bool({"from", "by", "brand"} & set(before)) or (
            match.end < len(tokens) and tokens[match.end] in ("brand", "brands")
        )
        plain = len(entries) == 1 and not vocab.is_common_word(brand.name)
        # "no oils" refuses oils, not the brand "Oil": a refusal names a brand as any mention does
        if cued or plain:
            if not negated and cl.hedged(match, tokens):
                return True  # "Dermaclair would be best, not a must": a wish, so search words
            (out.exclude_brands if negated else out.brands).append(brand.name)
            return False
    values = [e for e in entries if e.kind is Kind.VALUE]
    if values and (cl.as_verb(match, tokens) or _names_with_titles(match, tokens, vocab)):
        return True
    if values:
        chosen = _pick_key(values, tokens, match, vocab, category, kind, negated)
        if chosen is None:
            return True
        key, admitted = chosen
        if negated:
            target = out.exclude_attributes
        elif attached:
            target = out.attributes
        else:
            target = out.soft_attributes
        target.setdefault(key, [])
        target[key] += [v for v in admitted if v not in target[key]]
        return not negated and not attached

    if Kind.KEY in by_kind:
        key = by_kind[Kind.KEY].name
        if vocab.coverage(key, category, kind) < MIN_COVERAGE:
            return not negated  # too few products say: keep the words, filter nothing
        if key in vocab.boolean_keys:
            value = vocab.boolean_value(key, not negated)
            if value and (attached or negated):
                _add_value(out.attributes, key, value)
                return False
            return not negated
        if negated and (free := vocab.free_value(key)):
            out.attributes.setdefault(key, []).append(free)  # "no fragrance"
            return False
        return not negated  # "noise cancelling": a need in the shopper's words
    return False


def _names_with_titles(match: Match, tokens: list[str], vocab: Vocabulary) -> bool:
    """Whether the value begins a product name that titles use, three words long ("makeup
    brush set": Makeup Brush and Brush Set both stand in titles): the name, not a filter on
    what the product is recommended for."""
    named = words(" ".join(tokens[match.end - 1 : match.end + 2]))
    return (
        len(named) == 3
        and not set(named) & (lx.FILLER | lx.NOT_A_THING_AFTER)  # not "sensitive skin in"
        and all(pair in vocab.title_pairs for pair in itertools.pairwise(named))
    )


def _pick_key(
    values: list[Entry],
    tokens: list[str],
    match: Match,
    vocab: Vocabulary,
    category: str | None,
    kind: str | None,
    negated: bool = False,
) -> tuple[str, list[str]] | None:
    """The attribute a value is a constraint on, and the values it admits, or None to keep it
    as free text.

    Only keys most products of the kind asked for have can constrain: a filter on a key that
    most products lack ("Recommended Uses For Product") would hide the products that simply do
    not say, and a key of another kind ("fine" hair in a sentence about coffee) means nothing
    for this one. An exclusion may name any key: it can only remove what the shopper refused. A
    value several keys share ("Rose": a scent or a colour) goes to the key named next to it,
    else to the only one left. The words said admit every value that holds them ("cast iron":
    Cast Iron and Enameled Cast Iron).
    """
    keys = list(dict.fromkeys(v.key for v in values if v.key))
    covered = [k for k in keys if vocab.coverage(k, category, kind) >= MIN_COVERAGE]
    candidates = covered or (keys if negated else [])
    # The words around the value, not its own ("human hair" does not name Hair Type).
    near = {
        *tokens[max(0, match.start - _KEY_CONTEXT_WORDS) : match.start],
        *tokens[match.end : match.end + _KEY_CONTEXT_WORDS],
    }
    named = [k for k in candidates if set(words(k)) & near]
    if negated and not covered and len(candidates) > 1 and not named:
        # "anything except a cream": the refusal is of the key most products state (Item
        # Form, not the colour Cream a few have), when it clearly leads.
        ranked = sorted(candidates, key=lambda k: -vocab.coverage(k, category, kind))
        first, second = (vocab.coverage(k, category, kind) for k in ranked[:2])
        candidates = ranked[:1] if first >= 2 * second else candidates
    phrase = tokens[match.start : match.end]
    if len(candidates) > 1 and not named:
        # Several keys the kind states hold it ("human hair": a wig's Material and Hair
        # Type): the one under which most products say it is where the catalogue says it.
        used = {
            k: sum(vocab.value_counts[(k, v)] for v in vocab.values_with(k, phrase))
            for k in candidates
        }
        most = max(used.values())
        leaders = [k for k, n in used.items() if n == most]
        candidates = leaders if len(leaders) == 1 else candidates
    if len(named) == 1:
        key = named[0]
    elif len(candidates) == 1:
        key = candidates[0]
    else:
        return None
    if kind and kind.startswith(TITLE_KIND) and words(kind)[-1] in phrase:
        return None  # "human hair wigs" (a Style) is the kind asked for, said in full
    if kind and kind.startswith(TITLE_KIND) and set(phrase) <= set(words(kind[len(TITLE_KIND) :])):
        return None  # "eyeshadow" of "eyeshadow palette" names the kind, no "Cream Eyeshadow" form
    before = tokens[match.start - 1] if match.start else ""
    after = tokens[match.end] if match.end < len(tokens) else ""
    if not named and (vocab.compound(before, phrase[0]) or vocab.compound(phrase[-1], after)):
        return None  # "iron" of "curling iron", a kind its titles name, is no Material
    # A one-word value that is also part of a product type ("cream": a colour, and the end of
    # "night cream") more likely names the kind of product; it stays a free-text need.
    if not negated and len(phrase) == 1 and phrase[0] in vocab.type_words and not named:
        return None
    said = [v.name for v in values if v.key == key]
    if key not in covered:
        # A refusal on a key the kind seldom states needs the whole value: "no essential
        # oils" does not refuse the colour "RCM Essentials Starter Kit".
        said = [v for v in said if words(v) == phrase]
        return (key, said) if said else None
    family = _shades(key, phrase, vocab) if negated else []  # "not blue": no navy either
    # The key's own words are not needed in the value: "acne prone skin" is Skin Type "Acne
    # Prone" as well as "Acne Prone Skin".
    bare = [w for w in phrase if w not in words(key)]
    plain = vocab.values_with(key, bare) if bare and len(bare) < len(phrase) else []
    return key, list(dict.fromkeys([*said, *vocab.values_with(key, phrase), *plain, *family]))


def _shades(key: str, phrase: list[str], vocab: Vocabulary) -> list[str]:
    """The catalogue's shades of a plain colour said ("blue": Navy, Cobalt)."""
    if ("color" not in key.casefold() and "colour" not in key.casefold()) or len(phrase) != 1:
        return []
    family = set(lx.COLOR_FAMILIES.get(phrase[0], ()))
    return sorted(v for v in vocab.values.get(key, ()) if family & set(words(v)))
