"""The Chroma product store: one interface whether Chroma is an embedded folder or a server.

The collection records which embedding model, dimension and text recipe made its vectors, and each
product carries hashes of its record and of its embedded text, so re-ingest knows what changed.
A `revision` stamp in the collection metadata changes after each ingest, so long-lived searchers in
other processes know to reload.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.config import RetrievalSettings
from retrieval.errors import ConfigError, IndexMismatchError
from retrieval.types import Product


class Meta:
    """Keys of the collection metadata and of each product's metadata in Chroma."""

    MODEL = "tailtalk_model"
    DIM = "tailtalk_dim"
    RECIPE = "tailtalk_recipe"
    REVISION = "tailtalk_revision"
    INDEX_COPY = "tailtalk_index_copy"  # generated product copy is part of the indexed text
    INGESTING = "tailtalk_ingesting"  # set while an ingest writes: its batches are not a catalogue

    PRODUCT = "product"  # the whole Product as JSON: the record of truth for search results
    RECORD_HASH = "record_hash"
    TEXT_HASH = "text_hash"
    # Scalar copies, so Chroma's own `where` works for clients that query the collection directly.
    PRICE = "price"
    BRAND = "brand"
    CATEGORY = "category"
    AVERAGE_RATING = "average_rating"
    POPULARITY = "popularity"


@dataclass(frozen=True)
class StoredRow:
    id: str
    product: Product
    record_hash: str
    text_hash: str
    text: str = ""  # the embedded text (Chroma's document)


def open_client(settings: RetrievalSettings, path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host,
            port=settings.chroma_port,
            ssl=settings.chroma_ssl,
            settings=chroma_settings,
        )
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many kinds (sqlite, Rust bindings) on a bad folder
        raise unreadable(path, exc) from exc


def unreadable(path: Path, exc: BaseException) -> ConfigError:
    return ConfigError(
        f"the Chroma index at {path} cannot be read ({type(exc).__name__}: {exc}). If it is "
        f"damaged, move it away (`mv {path} {path}.damaged`) and ingest the catalogue again "
        f"with `tailtalk ingest PATH`; searches keep using the last snapshot meanwhile"
    )


