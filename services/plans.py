"""Treatment plans as a durable, versioned service: drafting, saving edits, finalizing, comparing and exporting
versions, each scoped to one clinician (`owner`).

Every save appends a version (nothing is overwritten); a finalized version is read-only, and revising
it starts a new draft. Lint runs on every save, so the flags stored with a version are always current.

The Plan and Brainstorm pages and the CLI import what they need of the domain from here (`__all__`).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from clinical.plan import (
    SAFETY_PLAN_STEPS,
    Diagnosis,
    Flag,
    Referral,
    SafetyPlan,
    Signature,
    TreatmentPlan,
    safety_step_title,
)
from clinical.plan_checks import lint
from clinical.plan_edits import add_entry, add_goal, add_intervention, add_objective, move, remove_goal
from clinical.record import SESSION_FORMATS, SESSION_FREQUENCIES, IntakeRecord
from clinical.versions import Change, changes
from clinical.vocabulary import OBJECTIVE_STATUSES
from config import Settings
from exports import FORMATS, filename, render
from exports.document import Bullets, Document, ExportContext, Fields, Heading, Item, Paragraph, Table, plan_document
from knowledge.loader import Library
from storage.records import PlanVersion, RecordStore, StoreError

if TYPE_CHECKING:
    from chains.drafting import DraftResult
    from knowledge.index import LibraryIndex

__all__ = [
    "FORMATS",
    "OBJECTIVE_STATUSES",
    "SAFETY_PLAN_STEPS",
    "SESSION_FORMATS",
    "SESSION_FREQUENCIES",
    "Bullets",
    "Change",
    "Diagnosis",
    "Document",
    "ExportContext",
    "Fields",
    "Flag",
    "Heading",
    "Item",
    "Paragraph",
    "PlanLocked",
    "PlanService",
    "PlanUnfinished",
    "Referral",
    "SafetyPlan",
    "Signature",
    "StoreError",
    "Table",
    "TreatmentPlan",
    "add_entry",
    "add_goal",
    "add_intervention",
    "add_objective",
    "draft",
    "filename",
    "move",
    "plan_document",
    "prepare_fonts",
    "remove_goal",
    "render",
    "safety_step_title",
]

#: Fields that change with every save and say nothing about the plan's content.
_BOOKKEEPING = {"version", "created_at", "flags"}


class PlanLocked(StoreError):
    """The plan's latest version is final; revise it to start a new draft."""


class PlanUnfinished(StoreError):
    """The plan still has errors or blanks; `blockers` lists each, with where it is."""

    def __init__(self, blockers: list[Flag]):
        self.blockers = blockers
        super().__init__(
            f"Complete {len(blockers)} item{'s' if len(blockers) != 1 else ''} before signing: "
            + " ".join(f.message for f in blockers)
        )


def blockers(plan: TreatmentPlan, library_ids: Container[str] = ()) -> list[Flag]:
    """What stands between this plan and a signature: plan-check errors and blanks still to complete."""
    return [f for f in lint(plan, library_ids) if f.blocks_signing]


