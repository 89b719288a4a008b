"""Plan page: draft a treatment plan from the intake, edit every section, check it, version it, sign it, download it."""

from datetime import date
from functools import partial

import streamlit as st

from exports import FORMATS, filename, render
from records.plan import Diagnosis, SafetyPlan, Signature, TreatmentPlan
from records.plans import (
    PlanService,
    add_goal,
    add_intervention,
    add_objective,
    move,
    remove_goal,
)
from records.store import StoreError
from ui import (
    AUTODRAFT,
    active_client,
    choose_client,
    escape_md,
    intake_service,
    library_index,
    plan_drafter,
    plan_service,
    show_text,
)

STATUSES = ["not started", "in progress", "met", "revised", "discontinued"]
FORMATS_OF_DELIVERY = ["", "in person", "telehealth", "hybrid"]
SAFETY_STEPS = {
    "warning_signs": "1. Warning signs",
    "internal_coping": "2. Internal coping strategies",
    "social_distraction": "3. People and places for distraction",
    "people_to_ask_for_help": "4. People to ask for help",
    "professionals_and_agencies": "5. Professionals and agencies (988 in the US)",
    "means_safety": "6. Making the environment safe",
}
NOTICE = "plan_notice"
WIDGETS_FOR = "plan_widgets_for"

service: PlanService = plan_service()
intakes = intake_service()
_, library = library_index()
taxonomy = library.taxonomy
area_ids = [t.id for t in taxonomy.problem_areas]
modality_ids = ["", *(t.id for t in taxonomy.modalities)]
category_ids = [c.id for c in taxonomy.categories]


def lines(text: str) -> list[str]:
    """Non-empty lines of a text area, trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def reset_widgets(client_id: str, version: int | None) -> None:
    """Editing widgets keep their typed values between reruns; a different client or version starts fresh."""
    current = (client_id, version)
    if st.session_state.get(WIDGETS_FOR) != current:
        for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("plan_") and k != NOTICE]:
            if key not in (WIDGETS_FOR, AUTODRAFT):
                del st.session_state[key]
        st.session_state[WIDGETS_FOR] = current


def reordered(items: list[tuple[int, int, object]]) -> list:
    """Items by the order the clinician typed; an item moved to a taken place goes before the one already there."""
    return [item for order, position, item in sorted(items, key=lambda t: (t[0], t[0] == t[1], t[1]))]


def save(client_id: str, plan: TreatmentPlan, summary: str) -> None:
    """Save an edit as the next version and rerun, or say why it could not be saved (nothing typed is lost)."""
    try:
        saved = service.save(client_id, plan, summary)
    except StoreError as error:
        st.error(escape_md(str(error)), icon=":material/error:")
        return
    if saved.version == plan.version:
        st.toast("Nothing changed.")
        return
    st.session_state[NOTICE] = ("success", f"Saved as version {saved.version}: {summary}.")
    st.rerun()


def draft(client, record) -> None:
    """Compose a plan from the intake (model if configured, else offline) and store it as the next version."""
    with st.status("Drafting the plan from the intake…", expanded=True) as status:
        st.write("Retrieving goals, objectives and interventions for each problem area…")
        result = plan_drafter()(record)
        st.write("Checking the draft against documentation standards…")
        saved = service.save_draft(client.id, result.plan, f"Drafted ({result.plan.composer})")
        status.update(label=f"Draft ready (version {saved.version})", state="complete")
    kind = "warning" if result.fell_back else "success"
    message = result.notice or f"Drafted version {saved.version}. Review every section."
    if result.corrections:
        message += " Checks removed or replaced parts of the model's draft: " + " ".join(result.corrections)
    st.session_state[NOTICE] = (kind, message)
    st.rerun()


# -- views ------------------------------------------------------------------------------------------


def pick_client_view() -> None:
    st.title("Treatment plan")
    clients = service.store.clients(service.owner)
    if not clients:
        st.info("No clients yet. Start with an intake; the plan is drafted from it.", icon=":material/info:")
        st.page_link("pages/intake.py", label="Go to Intake", icon=":material/forum:")
        return
    st.write("Choose a client:")
    for client in clients[:30]:
        if st.button(escape_md(client.alias), key=f"plan_pick_{client.id}", icon=":material/person:"):
            choose_client(client.id, service.owner)
            st.rerun()


def lint_panel(plan: TreatmentPlan) -> None:
    """The plan check: errors block signing, warnings are for the clinician's judgement."""
    errors = [f for f in plan.flags if f.severity == "error"]
    warnings = [f for f in plan.flags if f.severity == "warning"]
    st.subheader("Plan check")
    if not plan.flags:
        st.success("Meets every documentation check.", icon=":material/task_alt:")
    if errors:
        st.error(f"{len(errors)} to fix before signing:", icon=":material/error:")
        show_text("\n".join(f"• {f.message}" for f in errors))
    if warnings:
        st.warning(f"{len(warnings)} to consider:", icon=":material/warning:")
        show_text("\n".join(f"• {f.message}" for f in warnings))


