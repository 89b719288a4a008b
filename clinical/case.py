"""The case picture: what a supervisor reads off an intake before any plan is drafted — the presentations (each with
the intake's words as evidence and the pathway it calls for), the population, the facts that make an intervention
unsafe or presumptuous (`conditions`), typed risk, orientation, stated sequencing and format constraints, referrals
the intake names, and presentations outside what a psychotherapy plan can treat alone.

Pure: a function of the intake record and the pathways. Drafting plans within it; the clinical-fit check reads the
copy kept on the plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, Field

from clinical.extraction.context import assertion, clauses
from clinical.instruments import instrument
from clinical.record import IntakeRecord, Measure, SectionId
from clinical.risk import VIOLENCE_FEATURES, RiskKind, RiskStatus, SuicidalIdeation
from knowledge.models import Entry
from knowledge.pathways import Pathway, Pathways

#: Where the client's presentation is described (the rest of the intake is context).
FOCUS_SECTIONS = (SectionId.PRESENTING_PROBLEM, SectionId.SYMPTOMS, SectionId.IDENTIFYING, SectionId.CLIENT_GOALS)
#: How many of the intake's ranked problem areas count as presentations on their own.
LEADING_AREAS = 3
#: A partner or ex-partner ("ex" only as someone's ex, never the prefix of "ex-smoker").
_PARTNER = (
    r"(?:partner|husband|wife|boyfriend|girlfriend|spouse|fianc[ée]e?|bf|gf|ex-partner|ex-husband|ex-wife|"
    r"ex-boyfriend|ex-girlfriend|(?:her|his|their|my|an) ex(?![\w-]))"
)
_CURRENT_PARTNER = re.compile(
    r"(?<!\bex-)(?<!\bex )(?<!\blate )(?<!\bformer )(?<!\bdeceased )\b(?:her|his|their|my|"
    r"a|with|lives with|married to)\s+"
    r"(?:new\s+|long-?term\s+|current\s+|same-sex\s+)?(?:partner|husband|wife|boyfriend|"
    r"girlfriend|spouse|fianc[ée]e?)\b"
    r"|\b(?:married|engaged|in a relationship|cohabiting|living together)\b",
    re.I,
)
#: A relationship the clause says has ended (a partner named in it is not a current one).
_ENDED = re.compile(r"\b(?:separat\w+|divorc\w+|estranged|widow\w*|late|died|passed away|former|ex)\b", re.I)
#: People other than a partner who may be the source of danger (a neighbour's threat is not intimate-partner
#: violence).
_OTHERS = (
    r"(?:neighbou?rs?|strangers?|colleagues?|co-?workers?|manager|boss|customers?|landlord|grandson|granddaughter|"
    r"son|daughter|carers?|caregivers?|brother|sister|father|stepfather|mother|stepmother|uncle|cousin|"
    r"gang|flatmate|roommate|classmates?|peers?|teacher|coach|groomer|someone online|a man|men)"
)
#: Someone other than a partner named as the source of danger ("threatened by a neighbour", "the grandson took her
#: card"): a neighbour's threat is not intimate-partner violence. A coworker who escorts her is not the danger.
_OTHER_PERPETRATOR = re.compile(
    rf"\b(?:by|from)\s+(?:an?\s+|her\s+|his\s+|their\s+|the\s+)?(?:former\s+)?{_OTHERS}\b|"
    rf"\b{_OTHERS}(?:'s)?\s+(?:\w+\s+)?(?:threat\w*|hit\w*|assault\w*|attack\w*|stalk\w*|abus\w*|strangl\w*|"
    r"punch\w*|beat\w*|groom\w*|exploit\w*|took|taking|harass\w*|intimidat\w*)",
    re.I,
)
_PARTNER_IN_DANGER = re.compile(rf"\b{_PARTNER}\b|\b(?:he|she)\s+(?:hit|strangled|choked|punched|threatened)", re.I)
_CHILDREN = re.compile(
    r"\b(?:her|his|their|my)\s+(?:\w+\s+)?(?:children|kids|sons?|daughters?|baby|infant|toddler|newborn|twins)\b"
    r"|\b(?:mother|father|mum|mom|dad|parent|single parent)\s+(?:of|to)\b|\bhas\s+(?:\w+\s+)?(?:children|kids)\b"
    r"|\b(?:children|kids)\s*\(\s*\d",
    re.I,
)
_PREGNANT = re.compile(
    r"\b(?:pregnant|pregnancy|antenatal|ante-natal|prenatal|gestation|trimester|"
    r"\d{1,2}\s*weeks?\s+(?:pregnant|gestation)"
    r"|\d{1,2}\s*/\s*40|expecting (?:a|her|their) (?:baby|first|second))\b",
    re.I,
)
_POSTNATAL = re.compile(
    r"\b(?:postpartum|post-partum|postnatal|post-natal|newborn|new baby|(?:her|his|their) baby|infant|"
    r"\d{1,2}[\s-]*(?:weeks?|wks?|months?|mo)[\s-]*old\s+(?:baby|son|daughter|twins|infant)|breast-?feeding|"
    r"night feeds?|gave birth|birth of (?:her|his|their)|maternity leave|perinatal|health visitor|"
    r"(?:baby|infant|newborn)(?: (?:is|was|now))? \d{1,2}\s*(?:weeks?|wks?|months?|mo)(?: old)?|"
    r"(?:daughter|son|baby|twins)'s birth|since the birth|after the birth|delivered (?:her|by))\b",
    re.I,
)
_PERINATAL_RED_FLAGS = "perinatal red flags"
_CONDITION_TERMS: dict[str, re.Pattern] = {
    "bipolar": re.compile(r"\b(?:bipolar|mania|manic|hypomani\w*)\b", re.I),
    "seizures": re.compile(r"\b(?:seizures?|epilep\w*|fits)\b", re.I),
    "cognitive-impairment": re.compile(r"\b(?:dementia|cognitive impairment|mci|alzheimer\w*)\b", re.I),
    "bereavement": re.compile(
        r"\b(?:died|death of|passed away|passed|bereave\w*|widow\w*|killed|suicide of|lost (?:her|his|their) "
        r"(?:husband|wife|partner|son|daughter|mother|father|mum|mom|dad|brother|sister|baby|child|friend)|loss of "
        r"(?:her|his|their)|funeral|stillbirth|miscarriage)\b",
        re.I,
    ),
    "traumatic-event": re.compile(
        r"\b(?:assault\w*|raped?|sexual abuse|abused|abuse|accident|crash|combat|deployment|attacked|mugged|"
        r"strangl\w*|violence|violent|disaster|fire|shooting|stabbed|torture|war|refugee|witnessed|trauma\w*|"
        r"hit by|held at|robbery|birth trauma|traumatic birth)\b",
        re.I,
    ),
    "restrictive-eating": re.compile(
        r"\b(?:restrict\w*|skipp\w* meals|one meal a day|low weight|underweight|anorexi\w*|bmi|calorie\w*|"
        r"weight loss|lost \d+\s*(?:kg|lb|lbs|pounds|kilos)|not eating|barely eating|fasting)\b",
        re.I,
    ),
}
_CONSTRAINTS: dict[str, re.Pattern] = {
    "no-conjoint": re.compile(
        r"\b(?:no|not|never|without)\s+(?:\w+\s+){0,2}(?:joint|conjoint|couples?|family)\s+(?:sessions?|work|therapy|"
        r"counsell?ing)|\b(?:joint|conjoint|couples?)\s+(?:sessions?|work|therapy|counsell?ing)\s+(?:is\s+|are\s+)?"
        r"(?:not|contra-?indicated|unsafe|inappropriate|deferred|on hold|ruled out)|"
        r"\bindividual (?:sessions |work )?only\b",
        re.I,
    ),
    "in-person-only": re.compile(
        r"\bin[\s-]person only\b|\b(?:no|not)\s+(?:\w+\s+){0,2}(?:telehealth|video|online|remote|zoom|phone)\s+"
        r"(?:sessions?|appointments?|contact)|\b(?:telehealth|video|online|remote)\s+(?:sessions?\s+)?(?:is\s+|are\s+)?"
        r"(?:not safe|unsafe|ruled out|not possible)",
        re.I,
    ),
    "no-messages": re.compile(
        r"\b(?:do not|don't|dont|never|no)\s+(?:leave\s+)?(?:voice\s?mails?|voice messages?|messages|letters|post)\b|"
        r"\bsafe word\b|\bcode word\b|\bcell only\b|\bmobile only\b",
        re.I,
    ),
    "sequence": re.compile(
        r"\b(?:first|before|until|once|then|later|deferred|defer|not yet|after)\b.*\b(?:stabili[sz]\w*|safe|sober|"
        r"abstinent|settled|trauma|emdr|processing|exposure|couples?|family|phase)\b|"
        r"\b(?:stabili[sz]ation|safety)\s+first\b",
        re.I,
    ),
}
#: Service ids the intake itself names (an intake's own referral or liaison), by the words clinicians use.
_NAMED_SERVICES: tuple[tuple[str, re.Pattern], ...] = (
    (
        "early-intervention-psychosis",
        re.compile(r"\b(?:EIP|EI team|early intervention|FEP|first[- ]episode|EPPIC|ARMS)\b", re.I),
    ),
    ("crisis-team", re.compile(r"\b(?:crisis (?:team|line|service)|home treatment|CRHT|HTT|mobile crisis)\b", re.I)),
    ("psychiatry", re.compile(r"\b(?:psychiatr\w+|CMHT|community mental health)\b", re.I)),
    (
        "eating-disorder-service",
        re.compile(
            r"\b(?:eating disorders? (?:service|team|clinic|unit|programme|program)|CEDS|ED service|ED team)\b", re.I
        ),
    ),
    (
        "dv-advocacy",
        re.compile(
            r"\b(?:IDVA|DV advocate|domestic (?:violence|abuse) (?:advocate|service|hotline|"
            r"helpline|worker)|refuge|shelter|women's aid|hotline|MARAC)\b",
            re.I,
        ),
    ),
    (
        "safeguarding",
        re.compile(
            r"\b(?:CPS|child protection|safeguarding|MASH|APS|adult protective|children's services|"
            r"social services|social worker|Tusla|Oranga Tamariki)\b",
            re.I,
        ),
    ),
    (
        "addiction-medicine",
        re.compile(
            r"\b(?:detox\w*|addiction (?:service|medicine|team)|substance (?:misuse|use) service|"
            r"drug and alcohol|alcohol (?:service|team|liaison)|(?:medically|medical) (?:assisted|"
            r"managed) withdrawal)\b",
            re.I,
        ),
    ),
    (
        "perinatal-mental-health",
        re.compile(
            r"\b(?:perinatal (?:mental health )?(?:team|service)|PMHT|PMHS|mother and baby unit|"
            r"MBU|health visitor|midwi\w+)\b",
            re.I,
        ),
    ),
    ("memory-clinic", re.compile(r"\b(?:memory (?:clinic|service|assessment)|neuropsych\w*|geriatrician)\b", re.I)),
    ("adhd-assessment", re.compile(r"\b(?:ADHD (?:assessment|clinic|service|team|diagnos\w+)|adult ADHD)\b", re.I)),
    (
        "medical",
        re.compile(
            r"\b(?:GP|PCP|primary care|physician|family doctor|medical review|bloods|ECG|"
            r"paediatrician|pediatrician|A&E|ER|emergency department)\b"
        ),
    ),
    (
        "school",
        re.compile(
            r"\b(?:school (?:counsell?or|nurse|SENCO|pastoral|liaison|psychologist)|SENCO|pastoral lead)\b", re.I
        ),
    ),
)
_REFERRAL_CUE = re.compile(
    r"\b(?:refer\w*|liais\w*|signpost\w*|coordinat\w*|letter to|contact\w*|discuss\w* with|consult\w*|involv\w*|"
    r"report\w* to|made a report|flagged to|linked (?:in )?with|open to|under|seen by|allocated|awaiting|waiting list|"
    r"booked|appointment with|follow[- ]up with|told to see|to see)\b",
    re.I,
)


class Evidence(BaseModel):
    """Why the case picture holds something: the intake's own words."""

    reason: str = Field(description='How it was recognised, in words ("PHQ-9 17 (moderately severe)").')
    quote: str = Field(default="", description="The intake's words, verbatim, where there are some.")


