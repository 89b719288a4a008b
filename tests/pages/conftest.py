"""Fixtures for driving the real app script with AppTest: a private data folder sharing the session's index, and
the records database in it."""

from __future__ import annotations

import pytest
import streamlit as st

from config import get_settings
from storage.records import RecordStore


@pytest.fixture
def data_dir(tmp_path, library_data_dir, monkeypatch):
    """A private data dir for records that shares the session's prebuilt index."""
    (tmp_path / "app-data").mkdir()
    (tmp_path / "app-data" / "chroma").symlink_to(library_data_dir / "chroma")
    monkeypatch.setenv("ANAMNESIS_DATA_DIR", str(tmp_path / "app-data"))
    get_settings.cache_clear()
    st.cache_resource.clear()
    return tmp_path / "app-data"


@pytest.fixture
def store(data_dir) -> RecordStore:
    """The records database of the app's data folder (what the pages read and write)."""
    return RecordStore(get_settings().database_path)
