"""The clinical-fit check: does the plan fit the case it was drafted for? Run on every draft and every save, beside
the documentation checks (`clinical.plan_checks`); its errors block signing.

It reads the case picture kept on the plan (what the intake established) and the library entries the plan cites:
an item the case contraindicates or cannot presume, a goal or safety item the intake contradicts, a required
pathway element or safety element missing, an instrument tracked without a baseline or a target no better than it,
an impossible target date, unassessed risk with nothing in the plan to assess it. Warnings: the primary orientation
below half the therapeutic work, a presentation outside the plan's scope, one quote beside several goals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date

from clinical.case import CasePicture, unsuitable
from clinical.extraction.dates import NUMBER_WORDS
from clinical.instruments import instrument
from clinical.plan import GAP_MARKERS, TreatmentPlan
from clinical.risk import RiskKind, RiskStatus
from knowledge.models import Category, Entry, Kind
from knowledge.pathways import Pathways

#: The library entry of the objective that keeps an already healthy score where it is (its target may equal or
#: pass the baseline).
MAINTENANCE_OBJECTIVES = frozenset({"mbc-obj-maintain-score"})
#: How a composer marks a line quoted from the intake (the intake's words, not the plan's own statement).
INTAKE_QUOTE = "Agreed or noted at intake:"
#: The intervention that completes a risk assessment the intake could not.
RISK_ASSESSMENT = "mbc-int-complete-risk-assessment"
_SAFETY_WORK = frozenset({Category.CRISIS_SAFETY, Category.EVALUATION})
_DURATION = re.compile(
    r"\b(?:for|over|across)\s+(?:at least\s+)?(?P<n>\d+|two|three|four|five|six|seven|eight|ten|twelve)\s+"
    r"(?:consecutive\s+|successive\s+|straight\s+)?(?P<unit>weeks?|months?|days?)\b"
    r"|\b(?P<n2>\d+|two|three|four|five|six|seven|eight|ten|twelve)\s+(?P<unit2>weeks?|months?)\s+in a row\b",
    re.I,
)
_MEANS = {
    "firearm": re.compile(r"\b(?:firearms?|guns?|rifles?|shotguns?|handguns?|pistols?)\b", re.I),
    "medications": re.compile(r"\b(?:medications?|pills|tablets|overdose)\b", re.I),
}
_SELF_HARM_AREAS = {"self-harm": RiskKind.SELF_HARM, "suicidality": RiskKind.SUICIDE}

Flagger = Callable[[str, str, str, str], None]


def minimum_days(text: str) -> int:
    """The fewest days an objective's own wording needs ("for six consecutive weeks" → 42): 0 when it names none."""
    longest = 0
    for m in _DURATION.finditer(text):
        raw = (m.group("n") or m.group("n2")).lower()
        n = NUMBER_WORDS.get(raw) or int(raw)
        unit = (m.group("unit") or m.group("unit2")).lower()
        longest = max(longest, n * (30 if unit.startswith("month") else 7 if unit.startswith("week") else 1))
    return longest


def fit_check(plan: TreatmentPlan, entries: Mapping[str, Entry], pathways: Pathways, flag: Flagger) -> None:
    """Report, through `flag(code, severity, message, path)`, everything in the plan that does not fit its case."""
    case = plan.case
    if case is not None:
        _contraindications(plan, case, entries, pathways, flag)
        _contradictions(plan, case, flag)
        _pathway_elements(plan, case, entries, pathways, flag)
        _orientation(plan, case, flag)
    _measures(plan, flag)
    _dates(plan, plan.session_plan.start_date, flag)
    if not plan.risk_assessed and not any(
        RISK_ASSESSMENT in i.sources or "risk assessment" in i.description.lower() for i in plan.interventions
    ):
        flag(
            "fit-risk-unassessed",
            "error",
            "Risk was not assessed at intake and nothing in the plan assesses it: add a risk assessment at the first "
            "session.",
            "interventions",
        )
    for note in plan.scope_notes:
        flag("fit-out-of-scope", "warning", f"Outside this plan: {note}", "scope_notes")
    if case is not None and case.client_words:
        for g, goal in enumerate(plan.goals):
            if goal.client_words and goal.client_words.strip("“”\"' ") not in case.client_words:
                flag(
                    "fit-quote-not-intake",
                    "warning",
                    f"The words beside goal {g + 1} are not quoted in the intake (the client's words stay verbatim).",
                    f"goals[{g}]",
                )
    quotes = [g.client_words for g in plan.goals if g.client_words]
    for quote in {q for q in quotes if quotes.count(q) > 1}:
        flag(
            "fit-quote-repeated",
            "warning",
            f"The same words of the client stand beside several goals: “{quote}”.",
            "goals",
        )


