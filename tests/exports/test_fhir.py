"""The FHIR R4 export, validated with fhir.resources (R4B models, which match R4 for CarePlan and Goal),
and the export registry."""

from __future__ import annotations

import json
import re

import pytest
from fhir.resources.R4B.bundle import Bundle

from clinical.record import ClientInfo
from exports import FORMATS, filename, render
from exports.fhir import LIBRARY_URN, to_fhir
from exports.text import md
from tests.exports.conftest import HOSTILE_SHOWN, PRACTICE


def resources(data: bytes, kind: str) -> list[dict]:
    """The raw resources of one type in an exported Bundle, in entry order."""
    return [e["resource"] for e in json.loads(data)["entry"] if e["resource"]["resourceType"] == kind]


@pytest.mark.parametrize("fixture", ["drafted_plan", "final_plan", "hostile_plan"])
def test_bundle_is_valid_r4(fixture, request, context):
    """Every plan exports as a valid collection Bundle: one CarePlan, then one Goal per plan goal."""
    plan = request.getfixturevalue(fixture)
    bundle = Bundle.model_validate_json(to_fhir(plan, context))
    assert bundle.type == "collection"
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds == ["CarePlan"] + ["Goal"] * len(plan.goals)
    assert all(e.fullUrl == f"urn:uuid:{e.resource.id}" for e in bundle.entry)


def test_goals_and_targets(drafted_plan, context, taxonomy):
    """Each Goal carries the clinical wording, its problem area, and one target per objective with its due date."""
    data = to_fhir(drafted_plan, context)
    goals = resources(data, "Goal")
    for plan_goal, goal in zip(drafted_plan.goals, goals, strict=True):
        assert goal["lifecycleStatus"] == "proposed"
        assert goal["description"] == {"text": plan_goal.description}
        assert goal["addresses"] == [{"display": taxonomy.area_label(plan_goal.problem_area)}]
        assert len(goal["target"]) == len(plan_goal.objectives)
        for objective, target in zip(plan_goal.objectives, goal["target"], strict=True):
            assert target["dueDate"] == objective.target_date.isoformat()
            assert target.get("detailString") == objective.target
            assert target["measure"]["text"] == (objective.measure or objective.description)
    for number, (plan_goal, goal) in enumerate(zip(drafted_plan.goals, goals, strict=True), start=1):
        notes = [n["text"] for n in goal["note"]]
        if plan_goal.client_words:  # a goal carries the client's words only when a quote fits it
            assert notes.pop(0) == f"In the client's words: “{plan_goal.client_words}”"
        first = plan_goal.objectives[0]
        assert notes[0].startswith(f"Objective {number}.1: {first.description} (")
        assert not [n for n in notes for s in plan_goal.sources if s in n]  # ids are data (instantiatesUri)


def test_care_plan_references_resolve(drafted_plan, context):
    """CarePlan.goal and every activity's goals point at Goal entries; one activity per intervention."""
    data = to_fhir(drafted_plan, context)
    urls = {e["fullUrl"]: e["resource"]["resourceType"] for e in json.loads(data)["entry"]}
    (care_plan,) = resources(data, "CarePlan")
    goal_urls = [ref["reference"] for ref in care_plan["goal"]]
    assert [urls[u] for u in goal_urls] == ["Goal"] * len(drafted_plan.goals)
    assert goal_urls == [f"urn:uuid:{g['id']}" for g in resources(data, "Goal")]
    assert len(care_plan["activity"]) == len(drafted_plan.interventions)
    url_of_goal = dict(zip([g.id for g in drafted_plan.goals], goal_urls, strict=True))
    goal_of_objective = {o.id: g.id for g in drafted_plan.goals for o in g.objectives}
    for intervention, activity in zip(drafted_plan.interventions, care_plan["activity"], strict=True):
        detail = activity["detail"]
        assert detail["status"] == "not-started"
        assert detail["description"].startswith(intervention.description)
        assert detail["scheduledString"] == intervention.frequency
        assert detail["instantiatesUri"] == [LIBRARY_URN + s for s in intervention.sources]
        served = {url_of_goal[goal_of_objective[o]] for o in intervention.objective_ids}
        assert served == {ref["reference"] for ref in detail["goal"]}


def test_draft_and_final_status(drafted_plan, final_plan, context):
    """FHIR status follows the plan: draft CarePlan or active, authored one.

    A draft is a draft CarePlan with proposed goals and the review notice; a final one is active and authored.
    Both carry the practice, clinician, start date and sessions, and their notes read without escapes."""
    (draft,) = resources(to_fhir(drafted_plan, context), "CarePlan")
    assert draft["status"] == "draft" and draft["intent"] == "plan" and "author" not in draft
    notes = [n["text"] for n in draft["note"]]
    assert notes[:3] == [drafted_plan.review_notice, f"Practice: {PRACTICE}", "Clinician: Dr Ana Ortiz, PsyD"]
    assert draft["period"] == {"start": drafted_plan.session_plan.start_date.isoformat()}
    assert draft["description"] == drafted_plan.presenting_problem
    assert any(n.startswith("Sessions: weekly, 60 minutes; 24 sessions planned") for n in notes)
    safety = next(n for n in notes if n.startswith("Safety plan (Stanley–Brown):"))
    assert "Step 1 — Warning signs: [to complete]" in safety
    assert not [n for n in notes if "\\" in n]

    data = to_fhir(final_plan, context)
    (final,) = resources(data, "CarePlan")
    assert final["status"] == "active"
    assert final["author"] == {"display": "Dr Ana Ortiz, PsyD, LP"}
    assert final["created"] == "2026-12-01T15:30:00+00:00"
    assert final["addresses"] == [{"display": "F60.3 Borderline personality disorder"}]
    assert final["instantiatesUri"] == [LIBRARY_URN + s for s in final_plan.source_ids()]
    assert all(n["text"] != final_plan.review_notice for n in final["note"])
    assert {"text": "The client participated in developing this plan."} in final["note"]
    assert {g["lifecycleStatus"] for g in resources(data, "Goal")} == {"active"}


