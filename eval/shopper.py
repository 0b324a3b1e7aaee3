"""A target-aware simulated shopper for multi-turn runs.

Each shopper wants one product. They open with its kind only ("I'm looking for a yoga mat."),
answer a clarifying question with facts of the target (its attributes, then a budget just above
its price), and when the target is not shown they add the next fact ("Something in blue."), until
the target is shown or the turns run out. Reports whether the target was shown within N turns
and after how many. Deterministic for a seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from agent.agent import Agent
from agent.render import reply_markdown
from agent.types import Message
from eval.simulator import product_type
from retrieval.popularity import Band, PopularityBands
from retrieval.types import Product

_SKIP = frozenset({"type", "size", "weight", "battery life", "capacity", "width", "drop"})
_BUDGETS = (10, 15, 20, 25, 30, 40, 50, 60, 75, 100, 150, 200, 300, 500, 1000)


def kind_of(product: Product) -> str | None:
    return product.attributes.get("Type") or product_type(product.title)


def facts(product: Product) -> list[str]:
    out = []
    for key, value in product.attributes.items():
        if key.casefold() in _SKIP or len(value) > 30:
            continue
        if value.casefold() in ("yes", "no"):
            out.append(key.casefold() if value.casefold() == "yes" else f"not {key.casefold()}")
        else:
            out.append(f"{key.casefold()} {value}")
    if product.price is not None:
        budget = next((b for b in _BUDGETS if b >= product.price), None)
        if budget:
            out.append(f"under ${budget}")
    return out


@dataclass
class ShopperResult:
    target: str
    band: Band
    hit_turn: int | None  # 1-based turn at which the target was shown


def sample_targets(
    products: Sequence[Product], bands: PopularityBands, per_band: int, seed: int
) -> list[Product]:
    rng = random.Random(seed)
    out: list[Product] = []
    for band in (Band.HEAD, Band.TORSO, Band.TAIL):
        pool = [p for p in products if bands.band(p.id) is band and kind_of(p)]
        out += rng.sample(pool, min(per_band, len(pool)))
    return out


def simulate(agent: Agent, target: Product, band: Band, max_turns: int, name: str) -> ShopperResult:
    kind = kind_of(target) or "product"
    article = "an" if kind[0].casefold() in "aeiou" else "a"
    said = [f"I'm looking for {article} {kind.casefold()}."]
    remaining = facts(target)
    history: list[Message] = []
    for turn in range(1, max_turns + 1):
        history.append(Message(role="user", content=" ".join(said)))
        reply = agent.reply(history, f"{name}-{target.id}")
        if target.id in {c.id for c in reply.recommendations}:
            return ShopperResult(target.id, band, turn)
        history.append(Message(role="assistant", content=reply_markdown(reply)))
        if reply.clarifying_question:
            said = [f"It's {article} {kind.casefold()}"] + (remaining[:2] or [])
            said = [", ".join(said) + "."]
            remaining = remaining[2:]
        elif remaining:
            said = [f"Something with {remaining.pop(0)}."]
        else:
            said = ["Show me more."]
    return ShopperResult(target.id, band, None)
