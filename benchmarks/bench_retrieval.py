"""Retrieval benchmark: ingest speed per encoder with search quality beside it, and search latency.

    python benchmarks/bench_retrieval.py [--beauty-products 5000] [--per-band 200]
        [--synthetic 100000] [--queries 200] [--encoders-only]

1. Ingest at the encoder's limit, all in one run: the whole pipeline (read + validate the file,
   texts, hashes, embed, write a fresh Chroma folder, publish the snapshot) with PyTorch fp32 at
   256 tokens (the pipeline before), fp32 with a 128-token budget, ONNX Runtime int8 (exported
   here from the packaged MiniLM), and int8 with the budget; beside each, NDCG@10 and Recall@10
   of hybrid search for simulated shoppers (eval/simulator.py) on the beauty catalogue (long
   texts) and on the demo catalogue (short titles), and the cosine of each product vector to the
   fp32 one.
2. Search latency on the beauty catalogue: query encoding alone, then retrieval given the query
   vector over the snapshot, unfiltered and filtered, with Chroma's own `where` filtering on the
   same filters as the baseline, all in this process.
3. The same latencies at N synthetic products (default 100,000): random clustered unit vectors
   written straight to Chroma (no encoder), with realistic category/brand/price/rating columns.

Results are printed as a table and written to benchmarks/results/retrieval.json (and the encoder
table to benchmarks/results/retrieval.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from eval import metrics  # noqa: E402
from eval.simulator import simulate_requests  # noqa: E402
from retrieval.catalog import load_catalog  # noqa: E402
from retrieval.config import EmbedderSettings, RetrievalSettings  # noqa: E402
from retrieval.embedder import HFEmbedder  # noqa: E402
from retrieval.factory import retriever_for  # noqa: E402
from retrieval.ingest import update_index  # noqa: E402
from retrieval.popularity import PopularityBands, catalogue_counts  # noqa: E402
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


ENCODERS = {
    "PyTorch fp32, 256 tokens (before)": EmbedderSettings(),
    "PyTorch fp32, 128-token budget": EmbedderSettings(max_length=128),
    "ONNX int8, 256 tokens": EmbedderSettings(backend="onnx-int8"),
    "ONNX int8, 128-token budget": EmbedderSettings(backend="onnx-int8", max_length=128),
    "ONNX int8, 96-token budget": EmbedderSettings(backend="onnx-int8", max_length=96),
}


def quality(
    retriever: Retriever, products: list[Product], per_band: int, seed: int = 0
) -> dict[str, float]:
    """NDCG@10 and Recall@10 of hybrid search for simulated shoppers (eval/simulator.py: one
    wanted product each, head, torso and tail alike)."""
    bands = PopularityBands.from_counts(catalogue_counts(products))
    requests = simulate_requests(products, bands, per_band, seed)
    ndcg, recall = [], []
    for request in requests:
        ranked = [h.product.id for h in retriever.search(request.text, request.filters, 10)]
        ndcg.append(metrics.ndcg_at_k(ranked, {request.target_id}, 10))
        recall.append(metrics.recall_at_k(ranked, {request.target_id}, 10))
    return {"ndcg@10": float(np.mean(ndcg)), "recall@10": float(np.mean(recall)), "n": len(ndcg)}


def bench_encoders(beauty_n: int, per_band: int, models: Path) -> dict:
    """Each encoder through the whole ingest pipeline (read + validate the file, texts, hashes,
    embed, write Chroma, publish the snapshot) into a fresh folder, then search quality with it,
    on the beauty catalogue (long texts) and the demo catalogue (short titles)."""
    from retrieval.demo import demo_products
    from retrieval.factory import local_index, open_embedder

    beauty = load_catalog(BEAUTY).products[:beauty_n]
    texts = [product_text(p) for p in beauty]
    out: dict = {"beauty_products": len(beauty), "variants": {}}
    reference: np.ndarray | None = None
    for name, settings in ENCODERS.items():
        embedder = open_embedder(settings, models)
        embedder.embed(texts[:8])  # load and warm up outside the timing
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            products = load_catalog(BEAUTY).products[:beauty_n]
            snapshots, _ = local_index(Path(folder) / "beauty", embedder, products)
            seconds = time.perf_counter() - start
            retriever = retriever_for(snapshots, embedder)
            beauty_quality = quality(retriever, products, per_band)
            snapshot = retriever.index
            vectors = np.asarray(snapshot.vectors[[snapshot.row_of[p.id] for p in beauty]])
            demo = demo_products()
            demo_snapshots, _ = local_index(Path(folder) / "demo", embedder, demo)
            demo_quality = quality(retriever_for(demo_snapshots, embedder), demo, per_band)
        if reference is None:
            reference = vectors
        cosine = (vectors * reference).sum(axis=1)
        row = {
            "products_per_s": len(products) / seconds,
            "seconds": seconds,
            "beauty": beauty_quality,
            "demo": demo_quality,
            "cosine_to_fp32_mean": float(cosine.mean()),
            "cosine_to_fp32_min": float(cosine.min()),
        }
        out["variants"][name] = row
        print(
            f"  {name}: {row['products_per_s']:.1f} products/s, NDCG@10 beauty "
            f"{beauty_quality['ndcg@10']:.3f}, demo {demo_quality['ndcg@10']:.3f}",
            flush=True,
        )
    return out


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
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--encoders-only", action="store_true", help="skip the latency parts")
    parser.add_argument(
        "--beauty-products", type=int, default=5000, help="ingest at most this many (all: 4,986)"
    )
    parser.add_argument("--per-band", type=int, default=200, help="simulated shoppers per band")
    default_out = ROOT / "benchmarks" / "results" / "retrieval.json"
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    if not BEAUTY.exists():
        raise SystemExit(f"{BEAUTY} is missing: the benchmark needs ../shared/data beside the repo")

    import torch

    embedder = HFEmbedder(EmbedderSettings())
    results: dict = {"machine": {"cpus": os.cpu_count(), "torch_threads": torch.get_num_threads()}}
    if not args.skip_ingest:
        print("ingest: each encoder through the whole pipeline, with search quality", flush=True)
        with tempfile.TemporaryDirectory() as models:
            results["encoders"] = bench_encoders(args.beauty_products, args.per_band, Path(models))
    if not args.encoders_only:
        print("search latency at 5k (beauty)", flush=True)
        results["beauty"] = bench_beauty_search(embedder, args.queries)
        print(f"search latency at {args.synthetic} synthetic products", flush=True)
        results["synthetic"] = bench_synthetic(embedder, args.synthetic, args.queries)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    args.out.with_suffix(".md").write_text(report(results) + "\n")
    print(report(results))
    print(f"\nwritten to {args.out}")


def report(results: dict) -> str:
    lines = []
    if "encoders" in results:
        enc = results["encoders"]
        variants = enc["variants"]
        base = next(iter(variants.values()))
        lines += [
            f"| ingest of {enc['beauty_products']:,} beauty products, whole pipeline | products/s "
            "| speed-up | NDCG@10 beauty (vs before) | NDCG@10 demo, short titles | cosine to fp32 "
            "mean / min |",
            "|---|---|---|---|---|---|",
        ]
        for name, row in variants.items():
            change = row["beauty"]["ndcg@10"] / base["beauty"]["ndcg@10"] - 1
            lines.append(
                f"| {name} | {row['products_per_s']:.1f} | "
                f"{row['products_per_s'] / base['products_per_s']:.2f}x | "
                f"{row['beauty']['ndcg@10']:.3f} ({change * 100:+.1f}%) | "
                f"{row['demo']['ndcg@10']:.3f} | {row['cosine_to_fp32_mean']:.4f} / "
                f"{row['cosine_to_fp32_min']:.4f} |"
            )
    for key in ("beauty", "synthetic"):
        if key not in results:
            continue
        block = results[key]
        lines.append(f"\nsearch, {block['products']} products, k=100 (p50 / p95 ms):")
        for name, stats in block["latency"].items():
            lines.append(f"  {name:28s} {stats['p50_ms']:7.2f} / {stats['p95_ms']:7.2f}")
    if "synthetic" not in results:
        return "\n".join(lines)
    syn = results["synthetic"]
    lines.append(
        f"\nsynthetic: Chroma write {syn['chroma_write_products_per_s']:.0f} products/s, snapshot "
        f"load {syn['snapshot_load_s']:.1f} s, vectors {syn['snapshot_vectors_mb']:.0f} MB, "
        f"max RSS {syn['max_rss_mb']:.0f} MB"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
