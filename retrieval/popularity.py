"""Popularity and the head / torso / tail bands.

Counts come from the catalogue (review, rating or sales counts in Product.popularity) plus logged
interactions when there are any. Items are sorted by count; the head is the smallest set of most
popular items holding `head_share` of all interactions (80% by default), the torso the next items up
to `head_share + torso_share`, and everything else is tail. A product with no count at all, or one
the bands have never seen, is tail: cold start is the tail's extreme, not an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from retrieval.types import Product


class Band(StrEnum):
    HEAD = "head"
    TORSO = "torso"
    TAIL = "tail"


def catalogue_counts(products: Iterable[Product]) -> dict[str, float]:
    """Popularity per product: its popularity field, or its rating count when that is unset."""
    return {p.id: float(p.popularity or p.rating_count) for p in products}


def combined_counts(
    catalogue: Mapping[str, float], logged: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Catalogue counts plus logged interactions (impressions clicked, likes, carts, purchases)."""
    out = dict(catalogue)
    for pid, count in (logged or {}).items():
        out[pid] = out.get(pid, 0.0) + count
    return out


@dataclass(frozen=True)
class PopularityBands:
    counts: Mapping[str, float]
    bands: Mapping[str, Band]

    @classmethod
    def from_counts(
        cls, counts: Mapping[str, float], head_share: float = 0.8, torso_share: float = 0.15
    ) -> PopularityBands:
        if not 0 < head_share <= 1 or not 0 <= torso_share <= 1 - head_share:
            raise ValueError(
                f"head_share must be in (0, 1] and torso_share in [0, 1 - head_share]; got "
                f"{head_share} and {torso_share}"
            )
        total = sum(max(c, 0.0) for c in counts.values())
        bands: dict[str, Band] = {}
        before = 0.0
        # Ties broken by id so that the bands do not depend on input order.
        for pid, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if count <= 0 or total == 0:
                bands[pid] = Band.TAIL
            elif before < head_share * total:
                bands[pid] = Band.HEAD
            elif before < (head_share + torso_share) * total:
                bands[pid] = Band.TORSO
            else:
                bands[pid] = Band.TAIL
            before += max(count, 0.0)
        return cls(counts=dict(counts), bands=bands)

    def band(self, product_id: str) -> Band:
        return self.bands.get(product_id, Band.TAIL)

    def members(self, band: Band) -> frozenset[str]:
        return frozenset(pid for pid, b in self.bands.items() if b is band)
