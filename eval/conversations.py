"""The conversation corpus (tests/conversations/*.yaml): its pydantic models, loading, and the
conditions a catalogue record is checked against.

A file holds the cases of one theme (the file's name). A case is a short conversation on one
catalogue (`demo` or `beauty`) in one language; each turn is the shopper's message and what a
correct reply must show, checked by machine against the catalogue RECORD of each card (the card's
own text is never trusted):

    - id: price-en-01
      catalog: demo
      language: en
      category: price
      note: a plain cap in dollars
      turns:
        - user: "need a yoga mat, nothing above $40"
          expect:
            outcome: results              # or a list of acceptable outcomes
            cards: {min: 1}
            all_cards: {type_in: Yoga Mat, max_price: 40}

Product references (`IdRef`) are an id, or point into what earlier turns showed:
`{ref: [1, 2]}` (turn 1, card 2; card -1 is the last), `{cheapest_in: 1}`,
`{cheapest_of: [[2, 1], [2, 2]]}`, `{match_in: 1, where: {attributes: {Material: Leather}}}`.
Every turn's reply must be in the case's language unless the turn sets `language` (`any` skips).
When a turn allows the outcome `relaxed`, `may_relax` names the constraints the agent may drop;
card conditions on those constraints are waived only when the reply says it relaxed them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from retrieval.errors import TailTalkError

Outcome = Literal[
    "results",
    "relaxed",
    "no_results",
    "not_carried",
    "clarify",
    "details",
    "compare",
    "copy",
    "chat",
]
Language = Literal["en", "zh", "es"]
CatalogName = Literal["demo", "beauty"]
# The shopper's hard constraints, named as the fields of agent.types.Preferences.
Constraint = Literal[
    "max_price",
    "min_price",
    "brands",
    "exclude_brands",
    "product_types",
    "categories",
    "attributes",
    "exclude_attributes",
    "min_rating",
]
THEMES = (
    "price",
    "negation",
    "soft_hard",
    "refinement",
    "references",
    "names",
    "off_catalogue",
    "vague",
    "messy",
    "impossible",
    "injection",
)
LANGUAGES: tuple[Language, ...] = ("en", "zh", "es")
CATALOGS: tuple[CatalogName, ...] = ("demo", "beauty")
# Outcomes after which a reply may rightly show no product at all.
EMPTY_OUTCOMES = frozenset({"relaxed", "no_results", "not_carried", "clarify", "chat"})
TYPE_KEY = "Type"  # the demo catalogue's product-type attribute


class CorpusError(TailTalkError):
    """The corpus itself is wrong: a malformed case, or an expectation no product can meet."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str | int | float) else value


def _word(value: Any) -> Any:
    """YAML reads an unquoted Yes / No as a boolean; in an attribute value it is the word."""
    return ("Yes" if value else "No") if isinstance(value, bool) else value


class Ref(_Strict):
    ref: tuple[int, int]  # (turn, card), both 1-based; card -1 is the last one shown


class CheapestIn(_Strict):
    cheapest_in: int  # the cheapest card shown in that turn (ties: any of them)


class CheapestOf(_Strict):
    cheapest_of: list[tuple[int, int]] = Field(min_length=2)


class MatchIn(_Strict):
    match_in: int  # the cards of that turn whose record meets `where`
    where: CardSpec


IdRef = str | Ref | CheapestIn | CheapestOf | MatchIn


class SameAs(_Strict):
    of: IdRef
    keys: list[str] = Field(min_length=1)  # "brand", "category" or attribute names

    _keys = field_validator("keys", mode="before")(_listify)


class LargerThan(_Strict):
    of: IdRef
    key: str  # an attribute with a number in it ("1.7 fl oz", "25 L")


