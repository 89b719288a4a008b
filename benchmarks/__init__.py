"""Benchmarks (run with `make bench`); results go to README and to benchmarks/results/*.json."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def report(name: str, results: dict, table: str) -> None:
    """Keep the raw numbers in results/<name>.json and print the README rows."""
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(table)
