"""Intake page: a guided chat that builds the structured intake record, with a live, correctable summary."""

import hashlib
import json
from datetime import date
from typing import Any

import streamlit as st

from services.intake import (
    FINDING_KINDS,
    MAX_ANSWER_CHARS,
    PLAN_ELEMENTS,
    SECTION_ORDER,
    SECTIONS,
    SESSION_FORMATS,
    SESSION_FREQUENCIES,
    IntakeRecord,
    RiskKind,
    RiskStatus,
    StoreError,
    SuicidalIdeation,
    progress,
)
from ui.render import edited_rows, escape_md, number_range, options_with, plural, show_text
from ui.resources import curated_library, intake_service, llm_gap_filler, settings
from ui.state import AUTODRAFT, active_client, choose_client

TRISTATE = {"not assessed": None, "yes": True, "no": False}
IDEATION = {"not assessed": None, **{s.value: s.value for s in SuicidalIdeation}}
RISK_FLAGS = (
    ("suicide_plan", "Suicide plan"),
    ("intent", "Intent"),
    ("means_access", "Access to means"),
    ("self_harm", "Self-harm"),
    ("homicidal_ideation", "Homicidal ideation"),
)
#: Kinds of risk recorded as findings (status, features, evidence) rather than the detailed suicide fields.
FINDINGS = tuple((kind.value, kind.label.capitalize()) for kind in FINDING_KINDS)
STATUSES = [s.value for s in RiskStatus]
SESSION_FIELDS = ("frequency", "duration_minutes", "start_date", "sessions", "review_interval_days", "format")
FIX = "intake_fix"
NOTICE = "intake_notice"

service = intake_service()
taxonomy = curated_library().taxonomy


def pick_client_view() -> None:
    """No client yet: greet, list clients in progress, and take an alias from the chat box."""
    st.title("Intake")
    clients = service.clients()
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


def shown_values(record: IntakeRecord) -> dict[str, Any]:
    """The correctable fields as the form shows them, in the record's JSON terms (field path → value)."""
    data = record.model_dump(mode="json")
    return {
        "client.age": data["client"]["age"],
        "client.pronouns": data["client"]["pronouns"],
        "problem_areas": data["problem_areas"],
        "orientation": data["orientation"],
        "orientation_deferred": data["orientation_deferred"],
        "risk.suicidal_ideation": data["risk"]["suicidal_ideation"],
        **{f"risk.{name}": data["risk"][name] for name, _ in RISK_FLAGS},
        **{f"risk.{name}.status": data["risk"][name]["status"] for name, _ in FINDINGS},
        "risk.not_assessed_reason": data["risk"]["not_assessed_reason"],
        **{f"session.{name}": data["session"][name] for name in SESSION_FIELDS},
        "measures": [{"name": m["name"], "score": m["score"], "person": m["person"]} for m in data["measures"]],
    }


def _fix_key(revision: str, name: str) -> str:
    return f"{FIX}_{revision}_{name}"


def form_values(revision: str, shown: dict[str, Any]) -> dict[str, Any]:
    """What the form's widgets hold now, in the same terms as `shown_values` (read inside the submit callback)."""
    state = st.session_state

    def value(name: str) -> Any:
        return state[_fix_key(revision, name)]

    start = value("start_date")
    measures = []
    for row in edited_rows(shown["measures"], state.get(_fix_key(revision, "measures"))):
        name = str(row.get("name") or "").strip()
        if name and row.get("score") is not None:
            score = float(row["score"])
            person = str(row.get("person") or "").strip() or None
            measures.append({"name": name, "score": int(score) if score.is_integer() else score, "person": person})
    values = {
        "client.age": None if value("age") is None else int(value("age")),
        "client.pronouns": value("pronouns").strip() or None,
        "problem_areas": list(value("problem_areas")),
        "orientation": list(value("orientation")),
        "orientation_deferred": list(value("orientation_deferred")),
        "risk.suicidal_ideation": IDEATION[value("suicidal_ideation")],
        **{f"risk.{name}": TRISTATE[value(name)] for name, _ in RISK_FLAGS},
        **{f"risk.{name}.status": value(name) for name, _ in FINDINGS},
        "risk.not_assessed_reason": value("not_assessed_reason").strip() or None,
        "session.frequency": value("frequency") or None,
        "session.duration_minutes": None if value("duration_minutes") is None else int(value("duration_minutes")),
        "session.start_date": start.isoformat() if isinstance(start, date) else None,
        "session.sessions": None if value("sessions") is None else int(value("sessions")),
        "session.review_interval_days": None if value("review") is None else int(value("review")),
        "session.format": value("format") or None,
        "measures": measures,
    }
    return values


