"""Load: many concurrent shoppers holding multi-turn conversations with `tailtalk serve`.

    python benchmarks/load_test.py [--shoppers 50] [--seconds 60] [--workers 1] [--url URL]

Without --url it starts `tailtalk serve --no-ui` on loopback with the rules backend and the demo
catalogue (in data/load-test), samples the server's memory (RSS) every second, and stops it at
the end. Each shopper is an asyncio task (httpx) that talks statelessly, as an OpenAI client
does: it sends the whole conversation every turn, follows a script of refinements, references to
shown products and topic changes, then starts over with a new session, until time is up.

Writes benchmarks/results/load.{json,md,png} (load-Nworkers.* for N > 1): turns, errors,
throughput, p50/p95/p99 turn latency, memory (the server and its workers) at the start, at half
time and at the end, and latency and memory over time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "ui.cli"]
RESULTS = ROOT / "benchmarks" / "results"
SCRIPTS = [
    [
        "a yoga mat under $40",
        "the second one",
        "something like that but cheaper",
        "compare the first two",
    ],
    ["wireless earbuds", "not black", "under $100 please", "tell me more about the first one"],
    [
        "a fragrance-free moisturizer",
        "under $40",
        "I don't like the first one",
        "Actually, I need a backpack",
    ],
    ["running shoes, not from Peakrunner", "at least 4 stars", "the third one", "show me more"],
    ["a dog bed", "a cheaper one", "write a description for the first one", "thanks"],
    ["ground coffee, decaf", "between 10 and 20 dollars", "the last one", "something similar"],
]


@dataclass
class Stats:
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (at, seconds)
    errors: list[str] = field(default_factory=list)
    memory: list[tuple[float, float]] = field(default_factory=list)  # (at, MiB)


async def shopper(number: int, url: str, deadline: float, stats: Stats, started: float) -> None:
    rng = random.Random(number)
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        conversation = 0
        while time.monotonic() < deadline:
            script = rng.choice(SCRIPTS)
            session = f"load-{number}-{conversation}"
            messages: list[dict[str, str]] = []
            for text in script:
                if time.monotonic() >= deadline:
                    return
                messages.append({"role": "user", "content": text})
                body = {"model": "tailtalk", "messages": messages, "user": session}
                begin = time.monotonic()
                try:
                    response = await client.post("/v1/chat/completions", json=body)
                    response.raise_for_status()
                    content = response.json()["choices"][0]["message"]["content"]
                except (httpx.HTTPError, KeyError, ValueError) as exc:
                    stats.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                    break
                stats.latencies.append((begin - started, time.monotonic() - begin))
                messages.append({"role": "assistant", "content": content})
            conversation += 1


async def sample_memory(pid: int, deadline: float, stats: Stats, started: float) -> None:
    while time.monotonic() < deadline:
        stats.memory.append((time.monotonic() - started, rss_mib(pid)))
        await asyncio.sleep(1)


def rss_mib(pid: int) -> float:
    """The server's resident memory, its worker processes included."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


def start_server(workers: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "TAILTALK_DATA_DIR": str(ROOT / "data" / "load-test")}
    env.pop("TAILTALK_LLM__BASE_URL", None)  # the rules backend
    log = (ROOT / "data" / "load-test.log").open("w")
    server = subprocess.Popen(
        [*CLI, "serve", "--no-ui", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("the server exited; see data/load-test.log")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(1)
    server.kill()
    raise SystemExit("the server did not start in 300 s; see data/load-test.log")


async def run(url: str, pid: int | None, shoppers: int, seconds: float) -> Stats:
    stats = Stats()
    started = time.monotonic()
    deadline = started + seconds
    tasks = [shopper(i, url, deadline, stats, started) for i in range(shoppers)]
    if pid is not None:
        tasks.append(sample_memory(pid, deadline, stats, started))
    await asyncio.gather(*tasks)
    return stats


def summary(stats: Stats, shoppers: int, seconds: float) -> dict:
    times = sorted(s for _, s in stats.latencies)

    def pct(q: float) -> float:
        return 1000 * times[min(len(times) - 1, int(q * len(times)))] if times else 0.0

    memory = [m for _, m in stats.memory]
    # Warm-up (model, caches, connection pools) grows memory at first; a leak keeps growing after
    # it, so the second half is what tells.
    half = memory[len(memory) // 2] if memory else None
    return {
        "shoppers": shoppers,
        "seconds": seconds,
        "turns": len(times),
        "errors": len(stats.errors),
        "error_examples": stats.errors[:5],
        "turns_per_second": len(times) / seconds,
        "latency_ms": {
            "p50": pct(0.5),
            "p95": pct(0.95),
            "p99": pct(0.99),
            "mean": 1000 * statistics.fmean(times) if times else 0.0,
        },
        "rss_mib": {
            "start": memory[0] if memory else None,
            "half_time": half,
            "end": memory[-1] if memory else None,
            "max": max(memory) if memory else None,
        },
    }


def plot(stats: Stats, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    top.scatter(
        [a for a, _ in stats.latencies], [1000 * s for _, s in stats.latencies], s=3, alpha=0.4
    )
    top.set_ylabel("turn latency (ms)")
    top.set_title("Load: latency of each turn and server memory over the run", fontsize=10)
    top.grid(alpha=0.3)
    if stats.memory:
        bottom.plot([a for a, _ in stats.memory], [m for _, m in stats.memory])
    bottom.set_ylabel("server RSS (MiB)")
    bottom.set_xlabel("seconds into the run")
    bottom.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=1, help="`tailtalk serve --workers`")
    parser.add_argument("--url", help="an already running server (memory is then not sampled)")
    args = parser.parse_args()
    server = None
    url = args.url
    if url is None:
        server, url = start_server(args.workers)
    try:
        # A short warm-up so the first measured turns do not pay for model loading.
        httpx.post(
            f"{url}/v1/chat/completions",
            timeout=60,
            json={"model": "tailtalk", "messages": [{"role": "user", "content": "a lamp"}]},
        )
        stats = asyncio.run(run(url, server.pid if server else None, args.shoppers, args.seconds))
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
    result = {**summary(stats, args.shoppers, args.seconds), "workers": args.workers}
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "load" if args.workers == 1 else f"load-{args.workers}workers"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    plot(stats, RESULTS / f"{name}.png")
    lat, mem = result["latency_ms"], result["rss_mib"]
    text = (
        f"{args.workers} worker(s), {args.shoppers} concurrent shoppers for {args.seconds:.0f} s: "
        f"{result['turns']} turns, "
        f"{result['errors']} errors, {result['turns_per_second']:.1f} turns/s; turn latency p50 "
        f"{lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms, p99 {lat['p99']:.0f} ms"
    )
    if mem["max"] is not None:
        text += (
            f"; server RSS {mem['start']:.0f} MiB at the start, {mem['half_time']:.0f} MiB at half "
            f"time, {mem['end']:.0f} MiB at the end (max {mem['max']:.0f})"
        )
    (RESULTS / f"{name}.md").write_text(text + ".\n")
    print(text)


if __name__ == "__main__":
    main()