class Presentation(BaseModel):
    """A presentation the plan addresses, with the pathway it follows."""

    pathway: str
    label: str
    evidence: list[Evidence] = Field(default_factory=list)
    #: What made it urgent or leading; higher first.
    weight: float = 0


class Constraint(BaseModel):
    """A sequencing or format constraint stated in the intake."""

    kind: str = Field(description="no-conjoint, in-person-only, no-messages, sequence or deferred.")
    quote: str


class NamedReferral(BaseModel):
    """A service the intake itself names (a referral made, planned or to consider)."""

    service: str
    quote: str


class OutOfScopeFinding(BaseModel):
    """A presentation a psychotherapy plan must not treat alone."""

    id: str
    label: str
    note: str
    service: str
    quote: str = ""


class CasePicture(BaseModel):
    """What drafting plans within, and what the clinical-fit check checks a plan against."""

    populations: list[str] = Field(default_factory=list, description="Population ids, most specific first.")
    conditions: list[str] = Field(default_factory=list, description="Condition ids that hold (taxonomy.yaml).")
    presentations: list[Presentation] = Field(default_factory=list)
    risk: dict[str, str] = Field(default_factory=dict, description="Risk kind → reported / denied / not assessed.")
    risk_features: list[str] = Field(default_factory=list, description="Every reported risk feature.")
    client_means: list[str] = Field(default_factory=list, description="Lethal means the client has (not another's).")
    orientation: list[str] = Field(default_factory=list, description="Chosen approaches, primary first.")
    deferred: list[str] = Field(default_factory=list, description="Approaches put off or ruled out for now.")
    constraints: list[Constraint] = Field(default_factory=list)
    named_referrals: list[NamedReferral] = Field(default_factory=list)
    out_of_scope: list[OutOfScopeFinding] = Field(default_factory=list)
    administered: dict[str, float] = Field(default_factory=dict, description="Instrument → latest intake score.")
    planned: list[str] = Field(default_factory=list, description="Ids of the pathways the plan follows, in order.")
    client_words: list[str] = Field(default_factory=list, description="The client's quoted words, verbatim.")

    @property
    def primary_orientation(self) -> str | None:
        """The approach chosen first, if any."""
        return self.orientation[0] if self.orientation else None

    @property
    def pathways(self) -> list[str]:
        """Pathway ids, in plan order."""
        return [p.pathway for p in self.presentations]

    def holds(self, condition: str) -> bool:
        """Whether a condition or a reported risk feature holds ("a|b": either of them)."""
        return any(c in self.conditions or c in self.risk_features for c in condition.split("|"))

    def status(self, kind: RiskKind) -> str:
        """The intake's status for one kind of risk."""
        return self.risk.get(kind.value, RiskStatus.NOT_ASSESSED.value)

    def has_constraint(self, kind: str) -> bool:
        """Whether the intake states a constraint of this kind."""
        return any(c.kind == kind for c in self.constraints)


