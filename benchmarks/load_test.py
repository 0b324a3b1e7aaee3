"""Load: many concurrent shoppers holding multi-turn conversations with `tailtalk serve`.

    python benchmarks/load_test.py [--shoppers 50] [--seconds 60] [--workers 1] [--url URL]
        [--reingest CATALOGUE [--reingest-at 10]]

Without --url it starts `tailtalk serve --no-ui` on loopback with the rules backend and the demo
catalogue (in data/load-test), samples the server's memory (RSS) every second, and stops it at
the end. Each shopper is an asyncio task (httpx) that talks statelessly, as an OpenAI client
does: it sends the whole conversation every turn, follows a script of refinements, references to
shown products and topic changes, then starts over with a new session, until time is up.

Writes benchmarks/results/load.{json,md,png} (load-Nworkers.* for N > 1): turns, errors,
throughput, p50/p95/p99 turn latency, memory (the server and its workers) at the start, at half
time and at the end, and latency and memory over time.

With --reingest, `tailtalk ingest CATALOGUE` runs into the serving data folder while the shoppers
talk (started --reingest-at seconds in; the run lasts at least until the new catalogue is served,
plus 10 s), as a shop updating its catalogue live would; results go to load-reingest.*, with the
ingest's duration and the catalogue size the server reported before and after.
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


@dataclass
class Clock:
    started: float
    deadline: float  # may move later while a re-ingest is still running

    def over(self) -> bool:
        return time.monotonic() >= self.deadline


async def shopper(number: int, url: str, clock: Clock, stats: Stats) -> None:
    rng = random.Random(number)
    started = clock.started
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        conversation = 0
        while not clock.over():
            script = rng.choice(SCRIPTS)
            session = f"load-{number}-{conversation}"
            messages: list[dict[str, str]] = []
            for text in script:
                if clock.over():
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


async def sample_memory(pid: int, clock: Clock, stats: Stats) -> None:
    while not clock.over():
        stats.memory.append((time.monotonic() - clock.started, rss_mib(pid)))
        await asyncio.sleep(1)


def products_served(url: str) -> int:
    return int(httpx.get(f"{url}/health", timeout=30).json()["products"])


async def reingest(catalogue: Path, at: float, url: str, clock: Clock, report: dict) -> None:
    """`tailtalk ingest` into the serving data folder, then wait until the server shows it."""
    await asyncio.sleep(at)
    report["products_before"] = await asyncio.to_thread(products_served, url)
    began = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        *CLI,
        "ingest",
        str(catalogue),
        cwd=ROOT,
        env=server_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    clock.deadline = float("inf")  # the shoppers keep going until the new catalogue is served
    out, _ = await process.communicate()
    report["ingest_s"] = time.monotonic() - began
    report["ingest_exit"] = process.returncode
    report["ingest_tail"] = out.decode(errors="replace").splitlines()[-4:]
    while True:
        size = await asyncio.to_thread(products_served, url)
        if size != report["products_before"] or process.returncode != 0:
            break
        await asyncio.sleep(0.5)
    report["served_after_s"] = time.monotonic() - began
    report["products_after"] = size
    clock.deadline = max(clock.started + report["seconds"], time.monotonic() + 10)


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


DATA = ROOT / "data" / "load-test"


def server_env() -> dict[str, str]:
    env = {**os.environ, "TAILTALK_DATA_DIR": str(DATA)}
    env.pop("TAILTALK_LLM__BASE_URL", None)  # the rules backend
    return env


def start_server(workers: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    DATA.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no data/ yet
    log = (DATA.parent / "load-test.log").open("w")
    server = subprocess.Popen(
        [*CLI, "serve", "--no-ui", "--port", str(port), "--workers", str(workers)],
        cwd=ROOT,
        env=server_env(),
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


async def run(
    url: str,
    pid: int | None,
    shoppers: int,
    seconds: float,
    catalogue: Path | None = None,
    reingest_at: float = 10.0,
    report: dict | None = None,
) -> tuple[Stats, float]:
    """The shoppers' turns, and how long the run lasted."""
    stats = Stats()
    started = time.monotonic()
    clock = Clock(started, started + seconds)
    tasks = [shopper(i, url, clock, stats) for i in range(shoppers)]
    if pid is not None:
        tasks.append(sample_memory(pid, clock, stats))
    if catalogue is not None and report is not None:
        report["seconds"] = seconds
        tasks.append(reingest(catalogue, reingest_at, url, clock, report))
    await asyncio.gather(*tasks)
    return stats, time.monotonic() - started


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
    parser.add_argument("--reingest", type=Path, help="ingest this catalogue during the run")
    parser.add_argument("--reingest-at", type=float, default=10.0, help="seconds into the run")
    args = parser.parse_args()
    if args.reingest and args.url:
        raise SystemExit("--reingest needs the server this script starts (leave out --url)")
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
        reingest_report: dict = {}
        stats, seconds = asyncio.run(
            run(
                url,
                server.pid if server else None,
                args.shoppers,
                args.seconds,
                args.reingest,
                args.reingest_at,
                reingest_report,
            )
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
    result = {**summary(stats, args.shoppers, seconds), "workers": args.workers}
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "load" if args.workers == 1 else f"load-{args.workers}workers"
    if args.reingest:
        name = name.replace("load", "load-reingest", 1)
        result["reingest"] = {**reingest_report, "catalogue": args.reingest.name}
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    plot(stats, RESULTS / f"{name}.png")
    lat, mem = result["latency_ms"], result["rss_mib"]
    text = (
        f"{args.workers} worker(s), {args.shoppers} concurrent shoppers for {seconds:.0f} s: "
        f"{result['turns']} turns, "
        f"{result['errors']} errors, {result['turns_per_second']:.1f} turns/s; turn latency p50 "
        f"{lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms, p99 {lat['p99']:.0f} ms"
    )
    if mem["max"] is not None:
        text += (
            f"; server RSS {mem['start']:.0f} MiB at the start, {mem['half_time']:.0f} MiB at half "
            f"time, {mem['end']:.0f} MiB at the end (max {mem['max']:.0f})"
        )
    if args.reingest:
        r = result["reingest"]
        text += (
            f". During the run, `tailtalk ingest {r['catalogue']}` into the serving data folder "
            f"(exit {r.get('ingest_exit')}) took {r.get('ingest_s', 0):.0f} s; the server went "
            f"from {r.get('products_before')} to {r.get('products_after')} products "
            f"{r.get('served_after_s', 0):.0f} s after the ingest began"
        )
    (RESULTS / f"{name}.md").write_text(text + ".\n")
    print(text)


if __name__ == "__main__":
    main()
