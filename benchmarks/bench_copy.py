"""Does indexing generated product copy help shoppers find long-tail products?

    python benchmarks/bench_copy.py [--per-band 200] [--seed 0]

On the shared beauty catalogue: template copy (agent/copywriter.py, facts from the record only)
is written for every long-tail product with thin text, and indexed as extra retrieval text in a
copy of the benchmark index. The same simulated shoppers (eval/simulator.py) search both indexes,
dense-only and hybrid, without re-ranking; Recall@10 and NDCG@10 are reported per target band.
Writes benchmarks/results/copy.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from agent.copywriting import (  # noqa: E402
    TemplateCopywriter,
    enrich,
    thin_products,
)
from agent.log import CopyStore, SessionLog  # noqa: E402
from eval import metrics as m  # noqa: E402
from eval.simulator import simulate_requests  # noqa: E402
from retrieval.catalog import load_catalog  # noqa: E402
from retrieval.config import EmbedderSettings, RetrievalSettings  # noqa: E402
from retrieval.embedder import HFEmbedder  # noqa: E402
from retrieval.factory import local_index, retriever_for  # noqa: E402
from retrieval.popularity import Band, PopularityBands, catalogue_counts  # noqa: E402

BEAUTY = ROOT.parent / "shared" / "data" / "amazon_beauty" / "meta_All_Beauty.jsonl"
RESULTS = ROOT / "benchmarks" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-band", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--index", type=Path, default=ROOT / "data" / "bench" / "beauty-chroma")
    args = parser.parse_args()
    products = load_catalog(BEAUTY).products
    bands = PopularityBands.from_counts(catalogue_counts(products))
    embedder = HFEmbedder(EmbedderSettings())

    plain, report = local_index(args.index, embedder, products)
    print(report.summary(), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        copied = Path(folder) / "with-copy"
        shutil.copytree(args.index, copied)
        copies = CopyStore(SessionLog(Path(folder) / "log.sqlite"))
        targets = thin_products(products, bands)
        print(enrich(targets, TemplateCopywriter(), copies).summary(), flush=True)
        with_copy, report = local_index(copied, embedder, products, extra_text=copies.all())
        print(report.summary(), flush=True)

        requests = simulate_requests(products, bands, args.per_band, args.seed)
        thin_ids = {p.id for p in targets}
        vectors = embedder.embed([r.text for r in requests])
        rows = []
        for index_name, snapshots in (("plain", plain), ("with copy", with_copy)):
            for mode, weight in (("dense", 0.0), ("hybrid", 0.5)):
                settings = RetrievalSettings(lexical_weight=weight)
                retriever = retriever_for(snapshots, embedder, settings)
                lists = [
                    [h.product.id for h in retriever.search_vector(v, r.filters, 10, text=r.text)]
                    for v, r in zip(vectors, requests, strict=True)
                ]
                rows.append(score(f"{mode}, {index_name}", lists, requests, thin_ids))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "copy.json").write_text(
        json.dumps(
            {"shoppers": len(requests), "thin_tail_products": len(targets), "rows": rows}, indent=2
        )
    )
    table = [
        "| retrieval, index | Recall@10 all | Recall@10 tail targets | Recall@10 thin tail "
        "targets | NDCG@10 all |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        table.append(
            f"| {r['name']} | {r['recall']:.3f} | {r['recall_tail']:.3f} "
            f"| {r['recall_thin']:.3f} (n={r['n_thin']}) | {r['ndcg']:.3f} |"
        )
    text = "\n".join(table)
    (RESULTS / "copy.md").write_text(text + "\n")
    print(text)


def score(name: str, lists: list[list[str]], requests: list, thin_ids: set[str]) -> dict:
    recall = [
        m.recall_at_k(ranked, {r.target_id}, 10) for ranked, r in zip(lists, requests, strict=True)
    ]
    ndcg = [
        m.ndcg_at_k(ranked, {r.target_id}, 10) for ranked, r in zip(lists, requests, strict=True)
    ]
    tail = [x for x, r in zip(recall, requests, strict=True) if r.target_band is Band.TAIL]
    thin = [x for x, r in zip(recall, requests, strict=True) if r.target_id in thin_ids]
    return {
        "name": name,
        "recall": float(np.mean(recall)),
        "ndcg": float(np.mean(ndcg)),
        "recall_tail": float(np.mean(tail)),
        "recall_thin": float(np.mean(thin)) if thin else 0.0,
        "n_thin": len(thin),
    }


if __name__ == "__main__":
    main()
