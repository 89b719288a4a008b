"""Brainstorm benchmark: warm time from a typed concern to grouped suggestions (four searches), p50/p95.

Each concern is new to the query cache, as when the clinician types something different. Run with
`make bench` or `python -m benchmarks.brainstorm`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks import report
from benchmarks.intake import percentile
from chains.brainstorm import suggest
from knowledge.embeddings import OnnxEmbeddings
from knowledge.index import LibraryIndex, make_chroma_client
from knowledge.loader import load_library

QUERIES = Path(__file__).resolve().parent / "queries_holdout.yaml"


def run(repeats: int = 3) -> dict:
    library = load_library()
    concerns = [q["query"] for q in yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]]
    with tempfile.TemporaryDirectory() as tmp:
        index = LibraryIndex(
            make_chroma_client(Path(tmp) / "chroma"), OnnxEmbeddings(), library.taxonomy, "bench-brainstorm"
        )
        index.refresh(library)
        suggest(index, "warm up the model and the lexical index")
        samples = []
        for _ in range(repeats):
            for concern in concerns:
                started = time.perf_counter()
                found = suggest(index, concern)
                samples.append((time.perf_counter() - started) * 1000)
                assert len(found)
    return {"concerns": len(samples), "p50_ms": statistics.median(samples), "p95_ms": percentile(samples, 0.95)}


def markdown(results: dict) -> str:
    return (
        f"| brainstorm suggestions, warm ({results['concerns']} concerns, 4 grouped searches) | "
        f"p50 {results['p50_ms']:.0f} ms / p95 {results['p95_ms']:.0f} ms | ≤ 100 ms |"
    )


def main() -> None:
    results = run()
    report("brainstorm", results, markdown(results))


if __name__ == "__main__":
    main()