def _items(plan: TreatmentPlan):
    for g, goal in enumerate(plan.goals):
        yield f"goals[{g}]", f"Goal {g + 1}", goal.sources
        for o, objective in enumerate(goal.objectives):
            yield f"goals[{g}].objectives[{o}]", f"Objective {g + 1}.{o + 1}", objective.sources
    for i, intervention in enumerate(plan.interventions):
        yield f"interventions[{i}]", f"Intervention {i + 1}", intervention.sources


def _contraindications(plan, case: CasePicture, entries, pathways: Pathways, flag: Flagger) -> None:
    avoid = [tag for pid in case.planned if (p := pathways.by_id.get(pid)) for tag in p.avoid_tags]
    for path, label, sources in _items(plan):
        for source in sources:
            entry = entries.get(source)
            if entry is not None and (reason := unsuitable(entry, case, avoid)):
                flag("fit-contraindicated", "error", f"{label} does not fit this client: {reason}.", path)


def _contradictions(plan: TreatmentPlan, case: CasePicture, flag: Flagger) -> None:
    for g, goal in enumerate(plan.goals):
        kind = _SELF_HARM_AREAS.get(goal.problem_area)
        if kind is not None and case.status(kind) == RiskStatus.DENIED.value:
            history = "self-harm-history" if kind is RiskKind.SELF_HARM else "prior-attempt"
            if not case.holds(history):
                flag(
                    "fit-contradicts-intake",
                    "error",
                    f"Goal {g + 1} addresses {kind.label}, which the intake says was denied.",
                    f"goals[{g}]",
                )
    if plan.safety_plan is not None:
        for item in plan.safety_plan.means_safety:
            if GAP_MARKERS.search(item) or item.startswith(INTAKE_QUOTE):
                continue  # a prompt to ask, or the intake's own words: not a statement about the client's means
            for means, pattern in _MEANS.items():
                if pattern.search(item) and not any(pattern.search(m) for m in case.client_means):
                    flag(
                        "fit-contradicts-intake",
                        "error",
                        f"The safety plan restricts {means} the intake does not record as the client's own.",
                        "safety_plan.means_safety",
                    )


