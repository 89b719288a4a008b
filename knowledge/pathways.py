"""Clinical pathways (`knowledge/pathways.yaml`): per presentation, what a first plan must hold — core goals, the
safety element of the right kind, referrals, instruments and the library tags never to draft for it — plus the
safety-plan templates and the presentations a psychotherapy plan must not treat alone. Validated at load against
the library, the taxonomy and the risk vocabulary, with errors that name the pathway and field."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from knowledge.loader import KNOWLEDGE_DIR, Library, LibraryError, default_library
from knowledge.models import SLUG, Kind

PATHWAYS_FILE = KNOWLEDGE_DIR / "pathways.yaml"

#: The risk kinds a pathway can detect or a safety element can be for (`clinical.risk.RiskKind` values; "suicide"
#: as a safety element means the Stanley–Brown plan, which also covers self-harm and harm to others).
RISK_KINDS = ("suicide", "self_harm", "harm_to_others", "danger_from_others", "psychosis", "medical")
Urgency = Literal["emergency", "urgent", "routine"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Service(_Frozen):
    """A service a plan can refer to or coordinate with."""

    id: str = Field(pattern=SLUG)
    label: str


class SafetyStepTemplate(_Frozen):
    """One step of a safety element: standing items true for every client and a prompt for what only they can say."""

    key: str = Field(pattern=SLUG)
    heading: str
    items: tuple[str, ...] = ()
    prompt: str = ""


class SafetyPlanTemplate(_Frozen):
    """A safety element other than the Stanley–Brown plan (violence from others, psychosis, medical)."""

    kind: str
    title: str
    source: str
    steps: tuple[SafetyStepTemplate, ...] = Field(min_length=1)


class Detect(_Frozen):
    """How a presentation is recognised in an intake: any one of these is enough."""

    risk: tuple[str, ...] = ()
    risk_features: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    #: Phrases recognised anywhere in the intake (medication names sit in the medical history, not the complaint).
    terms_anywhere: tuple[str, ...] = ()
    safeguarding: bool = False
    #: Conditions under which the problem-area ranking alone does not recognise it (dizziness and a racing heart in a
    #: medically unstable client are medical signs before they are panic).
    areas_unreliable_when: tuple[str, ...] = ()
    #: Recognised whenever the case is in one of the pathway's populations (a family in the room is itself the
    #: presentation family work answers).
    population: bool = False


class ReferralSpec(_Frozen):
    """A referral a pathway calls for; `when` names a case condition or reported risk feature it depends on."""

    service: str
    reason: str
    urgency: Urgency = "routine"
    when: str | None = None


class Pathway(_Frozen):
    """What a first plan for one presentation must hold."""

    id: str = Field(pattern=SLUG)
    label: str
    areas: tuple[str, ...] = Field(description="Problem areas whose library entries serve it, main one first.")
    detect: Detect
    populations: tuple[str, ...] = Field(default=(), description="Applies only to these populations (empty: any).")
    requires: tuple[str, ...] = Field(default=(), description="Case conditions that must hold for it to apply.")
    goals: tuple[str, ...] = Field(default=(), description="Library goals the plan must contain.")
    goals_when: dict[str, str] = Field(
        default_factory=dict, description="Goal id → the condition or reported risk feature it is required under."
    )
    interventions: tuple[str, ...] = Field(
        default=(), description="Library interventions the plan must contain (placed under the first goal)."
    )
    safety: tuple[str, ...] = Field(default=(), description="Safety elements required (risk-kind values).")
    referrals: tuple[ReferralSpec, ...] = ()
    avoid_tags: tuple[str, ...] = Field(default=(), description="Library tags never drafted for this presentation.")
    instruments: tuple[str, ...] = Field(default=(), description="Instruments to track, or recommend if not given.")
    scope: str = Field(default="", description="What of this presentation lies outside a psychotherapy plan.")
    urgent_with: tuple[str, ...] = Field(
        default=(), description="Pathways beside which this one is planned as urgently as they are."
    )
    sources: str


class OutOfScope(_Frozen):
    """A presentation a psychotherapy plan must not try to treat alone."""

    id: str = Field(pattern=SLUG)
    label: str
    terms: tuple[str, ...] = Field(min_length=1)
    service: str
    note: str


class _PathwaysFile(_Frozen):
    services: tuple[Service, ...]
    safety_plans: tuple[SafetyPlanTemplate, ...]
    pathways: tuple[Pathway, ...]
    out_of_scope: tuple[OutOfScope, ...] = ()


@dataclass(frozen=True)
class Pathways:
    """The validated pathways, safety-plan templates, services and out-of-scope presentations."""

    pathways: tuple[Pathway, ...]
    safety_plans: tuple[SafetyPlanTemplate, ...]
    services: tuple[Service, ...]
    out_of_scope: tuple[OutOfScope, ...]

    @cached_property
    def by_id(self) -> dict[str, Pathway]:
        """Pathways keyed by id."""
        return {p.id: p for p in self.pathways}

    def service_label(self, service_id: str) -> str:
        """The clinician-facing name of a service."""
        return next((s.label for s in self.services if s.id == service_id), service_id)

    def required_goals(self, pathway: Pathway, holds) -> list[str]:
        """The pathway's goals whose condition (if any) holds; `holds` answers for a condition or risk feature."""
        return [g for g in pathway.goals if g not in pathway.goals_when or holds(pathway.goals_when[g])]

    def safety_template(self, kind: str) -> SafetyPlanTemplate | None:
        """The template of a safety element (None for "suicide": the Stanley–Brown plan has its own model)."""
        return next((t for t in self.safety_plans if t.kind == kind), None)


