"""Offline evaluation of TailTalk over logged or benchmark sessions.

    python eval/run_offline.py --sessions FILE.jsonl [--sessions FILE2 ...] --catalog PATH
        [--catalog-format auto|csv|jsonl|parquet|amazon2023|redial]
        [--policy none,default,xquad,exposure,...] [--baselines popularity,bm25,dense,itemknn]
        [--train FILE ...] [--kfold K] [--protocol all,dedup]
        [--backend rules|openai] [-k 10] [--limit N] [--seed 0]
        [--simulate N] [--simulate-turns 5] --out DIR

Indexes the catalogue when needed (re-using an up-to-date index), replays every session through
the agent under each policy and through each baseline, and writes DIR/metrics.json,
DIR/report.md and plots. `--train FILE` learns a model (collaborative item-kNN and fusion
weights, retrieval/learning/) from those sessions first and evaluates with it; `--kfold K` learns
from K-1 folds of --sessions (split by dialogue) and evaluates on the one left out, for each fold.
Protocols: "all" (every target; products the dialogue named may be recommended again) and
"dedup" (targets the dialogue named dropped, named products never shown); both by default when
any dialogue names a product. Off-policy estimates are added when the sessions are a session-log
export with propensities; `--simulate N` adds N simulated multi-turn shoppers per popularity
band. Exits with 1 when any session failed (they are listed), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from agent.errors import RequestError
from agent.settings import Settings
from eval import baselines
from eval.datasets import interactions_for
from eval.harness import Harness
from eval.learning import ALL, DEDUP, PROTOCOLS, folds, train, training_turns
from eval.ope import Refused, estimate, logged_turns
from eval.report import run_metrics, write_outputs
from eval.runner import Run, contexts, dedup, run_agent, run_baseline
from eval.sessions import EvalSession, Failure, load_sessions
from eval.shopper import sample_targets, simulate
from retrieval.errors import TailTalkError
from retrieval.formats import FORMATS
from retrieval.learning.registry import LearnedModel
from retrieval.rerank.base import RerankContext
from retrieval.types import SearchFilters

BASELINES = ("popularity", "bm25", "dense", "itemknn", "pipeline")


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
    training: list[EvalSession] = []
    if args.train:
        training, train_failures = load_sessions(args.train)
        failures += train_failures
    for failure in failures:
        print(f"skipped {failure.where}: {failure.error}", file=sys.stderr)
    interactions = interactions_for(args.catalog, args.catalog_format)
    harness = Harness.open(
        settings, args.catalog, args.catalog_format, interactions.counts, args.k, args.backend
    )
    reference = harness.shop("none")
    context = contexts(reference, sessions)
    harness.named = {sid: c.named - c.rejected for sid, c in context.items()}
    plan, learning = _learning_plan(args, harness, sessions, training)
    protocols = _protocols(args.protocol, any(c.named for c in context.values()))
    index = harness.retriever.index
    catalogue = list(index.row_of)

    def vectors(ids: Sequence[str]) -> Any:
        return index.vectors[[index.row_of[i] for i in ids if i in index.row_of]]

    results: dict[str, dict[str, Any]] = {}
    runs_by_protocol: dict[str, list[Run]] = {}
    agents: dict[str, Any] = {}
    for protocol in protocols:
        runs: list[Run] = []
        for policy in policies:
            agent = harness.agent(policy, protocol=protocol)
            run = Run(policy)
            for model, part in plan:
                agent.shop.search_pipeline.relevance = harness.relevance(model)
                run_agent(policy, agent, part, context, args.k, protocol, run)
            runs.append(run)
            agents.setdefault(policy, agent)
        for name in chosen:
            run = Run(name)
            for model, part in plan:
                rank = _baseline(name, harness, interactions, model)
                run_baseline(name, rank, reference, part, context, args.k, protocol, run)
            runs.append(run)
        scored = sessions if protocol == ALL else dedup(sessions, context)
        results[protocol] = {
            "n_sessions_scored": sum(1 for s in scored if s.targets),
            "runs": {
                run.name: run_metrics(run, scored, harness.bands, vectors, catalogue, args.k)
                for run in runs
            },
        }
        runs_by_protocol[protocol] = runs
    first = protocols[0]
    metrics: dict[str, Any] = {
        "n_sessions": len(sessions),
        "k": args.k,
        "protocol": first,
        "runs": results[first]["runs"],
        "protocols": results,
    }
    if learning:
        metrics["learning"] = learning
    all_failures = failures + [
        Failure(f.where, f"[{r.name}/{p}] {f.error}")
        for p, runs in runs_by_protocol.items()
        for r in runs
        for f in r.failures
    ]
    metrics["failures"] = [{"where": f.where, "error": f.error} for f in all_failures]
    metrics["ope"] = _ope(sessions, agents, args.seed)
    if args.simulate:
        metrics["simulator"] = _simulate(harness, agents, args)
    notes = {
        "sessions": [str(p) for p in args.sessions],
        "train": [str(p) for p in args.train or []],
        "kfold": args.kfold,
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


def _protocols(asked: str | None, named_any: bool) -> list[str]:
    if asked:
        chosen = [p.strip() for p in asked.split(",") if p.strip()]
        unknown = [p for p in chosen if p not in PROTOCOLS]
        if unknown:
            raise RequestError(
                f"unknown protocol '{unknown[0]}'; use {', '.join(PROTOCOLS)}", param="protocol"
            )
        return chosen
    return [ALL, DEDUP] if named_any else [ALL]


def _learning_plan(
    args: argparse.Namespace,
    harness: Harness,
    sessions: list[EvalSession],
    training: list[EvalSession],
) -> tuple[list[tuple[LearnedModel | None, list[EvalSession]]], dict[str, Any]]:
    """Which model evaluates which sessions: none (hand-set fusion), one trained on --train, or
    one per fold trained on the other folds (and --train, if given)."""
    if not training and not args.kfold:
        return [(None, sessions)], {}
    shop = harness.shop("none")
    parts = folds(sessions, args.kfold, args.seed) if args.kfold else [sessions]
    plan: list[tuple[LearnedModel | None, list[EvalSession]]] = []
    reports = []
    for i, part in enumerate(parts):
        others = [s for j, p in enumerate(parts) if j != i for s in p] if args.kfold else []
        model, report = train([*training, *others], shop, seed=args.seed)
        print(f"model for {'fold ' + str(i + 1) if args.kfold else 'all sessions'}:")
        print("  " + report.summary().replace("\n", "\n  "), flush=True)
        reports.append({"fold": i + 1, "sessions": len(part), **model.manifest})
        plan.append((model if report.usable else None, part))
    return plan, {
        "train": [str(p) for p in args.train or []],
        "kfold": args.kfold,
        "models": reports,
    }


def _baseline(
    name: str, harness: Harness, interactions: Any, model: LearnedModel | None
) -> Callable[[EvalSession, SearchFilters], list[str]]:
    retriever = harness.retriever
    k = harness.k + 10  # named products are taken out before scoring
    scores = baselines.popularity_scores(retriever, harness.bands.counts)
    demand = baselines.popularity_scores(retriever, model.demand if model else {})

    def rank(session: EvalSession, filters: SearchFilters) -> list[str]:
        if name == "popularity":  # never counting the session's own dialogue
            return baselines.popularity(retriever, scores, filters, k, interactions.own(session))
        if name == "bm25":
            return baselines.bm25(retriever, session.user_text(), filters, k)
        if name == "pipeline":  # TailSearch itself, every turn, as the agent would call it
            return _pipeline(harness, session, filters, model)
        if name == "itemknn":
            anchors = sorted(harness.named.get(session.session_id, frozenset()))
            collab = model.collaborative if model else None
            return baselines.itemknn(retriever, collab, anchors, demand, filters, k)
        return baselines.dense(retriever, session.user_text(), filters, k)

    return rank


_PIPELINES: dict[int, Any] = {}


def _pipeline(
    harness: Harness, session: EvalSession, filters: SearchFilters, model: LearnedModel | None
) -> list[str]:
    """The `none`-policy search with the query, anchors and named products the rules reading of
    the dialogue gives: the relevance alone, whatever the agent's dialogue policy decides (it may
    ask a question instead of searching)."""
    shop = _PIPELINES.get(id(model))
    if shop is None:
        shop = _PIPELINES[id(model)] = harness.shop("none", ALL, model)
    (turn,) = training_turns([replace(session, targets=("?",))], shop)
    session_items = replace(
        turn.session, mentioned=tuple(sorted(harness.named.get(session.session_id, ())))
    )
    context = RerankContext(session_id="", session=session_items)
    ranked = shop.search_pipeline.search(
        turn.query, filters, harness.k + 10, context, record=False, like=turn.session.liked
    )
    return [r.candidate.product.id for r in ranked]


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
    for protocol, result in metrics["protocols"].items():
        print(f"\nprotocol {protocol} ({result['n_sessions_scored']} sessions scored)")
        print(f"{'run':>12}  recall@{k}  per-target  ndcg@{k}  tail@{k}  gini   p50 ms")
        for name, r in result["runs"].items():
            print(
                f"{name:>12}  {r[f'recall@{k}']:9.3f}  {r[f'recall@{k}_per_target']:10.3f}  "
                f"{r[f'ndcg@{k}']:7.3f}  {r[f'tail_share@{k}']:7.3f}  {r['gini']:.3f}  "
                f"{r['latency_p50_ms']:6.1f}"
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
    parser.add_argument(
        "--train",
        type=Path,
        action="append",
        help="sessions to learn from (collaborative model and fusion weights); repeatable",
    )
    parser.add_argument(
        "--kfold",
        type=int,
        default=0,
        metavar="K",
        help="learn from K-1 folds of --sessions (split by dialogue), evaluate on the rest",
    )
    parser.add_argument(
        "--protocol", help="comma-separated: all, dedup (default: both when dialogues name items)"
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
