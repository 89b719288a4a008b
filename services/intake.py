"""The intake as a durable service: the clinician's clients, the engine's pure steps plus the store's committed
writes, the clinician's corrections and the optional model pass. Every call is scoped to one clinician (`owner`).

Order of writes is the durability promise: the clinician's message is committed before the engine
runs, and the reply, state and record are committed together before anything is rendered. A
message that was stored but never answered (a crash in between) is answered on the next open.

The Intake page and the CLI import what they need of the domain from here (the names below `__all__`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from clinical.intake_engine import (
    MAX_ANSWER_CHARS,
    SECTIONS,
    IntakeContext,
    IntakeState,
    Reply,
    build_record,
    progress,
    start,
    step,
)
from clinical.record import (
    SECTION_ORDER,
    SESSION_FORMATS,
    SESSION_FREQUENCIES,
    IntakeRecord,
)
from clinical.replay import replay_intake
from clinical.risk import FINDING_KINDS, PLAN_ELEMENTS, RiskKind, RiskStatus, SuicidalIdeation
from config import Settings
from knowledge.models import Taxonomy
from services import lazy_names
from storage.records import Client, RecordStore, StoreError, Turn, clean_alias

#: The model's error types live with LangChain, which loads only when a model is configured.
_WITH_A_MODEL = {"LLMExtractionFailed": "chains.model_extraction", "LLMConfigError": "chains.providers"}
__getattr__ = lazy_names(_WITH_A_MODEL, globals())


__all__ = [
    "MAX_ANSWER_CHARS",
    "SECTIONS",
    "SECTION_ORDER",
    "SESSION_FORMATS",
    "SESSION_FREQUENCIES",
    "Client",
    "IntakeContext",
    "IntakeRecord",
    "IntakeService",
    "FINDING_KINDS",
    "PLAN_ELEMENTS",
    "RiskKind",
    "RiskStatus",
    "StoreError",
    "SuicidalIdeation",
    "clean_alias",
    "model_gap_filler",
    "progress",
    "replay_intake",
    *_WITH_A_MODEL,
]


def model_gap_filler(model, settings: Settings, taxonomy: Taxonomy) -> Callable[[IntakeRecord], dict]:
    """A function record → the checked facts a model read in the notes (for `IntakeService.fill_gaps`); the notes
    are redacted first unless the model runs on this machine."""
    from chains.model_extraction import LLMIntakeFacts, extract_with_llm
    from chains.providers import structured

    checked_model = structured(model, LLMIntakeFacts, settings)
    return lambda record: extract_with_llm(checked_model, record, taxonomy, settings.redact_for_model)


@dataclass
class IntakeService:
    """Run intakes for one clinician (`owner`) against the record store."""

    store: RecordStore
    context: IntakeContext
    owner: str = ""

    # -- clients ------------------------------------------------------------------------------

    def clients(self) -> list[Client]:
        """This clinician's clients, most recently active first."""
        return self.store.clients(self.owner)

    def client(self, client_id: str) -> Client | None:
        """One of this clinician's clients, or None (unknown, deleted, or another clinician's)."""
        return self.store.client(client_id, self.owner)

    def open_client(self, alias: str) -> tuple[Client, bool]:
        """The client with this alias, created if new; True when it was created."""
        existing = self.store.find_client(alias, self.owner)
        if existing:
            self.store.record_event(self.owner, "client.open", existing.id)
            return existing, False
        return self.store.create_client(alias, self.owner), True

    def note_opened(self, client_id: str) -> None:
        """Log that the clinician opened this client's record."""
        self._client(client_id)
        self.store.record_event(self.owner, "client.open", client_id)

    def delete_client(self, client_id: str) -> bool:
        """Delete the client and every row about them; True if something was deleted."""
        return self.store.delete_client(client_id, self.owner)

    def _client(self, client_id: str) -> Client:
        client = self.store.client(client_id, self.owner)
        if client is None:
            raise StoreError("That client no longer exists.")
        return client

    # -- the intake ---------------------------------------------------------------------------

    def state(self, client_id: str) -> IntakeState | None:
        """The saved intake state, or None if the intake has not started."""
        self._client(client_id)
        return self._stored_state(client_id)

    def _stored_state(self, client_id: str) -> IntakeState | None:
        """`state` for callers that have already checked the client is this clinician's."""
        saved = self.store.intake(client_id, self.owner)
        return IntakeState.from_stored(saved[0]) if saved else None

    def record(self, client_id: str) -> IntakeRecord | None:
        """The saved structured record, or None if the intake has not started."""
        self._client(client_id)
        saved = self.store.intake(client_id, self.owner)
        return IntakeRecord.from_stored(saved[1]) if saved else None

    def _save(
        self, client_id: str, state: IntakeState, reply: str | None, record: IntakeRecord | None = None
    ) -> IntakeRecord:
        record = (record or build_record(state, self.context)).model_copy(update={"updated_at": datetime.now(UTC)})
        self.store.save_intake(client_id, state.model_dump_json(), record.model_dump_json(), reply, self.owner)
        return record

    def begin(self, client_id: str) -> list[Turn]:
        """Make sure the intake has started and no stored message is left unanswered; return the conversation."""
        client = self._client(client_id)
        state = self._stored_state(client_id)
        if state is None:
            state, greeting = start(client.alias)
            self._save(client_id, state, greeting.text)
        turns = self.store.turns(client_id, self.owner)
        if turns and turns[-1].role == "user":  # stored, then interrupted before the reply: answer it now
            state, reply = step(state, turns[-1].text, self.context)
            self._save(client_id, state, reply.text, reply.record)
            turns = self.store.turns(client_id, self.owner)
        return turns

    def send(self, client_id: str, message: str) -> Reply:
        """Store the clinician's message, run the engine, store the reply with the new state."""
        self._client(client_id)
        state = self._stored_state(client_id)
        if state is None:
            self.begin(client_id)
            state = self._stored_state(client_id)
        self.store.add_turn(client_id, "user", message, state.section.value if state.section else None, self.owner)
        new_state, reply = step(state, message, self.context)
        self._save(client_id, new_state, reply.text, reply.record)
        return reply

    def fill_gaps(self, client_id: str, extract: Callable[[IntakeRecord], dict]) -> IntakeRecord:
        """Run an LLM extraction pass over the intake and keep its checked facts; rules and corrections still win.

        `extract` raises (e.g. `LLMExtractionFailed`) when the model cannot be used; nothing is saved then.
        """
        state = self.state(client_id)
        if state is None:
            raise StoreError("Start the intake before asking the model.")
        rules_only = build_record(state.model_copy(update={"llm_facts": None}), self.context)
        facts = extract(rules_only)
        return self._save(client_id, state.model_copy(update={"llm_facts": facts}), None)

    def correct(self, client_id: str, corrections: dict[str, Any]) -> IntakeRecord:
        """Apply the clinician's corrections to extracted fields (path → value); they win over extraction."""
        state = self.state(client_id)
        if state is None:
            raise StoreError("Start the intake before correcting it.")
        state = state.model_copy(update={"overrides": {**state.overrides, **corrections}})
        try:
            record = self._save(client_id, state, None)  # the record is validated before anything is written
        except ValueError as error:
            raise StoreError(f"That correction does not fit the record: {error}") from error
        self.store.record_event(self.owner, "intake.correct", client_id, {"fields": sorted(corrections)})
        return record
