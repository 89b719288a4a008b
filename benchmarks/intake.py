"""Intake benchmark: time per chat turn (extraction + next question), engine alone and with SQLite writes.

Replays the realistic intakes in tests/fixtures/intakes turn by turn, with retrieval-backed problem-area
detection, as the app does. Run with `make bench` or `python -m benchmarks.intake`.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks import report
from clinical.intake_engine import IntakeContext, start, step
from knowledge.embeddings import OnnxEmbeddings
from knowledge.index import LibraryIndex, make_chroma_client
from knowledge.loader import load_library
from services.intake import IntakeService
from storage.records import RecordStore

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "intakes"


def percentile(samples: list[float], share: float) -> float:
    """The sample below which `share` of the samples fall."""
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def run() -> dict:
    """Time every turn of every fixture intake, engine only and through the durable service."""
    library = load_library()
    cases = [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*.json")) if ".expected" not in p.name
    ]
    with tempfile.TemporaryDirectory() as tmp:
        index = LibraryIndex(
            make_chroma_client(Path(tmp) / "chroma"), OnnxEmbeddings(), library.taxonomy, "bench-intake"
        )
        index.refresh(library)
        context = IntakeContext(library.taxonomy, index.area_fit)
        engine, durable = [], []
        service = IntakeService(RecordStore(Path(tmp) / "records.db"), context)
        for n, answers in enumerate(cases * 3):
            alias = f"{answers['alias']}-{n}"
            state, _ = start(alias)
            client, _ = service.open_client(alias)
            service.begin(client.id)
            while not state.complete:
                message = "skip" if state.followup else answers.get(state.section.value, "skip")
                started = time.perf_counter()
                state, _ = step(state, message, context)
                engine.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                service.send(client.id, message)
                durable.append((time.perf_counter() - started) * 1000)
    return {
        "turns": len(engine),
        "engine_ms": {"p50": statistics.median(engine), "p95": percentile(engine, 0.95)},
        "durable_ms": {"p50": statistics.median(durable), "p95": percentile(durable, 0.95)},
    }


def markdown(results: dict) -> str:
    """The README rows."""
    e, d = results["engine_ms"], results["durable_ms"]
    return "\n".join(
        [
            f"| intake turn, engine (extraction + next question), {results['turns']} turns | "
            f"p50 {e['p50']:.1f} ms / p95 {e['p95']:.1f} ms | p95 ≤ 100 ms |",
            f"| intake turn incl. SQLite writes (WAL, synchronous=FULL) | "
            f"p50 {d['p50']:.1f} ms / p95 {d['p95']:.1f} ms | — |",
        ]
    )


def main() -> None:
    results = run()
    report("intake", results, markdown(results))


if __name__ == "__main__":
    main()
