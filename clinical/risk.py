"""Typed risk: every kind of danger an intake can report, each with its status, the intake's own words as evidence,
and the plan element it requires.

Status is tri-state and never inferred: "reported" (present now or recently), "denied" (asked and absent), "not
assessed" (nothing said). "Not assessed" is never "denied". Suicide, self-harm and harm to others keep the detailed
fields the safety plan and the intake's follow-up questions use; danger from others, psychosis-related risk and
medical risk are findings with features from a fixed vocabulary.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from clinical.vocabulary import SELF_HARM, SUICIDALITY


class RiskKind(StrEnum):
    """The kinds of risk an intake assesses."""

    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    HARM_TO_OTHERS = "harm_to_others"
    DANGER_FROM_OTHERS = "danger_from_others"
    PSYCHOSIS = "psychosis"
    MEDICAL = "medical"

    @property
    def label(self) -> str:
        """The kind in words."""
        return _LABELS[self]


_LABELS = {
    RiskKind.SUICIDE: "suicide",
    RiskKind.SELF_HARM: "self-harm",
    RiskKind.HARM_TO_OTHERS: "harm to others",
    RiskKind.DANGER_FROM_OTHERS: "danger from others",
    RiskKind.PSYCHOSIS: "psychosis-related risk",
    RiskKind.MEDICAL: "medical risk",
}


#: The kinds recorded as findings (status, features, evidence) rather than through the detailed suicide, self-harm and
#: harm-to-others fields — and whose plan element the Stanley–Brown safety plan does not cover.
FINDING_KINDS: tuple[RiskKind, ...] = (RiskKind.DANGER_FROM_OTHERS, RiskKind.PSYCHOSIS, RiskKind.MEDICAL)


class RiskStatus(StrEnum):
    """What the intake says about one kind of risk now."""

    REPORTED = "reported"
    DENIED = "denied"
    NOT_ASSESSED = "not assessed"


class PlanElement(BaseModel):
    """What a plan must contain when a kind of risk is reported, and where that standard comes from."""

    element: str
    source: str


#: The plan element each reported kind requires. The drafting issue builds them; the plan check names them.
PLAN_ELEMENTS: dict[RiskKind, PlanElement] = {
    RiskKind.SUICIDE: PlanElement(
        element="A suicide safety plan (warning signs, coping, contacts, professionals, crisis lines) with "
        "lethal-means counselling, reviewed at every session while risk lasts.",
        source="Stanley & Brown, Cogn Behav Pract 2012;19:256-64; NICE NG225 (2022) on safety plans",
    ),
    RiskKind.SELF_HARM: PlanElement(
        element="A self-harm safety plan (triggers, alternatives, wound care, who to contact) and a review of "
        "self-harm at each session; no risk tool used to predict.",
        source="NICE NG225, Self-harm: assessment, management and preventing recurrence (2022)",
    ),
    RiskKind.HARM_TO_OTHERS: PlanElement(
        element="A violence-risk assessment and management plan: who is at risk, triggers, access to weapons, "
        "and the clinician's duty to warn or protect under local law.",
        source="Tarasoff v. Regents of the University of California (1976) and state or national duty-to-protect "
        "law; HCR-20 V3 structured professional judgement (Douglas et al., 2013)",
    ),
    RiskKind.DANGER_FROM_OTHERS: PlanElement(
        element="A safety plan for violence from another person (safe contacts, escape plan, documents, "
        "domestic-abuse advocate or hotline), no joint or couples sessions while violence continues, and a "
        "safeguarding or child-protection referral when children or vulnerable adults are at risk.",
        source="WHO, Responding to intimate partner violence and sexual violence against women (2013); NICE PH50, "
        "Domestic violence and abuse (2014); Campbell et al., Danger Assessment (J Interpers Violence 2009)",
    ),
    RiskKind.PSYCHOSIS: PlanElement(
        element="Urgent psychiatric assessment and referral to an early-intervention-in-psychosis (or community "
        "mental health) service; a crisis plan covering command hallucinations and beliefs the client may act on.",
        source="NICE CG178, Psychosis and schizophrenia in adults (2014); NICE CG155 for under-18s (2013)",
    ),
    RiskKind.MEDICAL: PlanElement(
        element="Medical assessment and monitoring by a physician (vital signs, bloods, withdrawal management), "
        "with stated criteria for stepping up to a higher level of care.",
        source="Royal College of Psychiatrists CR233, Medical emergencies in eating disorders (2022); NICE NG69 "
        "(2017); NICE CG115 alcohol withdrawal (2011); NICE CG192 antenatal and postnatal mental health (2014)",
    ),
}


class RiskFinding(BaseModel):
    """One kind of risk as the intake reports it: status, the features reported, the intake's own words."""

    status: RiskStatus = RiskStatus.NOT_ASSESSED
    features: list[str] = Field(default_factory=list, description="What was reported, in fixed words.")
    evidence: list[str] = Field(default_factory=list, description="Spans quoted verbatim from the intake.")


class SuicidalIdeation(StrEnum):
    """What was reported about suicidal ideation."""

    DENIED = "denied"
    PASSIVE = "passive"
    ACTIVE = "active"
    PRESENT = "present"  # reported, but not specified as passive or active


