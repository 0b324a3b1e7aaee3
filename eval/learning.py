"""Learning inside an offline evaluation: training turns from sessions, folds by dialogue, and the
shop the evaluated agent runs on.

- `training_turns` reads each session as the agent would (the rules reading of the dialogue): the
  search query it would send, the products it would name as anchors (`like`), every product the
  dialogue named (the session's mentioned items), and the hard constraints; the session's targets
  are what was wanted.
- `folds` splits sessions into k folds by dialogue (`redial-16162-2` and `redial-16162-4` are the
  same dialogue), so no dialogue is on both sides of a split.
- `EvalShop` is the agent's Shop with what the agent does not pass to search yet: the products
  the dialogue named (RerankContext.session.mentioned), and, under the "all" protocol, lets
  products the dialogue named be recommended again (benchmarks count them as hits; the agent
  itself never re-recommends them).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace

from agent.shop import Shop
from agent.training import training_turn
from eval.sessions import EvalSession
from retrieval.learning.interactions import Interaction
from retrieval.learning.registry import LearnedModel
from retrieval.learning.train import LearnReport, TrainingTurn, learn
from retrieval.pipeline import TailSearch
from retrieval.rerank.base import Ranked, RerankContext
from retrieval.types import SearchFilters

ALL, DEDUP = "all", "dedup"
PROTOCOLS = (ALL, DEDUP)


def dialogue_of(session_id: str) -> str:
    """The dialogue a benchmark turn belongs to: the id without its trailing turn number."""
    head, sep, tail = session_id.rpartition("-")
    return head if sep and tail.isdigit() and head.count("-") >= 1 else session_id


def folds(sessions: Sequence[EvalSession], k: int, seed: int = 0) -> list[list[EvalSession]]:
    dialogues = sorted({dialogue_of(s.session_id) for s in sessions})
    random.Random(seed).shuffle(dialogues)
    fold_of = {d: i % k for i, d in enumerate(dialogues)}
    out: list[list[EvalSession]] = [[] for _ in range(k)]
    for session in sessions:
        out[fold_of[dialogue_of(session.session_id)]].append(session)
    return out


def training_turns(sessions: Sequence[EvalSession], shop: Shop) -> list[TrainingTurn]:
    return [
        training_turn(
            list(session.turns),
            shop,
            session.targets,
            dialogue_of(session.session_id),
            tuple(
                (str(i["product_id"]), float(i.get("propensity") or 1.0))
                for i in session.impressions or ()
            ),
        )
        for session in sessions
        if session.targets
    ]


def train(
    sessions: Sequence[EvalSession],
    shop: Shop,
    interactions: Sequence[Interaction] = (),
    seed: int = 0,
) -> tuple[LearnedModel, LearnReport]:
    from tqdm import tqdm

    turns = training_turns(sessions, shop)
    with tqdm(total=len(turns), desc="learn", unit="turn", leave=False) as bar:
        return learn(turns, interactions, shop.search_pipeline, seed=seed, progress=bar.update)


class EvalShop(Shop):
    """The agent's Shop, told per evaluated session which products its dialogue named."""

    def __init__(
        self,
        search: TailSearch,
        named: Mapping[str, frozenset[str]],
        protocol: str = DEDUP,
    ) -> None:
        super().__init__(search)
        self.named = named
        self.protocol = protocol

    def search(
        self,
        query: str,
        filters: SearchFilters,
        k: int,
        context: RerankContext,
        like: Sequence[str] = (),
    ) -> list[Ranked]:
        named = self.named.get(context.session_id.removeprefix("eval-"), frozenset())
        if named:
            session = replace(context.session, mentioned=tuple(sorted(named)))
            context = replace(context, session=session)
            if self.protocol == ALL:
                filters = filters.model_copy(update={"exclude_ids": filters.exclude_ids - named})
        return super().search(query, filters, k, context, like)
