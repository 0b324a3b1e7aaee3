"""Reading shoppers on a film catalogue (the ReDial / OpenDialKG shape: titles that are names,
a Movies category, Genre, and people in Starring): everyday words, names and verbs are no
filters there."""

from __future__ import annotations

import itertools

import pytest

from agent.reading.catalogue import StaticCatalogue
from agent.reading.parse import parse
from agent.reading.state import read_dialogue
from agent.reading.vocabulary import Vocabulary, fold_word
from agent.types import Message
from retrieval.types import Product

_FIRST = ["Natalie", "James", "Tom", "Emma", "Will", "Amber", "Mike", "Sofia", "Hal", "Greta"]
_LAST = [
    "Zorvath", "Quillby", "Marrow", "Tessaly", "Varnick", "Oldane", "Prewitt", "Kasimir",
    "Brundle", "Fenwick", "Haldor", "Ivesley", "Jorund", "Lacombe", "Mirsky", "Norquist",
    "Ostrow", "Pellam", "Radigan", "Sorrel", "Tamsin", "Ulwin", "Vesper", "Wexley", "Yardley",
    "Zamora", "Abelard", "Birkett", "Caddock", "Dunmore", "Eskew", "Farrow", "Gisborne",
    "Hensley", "Inglis", "Jessop", "Kinnear", "Lomax", "Mabry", "Nettles", "Orrick", "Pilcher",
    "Quayle", "Rudd", "Stell", "Thorne", "Upham", "Vickery", "Wadley", "Yelland", "Zeller",
    "Ashby", "Blay", "Corben", "Dacre", "Ebbs", "Fryer", "Gedge", "Hobday", "Iddon", "Joll",
    "Kemble", "Lusk", "Mauger", "Nunn", "Oakes", "Pask", "Rook", "Scurr", "Tolley", "Ussher",
    "Venn", "Wragg", "Yeo", "Zouch", "Amory", "Bligh", "Crick", "Dowd", "Eyles", "Frome",
    "Gulley", "Hext", "Ilott", "Jago", "Keast", "Lerwill", "Menhennet", "Nankervis", "Opie",
    "Penrose", "Quick", "Rowse", "Sobey", "Tregear", "Uren", "Vosper", "Whear", "Yelland",
    "Zennor", "Angove", "Bolitho", "Chegwidden", "Dunstan", "Eddy", "Fradd", "Glasson",
    "Hocking", "Inch", "Jory", "Kitto", "Lanyon", "Mitchell", "Nance", "Oates", "Pascoe",
]  # fmt: skip
_GENRES = ["Comedy", "Drama", "Horror", "Action", "News", "Love", "Family"]


def _film(pid: str, title: str, genre: str, cast: list[str]) -> Product:
    return Product(
        id=pid,
        title=title,
        category_path=("Movies",),
        attributes={"Genre": genre, "Starring": ", ".join(cast)},
    )


def _films() -> list[Product]:
    people = [f"{first} {last}" for last, first in itertools.product(_LAST, _FIRST)]
    people += ["Meagan Good", "Natalie Babbitt", "Grégory Levasseur", "Hal Havins"]
    films = [
        _film(
            f"m{i}",
            f"Film Number {i} ({1980 + i % 40})",
            _GENRES[i % len(_GENRES)],
            people[3 * i : 3 * i + 3] or ["Meagan Good"],
        )
        for i in range(420)
    ]
    films.append(
        _film("good", "Stomp the Yard (2007)", "Drama", ["Meagan Good", "Natalie Babbitt"])
    )
    films.append(_film("gory", "High Tension (2003)", "Horror", ["Grégory Levasseur"]))
    return films


@pytest.fixture(scope="module")
def films():
    products = _films()
    return products, Vocabulary.from_products(products)


def _filters(text, vocab):
    p = parse(text, vocab)
    return p.attributes, p.exclude_attributes, p.max_price


def test_an_everyday_word_of_a_name_is_no_filter(films):
    _, vocab = films
    assert _filters("any good movies? I heard they made a new one", vocab) == ({}, {}, None)
    # the whole name still names the actor
    assert parse("movies with Meagan Good", vocab).attributes == {"Starring": ["Meagan Good"]}


def test_a_first_name_alone_names_no_one(films):
    _, vocab = films
    p = parse("anything with Natalie Portman?", vocab)
    assert "Starring" not in p.attributes and "Starring" not in p.soft_attributes


def test_accents_fold_and_a_real_word_is_no_typo_for_a_name(films):
    _, vocab = films
    attributes, excluded, _ = _filters("some scary movies, but not gory", vocab)
    assert attributes == {} and excluded == {}
    assert _filters("i havnt seen that one, whats it about", vocab) == ({}, {}, None)
    assert parse("I like Grégory Levasseur", vocab).attributes == {
        "Starring": ["Grégory Levasseur"]
    }


def test_news_is_not_new_and_love_as_a_verb_is_no_genre(films):
    _, vocab = films
    assert parse("the new one from 2017", vocab).attributes == {}
    assert parse("any good news movies?", vocab).attributes == {"Genre": ["News"]}
    p = parse("I love Meagan Good", vocab)
    assert p.attributes == {"Starring": ["Meagan Good"]}


def test_a_family_story_is_no_budget(films):
    _, vocab = films
    p = parse("a family comedy, I have two daughters, ages 12 and 10", vocab)
    assert p.max_price is None and p.min_price is None


def test_films_are_movies_and_a_brandless_title_leaves_no_letters(films):
    products, vocab = films
    assert parse("I do enjoy action films!", vocab).categories == ["Movies"]
    state = read_dialogue(
        [Message(role="user", content="a movie similar to Stomp the Yard (2007)?")],
        StaticCatalogue(products, vocab),
    )
    assert all(len(n) > 2 for n in state.preferences.needs), state.preferences.needs


def test_ie_plurals_fold_to_their_singular():
    assert [fold_word(w) for w in ("movies", "cookies", "supplies", "ties")] == [
        "movie",
        "cookie",
        "supply",
        "tie",
    ]
