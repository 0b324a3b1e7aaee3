"""Shopper typing, put right before reading: words run together ("wirelessearbuds",
"under50"), and misspellings of words the reader knows ("matt", "undr", "dollers").

A word is corrected only to a word of the catalogue's vocabulary or of the shopping lexicon,
only when it is not itself such a word nor a common English word (wordfreq), and only when it is
one slip away (rapidfuzz ratio): so "fire headphones" stays, "yoga matt" becomes "yoga mat", and
"phone" in a beauty shop is not read as "prone" (as in acne-prone). A word English has at all
("gory", "mood") is corrected only to a kind's word (`kinds`), never to a word of some
attribute value: "not gory" is not the writer Graham Gordy, "the mood" is not Dwight Moody.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from rapidfuzz import fuzz, process
from wordfreq import zipf_frequency

from agent.reading.vocabulary import fold_word

_WORD = re.compile(r"[a-z]+")
_RUN_TOGETHER = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=(?:dollars?|bucks|usd|euros?|pounds?)\b)")
_MIN_LENGTH = 4
_CUTOFF = {4: 85.0, 5: 80.0}  # one slip in a short word; longer words may take two
# How common (Zipf scale: 3 is once per million words) a word must be to be taken as meant.
# Four-letter words need more: "matt" is a name before it is a word, and a slip for "mat".
_COMMON = 3.0
_COMMON_SHORT = 5.0  # (a four-letter word under it is still corrected only in a name)
_A_WORD = 2.5  # "gory" 2.9, "mood" 4.6: English words; "lavendar" and "shampo" are not


def correct(
    text: str,
    known: Collection[str],
    kinds: Collection[str] = (),
    pairs: Collection[tuple[str, str]] = (),
) -> str:
    """`text` (lower case) with run-together words split and misspellings corrected. `kinds`:
    the known words that name kinds of product, the only ones a word English has may become,
    and only where it then makes one of `pairs` (two-word names) with a neighbour: "yoga matt"
    is a yoga mat, "a colour I can spot" is no sport."""
    text = _RUN_TOGETHER.sub(" ", text)
    found = list(_WORD.finditer(text))
    out, at = [], 0
    for i, match in enumerate(found):
        before = found[i - 1].group(0) if i else ""
        after = found[i + 1].group(0) if i + 1 < len(found) else ""
        out += [
            text[at : match.start()],
            _fix(match.group(0), known, kinds, (before, after), pairs),
        ]
        at = match.end()
    return "".join([*out, text[at:]])


def _fix(
    word: str,
    known: Collection[str],
    kinds: Collection[str],
    around: tuple[str, str],
    pairs: Collection[tuple[str, str]],
) -> str:
    if len(word) == _MIN_LENGTH - 1 and zipf_frequency(word, "en") < _A_WORD:
        # A three-letter slip is read only where it completes a two-word name: "dutch ovn"
        return _in_a_name(word, kinds, around, pairs)
    if len(word) < _MIN_LENGTH or word in known or _plural_known(word, known) or _common(word):
        return word
    split = _split(word, known)
    if split:
        return split
    if zipf_frequency(word, "en") < _A_WORD:
        return _closest(word, known if isinstance(known, frozenset) else frozenset(known))
    return _in_a_name(word, kinds, around, pairs)


def _in_a_name(
    word: str,
    kinds: Collection[str],
    around: tuple[str, str],
    pairs: Collection[tuple[str, str]],
) -> str:
    """The kind's word a short slip stands for, where that word makes one of `pairs` with a
    neighbour; else the word as typed."""
    meant = _closest(word, kinds if isinstance(kinds, frozenset) else frozenset(kinds))
    before, after = (fold_word(w) for w in around)
    named = (before, fold_word(meant)) in pairs or (fold_word(meant), after) in pairs
    return meant if named else word


def _common(word: str) -> bool:
    return zipf_frequency(word, "en") >= (_COMMON_SHORT if len(word) == _MIN_LENGTH else _COMMON)


def _plural_known(word: str, known: Collection[str]) -> bool:
    return (word.endswith("s") and word[:-1] in known) or (
        word.endswith("es") and word[:-2] in known
    )


def _split(word: str, known: Collection[str]) -> str | None:
    """ "wirelessearbuds" -> "wireless earbuds": two known words, the longest first part."""
    if len(word) < 8:
        return None
    for cut in range(len(word) - 3, 2, -1):
        left, right = word[:cut], word[cut:]
        if left in known and (right in known or _plural_known(right, known)):
            return f"{left} {right}"
    return None


@lru_cache(maxsize=4096)
def _closest(word: str, known: frozenset[str]) -> str:
    cutoff = _CUTOFF.get(len(word), 84.0)
    # sorted: a tie must go the same way in every process (set order follows the hash seed)
    candidates = sorted(w for w in known if abs(len(w) - len(word)) <= 2 and w[:1] == word[:1])
    best = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=cutoff)
    return str(best[0]) if best else word
