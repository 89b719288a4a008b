"""Trial: medspaCy's ConText against Anamnesis's own context rules, on the same table of clinical phrasings.

The issue asked whether medspaCy's ConText (Harkema et al. 2009, as packaged by medspaCy) reads negation, history,
hypotheticals and other people's experience at least as accurately as the hand-written rules in
`clinical.extraction.context`; it would be adopted if so. medspaCy is not a dependency of the app, so the trial runs
in its own environment:

    python3 -m venv /tmp/medspacy && /tmp/medspacy/bin/pip install medspacy==1.3.1 pyyaml
    PYTHONPATH=. /tmp/medspacy/bin/python -m benchmarks.context_trial

Both read every row of tests/fixtures/phrasings/context.yaml; each mention is given to ConText as a target entity
(its default rules, PyRuSH sentence splitting) and mapped to the same classes (negated; family → other;
hypothetical; historical; otherwise present — ConText has no class for figures of speech).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

import yaml

from clinical.extraction.context import assertion, clauses

TABLE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "phrasings" / "context.yaml"


def ours(text: str, target: str, done_by_other: bool) -> str:
    """The class our rules give the first mention of `target`."""
    for clause in clauses(text):
        at = clause.find(target)
        if at >= 0:
            return assertion(clause, at, at + len(target)).reading(done_by_other)
    raise ValueError(f"{target!r} not in {text!r}")


def medspacy_reader():
    """A function (text, target, done_by_other) → class, using medspaCy ConText with its default rules."""
    logging.disable(logging.DEBUG)
    import medspacy

    nlp = medspacy.load(medspacy_enable=["medspacy_pyrush", "medspacy_context"])

    def read(text: str, target: str, done_by_other: bool) -> str:
        doc = nlp.make_doc(text)
        at = text.find(target)
        doc.ents = [doc.char_span(at, at + len(target), label="RISK", alignment_mode="expand")]
        for _, component in nlp.pipeline:
            doc = component(doc)
        (entity,) = doc.ents
        if entity._.is_negated:
            return "negated"
        if entity._.is_family and not done_by_other:
            return "other"
        if entity._.is_hypothetical:
            return "hypothetical"
        return "historical" if entity._.is_historical else "present"

    return read


def main() -> None:
    rows = yaml.safe_load(TABLE.read_text("utf-8"))
    readers = {"Anamnesis rules": ours, "medspaCy ConText 1.3.1": medspacy_reader()}
    results = {}
    for name, read in readers.items():
        right, by_class = 0, Counter()
        for row in rows:
            got = read(row["text"], row["target"], row.get("done_by_other", False))
            right += got == row["expect"]
            by_class[(row["expect"], got == row["expect"])] += 1
        classes = sorted({row["expect"] for row in rows})
        results[name] = {
            "accuracy": right / len(rows),
            "by_class": {c: f"{by_class[(c, True)]}/{by_class[(c, True)] + by_class[(c, False)]}" for c in classes},
        }
    print(json.dumps(results, indent=2))
    print(f"| reader | accuracy ({len(rows)} phrasings) | " + " | ".join(classes) + " |")
    print("|---|---|" + "---|" * len(classes))
    for name, data in results.items():
        cells = " | ".join(data["by_class"][c] for c in classes)
        print(f"| {name} | {100 * data['accuracy']:.0f} % | {cells} |")


if __name__ == "__main__":
    main()
