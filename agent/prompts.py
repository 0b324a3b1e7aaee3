"""Prompt templates: one Jinja2 file per prompt under prompts/, rendered with StrictUndefined.

Each render returns the text and the template's content hash; turns log the hashes so a change of
wording can be traced to the answers it produced.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from typing import Any

import jinja2


@cache
def _source(name: str) -> str:
    try:
        return resources.files("prompts").joinpath(f"{name}.j2").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise KeyError(f"no prompt template prompts/{name}.j2") from exc


@cache
def _template(name: str) -> jinja2.Template:
    environment = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,  # plain text for a model, not HTML
    )
    return environment.from_string(_source(name))


def prompt_hash(name: str) -> str:
    return hashlib.sha256(_source(name).encode("utf-8")).hexdigest()[:16]


def render(name: str, **values: Any) -> str:
    return _template(name).render(**values).strip()


LANGUAGES = ("en", "zh", "es")


class Phrases:
    """The macros of one language's reply template (prompts/replies_<language>.j2): each
    call renders one phrase, `say("found", count=3, ...)`."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else "en"
        self._module = _template(f"replies_{self.language}").module

    def say(self, phrase: str, *args: Any, **values: Any) -> str:
        macro = getattr(self._module, phrase, None)
        if macro is None:
            raise KeyError(f"prompts/replies_{self.language}.j2 has no macro '{phrase}'")
        text = str(macro(*args, **values))
        said = " ".join(text.split())
        # A word said between others (" or ", " y ") keeps the spaces around it.
        if said and text[:1].isspace():
            said = " " + said
        if said and text[-1:].isspace():
            said += " "
        return said


@cache
def phrases(language: str) -> Phrases:
    return Phrases(language)
