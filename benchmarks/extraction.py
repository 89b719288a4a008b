"""Extraction benchmark: per-field accuracy and risk recall/precision on intakes the rules were not written from.

`benchmarks/intakes/` holds realistic intakes (answers files) with the facts a careful reader takes from them,
written by someone who never saw the extraction rules, in two halves: `tuning/` (the rules may be adjusted on it)
and `holdout/` (never read while tuning; only its scores are looked at). Each intake is replayed through the same
engine the chat uses, pinned to the day it was written. Run with `make bench` or `python -m benchmarks.extraction`
(`--show` prints every miss of the tuning half; the held-out half's misses are never printed).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from benchmarks import report
from clinical.intake_engine import IntakeContext
from clinical.record import IntakeRecord
from clinical.replay import replay_intake
from clinical.risk import RiskKind
from knowledge.loader import load_library

CORPUS = Path(__file__).resolve().parent / "intakes"
HALVES = ("tuning", "holdout")
KINDS = [kind.value for kind in RiskKind]
#: The corpus writer's instrument names → the catalogue's (the brief listed short names; the catalogue spells them
#: out or splits an instrument into its parts).
SAME_INSTRUMENT = {"DA": ("Danger Assessment",), "ASRS-v1.1": ("ASRS-v1.1", "ASRS-v1.1 Part A")}


def cases(half: str) -> list[tuple[str, dict, dict]]:
    """(name, answers, expected) for every intake of one half."""
    folder = CORPUS / half
    found = []
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith((".expected.json", ".clinical.json")):
            continue
        expected = path.with_name(path.name[: -len(".json")] + ".expected.json")
        found.append((path.stem, json.loads(path.read_text("utf-8")), json.loads(expected.read_text("utf-8"))))
    return found


def _status(value: str) -> str:
    return value.replace("_", " ")


def compare(record: IntakeRecord, expected: dict) -> dict[str, list[tuple[bool, str]]]:
    """Field → [(correct, what was compared)] for one intake."""
    out: dict[str, list[tuple[bool, str]]] = defaultdict(list)

    def check(field: str, got, want) -> None:
        out[field].append((got == want, f"{field}: got {got!r}, expected {want!r}"))

    check("age", record.client.age, expected["client"]["age"])
    check("pronouns", record.client.pronouns, expected["client"]["pronouns"])
    participants = expected.get("participants") or []
    if participants:
        got = [(p.age, p.pronouns) for p in record.participants]
        want = [(p["age"], p["pronouns"]) for p in participants]
        check("participants", got, want)
    risk = expected["risk"]
    for kind in KINDS:
        check(f"risk.{kind}", record.risk.status(RiskKind(kind)).value, _status(risk[kind]))
    ideation = record.risk.suicidal_ideation.value if record.risk.suicidal_ideation else None
    if risk.get("suicidal_ideation") in ("passive", "active"):
        check("risk.ideation_type", ideation, risk["suicidal_ideation"])
    check("risk.safeguarding", bool(record.risk.safeguarding), bool(risk.get("safeguarding")))
    if risk.get("client_means") is not None:
        check("risk.client_means_none", not record.risk.means, not risk["client_means"])
    got_measures = sorted((m.name, float(m.score), m.person) for m in record.measures)
    for m in expected.get("measures", []):
        names = SAME_INSTRUMENT.get(m["name"], (m["name"],))
        key = next(
            (k for k in got_measures if k[0] in names and k[1:] == (float(m["score"]), m.get("person"))),
            (m["name"], float(m["score"]), m.get("person")),
        )
        hit = key in got_measures
        if hit:
            got_measures.remove(key)
        out["measures"].append((hit, f"measure {key} {'found' if hit else 'missed'}"))
    for extra in got_measures:
        out["measures.extra"].append((False, f"measure {extra} not expected"))
    for field in ("frequency", "start_date", "review_interval_days"):
        got = getattr(record.session, field)
        got = got.isoformat() if isinstance(got, date) else (str(got) if field == "frequency" and got else got)
        check(field, got, expected.get(field))
    check("orientation_primary", record.orientation[0] if record.orientation else None, expected["orientation_primary"])
    check("orientation_deferred", sorted(record.orientation_deferred), sorted(expected.get("orientation_deferred", [])))
    want_words = expected.get("client_words", [])
    got_words = set(record.client_words)
    for words in want_words:
        out["client_words"].append((words in got_words, f"client words {words!r}"))
    return out


def evaluate(half: str, context: IntakeContext) -> dict:
    """Per-field accuracy, risk recall/precision per kind and the misses, for one half."""
    fields: dict[str, list[bool]] = defaultdict(list)
    misses: list[str] = []
    reported = {kind: {"tp": 0, "fn": 0, "fp": 0, "tn": 0} for kind in KINDS}
    turn_ms: list[float] = []
    for name, answers, expected in cases(half):
        answers = dict(answers)
        alias = answers.pop("alias", name)
        started = time.perf_counter()
        record = replay_intake(answers, alias, context, today=date.fromisoformat(expected["written_on"]))
        turn_ms.append((time.perf_counter() - started) * 1000)
        for field, results in compare(record, expected).items():
            for correct, what in results:
                fields[field].append(correct)
                if not correct:
                    misses.append(f"{name}: {what}")
        for kind in KINDS:
            want = expected["risk"][kind] == "reported"
            got = record.risk.status(RiskKind(kind)).value == "reported"
            reported[kind]["tp" if want and got else "fn" if want else "fp" if got else "tn"] += 1
    tp = sum(r["tp"] for r in reported.values())
    fn = sum(r["fn"] for r in reported.values())
    fp = sum(r["fp"] for r in reported.values())
    return {
        "intakes": len(cases(half)),
        "accuracy": {field: sum(v) / len(v) for field, v in sorted(fields.items()) if v},
        "counts": {field: [sum(v), len(v)] for field, v in sorted(fields.items())},
        "risk_recall": tp / (tp + fn) if tp + fn else 1.0,
        "risk_precision": tp / (tp + fp) if tp + fp else 1.0,
        "risk_by_kind": reported,
        "replay_ms_median": statistics.median(turn_ms) if turn_ms else 0.0,
        "misses": misses,
    }


def run(halves: tuple[str, ...] = HALVES) -> dict:
    """The halves asked for (both by default; while tuning, only `tuning`)."""
    context = IntakeContext(load_library().taxonomy)
    return {half: evaluate(half, context) for half in halves if (CORPUS / half).is_dir()}


ROWS = (
    ("risk recall (present kinds found)", "risk_recall", "1.0"),
    ("risk precision (no invented risk)", "risk_precision", "≥ 0.95"),
    ("measures read (name, score, person)", "measures", "≥ 95 %"),
    ("start date", "start_date", "≥ 95 %"),
    ("review interval", "review_interval_days", "≥ 95 %"),
    ("primary orientation", "orientation_primary", "≥ 95 %"),
    ("deferred orientation", "orientation_deferred", "—"),
    ("session frequency", "frequency", "—"),
    ("age", "age", "—"),
    ("pronouns", "pronouns", "—"),
    ("participants (couples, families)", "participants", "—"),
    ("client's words quoted", "client_words", "—"),
    ("suicide status", "risk.suicide", "—"),
    ("self-harm status", "risk.self_harm", "—"),
    ("harm to others status", "risk.harm_to_others", "—"),
    ("danger from others status", "risk.danger_from_others", "—"),
    ("psychosis status", "risk.psychosis", "—"),
    ("medical risk status", "risk.medical", "—"),
    ("safeguarding duty", "risk.safeguarding", "—"),
)


def markdown(results: dict) -> str:
    """The README table: one row per field, one column per half."""
    halves = [h for h in HALVES if h in results]
    header = "| field | " + " | ".join(f"{h} ({results[h]['intakes']} intakes)" for h in halves) + " | target |"
    lines = [header, "|---|" + "---|" * len(halves) + "---|"]
    for label, key, target in ROWS:
        cells = []
        for half in halves:
            data = results[half]
            if key in ("risk_recall", "risk_precision"):
                cells.append(f"{data[key]:.2f}")
            elif key in data["accuracy"]:
                right, total = data["counts"][key]
                cells.append(f"{100 * right / total:.0f} % ({right}/{total})")
            else:
                cells.append("—")
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--show":
        # Misses are shown for the tuning half only: the held-out half is scored, never read.
        for miss in run(("tuning",))["tuning"]["misses"]:
            print(miss)
        return
    results = run()
    summary = {
        half: {k: v for k, v in data.items() if k != "misses" or half == "tuning"} for half, data in results.items()
    }
    report("extraction", summary, markdown(results))


if __name__ == "__main__":
    main()
