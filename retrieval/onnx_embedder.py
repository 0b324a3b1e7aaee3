"""The same encoder through ONNX Runtime, int8: about twice the products per second on a CPU.

The model is exported here, locally, from the packaged (or configured) Hugging Face folder: the
PyTorch module with its mean pooling and L2 normalisation is traced to ONNX, ONNX Runtime's BERT
optimizer fuses attention and layer norms, and the MatMul weights are quantised to int8 per
output channel (dynamic quantisation: activations are quantised on the fly). Quantising only the
MatMuls keeps the embeddings within cosine 0.99 of the PyTorch encoder's on average (measured by
benchmarks/bench_retrieval.py and tests/retrieval/test_embedder.py); quantising the embedding
table and attention too was faster but fell to 0.95. Nothing is downloaded: the export needs the
`onnx` package and runs once, into `<data_dir>/models/`, and is reused after.

A different encoder means different vectors, so the model id the collection records names the
backend ("...+onnx-int8"): switching backends is refused until the catalogue is re-ingested.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.config import EmbedderSettings
from retrieval.embedder import bucketed, model_identity, resolve_model_folder
from retrieval.errors import ConfigError

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_int8(model_folder: Path, out: Path) -> Path:
    """Writes `<out>/model.int8.onnx` (and the fp32 export beside it) unless it is there."""
    target = out / "model.int8.onnx"
    if target.is_file():
        return target
    try:
        import onnx
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from onnxruntime.transformers.optimizer import optimize_model
        from transformers import AutoModel
    except ImportError as exc:
        raise ConfigError(
            f"exporting the encoder to ONNX needs the `onnx` package ({exc.name} is missing); "
            "run `make setup`, or set TAILTALK_EMBEDDER__BACKEND=torch"
        ) from exc
    out.mkdir(parents=True, exist_ok=True)
    model = AutoModel.from_pretrained(model_folder, local_files_only=True, dtype=torch.float32)
    model.eval()

    class Pooled(torch.nn.Module):
        def __init__(self, encoder: torch.nn.Module) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    sample = torch.ones(2, 8, dtype=torch.long)
    fp32 = out / "model.onnx"
    dynamic = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    torch.onnx.export(
        Pooled(model),
        (sample, sample, torch.zeros_like(sample)),
        str(fp32),
        input_names=list(_INPUTS),
        output_names=["embedding"],
        dynamic_axes={**dynamic, "embedding": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    config = model.config
    fused = optimize_model(
        str(fp32),
        model_type="bert",
        num_heads=int(config.num_attention_heads),
        hidden_size=int(config.hidden_size),
    )
    optimized = out / "model.opt.onnx"
    fused.save_model_to_file(str(optimized))
    partial = out / f"model.int8.onnx.{os.getpid()}"
    quantize_dynamic(
        str(optimized),
        str(partial),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul"],
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    os.replace(partial, target)  # another process may export at the same time; one file wins
    return target


class OnnxEmbedder:
    """Mean-pooled, L2-normalised sentence embeddings from the int8 ONNX export."""

    def __init__(self, settings: EmbedderSettings, cache: Path) -> None:
        import onnxruntime as ort
        from transformers import AutoTokenizer

        folder = resolve_model_folder(settings.model)
        digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:12]
        path = export_int8(folder, cache / f"{folder.name}-{digest}")
        options = ort.SessionOptions()
        options.intra_op_num_threads = settings.threads or (os.cpu_count() or 1)
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        self.batch_size = settings.batch_size
        self.max_length = settings.max_length
        self.model_id = model_identity(settings)
        self.dim = int(self.session.get_outputs()[0].shape[-1])
        self._tokenizer_lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._tokenizer_lock:
            lengths = [
                len(ids)
                for ids in self.tokenizer(list(texts), truncation=True, max_length=self.max_length)[
                    "input_ids"
                ]
            ]
        for rows in bucketed(lengths, self.batch_size):
            with self._tokenizer_lock:
                batch = self.tokenizer(
                    [texts[i] for i in rows],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="np",
                )
            feed = {k: batch[k].astype(np.int64) for k in _INPUTS if k in self._inputs}
            out[rows] = self.session.run(None, feed)[0]
        return out
