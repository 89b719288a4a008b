"""The offline MiniLM embedder."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.embeddings import DIMENSION, EmbeddingModelMissing, OnnxEmbeddings


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
