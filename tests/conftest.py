"""Shared fixtures: isolated settings per test, one real embedder and one real library index per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Never let a test reach a hub or phone home, whatever the developer's environment says.
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"

from config import Settings, get_settings
from knowledge.embeddings import OnnxEmbeddings
from knowledge.index import LibraryIndex, make_chroma_client
from knowledge.loader import Library, load_library
from storage.records import RecordStore

# Property tests explore the same examples on every run, so CI is reproducible.
hypothesis_settings.register_profile("anamnesis", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.load_profile("anamnesis")

PROJECT_DIR = Path(__file__).resolve().parent.parent

#: Variables that quieten libraries on their own: the telemetry opt-outs, and the markers of a CI system, on
#: seeing which ONNX Runtime sends no telemetry. Tests of the app's own opt-outs start their child processes
#: without them, so a clinic's machine is what they see.
QUIETING_VARIABLES = frozenset(
    {"ANONYMIZED_TELEMETRY", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "DO_NOT_TRACK", "ORT_DISABLE_TELEMETRY"}
    | {"CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS_URL", "CODEBUILD_BUILD_ID"}
    | {"BUILDKITE", "TEAMCITY_VERSION", "APPVEYOR", "BITBUCKET_BUILD_NUMBER"}
)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch) -> Settings:
    """Point every ANAMNESIS_* setting that holds state at a fresh temporary folder."""
    for name in list(os.environ):
        if name.startswith("ANAMNESIS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ANAMNESIS_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def store(tmp_path) -> RecordStore:
    """A fresh records database in this test's folder."""
    return RecordStore(tmp_path / "records.db")


@pytest.fixture(scope="session")
def embeddings() -> OnnxEmbeddings:
    """The real offline embedder, loaded once."""
    return OnnxEmbeddings()


@pytest.fixture(scope="session")
def library() -> Library:
    """The real curated library."""
    return load_library()


@pytest.fixture(scope="session")
def library_data_dir(tmp_path_factory, embeddings, library) -> Path:
    """A data dir whose Chroma index holds the whole real library, built once per session. Read-only by convention."""
    data_dir = tmp_path_factory.mktemp("library-data")
    index = LibraryIndex(make_chroma_client(data_dir / "chroma"), embeddings, library.taxonomy, "anamnesis-library")
    index.refresh(library)
    return data_dir


@pytest.fixture(scope="session")
def library_index(library_data_dir, embeddings, library) -> LibraryIndex:
    """The session's index of the whole real library (do not write to it; build a small one instead)."""
    return LibraryIndex(
        make_chroma_client(library_data_dir / "chroma"), embeddings, library.taxonomy, "anamnesis-library"
    )
