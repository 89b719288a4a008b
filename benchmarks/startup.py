"""Start-up benchmark: how soon a restarted app shows something, a one-query CLI process, the first PDF of a process.

Run with `make bench` or `python -m benchmarks.startup`. Needs Debian's Chromium (/usr/bin/chromium) for the page
timings; the CLI and PDF timings run without it.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks import report

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
#: Environment for child processes: the app's own defaults, a private data folder, no inherited ANAMNESIS_* set.
BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith("ANAMNESIS_")}

#: True once the main area shows any text (a title, a spinner's message, a progress bar's label).
FIRST_ELEMENT = (
    "() => (document.querySelector('[data-testid=\"stMainBlockContainer\"]')?.innerText || '').trim().length > 0"
)
PICKER_TEXT = "Which client is this intake for?"
PDF_SCRIPT = """
import sys, time
started = time.perf_counter()
from exports import render
from exports.document import ExportContext
from knowledge.loader import load_library
from clinical.plan import TreatmentPlan
plan = TreatmentPlan.model_validate_json(open(sys.argv[1], encoding="utf-8").read())
library = load_library()
ready = time.perf_counter()
data = render(plan, ExportContext(library.taxonomy, library.by_id), "pdf")
done = time.perf_counter()
assert data.startswith(b"%PDF")
print(done - ready, done - started)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    out = subprocess.run(args, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out.stderr}")
    return out


def page_timings(data_dir: Path, runs: int) -> list[dict[str, float]]:
    """For each restart: seconds from the browser's request to the first element on the Intake page, and to the
    client picker being shown (the page usable); also from process start to the server answering."""
    from playwright.sync_api import sync_playwright

    env = {**BASE_ENV, "ANAMNESIS_DATA_DIR": str(data_dir)}
    samples = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        for _ in range(runs):
            port = _free_port()
            started = time.perf_counter()
            server = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
                cwd=PROJECT_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                url = f"http://127.0.0.1:{port}"
                while True:
                    try:
                        urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read()
                        break
                    except OSError:
                        time.sleep(0.05)
                serving = time.perf_counter() - started
                page = browser.new_page()
                asked = time.perf_counter()
                page.goto(url)
                page.wait_for_function(FIRST_ELEMENT, timeout=60_000, polling=50)
                first = time.perf_counter() - asked
                page.get_by_text(PICKER_TEXT).wait_for(state="visible", timeout=60_000)
                usable = time.perf_counter() - asked
                page.close()
                samples.append({"server_s": serving, "first_element_s": first, "usable_s": usable})
            finally:
                server.terminate()
                server.wait(timeout=30)
        browser.close()
    return samples


def cli_timings(data_dir: Path, runs: int) -> list[float]:
    """Wall-clock seconds of whole `cli.py search` processes answering one query."""
    env = {**BASE_ENV, "ANAMNESIS_DATA_DIR": str(data_dir)}
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        _run([sys.executable, "cli.py", "search", "low mood since the divorce", "--k", "3"], env)
        samples.append(time.perf_counter() - started)
    return samples


def pdf_timings(data_dir: Path, plan_file: Path, runs: int) -> list[tuple[float, float]]:
    """(render seconds, whole-process seconds) of the first PDF in fresh processes (fonts cached, as after setup)."""
    env = {**BASE_ENV, "ANAMNESIS_DATA_DIR": str(data_dir)}
    samples = []
    for _ in range(runs):
        out = _run([sys.executable, "-c", PDF_SCRIPT, str(plan_file)], env)
        render_s, process_s = map(float, out.stdout.split())
        samples.append((render_s, process_s))
    return samples


def _plan_file(data_dir: Path, folder: Path) -> Path:
    """A drafted plan (the DBT intake, the longest fixture) as JSON, made with the CLI."""
    env = {**BASE_ENV, "ANAMNESIS_DATA_DIR": str(data_dir)}
    answers = PROJECT_DIR / "tests" / "fixtures" / "intakes" / "dbt_self_harm_dysregulation.json"
    intake, plan = folder / "intake.json", folder / "plan.json"
    _run([sys.executable, "cli.py", "intake", "--answers", str(answers), "--out", str(intake)], env)
    _run([sys.executable, "cli.py", "draft", "--intake", str(intake), "--out", str(plan), "--offline"], env)
    return plan


def run(runs: int = 5) -> dict:
    """Build an index once (as `make run` does), then time restarts, CLI processes and first PDFs."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        _run([sys.executable, "cli.py", "build-index"], {**BASE_ENV, "ANAMNESIS_DATA_DIR": str(data_dir)})
        plan_file = _plan_file(data_dir, Path(tmp))
        results: dict = {
            "cli_search_s": cli_timings(data_dir, runs),
            "first_pdf_s": pdf_timings(data_dir, plan_file, runs),
        }
        if CHROMIUM.is_file():
            results["page"] = page_timings(data_dir, runs)
    return results


def markdown(results: dict) -> str:
    """The README rows."""

    def spread(values: list[float]) -> str:
        return f"median {statistics.median(values):.2f} s / max {max(values):.2f} s"

    lines = []
    if "page" in results:
        page = results["page"]
        lines.append(
            f"| restarted app: first element of the Intake page, from the browser's request "
            f"| {spread([s['first_element_s'] for s in page])} | ≤ 3 s |"
        )
        lines.append(f"| restarted app: client picker usable | {spread([s['usable_s'] for s in page])} | — |")
    lines.append(f"| one-query `cli.py search` process | {spread(results['cli_search_s'])} | ≤ 2 s |")
    renders = [r for r, _ in results["first_pdf_s"]]
    processes = [p for _, p in results["first_pdf_s"]]
    lines.append(
        f"| first PDF export of a process (render; whole process {statistics.median(processes):.2f} s) "
        f"| {spread(renders)} | ≤ 2 s |"
    )
    return "\n".join(lines)


def main() -> None:
    results = run()
    report("startup", results, markdown(results))


if __name__ == "__main__":
    main()
