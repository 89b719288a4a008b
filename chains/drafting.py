"""Drafting a treatment plan: the one entry point the pages, the CLI and the benchmarks call.

An LCEL chain: intake record → library candidates per problem area (`chains.retrieval`) → the offline composer's
plan, checked → with a model configured, the model's plan built from the same candidates and checked field by
field (`chains.model_composer`), else (or when it fails) the offline plan with a notice saying why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableLambda

from chains.model_composer import FALLBACK_NOTICE, LLMDraftRejected, ModelComposer, failure_reason
from chains.offline_composer import OfflineComposer
from chains.retrieval import DraftInputs, gather
from clinical.plan import TreatmentPlan
from clinical.plan_checks import lint
from clinical.record import IntakeRecord
from config import Settings, get_settings
from knowledge.index import LibraryIndex
from knowledge.loader import Library

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DraftResult:
    """A drafted plan and how it was written."""

    plan: TreatmentPlan
    #: None when the requested composer succeeded; otherwise why the offline draft is shown instead.
    notice: str | None = None
    fell_back: bool = False
    #: What the checks removed or replaced in the model's draft, one clinician-readable line each.
    corrections: tuple[str, ...] = ()


class _Composer:
    """The offline plan always; the model's checked plan when a model is configured and its draft holds up."""

    def __init__(self, library: Library, index: LibraryIndex, model: BaseChatModel | None, settings: Settings):
        self.library = library
        self.settings = settings
        self.offline = OfflineComposer(library, index)
        self.model = ModelComposer(library, model, settings) if model is not None else None

    def compose(self, inputs: DraftInputs) -> DraftResult:
        offline = self.offline.compose(inputs)
        offline = offline.model_copy(update={"flags": lint(offline, self.library.by_id)})
        if self.model is None:
            return DraftResult(plan=offline)
        try:
            plan, corrections = self.model.compose(inputs, offline)
        except LLMDraftRejected as rejection:
            reason = str(rejection)
        except Exception as error:  # network, timeout, provider, parsing: the clinician still gets a plan
            reason = failure_reason(error, self.settings)
        else:
            return DraftResult(plan=plan, corrections=tuple(corrections))
        log.warning("LLM draft not used: %s", reason)  # the reason never holds client text
        return DraftResult(plan=offline, notice=FALLBACK_NOTICE.format(reason=reason), fell_back=True)


def build_draft_chain(
    index: LibraryIndex,
    library: Library,
    *,
    model: BaseChatModel | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> Runnable:
    """LCEL chain: IntakeRecord → gather candidates → compose (model, checked, or offline) → DraftResult."""
    composer = _Composer(library, index, model, settings or get_settings())
    gather_inputs = RunnableLambda(lambda record: gather(record, index, today, library), name="gather")
    return gather_inputs | RunnableLambda(composer.compose, name="compose")


def draft_plan(
    record: IntakeRecord,
    index: LibraryIndex,
    library: Library,
    *,
    model: BaseChatModel | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> DraftResult:
    """Draft a plan: with `model`, the model's checked draft or the offline one with a notice; else offline."""
    return build_draft_chain(index, library, model=model, settings=settings, today=today).invoke(record)
