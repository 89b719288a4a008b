"""Command line for Anamnesis: build the index, search the library, replay an intake, draft a plan, check the audit log.

Run `python cli.py --help`. Every command reads the same `ANAMNESIS_*` settings as the app.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from config import get_settings
from services.library import Kind, LibraryError, load_library

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)

KindOption = Annotated[
    list[Kind] | None,
    typer.Option("--kind", help="Only this kind (repeatable): goal, objective, intervention, reference."),
]
ModalityOption = Annotated[
    list[str] | None,
    typer.Option("--modality", help="Only this modality id, or modality-neutral entries (repeatable)."),
]
AreaOption = Annotated[list[str] | None, typer.Option("--area", help="Only this problem-area id (repeatable).")]


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _ready_index(quiet: bool = True):
    from services.library import EmbeddingModelMissing, IndexLocked, ready_index

    def progress(fraction: float, message: str) -> None:
        if not quiet:
            typer.echo(f"[{fraction:4.0%}] {message}", err=True)

    try:
        return ready_index(get_settings(), progress)
    except (LibraryError, EmbeddingModelMissing, IndexLocked) as error:
        raise _fail(str(error)) from error


@app.command("build-index")
def build_index() -> None:
    """Create or incrementally refresh the search index from the library files (and prepare the PDF fonts)."""
    from services.plans import prepare_fonts

    index, _, report = _ready_index(quiet=False)
    typer.echo(
        f"Index ready: {len(index)} documents ({report.added} added, {report.updated} updated, "
        f"{report.removed} removed, {report.unchanged} unchanged) in {report.seconds:.2f}s"
    )
    prepare_fonts()  # made once here (about 2 s), so the app's first PDF does not wait for them


@app.command("library")
def library(as_json: Annotated[bool, typer.Option("--json", help="Print every entry as JSON.")] = False) -> None:
    """List every curated library entry with its fields."""
    try:
        lib = load_library(get_settings().library_dir)
    except LibraryError as error:
        raise _fail(str(error)) from error
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in lib.entries], indent=2, ensure_ascii=False))
        return
    for entry in lib.entries:
        typer.echo(f"{entry.id}\t{entry.kind.value}\t{','.join(entry.problem_areas)}\t{entry.text}")


def _validate_filters(lib_taxonomy, modalities: list[str] | None, areas: list[str] | None) -> None:
    known_modalities = {t.id for t in lib_taxonomy.modalities}
    known_areas = {t.id for t in lib_taxonomy.problem_areas}
    for modality in modalities or []:
        if modality not in known_modalities:
            raise _fail(f"unknown modality '{modality}'; choose from: {', '.join(sorted(known_modalities))}", 2)
    for area in areas or []:
        if area not in known_areas:
            raise _fail(f"unknown problem area '{area}'; choose from: {', '.join(sorted(known_areas))}", 2)


@app.command("search")
def search(
    query: Annotated[str | None, typer.Argument(help="What to look for, in your own words.")] = None,
    queries: Annotated[
        Path | None, typer.Option("--queries", help="A file with one query per line, answered in one process.")
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many results per query.")] = 10,
    kind: KindOption = None,
    modality: ModalityOption = None,
    area: AreaOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print hits as JSON.")] = False,
) -> None:
    """Hybrid (BM25 + dense) search of the library and reference documents."""
    if (query is None) == (queries is None):
        raise _fail("give either a QUERY or --queries FILE", 2)
    if queries is not None:
        try:
            asked = [line.strip() for line in queries.read_text(encoding="utf-8").splitlines() if line.strip()]
        except (OSError, UnicodeDecodeError) as error:
            raise _fail(f"cannot read {queries}: {error}", 2) from error
    else:
        asked = [query]
    index, lib, _ = _ready_index()
    _validate_filters(lib.taxonomy, modality, area)
    answers = [index.search(q, k=k, kinds=kind, modalities=modality, areas=area) for q in asked]
    if as_json:
        payload = [[h.model_dump(mode="json") for h in hits] for hits in answers]
        typer.echo(json.dumps(payload if queries is not None else payload[0], indent=2, ensure_ascii=False))
        return
    for asked_query, hits in zip(asked, answers, strict=True):
        if queries is not None:
            typer.echo(f"# {asked_query}")
        if not hits:
            typer.echo("No matches. Try other words, or fewer filters.")
        for rank, hit in enumerate(hits, start=1):
            typer.echo(f"{rank:2}. [{hit.kind.value}] {hit.id} ({', '.join(hit.problem_areas)}) {hit.score:.4f}")
            typer.echo(f"    {hit.text}")


@app.command("intake")
def intake(
    answers: Annotated[Path, typer.Option("--answers", help="JSON mapping section ids to the clinician's answers.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the structured intake record (JSON).")],
    alias: Annotated[
        str | None, typer.Option("--alias", help="Client alias (default: the file's 'alias', else 'Client').")
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="The intake's date (YYYY-MM-DD) for relative dates; default today.")
    ] = None,
) -> None:
    """Run the guided intake headless: every question is answered from FILE by its section."""
    from datetime import date

    from services.intake import IntakeContext, StoreError, clean_alias, replay_intake
    from services.store import atomic_write

    try:
        data = json.loads(answers.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _fail(f"cannot read {answers}: {error}", 2) from error
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise _fail(f"{answers} must be a JSON object mapping section ids to answer text", 2)
    try:
        reference = date.fromisoformat(today) if today else None
        client_alias = clean_alias(alias or data.pop("alias", None) or "Client")
    except (ValueError, StoreError) as error:
        raise _fail(str(error), 2) from error
    data.pop("alias", None)
    index, lib, _ = _ready_index()
    try:
        record = replay_intake(data, client_alias, IntakeContext(lib.taxonomy, index.area_fit), reference)
    except ValueError as error:
        raise _fail(str(error), 2) from error
    atomic_write(out, json.dumps(record.export(), indent=2, ensure_ascii=False).encode("utf-8"))
    risk = "FLAGGED" if record.risk.flagged else "not flagged"
    typer.echo(f"Wrote {out}: {len(record.sections)} sections, risk {risk}")


@app.command("draft")
def draft(
    intake_file: Annotated[Path, typer.Option("--intake", help="An intake record (JSON, as written by `intake`).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the plan.")],
    fmt: Annotated[
        str, typer.Option("--format", help="json, md, docx, pdf, fhir, or safety-plan (the client's one-page copy).")
    ] = "json",
    today: Annotated[
        str | None, typer.Option("--today", help="Date (YYYY-MM-DD) used when the intake has no start date.")
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Never use the language model, even if configured.")
    ] = False,
) -> None:
    """Draft a treatment plan from an intake record and write it in the chosen format.

    Uses the configured language model when there is one (falling back to the offline composer if it
    fails), otherwise the offline composer.
    """
    from datetime import date

    from pydantic import ValidationError

    from services.intake import IntakeRecord
    from services.library import LLMConfigError, make_chat_model
    from services.plans import FORMATS, ExportContext, render
    from services.plans import draft as draft_from_intake
    from services.store import atomic_write

    if fmt not in FORMATS:
        raise _fail(f"unknown format '{fmt}'; choose from: {', '.join(FORMATS)}", 2)
    try:
        record = IntakeRecord.from_stored(intake_file.read_text(encoding="utf-8"))
        reference = date.fromisoformat(today) if today else None
    except (OSError, UnicodeDecodeError, ValidationError, ValueError) as error:
        raise _fail(f"cannot read the intake {intake_file}: {error}", 2) from error
    settings = get_settings()
    try:
        None if offline else make_chat_model(settings)  # a broken model configuration is refused here
    except LLMConfigError as error:
        raise _fail(f"{error} (or pass --offline)", 2) from error
    index, lib, _ = _ready_index()
    result = draft_from_intake(record, index, lib, settings, offline=offline, today=reference)
    if result.notice:
        typer.echo(result.notice, err=True)
    plan = result.plan
    try:
        data = render(plan, ExportContext.configured(lib, settings), fmt)
    except ValueError as error:  # e.g. the client's safety plan for a plan without one
        raise _fail(str(error), 2) from error
    atomic_write(out, data)
    errors = sum(f.severity == "error" for f in plan.flags)
    blanks = sum(f.severity == "incomplete" for f in plan.flags)
    typer.echo(
        f"Wrote {out}: {len(plan.goals)} goals, {len(plan.interventions)} interventions, {errors} lint errors, "
        f"{blanks} items to complete before signing (composer: {plan.composer})"
    )


@app.command("ingest")
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Markdown, text, PDF or .docx files (20 MB each at most).")],
) -> None:
    """Add your own reference documents to the search index (kind `reference`); re-adding a file is a no-op.

    Each file succeeds or fails on its own; the exit code is 1 if any failed.
    """
    from services.library import ingest as ingest_files

    index, _, _ = _ready_index()
    files, unreadable = [], []
    for path in paths:
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as error:
            unreadable.append(f"{path}: cannot read ({error.strerror or error})")
    report = ingest_files(index, files, get_settings().data_dir)
    for result in report.results:
        if result.ok:
            typer.echo(f"{result.status.value:>9}  {result.name}: {result.passages} passages")
        else:
            typer.secho(f"   failed  {result.name}: {result.message}", err=True, fg=typer.colors.RED)
    for message in unreadable:
        typer.secho(f"   failed  {message}", err=True, fg=typer.colors.RED)
    if not report.ok or unreadable:
        raise typer.Exit(1)


@app.command("references")
def references(
    delete: Annotated[str | None, typer.Option("--delete", help="Remove this document (name or id).")] = None,
) -> None:
    """List the reference documents in the index, or remove one (its passages and stored text)."""
    from services.library import delete_document, list_documents

    data_dir = get_settings().data_dir
    if delete:
        index, _, _ = _ready_index()
        removed = delete_document(index, delete, data_dir)
        if removed is None:
            raise _fail(f"no reference document called {delete!r}")
        typer.echo(f"Removed {removed.name} ({removed.passages} passages)")
        return
    documents = list_documents(data_dir)
    if not documents:
        typer.echo("No reference documents yet; add some with `cli.py ingest PATH...`.")
    for doc in documents:
        pages = f"{doc.pages} pages, " if doc.pages else ""
        typer.echo(f"{doc.id}  {doc.name}  ({pages}{doc.passages} passages, added {doc.added:%Y-%m-%d})")


audit_app = typer.Typer(no_args_is_help=True, help="The audit log of client and plan actions.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check that the audit log's hash chain is intact; exits 1 if any event was altered, removed or reordered."""
    from services.store import open_store

    path = get_settings().database_path
    if not path.exists():
        raise _fail(f"no records at {path} (set ANAMNESIS_DATA_DIR)", 2)
    result = open_store(get_settings()).verify_audit()
    if not result.ok:
        raise _fail(f"Audit log BROKEN: {result.message}")
    typer.echo(f"Audit log OK: {result.message}")


@audit_app.command("show")
def audit_show(
    client: Annotated[str | None, typer.Option("--client", help="Only events for this client id.")] = None,
) -> None:
    """Print the audit events (no clinical text is ever stored in them)."""
    from services.store import open_store

    path = get_settings().database_path
    if not path.exists():
        raise _fail(f"no records at {path} (set ANAMNESIS_DATA_DIR)", 2)
    for event in open_store(get_settings()).audit_events(client):
        detail = json.dumps(event.detail, sort_keys=True) if event.detail else ""
        typer.echo(f"{event.seq}\t{event.at}\t{event.actor}\t{event.action}\t{event.client_id or '-'}\t{detail}")


if __name__ == "__main__":
    sys.exit(app())
