"""The one reader: a shopper's dialogue -> what they want (DialogueState), with the catalogue's
own vocabulary, product titles and the cutting of instruction-like text.

- parse.py: one shopper message -> Parsed (intent, prices, references, vocabulary matches)
- state.py: the whole dialogue -> DialogueState (preferences so far, what was shown, targets)
- vocabulary.py: the catalogue's words (categories, types, brands, attribute keys and values)
- titles.py: products named by their title in free text
- safety.py: instruction-like text cut out of shopper and product text
"""

from agent.reading.parse import Intent, Parsed, negated_positions, parse
from agent.reading.safety import neutralise
from agent.reading.state import DialogueState, read_dialogue, similar_to
from agent.reading.titles import TitleIndex
from agent.reading.vocabulary import Kind, Vocabulary, attribute_phrase, words

__all__ = [
    "DialogueState",
    "Intent",
    "Kind",
    "Parsed",
    "TitleIndex",
    "Vocabulary",
    "attribute_phrase",
    "negated_positions",
    "neutralise",
    "parse",
    "read_dialogue",
    "similar_to",
    "words",
]