def overview_form(client_id: str, plan: TreatmentPlan, locked: bool) -> None:
    with st.form("plan_overview_form", border=False):
        presenting = st.text_area(
            "Presenting problem", plan.presenting_problem, height=120, key="plan_presenting", disabled=locked
        )
        formulation = st.text_area(
            "Formulation",
            plan.formulation,
            height=320,
            key="plan_formulation",
            disabled=locked,
            help="Drafted from the intake only; '[to complete]' marks what the intake did not say.",
        )
        diagnoses = st.text_area(
            "Diagnoses (one per line: label | ICD-10 code)",
            "\n".join(f"{d.label} | {d.icd10}" if d.icd10 else d.label for d in plan.diagnoses),
            key="plan_diagnoses",
            disabled=locked,
            help="Recorded by the clinician; never generated.",
        )
        submitted = st.form_submit_button(
            "Save overview", icon=":material/save:", disabled=locked, key="plan_overview_save"
        )
    if submitted:
        parsed = []
        for line in lines(diagnoses):
            label, _, code = line.partition("|")
            parsed.append(Diagnosis(label=label.strip() or line, icd10=code.strip() or None))
        edited = plan.model_copy(
            update={"presenting_problem": presenting.strip(), "formulation": formulation.strip(), "diagnoses": parsed}
        )
        save(client_id, edited, "Edited overview")


