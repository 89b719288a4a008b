"""The intake as a durable service: the engine's pure steps plus the store's committed writes.

Order of writes is the durability promise: the clinician's message is committed before the engine
runs, and the reply, state and record are committed together before anything is rendered. A
message that was stored but never answered (a crash in between) is answered on the next open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from clinical.intake_engine import IntakeContext, IntakeState, Reply, build_record, start, step
from clinical.record import IntakeRecord
from storage.records import Client, RecordStore, StoreError, Turn


@dataclass
class IntakeService:
    """Run intakes for one clinician (`owner`) against the record store."""

    store: RecordStore
    context: IntakeContext
    owner: str = ""

    def open_client(self, alias: str) -> tuple[Client, bool]:
        """The client with this alias, created if new; True when it was created."""
        existing = self.store.find_client(alias, self.owner)
        if existing:
            self.store.record_event(self.owner, "client.open", existing.id)
            return existing, False
        return self.store.create_client(alias, self.owner), True

    def _client(self, client_id: str) -> Client:
        client = self.store.client(client_id, self.owner)
        if client is None:
            raise StoreError("That client no longer exists.")
        return client

    def state(self, client_id: str) -> IntakeState | None:
        """The saved intake state, or None if the intake has not started."""
        saved = self.store.intake(client_id)
        return IntakeState.model_validate_json(saved[0]) if saved else None

    def record(self, client_id: str) -> IntakeRecord | None:
        """The saved structured record, or None if the intake has not started."""
        saved = self.store.intake(client_id)
        return IntakeRecord.model_validate_json(saved[1]) if saved else None

    def _save(
        self, client_id: str, state: IntakeState, reply: str | None, record: IntakeRecord | None = None
    ) -> IntakeRecord:
        record = (record or build_record(state, self.context)).model_copy(update={"updated_at": datetime.now(UTC)})
        self.store.save_intake(client_id, state.model_dump_json(), record.model_dump_json(), reply)
        return record

    def begin(self, client_id: str) -> list[Turn]:
        """Make sure the intake has started and no stored message is left unanswered; return the conversation."""
        client = self._client(client_id)
        state = self.state(client_id)
        if state is None:
            state, greeting = start(client.alias)
            self._save(client_id, state, greeting.text)
        turns = self.store.turns(client_id)
        if turns and turns[-1].role == "user":  # stored, then interrupted before the reply: answer it now
            state, reply = step(state, turns[-1].text, self.context)
            self._save(client_id, state, reply.text, reply.record)
            turns = self.store.turns(client_id)
        return turns

    def send(self, client_id: str, message: str) -> Reply:
        """Store the clinician's message, run the engine, store the reply with the new state."""
        self._client(client_id)
        state = self.state(client_id)
        if state is None:
            self.begin(client_id)
            state = self.state(client_id)
        self.store.add_turn(client_id, "user", message, state.section.value if state.section else None)
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
