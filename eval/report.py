"""From runs to numbers, words and pictures: metrics.json, report.md and the plots.

metrics.json (keys are an interface; `@k` is written as the number, e.g. recall@10):

    {"n_sessions": int, "k": int, "runs": {"<run>": {"recall@k", "ndcg@k", "mrr", "hit@k",
     "tail_share@k", "coverage@k", "gini", "novelty", "ild", "hallucination_rate",
     "constraint_violation_rate", "latency_p50_ms", "latency_p95_ms",
     "by_band": {"head": {"recall@k", "ndcg@k", "hit@k", "n"}, "torso": {...}, "tail": {...}}}},
     ...}

Accuracy is averaged over sessions that have targets. `by_band` takes each (session, target) pair
on its own, grouped by the target's popularity band. Extra top-level keys (failures, off-policy
estimates, simulator) are added by run_offline.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eval import metrics as m
from eval.runner import Run
from eval.sessions import EvalSession
from retrieval.popularity import Band, PopularityBands

# Published Recall@10 on ReDial with the iEvaLM processing of this data (original setting).
PUBLISHED_REDIAL = {"KBRD": 0.169, "UniCRS": 0.215, "ChatGPT": 0.174}


def run_metrics(
    run: Run,
    sessions: Sequence[EvalSession],
    bands: PopularityBands,
    vectors: Callable[[Sequence[str]], np.ndarray],
    catalogue: Sequence[str],
    k: int,
) -> dict[str, Any]:
    done = [s for s in sessions if s.session_id in run.outcomes]
    scored = [s for s in done if s.targets]
    lists = {s.session_id: run.outcomes[s.session_id].ranked for s in done}
    tail = bands.members(Band.TAIL)

    def mean(values: list[float]) -> float:
        return float(np.mean(values)) if values else 0.0

    def accuracy(pairs: list[tuple[list[str], set[str]]]) -> dict[str, float]:
        return {
            f"recall@{k}": mean([m.recall_at_k(r, t, k) for r, t in pairs]),
            f"ndcg@{k}": mean([m.ndcg_at_k(r, t, k) for r, t in pairs]),
            "mrr": mean([m.mrr(r, t, k) for r, t in pairs]),
            f"hit@{k}": mean([m.hit_at_k(r, t, k) for r, t in pairs]),
        }

    out: dict[str, Any] = accuracy([(lists[s.session_id], set(s.targets)) for s in scored])
    per_target = [(lists[s.session_id], {t}, bands.band(t)) for s in scored for t in s.targets]
    out[f"recall@{k}_per_target"] = mean([m.recall_at_k(r, t, k) for r, t, _ in per_target])
    all_lists = list(lists.values())
    out[f"tail_share@{k}"] = mean([m.tail_share(r, tail, k) for r in all_lists if r])
    out[f"coverage@{k}"] = m.coverage(all_lists, len(catalogue), k)
    out["gini"] = m.exposure_gini(all_lists, catalogue, k)
    out["novelty"] = mean([m.novelty(r, bands.counts, k) for r in all_lists if r])
    out["ild"] = mean([m.intra_list_diversity(vectors(r[:k])) for r in all_lists if len(r) > 1])
    outcomes = [run.outcomes[s.session_id] for s in done]
    out["hallucination_rate"] = mean([float(o.hallucinated) for o in outcomes])
    out["constraint_violation_rate"] = mean([float(o.violated) for o in outcomes])
    latencies = [o.latency_ms for o in outcomes]
    out["latency_p50_ms"] = float(np.percentile(latencies, 50)) if latencies else 0.0
    out["latency_p95_ms"] = float(np.percentile(latencies, 95)) if latencies else 0.0
    out["by_band"] = {}
    for band in Band:
        pairs = [(r, t) for r, t, b in per_target if b is band]
        numbers = accuracy(pairs)
        out["by_band"][band.value] = {
            f"recall@{k}": numbers[f"recall@{k}"],
            f"ndcg@{k}": numbers[f"ndcg@{k}"],
            f"hit@{k}": numbers[f"hit@{k}"],
            "n": len(pairs),
        }
    out["sessions_scored"] = len(scored)
    out["failures"] = len(run.failures)
    return out


def write_outputs(out: Path, metrics: dict[str, Any], notes: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    k = metrics["k"]
    plot_quality_vs_tail(metrics, k, out / "quality_vs_tail.png")
    plot_by_band(metrics, k, out / "recall_by_band.png")
    (out / "report.md").write_text(markdown(metrics, notes) + "\n")


def markdown(metrics: dict[str, Any], notes: dict[str, Any]) -> str:
    k = metrics["k"]
    runs = metrics["runs"]
    lines = [
        "# TailTalk offline evaluation",
        "",
        f"{metrics['n_sessions']} sessions from {', '.join(notes['sessions'])}; catalogue "
        f"{notes['catalog']} ({notes['products']} products); backend `{notes['backend']}`; "
        f"k = {k}; default policy: {notes['default_policy']}.",
        "",
        f"| run | Recall@{k} | NDCG@{k} | MRR | Hit@{k} | tail share | coverage | Gini | "
        "novelty | ILD | hallucination | violations | p50 / p95 ms |",
        "|" + "---|" * 13,
    ]
    for name, r in runs.items():
        lines.append(
            f"| {name} | {r[f'recall@{k}']:.3f} | {r[f'ndcg@{k}']:.3f} | {r['mrr']:.3f} "
            f"| {r[f'hit@{k}']:.3f} | {r[f'tail_share@{k}']:.3f} | {r[f'coverage@{k}']:.3f} "
            f"| {r['gini']:.3f} | {r['novelty']:.2f} | {r['ild']:.3f} "
            f"| {r['hallucination_rate']:.3f} | {r['constraint_violation_rate']:.3f} "
            f"| {r['latency_p50_ms']:.1f} / {r['latency_p95_ms']:.1f} |"
        )
    lines += [
        "",
        "![ranking quality against tail share](quality_vs_tail.png)",
        "",
        f"Recall@{k} by the target's popularity band (per target item; n = targets):",
        "",
        "| run | head | torso | tail |",
        "|---|---|---|---|",
    ]
    for name, r in runs.items():
        cells = [
            f"{r['by_band'][b][f'recall@{k}']:.3f} (n={r['by_band'][b]['n']})"
            for b in ("head", "torso", "tail")
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "![recall by band](recall_by_band.png)", ""]
    for protocol, result in metrics.get("protocols", {}).items():
        if protocol == metrics.get("protocol"):
            continue
        lines += [
            f"## Protocol `{protocol}` ({result['n_sessions_scored']} sessions scored)",
            "",
            PROTOCOL_NOTES.get(protocol, ""),
            "",
            f"| run | Recall@{k} | per target | NDCG@{k} | MRR | tail share | Gini |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, r in result["runs"].items():
            lines.append(
                f"| {name} | {r[f'recall@{k}']:.3f} | {r[f'recall@{k}_per_target']:.3f} "
                f"| {r[f'ndcg@{k}']:.3f} | {r['mrr']:.3f} | {r[f'tail_share@{k}']:.3f} "
                f"| {r['gini']:.3f} |"
            )
        lines.append("")
    if metrics.get("learning"):
        lines += _learning(metrics["learning"])
    if notes.get("redial"):
        lines += _redial(runs, k)
    for section in ("bands", "definitions"):
        if notes.get(section):
            lines += ["", notes[section]]
    if metrics.get("ope"):
        lines += ["", "## Off-policy estimates", "", _ope(metrics["ope"])]
    if metrics.get("simulator"):
        lines += ["", "## Simulated multi-turn shoppers", "", _simulator(metrics["simulator"])]
    failures = metrics.get("failures", [])
    lines += ["", f"## Failures: {len(failures)}", ""]
    lines += [f"- {f['where']}: {f['error']}" for f in failures[:50]]
    if len(failures) > 50:
        lines.append(f"- ... and {len(failures) - 50} more (metrics.json lists all)")
    return "\n".join(lines)


PROTOCOL_NOTES = {
    "all": "Every target counts; a product the dialogue already named may be recommended again.",
    "dedup": "Targets the dialogue already named are dropped (sessions left without a target are "
    "not scored) and named products are taken out of every list.",
}


def _learning(learning: dict[str, Any]) -> list[str]:
    lines = [
        "## Learned models",
        "",
        f"Trained on {', '.join(learning['train']) or 'no extra file'}"
        + (f", {learning['kfold']}-fold by dialogue" if learning.get("kfold") else "")
        + ".",
        "",
        "| fold | sessions evaluated | training turns | items | fusion | held-out R@10 hand / "
        "learned | used |",
        "|---|---|---|---|---|---|---|",
    ]
    for model in learning["models"]:
        held = model["holdout_recall@10"]
        used = "yes" if model["usable"] else "no: " + "; ".join(model["reasons"])
        lines.append(
            f"| {model['fold']} | {model['sessions']} | {model['trained_on']['turns']} "
            f"| {model['trained_on']['items']} | {model['fusion']} | {held['hand-set']:.3f} / "
            f"{held['learned']:.3f} | {used} |"
        )
    weights = learning["models"][0]["weights"]
    lines += [
        "",
        "Fusion weights (first model): " + ", ".join(f"{k} {v:.3f}" for k, v in weights.items()),
        "",
    ]
    return lines


def _redial(runs: dict[str, Any], k: int) -> list[str]:
    lines = [
        "## Against published ReDial results",
        "",
        f"Recall@{k} per target item (each target of a turn counted on its own, as CRSLab and "
        "iEvaLM count it), with the published numbers on this processing (iEvaLM, original "
        "setting; they report the test split, this is the validation split):",
        "",
        f"| system | Recall@{k} |",
        "|---|---|",
    ]
    lines += [f"| {name} (published) | {value:.3f} |" for name, value in PUBLISHED_REDIAL.items()]
    lines += [f"| {name} (here) | {r[f'recall@{k}_per_target']:.3f} |" for name, r in runs.items()]
    return lines


def _ope(ope: dict[str, Any]) -> str:
    if "refused" in ope:
        return f"Not estimated: {ope['refused']}"
    lines = [
        f"Logged turns: {ope['n']}; logged top-slot feedback rate {ope['logged_rate']:.4f}.",
        "",
        "| candidate policy | matches | IPS (95% CI) | SNIPS (95% CI) |",
        "|---|---|---|---|",
    ]
    for name, e in ope["policies"].items():
        lines.append(
            f"| {name} | {e['matches']} | {e['ips']:.4f} ({e['ips_ci'][0]:.4f}, "
            f"{e['ips_ci'][1]:.4f}) | {e['snips']:.4f} ({e['snips_ci'][0]:.4f}, "
            f"{e['snips_ci'][1]:.4f}) |"
        )
    return "\n".join(lines)


def _simulator(sim: dict[str, Any]) -> str:
    lines = [
        f"{sim['shoppers']} shoppers, each with one target product, up to {sim['max_turns']} "
        "turns each (they answer clarifying questions from the target's attributes and refine "
        "when it is not shown).",
        "",
        f"| policy | hit within {sim['max_turns']} turns | average turns to a hit |",
        "|---|---|---|",
    ]
    for name, r in sim["policies"].items():
        lines.append(f"| {name} | {r['hit_rate']:.3f} | {r['avg_turns_to_hit']:.2f} |")
    return "\n".join(lines)


def plot_quality_vs_tail(metrics: dict[str, Any], k: int, path: Path) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 5))
    for name, r in metrics["runs"].items():
        agent_run = name not in ("popularity", "bm25", "dense", "itemknn")
        ax.scatter(
            r[f"tail_share@{k}"],
            r[f"ndcg@{k}"],
            s=70,
            marker="o" if agent_run else "s",
            color="tab:blue" if agent_run else "dimgray",
            zorder=3,
        )
        ax.annotate(
            name,
            (r[f"tail_share@{k}"], r[f"ndcg@{k}"]),
            textcoords="offset points",
            xytext=(5, 5),
            fontsize=9,
        )
    ax.set_xlabel(f"tail share of the top {k}")
    ax.set_ylabel(f"NDCG@{k}")
    ax.set_title(
        "Ranking quality against tail share (circles: TailTalk, squares: baselines)", fontsize=10
    )
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_by_band(metrics: dict[str, Any], k: int, path: Path) -> None:
    plt = _pyplot()
    runs = metrics["runs"]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(runs)), 4.5))
    width = 0.8 / 3
    x = np.arange(len(runs))
    for i, band in enumerate(("head", "torso", "tail")):
        values = [r["by_band"][band][f"recall@{k}"] for r in runs.values()]
        ax.bar(x + (i - 1) * width, values, width, label=f"{band} targets")
    ax.set_xticks(x, list(runs), rotation=20)
    ax.set_ylabel(f"Recall@{k}")
    ax.set_title(f"Recall@{k} by the target's popularity band", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
