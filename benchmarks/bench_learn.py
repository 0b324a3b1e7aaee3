"""How long `tailtalk learn` takes, and how much memory it needs, on 1M interactions.

    python benchmarks/bench_learn.py [--interactions 1000000] [--users 100000] [--items 50000]
        [--repeats 3] [--out benchmarks/results]

Synthetic interactions (seeded): item popularity is Zipf-like (a long tail, as in real shops),
each event a click, cart or purchase. Measured in one process, each step the median of the
repeats: writing the interactions as a CSV file and reading it back (`ingest-interactions`),
`learn` on them (item-kNN with implicit, demand counts), and, as the baseline in the same run,
building the bare user x item sparse matrix with scipy. Peak memory is the process's maximum
resident set size after each step. Writes learn.json and learn.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.learning.interactions import EVENT_WEIGHTS, Interaction, read_interactions
from retrieval.learning.train import learn


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(n: int, users: int, items: int, seed: int) -> list[Interaction]:
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, items + 1) ** 1.1
    item = rng.choice(items, size=n, p=weights / weights.sum())
    user = rng.integers(0, users, size=n)
    kinds = rng.choice(["click", "cart", "purchase"], size=n, p=[0.7, 0.2, 0.1])
    return [
        Interaction(f"u{u}", f"i{i}", str(k), 1_700_000_000.0, EVENT_WEIGHTS[str(k)])
        for u, i, k in zip(user.tolist(), item.tolist(), kinds.tolist(), strict=True)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    started_mb = peak_mb()
    rows = synthetic(args.interactions, args.users, args.items, 0)
    generated_mb = peak_mb()
    times: dict[str, list[float]] = {"read_csv": [], "learn": [], "bare_matrix": []}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "interactions.csv"
        with path.open("w") as out:
            out.write("user_id,item_id,event,timestamp\n")
            out.writelines(f"{r.user_id},{r.item_id},{r.event},1700000000\n" for r in rows)
        report = None
        for _ in range(args.repeats):
            t = time.perf_counter()
            read = read_interactions(path)
            times["read_csv"].append(time.perf_counter() - t)
            del read
            t = time.perf_counter()
            _model, report = learn([], rows, None)
            times["learn"].append(time.perf_counter() - t)
            t = time.perf_counter()
            users = {u: i for i, u in enumerate(dict.fromkeys(r.user_id for r in rows))}
            items = {u: i for i, u in enumerate(dict.fromkeys(r.item_id for r in rows))}
            sparse.csr_matrix(
                (
                    np.array([r.weight for r in rows], dtype=np.float32),
                    ([users[r.user_id] for r in rows], [items[r.item_id] for r in rows]),
                ),
                shape=(len(users), len(items)),
            )
            times["bare_matrix"].append(time.perf_counter() - t)
    medians = {k: statistics.median(v) for k, v in times.items()}
    result = {
        "interactions": args.interactions,
        "users": args.users,
        "items": args.items,
        "repeats": args.repeats,
        "seconds_median": medians,
        "seconds_all": times,
        "learn_vs_bare_matrix": medians["learn"] / medians["bare_matrix"],
        "peak_rss_mb": {"start": started_mb, "after_generating": generated_mb, "end": peak_mb()},
        "model": {"users": report.users if report else 0, "items": report.items if report else 0},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "learn.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"# `tailtalk learn` on {args.interactions:,} synthetic interactions",
        "",
        f"{args.users:,} users, {args.items:,} products (Zipf-like popularity), median of "
        f"{args.repeats} runs in one process.",
        "",
        "| step | seconds (median) |",
        "|---|---|",
        f"| read the CSV (`ingest-interactions`) | {medians['read_csv']:.2f} |",
        f"| learn (item-kNN + demand) | {medians['learn']:.2f} |",
        f"| baseline: the bare sparse matrix | {medians['bare_matrix']:.2f} |",
        "",
        f"learn / bare matrix: {result['learn_vs_bare_matrix']:.1f}x. Peak RSS: "
        f"{started_mb:.0f} MB at start, {generated_mb:.0f} MB with the interactions in memory, "
        f"{result['peak_rss_mb']['end']:.0f} MB at the end.",
    ]
    (args.out / "learn.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
