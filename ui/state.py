"""What a browser tab remembers between reruns: the client it works on (also in the URL), the plan version it
edits, and small per-session memos. Per tab, never shared."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import streamlit as st

from services.store import Client

if TYPE_CHECKING:
    pass


T = TypeVar("T")


def session_memo(function: Callable[[str], T], key: str, size: int = 4) -> Callable[[str], T]:
    """`function`, remembering its last few answers in this session's state: a rerun of the page does not
    redo the work, and nothing is shared with another session (unlike a cache on the shared index)."""
    memo: dict[str, T] = st.session_state.setdefault(key, {})

    def remembered(text: str) -> T:
        if text not in memo:
            while len(memo) >= size:
                memo.pop(next(iter(memo)))
            memo[text] = function(text)
        return memo[text]

    return remembered


#: Session key of the client this browser tab works on; pages share it, the URL carries it per page.
ACTIVE_CLIENT = "active_client_id"


#: Session key set by the intake's `draft` command: the Plan page drafts for this client on arrival.
AUTODRAFT = "plan_autodraft_client"


#: Session key: for each client, the plan version this tab is editing. The Plan page stays on it until the
#: clinician opens a newer one, so a save from another tab never swaps the version under their typing.
PLAN_PIN = "plan_pinned_versions"


def note_plan_saved(client_id: str, version: int) -> None:
    """This tab saved `version` of the client's plan: its Plan page now edits that version."""
    st.session_state.setdefault(PLAN_PIN, {})[client_id] = version


def pinned_plan_version(client_id: str, versions: list[int]) -> int:
    """The version this tab edits: the one it last saved or opened, else the latest."""
    pins = st.session_state.setdefault(PLAN_PIN, {})
    pinned = pins.get(client_id)
    if pinned not in versions:
        pinned = pins[client_id] = max(versions)
    return pinned


def choose_client(client_id: str | None, owner: str = "") -> None:
    """Make a client the active one for this browser tab (and its URL, so a refresh resumes it)."""
    from ui.resources import record_store  # resources imports this module

    if client_id and st.session_state.get(ACTIVE_CLIENT) != client_id:
        record_store().record_event(owner, "client.open", client_id)
    st.session_state[ACTIVE_CLIENT] = client_id
    if client_id:
        st.query_params["client"] = client_id
    else:
        st.query_params.pop("client", None)


def active_client(owner: str = "") -> Client | None:
    """The client this tab is working on, from the URL or the session; None if unknown or deleted."""
    from ui.resources import record_store  # resources imports this module

    client_id = st.query_params.get("client") or st.session_state.get(ACTIVE_CLIENT)
    client = record_store().client(client_id, owner) if client_id else None
    if client is None and client_id:
        choose_client(None)
    elif client is not None:
        choose_client(client.id, owner)
    return client
