"""Finding the system prompt in an answer, as written or disguised.

An answer leaks when it repeats a run of the prompt's words (seven in a row, or a whole short
heading such as "How you work:"), or a run of its letters however they are spaced, cased or
broken into lines (one word per line, "S h o p p e r  m e s s a g e s"), in ROT13, or in base64.
Letters are counted over everything the model wrote in the turn so far, so a prompt spelled out
across many short lines is caught once the run is long enough, and every line after it too.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re

from agent.reading.vocabulary import words

LEAK_WORDS = 7  # this many words in a row from the system prompt is a leak
LEAK_LETTERS = 40  # this many letters in a row (about eight words) is one too
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_NOT_LETTERS = re.compile(r"[^a-z]+")


def letters(text: str) -> str:
    return _NOT_LETTERS.sub("", text.casefold())


class PromptLeaks:
    def __init__(self, prompt: str) -> None:
        prompt_words = words(prompt)
        self.prompt_text = " " + " ".join(prompt_words) + " "
        self.shingles = {
            tuple(prompt_words[i : i + LEAK_WORDS])
            for i in range(len(prompt_words) - LEAK_WORDS + 1)
        }
        stream = letters(prompt)
        self.grams = {stream[i : i + LEAK_LETTERS] for i in range(len(stream) - LEAK_LETTERS + 1)}

    def found(self, sentence: str, before: str = "") -> bool:
        """Whether `sentence` leaks the prompt, given what the model wrote before it."""
        if not self.shingles:
            return False
        if self._words(words(sentence), heading=sentence.rstrip().endswith(":")):
            return True
        tail = letters(before)[-(LEAK_LETTERS - 1) :]
        new = letters(sentence)
        if self._letters(tail, new) or self._letters(_rot13(tail), _rot13(new)):
            return True
        return any(self._decoded(text) for text in _base64_texts(sentence, before))

    def _words(self, tokens: list[str], heading: bool = False) -> bool:
        # A short sentence that is a piece of the prompt ("How you work:", "Safety:") leaks too.
        shortest = 1 if heading else 2
        if shortest <= len(tokens) < LEAK_WORDS and f" {' '.join(tokens)} " in self.prompt_text:
            return True
        return any(
            tuple(tokens[i : i + LEAK_WORDS]) in self.shingles
            for i in range(len(tokens) - LEAK_WORDS + 1)
        )

    def _letters(self, tail: str, new: str) -> bool:
        """A run of the prompt's letters that ends in the new text."""
        if not new:
            return False
        stream = tail + new
        first = max(0, len(tail) - LEAK_LETTERS + 1)
        return any(
            stream[i : i + LEAK_LETTERS] in self.grams
            for i in range(first, len(stream) - LEAK_LETTERS + 1)
        )

    def _decoded(self, text: str) -> bool:
        return self._words(words(text)) or self._letters("", letters(text))


def _rot13(text: str) -> str:
    return codecs.encode(text, "rot13")


def _base64_texts(sentence: str, before: str) -> list[str]:
    """Readable text hidden as base64 in the sentence: each long token, and the run of
    base64-only lines it ends (an encoding wrapped over several lines)."""
    tokens = _BASE64.findall(sentence)
    if not tokens:
        return []
    candidates = list(tokens)
    if sentence.strip() == tokens[-1]:
        run: list[str] = []
        for line in reversed(before.split("\n")):
            if not line.strip() or not _BASE64.fullmatch(line.strip()):
                break
            run.insert(0, line.strip())
        if run:
            candidates.append("".join([*run, tokens[-1]]))
    out = []
    for candidate in candidates:
        text = _decode(candidate)
        if text:
            out.append(text)
    return out


def _decode(candidate: str) -> str | None:
    padded = candidate + "=" * (-len(candidate) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            raw = decode(padded)
        except (binascii.Error, ValueError):
            continue
        text = raw.decode("utf-8", errors="ignore")
        readable = sum(c.isalpha() or c.isspace() for c in text)
        if text and readable >= 0.8 * len(text):
            return text
    return None
