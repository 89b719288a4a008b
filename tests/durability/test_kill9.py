"""Durability: a process killed with SIGKILL at random moments never loses an acknowledged write."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from services.plans import PlanService
from storage.records import RecordStore
from tests.builders import make_plan
from tests.conftest import PROJECT_DIR

pytestmark = pytest.mark.durability

KILLS = 24


def test_acknowledged_writes_survive_kill_9(tmp_path):
    """Dozens of hard kills mid-write: every acknowledged turn and plan version is there, and the file is sound."""
    db = tmp_path / "records.db"
    store = RecordStore(db)
    client = store.create_client("K.9.")
    PlanService(store).save_draft(client.id, make_plan("K.9."), "Drafted offline")
    rng = random.Random(20261123)
    acked_turns: list[str] = []
    acked_versions: list[int] = []
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    for run in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.durability.crash_worker", str(db), client.id, str(run)],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout.readline().strip() == "READY"
        time.sleep(rng.uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        output, _ = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL
        for line in output.splitlines():
            kind, _, value = line.partition(" ")
            if kind == "TURN":
                acked_turns.append(value)
            elif kind == "PLAN":
                acked_versions.append(int(value))

        store = RecordStore(db)  # "restart"
        assert store.integrity_check() == "ok"
        stored_user_turns = {t.text for t in store.turns(client.id) if t.role == "user"}
        assert set(acked_turns) <= stored_user_turns
        stored_versions = {v.version for v in store.plan_versions(client.id)}
        assert set(acked_versions) <= stored_versions
        assert store.verify_audit().ok

    assert len(acked_turns) > KILLS and len(acked_versions) > KILLS  # the kills really landed mid-work
    # An unanswered stored message (killed between the two commits) is answered on the next open.
    from clinical.intake_engine import IntakeContext
    from knowledge.loader import load_taxonomy
    from services.intake import IntakeService

    turns = IntakeService(store, IntakeContext(load_taxonomy())).begin(client.id)
    assert turns[-1].role == "assistant"
