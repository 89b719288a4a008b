"""The offline MiniLM embedder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from knowledge.embeddings import DIMENSION, EmbeddingModelMissing, OnnxEmbeddings, default_model_path
from tests.conftest import PROJECT_DIR, QUIETING_VARIABLES


def test_shape_and_unit_norm(embeddings):
    """Documents embed to 384-d unit vectors."""
    vectors = np.array(embeddings.embed_documents(["feels hopeless most days", "panic attacks on the train", ""]))
    assert vectors.shape == (3, DIMENSION)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_meaning_is_captured(embeddings):
    """A paraphrase is closer than an unrelated sentence."""
    a, b, c = embeddings.encode(
        ["client feels low and has lost interest in things", "depressed mood and anhedonia", "fix the car's brakes"]
    )
    assert a @ b > a @ c + 0.2


def test_batch_matches_single(embeddings):
    """Padding in a batch does not change a text's vector."""
    texts = ["short", "a much longer sentence about grief after the death of a parent last spring"]
    batched = embeddings.encode(texts)
    single = np.vstack([embeddings.encode([t]) for t in texts])
    assert np.allclose(batched, single, atol=1e-4)


def test_query_matches_document(embeddings):
    """embed_query and embed_documents agree (the query path is memoised)."""
    text = "nightmares and hypervigilance after an assault"
    assert np.allclose(embeddings.embed_query(text), embeddings.embed_documents([text])[0], atol=1e-6)
    assert embeddings.embed_query(text) == embeddings.embed_query(text)


def test_empty_input(embeddings):
    """No texts gives an empty matrix, not an error."""
    assert embeddings.encode([]).shape == (0, DIMENSION)
    assert embeddings.embed_documents([]) == []


def test_very_long_text_is_truncated(embeddings):
    """A huge text embeds (truncated to the model's window) instead of failing."""
    vector = embeddings.encode(["worry " * 5000])
    assert vector.shape == (1, DIMENSION)


def test_missing_model_names_the_fix(tmp_path):
    """A missing model file fails with a message that says how to fix it."""
    with pytest.raises(EmbeddingModelMissing, match=r"make setup.*ANAMNESIS_EMBEDDING_MODEL_PATH"):
        OnnxEmbeddings(model_path=tmp_path / "nope.onnx")


def test_missing_tokenizer_names_the_fix(tmp_path):
    """A missing tokenizer file fails with a message that says how to fix it."""
    with pytest.raises(EmbeddingModelMissing, match=r"tokenizer.*ANAMNESIS_TOKENIZER_PATH"):
        OnnxEmbeddings(tokenizer_path=tmp_path / "tokenizer.json")


def _files_left_in_a_fresh_home(tmp_path: Path, code: str) -> list[str]:
    """Run `code` in a new interpreter whose home is an empty folder, with no opt-out or CI marker inherited;
    return what it left in that home. ONNX Runtime's telemetry (1DS) writes a device id and an event queue to
    ~/.cache/Microsoft the moment the runtime loads, before it ever tries the network, so this is its trace."""
    home = tmp_path / "home"
    home.mkdir()
    env = {name: value for name, value in os.environ.items() if name not in QUIETING_VARIABLES}
    env |= {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "PYTHONPATH": str(PROJECT_DIR)}
    subprocess.run([sys.executable, "-c", code], env=env, cwd=PROJECT_DIR, check=True, timeout=120)
    return sorted(str(path.relative_to(home)) for path in home.rglob("*"))


def test_embedding_leaves_no_telemetry_behind(tmp_path):
    """Our embedder loads ONNX Runtime with its telemetry off: no device id, no event queue, nothing to send."""
    code = "from knowledge.embeddings import OnnxEmbeddings; OnnxEmbeddings().embed_documents(['low mood'] * 9)"
    assert _files_left_in_a_fresh_home(tmp_path, code) == []


def test_bare_onnxruntime_would_leave_telemetry_behind(tmp_path):
    """The telemetry check can fail: bare ONNX Runtime starts its telemetry store.

    The check above can fail: ONNX Runtime loaded without the project's opt-out starts its telemetry store.

    Should an ONNX Runtime upgrade drop its telemetry, this fails too: then find that version's signal instead.
    """
    code = f"import onnxruntime as ort; ort.InferenceSession({str(default_model_path())!r})"
    left = _files_left_in_a_fresh_home(tmp_path, code)
    assert any(path.startswith(".cache/Microsoft") for path in left), left
