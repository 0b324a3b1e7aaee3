"""The one function that turns a product into the text that is embedded for it.

The recipe name is stored with the collection; change RECIPE whenever product_text changes, so an
index built with the old text is refused instead of silently mixing two kinds of vectors.
"""

from __future__ import annotations

import hashlib

from retrieval.types import Product

RECIPE = "title-brand-category-attributes-description/v1"

# Attributes that say nothing about what a shopper wants, only about logistics.
_SKIPPED_ATTRIBUTES = frozenset(
    {
        "upc",
        "asin",
        "item model number",
        "manufacturer",
        "is discontinued by manufacturer",
        "date first available",
        "package dimensions",
        "product dimensions",
        "item dimensions lxwxh",
        "item weight",
        "country of origin",
        "global trade identification number",
        "brand",
    }
)
_MAX_DESCRIPTION_CHARS = 600


def product_text(product: Product, extra: str = "") -> str:
    """Text embedded for a product, in this order (earlier parts survive truncation):

    1. the title;
    2. "Brand: <brand>";
    3. "Category: <path joined with ' > '>";
    4. the key attributes, "key: value" joined with "; " (logistics fields such as UPC skipped);
    5. the features and the description, together cut to 600 characters;
    6. `extra`: generated product copy, when the shop chose to index it (`tailtalk enrich
       --index`); it is stored apart from the record and only added here.
    """
    parts = [product.title]
    if product.brand:
        parts.append(f"Brand: {product.brand}")
    if product.category_path:
        parts.append("Category: " + " > ".join(product.category_path))
    attributes = [
        f"{key}: {value}"
        for key, value in product.attributes.items()
        if key.casefold() not in _SKIPPED_ATTRIBUTES
    ]
    if attributes:
        parts.append("; ".join(attributes))
    body = " ".join([*product.features, product.description]).strip()
    if body:
        parts.append(body[:_MAX_DESCRIPTION_CHARS])
    if extra.strip():
        parts.append(extra.strip()[:_MAX_DESCRIPTION_CHARS])
    return ". ".join(parts)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def record_hash(product: Product) -> str:
    """Hash of everything stored for a product; equal hashes mean re-ingest has nothing to do."""
    return text_hash(product.model_dump_json())