def goal_editor(client_id: str, plan: TreatmentPlan, index: int, locked: bool) -> None:
    goal = plan.goals[index]
    gid = goal.id
    with st.form(f"plan_goal_form_{gid}", border=False):
        description = st.text_area("Goal", goal.description, key=f"plan_goal_desc_{gid}", disabled=locked)
        words = st.text_input(
            "In the client's words", goal.client_words or "", key=f"plan_goal_words_{gid}", disabled=locked
        )
        area = st.selectbox(
            "Problem area",
            area_ids,
            index=area_ids.index(goal.problem_area) if goal.problem_area in area_ids else 0,
            format_func=taxonomy.area_label,
            key=f"plan_goal_area_{gid}",
            disabled=locked,
        )
        if goal.sources:
            st.caption("Sources: " + escape_md(", ".join(goal.sources)))
        objectives = []
        for position, objective in enumerate(goal.objectives, start=1):
            oid = objective.id
            st.markdown(f"**Objective {escape_md(oid)}**")
            text = st.text_area("Objective", objective.description, key=f"plan_obj_desc_{oid}", disabled=locked)
            cols = st.columns([2, 1, 1, 2, 2, 1, 1], vertical_alignment="bottom")
            measure = cols[0].text_input(
                "Measure", objective.measure or "", key=f"plan_obj_measure_{oid}", disabled=locked
            )
            baseline = cols[1].text_input(
                "Baseline", objective.baseline or "", key=f"plan_obj_baseline_{oid}", disabled=locked
            )
            target = cols[2].text_input("Target", objective.target or "", key=f"plan_obj_target_{oid}", disabled=locked)
            due = cols[3].date_input("Target date", objective.target_date, key=f"plan_obj_date_{oid}", disabled=locked)
            status = cols[4].selectbox(
                "Status",
                STATUSES,
                index=STATUSES.index(objective.status),
                key=f"plan_obj_status_{oid}",
                disabled=locked,
            )
            order = cols[5].number_input(
                "Order", min_value=1, max_value=99, value=position, key=f"plan_obj_order_{oid}", disabled=locked
            )
            remove = cols[6].checkbox("Remove", key=f"plan_obj_remove_{oid}", disabled=locked)
            if objective.sources:
                st.caption("Sources: " + escape_md(", ".join(objective.sources)))
            if not remove:
                updated = objective.model_copy(
                    update={
                        "description": text.strip(),
                        "measure": measure.strip() or None,
                        "baseline": baseline.strip() or None,
                        "target": target.strip() or None,
                        "target_date": due if isinstance(due, date) else None,
                        "status": status,
                    }
                )
                objectives.append((order, position, updated))
        submitted = st.form_submit_button(
            f"Save goal {gid}", icon=":material/save:", disabled=locked, key=f"plan_goal_save_{gid}"
        )
    if submitted:
        kept = reordered(objectives)
        gone = {o.id for o in goal.objectives} - {o.id for o in kept}
        updated_goal = goal.model_copy(
            update={
                "description": description.strip(),
                "client_words": words.strip() or None,
                "problem_area": area,
                "objectives": kept,
            }
        )
        goals = [updated_goal if g.id == gid else g for g in plan.goals]
        interventions = [
            i.model_copy(update={"objective_ids": [o for o in i.objective_ids if o not in gone]})
            for i in plan.interventions
        ]
        save(client_id, plan.model_copy(update={"goals": goals, "interventions": interventions}), f"Edited goal {gid}")
    if locked:
        return
    buttons = st.columns(4)
    if buttons[0].button("Add objective", key=f"plan_goal_addobj_{gid}", icon=":material/add:"):
        save(client_id, add_objective(plan, gid), f"Added an objective to {gid}")
    if buttons[1].button("Move up", key=f"plan_goal_up_{gid}", icon=":material/arrow_upward:", disabled=index == 0):
        save(client_id, plan.model_copy(update={"goals": move(plan.goals, index, -1)}), f"Moved {gid} up")
    if buttons[2].button(
        "Move down",
        key=f"plan_goal_down_{gid}",
        icon=":material/arrow_downward:",
        disabled=index == len(plan.goals) - 1,
    ):
        save(client_id, plan.model_copy(update={"goals": move(plan.goals, index, 1)}), f"Moved {gid} down")
    if buttons[3].button("Remove goal", key=f"plan_goal_remove_{gid}", icon=":material/delete:"):
        save(client_id, remove_goal(plan, gid), f"Removed goal {gid}")


def goals_tab(client_id: str, plan: TreatmentPlan, locked: bool) -> None:
    if not plan.goals:
        st.info("No goals yet. Add one below, or redraft from the intake.", icon=":material/info:")
    for index, goal in enumerate(plan.goals):
        label = f"{goal.id} · {taxonomy.area_label(goal.problem_area)} · {goal.description[:80]}"
        with st.expander(escape_md(label), expanded=index == 0):
            goal_editor(client_id, plan, index, locked)
    if locked:
        return
    with st.form("plan_add_goal_form", border=True):
        st.markdown("**Add a goal**")
        area = st.selectbox("Problem area", area_ids, format_func=taxonomy.area_label, key="plan_new_goal_area")
        text = st.text_input("Goal", key="plan_new_goal_text")
        if st.form_submit_button("Add goal", icon=":material/add:", key="plan_new_goal_save"):
            save(client_id, add_goal(plan, area, text.strip()), "Added a goal")


