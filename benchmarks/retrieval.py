"""Retrieval benchmark: quality (hit@5, precision@5, MRR) per channel, latency, build and refresh times.

Run with `make bench` (or `python -m benchmarks.retrieval`). Prints a Markdown table for README.md
and writes the raw numbers to `benchmarks/results/retrieval.json`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks import report
from knowledge.embeddings import OnnxEmbeddings
from knowledge.index import LibraryIndex, make_chroma_client
from knowledge.loader import load_library

BENCH_DIR = Path(__file__).resolve().parent
QUERY_SETS = {"main": BENCH_DIR / "queries.yaml", "held-out": BENCH_DIR / "queries_holdout.yaml"}
K = 5


def load_queries(path: Path) -> list[tuple[str, set[str]]]:
    """The labeled query set: (query, expected problem areas)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(q["query"], set(q["areas"])) for q in raw["queries"]]


def quality(index: LibraryIndex, queries: list[tuple[str, set[str]]], mode: str) -> dict[str, float]:
    """hit@5, precision@5 and MRR (first relevant hit within the top 10) for one search mode."""
    hits_at_k, precision, reciprocal = [], [], []
    for query, expected in queries:
        hits = index.search(query, k=10, mode=mode)
        relevant = [bool(expected & set(h.problem_areas)) for h in hits]
        hits_at_k.append(any(relevant[:K]))
        precision.append(sum(relevant[:K]) / K)
        reciprocal.append(next((1 / rank for rank, ok in enumerate(relevant, start=1) if ok), 0.0))
    return {
        "hit@5": statistics.fmean(hits_at_k),
        "precision@5": statistics.fmean(precision),
        "mrr": statistics.fmean(reciprocal),
    }


def latency_ms(index: LibraryIndex, queries: list[tuple[str, set[str]]], repeats: int = 5) -> dict[str, float]:
    """Warm hybrid query latency: model loaded, every query embedded afresh."""
    index.search("warm up", k=K)
    samples = []
    for _ in range(repeats):
        for query, _ in queries:
            started = time.perf_counter()
            index.search(query, k=K)
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50": statistics.median(samples), "p95": samples[int(len(samples) * 0.95) - 1], "n": len(samples)}


def run(query_sets: dict[str, Path]) -> dict:
    """Build a cold index in a temporary folder and measure everything."""
    sets = {name: load_queries(path) for name, path in query_sets.items()}
    every_query = [q for queries in sets.values() for q in queries]
    library = load_library()
    embeddings = OnnxEmbeddings()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        started = time.perf_counter()
        embeddings.encode(["load the model"])  # model load is part of a cold build
        index = LibraryIndex(make_chroma_client(data_dir / "chroma"), embeddings, library.taxonomy, "anamnesis-library")
        index.refresh(library)
        cold = time.perf_counter() - started
        noop_started = time.perf_counter()
        index.refresh(load_library())
        noop = time.perf_counter() - noop_started
        results = {
            "entries": len(library.entries),
            "queries": {name: len(queries) for name, queries in sets.items()},
            "quality": {
                name: {mode: quality(index, queries, mode) for mode in ("lexical", "dense", "area", "hybrid")}
                for name, queries in sets.items()
            },
            "latency_ms": latency_ms(index, every_query),
            "cold_build_s": cold,
            "noop_refresh_s": noop,
        }
    return results


def markdown(results: dict) -> str:
    """The README table."""
    sets = ", ".join(f"{name}: {n}" for name, n in results["queries"].items())
    lines = [
        f"Library: {results['entries']} entries. Labeled clinician-phrased queries ({sets}).",
        "",
        "| query set | channel | hit@5 | precision@5 | MRR |",
        "|---|---|---|---|---|",
    ]
    channels = (
        ("BM25 only", "lexical"),
        ("dense only", "dense"),
        ("dense + area prior", "area"),
        ("**hybrid (RRF of all three)**", "hybrid"),
    )
    for set_name, quality_by_mode in results["quality"].items():
        for label, mode in channels:
            q = quality_by_mode[mode]
            lines.append(f"| {set_name} | {label} | {q['hit@5']:.2f} | {q['precision@5']:.2f} | {q['mrr']:.2f} |")
    lines += [
        "",
        "| timing | result | target |",
        "|---|---|---|",
        f"| warm query p50 / p95 | {results['latency_ms']['p50']:.1f} / {results['latency_ms']['p95']:.1f} ms "
        "| p50 ≤ 10 ms |",
        f"| cold index build (whole library) | {results['cold_build_s']:.1f} s | ≤ 20 s |",
        f"| no-op refresh | {results['noop_refresh_s']:.2f} s | ≤ 1 s |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--queries", type=Path, help="evaluate this labeled query set (YAML) instead of the two built in"
    )
    args = parser.parse_args()
    results = run({"custom": args.queries} if args.queries else QUERY_SETS)
    report("retrieval", results, markdown(results))


if __name__ == "__main__":
    main()
