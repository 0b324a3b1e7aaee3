"""Scale: ingest and search at a million synthetic products.

    python benchmarks/bench_scale.py [--products 1000000] [--queries 200]

Products (40 categories, 800 brands, prices, ratings, Zipf popularity) and clustered unit vectors
are generated chunk by chunk and written straight to a Chroma folder (no encoder: the encoder's
own speed is measured in bench_retrieval.py), then a searcher opens the index as the server
would. Reported: Chroma write rate; the time to load the in-memory snapshot; memory (RSS) after
writing, after loading, after the first hybrid search; and p50/p95 latency of dense search
(unfiltered: Chroma HNSW; filtered: TailTalk's masks) and of hybrid search (dense + BM25, the
product's default) for the same queries. Chroma's own `where` filtering is left out at this size
(about 1.6 s per query already at 100k).

Writes benchmarks/results/scale.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from retrieval.config import EmbedderSettings, RetrievalSettings  # noqa: E402
from retrieval.embedder import HFEmbedder  # noqa: E402
from retrieval.search import ChromaRetriever  # noqa: E402
from retrieval.store import ChromaStore  # noqa: E402
from retrieval.text import RECIPE, record_hash, text_hash  # noqa: E402
from retrieval.types import Product, SearchFilters  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
WORDS = (
    "soft",
    "compact",
    "classic",
    "premium",
    "travel",
    "organic",
    "wireless",
    "steel",
    "cotton",
    "bamboo",
    "matte",
    "glossy",
    "heavy",
    "light",
    "mini",
    "pro",
)
KINDS = (
    "lamp",
    "mug",
    "serum",
    "backpack",
    "charger",
    "pillow",
    "kettle",
    "shirt",
    "candle",
    "speaker",
    "notebook",
    "blanket",
    "bottle",
    "brush",
    "jacket",
    "scarf",
)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Synthetic:
    """The catalogue's columns up front (small); products and vectors made per chunk."""

    def __init__(self, n: int, dim: int, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.n, self.dim = n, dim
        self.centers = rng.standard_normal((400, dim)).astype(np.float32)
        self.cluster = rng.integers(0, len(self.centers), n)
        self.prices = np.round(np.exp(rng.normal(3.3, 0.9, n)), 2)
        self.ratings = np.clip(np.round(rng.normal(4.2, 0.5, n), 1), 1, 5)
        popularity = (20000 / np.arange(1, n + 1) ** 1.05).astype(int)
        rng.shuffle(popularity)
        self.popularity = popularity

    def chunk(self, start: int, stop: int) -> tuple[list[Product], np.ndarray]:
        rng = np.random.default_rng(start + 1)
        pick = random.Random(start)
        clusters = self.cluster[start:stop]
        vectors = self.centers[clusters] + 0.6 * rng.standard_normal(
            (stop - start, self.dim)
        ).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        products = []
        for offset, i in enumerate(range(start, stop)):
            kind = KINDS[clusters[offset] % len(KINDS)]
            title = f"{pick.choice(WORDS).title()} {pick.choice(WORDS)} {kind} {i}"
            products.append(
                Product(
                    id=f"syn-{i:07d}",
                    title=title,
                    category_path=("Synthetic", f"Category {clusters[offset] % 40:02d}"),
                    brand=f"Brand {pick.randrange(800):03d}",
                    price=float(self.prices[i]) if i % 10 else None,
                    attributes={"Color": pick.choice(("Red", "Blue", "Green", "Black", "White"))},
                    average_rating=float(self.ratings[i]),
                    rating_count=int(self.popularity[i]),
                    popularity=float(self.popularity[i]),
                )
            )
        return products, vectors


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p95_ms": 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--folder", type=Path, help="keep the index here (default: a temp dir)")
    args = parser.parse_args()
    embedder = HFEmbedder(EmbedderSettings())
    data = Synthetic(args.products, embedder.dim)
    result: dict = {"products": args.products, "rss_mb": {"start": rss_mb()}}
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.folder or Path(scratch)
        store = ChromaStore.open(
            RetrievalSettings(), folder, embedder.model_id, embedder.dim, RECIPE
        )
        started = time.perf_counter()
        batch = 5000
        for start in range(0, args.products, batch):
            products, vectors = data.chunk(start, min(args.products, start + batch))
            texts = [p.title for p in products]
            store.upsert(
                products,
                vectors,
                texts,
                [record_hash(p) for p in products],
                [text_hash(t) for t in texts],
            )
            if (start // batch) % 20 == 0:
                done = start + len(products)
                rate = done / (time.perf_counter() - started)
                print(f"  wrote {done:,} products ({rate:,.0f}/s)", flush=True)
        store.bump_revision()
        write_s = time.perf_counter() - started
        result["chroma_write_products_per_s"] = args.products / write_s
        result["rss_mb"]["after_write"] = rss_mb()
        print(f"written in {write_s:.0f} s; loading the snapshot", flush=True)

        started = time.perf_counter()
        retriever = ChromaRetriever(store, embedder, refresh_seconds=3600)
        result["snapshot_load_s"] = time.perf_counter() - started
        result["rss_mb"]["after_snapshot"] = rss_mb()
        index = retriever.index
        started = time.perf_counter()
        index.lexical.scores("warm up")
        result["bm25_build_s"] = time.perf_counter() - started
        result["rss_mb"]["after_bm25"] = rss_mb()
        print(
            f"snapshot {result['snapshot_load_s']:.0f} s, bm25 {result['bm25_build_s']:.0f} s",
            flush=True,
        )

        rng = np.random.default_rng(1)
        picked = rng.integers(0, args.products, args.queries)
        vectors = data.centers[data.cluster[picked]] + 0.7 * rng.standard_normal(
            (args.queries, embedder.dim)
        ).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        texts = [
            f"{random.Random(int(i)).choice(WORDS)} {KINDS[data.cluster[i] % len(KINDS)]}"
            for i in picked
        ]
        filters = [
            SearchFilters(),
            SearchFilters(max_price=25),  # about half
            SearchFilters(categories=("Category 07",), max_price=60),  # about 2%
            SearchFilters(min_rating=4.5, brands=("Brand 001", "Brand 002", "Brand 003")),
        ]
        latency: dict[str, dict[str, float]] = {}
        for mode, weight in (("dense", 0.0), ("hybrid", 0.5)):
            retriever.lexical_weight = weight
            for name, chosen in (("unfiltered", filters[:1]), ("filtered", filters[1:])):
                samples = []
                for q, (vector, text) in enumerate(zip(vectors, texts, strict=True)):
                    f = chosen[q % len(chosen)]
                    began = time.perf_counter()
                    retriever.search_vector(vector, f, 100, index, text=text if weight else None)
                    samples.append(time.perf_counter() - began)
                latency[f"{mode} {name}"] = percentiles(samples)
                print(f"  {mode} {name}: {latency[f'{mode} {name}']}", flush=True)
        result["latency"] = latency
        result["rss_mb"]["after_search"] = rss_mb()
        result["vectors_mb"] = index.vectors.nbytes / 1e6
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"| {args.products:,} synthetic products | p50 ms | p95 ms |",
        "|---|---|---|",
        *[f"| {name} | {v['p50_ms']:.1f} | {v['p95_ms']:.1f} |" for name, v in latency.items()],
    ]
    mem = result["rss_mb"]
    text = "\n".join(lines) + (
        f"\n\nChroma write {result['chroma_write_products_per_s']:,.0f} products/s; snapshot "
        f"load {result['snapshot_load_s']:.0f} s; BM25 index {result['bm25_build_s']:.0f} s; "
        f"vectors {result['vectors_mb']:,.0f} MB; RSS after writing {mem['after_write']:,.0f} MB, "
        f"after the snapshot {mem['after_snapshot']:,.0f} MB, after BM25 {mem['after_bm25']:,.0f} "
        f"MB, after searching {mem['after_search']:,.0f} MB."
    )
    (RESULTS / "scale.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