def sentences(text: str) -> list[str]:
    """A section's sentences (and lines), stripped, as the intake wrote them."""
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def _affirmed(pattern: re.Pattern, texts: Iterable[str], *, others_count: bool = False) -> str | None:
    """The first clause where the pattern is affirmed now (not denied, hypothetical or figurative; not someone
    else's unless `others_count`), as the quote; None when there is none."""
    for text in texts:
        for clause in clauses(text):
            for m in pattern.finditer(clause):
                reading = assertion(clause, m.start(), m.end())
                if reading.negated or reading.hypothetical or reading.asked or reading.figurative:
                    continue
                if reading.other_experiencer and not others_count:
                    continue
                return clause[:300]
    return None


def _texts(record: IntakeRecord, sections: Iterable[SectionId]) -> list[str]:
    return [record.sections.get(s.value, "") for s in sections if record.sections.get(s.value, "").strip()]


def _populations(record: IntakeRecord, all_text: list[str]) -> list[str]:
    age = record.client.age
    roles = {(p.role or "").lower() for p in record.participants}
    family_roles = {"mother", "father", "mum", "mom", "dad", "parent", "son", "daughter", "stepfather", "stepmother"}
    populations = []
    if len(record.participants) >= 3 or (len(record.participants) >= 2 and roles & family_roles):
        populations.append("family")
    elif len(record.participants) == 2:
        populations.append("couple")
    if (_affirmed(_PREGNANT, all_text) or _affirmed(_POSTNATAL, all_text)) and (age is None or age >= 14):
        populations.append("perinatal")
    if age is not None and age < 12:
        populations.append("child")
    elif age is not None and age < 18:
        populations.append("adolescent")
    elif age is not None and age >= 65:
        populations.append("older-adult")
    if not {"child", "adolescent"} & set(populations):
        populations.append("adult")
    return populations


