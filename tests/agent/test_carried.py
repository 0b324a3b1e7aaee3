"""Kinds other departments sell: named in a request, they are not carried, even where one of
their words is the shop's; a shop whose titles name them does carry them."""

from __future__ import annotations

from agent.carried import foreign_kinds, named_elsewhere
from agent.types import TYPE_KEY, Outcome
from retrieval.types import Product
from tests.agent.models.test_rules import talk


def _powders() -> list[Product]:
    return [
        Product(id="p1", title="Loose Setting Powder, Translucent, 1.5 oz"),
        Product(id="p2", title="Hair Protein Pack Treatment Shampoo"),
        Product(id="p3", title="Tattoo Needle Cartridges, 20 Pack"),
    ]


def test_a_kind_no_title_names_all_the_words_of_is_foreign():
    foreign = foreign_kinds(_powders())
    # each word is in some title, never both in one
    assert ("protein", "powder") in foreign and ("ink", "cartridge") in foreign
    assert named_elsewhere(foreign, ["whey protein powder"], ["chocolate flavour"]) == (
        "protein powder"
    )
    # the words may be apart, one of them in the thing asked for
    said = ["black ink cartridges", "hp printer"]
    assert named_elsewhere(foreign, ["black ink cartridges"], said) in ("printer ink", "printer")
    # what the shop sells, and a foreign word only in the story, are no foreign request
    assert named_elsewhere(foreign, ["setting powder"], ["setting powder"]) is None
    assert named_elsewhere(foreign, ["lipstick"], ["lipstick", "printer"]) is None


def test_a_shop_whose_titles_name_the_kind_carries_it():
    shop = [*_powders(), Product(id="w1", title="Whey Protein Powder, Chocolate, 2 lb")]
    assert ("protein", "powder") not in foreign_kinds(shop)


def test_another_departments_product_beside_a_kind_of_the_shop_is_not_carried(make_agent):
    agent = make_agent()
    # "tea" is sold in the demo shop (and Kettle Peak is a tea brand), kettles are not
    (kettle,) = talk(agent, "kettle", "有电热水壶卖吗 办公室想烧水泡茶")
    assert kettle.outcome is Outcome.NOT_CARRIED and not kettle.recommendations
    assert "电热水壶" in kettle.text  # named in the shopper's words
    tea = talk(agent, "kettle", "好吧 那来点袋泡茶")[0]
    assert tea.outcome is Outcome.RESULTS
    assert {agent.shop.get(c.id).attributes[TYPE_KEY] for c in tea.recommendations} == {"Tea Bags"}