def test_client_appears_only_as_alias(final_plan, bare_context):
    """Every subject is a display-only reference to the alias; the age and pronouns never leave the app."""
    data = to_fhir(final_plan, bare_context)
    for resource in resources(data, "CarePlan") + resources(data, "Goal"):
        assert resource["subject"] == {"display": "Sky"}
        assert "identifier" not in resource
    assert b"she/they" not in data


def test_ids_are_stable_per_version(drafted_plan, context):
    """Re-exporting a version gives identical bytes; the next version gets new resource ids."""
    first = to_fhir(drafted_plan, context)
    assert to_fhir(drafted_plan, context) == first
    next_version = to_fhir(drafted_plan.model_copy(update={"version": 2}), context)
    assert {e["fullUrl"] for e in json.loads(first)["entry"]}.isdisjoint(
        e["fullUrl"] for e in json.loads(next_version)["entry"]
    )


def test_hostile_text(hostile_plan, context):
    """Plain strings keep the text as typed (minus control characters); markdown notes are escaped."""
    data = to_fhir(hostile_plan, context)
    (care_plan,) = resources(data, "CarePlan")
    goal = resources(data, "Goal")[0]
    assert goal["description"]["text"] == HOSTILE_SHOWN
    assert goal["target"][0] == {
        "measure": {"text": "<PHQ-9> & co"},
        "detailString": "9 & below",
        "dueDate": "2027-03-01",
    }
    assert care_plan["activity"][0]["detail"]["description"] == HOSTILE_SHOWN
    assert "\\u0000" not in data.decode("utf-8")
    assert LIBRARY_URN + "evil%20source" in care_plan["instantiatesUri"]
    notes = [n["text"] for n in care_plan["note"] + goal["note"]]
    assert not any(re.search(r"(?<!\\)<script>", n) or "![x]" in n for n in notes)
    assert any(md(HOSTILE_SHOWN, inline=True) in n for n in notes)
    assert any("\\<script>alert(1)\\</script>" in n and "![x\\](http" in n for n in notes)
    # An empty goal has neither target nor note: FHIR forbids empty lists.
    assert "target" not in resources(data, "Goal")[1] and "note" not in resources(data, "Goal")[1]


# ---- Registry (exports/__init__.py) --------------------------------------------------------------------------


def test_every_format_renders(drafted_plan, context):
    """Each registered format renders the plan to non-empty bytes of the right kind."""
    assert set(FORMATS) == {"md", "json", "docx", "pdf", "fhir", "safety-plan"}
    out = {key: render(drafted_plan, context, key) for key in FORMATS}
    assert out["md"].startswith("# Treatment plan — Sky".encode())
    assert json.loads(out["json"])["client"]["alias"] == "Sky"
    assert out["docx"].startswith(b"PK") and out["pdf"].startswith(b"%PDF-") and out["safety-plan"].startswith(b"%PDF")
    assert json.loads(out["fhir"])["resourceType"] == "Bundle"
    assert FORMATS["fhir"].extension == ".fhir.json" and FORMATS["fhir"].mime == "application/fhir+json"


def test_filenames_are_safe(drafted_plan, hostile_plan):
    """Download names use only [A-Za-z0-9._-], say alias, version and status, and never climb directories."""
    plan = drafted_plan.model_copy(update={"client": ClientInfo(alias="Client A"), "version": 3})
    assert filename(plan, "docx") == "treatment-plan_client-a_v3_draft.docx"
    assert filename(hostile_plan, "fhir") == "treatment-plan_zoe-b_v1_draft.fhir.json"
    unnamed = drafted_plan.model_copy(update={"client": ClientInfo(alias="我/..")})
    assert filename(unnamed, "pdf") == "treatment-plan_client_v1_draft.pdf"
    for candidate in (plan, hostile_plan, unnamed):
        for key in FORMATS:
            name = filename(candidate, key)
            assert re.fullmatch(r"(treatment|safety)-plan_[a-z0-9-]+_v\d+_(draft|final)\.[a-z.]+", name), name
    assert filename(plan, "safety-plan") == "safety-plan_client-a_v3_draft.pdf"


def test_unknown_format_is_refused(drafted_plan, context):
    """Asking for an unregistered format names the known ones; the client's safety plan needs a safety plan."""
    with pytest.raises(ValueError, match="unknown export format 'odt'; known: pdf, docx, md, json, fhir, safety-plan"):
        render(drafted_plan, context, "odt")
    without = drafted_plan.model_copy(update={"safety_plan": None})
    assert not FORMATS["safety-plan"].available(without) and FORMATS["pdf"].available(without)
    with pytest.raises(ValueError, match="needs a plan with a safety plan"):
        render(without, context, "safety-plan")
