from __future__ import annotations

import numpy as np
import pytest

from retrieval.config import EmbedderSettings
from retrieval.embedder import HFEmbedder, model_identity
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