def _conditions(record: IntakeRecord, populations: list[str], focus: list[str], all_text: list[str]) -> list[str]:
    risk = record.risk
    danger = risk.danger_from_others
    conditions: list[str] = []
    danger_words = " ".join(danger.evidence) + " " + record.sections.get(SectionId.RISK.value, "")
    if danger.status is RiskStatus.REPORTED and set(danger.features) & set(VIOLENCE_FEATURES):
        # Violence by a partner or ex-partner: named so where the danger is described, or — when the danger names
        # no one else — a partner or ex-partner is part of the client's life.
        someone_else = _OTHER_PERPETRATOR.search(danger_words) and not _PARTNER_IN_DANGER.search(danger_words)
        partnered = any(_PARTNER_IN_DANGER.search(t) for t in all_text)
        if _PARTNER_IN_DANGER.search(danger_words) or (partnered and not someone_else):
            conditions.append("ipv-present")
    if risk.medical.status is RiskStatus.REPORTED:
        conditions.append("medical-instability")
    if "restrictive eating with physical instability" in risk.medical.features or _affirmed(
        _CONDITION_TERMS["restrictive-eating"], focus
    ):
        conditions.append("restrictive-eating")
    if "perinatal" in populations:
        if _affirmed(_POSTNATAL, all_text):
            conditions.append("infant-care")
        if _affirmed(_PREGNANT, all_text):
            conditions.append("pregnancy")
    for name in ("bipolar", "seizures"):
        if _affirmed(_CONDITION_TERMS[name], all_text):
            conditions.append(name)
    if risk.psychosis.status is RiskStatus.REPORTED:
        conditions.append("psychosis")
    if {"alcohol withdrawal risk", "benzodiazepine withdrawal risk"} & set(risk.medical.features):
        conditions.append("substance-withdrawal")
    screens = {m.name: m.score for m in record.measures}
    if (
        ("MoCA" in screens and screens["MoCA"] < 26)
        or ("MMSE" in screens and screens["MMSE"] < 24)
        or _affirmed(_CONDITION_TERMS["cognitive-impairment"], all_text)
    ):
        conditions.append("cognitive-impairment")
    if risk.status(RiskKind.SUICIDE) is RiskStatus.REPORTED and (
        risk.suicide_plan or risk.intent or risk.suicidal_ideation is SuicidalIdeation.ACTIVE
    ):
        conditions.append("active-suicide-risk")
    partner = _affirmed(_CURRENT_PARTNER, all_text, others_count=True)
    if "couple" in populations or (partner and not _ENDED.search(partner)):
        conditions.append("partner")
    if "couple" in populations:
        conditions.append("couple-in-room")
    if "family" in populations:
        conditions.append("family-in-room")
    if risk.prior_attempts or "suicide_attempt" in risk.history:
        conditions.append("prior-attempt")
    if risk.self_harm or "self_harm" in risk.history:
        conditions.append("self-harm-history")
    if _affirmed(_CONDITION_TERMS["bereavement"], all_text, others_count=True):
        conditions.append("bereavement")
    if (
        danger.status is RiskStatus.REPORTED
        or "abuse_victim" in risk.history
        or "PCL-5" in screens
        or _affirmed(_CONDITION_TERMS["traumatic-event"], all_text, others_count=True)
    ):
        conditions.append("traumatic-event")
    if {"child", "adolescent"}.isdisjoint(populations) and _affirmed(_CHILDREN, all_text, others_count=True):
        conditions.append("children")
    return conditions


