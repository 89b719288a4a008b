"""Headless intake: answer the engine's questions from a mapping of section id → answer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from clinical.intake_engine import IntakeContext, build_record, start, step
from clinical.record import SECTION_ORDER, IntakeRecord

#: Far more steps than any intake needs (15 sections, a few follow-ups each); a guard against loops.
MAX_STEPS = 200


def replay_intake(
    answers: Mapping[str, str], alias: str, context: IntakeContext, today: date | None = None
) -> IntakeRecord:
    """Run the same engine the chat uses; follow-ups (which the file cannot answer) get 'skip'."""
    unknown = sorted(set(answers) - {s.value for s in SECTION_ORDER})
    if unknown:
        expected = ", ".join(s.value for s in SECTION_ORDER)
        raise ValueError(f"unknown section id(s): {', '.join(unknown)}; expected: {expected}")
    state, _ = start(alias, today)
    for _ in range(MAX_STEPS):
        if state.complete:
            return build_record(state, context)
        answer = "skip" if state.followup else (answers.get(state.section.value) or "").strip() or "skip"
        state, _ = step(state, answer, context)
    raise RuntimeError("the intake did not finish; this is a bug in the engine")  # pragma: no cover