class CardSpec(_Strict):
    """Conditions on one card's catalogue record. Text comparisons ignore case; a record
    without a price fails a price condition, one without the attribute fails `attributes`."""

    max_price: float | None = None
    min_price: float | None = None
    brand_in: list[str] = []
    brand_not_in: list[str] = []
    type_in: list[str] = []
    type_not_in: list[str] = []
    category_in: list[str] = []  # any level of the category path
    attributes: dict[str, list[str]] = {}  # the value is one of these
    attribute_contains: dict[str, list[str]] = {}  # the value contains one of these
    attribute_not_contains: dict[str, list[str]] = {}  # absent, or contains none of these
    title_contains_any: list[str] = []
    title_not_contains: list[str] = []
    min_rating: float | None = None
    cheaper_than: IdRef | None = None
    same_as: SameAs | None = None
    larger_than: LargerThan | None = None

    _lists = field_validator(
        "brand_in",
        "brand_not_in",
        "type_in",
        "type_not_in",
        "category_in",
        "title_contains_any",
        "title_not_contains",
        mode="before",
    )(_listify)

    @field_validator("attributes", "attribute_contains", "attribute_not_contains", mode="before")
    @classmethod
    def _value_lists(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: [_word(v) for v in _listify(vs)] for key, vs in value.items()}
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> CardSpec:
        if not self.model_dump(exclude_defaults=True):
            raise ValueError("a card condition needs at least one field")
        return self

    def refs(self) -> list[IdRef]:
        found: list[IdRef] = []
        if self.cheaper_than is not None:
            found.append(self.cheaper_than)
        for nested in (self.same_as, self.larger_than):
            if nested is not None:
                found.append(nested.of)
        return found

    def static(self) -> CardSpec | None:
        """The conditions that need no earlier turn (None when nothing is left)."""
        left = self.model_dump(
            exclude_defaults=True, exclude={"cheaper_than", "same_as", "larger_than"}
        )
        return CardSpec.model_validate(left) if left else None

    def without(self, constraints: Iterable[str]) -> CardSpec | None:
        """The conditions left when the named constraints are waived (None when nothing is)."""
        waived = {name for name, c in CONSTRAINT_OF.items() if c in set(constraints)}
        left = {k: v for k, v in self if k not in waived and v != CardSpec.model_fields[k].default}
        return CardSpec.model_validate(left) if left else None


# Which shopper constraint each condition expresses (None: never waived by relaxing).
CONSTRAINT_OF: dict[str, str | None] = {
    "max_price": "max_price",
    "min_price": "min_price",
    "brand_in": "brands",
    "brand_not_in": "exclude_brands",
    "type_in": "product_types",
    "type_not_in": "product_types",
    "category_in": "categories",
    "attributes": "attributes",
    "attribute_contains": "attributes",
    "attribute_not_contains": "exclude_attributes",
    "title_contains_any": None,
    "title_not_contains": None,
    "min_rating": "min_rating",
    "cheaper_than": "max_price",
    "same_as": None,
    "larger_than": None,
}


class Count(_Strict):
    min: int = Field(default=0, ge=0)
    max: int | None = Field(default=None, ge=0)


class Expect(_Strict):
    outcome: Outcome | list[Outcome] | None = None
    may_relax: list[Constraint] = []
    cards: Count | None = None
    all_cards: CardSpec | None = None
    any_card: CardSpec | None = None
    includes_ids: list[IdRef] = []
    excludes_ids: list[IdRef] = []
    first_card_id: IdRef | None = None
    language: Language | Literal["any"] | None = None  # None: the case's language
    clarifying_question: bool | None = None
    no_prompt_leak: bool = False
    # In what the shopper reads (the prose and the product lines with their "why"), any case.
    text_contains_any: list[str] = []
    text_not_contains: list[str] = []
    catalog_has_none: CardSpec | None = None  # a corpus assertion, proven by --check-corpus

    _lists = field_validator("text_contains_any", "text_not_contains", mode="before")(_listify)

    @property
    def outcomes(self) -> frozenset[str] | None:
        if self.outcome is None:
            return None
        return frozenset([self.outcome] if isinstance(self.outcome, str) else self.outcome)

    @model_validator(mode="after")
    def _relaxing(self) -> Expect:
        allows = self.outcomes
        if self.may_relax and (allows is None or "relaxed" not in allows):
            raise ValueError("may_relax needs an outcome that allows 'relaxed'")
        if allows is not None and "relaxed" in allows and not self.may_relax:
            raise ValueError("an outcome allowing 'relaxed' needs may_relax: what may be relaxed")
        return self

    def refs(self) -> list[IdRef]:
        found = [*self.includes_ids, *self.excludes_ids]
        if self.first_card_id is not None:
            found.append(self.first_card_id)
        for spec in (self.all_cards, self.any_card):
            if spec is not None:
                found += spec.refs()
        return found


