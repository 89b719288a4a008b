"""The Brainstorm page through the real app: empty state, grouped results, more like this, add to plan, undo, chat."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from chains.drafting import draft_plan
from clinical.intake_engine import IntakeContext
from config import get_settings
from services.intake import IntakeService
from services.plans import PlanService
from storage.records import RecordStore
from tests.builders import ANSWERS
from tests.fakes import ChatCompletionsServer
from tests.pages.driver import open_app

pytestmark = pytest.mark.slow


@pytest.fixture
def client_with_plan(data_dir, library, library_index):
    """A client with a finished intake and a drafted plan (version 1)."""
    store = RecordStore(get_settings().data_dir / "anamnesis.db")
    intakes = IntakeService(store, IntakeContext(library.taxonomy, library_index.area_fit))
    client, _ = intakes.open_client("B.S.")
    intakes.begin(client.id)
    for answer in ANSWERS:
        intakes.send(client.id, answer)
    plan = draft_plan(intakes.record(client.id), library_index, library).plan
    PlanService(store, library.by_id).save_draft(client.id, plan, "Drafted (offline)")
    return store, client.id


def open_brainstorm(client_id: str | None = None) -> AppTest:
    return open_app("brainstorm", client_id)


def test_empty_state_then_grouped_results(data_dir):
    """Without a concern the page says what to do; with one it shows the groups and never an add button."""
    at = open_brainstorm()
    assert any("Describe the concern" in i.value for i in at.info)
    at.text_area(key="brainstorm_concern").set_value("intellectualizes and keeps me at a distance").run()
    labels = [t.label for t in at.tabs]
    assert labels[0].startswith("Goals (") and labels[2].startswith("Interventions (")
    assert not [b for b in at.button if b.key and b.key.startswith("brainstorm_add_")]
    assert any("Choose a client" in c.value for c in at.caption)
    assert any("No language model is configured" in c.value for c in at.caption)


def test_no_results_says_what_to_try(data_dir):
    """Filters that match nothing say what to try instead of showing empty tabs."""
    at = open_brainstorm()
    at.multiselect(key="brainstorm_kinds").set_value(["reference"])  # no documents have been added
    at.text_area(key="brainstorm_concern").set_value("grief after a miscarriage").run()
    assert not at.exception
    assert any("Nothing matched" in i.value for i in at.info) and not at.tabs


def test_more_like_this_searches_from_the_item(data_dir):
    """More like this searches again from the item's own wording."""
    at = open_brainstorm()
    at.text_area(key="brainstorm_concern").set_value("panic attacks on the train").run()
    more = next(b for b in at.button if b.key and b.key.startswith("brainstorm_more_"))
    entry_id = more.key.removeprefix("brainstorm_more_")
    more.click().run()
    assert not at.exception, at.exception
    from knowledge.loader import load_library

    assert at.text_area(key="brainstorm_concern").value == load_library().by_id[entry_id].text


def test_use_intake_add_to_plan_and_undo(client_with_plan):
    """The intake fills the concern; an intervention joins the chosen goal with its source id; undo restores."""
    store, client_id = client_with_plan
    plans = PlanService(store)
    at = open_brainstorm(client_id)
    at.button(key="brainstorm_use_intake").click().run()
    assert "passed over for promotion" in at.text_area(key="brainstorm_concern").value
    goal_id = at.selectbox(key="brainstorm_goal").value
    before = plans.load(client_id)
    add = next(
        b
        for b in at.button
        if b.key
        and b.key.startswith("brainstorm_add_")
        and b.key.split("_add_")[1] not in {s for s in before.source_ids()}
    )
    entry_id = add.key.removeprefix("brainstorm_add_")
    add.click().run()
    assert not at.exception, at.exception
    after = plans.load(client_id)
    assert after.version == 2 and entry_id in after.source_ids()
    assert plans.history(client_id)[0].summary == f"Added {entry_id} from Brainstorm"
    at.button(key="brainstorm_undo").click().run()
    undone = plans.load(client_id)
    assert undone.version == 3 and entry_id not in undone.source_ids()
    assert undone.goals == before.goals and undone.interventions == before.interventions
    assert goal_id in {g.id for g in undone.goals}


def test_final_plan_is_not_changed_from_brainstorm(client_with_plan):
    """A signed plan offers no Add to plan button and says to revise it first."""
    store, client_id = client_with_plan
    plans = PlanService(store)
    from tests.builders import SIGNATURE, completed

    edited = plans.save(client_id, completed(plans.load(client_id)), "Completed the blanks")
    plans.finalize(client_id, edited, SIGNATURE)
    at = open_brainstorm(client_id)
    at.text_area(key="brainstorm_concern").set_value("low mood").run()
    assert any("plan is final" in c.value for c in at.caption)
    assert not [b for b in at.button if b.key and b.key.startswith("brainstorm_add_")]


def test_chat_with_a_model_cites_retrieved_ids(data_dir, monkeypatch):
    """With a model configured, the chat answers from a real OpenAI-protocol server; bogus ids are removed."""
    with ChatCompletionsServer("Consider naming the distance gently [not-a-real-id].") as server:
        monkeypatch.setenv("ANAMNESIS_LLM_PROVIDER", "openai")
        monkeypatch.setenv("ANAMNESIS_LLM_MODEL", "local-test")
        monkeypatch.setenv("ANAMNESIS_LLM_BASE_URL", server.url)
        get_settings.cache_clear()
        at = open_brainstorm()
        at.text_area(key="brainstorm_concern").set_value("keeps me at a distance").run()
        at.chat_input(key="brainstorm_chat").set_value("Which of these fit a first month?").run()
        assert not at.exception, at.exception
        replies = [m.markdown[0].value for m in at.chat_message if m.name == "assistant"]
        assert replies and "naming the distance gently" in replies[-1]
        assert "[not" not in replies[-1] and "Removed citations of entries it was not given" in replies[-1]
        body = server.requests[0]["body"]
        prompt = "\n".join(str(m.get("content")) for m in body["messages"])
        assert "<library_entries>" in prompt and "keeps me at a distance" in prompt


def test_the_concern_and_filters_survive_a_visit_to_another_page(data_dir):
    """What the clinician typed in the concern box, and the filters, are still there after visiting another page."""
    at = open_brainstorm()
    at.text_area(key="brainstorm_concern").set_value("keeps me at a distance, intellectualizes").run()
    at.multiselect(key="brainstorm_kinds").set_value(["intervention"]).run()
    at.switch_page("pages/library.py").run()
    assert not at.exception, at.exception
    at.switch_page("pages/brainstorm.py").run()
    assert not at.exception, at.exception
    assert at.text_area(key="brainstorm_concern").value == "keeps me at a distance, intellectualizes"
    assert at.multiselect(key="brainstorm_kinds").value == ["intervention"]
