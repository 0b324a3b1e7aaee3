"""Scale: the search snapshot at a million synthetic products, in 1 and 2 worker processes.

    python benchmarks/bench_scale.py [--products 1000000] [--queries 200] [--folder DIR]

Products (40 categories, 800 brands, prices, ratings, Zipf popularity, a colour) and clustered
384-d unit vectors are generated chunk by chunk and written by the snapshot writer that ingest
uses (no encoder and no Chroma here: the encoder's speed is in bench_retrieval.py, Chroma's write
rate in the README). Then, in one run:

1. one worker process, then two at once (`tailtalk serve --workers 2` shape: each its own process
   with the real embedder, both mapping the same snapshot files), each opening the snapshot and
   searching the same queries: open time, p50/p95 of dense and hybrid search, unfiltered and
   filtered (given the query vector; query encoding is timed on its own), and memory:
   RSS split into private memory (RssAnon, what each extra worker costs) and the file pages it
   maps (RssFile, shared by every worker through the page cache);
2. recall@100 of the inverted-list search against exact scoring of the same allowed rows.

Writes benchmarks/results/scale.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from retrieval.snapshot_writer import SnapshotWriter  # noqa: E402
from retrieval.text import RECIPE, product_text  # noqa: E402
from retrieval.types import Product, SearchFilters  # noqa: E402
from retrieval.versions import SnapshotFolder  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
DIM = 384
MODEL = "sentence-transformers/all-MiniLM-L6-v2"
WORDS = "soft compact classic premium travel organic wireless steel cotton bamboo matte glossy "
WORDS += "heavy light mini pro"
KINDS = "lamp mug serum backpack charger pillow kettle shirt candle speaker notebook blanket "
KINDS += "bottle brush jacket scarf"
FILTERS = {
    "max price $25 (about half)": SearchFilters(max_price=25),
    "one category under $60 (about 2%)": SearchFilters(categories=("Category 07",), max_price=60),
    "three brands, rating >= 4.5": SearchFilters(
        min_rating=4.5, brands=("Brand 001", "Brand 002", "Brand 003")
    ),
}


def memory_mb() -> dict[str, float]:
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM"):
            out[name] = int(value.split()[0]) / 1024
    return out


class Synthetic:
    """The catalogue's columns up front (small); products and vectors made per chunk."""

    def __init__(self, n: int, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.n = n
        self.centers = rng.standard_normal((400, DIM)).astype(np.float32)
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
        vectors = self.centers[clusters] + 0.6 * rng.standard_normal((stop - start, DIM)).astype(
            np.float32
        )
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        words, kinds = WORDS.split(), KINDS.split()
        products = []
        for offset, i in enumerate(range(start, stop)):
            kind = kinds[clusters[offset] % len(kinds)]
            products.append(
                Product(
                    id=f"syn-{i:07d}",
                    title=f"{pick.choice(words).title()} {pick.choice(words)} {kind} {i}",
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

    def queries(self, count: int) -> tuple[np.ndarray, list[str]]:
        rng = np.random.default_rng(1)
        picked = rng.integers(0, self.n, count)
        vectors = self.centers[self.cluster[picked]] + 0.7 * rng.standard_normal(
            (count, DIM)
        ).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        kinds = KINDS.split()
        texts = [
            f"{random.Random(int(i)).choice(WORDS.split())} {kinds[self.cluster[i] % len(kinds)]}"
            for i in picked
        ]
        return vectors, texts


def build(folder: SnapshotFolder, n: int) -> dict:
    data = Synthetic(n)
    build_dir = folder.new_build()
    writer = SnapshotWriter(build_dir, DIM, MODEL, RECIPE, "bench")
    started = time.perf_counter()
    for start in range(0, n, 10_000):
        products, vectors = data.chunk(start, min(n, start + 10_000))
        writer.add(
            [p.id for p in products],
            [p.model_dump_json() for p in products],
            [product_text(p) for p in products],
            vectors,
        )
        if start % 200_000 == 0:
            print(f"  staged {start + len(products):,} products", flush=True)
    staged = time.perf_counter() - started
    print("  finishing (inverted lists, columns, BM25)", flush=True)
    writer.finish()
    folder.publish(build_dir)
    total = time.perf_counter() - started
    size = sum(p.stat().st_size for p in (folder.root / str(folder.current_name())).iterdir())
    return {"stage_s": staged, "build_s": total, "disk_mb": size / 1e6}


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p95_ms": 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
    }


def worker(folder: Path, queries: Path, probe_lists: int) -> None:
    """One searching process, as a server worker: the real embedder, the mapped snapshot."""
    from retrieval.config import EmbedderSettings
    from retrieval.embedder import HFEmbedder
    from retrieval.search import LiveSnapshot, SnapshotRetriever

    memory = {"start": memory_mb()}
    embedder = HFEmbedder(EmbedderSettings())
    memory["embedder"] = memory_mb()
    started = time.perf_counter()
    live = LiveSnapshot(SnapshotFolder(folder), 3600, probe_lists)
    open_s = time.perf_counter() - started
    memory["opened"] = memory_mb()
    loaded = np.load(queries)
    vectors, texts = loaded["vectors"], [str(t) for t in loaded["texts"]]
    encode = []
    for text in texts[:50]:
        began = time.perf_counter()
        embedder.embed([text])
        encode.append(time.perf_counter() - began)
    retriever = SnapshotRetriever(live, embedder)
    index = retriever.index
    started = time.perf_counter()
    retriever.search_vector(vectors[0], FILTERS["max price $25 (about half)"], 100, index, texts[0])
    first_s = time.perf_counter() - started
    latency = {}
    for mode, weight in (("dense", 0.0), ("hybrid", 0.5)):
        retriever.lexical_weight = weight
        for name, chosen in (("unfiltered", [None]), ("filtered", list(FILTERS.values()))):
            samples = []
            for q, (vector, text) in enumerate(zip(vectors, texts, strict=True)):
                began = time.perf_counter()
                retriever.search_vector(
                    vector, chosen[q % len(chosen)], 100, index, text if weight else None
                )
                samples.append(time.perf_counter() - began)
            latency[f"{mode} {name}"] = percentiles(samples)
    # The baseline: exact scoring of every allowed row (what a catalogue below ivf_min_rows gets).
    for name, chosen in (("unfiltered", [None]), ("filtered", list(FILTERS.values()))):
        samples = []
        for q, vector in enumerate(vectors):
            f = chosen[q % len(chosen)]
            began = time.perf_counter()
            index.dense.top(vector, None if f is None else index.mask(f), 100, exact=True)
            samples.append(time.perf_counter() - began)
        latency[f"baseline: dense {name}, exact scan"] = percentiles(samples)
    memory["searched"] = memory_mb()
    result = {
        "open_s": open_s,
        "first_search_s": first_s,
        "query_encoding": percentiles(encode),
        "latency": latency,
        "memory_mb": memory,
    }
    print("RESULT " + json.dumps(result), flush=True)


def run_workers(count: int, folder: Path, queries: Path, probe_lists: int) -> list[dict]:
    command = [sys.executable, __file__, "--worker", "--folder", str(folder)]
    command += ["--queries-file", str(queries), "--probe-lists", str(probe_lists)]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(count)]
    results = []
    for process in processes:
        out, _ = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"a worker failed:\n{out}")
        line = next(x for x in out.splitlines() if x.startswith("RESULT "))
        results.append(json.loads(line[len("RESULT ") :]))
    return results


