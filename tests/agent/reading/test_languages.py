"""Spanish and Chinese messages read with the demo vocabulary: what is a must, what is hoped for,
and references to shown products by their brand; typing slips put right, real words left."""

from __future__ import annotations

from agent.reading.catalogue import StaticCatalogue
from agent.reading.parse import Intent, parse
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


def test_measures_are_read_in_spanish_and_chinese(vocab):
    p = parse("unos audífonos deportivos con batería de 40 horas", vocab)
    assert p.types == ["Sport Earbuds"] and p.attributes == {"Battery Life": ["40 hours"]}
    p = parse("想买个奶锅 saucepan 要4夸脱的", vocab)
    assert p.types == ["Saucepan"] and p.attributes == {"Size": ["4 quart"]}


def test_pricier_is_fine_drops_the_budget(vocab):
    for text in (
        "ok show me the 40 hour ones even if they cost more",
        "muéstreme los de 40 horas aunque cuesten más",
        "贵一点也行 要40小时的",
    ):
        assert "price" in parse(text, vocab).dropped, text
    assert "price" not in parse("even if it rains, under $30", vocab).dropped


def test_chinese_negation_after_what_it_negates(vocab):
    p = parse("冷萃咖啡液 别给我水果味的 花香的也不要 喝不惯", vocab)
    assert p.types == ["Cold Brew Concentrate"]
    assert p.exclude_attributes == {"Flavor": ["Fruity", "Floral"]}


def test_spanish_free_of(vocab):
    p = parse("Busco un acondicionador sin enjuague que sea libre de sulfatos", vocab)
    assert p.types == ["Leave-In Conditioner"] and p.attributes == {"Sulfate-Free": ["Yes"]}


def _after_a_list(first: str, then: str, ids: tuple[str, ...], demo_products, vocab):
    cards = [ProductCard(id=i, title=i, price=10.0) for i in ids]
    return read_dialogue(
        [
            Message(role="user", content=first),
            Message(role="assistant", content="Here:\n\n" + product_list(cards, True)),
            Message(role="user", content=then),
        ],
        StaticCatalogue(demo_products, vocab),
    )


def test_a_question_about_a_shown_product_is_not_a_new_search(vocab, demo_products):
    ids = ("demo-03011", "demo-03024")
    s = _after_a_list(
        "cold brew de Highland Roasters",
        "¿Ese es descafeinado? Lo quiero para tomar por la tarde",
        ids,
        demo_products,
        vocab,
    )
    assert s.parsed.intent is Intent.DETAILS
    s = _after_a_list(
        "cold brew",
        "does the 2nd one have caffeine or anything like that in it",
        ids,
        demo_products,
        vocab,
    )
    assert s.parsed.intent is Intent.DETAILS and s.targets == ["demo-03024"]


def test_the_x_one_before_anything_was_shown_is_searched_for(vocab, demo_products):
    s = read_dialogue(
        [Message(role="user", content="Glowhaus Architect 那款智能灯泡 暖白光的 还有吗")],
        StaticCatalogue(demo_products, vocab),
    )
    assert "architect" in s.preferences.needs


def test_chinese_there_is_none_then_and_a_complaint_about_a_material(vocab):
    # "没有啊" answers the shop: it negates nothing after it; "3夸脱的也凑合" will do
    p = parse("没有啊 那3夸脱的也凑合", vocab, type_hint="Saucepan")
    assert p.attributes == {"Size": ["3 quart"]} and not p.exclude_attributes
    # "没有香味的" is still a refusal of fragrance
    assert parse("要一个没有香味的护手霜", vocab).attributes != {}
    # "铸铁的太沉了": cast iron is too heavy, so not cast iron
    p = parse("要碳钢的 铸铁的太沉了", vocab, type_hint="Wok")
    assert p.attributes["Material"] == ["Carbon Steel"]
    # the complaint is no search word: "heavy" would find "Heavy-Duty" woks
    assert "heavy" not in parse("carbon steel, cast iron is too heavy", vocab).needs
    assert "Cast Iron" in p.exclude_attributes["Material"]
    assert parse("太贵了", vocab).relative_price == "cheaper"


def test_spanish_forget_that_constraint(vocab):
    p = parse("Uy, espera, olvídate de lo de piel sensible: es para mi novio", vocab)
    assert "skin" in p.dropped or "sensitive skin" in p.dropped or p.dropped
    assert (
        "brand"
        in parse("mmm mejor olvida la marca, pero que no pasen de 30 dólares", vocab).dropped
    )
    # a filler word of Spanish is no search word
    assert not {"uy", "espera", "el"} & set(
        parse("Uy, espera, olvídate del presupuesto", vocab).needs
    )


def test_running_and_gym_say_the_sport_kind_in_every_language(vocab):
    for text in (
        "i need earbuds for running that don't fall out",
        "necesito unos audifonos pa salir a correr q no se me caigan",
        "想买个跑步用的耳机",
    ):
        assert parse(text, vocab).types == ["Sport Earbuds"], text
    assert parse("wireless earbuds", vocab).types == ["Wireless Earbuds"]
    p = parse("los audífonos deportivos tienen que tener cancelación activa sí o sí", vocab)
    assert p.attributes.get("Noise Cancelling") == ["Active"]


def test_spanish_fillers_go_and_measures_stay(vocab):
    p = parse("Ah y con drop bajito, de 4 mm, mmm", vocab, category_hint="Running Shoes")
    assert p.attributes == {"Drop": ["4 mm"]}


def test_a_brand_hoped_for_is_no_filter_in_every_language(vocab):
    for text in (
        "moisturizer, fragrance-free, Dermaclair would be best but not a must",
        "面霜 一定要无香精的 牌子的话Dermaclair最好 不是也行",
    ):
        p = parse(text, vocab)
        assert p.brands == [] and "dermaclair" in p.needs
        # the hedge after the brand is the brand's: fragrance-free still filters
        assert p.attributes == {"Fragrance": ["Fragrance-Free"]}
    assert parse("a Dermaclair moisturizer", vocab).brands == ["Dermaclair"]


def test_spanish_pounds_weigh(vocab):
    p = parse("Quiero pienso de cachorro en saco de 30 libras", vocab)
    assert p.types == ["Dry Dog Food"] and p.attributes.get("Weight") == ["30 lb"]
    assert p.max_price is None and not p.converted


def test_spanish_questions_about_the_product_shown(vocab):
    for text in ("¿Y qué tono es ese?", "¿Y a qué huele?", "¿Cuántas horas dura la batería?"):
        p = parse(text, vocab)
        assert p.intent is Intent.DETAILS, text
        assert p.references != [-1]  # "dura" is no "the last one"
