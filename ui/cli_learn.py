"""The `tailtalk` commands that learn: `learn` (collaborative model and fusion weights from the
session log and imported interactions, into a new model version), `ingest-interactions` (orders,
reviews, clicks from files), and the JSON output of `search`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from agent.settings import Settings
from agent.types import FeedbackKind
from retrieval.learning.interactions import INTERACTION_FORMATS, Interaction

if TYPE_CHECKING:
    from agent.log import SessionLog
    from agent.shop import Shop
    from retrieval.learning.registry import ModelRegistry
    from retrieval.learning.train import TrainingTurn
    from retrieval.pipeline import TailSearch

# The session log's feedback kinds as interaction events (a dislike is never interest).
# Feedback that says the shopper wanted the product, as interaction events (a click too).
_FEEDBACK_EVENTS = {k.value: k.value for k in FeedbackKind if k is not FeedbackKind.DISLIKE}


def add_commands(commands: argparse._SubParsersAction) -> None:
    learn = commands.add_parser(
        "learn", help="learn relevance from the session log and imported interactions"
    )
    learn.add_argument("--seed", type=int, default=0)
    learn.add_argument(
        "--activate", metavar="VERSION", help="only point the shop at this model version"
    )
    learn.add_argument(
        "--min-turns", type=int, default=None, help="logged turns with feedback needed (30)"
    )
    learn.add_argument(
        "--finetune-encoder",
        action="store_true",
        help="also fine-tune the product encoder on (shopper text, wanted product) pairs; "
        "using it means re-indexing the catalogue",
    )
    learn.add_argument("--epochs", type=int, default=1, help="fine-tuning epochs")
    learn.set_defaults(run=run_learn)

    ingest = commands.add_parser(
        "ingest-interactions",
        help="import interactions (user_id,item_id,event,timestamp CSV/Parquet, Amazon reviews)",
    )
    ingest.add_argument("path", type=__import__("pathlib").Path)
    ingest.add_argument("--format", default="auto", choices=INTERACTION_FORMATS)
    ingest.set_defaults(run=run_ingest_interactions)


def registry(settings: Settings) -> ModelRegistry:
    from retrieval.learning.registry import ModelRegistry

    return ModelRegistry(settings.data_dir / "models", settings.retrieval.refresh_seconds)


def interaction_store_path(settings: Settings) -> Any:
    return settings.data_dir / "interactions.sqlite"


def run_ingest_interactions(args: argparse.Namespace, settings: Settings) -> int:
    from retrieval.learning.interactions import InteractionStore, read_interactions

    interactions = read_interactions(args.path, args.format)
    store = InteractionStore(interaction_store_path(settings))
    added = store.add(args.path, interactions)
    users = len({i.user_id for i in interactions})
    items = len({i.item_id for i in interactions})
    if added == 0 and interactions:
        print(f"{args.path} was imported before; nothing added")
    else:
        print(f"imported {added} interactions ({users} users, {items} products) from {args.path}")
    print(f"the interaction store now holds {store.count()}; run `tailtalk learn` to use them")
    return 0


def log_interactions(log: SessionLog) -> list[Interaction]:
    from retrieval.learning.interactions import EVENT_WEIGHTS

    out = []
    for event in log.feedback_events():
        kind = _FEEDBACK_EVENTS.get(event.kind)
        if kind is None:
            continue
        user = event.shopper_id or f"session:{event.session_id}"
        out.append(Interaction(user, event.product_id, kind, event.created_at, EVENT_WEIGHTS[kind]))
    return out


def log_turns(log: SessionLog, shop: Shop) -> list[TrainingTurn]:
    """Each logged turn that got positive feedback, read as the agent reads the dialogue."""
    from agent.log import export_sessions
    from agent.training import training_turn
    from agent.types import Message

    return [
        training_turn(
            [Message(**m) for m in record["turns"]],
            shop,
            record["targets"],
            record["shopper_id"] or record["log_session_id"],
            tuple((i["product_id"], float(i["propensity"])) for i in record["impressions"]),
        )
        for record in export_sessions(log)
        if record["targets"]
    ]


def _shop(settings: Settings, log: SessionLog) -> Shop:
    from agent.factory import build_shop

    return build_shop(settings, log)


def run_learn(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from agent.factory import open_log
    from retrieval.learning.interactions import InteractionStore
    from retrieval.learning.train import MIN_TURNS, learn

    models = registry(settings)
    if args.activate:
        models.activate(args.activate)
        print(f"the shop now uses model {args.activate} ({models.root})")
        return 0
    log = open_log(settings)
    shop = _shop(settings, log)
    imported = list(InteractionStore(interaction_store_path(settings)).all())
    interactions = imported + log_interactions(log)
    turns = log_turns(log, shop)
    print(
        f"learning from {len(turns)} logged turns with feedback, {len(imported)} imported and "
        f"{len(interactions) - len(imported)} logged interactions"
    )
    with tqdm(total=len(turns), desc="learn", unit="turn") as bar:
        model, report = learn(
            turns,
            interactions,
            shop.search_pipeline,
            seed=args.seed,
            progress=bar.update,
            min_turns=args.min_turns if args.min_turns is not None else MIN_TURNS,
        )

    def write(folder: Any) -> Any:
        model.save(folder)
        return model

    version = models.publish(write)
    print(report.summary())
    if args.finetune_encoder:
        _finetune(settings, shop, turns, models.root / version / "encoder", args.epochs)
    if not report.usable:
        print(
            f"model {version} was written to {models.root / version} but is NOT used: too "
            "little data; the shop keeps "
            + (
                f"model {models.current_version()}"
                if models.current_version()
                else "the hand-set relevance"
            ),
            file=sys.stderr,
        )
        return 1
    print(f"model {version} is now in use ({models.root / version}); running servers pick it up")
    return 0


def _finetune(
    settings: Settings, shop: Shop, turns: Sequence[TrainingTurn], out: Any, epochs: int
) -> None:
    from tqdm import tqdm

    from retrieval.embedder import resolve_model_folder
    from retrieval.learning.finetune import finetune_encoder
    from retrieval.text import product_text

    pairs = [(t.query, product_text(p)) for t in turns for p in shop.get_many(list(t.targets))]
    with tqdm(total=len(pairs) * epochs, desc="fine-tune", unit="pair") as bar:
        folder = finetune_encoder(
            resolve_model_folder(settings.embedder.model),
            pairs,
            out,
            epochs=epochs,
            progress=bar.update,
        )
    print(
        f"fine-tuned encoder written to {folder}. To use it, re-index into a fresh collection: "
        f"TAILTALK_EMBEDDER__MODEL={folder} TAILTALK_RETRIEVAL__COLLECTION=products-ft "
        "tailtalk ingest CATALOGUE (then serve with the same two settings)"
    )


def search_json(
    search: TailSearch, query: str, filters: Any, k: int, like: Sequence[str] = ()
) -> Iterable[str]:
    """One JSON object per hit: id, title, score, rank, band and the signals behind the score."""
    _, _, version = search.relevance.model()
    for r in search.search(query, filters, k, record=False, like=like):
        c = r.candidate
        yield json.dumps(
            {
                "query": query,
                "id": c.product.id,
                "title": c.product.title,
                "score": round(c.score, 6),
                "rank": r.rank,
                "band": c.band.value,
                "signals": c.signals,
                "model": version,
            }
        )


def fused_search(settings: Settings) -> TailSearch:
    """The shop's relevance (learned model if published, else hand-set) without re-ranking:
    what `tailtalk search` shows."""
    from retrieval.factory import open_search

    rerank = settings.rerank.model_copy(update={"policy": "none"})
    return open_search(settings, rerank=rerank)


def print_lines(lines: Sequence[str] | Iterable[str]) -> None:
    for line in lines:
        print(line, flush=True)
