"""The search snapshot: one version of the catalogue as memory-mapped columns.

A snapshot is a folder of .npy files and string tables written once (snapshot_writer.py) and never
changed: unit vectors, price and rating columns, category / brand / attribute postings, BM25
postings, the product records as JSON, ids. Opening one maps the files; the operating system
shares the pages between every process of the machine, and nothing is read until a query needs
it. Hard filters become boolean masks over the columns; a Product object is made only for the rows
a search returns (and cached while the snapshot is in use).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, overload

import numpy as np

from retrieval.columns import Postings, StringTable, load_array
from retrieval.dense import DenseIndex
from retrieval.errors import SnapshotError
from retrieval.lexical import LexicalColumns
from retrieval.types import Product, SearchFilters

FORMAT = 1
MANIFEST = "manifest.json"


def key(text: str) -> str:
    return text.casefold().strip()


def attribute_key(name: str, value: str) -> str:
    return f"{key(name)}\x1f{key(value)}"


class ProductColumn(Sequence[Product]):
    """The product records, one Product made per row read (cached)."""

    def __init__(self, table: StringTable) -> None:
        self._table = table
        self._one = lru_cache(maxsize=16_384)(self._load)

    def _load(self, row: int) -> Product:
        return Product.model_validate_json(self._table.raw(row))

    def __len__(self) -> int:
        return len(self._table)

    @overload
    def __getitem__(self, row: int) -> Product: ...
    @overload
    def __getitem__(self, row: slice) -> list[Product]: ...
    def __getitem__(self, row: int | slice) -> Product | list[Product]:
        if isinstance(row, slice):
            return [self._one(i) for i in range(*row.indices(len(self)))]
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        return self._one(row)

    def __iter__(self) -> Iterator[Product]:
        # Not through the cache: a full pass would only evict what searches keep warm.
        for row in range(len(self)):
            yield self._load(row)


class RowLookup(Mapping[str, int]):
    """Product id -> row, by binary search over the ids sorted by their bytes."""

    def __init__(self, ids: StringTable, order: np.ndarray) -> None:
        self._ids = ids
        self._order = order

    def __getitem__(self, product_id: str) -> int:
        row = self._ids.find_sorted(product_id.encode("utf-8"), self._order)
        if row < 0:
            raise KeyError(product_id)
        return row

    def __contains__(self, product_id: object) -> bool:
        return isinstance(product_id, str) and self.get(product_id) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class Snapshot:
    """One published version of the catalogue, read-only."""

    def __init__(self, folder: Path, probe_lists: int = 32) -> None:
        self.folder = folder
        try:
            self.manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
            self._check_files()
            self._open(probe_lists)
        except SnapshotError:
            raise
        except FileNotFoundError:
            raise  # a version removed under us: the caller re-reads the pointer
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SnapshotError(
                f"the search snapshot {folder} cannot be read ({exc}); rebuild it from the "
                f"product store with `tailtalk snapshot`, or re-run `tailtalk ingest PATH`"
            ) from exc

    def _check_files(self) -> None:
        if self.manifest.get("format") != FORMAT:
            raise SnapshotError(
                f"the search snapshot {self.folder} has format {self.manifest.get('format')}, "
                f"this TailTalk reads format {FORMAT}; rebuild it with `tailtalk snapshot`"
            )
        for name, size in self.manifest["files"].items():
            have = (self.folder / name).stat().st_size
            if have != size:
                raise SnapshotError(
                    f"the search snapshot {self.folder} is damaged: {name} holds {have} bytes, "
                    f"the manifest says {size}; rebuild it with `tailtalk snapshot`"
                )

    def _open(self, probe_lists: int) -> None:
        m = self.manifest
        self.version: str = m["version"]
        self.revision: str = m["revision"]
        self.model_id: str = m["model"]
        self.recipe: str = m["recipe"]
        self.dim: int = int(m["dim"])
        n = int(m["count"])
        folder = self.folder
        self.ids = StringTable(folder, "ids")
        self.vectors = load_array(folder / "vectors.npy")
        self.price = load_array(folder / "price.npy")
        self.rating = load_array(folder / "rating.npy")
        self.popularity = load_array(folder / "popularity.npy")
        if len(self.ids) != n or self.vectors.shape != (n, self.dim) or len(self.price) != n:
            raise SnapshotError(
                f"the search snapshot {folder} is damaged: its columns disagree on the number "
                f"of products; rebuild it with `tailtalk snapshot`"
            )
        self.row_of = RowLookup(self.ids, load_array(folder / "ids.order.npy"))
        self.products = ProductColumn(StringTable(folder, "products"))
        self.texts = StringTable(folder, "texts")
        self.categories = Postings(folder, "categories")
        self.brands = Postings(folder, "brands")
        self.attributes = Postings(folder, "attributes")
        self.lexical = LexicalColumns(folder, n)
        centroids = list_ptr = None
        if m.get("ivf_lists"):
            centroids = load_array(folder / "ivf.centroids.npy")
            list_ptr = load_array(folder / "ivf.list_ptr.npy")
        self.dense = DenseIndex(self.vectors, centroids, list_ptr, probe_lists)

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"Snapshot({self.version}, {len(self)} products)"

    def popularity_counts(self) -> dict[str, float]:
        """Catalogue popularity per product id (as popularity.catalogue_counts), from columns."""
        return dict(zip(self.ids, self.popularity.tolist(), strict=True))

    def get(self, product_id: str) -> Product | None:
        row = self.row_of.get(product_id)
        return None if row is None else self.products[row]

    def mask(self, filters: SearchFilters) -> np.ndarray | None:
        """Rows meeting every hard filter, or None when nothing is filtered."""
        if filters.is_empty():
            return None
        n = len(self)
        mask = np.ones(n, dtype=bool)
        with np.errstate(invalid="ignore"):  # NaN (unknown) compares False: it fails the filter
            if filters.min_price is not None:
                mask &= self.price >= filters.min_price
            if filters.max_price is not None:
                mask &= self.price <= filters.max_price
            if filters.min_rating is not None:
                mask &= self.rating >= filters.min_rating
        if filters.categories:
            mask &= self.categories.any_of(map(key, filters.categories), n)
        if filters.brands:
            mask &= self.brands.any_of(map(key, filters.brands), n)
        if filters.exclude_brands:
            mask &= ~self.brands.any_of(map(key, filters.exclude_brands), n)
        for name, values in filters.attributes.items():
            mask &= self.attributes.any_of((attribute_key(name, v) for v in values), n)
        for name, values in filters.exclude_attributes.items():
            mask &= ~self.attributes.any_of((attribute_key(name, v) for v in values), n)
        excluded = [row for row in map(self.row_of.get, filters.exclude_ids) if row is not None]
        mask[excluded] = False
        return mask

    def top(self, vector: np.ndarray, mask: np.ndarray | None, n: int) -> list[tuple[int, float]]:
        """(row, cosine similarity) of the n best rows allowed by mask, best first."""
        rows, scores = self.dense.top(vector, mask, n)
        return [(int(r), float(s)) for r, s in zip(rows, scores, strict=True)]