def interventions_tab(client_id: str, plan: TreatmentPlan, locked: bool) -> None:
    objective_ids = [o.id for o in plan.objectives()]
    if not plan.interventions:
        st.info("No interventions yet.", icon=":material/info:")
    with st.form("plan_interventions_form", border=False):
        edited = []
        for position, item in enumerate(plan.interventions, start=1):
            iid = item.id
            st.markdown(f"**Intervention {escape_md(iid)}**")
            text = st.text_area("Intervention", item.description, key=f"plan_int_desc_{iid}", disabled=locked)
            cols = st.columns([2, 2, 2, 3, 1, 1], vertical_alignment="bottom")
            modality = cols[0].selectbox(
                "Modality",
                modality_ids,
                index=modality_ids.index(item.modality) if item.modality in modality_ids else 0,
                format_func=lambda m: taxonomy.modality_label(m) if m else "any",
                key=f"plan_int_modality_{iid}",
                disabled=locked,
            )
            category = cols[1].selectbox(
                "Category",
                category_ids,
                index=category_ids.index(item.category) if item.category in category_ids else 0,
                key=f"plan_int_category_{iid}",
                disabled=locked,
            )
            frequency = cols[2].text_input(
                "Frequency", item.frequency or "", key=f"plan_int_freq_{iid}", disabled=locked
            )
            serves = cols[3].multiselect(
                "Serves objectives",
                objective_ids,
                default=[o for o in item.objective_ids if o in objective_ids],
                key=f"plan_int_objs_{iid}",
                disabled=locked,
            )
            order = cols[4].number_input(
                "Order", min_value=1, max_value=99, value=position, key=f"plan_int_order_{iid}", disabled=locked
            )
            remove = cols[5].checkbox("Remove", key=f"plan_int_remove_{iid}", disabled=locked)
            if item.sources:
                st.caption("Sources: " + escape_md(", ".join(item.sources)))
            if not remove:
                updated = item.model_copy(
                    update={
                        "description": text.strip(),
                        "modality": modality or None,
                        "category": category,
                        "frequency": frequency.strip() or None,
                        "objective_ids": serves,
                    }
                )
                edited.append((order, position, updated))
        submitted = st.form_submit_button(
            "Save interventions", icon=":material/save:", disabled=locked, key="plan_interventions_save"
        )
    if submitted:
        kept = reordered(edited)
        save(client_id, plan.model_copy(update={"interventions": kept}), "Edited interventions")
    if not locked and st.button("Add intervention", key="plan_add_intervention", icon=":material/add:"):
        save(client_id, add_intervention(plan, frequency="weekly in session"), "Added an intervention")


