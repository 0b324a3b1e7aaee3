from __future__ import annotations

from retrieval.catalog import load_catalog
from retrieval.demo import demo_products, write_demo_catalog
from retrieval.text import product_text
from retrieval.types import Product


def test_demo_catalogue_shape(demo_products):
    assert len(demo_products) >= 500
    assert len({p.id for p in demo_products}) == len(demo_products)
    categories = {p.category_path for p in demo_products}
    assert len(categories) >= 8
    assert all(p.price is not None and p.price > 0 for p in demo_products)
    assert all(p.attributes for p in demo_products)


def test_demo_popularity_is_long_tailed(demo_products):
    counts = sorted((p.rating_count for p in demo_products), reverse=True)
    total = sum(counts)
    head = 0
    running = 0
    for count in counts:
        running += count
        head += 1
        if running >= 0.8 * total:
            break
    # The smallest set holding 80% of ratings is a small minority of the catalogue.
    assert head / len(counts) < 0.25
    assert sum(c == 0 for c in counts) >= 0.05 * len(counts)  # cold-start products exist


def test_demo_is_deterministic_and_round_trips(tmp_path):
    path = write_demo_catalog(tmp_path / "demo.jsonl")
    loaded = load_catalog(path).products
    assert loaded == demo_products()
    assert demo_products(seed=8) != loaded


def test_product_text_recipe_order_and_skips():
    product = Product(
        id="x",
        title="Cedar Beard Oil",
        brand="Northshore",
        category_path=("Beauty", "Men"),
        attributes={"Scent": "Cedar", "UPC": "0123", "Item Form": "Oil"},
        features=("Softens",),
        description="A light oil.",
    )
    assert product_text(product) == (
        "Cedar Beard Oil. Brand: Northshore. Category: Beauty > Men. Scent: Cedar; Item Form: Oil. "
        "Softens A light oil."
    )
