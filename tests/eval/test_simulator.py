from __future__ import annotations

import random

from eval.simulator import make_request, product_type, simulate_requests
from retrieval.popularity import Band, PopularityBands
from retrieval.types import Product


def test_product_type_is_the_longest_match():
    assert product_type("Velvet Matte Lipstick, Ruby Red") == "lipstick"
    assert product_type("Pro Eyeshadow Palette 35 Colors") == "eyeshadow palette"
    assert product_type("Bamboo Makeup Brushes Set of 12") == "makeup brushes"
    assert product_type("Mystery Gadget 3000") is None


def test_request_uses_type_attributes_and_budget_but_not_the_title():
    product = Product(
        id="t1",
        title="Okaso Calming Face Serum With Rare Orchid",
        price=23.5,
        attributes={"Skin Type": "Sensitive, Dry", "Scent": "Lavender", "Color": "Clear"},
    )
    budgets = set()
    for seed in range(40):
        request = make_request(product, Band.TAIL, random.Random(seed), seed)
        assert "face serum for sensitive skin with a lavender scent" in request.text
        assert "orchid" not in request.text.casefold() and "okaso" not in request.text.casefold()
        assert request.target_id == "t1"
        budgets.add(request.filters.max_price)
        if request.filters.max_price is not None:
            assert "under $25" in request.text
    assert budgets == {None, 25.0}  # about half the shoppers name a budget


def test_targets_are_balanced_over_bands_and_deterministic():
    products = [
        Product(id=f"p{i}", title=f"Brand {i} Shampoo", rating_count=1000 // (i + 1))
        for i in range(60)
    ]
    bands = PopularityBands.from_counts({p.id: float(p.rating_count) for p in products})
    requests = simulate_requests(products, bands, per_band=5, seed=3)
    assert [r.target_band for r in requests] == [Band.HEAD] * 5 + [Band.TORSO] * 5 + [Band.TAIL] * 5
    assert requests == simulate_requests(products, bands, per_band=5, seed=3)
    assert requests != simulate_requests(products, bands, per_band=5, seed=4)


def test_multi_turn_shopper_answers_questions_and_refines(make_agent, demo_products):
    from eval.shopper import facts, kind_of, simulate
    from retrieval.popularity import Band

    target = next(p for p in demo_products if p.attributes.get("Type") == "Dog Harness")
    assert kind_of(target) == "Dog Harness"
    said = facts(target)
    assert said[-1].startswith("under $") and all("type" not in f for f in said)
    agent = make_agent()
    result = simulate(agent, target, Band.TAIL, max_turns=6, name="sim")
    assert result.hit_turn is not None and 1 <= result.hit_turn <= 6
