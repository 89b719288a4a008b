"""Clinical-fit benchmark: each evaluation intake is replayed and drafted offline, and the supervisor's statements
written for it beforehand (`<intake>.clinical.json`, brief in `benchmarks/intakes/CLINICAL.md`) are checked on the
plan, as a supervisor reading it would: the must statements that hold, the must-not statements that hold (no
harmful element), the clinical-fit check's errors, the share of objectives that carry a measure, and draft time.

Both halves are reported; `--show` lists the tuning half's misses only (the held-out half is never shown).
Run with `make bench` or `python -m benchmarks.clinical [--show]`.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks import report
from benchmarks.extraction import CORPUS, HALVES, SAME_INSTRUMENT, cases
from benchmarks.intake import percentile
from chains.drafting import build_draft_chain
from clinical.intake_engine import IntakeContext
from clinical.plan import TreatmentPlan
from clinical.replay import replay_intake
from knowledge.embeddings import OnnxEmbeddings
from knowledge.index import LibraryIndex, make_chroma_client
from knowledge.loader import load_library
from knowledge.pathways import pathways_for

#: How a supervisor recognises each element in a plan's goals, objectives and interventions (and, for the safety
#: and referral elements, its safety elements and referrals). Written from the element names in the brief.
ELEMENTS: dict[str, str] = {
    "couple-conjoint-work": (
        r"couples? (?:therapy|work|sessions?|counsell?ing)|conjoint|both partners|joint sessions?|"
        r"each partner|negative (?:interaction )?cycle|between (?:the )?partners|partner (?:joins|"
        r"attends)"
    ),
    "family-conflict-work": (
        r"family (?:conflict|negotiation|meetings?|sessions?)|reframe the (?:behaviou?r|problem)|"
        r"identified patient|conflict[- ]resolution steps|enactment"
    ),
    "interoceptive-exposure": (
        r"interoceptive|symptom induction|over-?breath|spinning|straw breathing|running on the spot"
    ),
    "sleep-restriction": (
        r"sleep (?:restriction|compression|window)|time[- ]in[- ]bed (?:window|restriction|prescription)|"
        r"restrict\w* (?:the )?time in bed"
    ),
    "trauma-memory-processing": (
        r"imaginal exposure (?:to|of) (?:the )?(?:trauma|memory|assault|event|accident)|prolonged exposure|"
        r"trauma narrative|written (?:trauma )?account|"
        r"impact statement|reprocess\w*|\bEMDR\b|exposure to the (?:trauma )?memor\w+|"
        r"processing (?:the )?(?:trauma|traumatic) memor\w+|hotspots?"
    ),
    "past-suicidal-crisis-analysis": (
        r"(?:previous|past|prior|earlier) (?:suicid\w+ )?(?:attempts?|crises|crisis)|events that preceded"
    ),
    "means-safety-firearm": (
        r"(?:remov|lock|stor|restrict|secur)\w* .{0,40}(?:firearm|gun|rifle|shotgun)|(?:firearm|gun|"
        r"rifle|shotgun)s? .{0,30}(?:removed|locked|stored|secured)|"
        r"(?:Intake|at intake): “(?:(?!\b(?:no|not|none|sold|denies|never)\b)[^”])*"
        r"(?:firearm|gun|rifle|shotgun|revolver|pistol)|"
        r"Means mentioned at intake: .*(?:firearm|gun|rifle|shotgun|revolver|pistol)"
    ),
    "weight-restoration": (
        r"weight restoration|restor\w* (?:a healthy )?weight|regain\w* weight|weight gain|"
        r"regular (?:adequate )?eating|three meals|3 meals"
    ),
    "medical-monitoring": (
        r"medical monitoring|vital signs|heart rate|blood pressure|bloods|\bECG\b|physician monitor\w*|"
        r"physical (?:health )?monitoring|medical review"
    ),
    "level-of-care-criteria": (
        r"level of care|step(?:ping)? up|higher level|day (?:programme|program|patient)|inpatient|"
        r"admission|hospitali[sz]"
    ),
    "dv-hotline": (
        r"domestic (?:violence|abuse) (?:hotline|helpline|advocate)|1-800-799-7233|0808 2000 247|"
        r"\bIDVA\b|DV advocate|domestic[- ]abuse advocate|refuge|shelter"
    ),
    "children-safety": (
        r"children's safety|child(?:ren)?'?s? safety|safety of the children|safeguarding|child protection"
    ),
    "command-hallucination-plan": (r"command(?:ing)? (?:hallucinations?|voices?)|voices (?:command|tell|instruct)\w*"),
    "grief-work": (r"grie\w+|mourn\w*|bereave\w*|the loss|continuing bonds?|the death"),
    "behavioral-activation": (
        r"behaviou?ral activation|activity schedul\w+|schedul\w+ (?:\w+ )?(?:pleasant|valued|meaningful|"
        r"rewarding) activit\w+|pleasant activit\w+|planned activities"
    ),
    "graded-exposure": (
        r"(?:graded|gradual|stepwise) (?:exposure|return|approach)|exposure hierarchy|fear (?:ladder|"
        r"hierarchy)|hierarch(?:y|ies)"
    ),
    "parent-involvement": (r"\b(?:parents?|carers?|caregivers?|mother|father|mum|mom|dad)\b"),
    "relapse-prevention": (
        r"relapse[- ]prevention|maintenance plan|relapse signature|staying well|early warning signs"
    ),
    "medication-review": (r"medication review|prescriber|psychiatrist|medication"),
    "cognitive-screening-follow-up": (
        r"(?:repeat|readminister|follow[- ]up)\w* (?:the )?(?:MoCA|MMSE|cognitive (?:screen|assessment))|"
        r"memory clinic"
    ),
}
#: Elements read from the whole plan (safety elements and referrals too); the rest only from the therapeutic work,
#: so that "no couples work while violence continues" in a safety element is not read as couples work.
WHOLE_PLAN = {
    "dv-hotline",
    "children-safety",
    "command-hallucination-plan",
    "medical-monitoring",
    "level-of-care-criteria",
    "medication-review",
    "relapse-prevention",
    "cognitive-screening-follow-up",
    "means-safety-firearm",
}
_NEGATED = re.compile(r"\b(?:no|not|never|without|avoid|until)\b[^.;]{0,40}$", re.I)
#: Services the brief names that are not pathway services, by how a plan would say them.
EXTRA_SERVICES = {"couples-therapy": r"couples? (?:therapy|counsell?ing)", "family-therapy": r"family therapy"}
SAFETY_KINDS = {"suicide": "suicide", "ipv": "danger_from_others", "medical": "medical", "psychosis": "psychosis"}


def _therapeutic_texts(plan: TreatmentPlan) -> list[str]:
    texts = [g.description for g in plan.goals] + [o.description for o in plan.objectives()]
    return texts + [i.description for i in plan.interventions]


def _whole_texts(plan: TreatmentPlan) -> list[str]:
    texts = _therapeutic_texts(plan)
    texts += [item for e in plan.safety_elements for step in e.steps for item in [step.heading, *step.items]]
    if plan.safety_plan is not None:
        texts += [item for step in plan.safety_plan.model_dump().values() for item in step]
    texts += [f"{r.service}: {r.reason}" for r in plan.referrals]
    return texts + plan.progress_monitoring.recommended + plan.discharge_criteria


def has_element(plan: TreatmentPlan, element: str) -> bool:
    """Whether the plan contains a clinical element (a mention under a negation does not count)."""
    pattern = re.compile(ELEMENTS[element], re.I)
    texts = _whole_texts(plan) if element in WHOLE_PLAN else _therapeutic_texts(plan)
    for text in texts:
        for m in pattern.finditer(text):
            if not _NEGATED.search(text[: m.start()]):
                return True
    return False


def holds(
    plan: TreatmentPlan, check: dict, service_labels: dict[str, str], positive: bool, entries: dict | None = None
) -> bool:
    """Whether the statement `check` is true of the plan (for a must item) — the caller negates for must-not. A goal
    is about an area when that is its problem area or one its library entry serves (a perinatal mood goal is about
    depression too)."""
    ((kind, value),) = check.items()
    match kind:
        case "goal_about":
            served = {
                a for g in plan.goals for s in g.sources if (e := (entries or {}).get(s)) for a in e.problem_areas
            }
            return any(g.problem_area == value for g in plan.goals) or value in served
        case "safety_plan":
            if value == "suicide":
                return plan.safety_plan is not None
            return SAFETY_KINDS.get(value, value) in {e.kind for e in plan.safety_elements}
        case "referral":
            if value in EXTRA_SERVICES:
                pattern = re.compile(EXTRA_SERVICES[value], re.I)
                return any(pattern.search(f"{r.service} {r.reason}") for r in plan.referrals)
            return service_labels.get(value, value) in {r.service for r in plan.referrals}
        case "tracks":  # the same instrument under any of its names (ASRS-v1.1 and its Part A)
            names = set(SAME_INSTRUMENT.get(value, (value,))) | {value}
            tracked = [o for o in plan.objectives() if o.measure in names]
            if not positive:
                return bool(tracked)
            return any(o.baseline is not None and o.target is not None for o in tracked)
        case "recommends":
            return any(value in line for line in plan.progress_monitoring.recommended) or value in (
                plan.progress_monitoring.measures
            )
        case "orientation":
            therapeutic = [i for i in plan.interventions if i.category not in ("crisis-safety", "evaluation")]
            mine = [i for i in therapeutic if i.modality == value]
            if not positive:
                return bool([i for i in plan.interventions if i.modality == value])
            return bool(therapeutic) and len(mine) / len(therapeutic) >= 0.5
        case "element":
            return has_element(plan, value)
        case "out_of_scope":
            return bool(plan.scope_notes) == bool(value)
    raise ValueError(f"unknown check {kind}")


def evaluate(half: str, context: IntakeContext, index: LibraryIndex, library) -> dict:
    """Draft every intake of one half and check its statements."""
    labels = {s.id: s.label for s in pathways_for(library).services}
    must = must_hit = never = never_hit = fit_errors = objectives = measured = instrumented = 0
    samples: list[float] = []
    misses: list[str] = []
    for name, answers, expected in cases(half):
        spec_path = CORPUS / half / f"{name}.clinical.json"
        if not spec_path.exists():
            continue
        spec = json.loads(spec_path.read_text("utf-8"))
        answers = dict(answers)
        alias = answers.pop("alias")
        written = date.fromisoformat(expected["written_on"])
        record = replay_intake(answers, alias, context, written)
        chain = build_draft_chain(index, library, today=written)
        started = time.perf_counter()
        plan = chain.invoke(record).plan
        samples.append((time.perf_counter() - started) * 1000)
        errors = [f for f in plan.flags if f.severity == "error"]
        fit_errors += len(errors)
        misses += [f"{name}: fit-check error {f.code}: {f.message}" for f in errors]
        objectives += len(plan.objectives())
        measured += sum(1 for o in plan.objectives() if o.measure)
        instrumented += sum(1 for o in plan.objectives() if o.baseline is not None)
        for item in spec.get("must", []):
            must += 1
            if holds(plan, item["check"], labels, positive=True, entries=library.by_id):
                must_hit += 1
            else:
                misses.append(f"{name}: MUST {item['check']} — {item['says']}")
        for item in spec.get("must_not", []):
            never += 1
            if not holds(plan, item["check"], labels, positive=False, entries=library.by_id):
                never_hit += 1
            else:
                misses.append(f"{name}: MUST NOT {item['check']} — {item['says']}")
    return {
        "intakes": len(samples),
        "must": must_hit / must if must else 1.0,
        "must_not": never_hit / never if never else 1.0,
        "must_count": must,
        "must_not_count": never,
        "fit_errors": fit_errors,
        "objectives_measured": measured / objectives if objectives else 0.0,
        "objectives_with_baseline": instrumented / objectives if objectives else 0.0,
        "draft_p95_ms": percentile(samples, 0.95) if samples else 0.0,
        "draft_p50_ms": statistics.median(samples) if samples else 0.0,
        "misses": misses,
    }


def run(halves: tuple[str, ...] = HALVES) -> dict:
    """Both halves (or the ones named)."""
    library = load_library()
    with tempfile.TemporaryDirectory() as tmp:
        index = LibraryIndex(make_chroma_client(Path(tmp) / "chroma"), OnnxEmbeddings(), library.taxonomy, "bench-fit")
        index.refresh(library)
        context = IntakeContext(library.taxonomy, index.area_fit)
        return {half: evaluate(half, context, index, library) for half in halves}


def markdown(results: dict) -> str:
    """The README table."""
    rows = [
        "| Half | Intakes | Must statements hold | Must-not statements hold | Fit-check errors | Objectives with a "
        "measure | … with an instrument baseline | Offline draft p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for half, r in results.items():
        rows.append(
            f"| {half} | {r['intakes']} | {r['must']:.0%} of {r['must_count']} | {r['must_not']:.0%} of "
            f"{r['must_not_count']} | {r['fit_errors']} | {r['objectives_measured']:.0%} | "
            f"{r['objectives_with_baseline']:.0%} | {r['draft_p95_ms']:.0f} ms |"
        )
    return "\n".join(rows)


def main() -> None:
    """Print the table; with --show, the tuning half's misses (never the held-out half's)."""
    show = "--show" in sys.argv
    results = run(("tuning",) if show else HALVES)
    if show:
        print("\n".join(results["tuning"]["misses"]))
    public = {h: {k: v for k, v in r.items() if k != "misses"} for h, r in results.items()}
    if show:
        print(markdown(public))
    else:
        report("clinical", public, markdown(public))


if __name__ == "__main__":
    main()