def load_pathways(
    library: Library, path: Path = PATHWAYS_FILE, *, risk_features: frozenset[str] = frozenset()
) -> Pathways:
    """Read and validate the pathways against the library (goal ids, tags), the taxonomy (areas, populations,
    conditions) and, when given, the risk-feature vocabulary."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = _PathwaysFile.model_validate(raw)
    except yaml.YAMLError as exc:
        raise LibraryError(f"{path.name}: invalid YAML: {exc}") from exc
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise LibraryError(f"{path.name}: {where}") from exc
    taxonomy = library.taxonomy
    areas = {t.id for t in taxonomy.problem_areas}
    populations = {t.id for t in taxonomy.populations}
    conditions = {t.id for t in taxonomy.conditions}
    services = {s.id for s in data.services}
    tags = {tag for entry in library.entries for tag in entry.tags}
    templates = {t.kind for t in data.safety_plans}

    def fail(pathway: str, field: str, problem: str) -> None:
        raise LibraryError(f"{path.name} pathway '{pathway}': field '{field}': {problem}")

    for template in data.safety_plans:
        if template.kind not in RISK_KINDS:
            raise LibraryError(f"{path.name} safety plan '{template.kind}': not a risk kind ({', '.join(RISK_KINDS)})")
    seen: set[str] = set()
    for p in data.pathways:
        if p.id in seen:
            fail(p.id, "id", "duplicate")
        seen.add(p.id)
        for area in (*p.areas, *p.detect.areas):
            if area not in areas:
                fail(p.id, "areas", f"unknown problem area '{area}'")
        for population in p.populations:
            if population not in populations:
                fail(p.id, "populations", f"unknown population '{population}'")
        for condition in p.requires:
            if condition not in conditions:
                fail(p.id, "requires", f"unknown condition '{condition}'")
        for kind in (*p.detect.risk, *p.safety):
            if kind not in RISK_KINDS:
                fail(p.id, "risk/safety", f"unknown risk kind '{kind}'")
        for kind in p.safety:
            if kind != "suicide" and kind not in templates:
                fail(p.id, "safety", f"no safety-plan template for '{kind}'")
        for feature in p.detect.risk_features:
            if risk_features and feature not in risk_features:
                fail(p.id, "detect.risk_features", f"unknown risk feature '{feature}'")
        for goal, when in p.goals_when.items():
            if goal not in p.goals:
                fail(p.id, "goals_when", f"'{goal}' is not among the pathway's goals")
            for part in when.split("|"):
                if part not in conditions and (risk_features and part not in risk_features):
                    fail(p.id, "goals_when", f"'{part}' is neither a condition nor a risk feature")
        for goal in p.goals:
            entry = library.by_id.get(goal)
            if entry is None or entry.kind != Kind.GOAL:
                fail(p.id, "goals", f"'{goal}' is not a goal in the library")
        for intervention in p.interventions:
            entry = library.by_id.get(intervention)
            if entry is None or entry.kind != Kind.INTERVENTION:
                fail(p.id, "interventions", f"'{intervention}' is not an intervention in the library")
        for tag in p.avoid_tags:
            if tag not in tags:
                fail(p.id, "avoid_tags", f"no library entry carries the tag '{tag}' (a typo would avoid nothing)")
        for other in p.urgent_with:
            if other not in {q.id for q in data.pathways}:
                fail(p.id, "urgent_with", f"'{other}' is not a pathway")
        for referral in p.referrals:
            if referral.service not in services:
                fail(p.id, "referrals", f"unknown service '{referral.service}'")
            if (
                referral.when
                and referral.when not in conditions
                and (risk_features and referral.when not in risk_features)
            ):
                fail(p.id, "referrals.when", f"'{referral.when}' is neither a condition nor a risk feature")
    for item in data.out_of_scope:
        if item.service not in services:
            raise LibraryError(f"{path.name} out_of_scope '{item.id}': unknown service '{item.service}'")
    return Pathways(
        pathways=data.pathways, safety_plans=data.safety_plans, services=data.services, out_of_scope=data.out_of_scope
    )


_loaded: dict[int, tuple[Library, Pathways]] = {}


def pathways_for(library: Library, risk_features: frozenset[str] = frozenset()) -> Pathways:
    """The pathways validated against this library, read once per library object."""
    cached = _loaded.get(id(library))
    if cached is None or cached[0] is not library:
        cached = (library, load_pathways(library, risk_features=risk_features))
        _loaded[id(library)] = cached
    return cached[1]


@cache
def default_pathways() -> Pathways:
    """The pathways of the curated library (what the clinical-fit check reads a stored plan's pathways from)."""
    return pathways_for(default_library())
