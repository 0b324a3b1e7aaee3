"""Offline evaluation of TailTalk over logged or benchmark sessions.

    python eval/run_offline.py --sessions FILE.jsonl [--sessions FILE2 ...] --catalog PATH
        [--catalog-format auto|csv|jsonl|parquet|amazon2023|redial]
        [--policy none,default,xquad,exposure,...] [--baselines popularity,bm25,dense]
        [--backend rules|openai] [-k 10] [--limit N] [--seed 0]
        [--simulate N] [--simulate-turns 5] --out DIR

Indexes the catalogue when needed (re-using an up-to-date index), replays every session through
the agent under each policy and through each baseline, and writes DIR/metrics.json,
DIR/report.md and plots. Off-policy estimates are added when the sessions are a session-log
export with propensities; `--simulate N` adds N simulated multi-turn shoppers per popularity
band. Exits with 1 when any session failed (they are listed), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from agent.settings import Settings
from eval import baselines
from eval.datasets import interactions_for
from eval.harness import Harness
from eval.ope import Refused, estimate, logged_turns
from eval.report import run_metrics, write_outputs
from eval.runner import Context, Run, contexts, run_agent, run_baseline
from eval.sessions import EvalSession, Failure, load_sessions
from eval.shopper import sample_targets, simulate
from retrieval.errors import TailTalkError
from retrieval.formats import FORMATS

BASELINES = ("popularity", "bm25", "dense")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    policies = [p.strip() for p in args.policy.split(",") if p.strip()]
    chosen = [b.strip() for b in args.baselines.split(",") if b.strip()]
    unknown = [b for b in chosen if b not in BASELINES]
    if unknown:
        print(f"error: unknown baseline {unknown[0]}; use {', '.join(BASELINES)}", file=sys.stderr)
        return 2
    try:
        return evaluate(args, Settings(), policies, chosen)
    except TailTalkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def evaluate(
    args: argparse.Namespace, settings: Settings, policies: list[str], chosen: list[str]
) -> int:
    sessions, failures = load_sessions(args.sessions, args.limit)
    for failure in failures:
        print(f"skipped {failure.where}: {failure.error}", file=sys.stderr)
    interactions = interactions_for(args.catalog, args.catalog_format)
    harness = Harness.open(
        settings, args.catalog, args.catalog_format, interactions.counts, args.k, args.backend
    )
    reference = harness.shop("none")
    context = contexts(reference, sessions)
    runs: list[Run] = []
    agents = {}
    for policy in policies:
        agents[policy] = harness.agent(policy)
        runs.append(run_agent(policy, agents[policy], sessions, context, args.k))
    for name in chosen:
        runs.append(
            run_baseline(
                name, _baseline(name, harness, interactions), reference, sessions, context, args.k
            )
        )
    index = harness.retriever.index
    catalogue = list(index.row_of)

    def vectors(ids: Sequence[str]) -> Any:
        return index.vectors[[index.row_of[i] for i in ids if i in index.row_of]]

    metrics: dict[str, Any] = {
        "n_sessions": len(sessions),
        "k": args.k,
        "runs": {
            run.name: run_metrics(run, sessions, harness.bands, vectors, catalogue, args.k)
            for run in runs
        },
    }
    all_failures = failures + [
        Failure(f.where, f"[{r.name}] {f.error}") for r in runs for f in r.failures
    ]
    metrics["failures"] = [{"where": f.where, "error": f.error} for f in all_failures]
    metrics["ope"] = _ope(sessions, agents, args.seed)
    if args.simulate:
        metrics["simulator"] = _simulate(harness, agents, args)
    notes = {
        "sessions": [str(p) for p in args.sessions],
        "catalog": str(args.catalog),
        "products": len(catalogue),
        "backend": args.backend,
        "default_policy": harness.default_policy(),
        "redial": interactions.source.startswith("film mentions")
        or any(s.source == "redial" for s in sessions),
        "bands": _bands_note(harness, interactions.source),
        "definitions": DEFINITIONS.format(k=args.k),
    }
    write_outputs(args.out, metrics, notes)
    _print_summary(metrics)
    print(f"wrote {args.out}/metrics.json, report.md and plots")
    if all_failures:
        print(f"{len(all_failures)} failures (listed in report.md)", file=sys.stderr)
        return 1
    return 0


def _baseline(name: str, harness: Harness, interactions: Any) -> Any:
    retriever = harness.retriever
    k = harness.k + 10  # named products are taken out before scoring
    scores = baselines.popularity_scores(retriever, harness.bands.counts)

    def rank(session: EvalSession, ctx: Context) -> list[str]:
        if name == "popularity":  # never counting the session's own dialogue
            return baselines.popularity(
                retriever, scores, ctx.filters, k, interactions.own(session)
            )
        if name == "bm25":
            return baselines.bm25(retriever, session.user_text(), ctx.filters, k)
        return baselines.dense(retriever, session.user_text(), ctx.filters, k)

    return rank


def _ope(sessions: list[EvalSession], agents: dict, seed: int) -> dict[str, Any]:
    try:
        turns = logged_turns(sessions)
    except Refused as exc:
        return {"refused": str(exc)}

    def chooser(agent: Any) -> Any:
        def choose(session: EvalSession) -> str | None:
            reply = agent.reply(list(session.turns), f"ope-{session.session_id}")
            return reply.recommendations[0].id if reply.recommendations else None

        return choose

    rate = sum(t.reward for t in turns) / len(turns)
    return {
        "n": len(turns),
        "logged_rate": rate,
        "policies": {name: estimate(turns, chooser(a), seed) for name, a in agents.items()},
    }


def _simulate(harness: Harness, agents: dict, args: argparse.Namespace) -> dict[str, Any]:
    targets = sample_targets(harness.products, harness.bands, args.simulate, args.seed)
    policies = {}
    for name, agent in agents.items():
        results = [
            simulate(agent, t, harness.bands.band(t.id), args.simulate_turns, name) for t in targets
        ]
        hits = [r.hit_turn for r in results if r.hit_turn is not None]
        policies[name] = {
            "hit_rate": len(hits) / len(results) if results else 0.0,
            "avg_turns_to_hit": sum(hits) / len(hits) if hits else 0.0,
            "by_band": {
                band: sum(1 for r in results if r.band.value == band and r.hit_turn)
                / max(1, sum(1 for r in results if r.band.value == band))
                for band in ("head", "torso", "tail")
            },
        }
    return {"shoppers": len(targets), "max_turns": args.simulate_turns, "policies": policies}


def _bands_note(harness: Harness, source: str) -> str:
    counts = {b.value: len(harness.bands.members(b)) for b in harness.bands.bands.values()}
    origin = "catalogue counts" + (f" plus {source}" if source else "")
    return (
        f"Popularity bands from {origin}: head {counts.get('head', 0)}, torso "
        f"{counts.get('torso', 0)}, tail {counts.get('tail', 0)} products (head: the most "
        "popular products holding 80% of interactions; products with no count are tail)."
    )


DEFINITIONS = """Definitions: accuracy (Recall, NDCG, MRR, Hit @{k}) is averaged over sessions with
targets, after products the dialogue already named are removed from every list. Tail share is the
share of the top {k} that are tail products; coverage the share of the catalogue shown at least
once; Gini the inequality of how often products were shown. Hallucination rate: share of agent
replies from which the guardrail removed a claim (a product outside the results, a wrong price,
a contradicted attribute), or that named a product outside the catalogue. Constraint violation
rate: share of lists with a product that breaks a hard constraint read from the dialogue.
Baselines use the shopper's turns as their query and the same hard constraints."""


