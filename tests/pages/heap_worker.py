"""Runs one clinician's whole session through the real app, ends it, and reports where its words still live.

Started by `test_isolation.py` as its own interpreter (so nothing of pytest's is on the heap), with
ANAMNESIS_DATA_DIR set. Every free-text answer and the alias carry made-up marker words, drawn fresh for the
run. The session covers intake, the intake's hand-off to drafting, an objective edit, a brainstorm from the
intake, a free-text brainstorm and a library search. Then the session is dropped and everything reachable
from a loaded module — the module globals of the app and of every library, Streamlit's `st.cache_*` stores,
memoised functions, singletons — is walked, and each string (or bytes) that holds a marker is reported with
the path that reaches it, as one JSON list on stdout.

With a model configured (ANAMNESIS_LLM_* pointing at a test server), the intake's gap filling, the drafting
and a brainstorm chat go through it as well. The report also lists the marker words, so the caller can check
that they reached the model.

Usage: python -m tests.pages.heap_worker [--plant]
`--plant` first hides a marker in a module global, an `st.cache_data` entry, an `st.cache_resource` entry and
an `lru_cache`, to prove the walk finds each kind of place.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import secrets
import string
import sys
import types
from collections import deque
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"

#: Markers found where these modules keep them are the walk's own bookkeeping, not the app's.
OWN_MODULES = {"__main__", __name__}


def marker_words(count: int) -> list[str]:
    """Made-up lower-case words, unlikely in any library, dictionary or vocabulary."""
    letters = string.ascii_lowercase
    return ["zq" + "".join(secrets.choice(letters) for _ in range(8)) for _ in range(count)]


def answers(words: list[str]) -> list[str]:
    """A complete intake whose free text carries a marker in each answer."""
    w = iter(words)
    return [
        f"41-year-old, he/him, works as a {next(w)} technician, lives alone",
        f"Low mood and panic attacks since his {next(w)} business failed in August",
        f"Early waking and dread on Sunday evenings ({next(w)}), for about four months",
        f"Father left when he was 7; mother called him her little {next(w)}",
        f"Keeps friends at a distance, talks of the {next(w)} group often",
        f"Humour and intellectualization, overwork ({next(w)})",
        "Denies SI, HI and self-harm",
        f"Two beers most evenings at the {next(w)} bar",
        f"Mild asthma; inhaler from Dr {next(w).title()}",
        f"Curious, loyal, plays in the {next(w)} band",
        "No previous therapy",
        "PHQ-9 15, GAD-7 11",
        f'He says "I want to stop hiding from {next(w)} and from people"',
        "Psychodynamic",
        "Weekly 50-minute sessions starting 2026-12-07, review every 90 days",
    ]


def run_session(words: list[str]) -> None:
    """One clinician's session in the real app script; returns nothing, so nothing of it outlives the call."""
    from streamlit.testing.v1 import AppTest

    def ok(at: AppTest) -> AppTest:
        assert not at.exception, at.exception
        return at

    at = AppTest.from_file(str(APP), default_timeout=120)
    ok(at.run())
    ok(at.chat_input(key="intake_alias_input").set_value(f"Client {words[0].title()}").run())
    for answer in answers(words[1:]):
        ok(at.chat_input(key="intake_chat_input").set_value(answer).run())
    ok(at.chat_input(key="intake_chat_input").set_value("draft").run())  # hands off to the Plan page
    assert any(t.label.startswith("Goals") for t in at.tabs), "the Plan page did not show a drafted plan"
    objective = next(e for e in at.text_area if e.key and e.key.startswith("plan_obj_desc_"))
    objective.set_value(f"Walk to the {words[-1]} shop twice a week")
    goal_save = next(b for b in at.button if b.key and b.key.startswith("plan_goal_save_"))
    ok(goal_save.click().run())

    ok(at.switch_page("pages/brainstorm.py").run())
    ok(at.button(key="brainstorm_use_intake").click().run())
    ok(at.text_area(key="brainstorm_concern").set_value(f"withdrawal after the {words[2]} failure").run())
    if os.environ.get("ANAMNESIS_LLM_PROVIDER", "none") != "none":  # a model is configured: talk to it too
        ok(at.chat_input(key="brainstorm_chat").set_value(f"What suits his {words[4]} habit?").run())
    ok(at.switch_page("pages/library.py").run())
    ok(at.text_input(key="library_query").set_value(f"shame about {words[3]}").run())


def plant(words: list[str]) -> None:
    """Hide a marker in each kind of place the walk must search."""
    import streamlit as st

    import chains.offline_composer

    chains.offline_composer._planted_global = {"note": f"about {words[1]}"}

    @st.cache_data
    def planted_data(text: str) -> str:
        return f"kept: {text}"

    @st.cache_resource
    def planted_resource(text: str) -> list[str]:
        return [text]

    @functools.lru_cache
    def planted_memo(text: str) -> int:
        return len(text)

    planted_data(f"data {words[2]}")
    planted_resource(f"resource {words[3]}")
    planted_memo(f"memo {words[4]}")
    chains.offline_composer._planted_memo = planted_memo


def _label(parent: object, child: object) -> str:
    """How `parent` holds `child`, for the report."""
    if isinstance(parent, types.ModuleType):
        return f"module {parent.__name__}"
    if isinstance(parent, dict):
        for key, value in parent.items():
            if value is child:
                return f"[{key!r}]"[:80]
            if key is child:
                return "(a key)"
    if isinstance(parent, (types.FunctionType, types.MethodType)):
        return f"{type(parent).__name__} {getattr(parent, '__qualname__', '?')}"
    return type(parent).__qualname__


def _path(parents: dict[int, tuple[object, object]], found: object) -> str:
    steps, node = [], found
    while id(node) in parents:
        parent, _ = parents[id(node)]
        if parent is None:
            break
        steps.append(_label(parent, node))
        node = parent
    return " -> ".join(reversed(steps[-12:]))


def where_markers_live(words: list[str]) -> tuple[int, list[dict[str, str]]]:
    """How many objects a walk from every loaded module (other than this one) reached, and each str or bytes
    among them that contains a marker word, with the path that reaches it."""
    needles = [(w, w.encode()) for w in words]
    roots = [m for name, m in list(sys.modules.items()) if name not in OWN_MODULES and m is not None]
    own = {id(sys.modules.get(name)) for name in OWN_MODULES}
    parents: dict[int, tuple[object, object]] = {id(root): (None, root) for root in roots}
    queue = deque(roots)
    findings = []
    walked = 0
    while queue:
        node = queue.popleft()
        walked += 1
        for child in gc.get_referents(node):
            key = id(child)
            if key in parents or key in own:
                continue
            parents[key] = (node, child)  # keeps `child` alive and its id unique for the walk's lifetime
            if isinstance(child, str):
                hits = [w for w, _ in needles if w in child]
            elif isinstance(child, (bytes, bytearray)):
                hits = [w for w, b in needles if b in child]
            else:
                queue.append(child)
                continue
            if hits:
                findings.append({"marker": hits[0], "text": str(child)[:160], "path": _path(parents, child)})
    return walked, findings


def main() -> None:
    words = marker_words(16)
    if "--plant" in sys.argv:
        plant(words)
    run_session(words)
    gc.collect()
    walked, findings = where_markers_live(words)
    print(json.dumps({"walked": walked, "findings": findings, "words": words}))


if __name__ == "__main__":
    main()