def save_corrections(client_id: str, revision: str, shown: dict[str, Any]) -> None:
    """Submit callback: save as corrections only the fields the clinician changed from what the form showed.

    Comparing with what was shown (not with the record now) means an untouched field is never written back,
    even if the record moved on in the meantime (another tab, the model): nothing recorded is overwritten.
    """
    changed = {path: value for path, value in form_values(revision, shown).items() if value != shown[path]}
    if not changed:
        st.session_state[NOTICE] = ("info", "Nothing changed, so nothing was saved.")
        return
    try:
        service.correct(client_id, changed)
    except StoreError as error:
        st.session_state[NOTICE] = ("error", str(error))
        return
    fields = plural(len(changed), "correction")
    st.session_state[NOTICE] = ("success", f"Saved {fields}: {', '.join(FIELD_LABELS[p] for p in changed)}.")


FIELD_LABELS = {
    "client.age": "age",
    "client.pronouns": "pronouns",
    "problem_areas": "problem areas",
    "orientation": "orientation",
    "orientation_deferred": "approaches for later",
    "risk.suicidal_ideation": "suicidal ideation",
    **{f"risk.{name}": label.lower() for name, label in RISK_FLAGS},
    **{f"risk.{name}.status": label.lower() for name, label in FINDINGS},
    "risk.not_assessed_reason": "why risk was not assessed",
    "session.frequency": "frequency",
    "session.duration_minutes": "minutes per session",
    "session.start_date": "start date",
    "session.sessions": "number of sessions",
    "session.review_interval_days": "review interval",
    "session.format": "format",
    "measures": "measures",
}


def corrections_form(client_id: str, record: IntakeRecord) -> None:
    """Every extracted field, showing the record as it is now; changed fields are saved as corrections.

    The widgets are keyed by the record's content, so after every chat turn (or a save elsewhere) the form is
    drawn afresh from the current record instead of keeping values typed into an older one.
    """
    shown = shown_values(record)
    revision = hashlib.sha1(json.dumps(shown, sort_keys=True).encode()).hexdigest()[:10]

    def key(name: str) -> str:
        return _fix_key(revision, name)

    risk, session = record.risk, record.session
    frequencies = options_with(SESSION_FREQUENCIES, session.frequency)
    formats = options_with(SESSION_FORMATS, session.format)
    with st.form(f"{FIX}_form_{client_id}", border=False):
        st.number_input("Age", **number_range(IntakeRecord, "client.age"), value=record.client.age, key=key("age"))
        st.text_input("Pronouns", value=record.client.pronouns or "", max_chars=40, key=key("pronouns"))
        st.multiselect(
            "Problem areas",
            [t.id for t in taxonomy.problem_areas],
            default=record.problem_areas,
            format_func=taxonomy.area_label,
            key=key("problem_areas"),
        )
        st.multiselect(
            "Orientation",
            [t.id for t in taxonomy.modalities],
            default=record.orientation,
            format_func=taxonomy.modality_label,
            key=key("orientation"),
        )
        st.multiselect(
            "Approaches for later (deferred or ruled out for now)",
            [t.id for t in taxonomy.modalities],
            default=record.orientation_deferred,
            format_func=taxonomy.modality_label,
            key=key("orientation_deferred"),
        )
        if record.participants:
            people = "; ".join(
                ", ".join(str(x) for x in (p.name, p.role, p.age, p.pronouns) if x) for p in record.participants
            )
            st.caption(f"In the room: {escape_md(people)}")
        st.markdown("**Risk**")
        ideation_now = risk.suicidal_ideation.value if risk.suicidal_ideation else None
        st.selectbox(
            "Suicidal ideation",
            list(IDEATION),
            index=list(IDEATION.values()).index(ideation_now),
            key=key("suicidal_ideation"),
        )
        for name, label in RISK_FLAGS:
            current = getattr(risk, name)
            st.selectbox(label, list(TRISTATE), index=list(TRISTATE.values()).index(current), key=key(name))
        for name, label in FINDINGS:
            st.selectbox(label, STATUSES, index=STATUSES.index(shown[f"risk.{name}.status"]), key=key(name))
        st.text_input(
            "Why risk was not assessed (if it was not)",
            value=risk.not_assessed_reason or "",
            max_chars=300,
            key=key("not_assessed_reason"),
            help="A plan cannot be signed while risk is unassessed unless the reason is recorded.",
        )
        st.markdown("**Sessions**")
        st.selectbox(
            "Frequency",
            frequencies,
            index=frequencies.index(session.frequency or ""),
            format_func=lambda f: f or "not set",
            key=key("frequency"),
        )
        st.number_input(
            "Minutes per session",
            **number_range(IntakeRecord, "session.duration_minutes"),
            value=session.duration_minutes,
            key=key("duration_minutes"),
        )
        st.date_input("Start date", value=session.start_date, key=key("start_date"))
        st.number_input(
            "Number of sessions",
            **number_range(IntakeRecord, "session.sessions"),
            value=session.sessions,
            key=key("sessions"),
        )
        st.number_input(
            "Review every (days)",
            **number_range(IntakeRecord, "session.review_interval_days"),
            value=session.review_interval_days,
            key=key("review"),
        )
        st.selectbox(
            "Format",
            formats,
            index=formats.index(session.format or ""),
            format_func=lambda f: f or "not set",
            key=key("format"),
        )
        st.markdown("**Measures**")
        st.data_editor(
            shown["measures"],
            num_rows="dynamic",
            column_config={
                "name": st.column_config.TextColumn("Measure", required=True, max_chars=20),
                "score": st.column_config.NumberColumn("Score", required=True, min_value=0, max_value=200),
                "person": st.column_config.TextColumn("Whose (couples, families)", max_chars=40),
            },
            key=key("measures"),
            width="stretch",
        )
        st.form_submit_button(
            "Save corrections",
            icon=":material/save:",
            key=key("save"),
            on_click=save_corrections,
            args=(client_id, revision, shown),
        )


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
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        getattr(st, notice[0])(escape_md(notice[1]))
    risk_summary(record)
    with st.expander("Structured record — review and correct", expanded=False, icon=":material/fact_check:"):
        corrections_form(client_id, record)
    if settings().llm_provider != "none":
        model_gap_filling(client_id)


