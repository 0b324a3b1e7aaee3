"""What a sentence or a word of a shopper's message does, apart from the catalogue words in it:
whether the sentence asks for something or tells a story, whether a value is only hoped for
("ideally industrial"), another purchase ("I also have to buy conditioner"), or a verb ("she
chews"); parse.py reads the catalogue's words with these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wordfreq import zipf_frequency

from agent.reading import lexicon as lx
from agent.reading.vocabulary import Kind, Match

# A sentence with any wish word ("for", "no" included): in a short message, all of it counts.
WANT = re.compile(
    r"\b(?:need|needs|want|wanted|looking|look for|searching|after|prefer|must|has to|have to|"
    r"should|only|show|find|get me|recommend|suggest|shopping|buy|would like|i'd like|"
    r"do you have|got any|any|something|anything|for|with|without|no|not)\b"
)


# In a long message, the sentences that ask for something (not merely mention "for" or "no").
ASKS = re.compile(
    r"\b(?:need|needs|want|wanted|wanting|looking|look for|searching|recommend|suggest|"
    r"would like|i'd like|i d like|do you have|got any|show me|find me|get me|buy|after a|"
    r"(?:use|try|get|grab|pick) (?:a|an|some)|what i (?:think i )?need|i'? ?m after|"
    r"hoping (?:for|to find)|in the market for|help me find|must|has to|have to|needs to|"
    r"switch(?:ing)? to|switch over to|mov(?:e|ing) (?:on )?to|go(?:ing)? (?:for|with)|"
    r"give (?:it|them|\w+) a (?:try|go)|instead)\b"
)

# A sentence about what the shopper has asks only with one of these of its own.
NEEDS = re.compile(r"\b(?:need|needs|want|wanted|wanting|looking|searching|i'? ?m after)\b")

POSSESSIVES = frozenset({"my", "her", "his", "our", "their"})  # "your wigs" are the shop's

# What the shopper has, had or tried: context, not the request.
OWNED = re.compile(
    r"\b(?:i (?:already )?(?:have|own|bought|use|used|tried|had)|i'? ?ve (?:got|tried|used|had|"
    r"bought)|my (?:old|last|current)|last (?:time|year|month)|used to)\b"
    # "I have fine hair", "I have a big dog": the shopper, not a product they own
    r"(?! (?:(?:very|really|super|re|a|an|two|three|some|such|so|pretty|kinda|\w+) ){0,2}"
    r"(?:hair|skin|scalp|feet|foot|lips|eyes|nails|face|knees|arches|dogs?|cats?|puppy|kids?"
    r"|children|baby|allergies|allergy|acne|eczema|rosacea)\b)"
)


@dataclass
class Sentence:
    start: int
    end: int
    wants: bool = False
    owned: bool = False
    kinds: bool = False  # names a product type or category
    asks: bool = False  # asks for something outright (ASKS), not only "for"/"with"/"no"


def sentence_of(match: Match, sentences: list[Sentence]) -> Sentence:
    """The sentence a vocabulary match stands in."""
    return next((s for s in sentences if s.start <= match.start < s.end), sentences[-1])


def everyday(said: list[str]) -> bool:
    """A short name that is an everyday word ("bed", "food", "blocks") needs the dialogue's
    topic to name a kind; a rarer one ("harness", "leash", "kettlebell") names it anywhere."""
    return zipf_frequency(" ".join(said), "en") >= _EVERYDAY_ZIPF


def asks(sentence: str) -> bool:
    """Whether a sentence asks for something; one about what the shopper has or tried asks
    only with its own need ("I've tried the ones dermatologists recommend" does not)."""
    if not ASKS.search(sentence):
        return False
    return not OWNED.search(sentence) or bool(NEEDS.search(sentence))


def sentences(surface: list[str], matches: list[Match]) -> list[Sentence]:
    out: list[Sentence] = []
    start = 0
    for i, token in enumerate([*surface, "."]):
        if token in (".", "!", "?", ";") or i == len(surface):
            if i > start:
                words_here = " ".join(surface[start:i])
                out.append(
                    Sentence(
                        start,
                        i,
                        wants=bool(WANT.search(words_here)),
                        owned=bool(OWNED.search(words_here)),
                        # "under eye patches for puffy eyes?": a question asks for it
                        asks=asks(words_here) or (token == "?" and not OWNED.search(words_here)),
                    )
                )
            start = i + 1
    if not out:
        out.append(Sentence(0, len(surface)))
    for match in matches:
        if any(e.kind in (Kind.TYPE, Kind.CATEGORY) for e in match.entries):
            for s in out:
                if s.start <= match.start < s.end:
                    s.kinds = True
    return out


_EVERYDAY_ZIPF = 3.8  # wordfreq's scale: "bed" 5.1, "blocks" 4.4, "harness" 3.7, "leash" 3.5


_PRONOUNS = frozenset({"i", "you", "he", "she", "it", "we", "they", "who", "which", "that"})


def after_pronoun(match: Match, tokens: list[str]) -> bool:
    return match.start > 0 and tokens[match.start - 1] in _PRONOUNS


# Words a verb follows: "I love", "we'd love", "I really love", "they do play".
_BEFORE_VERB = _PRONOUNS | {"would", "d", "really", "also", "just", "totally", "absolutely",
                            "do", "did", "don", "dont", "didn", "didnt", "ll"}  # fmt: skip


def as_verb(match: Match, tokens: list[str]) -> bool:
    """A one-word value said as a verb: "I love Tom Hanks" names no genre Love, "we play
    outside" no genre Play."""
    return (
        match.end - match.start == 1
        and match.start > 0
        and (tokens[match.start - 1] in _BEFORE_VERB)
    )


