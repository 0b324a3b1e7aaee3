"""Training (`tailtalk learn`): the collaborative model and the fusion weights, from logged turns
and interactions, checked on held-out turns before they are used.

Inputs:
- TrainingTurns: one search each (its query, what the session was about, the products wanted
  afterwards, and, for logged turns, what was shown with which propensity). From the session log
  (turns with feedback), benchmark training dialogues, or evaluation sessions.
- Interactions: imported files (orders, reviews) and the session log's feedback.

Steps:
1. Item-kNN over every interaction, with each training turn's session items and targets as one
   more "user" (co-mentions in a dialogue, co-purchases in an order).
2. For each training turn, the candidate pool and its signals, exactly as search computes them,
   with a collaborative model fitted on the other folds only (the turn's own targets must not
   leak into its collab signal). Labels: 1 for the wanted products; weights: inverse propensity.
3. Logistic regression on a part of the turns; kept only when it beats the hand-set fusion on the
   held-out rest (Recall@10 of the pool ranking). Too little data: the model says so and is
   written with `usable: false`.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from retrieval.learning.collaborative import ItemKNN, WeightedEvent
from retrieval.learning.fusion import Examples, LinearFusion, fit_fusion
from retrieval.learning.interactions import EVENT_WEIGHTS, Interaction
from retrieval.learning.registry import LearnedModel
from retrieval.learning.relevance import FusedRelevance
from retrieval.learning.signals import SessionItems
from retrieval.types import SearchFilters

if TYPE_CHECKING:
    from retrieval.pipeline import TailSearch

MIN_TURNS = 30  # turns whose wanted product is in the candidate pool, to learn weights
MIN_EVENTS = 50  # interactions, to fit the collaborative model
MIN_USERS = 5
FOLDS = 3
K = 10


@dataclass(frozen=True)
class TrainingTurn:
    group: str  # the shopper, session or dialogue: one "user" of the collaborative model
    query: str
    targets: tuple[str, ...]
    session: SessionItems = field(default_factory=SessionItems)
    filters: SearchFilters = field(default_factory=SearchFilters)
    # Logged impressions (product id, propensity); empty when the turn was not logged by a shop.
    shown: tuple[tuple[str, float], ...] = ()


@dataclass
class LearnReport:
    turns: int = 0
    turns_with_target_in_pool: int = 0
    interactions: int = 0
    users: int = 0
    items: int = 0
    holdout_recall_hand: float = 0.0
    holdout_recall_learned: float = 0.0
    fusion: str = "hand-set"
    usable: bool = False
    reasons: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"trained on {self.turns} turns ({self.turns_with_target_in_pool} with the wanted "
            f"product among the candidates) and {self.interactions} interactions "
            f"({self.users} users, {self.items} products) in {self.seconds:.1f} s",
            f"fusion: {self.fusion} (held-out Recall@{K}: hand-set "
            f"{self.holdout_recall_hand:.3f}, learned {self.holdout_recall_learned:.3f})",
        ]
        if not self.usable:
            lines.append("NOT USED: " + "; ".join(self.reasons))
        elif self.reasons:
            lines.append("note: " + "; ".join(self.reasons))
        return "\n".join(lines)


def collaborative_events(
    turns: Sequence[TrainingTurn], interactions: Iterable[Interaction]
) -> list[WeightedEvent]:
    events = [
        WeightedEvent(f"user:{i.user_id}", i.item_id, i.weight)
        for i in interactions
        if i.weight > 0
    ]
    for turn in turns:
        for pid in dict.fromkeys([*turn.session.anchors(), *turn.targets]):
            events.append(WeightedEvent(f"turn:{turn.group}", pid, EVENT_WEIGHTS["like"]))
    return events


def demand_counts(
    turns: Sequence[TrainingTurn], interactions: Iterable[Interaction]
) -> dict[str, float]:
    """Interest per product: its positive interactions plus the training turns that named or
    wanted it."""
    counts: Counter[str] = Counter(i.item_id for i in interactions if i.weight > 0)
    for turn in turns:
        counts.update(dict.fromkeys([*turn.session.anchors(), *turn.targets], 1))
    return {pid: float(n) for pid, n in counts.items()}


def learn(
    turns: Sequence[TrainingTurn],
    interactions: Sequence[Interaction],
    search: TailSearch | None,
    *,
    holdout: float = 0.2,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    min_turns: int = MIN_TURNS,
    min_events: int = MIN_EVENTS,
) -> tuple[LearnedModel, LearnReport]:
    """A model (not yet published) and what training found. `progress(n)` is told of every n
    turns processed (for a progress bar)."""
    started = time.perf_counter()
    report = LearnReport(turns=len(turns), interactions=len(interactions))
    events = collaborative_events(turns, interactions)
    collaborative: ItemKNN | None = None
    if len(events) >= min_events and len({e.user for e in events}) >= MIN_USERS:
        collaborative = ItemKNN.fit(events)
        report.users, report.items = collaborative.n_users, len(collaborative)
    else:
        report.reasons.append(
            f"{len(events)} interactions from {len({e.user for e in events})} users is too "
            f"little for the collaborative model (needs {min_events} from {MIN_USERS})"
        )
    base = search.relevance.fusion if search is not None else LinearFusion()
    fusion = base
    groups = sorted({t.group for t in turns})
    rng = random.Random(seed)
    rng.shuffle(groups)
    # Whole groups (dialogues, shoppers) go to one side, so no session is on both.
    held = set(groups[: int(len(groups) * holdout)])
    fold_of = {g: i % FOLDS for i, g in enumerate(groups)}
    folds = (
        {
            fold: FusedRelevance(base, model=m)
            for fold, m in _fold_models(turns, interactions, fold_of, min_events, base).items()
        }
        if search is not None and turns
        else {}
    )
    unfolded = FusedRelevance(base)
    train_parts: list[Examples] = []
    held_parts: list[Examples] = []
    if search is not None and turns:
        # One batched pass of the encoder for every query (far cheaper than one call per turn).
        vectors = search.retriever.embedder.embed([t.query or "products" for t in turns])
        for number, turn in enumerate(turns):
            relevance = folds.get(fold_of[turn.group], unfolded)
            part = _examples(turn, vectors[number], search, relevance, number)
            if part is not None:
                (held_parts if turn.group in held else train_parts).append(part)
            if progress is not None:
                progress(1)
    report.turns_with_target_in_pool = sum(
        int(p.labels.sum() > 0) for p in train_parts + held_parts
    )
    train = Examples.stack(train_parts)
    trainable = sum(1 for p in train_parts if p.labels.sum() > 0)
    if trainable >= min_turns and held_parts:
        learned = fit_fusion(train, seed=seed)
        report.holdout_recall_hand = _recall(held_parts, base)
        report.holdout_recall_learned = _recall(held_parts, learned)
        if report.holdout_recall_learned > report.holdout_recall_hand:
            fusion = learned
            report.fusion = "learned"
        else:
            report.reasons.append(
                "learned weights did not beat the hand-set ones on held-out turns"
            )
        # The kept weights are refitted on every turn, held-out ones too.
        if fusion is learned:
            fusion = fit_fusion(Examples.stack(train_parts + held_parts), seed=seed)
    else:
        report.reasons.append(
            f"{trainable} training turns with the wanted product among the candidates is too "
            f"few to learn fusion weights (needs {min_turns}); the hand-set weights stay"
        )
    report.usable = collaborative is not None or report.fusion == "learned"
    report.seconds = time.perf_counter() - started
    manifest: dict[str, Any] = {
        "usable": report.usable,
        "reasons": report.reasons,
        "created_at": time.time(),
        "trained_on": {
            "turns": report.turns,
            "turns_with_target_in_pool": report.turns_with_target_in_pool,
            "interactions": report.interactions,
            "users": report.users,
            "items": report.items,
        },
        "fusion": report.fusion,
        "weights": dict(fusion.weights),
        "holdout_recall@10": {
            "hand-set": report.holdout_recall_hand,
            "learned": report.holdout_recall_learned,
        },
        "seconds": report.seconds,
    }
    demand = demand_counts(turns, interactions)
    return LearnedModel("", fusion, collaborative, manifest, demand), report


def _fold_models(
    turns: Sequence[TrainingTurn],
    interactions: Sequence[Interaction],
    fold_of: dict[str, int],
    min_events: int,
    fusion: LinearFusion,
) -> dict[int, LearnedModel]:
    """Per fold, what the turns of that fold may see: a model fitted on the other folds."""
    out = {}
    for fold in range(FOLDS):
        others = [t for t in turns if fold_of[t.group] != fold]
        events = collaborative_events(others, interactions)
        collab = ItemKNN.fit(events) if len(events) >= min_events else None
        out[fold] = LearnedModel("", fusion, collab, {}, demand_counts(others, interactions))
    return out


def _examples(
    turn: TrainingTurn,
    query_vector: np.ndarray,
    search: TailSearch,
    relevance: FusedRelevance,
    number: int,
) -> Examples | None:
    retriever = search.retriever
    index = retriever.index
    if not turn.query.strip():
        return None
    vector = search.query_vector(query_vector, turn.session.liked)
    hits = retriever.search_vector(
        vector, turn.filters, search.n_candidates, index, text=turn.query
    )
    scored = relevance.score(
        index, turn.query, vector, hits, turn.filters, search.bands, turn.session
    )
    if not scored:
        return None
    ids = [index.products[s.row].id for s in scored]
    wanted = set(turn.targets)
    shown = dict(turn.shown)
    labels = np.array([1.0 if pid in wanted else 0.0 for pid in ids])
    propensities = np.array([shown.get(pid, 1.0) if pid in wanted else 1.0 for pid in ids])
    return Examples(
        np.stack([s.signals for s in scored]),
        labels,
        propensities,
        np.full(len(ids), number, dtype=np.int64),
    )


def _recall(parts: Sequence[Examples], fusion: LinearFusion) -> float:
    """Mean Recall@10 of ranking each held-out pool by `fusion` (turns with a target only)."""
    values = []
    for part in parts:
        wanted = part.labels.sum()
        if wanted == 0:
            continue
        order = np.argsort(-fusion.score(part.features), kind="stable")[:K]
        values.append(float(part.labels[order].sum() / wanted))
    return float(np.mean(values)) if values else 0.0
