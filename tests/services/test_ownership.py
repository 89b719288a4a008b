"""Every service call names the clinician: another clinician's client cannot be read, changed or exported."""

from __future__ import annotations

import pytest

from clinical.intake_engine import IntakeContext
from exports.document import ExportContext
from services.intake import IntakeService
from services.plans import PlanService
from storage.records import RecordStore, StoreError
from tests.builders import SIGNATURE, make_plan

OWNER, OTHER = "dr-a@clinic.example", "dr-b@clinic.example"


@pytest.fixture
def someone_elses(tmp_path, library):
    """Dr A's client with an intake (one answer) and a drafted plan; the services as Dr B sees them."""
    store = RecordStore(tmp_path / "records.db")
    context = IntakeContext(library.taxonomy)
    mine = IntakeService(store, context, OWNER)
    client, _ = mine.open_client("R.K.")
    mine.begin(client.id)
    mine.send(client.id, "41-year-old, he/him")
    PlanService(store, library.by_id, OWNER).save_draft(client.id, make_plan("R.K."), "Drafted")
    return store, client.id, IntakeService(store, context, OTHER), PlanService(store, library.by_id, OTHER)


def test_every_service_call_refuses_another_clinicians_client(someone_elses, library):
    """Each read returns nothing and each write is refused, and Dr A's records are exactly as they were."""
    store, client_id, intakes, plans = someone_elses
    before = (store.turns(client_id, OWNER), store.intake(client_id, OWNER), store.plan_versions(client_id, OWNER))
    plan = PlanService(store, library.by_id, OWNER).load(client_id)
    context = ExportContext(library.taxonomy, library.by_id)
    assert intakes.clients() == [] and intakes.client(client_id) is None
    assert intakes.delete_client(client_id) is False
    refused = {
        "state": lambda: intakes.state(client_id),
        "record": lambda: intakes.record(client_id),
        "begin": lambda: intakes.begin(client_id),
        "send": lambda: intakes.send(client_id, "denies SI"),
        "correct": lambda: intakes.correct(client_id, {"client.age": 50}),
        "fill gaps": lambda: intakes.fill_gaps(client_id, lambda record: {}),
        "note opened": lambda: intakes.note_opened(client_id),
        "history": lambda: plans.history(client_id),
        "load": lambda: plans.load(client_id),
        "save draft": lambda: plans.save_draft(client_id, plan, "x"),
        "save": lambda: plans.save(client_id, plan.model_copy(update={"formulation": "x"}), "x"),
        "revise": lambda: plans.revise(client_id, 1),
        "finalize": lambda: plans.finalize(client_id, plan, SIGNATURE),
        "export": lambda: plans.export(client_id, plan, "md", context),
        "diff": lambda: plans.diff(client_id, 1, 1),
    }
    for name, call in refused.items():
        with pytest.raises(StoreError, match="no longer exists"):
            call()
            pytest.fail(f"{name} was allowed")
    # The store itself scopes every query by owner too, whatever a caller does.
    assert store.turns(client_id, OTHER) == [] and store.intake(client_id, OTHER) is None
    assert store.plan_versions(client_id, OTHER) == [] and store.plan_json(client_id, owner=OTHER) is None
    with pytest.raises(StoreError):
        store.add_turn(client_id, "user", "x", owner=OTHER)
    after = (store.turns(client_id, OWNER), store.intake(client_id, OWNER), store.plan_versions(client_id, OWNER))
    assert after == before
    assert {e.action for e in store.audit_events(client_id)} == {"client.create", "plan.draft"}
