"""The session log and the exposure ledger on SQLite and on PostgreSQL: two processes writing at
once, as two API workers (or machines) do.

    python benchmarks/bench_store.py [--turns 500] [--repeats 5] [--k 5]

Each run starts two processes that wait at a barrier, then each writes `--turns` turns: the
ledger workload records the k products shown (`ExposureLedger.record`, one transaction of k
upserts, products drawn Zipf-like from 2,000 so the head ones collide), the log workload logs
the turn with its k impressions (`SessionLog.log_turn`, into 40 sessions both processes share).
Throughput is what both wrote over the wall time from the first start to the last finish;
afterwards every count is checked (no impression lost, positions 0..n-1 in every session). Also
measured: one `exposure()` read of 100 candidates, what the re-ranker does per search.

Backends, all in the same run: SQLite (WAL, synchronous=NORMAL: a commit survives a crash of
the process, not necessarily of the machine); PostgreSQL with its defaults (every commit waits
for its WAL to reach the disk); PostgreSQL with synchronous_commit=off (the durability SQLite
has here); and PostgreSQL with one connection per thread instead of the pool. The PostgreSQL
server is a throwaway one on loopback (tests/postgres.py), on this same machine.
Writes benchmarks/results/store.{json,md,png}.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import psycopg  # noqa: E402
from tqdm import tqdm  # noqa: E402

from agent.log import SessionLog  # noqa: E402
from agent.log.schema import SCHEMA as LOG  # noqa: E402
from agent.types import ProductCard, Reply  # noqa: E402
from retrieval.config import StoreSettings  # noqa: E402
from retrieval.database import Database, open_database  # noqa: E402
from retrieval.postgres import PostgresDatabase  # noqa: E402
from retrieval.rerank.exposure import SCHEMA as LEDGER  # noqa: E402
from retrieval.rerank.exposure import ExposureLedger  # noqa: E402
from tests.postgres import TempPostgres  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
PRODUCTS = 2000
SESSIONS = 40


class PerThreadPostgres(PostgresDatabase):
    """The PostgreSQL store with one connection per thread instead of the pool (to compare)."""

    def __init__(self, url: str, schema: str) -> None:
        super().__init__(url, schema, pool_size=1)
        self._url = url
        self._local = threading.local()

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = psycopg.connect(
                self._url, autocommit=True, options=f"-c search_path={self.schema}"
            )
            self._local.conn = conn
        yield conn


def open_variant(variant: dict[str, str], schema: str) -> Database:
    if variant["kind"] == "per-thread":
        return PerThreadPostgres(variant["url"], schema)
    sqlite_path = Path(variant.get("folder", ".")) / f"{schema}.sqlite"  # only for SQLite
    return open_database(StoreSettings(url=variant.get("url")), sqlite_path, schema)


def shown_lists(seed: int, turns: int, k: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, PRODUCTS + 1)
    weights /= weights.sum()
    return [
        [f"p{i}" for i in rng.choice(PRODUCTS, size=k, replace=False, p=weights)]
        for _ in range(turns)
    ]


def writer(variant, workload, seed, turns, k, start, out) -> None:
    lists = shown_lists(seed, turns, k)
    if workload == "ledger":
        ledger = ExposureLedger(open_variant(variant, LEDGER))
        start.wait()
        began = time.time()
        for shown in lists:
            ledger.record([(pid, rank) for rank, pid in enumerate(shown, start=1)])
    else:
        log = SessionLog(open_variant(variant, LOG))
        start.wait()
        began = time.time()
        for i, shown in enumerate(lists):
            cards = [
                ProductCard(id=p, title=p, price=1.0, band="tail", score=0.5, propensity=0.2)
                for p in shown
            ]
            reply = Reply(text="Here.", recommendations=cards)
            log.log_turn(f"s{i % SESSIONS}", f"turn {i}", reply)
    out.put((began, time.time()))


def one_run(variant: dict[str, str], workload: str, turns: int, k: int, run: int) -> float:
    """Impressions per second written by two processes at once; checks nothing was lost."""
    spawn = multiprocessing.get_context("spawn")
    start, out = spawn.Barrier(2), spawn.Queue()
    seeds = (2 * run, 2 * run + 1)
    workers = [
        spawn.Process(target=writer, args=(variant, workload, s, turns, k, start, out))
        for s in seeds
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(600)
        if w.exitcode != 0:
            raise RuntimeError(f"a writer failed on {variant['name']}")
    stamps = [out.get(timeout=10) for _ in workers]
    wall = max(end for _, end in stamps) - min(began for began, _ in stamps)
    check(variant, workload, turns, k, seeds)
    return 2 * turns * k / wall


def check(variant: dict[str, str], workload: str, turns: int, k: int, seeds: tuple[int, ...]):
    if workload == "ledger":
        db = open_variant(variant, LEDGER)
        counted = sum(n for _, n in ExposureLedger(db).totals().values())
        expected = sum(len(shown) for s in seeds for shown in shown_lists(s, turns, k))
        # The ledger accumulates over runs on one store: compare what this run added.
        before = variant.setdefault("ledger_count", "0")
        if counted - int(before) != expected:
            raise RuntimeError(f"{variant['name']}: {counted - int(before)} of {expected} counted")
        variant["ledger_count"] = str(counted)
    else:
        db = open_variant(variant, LOG)
        log = SessionLog(db)
        for s in range(SESSIONS):
            positions = [t.position for t in log.turns(f"s{s}")]
            if positions != list(range(len(positions))):
                raise RuntimeError(f"{variant['name']}: positions {positions[:10]}...")
    db.close()


def read_latency(variant: dict[str, str]) -> float:
    """Median milliseconds of one exposure() read of 100 candidates."""
    db = open_variant(variant, LEDGER)
    ledger = ExposureLedger(db)
    ids = [f"p{i}" for i in range(0, 2 * PRODUCTS, 20)]  # half of them were shown
    times = []
    for _ in range(300):
        began = time.perf_counter()
        ledger.exposure(ids)
        times.append((time.perf_counter() - began) * 1000)
    db.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=500, help="turns per process and run")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--k", type=int, default=5, help="products shown per turn")
    args = parser.parse_args()
    with TempPostgres(durable=True) as server, tempfile.TemporaryDirectory() as folder:
        relaxed = server.create_database()
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute(f"ALTER DATABASE {relaxed.rsplit('/', 1)[1]} SET synchronous_commit = off")
        variants = [
            {"name": "SQLite (WAL)", "kind": "sqlite", "folder": folder},
            {"name": "PostgreSQL", "kind": "postgresql", "url": server.create_database()},
            {"name": "PostgreSQL, synchronous_commit=off", "kind": "postgresql", "url": relaxed},
            {"name": "PostgreSQL, a connection per thread", "kind": "per-thread",
             "url": server.create_database()},
        ]  # fmt: skip
        runs: dict[str, dict[str, list[float]]] = {v["name"]: {} for v in variants}
        steps = args.repeats * 2 * len(variants)
        with tqdm(total=steps, desc="store runs", unit="run") as bar:
            for run in range(args.repeats):  # interleaved, so drift hits every backend alike
                for workload in ("ledger", "log"):
                    for variant in variants:
                        rate = one_run(variant, workload, args.turns, args.k, run)
                        runs[variant["name"]].setdefault(workload, []).append(rate)
                        bar.update()
        reads = {v["name"]: read_latency(v) for v in variants}
    report(args, runs, reads)


def report(args: argparse.Namespace, runs: dict, reads: dict[str, float]) -> None:
    baseline = "SQLite (WAL)"
    median = {name: {w: statistics.median(r) for w, r in by.items()} for name, by in runs.items()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "store.json").write_text(
        json.dumps({"args": vars(args), "runs": runs, "median": median, "read_ms": reads}, indent=2)
    )
    lines = [
        f"Two processes writing at once, {args.turns} turns each, {args.k} products per turn, "
        f"median of {args.repeats} runs (`python benchmarks/bench_store.py --turns "
        f"{args.turns} --repeats {args.repeats} --k {args.k}`). Impressions/s: both processes "
        "together. Ratio: SQLite's rate over this backend's, in the same run.",
        "",
        "| backend | ledger impressions/s, median (min–max) | SQLite : this "
        "| log impressions/s, median (min–max) | SQLite : this | exposure() of 100, median ms |",
        "|---|---|---|---|---|---|",
    ]
    for name, by in median.items():
        ledger, log = by["ledger"], by["log"]
        lo, hi = min(runs[name]["ledger"]), max(runs[name]["ledger"])
        log_lo, log_hi = min(runs[name]["log"]), max(runs[name]["log"])
        lines.append(
            f"| {name} | {ledger:,.0f} ({lo:,.0f}–{hi:,.0f}) "
            f"| {median[baseline]['ledger'] / ledger:.2f} "
            f"| {log:,.0f} ({log_lo:,.0f}–{log_hi:,.0f}), {log / args.k:,.0f} turns/s "
            f"| {median[baseline]['log'] / log:.2f} | {reads[name]:.2f} |"
        )
    (RESULTS / "store.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    plot(median, args)


def plot(median: dict[str, dict[str, float]], args: argparse.Namespace) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(median)
    x = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(9, 4))
    for offset, workload in ((-0.2, "ledger"), (0.2, "log")):
        ax.bar(x + offset, [median[n][workload] for n in names], 0.4, label=workload)
    ax.set_xticks(x, [n.replace(", ", ",\n") for n in names], fontsize=8)
    ax.set_ylabel("impressions/s, two processes")
    ax.set_title(f"Two writers at once, {args.k} products per turn (median of {args.repeats})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(RESULTS / "store.png", dpi=120)


if __name__ == "__main__":
    main()