#: Features of danger from others that make a safety plan urgent and joint work unsafe.
DANGER_FEATURES = (
    "physical violence",
    "strangulation",
    "threats to kill",
    "weapon held by the other person",
    "stalking or monitoring",
    "escalation",
    "sexual violence",
    "coercive control",
    "children exposed",
    "abuse of a child",
    "abuse of a vulnerable adult",
    "fear for safety",
    "danger assessment score",
)
#: Danger features that describe violence or control by someone close to the client (not only the abuse of a child or
#: an elder, which is a safeguarding matter).
VIOLENCE_FEATURES = tuple(
    f for f in DANGER_FEATURES if f not in ("children exposed", "abuse of a child", "abuse of a vulnerable adult")
)
PSYCHOSIS_FEATURES = (
    "hallucinations",
    "command hallucinations",
    "command hallucinations about death or harm",
    "persecutory beliefs",
    "intent to act on beliefs",
    "psychotic symptoms",
)
MEDICAL_FEATURES = (
    "restrictive eating with physical instability",
    "alcohol withdrawal risk",
    "benzodiazepine withdrawal risk",
    "perinatal red flags",
    "unstable vital signs",
)


class RiskAssessment(BaseModel):
    """Risk as reported by the clinician. `None` and "not assessed" everywhere mean not assessed."""

    suicidal_ideation: SuicidalIdeation | None = Field(default=None, description="None = not assessed.")
    suicide_plan: bool | None = Field(default=None, description="A suicide plan: True reported, False denied.")
    intent: bool | None = Field(default=None, description="Intent to act: True reported, False denied.")
    means_access: bool | None = Field(default=None, description="Access to lethal means: True/False as reported.")
    means: list[str] = Field(default_factory=list, description="The client's own means mentioned (firearm, pills…).")
    recency: str | None = Field(default=None, description="When ideation or self-harm last occurred, as said.")
    self_harm: bool | None = Field(default=None, description="Self-harm: True reported, False denied.")
    self_harm_recency: str | None = Field(default=None, description="When self-harm last occurred, as said.")
    homicidal_ideation: bool | None = Field(default=None, description="Thoughts of harming others.")
    protective_factors: list[str] = Field(default_factory=list, description="Protective factors as listed.")
    prior_attempts: bool | None = Field(default=None, description="Past suicide attempts: True/False as reported.")
    danger_from_others: RiskFinding = Field(
        default_factory=RiskFinding, description="Danger to the client (or a child in their care) from someone else."
    )
    psychosis: RiskFinding = Field(default_factory=RiskFinding, description="Psychosis-related risk.")
    medical: RiskFinding = Field(default_factory=RiskFinding, description="Medical danger.")
    safeguarding: bool | None = Field(
        default=None, description="A child or vulnerable adult is at risk: a safeguarding duty applies."
    )
    evidence: dict[str, list[str]] = Field(
        default_factory=dict, description="Risk kind → spans quoted from the intake (suicide, self-harm, others)."
    )
    history: list[str] = Field(default_factory=list, description="Past risk events stated (not current).")
    not_assessed_reason: str | None = Field(
        default=None, description="Why the clinician did not assess risk, in their words."
    )

    def status(self, kind: RiskKind) -> RiskStatus:
        """One kind's status now."""
        if kind is RiskKind.SUICIDE:
            ideation = self.suicidal_ideation
            if (ideation not in (None, SuicidalIdeation.DENIED)) or self.suicide_plan or self.intent:
                return RiskStatus.REPORTED
            return RiskStatus.DENIED if ideation is SuicidalIdeation.DENIED else RiskStatus.NOT_ASSESSED
        if kind is RiskKind.SELF_HARM:
            return _tri(self.self_harm)
        if kind is RiskKind.HARM_TO_OTHERS:
            return _tri(self.homicidal_ideation)
        return self.finding(kind).status

    def finding(self, kind: RiskKind) -> RiskFinding:
        """One kind as a finding: status, features and evidence (the same view for every kind)."""
        if kind is RiskKind.DANGER_FROM_OTHERS:
            return self.danger_from_others
        if kind is RiskKind.PSYCHOSIS:
            return self.psychosis
        if kind is RiskKind.MEDICAL:
            return self.medical
        features: list[str] = []
        if kind is RiskKind.SUICIDE:
            if self.suicidal_ideation not in (None, SuicidalIdeation.DENIED):
                features.append(f"{self.suicidal_ideation.value} ideation")
            features += [name for name, value in (("plan", self.suicide_plan), ("intent", self.intent)) if value]
            if self.means_access and self.means:
                features.append("access to means: " + ", ".join(self.means))
        return RiskFinding(status=self.status(kind), features=features, evidence=self.evidence.get(kind.value, []))

    @property
    def reported_kinds(self) -> list[RiskKind]:
        """The kinds reported now, in the order of `RiskKind`."""
        return [kind for kind in RiskKind if self.status(kind) is RiskStatus.REPORTED]

    @property
    def urgent_areas(self) -> list[str]:
        """The library problem areas this report makes urgent: suicidality, then self-harm. The one rule drafting,
        ranking and the intake's follow-ups share."""
        areas = []
        if self.status(RiskKind.SUICIDE) is RiskStatus.REPORTED:
            areas.append(SUICIDALITY)
        if self.self_harm:
            areas.append(SELF_HARM)
        return areas

    @property
    def calls_for_safety_plan(self) -> bool:
        """Whether the report calls for the Stanley–Brown safety plan: suicide, self-harm, or command hallucinations
        about death or harm. Harm to others calls for a violence-risk plan instead (a safety element of its own)."""
        command = "command hallucinations about death or harm" in self.psychosis.features
        return bool(self.urgent_areas or command)

    @property
    def flagged(self) -> bool:
        """Whether any kind of risk is reported."""
        return bool(self.reported_kinds)

    @property
    def assessed(self) -> bool:
        """Whether anything at all was reported about risk now (present or denied)."""
        return any(self.status(kind) is not RiskStatus.NOT_ASSESSED for kind in RiskKind) or any(
            value is not None for value in (self.suicide_plan, self.intent)
        )


def _tri(value: bool | None) -> RiskStatus:
    return {True: RiskStatus.REPORTED, False: RiskStatus.DENIED, None: RiskStatus.NOT_ASSESSED}[value]
