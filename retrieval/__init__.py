"""Catalogue, embeddings, the Chroma store and filtered search.

Importing this package stays light: torch, transformers and chromadb load only in the modules that
need them (embedder, store).
"""

from retrieval.errors import (
    CatalogError,
    ConfigError,
    IndexEmptyError,
    IndexMismatchError,
    RowError,
    TailTalkError,
)
from retrieval.types import Fields, Product, ProductHit, SearchFilters

__all__ = [
    "CatalogError",
    "ConfigError",
    "Fields",
    "IndexEmptyError",
    "IndexMismatchError",
    "Product",
    "ProductHit",
    "RowError",
    "SearchFilters",
    "TailTalkError",
]
