"""The durable intake service: write order, recovery, corrections, resume."""

from __future__ import annotations

import pytest

from clinical.intake_engine import IntakeContext
from services.intake import IntakeService
from storage.records import RecordStore, StoreError


@pytest.fixture
def service(tmp_path, library) -> IntakeService:
    """A service over a fresh store, keywords only."""
    return IntakeService(RecordStore(tmp_path / "records.db"), IntakeContext(library.taxonomy))


def test_begin_greets_once(service):
    """Opening a new client's intake stores exactly one greeting."""
    client, created = service.open_client("M.K.")
    assert created
    assert [t.role for t in service.begin(client.id)] == ["assistant"]
    assert [t.role for t in service.begin(client.id)] == ["assistant"]
    again, created_again = service.open_client("m.k.")
    assert (again.id, created_again) == (client.id, False)


def test_send_stores_message_then_reply(service):
    """Each message is stored, then the reply; the record reflects the answer."""
    client, _ = service.open_client("M.K.")
    service.begin(client.id)
    service.send(client.id, "29-year-old, they/them, student")
    turns = service.store.turns(client.id)
    assert [t.role for t in turns] == ["assistant", "user", "assistant"]
    assert turns[1].section == "identifying"
    record = service.record(client.id)
    assert (record.client.age, record.client.pronouns) == (29, "they/them")


def test_unanswered_message_is_answered_on_resume(service):
    """A message stored before a crash (no reply yet) is processed when the intake is reopened."""
    client, _ = service.open_client("M.K.")
    service.begin(client.id)
    service.store.add_turn(client.id, "user", "29-year-old, they/them")  # the crash: no engine step, no reply
    turns = service.begin(client.id)
    assert [t.role for t in turns] == ["assistant", "user", "assistant"]
    assert service.record(client.id).client.age == 29


def test_resume_from_a_new_service(service, library):
    """A new process (new service, same file) continues exactly where the intake was."""
    client, _ = service.open_client("M.K.")
    service.begin(client.id)
    service.send(client.id, "29-year-old, they/them")
    service.send(client.id, "Panic attacks at work")
    again = IntakeService(RecordStore(service.store.path), IntakeContext(library.taxonomy))
    assert again.state(client.id) == service.state(client.id)
    assert again.state(client.id).section.value == "symptoms"


def test_corrections_persist_and_win(service):
    """A corrected field overrides extraction and survives later answers."""
    client, _ = service.open_client("M.K.")
    service.begin(client.id)
    service.send(client.id, "29-year-old, they/them")
    service.correct(client.id, {"client.age": 30})
    service.send(client.id, "Panic attacks at work")
    assert service.record(client.id).client.age == 30


def test_bad_correction_is_refused(service):
    """A correction the record cannot hold is refused with a message and not saved."""
    client, _ = service.open_client("M.K.")
    service.begin(client.id)
    with pytest.raises(StoreError, match="does not fit"):
        service.correct(client.id, {"client.age": 500})
    assert service.record(client.id).client.age is None


def test_deleted_client(service):
    """Sending to a deleted client is a clear error."""
    client, _ = service.open_client("M.K.")
    service.store.delete_client(client.id)
    with pytest.raises(StoreError, match="no longer exists"):
        service.send(client.id, "hello")


def test_fill_gaps_keeps_checked_facts(service):
    """An LLM pass's facts are saved and fill gaps; the rules still win where they found a value."""
    client, _ = service.open_client("M.K.")
    service.begin(client.id)
    service.send(client.id, "29-year-old, studying nursing")
    seen = []

    def extract(record):
        seen.append(record)
        return {"client": {"age": 40, "pronouns": "she/her"}}

    record = service.fill_gaps(client.id, extract)
    assert (record.client.age, record.client.pronouns) == (29, "she/her")
    assert seen[0].client.pronouns is None  # the model saw the rules-only record
    assert service.record(client.id).client.pronouns == "she/her"


def test_fill_gaps_failure_saves_nothing(service):
    """When the model cannot be used, the record is unchanged and the error reaches the caller."""
    from chains.model_extraction import LLMExtractionFailed

    client, _ = service.open_client("M.K.")
    service.begin(client.id)
    service.send(client.id, "29-year-old")
    before = service.record(client.id)

    def extract(record):
        raise LLMExtractionFailed("down")

    with pytest.raises(LLMExtractionFailed):
        service.fill_gaps(client.id, extract)
    assert service.record(client.id) == before
