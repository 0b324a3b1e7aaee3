from __future__ import annotations

import numpy as np
import pytest

from retrieval.config import EmbedderSettings
from retrieval.embedder import HFEmbedder, bucketed, model_identity
from retrieval.errors import ConfigError


def test_vectors_are_unit_length_and_batch_independent(embedder):
    texts = ["waterproof trail running shoe", "dark roast coffee beans", "a" * 3000, "lamp"]
    together = embedder.embed(texts)
    alone = np.stack([embedder.embed([t])[0] for t in texts])
    assert together.shape == (4, 384)
    assert together.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(together, alone, atol=1e-4)


def test_similar_meaning_is_closer(embedder):
    query, near, far = embedder.embed(
        ["shoes for running on muddy trails", "trail running sneakers", "stainless steel saucepan"]
    )
    assert query @ near > query @ far + 0.2


def test_default_model_identity():
    assert model_identity("all-MiniLM-L6-v2") == "sentence-transformers/all-MiniLM-L6-v2"


def test_missing_model_folder_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"no config\.json"):
        HFEmbedder(EmbedderSettings(model=str(tmp_path)))


def test_identity_names_backend_and_token_budget():
    base = "sentence-transformers/all-MiniLM-L6-v2"
    assert model_identity(EmbedderSettings(backend="onnx-int8")) == base + "+onnx-int8"
    assert model_identity(EmbedderSettings(max_length=128)) == base + "+128tokens"


def test_length_buckets_cover_every_row_once_and_keep_lengths_together():
    lengths = [5, 300, 7, 40, 6, 250, 41, 8] * 50
    batches = bucketed(lengths, 16)
    assert sorted(r for b in batches for r in b) == list(range(len(lengths)))
    spans = [max(lengths[r] for r in b) - min(lengths[r] for r in b) for b in batches]
    assert max(spans) < 300 - 5  # never the shortest and the longest in one batch
    assert max(len(b) for b in batches) > 16  # short texts go in bigger batches
    assert all(len(b) * max(lengths[r] for r in b) <= 16 * 64 or len(b) <= 16 for b in batches)


@pytest.mark.slow
def test_onnx_int8_agrees_with_pytorch(tmp_path_factory, embedder, demo_products):
    from retrieval.onnx_embedder import OnnxEmbedder
    from retrieval.text import product_text

    onnx = OnnxEmbedder(EmbedderSettings(backend="onnx-int8"), tmp_path_factory.mktemp("models"))
    assert onnx.dim == embedder.dim and onnx.model_id.endswith("+onnx-int8")
    texts = [product_text(p) for p in demo_products[::6]]
    quantised, reference = onnx.embed(texts), embedder.embed(texts)
    np.testing.assert_allclose(np.linalg.norm(quantised, axis=1), 1.0, atol=1e-4)
    cosine = (quantised * reference).sum(axis=1)
    assert cosine.mean() >= 0.99 and cosine.min() >= 0.95
    # The neighbours it finds are the PyTorch encoder's neighbours.
    query = ["a fragrance-free moisturizer"]
    ours = np.argsort(-(quantised @ onnx.embed(query)[0]))[:10]
    theirs = np.argsort(-(reference @ embedder.embed(query)[0]))[:10]
    assert len(set(ours) & set(theirs)) >= 8
