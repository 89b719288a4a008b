"""ANAMNESIS_CHROMA_URL: the same index against a real Chroma server (started on loopback by the test)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from config import get_settings
from knowledge.index import LibraryIndex, make_chroma_client
from knowledge.opening import open_index

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    """A Chroma server process on 127.0.0.1, stopped afterwards."""
    assert CHROMA.exists() or shutil.which("chroma"), "the chroma CLI ships with the chromadb package"
    port = free_port()
    process = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the Chroma server did not start within 30 s")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def test_index_over_http(chroma_server, embeddings, library, monkeypatch):
    """With ANAMNESIS_CHROMA_URL set, the index lives in the server and hybrid search works the same."""
    monkeypatch.setenv("ANAMNESIS_CHROMA_URL", chroma_server)
    get_settings.cache_clear()
    small = replace(library, entries=tuple(library.for_area("panic")[:20]))
    index = open_index(get_settings(), small)
    assert index.refresh(small).added == 20
    assert not (get_settings().data_dir / "chroma").exists()  # nothing written locally
    hits = index.search("heart racing and fear of dying on the train", k=3)
    assert hits and all("panic" in h.problem_areas for h in hits)
    # A second client (another app instance) sees the same index without re-embedding.
    other = LibraryIndex(
        make_chroma_client(Path("unused"), chroma_server), embeddings, small.taxonomy, "anamnesis-library"
    )
    assert len(other) == 20 and not other.refresh(small).changed