def recall(folder: SnapshotFolder, vectors: np.ndarray, probe_lists: int) -> dict[str, float]:
    """Share of the exact top 100 (same allowed rows) that the inverted-list search returns."""
    snapshot = folder.open_current(probe_lists)
    assert snapshot is not None
    out = {}
    for name, filters in {"unfiltered": None, **FILTERS}.items():
        mask = None if filters is None else snapshot.mask(filters)
        shares = []
        for vector in vectors[:100]:
            fast, _ = snapshot.dense.top(vector, mask, 100)
            exact, _ = snapshot.dense.top(vector, mask, 100, exact=True)
            shares.append(len(set(fast.tolist()) & set(exact.tolist())) / max(1, len(exact)))
        out[name] = float(np.mean(shares))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--probe-lists", type=int, default=32)
    parser.add_argument("--folder", type=Path, help="keep the snapshot here (default: a temp dir)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--queries-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.folder, args.queries_file, args.probe_lists)
        return
    with tempfile.TemporaryDirectory() as scratch:
        root = args.folder or Path(scratch) / "snapshots"
        folder = SnapshotFolder(root)
        result: dict = {"products": args.products, "probe_lists": args.probe_lists}
        snapshot = folder.open_current() if folder.current_name() else None
        if snapshot is None or len(snapshot) != args.products:
            print(f"writing a snapshot of {args.products:,} products", flush=True)
            result["build"] = build(folder, args.products)
        vectors, texts = Synthetic(args.products).queries(args.queries)
        queries = Path(scratch) / "queries.npz"
        np.savez(queries, vectors=vectors, texts=np.asarray(texts))
        for count in (1, 2):
            print(f"searching in {count} worker process(es)", flush=True)
            load_before = os.getloadavg()[0]
            result[f"workers_{count}"] = run_workers(count, root, queries, args.probe_lists)
            # Other work on the machine shows here: a load above the cores means shared CPUs.
            result[f"load_average_{count}"] = [load_before, os.getloadavg()[0]]
        result["recall_at_100"] = recall(folder, vectors, args.probe_lists)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "scale.md").write_text(report(result) + "\n")
    print(report(result))