def care_tab(client_id: str, plan: TreatmentPlan, locked: bool) -> None:
    """Sessions, safety plan, progress monitoring and discharge criteria."""
    with st.form("plan_care_form", border=False):
        st.markdown("**Sessions**")
        cols = st.columns(3)
        session = plan.session_plan
        frequency = cols[0].text_input(
            "Frequency", session.frequency or "", key="plan_session_frequency", disabled=locked
        )
        minutes = cols[1].number_input(
            "Minutes",
            min_value=5,
            max_value=480,
            value=session.duration_minutes,
            key="plan_session_minutes",
            disabled=locked,
        )
        delivery = cols[2].selectbox(
            "Format",
            FORMATS_OF_DELIVERY,
            index=FORMATS_OF_DELIVERY.index(session.format) if session.format in FORMATS_OF_DELIVERY else 0,
            key="plan_session_format",
            disabled=locked,
        )
        st.markdown("**Safety plan** (Stanley–Brown; one item per line)")
        if plan.risk_reported:
            st.caption("Risk was reported in the intake, so the plan needs a safety plan. Complete it with the client.")
        keep_safety = st.checkbox(
            "Include a safety plan",
            value=plan.safety_plan is not None or plan.risk_reported,
            key="plan_safety_include",
            disabled=locked,
            help="No safety plan is drafted unless the intake reported risk; tick to add one anyway.",
        )
        steps = {}
        if plan.safety_plan is not None:
            current = plan.safety_plan.model_dump()
            steps = {
                step: st.text_area(
                    label, "\n".join(current[step]), key=f"plan_safety_{step}", disabled=locked, height=90
                )
                for step, label in SAFETY_STEPS.items()
            }
        st.markdown("**Progress monitoring**")
        cols = st.columns(3)
        monitoring = plan.progress_monitoring
        measures = cols[0].text_input(
            "Measures (comma-separated)", ", ".join(monitoring.measures), key="plan_monitor_measures", disabled=locked
        )
        interval = cols[1].number_input(
            "Review every (days)",
            min_value=1,
            max_value=730,
            value=monitoring.review_interval_days,
            key="plan_monitor_interval",
            disabled=locked,
        )
        next_review = cols[2].date_input(
            "Next review", monitoring.next_review_date, key="plan_monitor_next", disabled=locked
        )
        discharge = st.text_area(
            "Discharge criteria (one per line)",
            "\n".join(plan.discharge_criteria),
            key="plan_discharge",
            disabled=locked,
        )
        submitted = st.form_submit_button(
            "Save care details", icon=":material/save:", disabled=locked, key="plan_care_save"
        )
    if submitted:
        edited = plan.model_copy(
            update={
                "session_plan": session.model_copy(
                    update={
                        "frequency": frequency.strip() or None,
                        "duration_minutes": minutes,
                        "format": delivery or None,
                    }
                ),
                "safety_plan": SafetyPlan(**{s: lines(t) for s, t in steps.items()}) if keep_safety else None,
                "progress_monitoring": monitoring.model_copy(
                    update={
                        "measures": [m.strip() for m in measures.split(",") if m.strip()],
                        "review_interval_days": interval,
                        "next_review_date": next_review if isinstance(next_review, date) else None,
                    }
                ),
                "discharge_criteria": lines(discharge),
            }
        )
        save(client_id, edited, "Edited care details")


def history_tab(client_id: str, plan: TreatmentPlan) -> None:
    versions = service.history(client_id)
    st.caption("Every save is kept. Final versions are signed and read-only.")
    st.dataframe(
        [
            {"Version": v.version, "Status": v.status, "Change": v.summary, "Saved (UTC)": v.created_at[:19]}
            for v in versions
        ],
        hide_index=True,
        width="stretch",
    )
    if len(versions) < 2:
        return
    numbers = [v.version for v in versions]
    cols = st.columns(2)
    older = cols[0].selectbox("Compare version", numbers, index=1, key="plan_diff_older")
    newer = cols[1].selectbox("with version", numbers, index=0, key="plan_diff_newer")
    if older == newer:
        st.info("Pick two different versions.")
        return
    diff = service.diff(client_id, min(older, newer), max(older, newer))
    if diff:
        st.code("\n".join(diff), language="diff", wrap_lines=True)
    else:
        st.info("These versions have the same content.")


def export_file(client_id: str, plan: TreatmentPlan, key: str) -> bytes:
    """Make the file when the button is clicked (on Streamlit's download thread) and log the export."""
    data = render(plan, taxonomy, key)
    service.export(client_id, plan, key)
    return data


