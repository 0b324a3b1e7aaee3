"""Batch product copy for long-tail products whose own text is thin (`tailtalk enrich`).

Copy is written only from the product's record and checked (copywriter.py); it is stored in the
session log's copy table (agent/log/copies.py) beside the record, never over it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from agent.copywriting.copywriter import Copywriter, is_thin
from agent.log.copies import CopyStore
from retrieval.popularity import Band, PopularityBands
from retrieval.types import Product


@dataclass
class EnrichReport:
    candidates: int = 0  # products that qualified (band and thin text)
    written: int = 0
    already: int = 0  # had up-to-date copy already
    replaced: int = 0  # the writer's text had unsupported claims; the template's was kept
    claims: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.candidates} products with thin text: {self.written} copies written, "
            f"{self.already} already had copy"
        )
        if self.replaced:
            shown = ", ".join(self.claims[:5])
            text += (
                f"; {self.replaced} model texts refused for claims not in the record "
                f"(e.g. {shown}) and written from the template instead"
            )
        return text


def thin_products(
    products: Sequence[Product], bands: PopularityBands, all_bands: bool = False
) -> list[Product]:
    return [p for p in products if is_thin(p) and (all_bands or bands.band(p.id) is Band.TAIL)]


def enrich(
    products: Sequence[Product],
    copywriter: Copywriter,
    copies: CopyStore,
    force: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> EnrichReport:
    report = EnrichReport(candidates=len(products))
    for product in products:
        if not force and copies.text(product.id, product) is not None:
            report.already += 1
        else:
            copy = copywriter.write(product)
            copies.put(product, copy)
            report.written += 1
            if copy.rejected_claims:
                report.replaced += 1
                report.claims += list(copy.rejected_claims)
        if on_progress:
            on_progress(1)
    return report