def latest_measures(measures: list[Measure]) -> dict[str, Measure]:
    """Each instrument's score to plan from: the last written administration (the first person's, per person)."""
    latest: dict[str, Measure] = {}
    for m in measures:  # the last written administration of each instrument (the intake's own, usually)
        if m.person is None or m.name not in latest:
            latest[m.name] = m
    return latest


def _clinical(measure: Measure) -> bool:
    catalogued = instrument(measure.name)
    if catalogued is None:
        return True
    flagged = catalogued.in_clinical_range(measure.score)
    if flagged is not None:
        return flagged
    if catalogued.target is None:
        return True
    return measure.score < catalogued.target if catalogued.higher_is_better else measure.score > catalogued.target


def _detect(
    pathway: Pathway,
    record: IntakeRecord,
    features: set[str],
    latest: dict[str, Measure],
    focus: list[str],
    all_text: list[str],
    populations: list[str],
    conditions: list[str],
) -> list[tuple[float, Evidence]]:
    hits: list[tuple[float, Evidence]] = []
    risk = record.risk
    for kind in pathway.detect.risk:
        finding = risk.finding(RiskKind(kind))
        if finding.status is RiskStatus.REPORTED:
            hits.append((10, Evidence(reason=f"{RiskKind(kind).label} reported", quote=(finding.evidence or [""])[0])))
    for feature in pathway.detect.risk_features:
        if feature in features:
            hits.append((9, Evidence(reason=f"risk: {feature}")))
    if pathway.detect.population and set(pathway.populations) & set(populations):
        hits.append(
            (6, Evidence(reason="who takes part: " + ", ".join(sorted(set(pathway.populations) & set(populations)))))
        )
    if pathway.detect.safeguarding and risk.safeguarding:
        quote = (risk.evidence.get("safeguarding") or [""])[0]
        hits.append((8, Evidence(reason="a child or vulnerable adult at risk", quote=quote)))
    for name in pathway.detect.measures:
        if (m := latest.get(name)) is not None and _clinical(m):
            band = f" ({m.severity})" if m.severity else ""
            hits.append((6, Evidence(reason=f"{m.name} {m.display_score}{band}")))
    leading = record.problem_areas[:LEADING_AREAS]
    if any(c in conditions for c in pathway.detect.areas_unreliable_when):
        leading = []
    for area in pathway.detect.areas:
        if area in leading:
            hits.append((5 - leading.index(area), Evidence(reason=f"a leading problem area ({area})")))
    if pathway.detect.terms:
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in pathway.detect.terms) + r")\b", re.I)
        if quote := _affirmed(pattern, focus):
            hits.append((3, Evidence(reason="named in the presenting problem", quote=quote)))
    if pathway.detect.terms_anywhere:
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in pathway.detect.terms_anywhere) + r")\b", re.I)
        if quote := _affirmed(pattern, all_text):
            hits.append((2, Evidence(reason="named in the intake", quote=quote)))
    return hits