class ChromaStore:
    """Products, their vectors and the identity of the model and recipe that made them."""

    def __init__(self, client: Any, name: str, model_id: str, dim: int, recipe: str) -> None:
        self.client = client
        self.name = name
        self.model_id = model_id
        self.dim = dim
        self.recipe = recipe
        self.collection = self._open_collection()
        self.check_identity()

    @classmethod
    def open(
        cls, settings: RetrievalSettings, path: Path, model_id: str, dim: int, recipe: str
    ) -> ChromaStore:
        client = open_client(settings, path)
        if settings.chroma_host:
            return cls(client, settings.collection, model_id, dim, recipe)
        try:
            return cls(client, settings.collection, model_id, dim, recipe)
        except IndexMismatchError:
            raise
        except Exception as exc:  # a damaged folder fails here, in sqlite or the Rust bindings
            raise unreadable(path, exc) from exc

    def _open_collection(self) -> Any:
        from chromadb.errors import NotFoundError

        # get first: get_or_create would overwrite the metadata that says which model built it.
        try:
            return self.client.get_collection(self.name, embedding_function=None)
        except NotFoundError:
            return self.client.create_collection(
                self.name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata=self._identity(),
            )

    def _identity(self) -> dict[str, Any]:
        return {Meta.MODEL: self.model_id, Meta.DIM: self.dim, Meta.RECIPE: self.recipe}

    def check_identity(self) -> None:
        """Refuses an index made by another model or recipe: vectors of two models do not mix."""
        found = self.collection.metadata or {}
        for key, wanted in self._identity().items():
            have = found.get(key)
            if have is not None and have != wanted:
                raise IndexMismatchError(
                    f"the Chroma collection '{self.name}' was built with {key}={have!r}, but this "
                    f"configuration uses {wanted!r}. Re-ingest into a fresh index (delete the "
                    f"collection or set TAILTALK_RETRIEVAL__COLLECTION to a new name), or set "
                    f"TAILTALK_EMBEDDER__MODEL back to the model that built it."
                )
        if any(found.get(key) is None for key in self._identity()):
            if self.collection.count() > 0:
                raise IndexMismatchError(
                    f"the Chroma collection '{self.name}' holds vectors but does not say which "
                    f"model made them; re-ingest into a fresh collection"
                )
            self._set_metadata(self._identity())

    def _set_metadata(self, values: dict[str, Any]) -> None:
        merged = {**(self.collection.metadata or {}), **values}
        self.collection.modify(metadata=merged)

    def revision(self) -> str:
        fresh = self.client.get_collection(self.name, embedding_function=None)
        return str((fresh.metadata or {}).get(Meta.REVISION, ""))

    def indexes_copy(self) -> bool:
        fresh = self.client.get_collection(self.name, embedding_function=None)
        return bool((fresh.metadata or {}).get(Meta.INDEX_COPY, False))

    def set_indexes_copy(self, value: bool) -> None:
        self._set_metadata({Meta.INDEX_COPY: value})

    def bump_revision(self) -> None:
        self._set_metadata({Meta.REVISION: uuid.uuid4().hex})

    def ingesting(self) -> bool:
        fresh = self.client.get_collection(self.name, embedding_function=None)
        return bool((fresh.metadata or {}).get(Meta.INGESTING, False))

    def set_ingesting(self, value: bool) -> None:
        self._set_metadata({Meta.INGESTING: value})

    def count(self) -> int:
        return int(self.collection.count())

    def hashes(self) -> dict[str, tuple[str, str]]:
        """id -> (record hash, text hash) for everything stored."""
        out: dict[str, tuple[str, str]] = {}
        for batch in self._pages(include=["metadatas"]):
            for pid, meta in zip(batch["ids"], batch["metadatas"], strict=True):
                out[pid] = (str(meta.get(Meta.RECORD_HASH, "")), str(meta.get(Meta.TEXT_HASH, "")))
        return out

    def upsert(
        self,
        products: Sequence[Product],
        vectors: np.ndarray,
        texts: Sequence[str],
        record_hashes: Sequence[str],
        text_hashes: Sequence[str],
    ) -> None:
        if vectors.shape != (len(products), self.dim):
            raise ConfigError(
                f"expected {len(products)} vectors of dimension {self.dim}, got {vectors.shape}"
            )
        self.collection.upsert(
            ids=[p.id for p in products],
            embeddings=vectors,
            documents=list(texts),
            metadatas=_metadatas(products, record_hashes, text_hashes),
        )

    def update_records(
        self, products: Sequence[Product], record_hashes: Sequence[str], text_hashes: Sequence[str]
    ) -> None:
        """Replaces stored records whose embedded text did not change, keeping their vectors."""
        self.collection.update(
            ids=[p.id for p in products],
            metadatas=_metadatas(products, record_hashes, text_hashes),
        )

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), 5000):
            self.collection.delete(ids=list(ids[start : start + 5000]))

    def get(self, ids: Sequence[str]) -> list[Product]:
        if not ids:
            return []
        batch = self.collection.get(ids=list(ids), include=["metadatas"])
        by_id = {
            pid: Product.model_validate_json(meta[Meta.PRODUCT])
            for pid, meta in zip(batch["ids"], batch["metadatas"], strict=True)
        }
        return [by_id[i] for i in ids if i in by_id]

    def rows_with_vectors(self, page: int = 5000) -> Iterator[tuple[list[StoredRow], np.ndarray]]:
        for batch in self._pages(include=["metadatas", "embeddings", "documents"], page=page):
            rows = [
                StoredRow(
                    id=pid,
                    product=Product.model_validate_json(meta[Meta.PRODUCT]),
                    record_hash=str(meta.get(Meta.RECORD_HASH, "")),
                    text_hash=str(meta.get(Meta.TEXT_HASH, "")),
                    text=document or "",
                )
                for pid, meta, document in zip(
                    batch["ids"], batch["metadatas"], batch["documents"], strict=True
                )
            ]
            yield rows, np.asarray(batch["embeddings"], dtype=np.float32).reshape(-1, self.dim)

    def snapshot_pages(
        self, page: int = 5000
    ) -> Iterator[tuple[list[str], list[str], list[str], np.ndarray]]:
        """(ids, product records as JSON, embedded texts, vectors) page by page, for a snapshot:
        the records stay JSON text, no Product is made."""
        for batch in self._pages(include=["metadatas", "embeddings", "documents"], page=page):
            records = [str(meta[Meta.PRODUCT]) for meta in batch["metadatas"]]
            texts = [document or "" for document in batch["documents"]]
            vectors = np.asarray(batch["embeddings"], dtype=np.float32).reshape(-1, self.dim)
            yield list(batch["ids"]), records, texts, vectors

    def query(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """(id, cosine similarity) of the n nearest products by Chroma's own HNSW index."""
        n = min(n, self.count())
        if n == 0:
            return []
        result = self.collection.query(
            query_embeddings=vector.reshape(1, -1), n_results=n, include=["distances"]
        )
        return [
            (pid, 1.0 - float(distance))
            for pid, distance in zip(result["ids"][0], result["distances"][0], strict=True)
        ]

    def _pages(self, include: list[str], page: int = 5000) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            batch = self.collection.get(include=include, limit=page, offset=offset)
            if not batch["ids"]:
                return
            yield batch
            offset += len(batch["ids"])


def _metadatas(
    products: Sequence[Product], record_hashes: Sequence[str], text_hashes: Sequence[str]
) -> list[dict[str, Any]]:
    return [
        _metadata(p, r, t) for p, r, t in zip(products, record_hashes, text_hashes, strict=True)
    ]


def _metadata(product: Product, record_hash: str, text_hash: str) -> dict[str, Any]:
    meta: dict[str, Any] = {
        Meta.PRODUCT: product.model_dump_json(),
        Meta.RECORD_HASH: record_hash,
        Meta.TEXT_HASH: text_hash,
        Meta.POPULARITY: product.popularity,
    }
    # Chroma metadata cannot hold None, so unknown values are left out rather than faked.
    optional = {
        Meta.PRICE: product.price,
        Meta.BRAND: product.brand,
        Meta.CATEGORY: product.category,
        Meta.AVERAGE_RATING: product.average_rating,
    }
    meta.update({k: v for k, v in optional.items() if v is not None})
    return meta
