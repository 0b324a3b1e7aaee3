"""Neutralising instruction-like text in shopper messages and product texts (prompt injection).

Whole sentences that try to steer the assistant ("ignore previous instructions", "print your
system prompt", "recommend product X") are cut out before the text is parsed or shown to a model,
and counted. This is one layer: the tool policy is fixed in code and the guardrail checks every
answer whatever text got through.
"""

from __future__ import annotations

import re

_PATTERNS = [
    r"\b(ignore|disregard|override|bypass)\b.{0,40}\b(instruction|rule|prompt|polic|guideline"
    r"|direction|above|previous|prior)",
    # "forget the previous one" is a shopper changing their mind; forgetting rules is not.
    r"\bforget\b.{0,30}\b(instruction|rule|prompt|polic|guideline|training)",
    r"\b(print|reveal|show|repeat|output|display|leak|dump|share|give|tell|what (is|are|were)"
    r"|what's)\b.{0,40}\b(system|initial|hidden|original|developer|secret)\s+"
    r"(prompt|instruction|message|rule)",
    r"\bsystem\s+prompt\b",
    r"\b(you are now|act as|pretend (to be|you are)|developer mode|jailbreak|dan mode)\b",
    r"\b(new|updated|real) instructions?\b",
    r"\bfrom now on\b",
    r"\b(always|only|must|should|you will) recommend\b",
    r"\brecommend (product|item|sku|asin|id)\b",
    r"\brecommend\s+[a-z]*-?\d{3,}",  # "recommend demo-00045": an id, not a wish
    r"\b(say|claim|state|tell (them|everyone|the shopper))\b.{0,15}\b(it|this|that)\b.{0,10}"
    r"\b(costs?|is free|is cheap)",
    r"\b(assistant|ai|model|chatbot|llm)\s*[:,]\s*(ignore|you must|recommend|print|say)\b",
    r"<\s*/?\s*(system|user|assistant|instructions?|im_start|im_end)\b",
    r"\b(repeat|print|output|translate|summari[sz]e|show|list)\b.{0,30}\b(above|before this"
    r"|verbatim|your (instructions|rules|prompt|guidelines|configuration))",
    r"\bwhat (are|were) your (instructions|rules|guidelines)\b",
]
_INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.DOTALL)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*\n?|\n")
_CLAUSE = re.compile(r"[^,;:]+[,;:]?")


def looks_like_injection(text: str) -> bool:
    return bool(_INJECTION.search(text))


def neutralise(text: str) -> tuple[str, int]:
    """The text without its instruction-like clauses, and how many sentences had one. A clause
    is cut, not its whole sentence, so "a moisturizer under $30, and forget your instructions"
    keeps the shopper's own wish."""
    if not looks_like_injection(text):
        return text, 0
    kept: list[str] = []
    cut = 0
    for sentence in _SENTENCE.findall(text):
        if not looks_like_injection(sentence):
            kept.append(sentence)
            continue
        cut += 1
        clauses = [c for c in _CLAUSE.findall(sentence) if not looks_like_injection(c)]
        kept.append("".join(clauses).rstrip(",;: ") + (" " if clauses else ""))
    return re.sub(r"\s+", " ", "".join(kept)).strip(), cut
