"""Intake page: a guided chat that builds the structured intake record, with a live, correctable summary."""

from datetime import date

import streamlit as st

from chains.intake import MAX_ANSWER_CHARS, SECTIONS, progress
from chains.llm import LLMConfigError
from chains.llm_extract import LLMExtractionFailed
from records.models import SECTION_ORDER, IntakeRecord, SuicidalIdeation
from records.store import StoreError
from ui import (
    AUTODRAFT,
    active_client,
    choose_client,
    escape_md,
    intake_service,
    library_index,
    llm_gap_filler,
    show_text,
)

FREQUENCIES = ["", "weekly", "twice weekly", "three times weekly", "every other week", "monthly"]
TRISTATE = {"not assessed": None, "yes": True, "no": False}
IDEATION = {"not assessed": None, **{s.value: s.value for s in SuicidalIdeation}}

service = intake_service()
_, library = library_index()
taxonomy = library.taxonomy


def pick_client_view() -> None:
    """No client yet: greet, list clients in progress, and take an alias from the chat box."""
    st.title("Intake")
    clients = service.store.clients(service.owner)
    with st.chat_message("assistant"):
        st.markdown(
            "Hello. Which client is this intake for? Type a **new alias** (initials or a pseudonym — never a real "
            "name) to start, or the alias of a client in progress to resume."
        )
        if clients:
            st.caption("Clients in progress (most recent first):")
            for client in clients[:12]:
                if st.button(escape_md(client.alias), key=f"intake_resume_{client.id}", icon=":material/person:"):
                    choose_client(client.id, service.owner)
                    st.rerun()
    alias = st.chat_input("New or existing client alias", max_chars=60, key="intake_alias_input")
    if alias:
        try:
            client, _created = service.open_client(alias)
        except StoreError as error:
            st.error(escape_md(str(error)), icon=":material/error:")
            return
        choose_client(client.id, service.owner)
        st.rerun()


def corrections_form(client_id: str, record: IntakeRecord) -> None:
    """Every extracted field, editable; changed fields are saved as the clinician's corrections."""
    with st.form(f"intake_corrections_{client_id}", border=False):
        age = st.number_input("Age", min_value=0, max_value=120, value=record.client.age, key="intake_fix_age")
        pronouns = st.text_input(
            "Pronouns", value=record.client.pronouns or "", max_chars=40, key="intake_fix_pronouns"
        )
        areas = st.multiselect(
            "Problem areas",
            [t.id for t in taxonomy.problem_areas],
            default=record.problem_areas,
            format_func=taxonomy.area_label,
            key="intake_fix_areas",
        )
        orientation = st.multiselect(
            "Orientation",
            [t.id for t in taxonomy.modalities],
            default=record.orientation,
            format_func=taxonomy.modality_label,
            key="intake_fix_orientation",
        )
        st.markdown("**Risk**")
        ideation_now = record.risk.suicidal_ideation.value if record.risk.suicidal_ideation else None
        ideation = st.selectbox(
            "Suicidal ideation",
            list(IDEATION),
            index=list(IDEATION.values()).index(ideation_now),
            key="intake_fix_si",
        )
        risk_flags = {}
        for field, label in (
            ("plan", "Plan"),
            ("intent", "Intent"),
            ("means_access", "Access to means"),
            ("self_harm", "Self-harm"),
            ("homicidal_ideation", "Homicidal ideation"),
        ):
            current = getattr(record.risk, field)
            risk_flags[field] = st.selectbox(
                label, list(TRISTATE), index=list(TRISTATE.values()).index(current), key=f"intake_fix_{field}"
            )
        st.markdown("**Sessions**")
        session = record.session
        frequency = st.selectbox(
            "Frequency",
            FREQUENCIES,
            index=FREQUENCIES.index(session.frequency) if session.frequency in FREQUENCIES else 0,
            key="intake_fix_frequency",
        )
        duration = st.number_input(
            "Minutes per session", min_value=5, max_value=480, value=session.duration_minutes, key="intake_fix_minutes"
        )
        start = st.date_input("Start date", value=session.start_date, key="intake_fix_start")
        sessions = st.number_input(
            "Number of sessions", min_value=1, max_value=1000, value=session.sessions, key="intake_fix_sessions"
        )
        review = st.number_input(
            "Review every (days)",
            min_value=1,
            max_value=730,
            value=session.review_interval_days,
            key="intake_fix_review",
        )
        st.markdown("**Measures**")
        measures = st.data_editor(
            [{"name": m.name, "score": m.score} for m in record.measures],
            num_rows="dynamic",
            column_config={
                "name": st.column_config.TextColumn("Measure", required=True, max_chars=20),
                "score": st.column_config.NumberColumn("Score", required=True, min_value=0, max_value=200),
            },
            key="intake_fix_measures",
            width="stretch",
        )
        saved = st.form_submit_button("Save corrections", icon=":material/save:")
    if not saved:
        return
    wanted = {
        "client.age": age,
        "client.pronouns": pronouns.strip() or None,
        "problem_areas": areas,
        "orientation": orientation,
        "risk.suicidal_ideation": IDEATION[ideation],
        **{f"risk.{field}": TRISTATE[choice] for field, choice in risk_flags.items()},
        "session.frequency": frequency or None,
        "session.duration_minutes": duration,
        "session.start_date": start.isoformat() if isinstance(start, date) else None,
        "session.sessions": sessions,
        "session.review_interval_days": review,
        "measures": [{"name": str(m["name"]).strip(), "score": m["score"]} for m in measures if m.get("name")],
    }
    current = record.model_dump(mode="json")
    changed = {}
    for path, value in wanted.items():
        node = current
        for key in path.split("."):
            node = node.get(key) if isinstance(node, dict) else None
        if node != value:
            changed[path] = value
    if not changed:
        st.toast("Nothing changed.")
        return
    try:
        service.correct(client_id, changed)
    except StoreError as error:
        st.error(escape_md(str(error)), icon=":material/error:")
        return
    st.toast(f"Saved {len(changed)} correction(s).", icon=":material/check:")
    st.rerun()