def _print_summary(metrics: dict[str, Any]) -> None:
    k = metrics["k"]
    print(f"\n{'run':>12}  recall@{k}  ndcg@{k}  tail@{k}  gini   p50 ms")
    for name, r in metrics["runs"].items():
        print(
            f"{name:>12}  {r[f'recall@{k}']:9.3f}  {r[f'ndcg@{k}']:7.3f}  "
            f"{r[f'tail_share@{k}']:7.3f}  {r['gini']:.3f}  {r['latency_p50_ms']:6.1f}"
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sessions",
        type=Path,
        action="append",
        required=True,
        help="benchmark-session or session-log-export JSONL; repeat for several files",
    )
    parser.add_argument("--catalog", type=Path, required=True, help="the catalogue to index")
    parser.add_argument("--catalog-format", default="auto", choices=FORMATS)
    parser.add_argument(
        "--policy",
        default="none,default",
        help="comma-separated re-ranking policies; `default` is the configured one",
    )
    parser.add_argument(
        "--baselines", default=",".join(BASELINES), help="comma-separated; empty for none"
    )
    parser.add_argument("--backend", default="rules", choices=("rules", "openai"))
    parser.add_argument("-k", type=int, default=10, help="list length scored")
    parser.add_argument("--limit", type=int, help="evaluate only the first N sessions")
    parser.add_argument("--seed", type=int, default=0, help="for sampling and the simulator")
    parser.add_argument(
        "--simulate",
        type=int,
        default=0,
        metavar="N",
        help="simulated multi-turn shoppers per popularity band",
    )
    parser.add_argument(
        "--simulate-turns", type=int, default=5, help="turns each simulated shopper gets"
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="folder for metrics.json, report.md, plots"
    )
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
