"""Spanish and Chinese messages read with the demo vocabulary: what is a must, what is hoped for,
and references to shown products by their brand; typing slips put right, real words left."""

from __future__ import annotations

from agent.reading.catalogue import StaticCatalogue
from agent.reading.parse import parse
from agent.reading.state import read_dialogue
from agent.reading.typos import correct
from agent.render import product_list
from agent.types import Message, ProductCard


def test_spanish_must_and_nice_to_have(vocab):
    p = parse(
        "Necesito una mochila de trekking de 45 litros sí o sí; si es impermeable, mejor, "
        "pero no es excluyente",
        vocab,
    )
    assert p.types == ["Hiking Backpack"]
    assert p.attributes == {"Capacity": ["45 L"]}
    # waterproof is hoped for: a search word, no filter
    assert "Waterproof" not in p.attributes and "waterproof" in p.needs


def test_chinese_hard_budget_and_a_hope_are_not_a_refusal(vocab):
    p = parse("化妆刷套装 预算死线20美元 超了不要 要是有vegan纯素的就更好了", vocab)
    assert p.max_price == 20
    assert not p.exclude_attributes  # "超了不要" refuses going over, not vegan
    p = parse("想要一个grill pan 在家烤鸡胸和蔬菜用 必须能用电磁炉 最好是铸铁的", vocab)
    assert p.types == ["Grill Pan"] and p.attributes == {"Induction Compatible": ["Yes"]}


def test_chinese_same_brand_as_the_second_one(vocab, demo_products):
    cards = [ProductCard(id=i, title=i, price=10.0) for i in ("demo-08051", "demo-08013")]
    s = read_dialogue(
        [
            Message(role="user", content="智能灯泡"),
            Message(role="assistant", content="Here:\n\n" + product_list(cards, True)),
            Message(role="user", content="有没有跟第二个同一个牌子的台灯"),
        ],
        StaticCatalogue(demo_products, vocab),
    )
    second = next(p for p in demo_products if p.id == "demo-08013")
    assert s.preferences.brands == (second.brand,)


def test_slips_are_put_right_and_english_words_are_not():
    known, kinds = {"mat", "moody", "gordy", "lavender", "sport"}, {"mat", "sport"}
    pairs = {("yoga", "mat"), ("sport", "earbud")}
    assert correct("yoga matt", known, kinds, pairs) == "yoga mat"
    assert correct("lavendar scent", known, kinds, pairs) == "lavender scent"
    # "mood" and "gory" are words: never a writer's or actor's name
    text = "set the mood, nothing gory"
    assert correct(text, known, kinds, pairs) == text
    # a word English has becomes a kind's word only in that kind's name
    assert correct("a colour i can spot", known, kinds, pairs) == "a colour i can spot"
    assert correct("matt black", known, kinds, pairs) == "matt black"


def test_chinese_inches_floors_and_questions(vocab):
    from agent.reading.translate import to_english

    assert to_english("10寸的那个", "zh") == "the 10 inch one"
    p = parse("给狗买根牵引绳 五十美元以内吧 但太便宜的怕质量不好 起码二十以上", vocab)
    assert (p.min_price, p.max_price) == (20, 50)
    assert to_english("它能调光吗", "zh") == "that one dimmable ?"


def test_a_floor_without_a_currency_counts_only_beside_a_price():
    from agent.reading.money import read_prices

    assert read_prices("a leash under 50 dollars, at least 20")[0].min_price == 20
    assert read_prices("at least 2 years of warranty, under $50")[0].min_price is None
    assert read_prices("at least 20")[0].min_price is None