def side_panel(client_id: str, record: IntakeRecord, state) -> None:
    """Progress, sections, and the live structured summary with corrections."""
    done, total = progress(state)
    st.progress(done / total, text=f"{done} of {total} sections")
    finished = {s.value for s in state.done_sections()}
    lines = []
    for section in SECTION_ORDER:
        mark = "→" if section == state.section else ("✓" if section.value in finished else "·")
        skipped = " (skipped)" if section.value in state.skipped else ""
        lines.append(f"{mark} {SECTIONS[section].title}{skipped}")
    st.caption(escape_md("\n".join(lines)).replace("\n", "  \n"))
    with st.expander("Structured record — review and correct", expanded=False, icon=":material/fact_check:"):
        corrections_form(client_id, record)
    try:
        filler = llm_gap_filler()
    except LLMConfigError as error:
        st.warning(f"The language model is not usable: {error}", icon=":material/warning:")
        filler = None
    if filler is not None and st.button(
        "Fill gaps with the language model", key="intake_llm_fill", icon=":material/auto_fix:"
    ):
        with st.spinner("Asking the model to read the notes…"):
            try:
                service.fill_gaps(client_id, filler)
            except LLMExtractionFailed as error:
                st.warning(f"The model could not help this time ({error}); the record is unchanged.")
            else:
                st.rerun()


def intake_view(client) -> None:
    """The chat for one client, with the side panel."""
    top = st.columns([4, 1, 1], vertical_alignment="bottom")
    top[0].title(f"Intake · {escape_md(client.alias)}")
    if top[1].button("Switch client", key="intake_switch", icon=":material/swap_horiz:"):
        choose_client(None)
        st.rerun()
    with top[2].popover("Delete", icon=":material/delete:"):
        st.warning(f"Permanently delete {escape_md(client.alias)} and every message and record about them?")
        if st.button("Delete permanently", key="intake_delete_confirm", type="primary"):
            service.store.delete_client(client.id, service.owner)
            choose_client(None)
            st.rerun()

    message = st.chat_input(
        "Type your answer, or 'help' for commands", max_chars=MAX_ANSWER_CHARS, key="intake_chat_input"
    )
    if message is not None:
        reply = service.send(client.id, message)
        if reply.action == "draft":
            st.session_state[AUTODRAFT] = client.id
            st.switch_page("pages/plan.py", query_params={"client": client.id})
    turns = service.begin(client.id)
    record = service.record(client.id)
    state = service.state(client.id)
    if record.risk.flagged:
        st.error(
            "Risk reported for this client — a safety plan will be required in the treatment plan.",
            icon=":material/warning:",
        )
    st.caption(f"Messages up to {MAX_ANSWER_CHARS:,} characters. Everything you type is saved as you go.")
    for turn in turns:
        with st.chat_message(turn.role):
            show_text(turn.text)
    # The sidebar stays in view however long the conversation gets.
    with st.sidebar:
        if record.risk.flagged:
            st.error("Risk reported: safety plan required.", icon=":material/warning:")
        st.subheader(f"Intake progress · {escape_md(client.alias)}")
        side_panel(client.id, record, state)


client = active_client(service.owner)
if client is None:
    pick_client_view()
else:
    intake_view(client)
