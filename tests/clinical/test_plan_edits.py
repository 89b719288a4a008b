"""The edits a clinician makes to a plan: stable ids, links kept, library entries with their source."""

from __future__ import annotations

from clinical.plan_edits import (
    add_entry,
    add_goal,
    add_intervention,
    add_objective,
    move,
    remove_goal,
    remove_objective,
)
from knowledge.models import Category, Entry, Kind
from tests.builders import REVIEW, make_plan


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
    """Moving an item past either end leaves it at that end."""
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