def risk_summary(record: IntakeRecord) -> None:
    """Each kind of risk in words: its status, what was reported, the intake's own words, and what the plan will
    need; unassessed kinds say so."""
    risk = record.risk
    with st.expander("Risk by kind", expanded=risk.flagged, icon=":material/health_and_safety:"):
        for kind in RiskKind:
            finding = risk.finding(kind)
            status = finding.status.value
            detail = status + (" — " + ", ".join(finding.features) if finding.features else "")
            st.markdown(f"**{escape_md(kind.label.capitalize())}**: {escape_md(detail)}")
            for span in finding.evidence[:3]:
                st.caption(f"“{escape_md(span)}”")
            if finding.status is RiskStatus.REPORTED:
                needs = PLAN_ELEMENTS[kind]
                st.caption(f"Plan needs: {escape_md(needs.element)} ({escape_md(needs.source)})")
        if risk.safeguarding:
            st.warning("A child or vulnerable adult is at risk: a safeguarding duty applies.", icon=":material/shield:")
        if risk.history:
            st.caption("Past events stated: " + escape_md(", ".join(h.replace("_", " ") for h in risk.history)))
        if not risk.assessed:
            reason = risk.not_assessed_reason
            st.info(
                f"Risk not assessed. Reason recorded: {escape_md(reason)}"
                if reason
                else "Risk not assessed, and no reason recorded: the plan cannot be signed until one is.",
                icon=":material/info:",
            )


def model_gap_filling(client_id: str) -> None:
    """With a model configured: a button that asks it to fill what the rules left empty."""
    # Imported here: LangChain costs half a second, which a page without a model should not pay.
    from services.intake import LLMConfigError, LLMExtractionFailed

    try:
        filler = llm_gap_filler()
    except LLMConfigError as error:
        st.warning(f"The language model is not usable: {error}", icon=":material/warning:")
        return
    if st.button("Fill gaps with the language model", key="intake_llm_fill", icon=":material/auto_fix:"):
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
            service.delete_client(client.id)
            choose_client(None)
            st.rerun()

    message = st.chat_input(
        "Type your answer, or 'help' for commands", max_chars=MAX_ANSWER_CHARS, key="intake_chat_input"
    )
    if message is not None:
        with st.spinner("Reading the answer…"):
            reply = service.send(client.id, message)
        if reply.action == "draft":
            st.session_state[AUTODRAFT] = client.id
            st.switch_page("pages/plan.py", query_params={"client": client.id})
    turns = service.begin(client.id)
    record = service.record(client.id)
    state = service.state(client.id)
    if record.risk.flagged:
        kinds = ", ".join(kind.label for kind in record.risk.reported_kinds)
        st.error(
            f"Risk reported for this client ({kinds}) — the treatment plan must respond to it; see Risk by kind.",
            icon=":material/warning:",
        )
    st.caption(f"Messages up to {MAX_ANSWER_CHARS:,} characters. Everything you type is saved as you go.")
    for turn in turns:
        with st.chat_message(turn.role):
            show_text(turn.text)
    # The sidebar stays in view however long the conversation gets.
    with st.sidebar:
        if record.risk.flagged:
            st.error("Risk reported: the plan must respond to it.", icon=":material/warning:")
        st.subheader(f"Intake progress · {escape_md(client.alias)}")
        side_panel(client.id, record, state)


client = active_client(service.owner)
if client is None:
    pick_client_view()
else:
    intake_view(client)
