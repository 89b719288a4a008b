"""Ingest benchmark: add a 50-page clinical handout PDF (~400 words a page) to an index holding the library.

The PDF is written by this script (generated prose, no third-party text). Each run goes into a fresh data
folder and starts with no reference passages, so every run extracts, splits, embeds and writes everything.
Run with `make bench` or `python -m benchmarks.ingest`.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import fontpkg_noto_sans
from fpdf import FPDF

from benchmarks import report
from knowledge.embeddings import OnnxEmbeddings
from knowledge.index import LibraryIndex, make_chroma_client
from knowledge.loader import load_library
from knowledge.references.read import extract_text
from knowledge.references.split import split_passages
from knowledge.references.store import delete_document, ingest

PAGES = 50
WORDS_PER_PAGE = 400
TARGET_SECONDS = 15.0

TOPICS = [
    ("worry time", "anxiety", "postponing worries to a set daily slot"),
    ("sleep windows", "sleep", "keeping a fixed rising time and a shorter time in bed"),
    ("activity scheduling", "low mood", "planning small rewarding activities before motivation arrives"),
    ("grounding", "trauma reminders", "anchoring attention in the senses and the present moment"),
    ("urge surfing", "cravings", "noticing an urge rise, peak and pass without acting on it"),
    ("thought records", "self-criticism", "writing the situation, the thought, the evidence and a balanced view"),
    ("time-outs", "anger", "leaving a heated exchange early and returning when calm"),
    ("exposure ladders", "avoidance", "facing feared situations in graded steps, easiest first"),
    ("self-compassion breaks", "shame", "speaking to oneself as one would to a friend in pain"),
    ("values cards", "feeling stuck", "choosing small actions that match what matters most"),
]
OPENERS = [
    "This section of the handout introduces {skill}, a practice many clients find useful for {problem}.",
    "Clients who struggle with {problem} often benefit from {skill}, which means {method}.",
    "In session we will practise {skill} together before you try it on your own at home.",
]
SENTENCES = [
    "The core idea is {method}, repeated often enough that it becomes familiar.",
    "Most people notice little change in the first week, and that is expected.",
    "Keep a short note each day: what you tried, how intense {problem} felt from zero to ten, and what happened.",
    "If the practice feels too hard, make the step smaller rather than stopping altogether.",
    "Bring your notes to the next session so we can look at the pattern together.",
    "It can help to link the practice to something you already do every day, such as making tea.",
    "Some days will go better than others; a setback is information, not failure.",
    "Family members can support {skill} by asking about it kindly rather than checking up.",
    "When {problem} is at its worst, use the shortest version of the exercise you know.",
    "Over several weeks, the aim is for {skill} to feel less like homework and more like a habit.",
    "Write down one situation this week where you could use {skill}, and plan when you will try it.",
    "Notice what your mind says just before you skip the practice; that thought is worth examining.",
    "Research on structured self-help suggests regular, brief practice matters more than long sessions.",
    "If you feel unsafe at any point, stop the exercise and use your safety plan or contact the clinic.",
    "We will review progress every four sessions and adjust the plan together.",
]


def handout_pages(pages: int = PAGES, words: int = WORDS_PER_PAGE, seed: int = 7) -> list[str]:
    """Generated clinic-handout prose: one topic per page, short paragraphs, about `words` words each."""
    rng = random.Random(seed)
    texts = []
    for number in range(1, pages + 1):
        skill, problem, method = TOPICS[(number - 1) % len(TOPICS)]
        fill = {"skill": skill, "problem": problem, "method": method}
        paragraphs, count = [], 0
        while count < words:
            sentences = [rng.choice(OPENERS).format(**fill)] + [
                s.format(**fill) for s in rng.sample(SENTENCES, rng.randint(3, 5))
            ]
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            count += len(paragraph.split())
        texts.append(f"Part {number}: {skill.capitalize()}\n\n" + "\n\n".join(paragraphs))
    return texts


def make_pdf(texts: list[str]) -> bytes:
    """A PDF with one page per text, set in Noto Sans."""
    font = Path(fontpkg_noto_sans.__file__).parent / "files" / "NotoSans[wdth,wght].ttf"
    document = FPDF()
    document.set_auto_page_break(True, margin=10)
    document.add_font("Noto", "", str(font), variations={"wght": 400, "wdth": 100})
    document.set_font("Noto", size=10)
    for text in texts:
        document.add_page()
        document.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def run(repeats: int = 5) -> dict:
    """Time adding the generated PDF, `repeats` times, each into a fresh data folder."""
    data = make_pdf(handout_pages())
    started = time.perf_counter()
    pages = extract_text("handout.pdf", data)
    extract_seconds = time.perf_counter() - started
    passages = split_passages(pages)
    library = load_library()
    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        index = LibraryIndex(
            make_chroma_client(Path(tmp) / "chroma"), OnnxEmbeddings(), library.taxonomy, "bench-ingest"
        )
        index.refresh(library)  # loads the embedder too, so runs time ingestion alone
        started = time.perf_counter()
        index.embeddings.encode([p.text for p in passages])
        embed_seconds = time.perf_counter() - started  # the floor: embedding alone, for comparison
        for run_number in range(repeats):
            data_dir = Path(tmp) / f"data-{run_number}"
            started = time.perf_counter()
            result = ingest(index, [("handout.pdf", data)], data_dir=data_dir)
            samples.append(time.perf_counter() - started)
            assert result.ok and result.results[0].passages == len(passages), result
            delete_document(index, "handout.pdf", data_dir=data_dir)
    return {
        "pages": len(pages),
        "words": sum(len(p.text.split()) for p in pages),
        "pdf_bytes": len(data),
        "passages": len(passages),
        "extract_seconds": extract_seconds,
        "embed_only_seconds": embed_seconds,
        "runs": len(samples),
        "p50_seconds": statistics.median(samples),
        "max_seconds": max(samples),
        "min_seconds": min(samples),
        "target_seconds": TARGET_SECONDS,
        # Other work on the machine skews every number; the 1-minute load average says how much.
        "load_average_after": os.getloadavg()[0],
        "cpus": os.cpu_count(),
    }


def markdown(results: dict) -> str:
    """The README row."""
    return (
        f"| add a {results['pages']}-page PDF ({results['words']:,} words → {results['passages']} passages; "
        f"extraction {results['extract_seconds']:.1f} s, embedding alone {results['embed_only_seconds']:.1f} s) | "
        f"p50 {results['p50_seconds']:.1f} s / max {results['max_seconds']:.1f} s | "
        f"≤ {results['target_seconds']:.0f} s |"
    )


def main() -> None:
    results = run()
    report("ingest", results, markdown(results))


if __name__ == "__main__":
    main()
