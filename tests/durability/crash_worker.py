"""Child process for the kill -9 test: intake turns and plan edits as fast as it can, acknowledging each.

Prints `TURN <text>` after a clinician message and its reply are committed, and `PLAN <version>` after
a plan edit is committed. The parent kills it at a random moment and checks every acknowledged write.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from clinical.intake_engine import IntakeContext
from knowledge.loader import load_taxonomy
from services.intake import IntakeService
from services.plans import PlanService
from storage.records import RecordStore


def main(db_path: str, client_id: str, run: str) -> None:
    store = RecordStore(Path(db_path))
    intakes = IntakeService(store, IntakeContext(load_taxonomy()))
    plans = PlanService(store)
    print("READY", flush=True)
    for n in itertools.count():
        text = f"run {run} answer {n}: low mood and poor sleep for months"
        intakes.send(client_id, text)
        print(f"TURN {text}", flush=True)
        plan = plans.load(client_id)
        saved = plans.save(client_id, plan.model_copy(update={"formulation": f"run {run} edit {n}"}), "edit")
        print(f"PLAN {saved.version}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
