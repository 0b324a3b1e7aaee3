"""Writes a snapshot folder (snapshot.py) from rows streamed in chunks.

Rows arrive as (id, product JSON, embedded text, vector); they are staged on disk as they come, so
a million rows never sit in memory as objects. `finish` then fixes the row order (clustered into
inverted lists when the catalogue is large, see dense.py), writes every column in that order with
the filter and BM25 postings, flushes each file to disk and writes the manifest last: a folder
without a manifest is an unfinished build.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrieval.columns import (
    StringTable,
    StringTableWriter,
    fsync_file,
    save_array,
    write_postings,
)
from retrieval.dense import assign, lists_for, train_centroids
from retrieval.errors import ConfigError
from retrieval.lexical import write_lexical
from retrieval.snapshot import FORMAT, MANIFEST, attribute_key, key
from retrieval.types import attribute_values

IVF_MIN_ROWS = 200_000
_STAGE = "staging"


class SnapshotWriter:
    def __init__(
        self,
        folder: Path,
        dim: int,
        model_id: str,
        recipe: str,
        revision: str,
        ivf_min_rows: int = IVF_MIN_ROWS,
    ) -> None:
        self.folder = folder
        self.dim = dim
        self.model_id = model_id
        self.recipe = recipe
        self.revision = revision
        self.ivf_min_rows = ivf_min_rows
        self._stage = folder / _STAGE
        self._stage.mkdir(parents=True, exist_ok=True)
        self._ids = StringTableWriter(self._stage, "ids")
        self._products = StringTableWriter(self._stage, "products")
        self._texts = StringTableWriter(self._stage, "texts")
        self._vectors = (self._stage / "vectors.raw").open("wb")
        self._price: list[float] = []
        self._rating: list[float] = []
        self._popularity: list[float] = []
        self._postings: dict[str, defaultdict[str, list[int]]] = {
            name: defaultdict(list) for name in ("categories", "brands", "attributes")
        }
        self.count = 0

    def add(
        self,
        ids: Sequence[str],
        records: Sequence[str],
        texts: Sequence[str],
        vectors: np.ndarray,
    ) -> None:
        """`records`: each product as Product.model_dump_json() wrote it."""
        if vectors.shape != (len(ids), self.dim):
            raise ConfigError(
                f"expected {len(ids)} vectors of dimension {self.dim}, got {vectors.shape}"
            )
        for pid, record, text in zip(ids, records, texts, strict=True):
            fields = json.loads(record)
            row = self.count
            self._ids.add(pid)
            self._products.add(record)
            self._texts.add(text)
            price, rating = fields.get("price"), fields.get("average_rating")
            self._price.append(np.nan if price is None else float(price))
            self._rating.append(np.nan if rating is None else float(rating))
            # As popularity.catalogue_counts: the popularity field, else the rating count.
            self._popularity.append(
                float(fields.get("popularity") or fields.get("rating_count") or 0.0)
            )
            for value in {key(c) for c in fields.get("category_path") or ()}:
                self._postings["categories"][value].append(row)
            if fields.get("brand"):
                self._postings["brands"][key(fields["brand"])].append(row)
            attributes = {
                attribute_key(name, v)
                for name, value in (fields.get("attributes") or {}).items()
                for v in attribute_values(value)
            }
            for value in attributes:
                self._postings["attributes"][value].append(row)
            self.count += 1
        self._vectors.write(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())

    def finish(self) -> Path:
        for table in (self._ids, self._products, self._texts):
            table.close()
        self._vectors.close()
        n, folder, stage = self.count, self.folder, self._stage
        raw = (
            np.memmap(stage / "vectors.raw", np.float32, "r", shape=(n, self.dim))
            if n
            else np.zeros((0, self.dim), np.float32)
        )
        order, lists = self._order(raw, folder)
        new_row = np.empty(n, np.int64)
        new_row[order] = np.arange(n)

        vectors = np.lib.format.open_memmap(
            folder / "vectors.npy", mode="w+", dtype=np.float32, shape=(n, self.dim)
        )
        for start in range(0, n, 65_536):
            vectors[start : start + 65_536] = raw[order[start : start + 65_536]]
        vectors.flush()
        del vectors
        fsync_file(folder / "vectors.npy")

        ids = StringTable(stage, "ids")
        id_bytes = [ids.raw(int(r)) for r in order]
        id_order = np.asarray(sorted(range(n), key=id_bytes.__getitem__), np.int32)
        for a, b in itertools.pairwise(id_order.tolist()):
            if id_bytes[a] == id_bytes[b]:
                raise ConfigError(f"product id {id_bytes[a].decode()!r} appears twice")
        _write_reordered(ids, order, folder, "ids")
        save_array(folder / "ids.order.npy", id_order)
        _write_reordered(StringTable(stage, "products"), order, folder, "products")
        texts = StringTable(stage, "texts")
        _write_reordered(texts, order, folder, "texts")
        save_array(folder / "price.npy", np.asarray(self._price, np.float64)[order])
        save_array(folder / "rating.npy", np.asarray(self._rating, np.float64)[order])
        save_array(folder / "popularity.npy", np.asarray(self._popularity, np.float64)[order])
        for name, postings in self._postings.items():
            remapped = {k: new_row[np.asarray(v)].tolist() for k, v in postings.items()}
            write_postings(folder, name, remapped)
        write_lexical(folder, [texts[int(r)] for r in order])
        shutil.rmtree(stage)

        files = {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()}
        manifest = {
            "format": FORMAT,
            "version": folder.name.removeprefix(".building-"),
            "revision": self.revision,
            "count": n,
            "dim": self.dim,
            "model": self.model_id,
            "recipe": self.recipe,
            "ivf_lists": lists,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": files,
        }
        path = folder / MANIFEST
        with path.open("w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        return folder

    def _order(self, raw: np.ndarray, folder: Path) -> tuple[np.ndarray, int]:
        """Row order of the snapshot, and how many inverted lists it has (0: none)."""
        n = len(raw)
        if n < self.ivf_min_rows:
            return np.arange(n), 0
        lists = lists_for(n)
        centroids = train_centroids(raw, lists)
        nearest = assign(raw, centroids)
        order = np.argsort(nearest, kind="stable")
        list_ptr = np.concatenate([[0], np.cumsum(np.bincount(nearest, minlength=lists))])
        save_array(folder / "ivf.centroids.npy", centroids)
        save_array(folder / "ivf.list_ptr.npy", list_ptr.astype(np.int64))
        return order, lists


def _write_reordered(table: StringTable, order: np.ndarray, folder: Path, name: str) -> None:
    writer = StringTableWriter(folder, name)
    for row in order:
        writer.add(table.raw(int(row)))
    writer.close()
