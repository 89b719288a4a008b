"""Owning and healing the on-disk index: one process at a time, and a damaged index is rebuilt, not fatal."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from config import get_settings
from knowledge.index import make_chroma_client
from knowledge.opening import IndexLocked, lock_index_dir, ready_index
from tests.conftest import PROJECT_DIR


@pytest.fixture
def small_library(tmp_path, monkeypatch):
    """Settings pointing at a one-file library, so building an index takes a moment."""
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(PROJECT_DIR / "knowledge" / "library" / "anger.yaml", folder)
    monkeypatch.setenv("ANAMNESIS_LIBRARY_DIR", str(folder))
    get_settings.cache_clear()
    return get_settings()


def test_second_process_is_refused_with_a_clear_message(tmp_path):
    """While one process holds the index folder another gets IndexLocked naming the holder and the fix."""
    folder = tmp_path / "chroma"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from knowledge.opening import lock_index_dir; from pathlib import Path; "
            f"lock_index_dir(Path({str(folder)!r})); print('LOCKED', flush=True); import time; time.sleep(60)",
        ],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "LOCKED"
        with pytest.raises(IndexLocked, match=rf"pid {holder.pid}.*ANAMNESIS_DATA_DIR"):
            lock_index_dir(folder)
    finally:
        holder.kill()
        holder.wait()
    lock_index_dir(folder)  # the kernel released the dead holder's lock
    lock_index_dir(folder)  # and this process may ask again


def test_damaged_index_is_set_aside_and_rebuilt(small_library):
    """A corrupted Chroma file does not stop the app: the folder is moved aside and rebuilt from the library."""
    index, library, report = ready_index(small_library)
    count = len(index)
    assert count == len(library.entries) and report.added == count
    del index
    from knowledge.opening import _reset_chroma_cache

    _reset_chroma_cache()
    (small_library.chroma_dir / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    index, _, report = ready_index(small_library)
    assert len(index) == count and report.added == count
    assert [p.name.startswith("chroma.broken-") for p in small_library.data_dir.iterdir()].count(True) == 1
    assert index.search("anger outbursts", k=1)
    assert make_chroma_client(small_library.chroma_dir).heartbeat()