class Turn(_Strict):
    user: str = Field(min_length=1)
    expect: Expect = Expect()


class Case(_Strict):
    id: str = Field(pattern=r"^[a-z_]+-(en|zh|es)-[0-9a-z-]+$")
    catalog: CatalogName
    language: Language
    category: str
    note: str = Field(min_length=1)
    turns: list[Turn] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Case:
        if self.category not in THEMES:
            raise ValueError(f"category '{self.category}' is not a theme ({', '.join(THEMES)})")
        if not self.id.startswith(f"{self.category}-{self.language}-"):
            raise ValueError(f"the id should start with '{self.category}-{self.language}-'")
        for number, turn in enumerate(self.turns, start=1):
            for ref in turn.expect.refs():
                for earlier in _ref_turns(ref):
                    if not 1 <= earlier < number:
                        raise ValueError(
                            f"turn {number} refers to turn {earlier}; refer to an earlier turn"
                        )
        return self

    def expected_language(self, turn: Turn) -> Language | None:
        wanted = turn.expect.language
        return None if wanted == "any" else (wanted or self.language)


def _ref_turns(ref: IdRef) -> list[int]:
    if isinstance(ref, Ref):
        return [ref.ref[0]]
    if isinstance(ref, CheapestIn):
        return [ref.cheapest_in]
    if isinstance(ref, CheapestOf):
        return [turn for turn, _ in ref.cheapest_of]
    if isinstance(ref, MatchIn):
        return [ref.match_in]
    return []


def literal_ids(ref: IdRef) -> list[str]:
    return [ref] if isinstance(ref, str) else []


# Loading ---------------------------------------------------------------------------------------


def load_corpus(folder: Path) -> list[Case]:
    """Every case of every *.yaml file in `folder`; a malformed case is a CorpusError naming the
    file and the case."""
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise CorpusError(f"no *.yaml files in {folder}; point --corpus at tests/conversations")
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise CorpusError(f"{path} is not valid YAML: {exc}") from None
        if not isinstance(raw, list):
            raise CorpusError(f"{path} must hold a list of cases")
        for position, item in enumerate(raw, start=1):
            name = item.get("id", f"#{position}") if isinstance(item, dict) else f"#{position}"
            try:
                case = Case.model_validate(item)
            except ValidationError as exc:
                raise CorpusError(f"{path.name}, case {name}: {_first_error(exc)}") from None
            if case.category != path.stem:
                raise CorpusError(f"{path.name}, case {name}: category should be '{path.stem}'")
            if case.id in seen:
                raise CorpusError(f"{path.name}: case id {case.id} is also in {seen[case.id]}")
            seen[case.id] = path.name
            cases.append(case)
    return cases


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]


def select(
    cases: Sequence[Case],
    catalog: str = "all",
    only: str | None = None,
    language: str | None = None,
) -> list[Case]:
    return [
        c
        for c in cases
        if (catalog == "all" or c.catalog == catalog)
        and (only is None or c.id.startswith(only))
        and (language is None or c.language == language)
    ]


MatchIn.model_rebuild()
SameAs.model_rebuild()
LargerThan.model_rebuild()
CardSpec.model_rebuild()
Expect.model_rebuild()
Turn.model_rebuild()
Case.model_rebuild()