_SUBJECTS = frozenset({"i", "you", "he", "she", "we", "they"})
# (-ly words, "usually", "really", are adverbs already)
_FREQUENCY = frozenset({"always", "never", "often", "sometimes", "just", "still", "also", "kinda"})


def after_subject(tokens: list[str], at: int, start: int) -> bool:
    """Whether the word at `at` follows a subject ("she always complains", "he hates"): a
    verb, which names no product."""
    before = at - 1
    while before >= start and (tokens[before] in _FREQUENCY or adverb(tokens[before])):
        before -= 1
    return before >= start and tokens[before] in _SUBJECTS


_ALSO = frozenset({"also", "too", "later", "next", "separately"})


_BUY = frozenset({"buy", "get", "purchase", "order", "grab", "pick"})


def another_purchase(match: Match, tokens: list[str], sentence: Sentence) -> bool:
    """What the shopper will also buy another time ("... because I have to buy conditioner
    too") is no constraint on this request."""
    before = set(tokens[max(sentence.start, match.start - 6) : match.start])
    return bool(before & _ALSO and before & _BUY)


def adverb(word: str) -> bool:
    """ "specifically", "really", "asap-ly": an -ly word names no product (a "lily" might)."""
    return len(word) > 5 and word.endswith("ly") and word not in ("jelly", "belly", "family")


_CLAUSE_END = frozenset({",", ".", ";", "!", "?", "but", "and"})


# "must be waterproof", "it has to be dual voltage", "waterproof is a must", "diffuser, non
# negotiable" (Chinese and Spanish read as "must be" and "a must").
_MUST_BEFORE = re.compile(
    r"(?:^| )(?:must|has to|have to|needs to|need it to|got to|gotta|it'?s got to|required to)"
    r"(?: be| have| come with| include)?(?: for| in| made of| with)?(?: an?| the)?$"
)
_MUST_AFTER = re.compile(
    r"^(?:[a-z]+ ){0,3}?(?:(?:is|are|s) )?(?:a must|must|non ?negotiable|essential|required|"
    r"mandatory|no matter what)\b"
)


def insisted(match: Match, tokens: list[str]) -> bool:
    """A value the shopper insists on: "must" (or the like) right before it, "a must" or
    "non-negotiable" right after it."""
    before = " ".join(tokens[max(0, match.start - 5) : match.start])
    after = " ".join(t for t in tokens[match.end : match.end + 5] if t not in (",", "-"))
    return bool(_MUST_BEFORE.search(before) or _MUST_AFTER.match(after))


def hedged(match: Match, tokens: list[str]) -> bool:
    """A value the shopper only hopes for: "ideally industrial", "red if possible"."""
    before = tokens[max(0, match.start - 3) : match.start]
    if lx.HEDGES_BEFORE & set(before):
        return True
    after = tuple(tokens[match.end : match.end + 6])
    for i, word in enumerate(after[:3]):
        # "industrial desk lamp preferably": a hedge after the value that ends its clause
        # ("induction compatible ideally cast iron": "ideally" is for cast iron)
        ends = i + 1 == len(after) or after[i + 1] in _CLAUSE_END
        if word in lx.HEDGES_BEFORE and ends:
            return True
    for i in range(3):
        # ("red ones if possible", "red, if possible"; not "fragrance-free, Dermaclair would be
        # nice": a hedge after another thing hedges that thing)
        if i and not (set(after[:i]) <= lx.FILLER | {","}):
            break
        if any(after[i : i + len(h)] == h for h in lx.HEDGES_AFTER):
            return True
    return False