@dataclass
class PlanService:
    """Load, save, finalize and compare versions of a client's plan for one clinician (`owner`)."""

    store: RecordStore
    library_ids: Container[str] = field(default_factory=frozenset)
    owner: str = ""

    def _check(self, client_id: str) -> None:
        if self.store.client(client_id, self.owner) is None:
            raise StoreError("That client no longer exists.")

    def history(self, client_id: str) -> list[PlanVersion]:
        """Every version, newest first."""
        self._check(client_id)
        return self.store.plan_versions(client_id, self.owner)

    def load(self, client_id: str, version: int | None = None) -> TreatmentPlan | None:
        """A version of the plan (the latest by default), or None if there is none."""
        self._check(client_id)
        return self._stored(client_id, version)

    def _stored(self, client_id: str, version: int | None) -> TreatmentPlan | None:
        """`load` for callers that have already checked the client is this clinician's."""
        stored = self.store.plan_json(client_id, version, self.owner)
        return TreatmentPlan.from_stored(stored) if stored else None

    def _append(
        self, client_id: str, plan: TreatmentPlan, summary: str, expected: int | None, action: str
    ) -> TreatmentPlan:
        plan = plan.model_copy(update={"flags": lint(plan, self.library_ids), "created_at": datetime.now(UTC)})
        version = self.store.add_plan_version(
            client_id,
            lambda number: plan.model_copy(update={"version": number}).model_dump_json(),
            plan.status,
            summary,
            expected,
            action,
            self.owner,
        )
        return plan.model_copy(update={"version": version})

    def save_draft(self, client_id: str, plan: TreatmentPlan, summary: str) -> TreatmentPlan:
        """Store a freshly composed draft as the next version (a redraft never needs the old one)."""
        self._check(client_id)
        latest = self.store.plan_versions(client_id, self.owner)
        plan = plan.model_copy(update={"status": "draft", "signature": None})
        return self._append(client_id, plan, summary, latest[0].version if latest else None, "plan.draft")

    def save(self, client_id: str, plan: TreatmentPlan, summary: str) -> TreatmentPlan:
        """Save an edit of `plan` (which carries the version it was edited from) as the next version.

        Unchanged content saves nothing. Refuses to edit a final version (see `revise`) and refuses when
        someone else saved since `plan.version` was loaded.
        """
        self._check(client_id)
        plan = validated(plan)
        base = self._stored(client_id, plan.version)
        if base is None:
            raise StoreError("There is no saved plan to edit; draft one first.")
        if base.status == "final":
            raise PlanLocked("This version is final and read-only. Revise it to start a new version.")
        if _content(base) == _content(plan):
            return base
        return self._append(client_id, plan.model_copy(update={"status": "draft"}), summary, plan.version, "plan.edit")

    def revise(self, client_id: str, version: int) -> TreatmentPlan:
        """Start a new draft from a final version; the signature does not carry over."""
        self._check(client_id)
        base = self._stored(client_id, version)
        if base is None:
            raise StoreError("There is no saved plan to revise.")
        draft = base.model_copy(update={"status": "draft", "signature": None})
        return self._append(client_id, draft, f"Revision of final version {version}", version, "plan.revise")

    def finalize(self, client_id: str, plan: TreatmentPlan, signature: Signature) -> TreatmentPlan:
        """Sign the plan: no plan-check error and nothing left to complete (`PlanUnfinished` lists what is), and
        the clinician named."""
        self._check(client_id)
        plan = validated(plan)
        if not signature.clinician_name.strip() or not signature.credentials.strip():
            raise StoreError("Enter the clinician's name and credentials to finalize.")
        if not signature.client_participated:
            raise StoreError("Confirm that the client took part in developing this plan before finalizing.")
        unfinished = blockers(plan, self.library_ids)
        if unfinished:
            raise PlanUnfinished(unfinished)
        base = self._stored(client_id, plan.version)
        if base is not None and base.status == "final":
            raise PlanLocked("This version is already final.")
        final = plan.model_copy(update={"status": "final", "signature": signature})
        summary = f"Finalized by {signature.clinician_name.strip()}"
        return self._append(client_id, final, summary, plan.version, "plan.finalize")

    def export(self, client_id: str, plan: TreatmentPlan, fmt: str, context: ExportContext) -> bytes:
        """The plan in format `fmt` (see `FORMATS`), its export logged."""
        self._check(client_id)
        data = render(plan, context, fmt)
        self.store.record_event(self.owner, "plan.export", client_id, {"version": plan.version, "format": fmt})
        return data

    def diff(self, client_id: str, older: int, newer: int) -> list[Change]:
        """What changed between two versions, sentence by sentence, grouped by the part of the plan it is in."""
        self._check(client_id)
        a, b = self._stored(client_id, older), self._stored(client_id, newer)
        if a is None or b is None:
            raise StoreError("Pick two saved versions to compare.")
        return changes(a, b)


def validated(plan: TreatmentPlan) -> TreatmentPlan:
    """The plan checked field by field against the model again. Edits build plans with `model_copy`, which does not
    validate (a page's "homework" string where the model wants a category, say); nothing unchecked is stored."""
    return TreatmentPlan.model_validate(plan.model_dump(warnings=False))


def _content(plan: TreatmentPlan) -> dict:
    return plan.model_dump(mode="json", exclude=_BOOKKEEPING)


def draft(
    record: IntakeRecord,
    index: LibraryIndex,
    library: Library,
    settings: Settings,
    *,
    offline: bool = False,
    today: date | None = None,
) -> DraftResult:
    """Draft a plan from an intake with the configured model (checked, falling back offline), or offline (always
    with `offline`). A broken model configuration does not stop drafting: the offline composer runs and the
    notice says why."""
    from chains.drafting import draft_plan  # LangChain and the index's machinery load when a draft is made
    from chains.providers import LLMConfigError, make_chat_model

    try:
        model = None if offline else make_chat_model(settings)
    except LLMConfigError as error:
        result = draft_plan(record, index, library, settings=settings, today=today)
        notice = f"The language model is not configured correctly ({error}); this draft was written offline."
        return replace(result, notice=notice, fell_back=True)
    return draft_plan(record, index, library, model=model, settings=settings, today=today)


def prepare_fonts() -> None:
    """Make the PDF exports' fonts now (once per data folder, about 2 s), so no export waits for them."""
    from exports.pdf import font_files

    font_files()
