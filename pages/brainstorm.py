"""Brainstorm page: goals, objectives and interventions for a concern, added to a client's draft plan in one click."""

from dataclasses import dataclass

import streamlit as st

from services.library import BrainstormFailed, Hit, Kind, LLMConfigError, ask_model, concern_from_record, suggest
from services.plans import StoreError, add_entry
from ui.render import escape_md, hit_card, search_filters, short, show_text
from ui.resources import chat_model, intake_service, library_index, plan_service
from ui.resources import settings as app_settings
from ui.state import active_client, note_plan_saved

CONCERN = "brainstorm_concern"
UNDO = "brainstorm_last_added"
CHAT = "brainstorm_chat_log"


@dataclass(frozen=True)
class Added:
    """The last suggestion added to a plan from this page, and how to take it back."""

    client_id: str
    before: int  # the plan version it was added to
    after: int  # the version the addition made
    entry_id: str
    wording: str
    where: str  # "goal 2", or "a new goal"


st.title("Brainstorm")
st.caption("Ideas from the library (and your reference documents) for any concern. Everything runs offline.")
index, library = library_index()
taxonomy = library.taxonomy
plans = plan_service()
intakes = intake_service()
client = active_client(plans.owner)
plan = plans.load(client.id) if client else None
editable = plan is not None and plan.status == "draft"


def add_to_plan(hit: Hit, goal_id: str | None) -> None:
    """Add one suggestion to the client's draft plan as a new version, remembering how to undo it."""
    entry = index.get(hit.id)
    if entry is None:
        st.error("That entry is no longer in the library.")
        return
    try:
        saved = plans.save(client.id, add_entry(plan, entry, goal_id), f"Added {hit.id} from Brainstorm")
    except StoreError as error:
        st.error(escape_md(str(error)), icon=":material/error:")
        return
    note_plan_saved(client.id, saved.version)
    if entry.kind == Kind.GOAL or not plan.goals:
        where = "a new goal"
    else:
        position = next((n for n, g in enumerate(plan.goals, start=1) if g.id == goal_id), 1)
        where = f"goal {position}"
    st.session_state[UNDO] = Added(client.id, plan.version, saved.version, hit.id, short(entry.text, 80), where)
    st.toast(f"Added to {escape_md(client.alias)}'s plan (version {saved.version}).", icon=":material/check:")
    st.rerun()


def undo_last() -> None:
    added: Added = st.session_state.pop(UNDO)
    previous = plans.load(added.client_id, added.before)
    try:
        saved = plans.save(
            added.client_id, previous.model_copy(update={"version": added.after}), f"Undid adding {added.entry_id}"
        )
    except StoreError as error:
        st.error(escape_md(str(error)), icon=":material/error:")
        return
    note_plan_saved(added.client_id, saved.version)
    st.toast("Undone.", icon=":material/undo:")
    st.rerun()


def set_concern(text: str) -> None:
    """Search again from a suggestion's own wording (a callback, so it runs before the text box is drawn)."""
    st.session_state[CONCERN] = text[:2000]


def card(hit: Hit, goal_id: str | None) -> None:
    with hit_card(hit, taxonomy):
        cols = st.columns([1, 1, 3])
        cols[0].button(
            "More like this",
            key=f"brainstorm_more_{hit.id}",
            icon=":material/manage_search:",
            on_click=set_concern,
            args=(hit.text,),
        )
        addable = hit.kind != Kind.REFERENCE and editable
        if addable and cols[1].button("Add to plan", key=f"brainstorm_add_{hit.id}", icon=":material/playlist_add:"):
            add_to_plan(hit, goal_id)


last: Added | None = st.session_state.get(UNDO)
if last is not None and client and last.client_id == client.id:
    note, button = st.columns([4, 1], vertical_alignment="center")
    note.info(
        f"Added “{escape_md(last.wording)}” to {last.where} of the plan (version {last.after}). "
        f":gray[{escape_md(last.entry_id)}]",
        icon=":material/check:",
    )
    if button.button("Undo", key="brainstorm_undo", icon=":material/undo:"):
        undo_last()