def case_picture(record: IntakeRecord, pathways: Pathways) -> CasePicture:
    """Read the case off the intake: presentations with evidence and pathways, population, conditions, risk,
    orientation, constraints, named referrals and what lies outside a psychotherapy plan."""
    focus = _texts(record, FOCUS_SECTIONS)
    all_text = _texts(record, tuple(SectionId))
    populations = _populations(record, all_text)
    conditions = _conditions(record, populations, focus, all_text)
    risk = record.risk
    features = {f for kind in RiskKind for f in risk.finding(kind).features}
    latest = latest_measures(record.measures)
    presentations = []
    for pathway in pathways.pathways:
        if pathway.populations and not set(pathway.populations) & set(populations):
            continue
        if any(c not in conditions for c in pathway.requires):
            continue
        hits = _detect(pathway, record, features, latest, focus, all_text, populations, conditions)
        if hits:
            weight = max(w for w, _ in hits) + 0.1 * (len(hits) - 1)
            presentations.append(
                Presentation(pathway=pathway.id, label=pathway.label, evidence=[e for _, e in hits], weight=weight)
            )
    present = {p.pathway for p in presentations}
    for presentation in presentations:  # substance use beside psychosis or self-harm is part of the risk
        if set(pathways.by_id[presentation.pathway].urgent_with) & present:
            presentation.weight = max(presentation.weight, 8)
    presentations.sort(key=lambda p: -p.weight)
    constraints = [
        Constraint(kind=kind, quote=sentence[:300])
        for section in (SectionId.ORIENTATION, SectionId.LOGISTICS, SectionId.RISK)
        for sentence in sentences(record.sections.get(section.value, ""))
        for kind, pattern in _CONSTRAINTS.items()
        if pattern.search(sentence) and (kind != "sequence" or section is SectionId.ORIENTATION)
    ]
    named = []
    for text in all_text:
        for sentence in sentences(text):
            if not _REFERRAL_CUE.search(sentence):
                continue
            for service, pattern in _NAMED_SERVICES:
                m = pattern.search(sentence)
                if m is None or service in {n.service for n in named}:
                    continue
                reading = assertion(sentence, m.start(), m.end())
                if not (reading.negated or reading.hypothetical or reading.other_experiencer):
                    named.append(NamedReferral(service=service, quote=sentence[:300]))
    out_of_scope = []
    for item in pathways.out_of_scope:
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in item.terms) + r")(?!\w)", re.I)
        if quote := _affirmed(pattern, all_text):
            out_of_scope.append(
                OutOfScopeFinding(id=item.id, label=item.label, note=item.note, service=item.service, quote=quote)
            )
    return CasePicture(
        populations=populations,
        conditions=conditions,
        presentations=presentations,
        risk={kind.value: risk.status(kind).value for kind in RiskKind},
        risk_features=sorted(features),
        client_means=list(risk.means),
        orientation=list(record.orientation),
        deferred=list(record.orientation_deferred),
        constraints=constraints,
        named_referrals=named,
        out_of_scope=out_of_scope,
        administered={name: m.score for name, m in latest.items()},
        client_words=list(record.client_words),
    )


def unsuitable(entry: Entry, case: CasePicture, avoid_tags: Iterable[str] = ()) -> str | None:
    """Why an entry must not be drafted for this case, in words; None when it may be. A contraindication holds, it
    presumes what the intake does not establish, it is written for another population, a pathway avoids one of its
    tags, it belongs only to an approach the clinician deferred, or it needs joint sessions the intake ruled out."""
    if held := [c for c in entry.contraindications if case.holds(c)]:
        return "contraindicated here (" + ", ".join(held) + ")"
    if missing := [p for p in entry.presumes if not case.holds(p)]:
        return "presumes what the intake does not establish (" + ", ".join(missing) + ")"
    if entry.populations and not set(entry.populations) & set(case.populations):
        return "written for another population (" + ", ".join(entry.populations) + ")"
    if avoided := sorted(set(avoid_tags) & set(entry.tags)):
        return "avoided by the pathway (" + ", ".join(avoided) + ")"
    if entry.modalities and set(entry.modalities) <= set(case.deferred):
        return "in an approach deferred at intake (" + ", ".join(entry.modalities) + ")"
    if case.has_constraint("no-conjoint") and set(entry.populations) & {"couple", "family"}:
        return "needs joint sessions the intake ruled out"
    return None
