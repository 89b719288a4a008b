"""Plan versions: append-only saves, finalize/read-only/revise, conflicts, blockers, diffs, ownership."""

from __future__ import annotations

import pytest

from clinical.plan import (
    PlanSessions,
)
from clinical.versions import Change
from services.plans import PlanLocked, PlanService, PlanUnfinished
from storage.records import StoreError
from tests.builders import SIGNATURE, START, make_plan


@pytest.fixture
def service(store) -> PlanService:
    return PlanService(store, library_ids={"dep-obj-phq9"})


@pytest.fixture
def client_id(store) -> str:
    return store.create_client("R.K.").id


def test_versions_are_appended_and_kept(service, client_id):
    """A draft is version 1; an edit is version 2; version 1 still reads as it was."""
    first = service.save_draft(client_id, make_plan(), "Drafted offline")
    assert first.version == 1 and not [f for f in first.flags if f.severity == "error"]
    edited = first.model_copy(update={"presenting_problem": "Low mood and poor sleep since a job loss."})
    second = service.save(client_id, edited, "Edited presenting problem")
    assert second.version == 2
    assert service.load(client_id, 1).presenting_problem == "Low mood since a job loss."
    assert service.load(client_id).presenting_problem.startswith("Low mood and poor sleep")
    assert [(v.version, v.summary) for v in service.history(client_id)] == [
        (2, "Edited presenting problem"),
        (1, "Drafted offline"),
    ]


def test_unchanged_save_adds_nothing(service, client_id):
    """Saving without a change does not pile up versions."""
    first = service.save_draft(client_id, make_plan(), "Drafted offline")
    assert service.save(client_id, first, "no change").version == 1
    assert len(service.history(client_id)) == 1


def test_stale_edit_is_refused(service, client_id):
    """Two sessions editing the same version: the second save is refused, not silently lost."""
    first = service.save_draft(client_id, make_plan(), "Drafted offline")
    service.save(client_id, first.model_copy(update={"formulation": "One view."}), "edit A")
    with pytest.raises(StoreError, match="changed elsewhere"):
        service.save(client_id, first.model_copy(update={"formulation": "Another view."}), "edit B")
    assert service.load(client_id).formulation == "One view."


def test_saves_carry_current_lint(service, client_id):
    """Flags are recomputed on save: removing the discharge criteria raises an error flag."""
    first = service.save_draft(client_id, make_plan(), "Drafted offline")
    saved = service.save(client_id, first.model_copy(update={"discharge_criteria": []}), "cleared")
    assert "discharge-criteria" in {f.code for f in saved.flags}
    assert "discharge-criteria" in {f.code for f in service.load(client_id).flags}


def test_finalize_then_read_only_then_revise(service, client_id):
    """Finalizing signs a new version; the final version cannot be edited; revising starts a draft."""
    draft = service.save_draft(client_id, make_plan(), "Drafted offline")
    final = service.finalize(client_id, draft, SIGNATURE)
    assert (final.version, final.status, final.signature) == (2, "final", SIGNATURE)
    with pytest.raises(PlanLocked, match="read-only"):
        service.save(client_id, final.model_copy(update={"formulation": "late edit"}), "edit")
    with pytest.raises(PlanLocked):
        service.finalize(client_id, final, SIGNATURE)
    revised = service.revise(client_id, final.version)
    assert (revised.version, revised.status, revised.signature) == (3, "draft", None)
    assert service.load(client_id, 2).status == "final"


@pytest.mark.parametrize(
    ("change", "signature", "message"),
    [
        ({"discharge_criteria": []}, SIGNATURE, "discharge criteria"),
        ({"formulation": "Precipitants: [to complete] what happened first."}, SIGNATURE, "complete “Precipitants”"),
        ({"session_plan": PlanSessions(frequency="weekly")}, SIGNATURE, "no start date"),
        ({}, SIGNATURE.model_copy(update={"clinician_name": "  "}), "name and credentials"),
        ({}, SIGNATURE.model_copy(update={"client_participated": False}), "client took part"),
    ],
)
def test_finalize_refusals(service, client_id, change, signature, message):
    """No signature over lint errors, without a name, or without the participation attestation."""
    draft = service.save_draft(client_id, make_plan().model_copy(update=change), "Drafted offline")
    with pytest.raises(StoreError, match=message):
        service.finalize(client_id, draft, signature)
    assert len(service.history(client_id)) == 1


def test_finalize_lists_every_blocker_with_where_it_is(service, client_id):
    """A refused signature says how many items remain and carries each, with the path to jump to."""
    unfinished = make_plan().model_copy(
        update={"formulation": "Core conflict: [to complete]", "session_plan": PlanSessions(frequency="weekly")}
    )
    draft = service.save_draft(client_id, unfinished, "Drafted offline")
    with pytest.raises(PlanUnfinished, match="Complete 2 items before signing") as refused:
        service.finalize(client_id, draft, SIGNATURE)
    assert [(f.code, f.path) for f in refused.value.blockers] == [
        ("to-complete", "formulation"),
        ("start-date", "session_plan.start_date"),
    ]
    done = draft.model_copy(
        update={
            "formulation": "Core conflict: closeness feels dangerous.",
            "session_plan": PlanSessions(start_date=START),
        }
    )
    edited = service.save(client_id, done, "completed")
    assert service.finalize(client_id, edited, SIGNATURE).status == "final"


def test_diff_names_the_change(service, client_id):
    """The diff between two versions gives only the changed sentences.

    The diff between two versions gives the sentences removed and added in each changed part, and nothing
    else."""
    first = service.save_draft(client_id, make_plan(), "Drafted offline")
    goals = [first.goals[0].model_copy(update={"description": "Feel like myself again. Sleep through."})]
    formulation = "Loss of the job. Shame about it."
    service.save(client_id, first.model_copy(update={"goals": goals, "formulation": formulation}), "wording")
    assert service.diff(client_id, 1, 2) == [
        Change("Formulation", (), ("Loss of the job.", "Shame about it.")),
        Change("Goal 1", ("Lift mood",), ("Feel like myself again.", "Sleep through.")),
    ]


def test_plans_are_per_clinician_and_deleted_with_the_client(store, client_id):
    """Another clinician cannot read the plan; deleting the client deletes every version."""
    PlanService(store).save_draft(client_id, make_plan(), "Drafted offline")
    with pytest.raises(StoreError, match="no longer exists"):
        PlanService(store, owner="someone-else").load(client_id)
    store.delete_client(client_id)
    assert store.plan_versions(client_id) == [] and store.plan_json(client_id) is None
