"""Fine-tuning the product encoder on the shop's own data (an option of `tailtalk learn`).

Pairs are (what the shopper said, the text of the product they then wanted), from logged turns
with feedback or training dialogues. The loss is sentence-transformers' MultipleNegativesRanking
loss: in a batch, each shopper text must be closer to its own product than to every other
product of the batch (in-batch negatives). The result is a local model folder; its config names
it `tailtalk-finetuned/<name>`, so the index, which records the model that made its vectors,
refuses it until the catalogue is re-indexed into a fresh collection with it
(TAILTALK_EMBEDDER__MODEL=<folder>, TAILTALK_RETRIEVAL__COLLECTION=<new name>, tailtalk ingest).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path

from retrieval.errors import ConfigError

MIN_PAIRS = 64


def finetune_encoder(
    base_folder: Path,
    pairs: Sequence[tuple[str, str]],
    out: Path,
    *,
    epochs: int = 1,
    batch_size: int = 32,
    max_length: int = 128,
    learning_rate: float = 2e-5,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Trains a copy of the model in `base_folder` on `pairs` and saves it to `out`."""
    if len(pairs) < MIN_PAIRS:
        raise ConfigError(
            f"fine-tuning the encoder needs at least {MIN_PAIRS} (text, product) pairs; got "
            f"{len(pairs)}: log more sessions with feedback first"
        )
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    torch.manual_seed(seed)
    model = SentenceTransformer(str(base_folder), device="cpu", local_files_only=True)
    model.max_seq_length = max_length
    loss = MultipleNegativesRankingLoss(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    rng = random.Random(seed)
    model.train()
    for _ in range(epochs):
        order = list(pairs)
        rng.shuffle(order)
        for start in range(0, len(order) - 1, batch_size):
            batch = order[start : start + batch_size]
            if len(batch) < 2:
                continue  # one pair has no in-batch negative
            features = [
                model.preprocess([a for a, _ in batch]),
                model.preprocess([b for _, b in batch]),
            ]
            value = loss(features, None)
            optimizer.zero_grad()
            value.backward()
            optimizer.step()
            if progress is not None:
                progress(len(batch))
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    digest = hashlib.sha256(json.dumps(sorted(pairs)).encode()).hexdigest()[:12]
    config_path = out / "config.json"
    config = json.loads(config_path.read_text())
    config["_name_or_path"] = f"tailtalk-finetuned/{out.name}-{digest}"
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    return out
