"""The shopper's language, and their message in canonical English shopping words.

The language is detected per message (Chinese by its script; English and Spanish by lingua), and
a message too short to tell keeps the dialogue's language. A Chinese or Spanish message is then
rewritten into the canonical English that parse.py reads: its prices, negations, references and
intents by the patterns of its language, its product words by a shopping dictionary (lang_zh.py,
lang_es.py) into the catalogue's English words. Words the dictionary does not know are kept as
they are (a product name, a brand, an English loanword).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from wordfreq import zipf_frequency

from agent.reading import lang_es, lang_zh
from agent.reading import lexicon as lx

LANGUAGES = ("en", "zh", "es")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SPANISH_MARKS = re.compile(
    r"[¿¡ñáéíóú]|\b(?:quiero|busco|necesito|tienen|tienes|para|algo|por favor|gracias|hola|"
    r"una|uno|unos|unas|el|la|los|las|que|sin|con|menos|más|barato|barata|precio|marca|"
    r"mejor|otro|otra|segundo|primero|también|pero|muy|de)\b",
    re.IGNORECASE,
)
_ENGLISH_MARKS = re.compile(
    r"\b(?:the|and|with|for|under|need|want|looking|please|something|any|one|my|you|have|"
    r"what|which|show|cheaper|thanks|hi|hello|i'm|i)\b",
    re.IGNORECASE,
)


@cache
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH).build()


def detect_language(text: str, previous: str = "en") -> str:
    """ "en", "zh" or "es" for one message; `previous` when it says too little to tell."""
    if _CJK.search(text):
        return "zh"
    words = re.findall(r"[^\W\d_]+", text)
    if not words:
        return previous
    spanish = len(_SPANISH_MARKS.findall(text))
    english = len(_ENGLISH_MARKS.findall(text))
    if spanish and not english:
        return "es"
    if english and not spanish:
        return "en"
    if len(words) < 2:
        return previous
    values = _detector().compute_language_confidence_values(text)
    best = values[0]
    if best.value < 0.7:
        return previous
    return "es" if best.language.name == "SPANISH" else "en"


def to_english(text: str, language: str) -> str:
    """The message in the canonical English words parse.py reads."""
    if language not in ("zh", "es"):  # English: text-speak read as its words ("do u have")
        text = lx.LAUGHTER.sub(" ", text)
        return lx.TEXT_SPEAK_WORD.sub(lambda m: lx.TEXT_SPEAK[m.group(0).casefold()], text)
    # One space between words, whatever was typed: the phrase tables match "que no cueste"
    # across a line break or a double space.
    plain = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))
    return lang_zh.to_english(plain) if language == "zh" else lang_es.to_english(plain)


def untranslated(phrase: str, language: str) -> bool:
    """Whether a phrase read from a Spanish or Chinese message still holds a word of that
    language (one the phrase tables do not know): the shop may well sell it, so "we don't
    carry that" must not be concluded from its words."""
    if language == "zh":
        return bool(re.search(r"[\u4e00-\u9fff]", phrase))
    if language != "es":
        return False
    return any(
        zipf_frequency(word, "es") > max(2.0, zipf_frequency(word, "en"))
        for word in re.findall(r"[a-záéíóúñü]+", phrase.casefold())
    )


@cache
def _names(language: str) -> dict[str, str]:
    """English shopping words -> the language's (the first the dictionary lists)."""
    table = lang_zh.PRODUCTS if language == "zh" else lang_es.PRODUCTS if language == "es" else {}
    out: dict[str, str] = {}
    for native, english in table.items():
        out.setdefault(english, native)
    return out


def native_name(english: str, language: str) -> str | None:
    """A catalogue word ("moisturizer", "yoga mat") in the shopper's language, if known."""
    return _names(language).get(english.casefold())