def finalize_tab(client, plan: TreatmentPlan, locked: bool) -> None:
    if locked:
        sig = plan.signature
        st.success(
            f"Final version {plan.version}, signed by {escape_md(sig.clinician_name)}, {escape_md(sig.credentials)} "
            f"on {sig.signed_on.isoformat()}.",
            icon=":material/verified:",
        )
    else:
        errors = [f for f in plan.flags if f.severity == "error"]
        if errors:
            st.warning("Fix the plan check's errors (side panel) before signing.", icon=":material/warning:")
        with st.form("plan_finalize_form", border=True):
            st.markdown("**Finalize and sign**")
            cols = st.columns(3)
            name = cols[0].text_input("Clinician name", key="plan_sign_name", max_chars=120)
            credentials = cols[1].text_input("Credentials", key="plan_sign_credentials", max_chars=60)
            signed_on = cols[2].date_input("Date", date.today(), key="plan_sign_date")
            attest = st.checkbox(
                "The client took part in developing this plan and agrees with its goals.", key="plan_sign_attest"
            )
            submitted = st.form_submit_button(
                "Finalize plan", type="primary", icon=":material/verified:", key="plan_sign_submit"
            )
        if submitted:
            try:
                signature = Signature(
                    clinician_name=name.strip(),
                    credentials=credentials.strip(),
                    signed_on=signed_on,
                    client_participated=attest,
                )
                final = service.finalize(client.id, plan, signature)
            except StoreError as error:
                st.error(escape_md(str(error)), icon=":material/error:")
            else:
                st.session_state[NOTICE] = ("success", f"Finalized as version {final.version}.")
                st.rerun()
    st.markdown("**Download**")
    note = "final" if locked else "draft — marked for clinician review"
    st.caption(f"Version {plan.version} ({note}). Files are made on your machine; nothing is uploaded.")
    cols = st.columns(len(FORMATS))
    for col, (key, fmt) in zip(cols, FORMATS.items(), strict=True):
        col.download_button(
            fmt.label,
            data=partial(export_file, client.id, plan, key),
            file_name=filename(plan, key),
            mime=fmt.mime,
            key=f"plan_download_{key}",
            on_click="ignore",
            icon=":material/download:",
        )


def plan_view(client) -> None:
    top = st.columns([4, 1, 1], vertical_alignment="bottom")
    top[0].title(f"Treatment plan · {escape_md(client.alias)}")
    if top[1].button("Switch client", key="plan_switch", icon=":material/swap_horiz:"):
        choose_client(None)
        st.rerun()
    top[2].page_link("pages/intake.py", label="Intake", icon=":material/forum:", query_params={"client": client.id})
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        getattr(st, notice[0])(escape_md(notice[1]))

    record = intakes.record(client.id)
    plan = service.load(client.id)
    reset_widgets(client.id, plan.version if plan else None)
    if record is None:
        st.info(
            f"{escape_md(client.alias)} has no intake yet. The plan is drafted from the intake.", icon=":material/info:"
        )
        st.page_link(
            "pages/intake.py", label="Start the intake", icon=":material/forum:", query_params={"client": client.id}
        )
        return
    autodraft = st.session_state.pop(AUTODRAFT, None) == client.id
    if plan is None:
        st.write(
            "No plan yet. Drafting picks goals, objectives and interventions from the library for this intake's "
            "problem areas and orientation, and fills in what the intake says. You then review and edit every part."
        )
        if autodraft or st.button("Draft plan", key="plan_draft", type="primary", icon=":material/edit_note:"):
            draft(client, record)
        return

    locked = plan.status == "final"
    status = "FINAL (read-only)" if locked else "DRAFT — for clinician review"
    st.caption(f"Version {plan.version} · {status} · composed by {escape_md(plan.composer)}")
    if not locked:
        st.caption(escape_md(plan.review_notice))
    with st.sidebar:
        lint_panel(plan)
        if locked:
            st.info("This version is signed and read-only.", icon=":material/lock:")
            if st.button("Revise (start a new version)", key="plan_revise", icon=":material/edit:"):
                try:
                    service.revise(client.id, plan.version)
                except StoreError as error:
                    st.error(escape_md(str(error)))
                else:
                    st.rerun()
        with st.popover("Redraft from intake", icon=":material/refresh:"):
            st.write("Compose a fresh draft from the current intake. Earlier versions stay in the history.")
            if st.button("Redraft", key="plan_redraft_confirm", type="primary"):
                draft(client, record)

    overview, goals, interventions, care, history, finish = st.tabs(
        ["Overview", "Goals & objectives", "Interventions", "Safety & monitoring", "History", "Finalize & download"]
    )
    with overview:
        overview_form(client.id, plan, locked)
    with goals:
        goals_tab(client.id, plan, locked)
    with interventions:
        interventions_tab(client.id, plan, locked)
    with care:
        care_tab(client.id, plan, locked)
    with history:
        history_tab(client.id, plan)
    with finish:
        finalize_tab(client, plan, locked)


client = active_client(service.owner)
if client is None:
    pick_client_view()
else:
    plan_view(client)
