"""No client's words outlive their session in anything shared: module globals, `st.cache_*`, memos, singletons.

The browser tests show two sessions never see each other's data on screen; this shows, from the inside, that
nothing per-client is kept where another session (or a later one) could reach it. `heap_worker.py` runs a
whole session through the real app in a fresh interpreter, ends it, and walks everything reachable from every
loaded module for the session's marker words.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from knowledge.opening import LOCK_NAME
from tests.conftest import PROJECT_DIR
from tests.fakes import ChatCompletionsServer

pytestmark = pytest.mark.slow


@pytest.fixture
def worker_env(tmp_path, library_data_dir) -> dict[str, str]:
    """A data folder with its own copy of the session's index (the worker takes the index lock itself)."""
    data_dir = tmp_path / "data"
    shutil.copytree(library_data_dir / "chroma", data_dir / "chroma", ignore=shutil.ignore_patterns(LOCK_NAME))
    return os.environ | {"ANAMNESIS_DATA_DIR": str(data_dir)}


def where_words_live(env: dict[str, str], *options: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.pages.heap_worker", *options],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"the session did not run:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def kept(findings: list[dict[str, str]]) -> str:
    return "client words kept after the session:\n" + "\n".join(f"{f['text']!r}\n    via {f['path']}" for f in findings)


def test_no_client_words_outlive_the_session(worker_env):
    """No shared place holds the client's words after a whole session.

    After intake, drafting, an edit, brainstorming and a library search, no shared place holds the client's
    words. (Two real leaks this found: a memo of query embeddings and PyStemmer's stem cache, both keyed by
    the client's text in objects every session shares.)"""
    report = where_words_live(worker_env)
    assert report["walked"] > 100_000, f"the walk reached only {report['walked']} objects"
    assert not report["findings"], kept(report["findings"])


def test_nothing_kept_when_a_model_is_used(worker_env):
    """No shared place holds the client's words when a model is configured either.

    The same with a model configured (a loopback server speaking the OpenAI protocol): the client's words go
    through LangChain, the OpenAI client and its HTTP pool, and none of them keeps any."""
    with ChatCompletionsServer("Nothing to add.") as server:
        env = worker_env | {
            "ANAMNESIS_LLM_PROVIDER": "openai",
            "ANAMNESIS_LLM_MODEL": "planner",
            "ANAMNESIS_LLM_BASE_URL": server.url,
            "ANAMNESIS_LLM_TIMEOUT_SECONDS": "10",
        }
        report = where_words_live(env)
    assert not report["findings"], kept(report["findings"])
    sent = json.dumps([request["body"] for request in server.requests])
    assert sum(word in sent for word in report["words"]) >= 5, "the client's words never reached the model"


def test_the_walk_finds_words_hidden_in_each_kind_of_place(worker_env):
    """The isolation walk finds a marker in each kind of shared place.

    The check above can fail: a marker planted in a module global, `st.cache_data`, `st.cache_resource` and
    an `lru_cache` is found in each."""
    paths = [f["path"] for f in where_words_live(worker_env, "--plant")["findings"]]
    for place in ("_planted_global", "_lru_cache_wrapper", "cache_data_api", "cache_resource_api"):
        assert any(place in path for path in paths), f"nothing found in {place}: {paths}"
