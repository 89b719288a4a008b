"""Plan versions: append-only saves, finalize/read-only/revise, conflicts, diffs, and the edit operations."""

from __future__ import annotations

from datetime import date

import pytest

from clinical.plan import (
    GAP_MARKERS,
    Goal,
    Intervention,
    Objective,
    PlanSessions,
    ProgressMonitoring,
    Signature,
    TreatmentPlan,
)
from clinical.plan_edits import (
    add_entry,
    add_goal,
    add_intervention,
    add_objective,
    move,
    remove_goal,
    remove_objective,
)
from clinical.record import ClientInfo
from clinical.versions import Change
from knowledge.models import Category, Entry, Kind
from services.plans import PlanLocked, PlanService, PlanUnfinished
from storage.records import RecordStore, StoreError

START = date(2026, 11, 23)
REVIEW = date(2027, 2, 21)
SIGNATURE = Signature(
    clinician_name="A. Rivera", credentials="LCSW", signed_on=date(2026, 11, 23), client_participated=True
)


def completed(plan: TreatmentPlan) -> TreatmentPlan:
    """A drafted plan with every blank filled in, as the clinician would before signing."""
    return TreatmentPlan.model_validate_json(GAP_MARKERS.sub("written with the client", plan.model_dump_json()))


def make_plan(alias: str = "R.K.") -> TreatmentPlan:
    """A small plan that passes lint."""
    objectives = [
        Objective(
            id="g1-o1",
            description="Reduce PHQ-9 from 19 to below 10",
            measure="PHQ-9",
            baseline="19",
            target="9",
            target_date=REVIEW,
            sources=["dep-obj-phq9"],
        ),
        Objective(id="g1-o2", description="Schedule three valued activities each week", target_date=REVIEW),
    ]
    return TreatmentPlan(
        client=ClientInfo(alias=alias),
        presenting_problem="Low mood since a job loss.",
        goals=[
            Goal(
                id="g1",
                description="Lift mood",
                client_words="I want to feel like myself",
                problem_area="depression",
                objectives=objectives,
            )
        ],
        interventions=[
            Intervention(
                id="i1",
                description="Behavioural activation",
                category="technique",
                frequency="weekly",
                objective_ids=["g1-o1", "g1-o2"],
            )
        ],
        session_plan=PlanSessions(frequency="weekly", duration_minutes=50, start_date=START),
        progress_monitoring=ProgressMonitoring(measures=["PHQ-9"], review_interval_days=90, next_review_date=REVIEW),
        discharge_criteria=["PHQ-9 below 10 at two reviews"],
    )


@pytest.fixture
def store(tmp_path) -> RecordStore:
    return RecordStore(tmp_path / "records.db")


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
    """The diff between two versions gives the sentences removed and added in each changed part, and nothing
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


def test_goal_and_objective_edits_keep_ids_and_links():
    """New items get the next free id; removing objectives unlinks them from interventions."""
    plan = add_objective(make_plan(), "g1", "Track sleep nightly")
    assert [o.id for o in plan.goals[0].objectives] == ["g1-o1", "g1-o2", "g1-o3"]
    assert plan.goals[0].objectives[-1].target_date == REVIEW
    plan = add_goal(plan, "insomnia", "Sleep through the night")
    plan = add_objective(plan, "g2", "Keep a sleep diary every morning")
    assert plan.goals[1].id == "g2" and plan.goals[1].objectives[0].id == "g2-o1"
    plan = remove_objective(plan, "g1-o1")
    assert plan.interventions[0].objective_ids == ["g1-o2"]
    plan = remove_goal(plan, "g1")
    assert [g.id for g in plan.goals] == ["g2"] and plan.interventions[0].objective_ids == []
    plan = add_intervention(plan, "Sleep restriction", frequency="weekly")
    assert [i.id for i in plan.interventions] == ["i1", "i2"]
    assert add_goal(plan, "anxiety").goals[-1].id == "g3"


def test_move_clamps_at_the_ends():
    assert move([1, 2, 3], 0, -1) == [1, 2, 3]
    assert move([1, 2, 3], 0, 1) == [2, 1, 3]
    assert move([1, 2, 3], 2, 5) == [1, 2, 3]
    assert move([1, 2, 3], 2, -1) == [1, 3, 2]


def test_library_entries_join_the_plan_with_their_source():
    """A goal entry becomes a goal, an objective joins the chosen goal, an intervention serves its objectives."""
    goal = Entry(id="anx-goal-1", kind=Kind.GOAL, text="Feel calmer in daily life", problem_areas=("anxiety",))
    objective = Entry(
        id="anx-obj-1",
        kind=Kind.OBJECTIVE,
        text="Lower GAD-7 from {baseline} to {target} by {target_date}, rating worry {frequency}",
        problem_areas=("anxiety",),
        measure="GAD-7",
    )
    intervention = Entry(
        id="anx-int-1",
        kind=Kind.INTERVENTION,
        text="Teach paced breathing",
        problem_areas=("anxiety",),
        modalities=("cbt",),
        category=Category.SKILL_BUILDING,
        frequency="weekly in session",
    )
    plan = add_entry(make_plan(), goal)
    assert (plan.goals[-1].id, plan.goals[-1].sources, plan.goals[-1].problem_area) == ("g2", ["anx-goal-1"], "anxiety")
    plan = add_entry(plan, objective, goal_id="g2")
    added_objective = plan.goals[-1].objectives[0]
    assert added_objective.sources == ["anx-obj-1"] and added_objective.target_date == REVIEW
    # What the plan knows is filled in; the scores it does not know are blanks to complete before signing.
    assert added_objective.description == (
        "Lower GAD-7 from [baseline to be measured] to [target to be agreed] by 2027-02-21, rating worry weekly"
    )
    plan = add_entry(plan, intervention, goal_id="g2")
    added = plan.interventions[-1]
    assert (added.sources, added.modality, added.category, added.objective_ids) == (
        ["anx-int-1"],
        "cbt",
        "skill-building",
        ["g2-o1"],
    )
