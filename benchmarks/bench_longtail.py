"""Long-tail benchmark: simulated shoppers on the shared beauty catalogue, all policies compared.

    python benchmarks/bench_longtail.py [--per-band 200] [--k 10] [--seed 0] [--check-seeds 1 2 3]

Shoppers come from eval/simulator.py (one target each, equal numbers of head, torso and tail
targets). All runs share one index, one set of query vectors and the same top-N candidates per
shopper, in one process: baselines (popularity, BM25 via bm25s, dense retrieval without the lexical
half), hybrid retrieval without re-ranking (`none`, the reference for the goals) and each re-ranker
over the same hybrid candidates, the tunable ones over a sweep (lambda for mmr, xquad and
calibrated; the tail boost for exposure). The exposure policy's ledger starts empty and fills as
the shoppers arrive one after another, as it would in a shop.

The settings were tuned on seed 0; `--check-seeds` draws fresh shoppers with other seeds and
reports the goals for `none` against the default policy on each, so the README can say how well
the choice holds on shoppers it was not tuned on.

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
from retrieval.factory import local_index, retriever_for  # noqa: E402
from retrieval.pipeline import TailSearch  # noqa: E402
from retrieval.popularity import Band, PopularityBands, catalogue_counts  # noqa: E402
from retrieval.rerank import ExposureLedger, NoRerank, RerankContext  # noqa: E402
from retrieval.rerank.factory import build_reranker  # noqa: E402
from retrieval.search import Retriever  # noqa: E402
from retrieval.types import Product  # noqa: E402

BEAUTY = ROOT.parent / "shared" / "data" / "amazon_beauty" / "meta_All_Beauty.jsonl"
RESULTS = ROOT / "benchmarks" / "results"
TUNABLE = ("mmr", "xquad", "calibrated", "exposure")
SWEEPS = {
    "mmr": (0.1, 0.3, 0.5, 0.7, 0.9),
    "xquad": (0.1, 0.3, 0.5, 0.7, 0.9),
    "calibrated": (0.1, 0.3, 0.5, 0.7, 0.9),
    "exposure": (0.0, 0.3, 0.6, 0.9, 1.2),
}
SWEEP_LABEL = {"lam": "λ", "tail_boost": "tail boost"}

Lists = list[list[str]]


def evaluate(
    name: str,
    lists: Lists,
    requests: Sequence[SimulatedRequest],
    bands: PopularityBands,
    retriever: Retriever,
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
    parser.add_argument("--check-seeds", type=int, nargs="*", default=[1, 2, 3])
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
    folder, report = local_index(args.index, embedder, products)
    print(report.summary(), flush=True)
    hybrid = retriever_for(folder, embedder, RetrievalSettings())
    dense = retriever_for(folder, embedder, RetrievalSettings(lexical_weight=0.0))
    bench = Bench(products, bands, embedder, hybrid, dense, settings, args.per_band, k)

    rows = bench.run_all(args.seed)
    summary = goals(rows)
    checks = []
    for seed in args.check_seeds:
        checked = goals(bench.run_goal_pair(seed))
        checks.append({"seed": seed, **checked})
        print(f"seed {seed}: {checked['text']}", flush=True)

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "longtail.json").write_text(
        json.dumps(
            {
                "shoppers": len(bench.requests),
                "k": k,
                "seed": args.seed,
                "rows": rows,
                "goals": summary,
                "check_seeds": checks,
            },
            indent=2,
        )
    )
    table = markdown(rows, k) + "\n\n" + summary["text"]
    if checks:
        table += "\n\nOn shoppers drawn with other seeds (the settings were not tuned on them):\n"
        table += "\n".join(f"- seed {c['seed']}: {c['text']}" for c in checks)
    (RESULTS / "longtail.md").write_text(table + "\n")
    plot(rows, k, RESULTS / "longtail.png")
    print(table)


class Bench:
    """One catalogue, index and embedder; shoppers drawn per seed; every policy on the same
    candidates."""

    def __init__(
        self,
        products: Sequence[Product],
        bands: PopularityBands,
        embedder: HFEmbedder,
        hybrid: Retriever,
        dense: Retriever,
        settings: RerankSettings,
        per_band: int,
        k: int,
    ) -> None:
        self.products = products
        self.bands = bands
        self.embedder = embedder
        self.hybrid = hybrid
        self.dense = dense
        self.settings = settings
        self.per_band = per_band
        self.k = k
        self.search = TailSearch(hybrid, bands, NoRerank(), settings.floor, settings.candidates)
        self.requests: list[SimulatedRequest] = []

    def draw(self, seed: int) -> None:
        self.requests = simulate_requests(self.products, self.bands, self.per_band, seed)
        print(f"{len(self.requests)} shoppers (seed {seed}): {self.requests[0].text!r}", flush=True)
        vectors = self.embedder.embed([r.text for r in self.requests])
        pairs = list(zip(vectors, self.requests, strict=True))
        self.candidates = [self.search.candidates(r.text, v, r.filters) for v, r in pairs]
        self.vectors = vectors

    def evaluate(self, name: str, lists: Lists, seconds: float) -> dict:
        return evaluate(name, lists, self.requests, self.bands, self.hybrid, self.k, seconds)

    def run_goal_pair(self, seed: int) -> list[dict]:
        self.draw(seed)
        return [self.run_policy("none", self.settings), self.run_policy("default", self.settings)]

    def run_all(self, seed: int) -> list[dict]:
        self.draw(seed)
        k, requests, index = self.k, self.requests, self.hybrid.index
        rows = []
        # Popularity: the most popular products that pass the same hard filters.
        by_popularity = sorted(index.row_of, key=lambda pid: -self.bands.counts.get(pid, 0.0))
        lists, seconds = timed_lists(
            lambda i: [
                pid
                for pid in by_popularity
                if requests[i].filters.admits(index.products[index.row_of[pid]])
            ][:k],
            len(requests),
        )
        rows.append(self.evaluate("popularity", lists, seconds))

        def bm25_list(i: int) -> list[str]:
            scores = index.lexical.scores(requests[i].text)
            admits = requests[i].filters.admits
            ranked = (index.products[j] for j in np.argsort(-scores, kind="stable"))
            return [p.id for p in ranked if admits(p)][:k]

        lists, seconds = timed_lists(bm25_list, len(requests))
        rows.append(self.evaluate("bm25", lists, seconds))

        def dense_list(i: int) -> list[str]:
            hits = self.dense.search_vector(self.vectors[i], requests[i].filters, k)
            return [h.product.id for h in hits]

        lists, seconds = timed_lists(dense_list, len(requests))
        rows.append(self.evaluate("dense", lists, seconds))

        rows.append(self.run_policy("none", self.settings))
        for name in TUNABLE:
            for value in SWEEPS[name]:
                field = "tail_boost" if name == "exposure" else "lam"
                swept = self.settings.model_copy(update={field: value})
                rows.append(self.run_policy(name, swept, f"{name} {SWEEP_LABEL[field]}={value}"))
        rows.append(self.run_policy("default", self.settings))
        return rows

    def run_policy(self, name: str, settings: RerankSettings, label: str | None = None) -> dict:
        policy_name = settings.policy if name == "default" else name
        label = label or (f"default: {describe(settings)}" if name == "default" else name)
        with tempfile.TemporaryDirectory() as folder:
            ledger = ExposureLedger(Path(folder) / "ledger.sqlite")
            policy = build_reranker(settings, ledger, policy_name)

            def one(i: int) -> list[str]:
                r = self.requests[i]
                context = RerankContext(session_id=r.session_id)
                ranked = self.search.rank(self.candidates[i], r.filters, self.k, context, policy)
                ledger.record((x.candidate.product.id, x.rank) for x in ranked)
                return [x.candidate.product.id for x in ranked]

            lists, seconds = timed_lists(one, len(self.requests))
        row = self.evaluate(label, lists, seconds)
        row["policy"] = policy_name
        print(f"  {label:32s} ndcg {row['ndcg']:.3f} tail {row['tail_share']:.3f}", flush=True)
        return row


def describe(settings: RerankSettings) -> str:
    if settings.policy == "exposure":
        return (
            f"exposure (tail boost {settings.tail_boost}, freshness {settings.freshness}, "
            f"lead {settings.lead})"
        )
    return f"{settings.policy} λ={settings.lam}"


def goals(rows: list[dict]) -> dict:
    base = next(r for r in rows if r["name"] == "none")
    chosen = next(r for r in rows if r["name"].startswith("default"))
    tail_gain = (chosen["tail_share"] - base["tail_share"]) * 100
    ndcg_loss = (1 - chosen["ndcg"] / base["ndcg"]) * 100
    gini_cut = (1 - chosen["gini"] / base["gini"]) * 100
    text = (
        f"Default policy ({chosen['name'].removeprefix('default: ')}) against `none` (hybrid "
        f"retrieval, no re-ranking): tail share {tail_gain:+.1f} points (goal ≥ +25), NDCG@10 "
        f"{-ndcg_loss:+.1f}% relative (goal ≥ -5%), exposure Gini {-gini_cut:+.1f}% "
        f"(goal ≤ -30%)."
    )
    return {
        "tail_share_gain_points": tail_gain,
        "ndcg_loss_percent": ndcg_loss,
        "gini_cut_percent": gini_cut,
        "met": tail_gain >= 25 and ndcg_loss <= 5 and gini_cut >= 30,
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
        sweep = [r for r in rows if r.get("policy") == name and r["name"].startswith(name + " ")]
        values = SWEEPS[name]
        what = "tail boost" if name == "exposure" else "λ"
        ax.plot(
            [r["tail_share"] for r in sweep],
            [r["ndcg"] for r in sweep],
            marker="o",
            label=f"{name} ({what} {values[0]}→{values[-1]})",
        )
    for r in rows:
        if r.get("policy") in (None, "none"):
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
    ax.set_title(
        "Simulated shoppers, Amazon beauty catalogue: ranking quality vs tail share", fontsize=10
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
