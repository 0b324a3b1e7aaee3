"""How a reply names the kind of product it shows, for one product and for several."""

from __future__ import annotations

from agent.wording import kind_name


def test_one_of_a_pair_noun_is_a_pair_in_english_and_spanish():
    assert kind_name("Sport Earbuds", 1, "en") == "pair of sport earbuds"
    assert kind_name("Sport Earbuds", 2, "en") == "sport earbuds"
    one = kind_name("Sport Earbuds", 1, "es")
    assert one.startswith("par de ") and one.endswith(kind_name("Sport Earbuds", 2, "es"))
    # a noun with a singular stays itself
    assert not kind_name("Saucepan", 1, "es").startswith("par de ")
