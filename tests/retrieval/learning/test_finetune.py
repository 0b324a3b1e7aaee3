"""Fine-tuning the encoder: too few pairs is refused; a short real run gives a model folder the
embedder loads under a new identity (so an index made with the old model refuses it)."""

from __future__ import annotations

import pytest

from retrieval.config import DEFAULT_MODEL, EmbedderSettings
from retrieval.embedder import HFEmbedder, model_identity, resolve_model_folder
from retrieval.errors import ConfigError
from retrieval.learning.finetune import MIN_PAIRS, finetune_encoder


def test_too_few_pairs_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=f"at least {MIN_PAIRS}"):
        finetune_encoder(resolve_model_folder(DEFAULT_MODEL), [("a", "b")], tmp_path / "m")


@pytest.mark.slow
def test_a_short_run_moves_the_pairs_closer(tmp_path):
    colours = ["red", "blue", "green", "black", "white", "pink", "grey", "gold"]
    kinds = ["kettle", "lamp", "mug", "scarf", "towel", "vase", "rug", "clock"]
    pairs = [(f"a {c} {k} for my flat", f"{k.title()} in {c}") for c in colours for k in kinds]
    base = HFEmbedder(EmbedderSettings())
    query, product = pairs[0]
    before = float(base.embed([query])[0] @ base.embed([product])[0])
    folder = finetune_encoder(
        resolve_model_folder(DEFAULT_MODEL),
        pairs,
        tmp_path / "encoder",
        epochs=3,
        learning_rate=1e-4,
    )
    tuned = HFEmbedder(EmbedderSettings(model=str(folder)))
    after = float(tuned.embed([query])[0] @ tuned.embed([product])[0])
    assert after > before
    identity = model_identity(str(folder))
    assert identity.startswith("tailtalk-finetuned/encoder-") and identity != base.model_id
