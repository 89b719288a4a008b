"""Drafting benchmark: offline draft of each realistic intake (retrieve → compose → lint), p50/p95.

Run with `make bench` or `python -m benchmarks.draft`.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks import report
from benchmarks.intake import FIXTURES, percentile
from chains.drafting import build_draft_chain
from clinical.intake_engine import IntakeContext
from clinical.replay import replay_intake
from knowledge.embeddings import OnnxEmbeddings
from knowledge.index import LibraryIndex, make_chroma_client
from knowledge.loader import load_library


def run(repeats: int = 5) -> dict:
    """Time the offline draft of every fixture intake, `repeats` times each."""
    library = load_library()
    with tempfile.TemporaryDirectory() as tmp:
        index = LibraryIndex(
            make_chroma_client(Path(tmp) / "chroma"), OnnxEmbeddings(), library.taxonomy, "bench-draft"
        )
        index.refresh(library)
        context = IntakeContext(library.taxonomy, index.area_fit)
        records = []
        for path in sorted(FIXTURES.glob("*.json")):
            if ".expected" in path.name:
                continue
            answers = json.loads(path.read_text(encoding="utf-8"))
            alias = answers.pop("alias")
            records.append(replay_intake(answers, alias, context, date(2026, 11, 23)))
        chain = build_draft_chain(index, library, today=date(2026, 11, 23))
        chain.invoke(records[0])  # warm the model
        samples, errors = [], 0
        for _ in range(repeats):
            for record in records:
                started = time.perf_counter()
                plan = chain.invoke(record).plan
                samples.append((time.perf_counter() - started) * 1000)
                errors += sum(f.severity == "error" for f in plan.flags)
    return {
        "drafts": len(samples),
        "p50_ms": statistics.median(samples),
        "p95_ms": percentile(samples, 0.95),
        "lint_errors": errors,
    }


def markdown(results: dict) -> str:
    """The README row."""
    return (
        f"| offline draft of a full intake ({results['drafts']} drafts, {results['lint_errors']} lint errors) | "
        f"p50 {results['p50_ms']:.0f} ms / p95 {results['p95_ms']:.0f} ms | p95 ≤ 1 s |"
    )


def main() -> None:
    results = run()
    report("draft", results, markdown(results))


if __name__ == "__main__":
    main()
