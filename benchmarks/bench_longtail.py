"""Long-tail benchmark: simulated shoppers on the shared beauty catalogue, all policies compared.

    python benchmarks/bench_longtail.py [--per-band 200] [--k 10]

Shoppers come from eval/simulator.py (one target each, equal numbers of head, torso and tail
targets). All runs share one index, one set of query vectors and the same top-N candidates per
shopper, in one process: baselines (popularity, BM25 via bm25s, dense retrieval) and each re-ranker,
the tunable ones over a sweep of lambda. The exposure policy's ledger starts empty and fills as the
shoppers arrive one after another, as it would in a shop.

Writes benchmarks/results/longtail.{json,md,png}: the table, and NDCG@k against tail share.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from eval import metrics as m  # noqa: E402
from eval.simulator import SimulatedRequest, simulate_requests  # noqa: E402
from retrieval.catalog import load_catalog  # noqa: E402
from retrieval.config import EmbedderSettings, RerankSettings, RetrievalSettings  # noqa: E402
from retrieval.embedder import HFEmbedder  # noqa: E402
from retrieval.ingest import ingest  # noqa: E402
from retrieval.pipeline import TailSearch  # noqa: E402
from retrieval.popularity import Band, PopularityBands, catalogue_counts  # noqa: E402
from retrieval.rerank import ExposureLedger, NoRerank, RerankContext  # noqa: E402
from retrieval.rerank.factory import build_reranker  # noqa: E402
from retrieval.search import ChromaRetriever  # noqa: E402
from retrieval.store import ChromaStore  # noqa: E402
from retrieval.text import RECIPE, product_text  # noqa: E402

BEAUTY = ROOT.parent / "shared" / "data" / "amazon_beauty" / "meta_All_Beauty.jsonl"
RESULTS = ROOT / "benchmarks" / "results"
SWEEP = (0.1, 0.3, 0.5, 0.7, 0.9)
TUNABLE = ("mmr", "xquad", "calibrated", "exposure")

Lists = list[list[str]]


def evaluate(
    name: str,
    lists: Lists,
    requests: Sequence[SimulatedRequest],
    bands: PopularityBands,
    retriever: ChromaRetriever,
    k: int,
    seconds: float,
) -> dict:
    tail = bands.members(Band.TAIL)
    index = retriever.index
    catalogue = list(index.row_of)
    row = {"name": name, "ms_per_list": 1000 * seconds / max(len(lists), 1)}
    per = {
        "ndcg": [
            m.ndcg_at_k(ranked, {r.target_id}, k) for ranked, r in zip(lists, requests, strict=True)
        ],
        "recall": [
            m.recall_at_k(ranked, {r.target_id}, k)
            for ranked, r in zip(lists, requests, strict=True)
        ],
        "mrr": [m.mrr(ranked, {r.target_id}, k) for ranked, r in zip(lists, requests, strict=True)],
        "tail_share": [m.tail_share(ranked, tail, k) for ranked in lists],
        "arp": [m.average_popularity(ranked, bands.counts, k) for ranked in lists],
        "novelty": [m.novelty(ranked, bands.counts, k) for ranked in lists],
        "ild": [
            m.intra_list_diversity(index.vectors[[index.row_of[p] for p in ranked[:k]]])
            for ranked in lists
        ],
    }
    row.update({key: float(np.mean(values)) for key, values in per.items()})
    row["coverage"] = m.coverage(lists, len(catalogue), k)
    row["gini"] = m.exposure_gini(lists, catalogue, k)
    for band in (Band.HEAD, Band.TORSO, Band.TAIL):
        chosen = [i for i, r in enumerate(requests) if r.target_band is band]
        row[f"ndcg_{band.value}"] = float(np.mean([per["ndcg"][i] for i in chosen]))
    return row


def timed_lists(make: Callable[[int], list[str]], n: int) -> tuple[Lists, float]:
    start = time.perf_counter()
    lists = [make(i) for i in range(n)]
    return lists, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-band", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--index", type=Path, default=ROOT / "data" / "bench" / "beauty-chroma")
    args = parser.parse_args()
    if not BEAUTY.exists():
        raise SystemExit(f"{BEAUTY} is missing: the benchmark needs ../shared/data beside the repo")
    k = args.k
    settings = RerankSettings()

    products = load_catalog(BEAUTY).products
    bands = PopularityBands.from_counts(
        catalogue_counts(products), settings.head_share, settings.torso_share
    )
    embedder = HFEmbedder(EmbedderSettings())
    store = ChromaStore.open(
        RetrievalSettings(), args.index, embedder.model_id, embedder.dim, RECIPE
    )
    print(ingest(products, store, embedder).summary(), flush=True)
    retriever = ChromaRetriever(store, embedder)
    requests = simulate_requests(products, bands, args.per_band, args.seed)
    print(f"{len(requests)} simulated shoppers; e.g. {requests[0].text!r}", flush=True)

    vectors = embedder.embed([r.text for r in requests])
    search = TailSearch(retriever, bands, NoRerank(), settings.floor, settings.candidates)
    candidates = [search.candidates(v, r.filters) for v, r in zip(vectors, requests, strict=True)]
    rows = []

    # Baselines. Popularity: the most popular products that pass the same hard filters.
    index = retriever.index
    by_popularity = sorted(index.row_of, key=lambda pid: -bands.counts.get(pid, 0.0))
    popular, seconds = timed_lists(
        lambda i: [
            pid
            for pid in by_popularity
            if requests[i].filters.admits(index.products[index.row_of[pid]])
        ][:k],
        len(requests),
    )
    rows.append(evaluate("popularity", popular, requests, bands, retriever, k, seconds))

    import bm25s

    texts = [product_text(p) for p in index.products]
    bm25 = bm25s.BM25()
    bm25.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)

    def bm25_list(i: int) -> list[str]:
        tokens = bm25s.tokenize([requests[i].text], stopwords="en", show_progress=False)
        found, _ = bm25.retrieve(tokens, k=min(1000, len(texts)), show_progress=False)
        ids = [index.products[j].id for j in found[0]]
        admits = requests[i].filters.admits
        return [pid for pid in ids if admits(index.products[index.row_of[pid]])][:k]

    lists, seconds = timed_lists(bm25_list, len(requests))
    rows.append(evaluate("bm25", lists, requests, bands, retriever, k, seconds))

    def run_policy(label: str, policy_name: str, lam: float | None) -> None:
        with tempfile.TemporaryDirectory() as folder:
            ledger = ExposureLedger(Path(folder) / "ledger.sqlite")
            policy = build_reranker(settings, ledger, policy_name, lam)

            def one(i: int) -> list[str]:
                r = requests[i]
                ranked = search.rank(
                    candidates[i], r.filters, k, RerankContext(session_id=r.session_id), policy
                )
                ledger.record((x.candidate.product.id, x.rank) for x in ranked)
                return [x.candidate.product.id for x in ranked]

            lists, seconds = timed_lists(one, len(requests))
        row = evaluate(label, lists, requests, bands, retriever, k, seconds)
        row.update({"policy": policy_name, "lam": lam})
        rows.append(row)
        print(f"  {label:18s} ndcg {row['ndcg']:.3f} tail {row['tail_share']:.3f}", flush=True)

    run_policy("dense (none)", "none", None)
    for name in TUNABLE:
        for lam in SWEEP:
            run_policy(f"{name} λ={lam}", name, lam)
    run_policy(f"default: {settings.policy} λ={settings.lam}", settings.policy, settings.lam)

    RESULTS.mkdir(parents=True, exist_ok=True)
    summary = goals(rows)
    (RESULTS / "longtail.json").write_text(
        json.dumps({"shoppers": len(requests), "k": k, "rows": rows, "goals": summary}, indent=2)
    )
    table = markdown(rows, k) + "\n\n" + summary["text"]
    (RESULTS / "longtail.md").write_text(table + "\n")
    plot(rows, k, RESULTS / "longtail.png")
    print(table)


def goals(rows: list[dict]) -> dict:
    base = next(r for r in rows if r["name"] == "dense (none)")
    chosen = next(r for r in rows if r["name"].startswith("default"))
    tail_gain = (chosen["tail_share"] - base["tail_share"]) * 100
    ndcg_loss = (1 - chosen["ndcg"] / base["ndcg"]) * 100
    gini_cut = (1 - chosen["gini"] / base["gini"]) * 100
    text = (
        f"Default policy ({chosen['name']}) against dense retrieval without re-ranking: "
        f"tail share {tail_gain:+.1f} points (goal ≥ +25), NDCG loss {ndcg_loss:.1f}% relative "
        f"(goal ≤ 5%), exposure Gini cut {gini_cut:.1f}% (goal ≥ 30%)."
    )
    return {
        "tail_share_gain_points": tail_gain,
        "ndcg_loss_percent": ndcg_loss,
        "gini_cut_percent": gini_cut,
        "text": text,
    }


def markdown(rows: list[dict], k: int) -> str:
    head = (
        f"| run | NDCG@{k} | Recall@{k} | MRR | tail share | ARP | coverage | Gini | novelty | ILD "
        "| NDCG head / torso / tail targets | ms/list |"
    )
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['ndcg']:.3f} | {r['recall']:.3f} | {r['mrr']:.3f} "
            f"| {r['tail_share']:.3f} | {r['arp']:.0f} | {r['coverage']:.3f} | {r['gini']:.3f} "
            f"| {r['novelty']:.2f} | {r['ild']:.3f} "
            f"| {r['ndcg_head']:.3f} / {r['ndcg_torso']:.3f} / {r['ndcg_tail']:.3f} "
            f"| {r['ms_per_list']:.2f} |"
        )
    return "\n".join(lines)


def plot(rows: list[dict], k: int, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.5))
    for name in TUNABLE:
        sweep = [r for r in rows if r.get("policy") == name and not r["name"].startswith("default")]
        ax.plot(
            [r["tail_share"] for r in sweep],
            [r["ndcg"] for r in sweep],
            marker="o",
            label=f"{name} (λ {SWEEP[0]}→{SWEEP[-1]})",
        )
    for r in rows:
        if r.get("policy") is None or r["name"] == "dense (none)":
            ax.scatter(r["tail_share"], r["ndcg"], marker="s", s=60, color="dimgray", zorder=3)
            ax.annotate(
                r["name"], (r["tail_share"], r["ndcg"]), textcoords="offset points", xytext=(5, 5)
            )
    chosen = next(r for r in rows if r["name"].startswith("default"))
    ax.scatter(
        chosen["tail_share"],
        chosen["ndcg"],
        marker="*",
        s=250,
        color="black",
        zorder=4,
        label=chosen["name"],
    )
    ax.set_xlabel(f"tail share of the top {k}")
    ax.set_ylabel(f"NDCG@{k}")
    ax.set_title("Simulated shoppers, Amazon beauty catalogue: ranking quality vs tail share")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
