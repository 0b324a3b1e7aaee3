"""Retrieval benchmark: ingest overhead over the bare encoder, and search latency at 5k and 100k.

    python benchmarks/bench_retrieval.py [--repeats 3] [--synthetic 100000] [--queries 200]

1. Ingest throughput on the shared Amazon beauty catalogue (4,986 products): the whole pipeline
   (read + validate the file, build texts, hash, embed, write to a fresh Chroma folder) against the
   bare encoder (tokenise + forward + pooling: HFEmbedder.embed) on the same texts. Runs alternate,
   medians are reported, and the overhead is their ratio minus one.
2. Search latency on that catalogue: query encoding alone, then retrieval given the query vector,
   unfiltered (Chroma HNSW) and filtered (TailTalk's in-memory masks), with Chroma's own `where`
   filtering on the same filters as the baseline, all in this process.
3. The same latencies at N synthetic products (default 100,000): random clustered unit vectors
   written straight to Chroma (no encoder), with realistic category/brand/price/rating columns.

Results are printed as a table and written to benchmarks/results/retrieval.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from retrieval.catalog import load_catalog  # noqa: E402
from retrieval.config import EmbedderSettings, RetrievalSettings  # noqa: E402
from retrieval.embedder import HFEmbedder  # noqa: E402
from retrieval.factory import retriever_for  # noqa: E402
from retrieval.ingest import ingest, update_index  # noqa: E402
from retrieval.search import Retriever  # noqa: E402
from retrieval.snapshot_build import build_snapshot  # noqa: E402
from retrieval.store import ChromaStore  # noqa: E402
from retrieval.text import RECIPE, product_text, record_hash, text_hash  # noqa: E402
from retrieval.types import Product, SearchFilters  # noqa: E402
from retrieval.versions import SnapshotFolder  # noqa: E402

BEAUTY = ROOT.parent / "shared" / "data" / "amazon_beauty" / "meta_All_Beauty.jsonl"
BEAUTY_QUERIES = [
    "fragrance free moisturizer for sensitive skin",
    "long lasting red lipstick",
    "hair extensions clip in",
    "nail polish set",
    "anti aging face serum",
    "makeup brush set",
    "shampoo for curly hair",
    "eyelash curler",
    "body lotion for dry skin",
    "waterproof mascara",
    "organic lip balm",
    "beard oil for men",
    "sunscreen spf 50",
    "wig for women",
    "facial cleansing brush",
    "scented bath bombs",
]


def percentiles(samples: list[float]) -> dict[str, float]:
    ms = np.asarray(samples) * 1000
    return {"p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95))}


def timed(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def chroma_where(filters: SearchFilters) -> dict | None:
    """The same constraint in Chroma's own filter language (for the filters it can express)."""
    clauses: list[dict] = []
    if filters.max_price is not None:
        clauses.append({"price": {"$lte": filters.max_price}})
    if filters.min_price is not None:
        clauses.append({"price": {"$gte": filters.min_price}})
    if filters.min_rating is not None:
        clauses.append({"average_rating": {"$gte": filters.min_rating}})
    if filters.brands:
        clauses.append({"brand": {"$in": list(filters.brands)}})
    if filters.categories:
        clauses.append({"category": {"$in": list(filters.categories)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def latency_block(
    retriever: Retriever,
    store: ChromaStore,
    vectors: np.ndarray,
    filter_sets: list[SearchFilters],
    k: int = 100,
) -> dict[str, dict[str, float]]:
    unfiltered, ours, theirs = [], [], []
    for i, vector in enumerate(vectors):
        filters = filter_sets[i % len(filter_sets)]
        where = chroma_where(filters)
        for target, call in (
            (unfiltered, lambda v=vector: retriever.search_vector(v, None, k)),
            (ours, lambda v=vector, f=filters: retriever.search_vector(v, f, k)),
            (
                theirs,
                lambda v=vector, w=where: store.collection.query(
                    query_embeddings=v.reshape(1, -1), n_results=k, where=w, include=["distances"]
                ),
            ),
        ):
            start = time.perf_counter()
            call()
            target.append(time.perf_counter() - start)
    return {
        "unfiltered (snapshot)": percentiles(unfiltered),
        "filtered (snapshot masks)": percentiles(ours),
        "filtered (Chroma where)": percentiles(theirs),
    }


def bench_ingest(embedder: HFEmbedder, repeats: int) -> dict:
    catalog = load_catalog(BEAUTY)
    texts = [product_text(p) for p in catalog.products]
    bare, pipeline = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        embedder.embed(texts)
        bare.append(time.perf_counter() - start)
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            products = load_catalog(BEAUTY).products
            store = ChromaStore.open(
                RetrievalSettings(), Path(folder), embedder.model_id, embedder.dim, RECIPE
            )
            ingest(products, store, embedder)
            pipeline.append(time.perf_counter() - start)
        print(f"  ingest run: bare {bare[-1]:.1f} s, pipeline {pipeline[-1]:.1f} s", flush=True)
    bare_s, pipe_s = statistics.median(bare), statistics.median(pipeline)
    return {
        "products": len(texts),
        "bare_encoder_s": bare_s,
        "pipeline_s": pipe_s,
        "bare_products_per_s": len(texts) / bare_s,
        "pipeline_products_per_s": len(texts) / pipe_s,
        "overhead": pipe_s / bare_s - 1,
        "runs": {"bare": bare, "pipeline": pipeline},
    }


def bench_beauty_search(embedder: HFEmbedder, n_queries: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        store = ChromaStore.open(
            RetrievalSettings(), Path(folder), embedder.model_id, embedder.dim, RECIPE
        )
        products = load_catalog(BEAUTY).products
        snapshots = SnapshotFolder(Path(folder) / "snapshots")
        update_index(products, store, embedder, snapshots)
        retriever = retriever_for(snapshots, embedder)
        queries = [BEAUTY_QUERIES[i % len(BEAUTY_QUERIES)] for i in range(n_queries)]
        encode = []
        vectors = []
        for query in queries:
            start = time.perf_counter()
            vectors.append(retriever.embed_query(query))
            encode.append(time.perf_counter() - start)
        brands = [b for b, _ in _top_counts(p.brand for p in products if p.brand)[:20]]
        filter_sets = [
            SearchFilters(min_rating=4.5),
            SearchFilters(max_price=30),
            SearchFilters(brands=tuple(brands[:5])),
            SearchFilters(min_rating=4.0, brands=tuple(brands[:10])),
        ]
        result = latency_block(retriever, store, np.stack(vectors), filter_sets)
        result["query encoding"] = percentiles(encode)
        return {"products": len(products), "latency": result}


def _top_counts(values) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


def synthetic_catalogue(n: int, dim: int, seed: int = 0) -> tuple[list[Product], np.ndarray]:
    """n products over 40 categories and 800 brands, Zipf popularity, clustered unit vectors."""
    rng = np.random.default_rng(seed)
    pick = random.Random(seed)
    categories = [f"Category {i:02d}" for i in range(40)]
    brands = [f"Brand {i:03d}" for i in range(800)]
    centers = rng.standard_normal((400, dim)).astype(np.float32)
    cluster = rng.integers(0, len(centers), n)
    vectors = centers[cluster] + 0.6 * rng.standard_normal((n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    prices = np.round(np.exp(rng.normal(3.3, 0.9, n)), 2)
    ratings = np.clip(np.round(rng.normal(4.2, 0.5, n), 1), 1, 5)
    popularity = (20000 / np.arange(1, n + 1) ** 1.05).astype(int)
    rng.shuffle(popularity)
    products = [
        Product(
            id=f"syn-{i:07d}",
            title=f"Synthetic product {i}",
            category_path=("Synthetic", categories[cluster[i] % 40]),
            brand=brands[pick.randrange(800)],
            price=float(prices[i]) if i % 10 else None,
            attributes={"Color": pick.choice(("Red", "Blue", "Green", "Black", "White"))},
            average_rating=float(ratings[i]),
            rating_count=int(popularity[i]),
            popularity=float(popularity[i]),
        )
        for i in range(n)
    ]
    return products, vectors


def bench_synthetic(embedder: HFEmbedder, n: int, n_queries: int) -> dict:
    products, vectors = synthetic_catalogue(n, embedder.dim)
    with tempfile.TemporaryDirectory() as folder:
        store = ChromaStore.open(
            RetrievalSettings(), Path(folder), embedder.model_id, embedder.dim, RECIPE
        )
        start = time.perf_counter()
        batch = 5000
        for i in range(0, n, batch):
            chunk = products[i : i + batch]
            texts = [p.title for p in chunk]
            store.upsert(
                chunk,
                vectors[i : i + batch],
                texts,
                [record_hash(p) for p in chunk],
                [text_hash(t) for t in texts],
            )
        store.bump_revision()
        write_s = time.perf_counter() - start
        snapshots = SnapshotFolder(Path(folder) / "snapshots")
        build_snapshot(store, snapshots)
        start = time.perf_counter()
        retriever = retriever_for(snapshots, embedder, RetrievalSettings(refresh_seconds=3600))
        load_s = time.perf_counter() - start
        rng = np.random.default_rng(1)
        queries = vectors[rng.integers(0, n, n_queries)] + 0.3 * rng.standard_normal(
            (n_queries, embedder.dim)
        ).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        filter_sets = [
            SearchFilters(max_price=25),  # about half the catalogue
            SearchFilters(categories=("Category 07",), max_price=60),  # about 2%
            SearchFilters(min_rating=4.5, brands=("Brand 001", "Brand 002", "Brand 003")),
            SearchFilters(min_rating=4.0),
        ]
        latency = latency_block(retriever, store, queries, filter_sets)
        index = retriever.index
        return {
            "products": n,
            "chroma_write_products_per_s": n / write_s,
            "snapshot_load_s": load_s,
            "snapshot_vectors_mb": index.vectors.nbytes / 1e6,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "latency": latency,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-ingest", action="store_true")
    default_out = ROOT / "benchmarks" / "results" / "retrieval.json"
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    if not BEAUTY.exists():
        raise SystemExit(f"{BEAUTY} is missing: the benchmark needs ../shared/data beside the repo")

    import torch

    embedder = HFEmbedder(EmbedderSettings())
    results: dict = {"machine": {"cpus": os.cpu_count(), "torch_threads": torch.get_num_threads()}}
    if not args.skip_ingest:
        print("ingest: bare encoder vs whole pipeline on the beauty catalogue", flush=True)
        results["ingest"] = bench_ingest(embedder, args.repeats)
    print("search latency at 5k (beauty)", flush=True)
    results["beauty"] = bench_beauty_search(embedder, args.queries)
    print(f"search latency at {args.synthetic} synthetic products", flush=True)
    results["synthetic"] = bench_synthetic(embedder, args.synthetic, args.queries)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(report(results))
    print(f"\nwritten to {args.out}")


def report(results: dict) -> str:
    lines = []
    if "ingest" in results:
        ing = results["ingest"]
        lines += [
            f"ingest of {ing['products']} products (median of {len(ing['runs']['bare'])} runs):",
            f"  bare encoder   {ing['bare_products_per_s']:.1f} products/s",
            f"  whole pipeline {ing['pipeline_products_per_s']:.1f} products/s",
            f"  overhead       {ing['overhead'] * 100:+.1f}%",
        ]
    for key in ("beauty", "synthetic"):
        block = results[key]
        lines.append(f"\nsearch, {block['products']} products, k=100 (p50 / p95 ms):")
        for name, stats in block["latency"].items():
            lines.append(f"  {name:28s} {stats['p50_ms']:7.2f} / {stats['p95_ms']:7.2f}")
    syn = results["synthetic"]
    lines.append(
        f"\nsynthetic: Chroma write {syn['chroma_write_products_per_s']:.0f} products/s, snapshot "
        f"load {syn['snapshot_load_s']:.1f} s, vectors {syn['snapshot_vectors_mb']:.0f} MB, "
        f"max RSS {syn['max_rss_mb']:.0f} MB"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
