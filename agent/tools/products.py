"""get_product, compare_products, write_product_copy: about products this shopper has been shown
or has named, never others (an id from anywhere else is refused with a message for the model)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from agent.explain import card
from agent.reading.safety import neutralise
from agent.tools.models import (
    CompareProductsArgs,
    ComparisonResult,
    CopyResult,
    DetailsResult,
    Differences,
    GetProductArgs,
    ProductDetails,
    ProductSummary,
    ToolError,
    WriteProductCopyArgs,
)
from agent.tools.turn import Turn
from agent.types import ProductCard
from retrieval.types import Product

if TYPE_CHECKING:
    from agent.tools.registry import Toolbox

_DESCRIPTION_CHARS = 600
_FEATURES = 8


def get_product(box: Toolbox, args: GetProductArgs, turn: Turn) -> DetailsResult:
    product = _allowed(box, args.id, turn)
    item = _feature(box, product, turn)
    return DetailsResult(product=_details(product, item, turn))


def compare_products(box: Toolbox, args: CompareProductsArgs, turn: Turn) -> ComparisonResult:
    products = [_allowed(box, pid, turn) for pid in dict.fromkeys(args.ids)]
    if len(products) < 2:
        raise ToolError("compare_products needs two different product ids")
    items = [_feature(box, p, turn) for p in products]
    return ComparisonResult(
        products=[_details(p, c, turn) for p, c in zip(products, items, strict=True)],
        differences=differences(products),
    )


def write_product_copy(box: Toolbox, args: WriteProductCopyArgs, turn: Turn) -> CopyResult:
    product = _allowed(box, args.id, turn)
    text = box.stored_copy(product)
    if text is None:
        copy = box.copywriter.write(product, turn)
        text = copy.text
        if copy.prompt_hash:
            turn.trace.prompts["product_copy"] = copy.prompt_hash
        if box.copies is not None:
            box.copies.put(product, copy)
    turn.copies[product.id] = text
    item = _feature(box, product, turn)
    turn.featured[-1] = item.model_copy(update={"copy_text": text})
    return CopyResult(id=product.id, title=product.title, copy_text=text)


def differences(products: Sequence[Product]) -> Differences:
    priced = [p for p in products if p.price is not None]
    rated = [p for p in products if p.average_rating is not None]
    keys = dict.fromkeys(k for p in products for k in p.attributes)
    differing = {
        key: {p.id: p.attributes.get(key, "-") for p in products}
        for key in keys
        if len({p.attributes.get(key) for p in products}) > 1
    }
    return Differences(
        cheapest=min(priced, key=lambda p: p.price or 0).id if priced else None,
        highest_rated=max(rated, key=lambda p: p.average_rating or 0).id if rated else None,
        attributes_that_differ=differing,
    )


def _allowed(box: Toolbox, product_id: str, turn: Turn) -> Product:
    product = box.shop.get(product_id)
    if product is None:
        raise ToolError(f"there is no product with id '{product_id}'")
    if product_id not in turn.allowed_ids():
        raise ToolError(
            f"product '{product_id}' has not been shown to this shopper; call "
            "search_products first and use the ids it returns"
        )
    return product


def _feature(box: Toolbox, product: Product, turn: Turn) -> ProductCard:
    existing = turn.results.get(product.id)
    item = existing or card(
        product,
        box.shop.band(product.id),
        turn.state.preferences,
        copy_text=box.stored_copy(product),
    )
    turn.results[product.id] = item
    turn.featured = [c for c in turn.featured if c.id != item.id] + [item]
    return item


def _details(product: Product, item: ProductCard, turn: Turn) -> ProductDetails:
    # Product text goes to a model: instruction-like text planted in it is cut and counted.
    description, cut = neutralise(product.description[:_DESCRIPTION_CHARS])
    features = [neutralise(f) for f in product.features[:_FEATURES]]
    turn.trace.injections += cut + sum(1 for _, n in features if n)
    return ProductDetails(
        **ProductSummary.of(item).model_dump(),
        category=" > ".join(product.category_path),
        description=description,
        features=[f for f, _ in features if f],
        copy_text=item.copy_text,
    )