def searching_mb(w: dict) -> str:
    memory = w["memory_mb"]
    return f"{memory['searched']['RssAnon'] - memory['embedder']['RssAnon']:,.0f} MB"


def report(result: dict) -> str:
    one, two = result["workers_1"][0], result["workers_2"]
    lines = [
        f"| {result['products']:,} synthetic products, k = 100 | 1 worker p50 / p95 ms | "
        "2 workers (each) p50 / p95 ms |",
        "|---|---|---|",
    ]
    for name, stats in one["latency"].items():
        each = " · ".join(
            f"{w['latency'][name]['p50_ms']:.1f} / {w['latency'][name]['p95_ms']:.1f}" for w in two
        )
        lines.append(f"| {name} | {stats['p50_ms']:.1f} / {stats['p95_ms']:.1f} | {each} |")
    enc = one["query_encoding"]
    lines.append(f"| query encoding (MiniLM) | {enc['p50_ms']:.1f} / {enc['p95_ms']:.1f} | |")
    lines += ["", "| per worker process | 1 worker | 2 workers (each) |", "|---|---|---|"]

    def row(label: str, value) -> str:
        return f"| {label} | {value(one)} | {' · '.join(value(w) for w in two)} |"

    lines += [
        row("snapshot open", lambda w: f"{w['open_s']:.2f} s"),
        row("first search (cold)", lambda w: f"{1000 * w['first_search_s']:.0f} ms"),
        row(
            "private memory (RssAnon) after searching",
            lambda w: f"{w['memory_mb']['searched']['RssAnon']:,.0f} MB",
        ),
        row("of it: snapshot + searching (minus the embedder)", searching_mb),
        row(
            "mapped snapshot pages (RssFile, shared)",
            lambda w: f"{w['memory_mb']['searched']['RssFile']:,.0f} MB",
        ),
    ]
    lines.append(
        f"\nMachine: {os.cpu_count()} cores; 1-minute load average before / after the 1-worker "
        f"run {result['load_average_1'][0]:.1f} / {result['load_average_1'][1]:.1f}, the "
        f"2-worker run {result['load_average_2'][0]:.1f} / {result['load_average_2'][1]:.1f}."
    )
    rec = result["recall_at_100"]
    lines += [
        "",
        "Recall@100 of the inverted-list search against exact scoring of the same allowed rows: "
        + ", ".join(f"{name} {value:.3f}" for name, value in rec.items())
        + f" (probe at least {result['probe_lists']} lists).",
    ]
    if "build" in result:
        b = result["build"]
        lines.append(
            f"Snapshot written in {b['build_s']:.0f} s ({b['stage_s']:.0f} s of it generating and "
            f"staging rows); {b['disk_mb']:,.0f} MB on disk."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