def _pathway_elements(plan: TreatmentPlan, case: CasePicture, entries, pathways: Pathways, flag: Flagger) -> None:
    goal_sources = {s for g in plan.goals for s in g.sources}
    kinds = {e.kind for e in plan.safety_elements}
    services = {r.service for r in plan.referrals}
    for pid in case.planned:
        pathway = pathways.by_id.get(pid)
        if pathway is None:
            continue
        for goal_id in pathways.required_goals(pathway, case.holds):
            entry = entries.get(goal_id)
            servable = any(  # the library has an objective for it that suits this case
                goal_id in e.goals and e.kind is Kind.OBJECTIVE and unsuitable(e, case) is None
                for e in entries.values()
            )
            if entry is not None and servable and unsuitable(entry, case) is None and goal_id not in goal_sources:
                flag(
                    "fit-pathway-goal",
                    "error",
                    f"The {pathway.label.lower()} pathway needs the goal “{entry.text[:90]}…”.",
                    "goals",
                )
        for kind in pathway.safety:
            if kind == "suicide":
                continue  # the Stanley–Brown plan: the documentation check requires it whenever risk calls for it
            if kind not in kinds:
                template = pathways.safety_template(kind)
                flag(
                    "fit-safety-element",
                    "error",
                    f"The {pathway.label.lower()} pathway needs a {template.title.lower() if template else kind}.",
                    "safety_elements",
                )
        for referral in pathway.referrals:
            if referral.when is not None and not case.holds(referral.when):
                continue
            label = pathways.service_label(referral.service)
            if label not in services:
                flag(
                    "fit-referral",
                    "error",
                    f"The {pathway.label.lower()} pathway needs a referral: {label}.",
                    "referrals",
                )
    for kind in (RiskKind.HARM_TO_OTHERS, RiskKind.DANGER_FROM_OTHERS, RiskKind.PSYCHOSIS, RiskKind.MEDICAL):
        if case.status(kind) == RiskStatus.REPORTED.value and kind.value not in kinds:
            template = pathways.safety_template(kind.value)
            title = template.title.lower() if template else "safety element"
            flag(
                "fit-safety-element",
                "error",
                f"The intake reported {kind.label}: the plan needs a {title}.",
                "safety_elements",
            )


def _orientation(plan: TreatmentPlan, case: CasePicture, flag: Flagger) -> None:
    therapeutic = [i for i in plan.interventions if i.category not in _SAFETY_WORK]
    primary = case.primary_orientation
    if primary and therapeutic:
        share = sum(i.modality == primary for i in therapeutic) / len(therapeutic)
        if share < 0.5:
            flag(
                "fit-orientation",
                "warning",
                f"{share:.0%} of the therapeutic interventions are in the primary orientation ({primary}); aim for "
                "half.",
                "interventions",
            )
    for i, intervention in enumerate(plan.interventions):
        if intervention.modality in case.deferred:
            flag(
                "fit-deferred",
                "error",
                f"Intervention {i + 1} is in an approach the intake deferred ({intervention.modality}).",
                f"interventions[{i}]",
            )


def _measures(plan: TreatmentPlan, flag: Flagger) -> None:
    for g, goal in enumerate(plan.goals):
        for o, objective in enumerate(goal.objectives):
            if not objective.measure or (instrument(objective.measure) is None and objective.baseline is None):
                continue  # no instrument: a count, rating or record named in the objective's own words
            at, name = f"goals[{g}].objectives[{o}]", f"Objective {g + 1}.{o + 1}"
            baseline, target = _number(objective.baseline), _number(objective.target)
            if baseline is None:
                flag("fit-no-baseline", "error", f"{name} tracks {objective.measure} without a baseline score.", at)
                continue
            if target is None or set(objective.sources) & MAINTENANCE_OBJECTIVES:
                continue
            catalogued = instrument(objective.measure)
            better = target > baseline if catalogued is not None and catalogued.higher_is_better else target < baseline
            if not better:
                flag(
                    "fit-target",
                    "error",
                    f"{name}: the target ({objective.target}) is no better than the baseline ({objective.baseline}).",
                    at,
                )


def _dates(plan: TreatmentPlan, start: date | None, flag: Flagger) -> None:
    if start is None:
        return
    for g, goal in enumerate(plan.goals):
        for o, objective in enumerate(goal.objectives):
            if objective.target_date is None:
                continue
            at, name = f"goals[{g}].objectives[{o}]", f"Objective {g + 1}.{o + 1}"
            days = (objective.target_date - start).days
            if days < 0:
                flag("fit-date", "error", f"{name} is due before treatment starts.", at)
            elif days < (needed := minimum_days(objective.description)):
                flag(
                    "fit-date",
                    "error",
                    f"{name} needs at least {needed} days by its own wording but is due {days} days after the start.",
                    at,
                )


def _number(value: str | None) -> float | None:
    if value is None or GAP_MARKERS.search(value):
        return None
    try:
        return float(value.strip())
    except ValueError:
        return None