record = intakes.record(client.id) if client else None
if record is not None:
    st.button(
        f"Use {escape_md(client.alias)}'s intake",
        key="brainstorm_use_intake",
        icon=":material/assignment_ind:",
        on_click=set_concern,
        args=(concern_from_record(record) or st.session_state.get(CONCERN, ""),),
        help="Fills the concern from the intake's presenting problem, symptoms, relationships, defenses and goals.",
    )
concern = st.text_area(
    "Concern",
    key=CONCERN,
    max_chars=2000,
    height=100,
    placeholder="In your own words, e.g. “intellectualizes and keeps me at a distance; lonely since the divorce”",
    persist_state="session",  # still there after a visit to another page
)
# Kept for the session, so the filters are still there after a visit to another page.
kinds, modalities, areas = search_filters(st.columns([2, 3, 3]), "brainstorm", taxonomy, persist_state="session")

goal_id = None
if client is None:
    st.caption("Choose a client on the Intake or Plan page to add suggestions to their plan.")
elif plan is None:
    st.caption(f"{escape_md(client.alias)} has no plan yet; draft one on the Plan page to add suggestions to it.")
elif not editable:
    st.caption(f"{escape_md(client.alias)}'s plan is final. Revise it on the Plan page to add suggestions.")
elif plan.goals:
    goal_id = st.selectbox(
        f"Objectives and interventions join this goal of {escape_md(client.alias)}'s plan",
        [g.id for g in plan.goals],
        format_func=lambda g: next(
            f"Goal {n} · {short(x.description)}" for n, x in enumerate(plan.goals, 1) if x.id == g
        ),
        key="brainstorm_goal",
    )

if not concern.strip():
    st.info(
        "Describe the concern above (or use the current client's intake) to see goals, objectives and "
        "interventions. Filters narrow the results; leave them empty to see everything.",
        icon=":material/lightbulb:",
    )
    st.stop()

suggestions = suggest(index, concern, kinds or None, modalities, areas)
if not len(suggestions):
    st.info("Nothing matched. Try other words for the concern, or remove a filter.", icon=":material/search_off:")
    st.stop()

goals_tab, objectives_tab, interventions_tab, references_tab = st.tabs(
    [
        f"Goals ({len(suggestions.goals)})",
        f"Objectives ({len(suggestions.objectives)})",
        f"Interventions ({sum(map(len, suggestions.interventions.values()))})",
        f"References ({len(suggestions.references)})",
    ]
)
with goals_tab:
    for hit in suggestions.goals:
        card(hit, goal_id)
with objectives_tab:
    for hit in suggestions.objectives:
        card(hit, goal_id)
with interventions_tab:
    for category, hits in suggestions.interventions.items():
        st.subheader(escape_md(taxonomy.category_label(category)))
        for hit in hits:
            card(hit, goal_id)
with references_tab:
    if not suggestions.references:
        st.caption("No passages from your reference documents. Add documents on the Library page.")
    for hit in suggestions.references:
        card(hit, goal_id)

st.divider()
st.subheader("Brainstorm with the model")
settings = app_settings()
try:
    model = chat_model() if settings.llm_provider != "none" else None
except LLMConfigError as error:
    model = None
    st.warning(f"The language model is not usable: {error}", icon=":material/warning:")
if model is None:
    st.caption(
        "No language model is configured, so this page works on retrieval alone. Set ANAMNESIS_LLM_PROVIDER "
        "to talk the suggestions through with a local or remote model."
    )
    st.stop()
log = st.session_state.setdefault(f"{CHAT}_{client.id if client else ''}", [])
for role, text in log:
    with st.chat_message(role):
        show_text(text)
question = st.chat_input("Ask about these suggestions", key="brainstorm_chat", max_chars=2000)
if question:
    log.append(("user", question))
    with st.spinner("Thinking it through with the model…"):
        try:
            answer = ask_model(
                model,
                concern,
                suggestions.hits(),
                question,
                settings,
                [client.alias] if client else [],
            )
        except BrainstormFailed as error:
            log.append(("assistant", f"The model could not answer this time ({error}). The suggestions above stand."))
        else:
            text = answer.text
            if answer.uncited:
                text += f"\n\n(Removed citations of entries it was not given: {', '.join(answer.uncited)})"
            log.append(("assistant", text))
    st.rerun()
