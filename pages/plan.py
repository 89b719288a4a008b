"""Plan page: draft a treatment plan from the intake, edit every section, check it, preview it, version it, sign it,
download it."""

import re
from datetime import date
from functools import partial

import streamlit as st

from services.plans import (
    FORMATS,
    OBJECTIVE_STATUSES,
    SAFETY_PLAN_STEPS,
    SESSION_FORMATS,
    SESSION_FREQUENCIES,
    Change,
    Diagnosis,
    Flag,
    PlanService,
    PlanUnfinished,
    Referral,
    SafetyPlan,
    Signature,
    StoreError,
    TreatmentPlan,
    add_goal,
    add_intervention,
    add_objective,
    filename,
    move,
    plan_document,
    remove_goal,
    safety_step_title,
)
from ui.render import escape_md, number_range, options_with, plural, short, show_document
from ui.resources import curated_library, export_context, intake_service, plan_drafter, plan_service
from ui.state import AUTODRAFT, PLAN_PIN, active_client, choose_client, note_plan_saved, pinned_plan_version

OVERVIEW, GOALS, INTERVENTIONS, CARE, PREVIEW, HISTORY, FINISH = SECTIONS = (
    "Overview",
    "Goals & objectives",
    "Interventions",
    "Sessions & safety",
    "Preview",
    "History",
    "Finalize & download",
)
#: Session keys of this page that outlive a version change (the rest are editing widgets, reset per version).
SECTION = "plan_section"
FOCUS = "plan_focus"
NOTICE = "plan_notice"
WIDGETS_FOR = "plan_widgets_for"
GOAL_OPEN = "plan_goal_open_"
KEPT = {SECTION, FOCUS, NOTICE, WIDGETS_FOR, AUTODRAFT, PLAN_PIN}

service: PlanService = plan_service()
intakes = intake_service()
library = curated_library()
taxonomy = library.taxonomy
area_ids = [t.id for t in taxonomy.problem_areas]
modality_ids = ["", *(t.id for t in taxonomy.modalities)]
category_ids = [c.id for c in taxonomy.categories]


def lines(text: str) -> list[str]:
    """Non-empty lines of a text area, trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def reset_widgets(client_id: str, version: int | None) -> None:
    """Editing widgets keep their typed values between reruns; a different client or version starts fresh, so no
    widget ever shows (or saves back) another version's values."""
    current = (client_id, version)
    if st.session_state.get(WIDGETS_FOR) != current:
        for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("plan_")]:
            if key not in KEPT and not key.startswith(GOAL_OPEN):
                del st.session_state[key]
        st.session_state[WIDGETS_FOR] = current


def reordered(items: list[tuple[int, int, object]]) -> list:
    """Items by the order the clinician typed; an item moved to a taken place goes before the one already there."""
    return [item for order, position, item in sorted(items, key=lambda t: (t[0], t[0] == t[1], t[1]))]


def save(client_id: str, plan: TreatmentPlan, summary: str) -> None:
    """Save an edit as the next version and rerun, or say why it could not be saved (nothing typed is lost: the
    widgets keep what was typed)."""
    try:
        saved = service.save(client_id, plan, summary)
    except StoreError as error:
        st.error(escape_md(str(error)), icon=":material/error:")
        return
    if saved.version == plan.version:
        st.toast("Nothing changed.")
        return
    note_plan_saved(client_id, saved.version)
    st.session_state[NOTICE] = ("success", f"Saved as version {saved.version}: {summary}.")
    st.rerun()


def draft(client, record) -> None:
    """Compose a plan from the intake (model if configured, else offline) and store it as the next version."""
    with st.status("Drafting the plan from the intake…", expanded=True) as status:
        st.write("Retrieving goals, objectives and interventions for each problem area…")
        result = plan_drafter()(record)
        st.write("Checking the draft against documentation standards…")
        saved = service.save_draft(client.id, result.plan, f"Drafted ({result.plan.composed_by})")
        status.update(label=f"Draft ready (version {saved.version})", state="complete")
    note_plan_saved(client.id, saved.version)
    kind = "warning" if result.fell_back else "success"
    message = result.notice or f"Drafted version {saved.version}. Review every section."
    if result.corrections:
        message += " Checks removed or replaced parts of the model's draft: " + " ".join(result.corrections)
    st.session_state[NOTICE] = (kind, message)
    st.rerun()


# -- where things are ------------------------------------------------------------------------------------------


def section_of(path: str) -> str:
    """The page section holding a plan path from the plan check."""
    if path.startswith(("presenting_problem", "formulation", "diagnoses")):
        return OVERVIEW
    if path.startswith(("goals", "sources")):
        return GOALS
    if path.startswith("interventions"):
        return INTERVENTIONS
    return CARE


def jump(path: str, goal_id: str | None) -> None:
    """Callback: open the section (and goal) holding `path`, and mark the field to complete."""
    st.session_state[SECTION] = section_of(path)
    st.session_state[FOCUS] = path
    if goal_id:
        st.session_state[f"{GOAL_OPEN}{goal_id}"] = True


def focus_note(plan: TreatmentPlan, path: str) -> None:
    """Above a field the clinician jumped to: what it still needs."""
    if st.session_state.get(FOCUS) != path:
        return
    messages = [f.message for f in plan.flags if f.path == path and f.blocks_signing]
    if messages:
        st.info(escape_md(" ".join(messages)), icon=":material/edit_note:")


def flag_list(plan: TreatmentPlan, flags: list[Flag], key: str) -> None:
    """Each finding as a link to its field."""
    for n, flag in enumerate(flags):
        goal_id = None
        if flag.path.startswith("goals["):
            index = int(flag.path[len("goals[") :].split("]")[0])
            goal_id = plan.goals[index].id if index < len(plan.goals) else None
        st.button(
            escape_md(short(flag.message, 110)),
            key=f"{key}_{n}",
            type="tertiary",
            icon=":material/arrow_forward:",
            on_click=jump,
            args=(flag.path, goal_id),
            help=escape_md(flag.message),
        )


def source_caption(sources: list[str]) -> None:
    """Where an item came from, in words, with the library id small beside it."""
    for source in sources:
        entry = library.by_id.get(source)
        wording = f"“{short(entry.text, 90)}”" if entry else "an entry no longer in the library"
        st.caption(f"From the library: {escape_md(wording)} · {escape_md(source)}")


# -- views ------------------------------------------------------------------------------------------------------


def pick_client_view() -> None:
    st.title("Treatment plan")
    clients = intakes.clients()
    if not clients:
        st.info("No clients yet. Start with an intake; the plan is drafted from it.", icon=":material/info:")
        st.page_link("pages/intake.py", label="Go to Intake", icon=":material/forum:")
        return
    st.write("Choose a client:")
    for client in clients[:30]:
        if st.button(escape_md(client.alias), key=f"plan_pick_{client.id}", icon=":material/person:"):
            choose_client(client.id, service.owner)
            st.rerun()


def check_panel(plan: TreatmentPlan, locked: bool) -> None:
    """The plan check: errors and blanks block signing (each a link to its field), warnings are for judgement."""
    errors = [f for f in plan.flags if f.severity == "error"]
    blanks = [f for f in plan.flags if f.severity == "incomplete"]
    warnings = [f for f in plan.flags if f.severity == "warning"]
    st.subheader("Plan check")
    if locked:
        st.caption("Checked when it was signed.")
    if not errors and not blanks:
        st.success("Ready to sign." if not warnings else "Ready to sign; see the points to consider.")
    if errors:
        st.error(f"{plural(len(errors), 'problem')} to fix before signing:", icon=":material/error:")
        flag_list(plan, errors, "plan_jump_error")
    if blanks:
        st.warning(f"{plural(len(blanks), 'item')} to complete before signing:", icon=":material/edit_note:")
        flag_list(plan, blanks, "plan_jump_blank")
    if warnings:
        with st.expander(f"{plural(len(warnings), 'point')} to consider", icon=":material/lightbulb:"):
            flag_list(plan, warnings, "plan_jump_warning")


def overview_form(client_id: str, plan: TreatmentPlan, locked: bool) -> None:
    with st.form("plan_overview_form", border=False):
        focus_note(plan, "presenting_problem")
        presenting = st.text_area(
            "Presenting problem", plan.presenting_problem, height=120, key="plan_presenting", disabled=locked
        )
        focus_note(plan, "formulation")
        formulation = st.text_area(
            "Formulation",
            plan.formulation,
            height=320,
            key="plan_formulation",
            disabled=locked,
            help="Drafted from the intake only; '[to complete]' marks what the intake did not say.",
        )
        st.markdown("**Diagnoses** — recorded by the clinician, never generated")
        focus_note(plan, "diagnoses")
        rows = [*plan.diagnoses, Diagnosis(label="")]
        diagnoses = []
        for n, diagnosis in enumerate(rows):
            cols = st.columns([1, 4, 1], vertical_alignment="bottom")
            code = cols[0].text_input(
                "ICD-10-CM code",
                diagnosis.icd10 or "",
                key=f"plan_dx_code_{n}",
                max_chars=10,
                placeholder="e.g. F32.1",
                disabled=locked,
            )
            label = cols[1].text_input(
                "Diagnosis" if n < len(plan.diagnoses) else "Add a diagnosis",
                diagnosis.label,
                key=f"plan_dx_label_{n}",
                max_chars=200,
                disabled=locked,
            )
            keep = not cols[2].checkbox(
                "Remove", key=f"plan_dx_remove_{n}", disabled=locked or n == len(plan.diagnoses)
            )
            if keep and (label.strip() or code.strip()):
                code = "".join(code.split()).upper() or None
                diagnoses.append(Diagnosis(label=label.strip() or code, icd10=code))
        submitted = st.form_submit_button(
            "Save overview", icon=":material/save:", disabled=locked, key="plan_overview_save"
        )
    if submitted:
        edited = plan.model_copy(
            update={
                "presenting_problem": presenting.strip(),
                "formulation": formulation.strip(),
                "diagnoses": diagnoses,
            }
        )
        save(client_id, edited, "Edited overview")


def goal_editor(client_id: str, plan: TreatmentPlan, index: int, locked: bool) -> None:
    goal = plan.goals[index]
    gid = goal.id
    number = index + 1
    with st.form(f"plan_goal_form_{gid}", border=False):
        focus_note(plan, f"goals[{index}]")
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
        source_caption(goal.sources)
        objectives = []
        for position, objective in enumerate(goal.objectives, start=1):
            oid = objective.id
            st.markdown(f"**Objective {number}.{position}**")
            focus_note(plan, f"goals[{index}].objectives[{position - 1}]")
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
                OBJECTIVE_STATUSES,
                index=OBJECTIVE_STATUSES.index(objective.status),
                key=f"plan_obj_status_{oid}",
                disabled=locked,
            )
            order = cols[5].number_input(
                "Order", min_value=1, max_value=99, value=position, key=f"plan_obj_order_{oid}", disabled=locked
            )
            remove = cols[6].checkbox("Remove", key=f"plan_obj_remove_{oid}", disabled=locked)
            source_caption(objective.sources)
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
            f"Save goal {number}", icon=":material/save:", disabled=locked, key=f"plan_goal_save_{gid}"
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
        updated = plan.model_copy(update={"goals": goals, "interventions": interventions})
        save(client_id, updated, f"Edited goal {number}")
    if locked:
        return
    buttons = st.columns(4)
    if buttons[0].button("Add objective", key=f"plan_goal_addobj_{gid}", icon=":material/add:"):
        save(client_id, add_objective(plan, gid), f"Added an objective to goal {number}")
    if buttons[1].button("Move up", key=f"plan_goal_up_{gid}", icon=":material/arrow_upward:", disabled=index == 0):
        save(client_id, plan.model_copy(update={"goals": move(plan.goals, index, -1)}), f"Moved goal {number} up")
    if buttons[2].button(
        "Move down",
        key=f"plan_goal_down_{gid}",
        icon=":material/arrow_downward:",
        disabled=index == len(plan.goals) - 1,
    ):
        save(client_id, plan.model_copy(update={"goals": move(plan.goals, index, 1)}), f"Moved goal {number} down")
    if buttons[3].button("Remove goal", key=f"plan_goal_remove_{gid}", icon=":material/delete:"):
        save(client_id, remove_goal(plan, gid), f"Removed goal {number}")


def goals_tab(client_id: str, plan: TreatmentPlan, locked: bool) -> None:
    if not plan.goals:
        st.info("No goals yet. Add one below, or redraft from the intake.", icon=":material/info:")
    for index, goal in enumerate(plan.goals):
        label = f"Goal {index + 1} · {taxonomy.area_label(goal.problem_area)} · {short(goal.description, 80)}"
        key = f"{GOAL_OPEN}{goal.id}"
        st.session_state.setdefault(key, index == 0)
        with st.expander(escape_md(label), key=key, on_change="rerun"):
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
    """Interventions under the goal they serve (reordering moves an intervention within its goal)."""
    wording = {o.id: o.description for o in plan.objectives()}
    goal_order = {g.id: n for n, g in enumerate(plan.goals)}
    if not plan.interventions:
        st.info("No interventions yet.", icon=":material/info:")
    with st.form("plan_interventions_form", border=False):
        edited = []
        for goal, items in plan.intervention_groups():
            group = goal_order[goal.id] if goal else len(goal_order)
            if goal is None:
                st.subheader("For the whole plan")
            else:
                number = plan.number_of(goal.id)
                st.subheader(escape_md(f"For goal {number} · {short(goal.description, 90)}"))
            for position, item in enumerate(items, start=1):
                iid = item.id
                index = plan.interventions.index(item)
                st.markdown(f"**Intervention {index + 1}**")
                focus_note(plan, f"interventions[{index}]")
                text = st.text_area("Intervention", item.description, key=f"plan_int_desc_{iid}", disabled=locked)
                cols = st.columns([2, 2, 2, 4, 1, 1], vertical_alignment="bottom")
                modality = cols[0].selectbox(
                    "Modality",
                    modality_ids,
                    index=modality_ids.index(item.modality) if item.modality in modality_ids else 0,
                    format_func=lambda m: taxonomy.modality_label(m) if m else "any",
                    key=f"plan_int_modality_{iid}",
                    disabled=locked,
                )
                category = cols[1].selectbox(
                    "Element",
                    category_ids,
                    index=category_ids.index(item.category) if item.category in category_ids else 0,
                    format_func=taxonomy.category_label,
                    key=f"plan_int_category_{iid}",
                    disabled=locked,
                )
                frequency = cols[2].text_input(
                    "Frequency", item.frequency or "", key=f"plan_int_freq_{iid}", disabled=locked
                )
                serves = cols[3].multiselect(
                    "Serves objectives",
                    list(wording),
                    default=[o for o in item.objective_ids if o in wording],
                    format_func=lambda o: f"{plan.number_of(o)} {short(wording[o], 60)}",
                    key=f"plan_int_objs_{iid}",
                    disabled=locked,
                    placeholder="The whole plan",
                )
                order = cols[4].number_input(
                    "Order", min_value=1, max_value=99, value=position, key=f"plan_int_order_{iid}", disabled=locked
                )
                remove = cols[5].checkbox("Remove", key=f"plan_int_remove_{iid}", disabled=locked)
                source_caption(item.sources)
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
                    edited.append((group, order, position, updated))
        submitted = st.form_submit_button(
            "Save interventions", icon=":material/save:", disabled=locked, key="plan_interventions_save"
        )
    if submitted:
        # Grouped by the goal each now serves (its objectives may have changed), then by the order typed; an item
        # moved (to another place or another goal) goes before the one already there.
        def place(entry: tuple) -> tuple:
            group, order, position, item = entry
            served = plan.goal_served(item)
            now = goal_order[served.id] if served else len(goal_order)
            return (now, order, order == position and now == group, group, position)

        kept = [entry[-1] for entry in sorted(edited, key=place)]
        save(client_id, plan.model_copy(update={"interventions": kept}), "Edited interventions")
    if not locked and st.button("Add intervention", key="plan_add_intervention", icon=":material/add:"):
        save(client_id, add_intervention(plan, frequency="weekly in session"), "Added an intervention")


def care_tab(client_id: str, plan: TreatmentPlan, locked: bool) -> None:
    """Sessions, safety plan, progress monitoring and discharge criteria."""
    session = plan.session_plan
    frequencies = options_with(SESSION_FREQUENCIES, session.frequency)
    formats = options_with(SESSION_FORMATS, session.format)
    with st.form("plan_care_form", border=False):
        st.markdown("**Sessions**")
        focus_note(plan, "session_plan.start_date")
        cols = st.columns(5)
        frequency = cols[0].selectbox(
            "Frequency",
            frequencies,
            index=frequencies.index(session.frequency or ""),
            format_func=lambda f: f or "not set",
            key="plan_session_frequency",
            disabled=locked,
        )
        minutes = cols[1].number_input(
            "Minutes",
            **number_range(TreatmentPlan, "session_plan.duration_minutes"),
            value=session.duration_minutes,
            key="plan_session_minutes",
            disabled=locked,
        )
        delivery = cols[2].selectbox(
            "Format",
            formats,
            index=formats.index(session.format or ""),
            format_func=lambda f: f or "not set",
            key="plan_session_format",
            disabled=locked,
        )
        start = cols[3].date_input("Start date", session.start_date, key="plan_session_start", disabled=locked)
        planned = cols[4].number_input(
            "Planned sessions",
            **number_range(TreatmentPlan, "session_plan.sessions"),
            value=session.sessions,
            key="plan_session_count",
            disabled=locked,
        )
        reason = plan.risk_not_assessed_reason
        if not plan.risk_assessed:
            focus_note(plan, "risk_not_assessed_reason")
            reason = st.text_area(
                "Risk was not assessed at intake: why not?",
                plan.risk_not_assessed_reason,
                key="plan_risk_reason",
                disabled=locked,
                help="The plan cannot be signed until risk is assessed (update the intake) or you record why not.",
            )
        st.markdown("**Safety plan** (Stanley–Brown; one item per line, written with the client)")
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
            for step in SAFETY_PLAN_STEPS:
                focus_note(plan, f"safety_plan.{step}")
                steps[step] = st.text_area(
                    safety_step_title(step),
                    "\n".join(current[step]),
                    key=f"plan_safety_{step}",
                    disabled=locked,
                    height=90,
                )
        element_steps: list[list[str]] = []
        for e, element in enumerate(plan.safety_elements):
            st.markdown(f"**{escape_md(element.title)}** (one item per line, agreed with the client)")
            focus_note(plan, "safety_elements")
            element_steps.append(
                [
                    st.text_area(
                        escape_md(step.heading),
                        "\n".join(step.items),
                        key=f"plan_element_{e}_{n}",
                        disabled=locked,
                        height=90,
                    )
                    for n, step in enumerate(element.steps)
                ]
            )
            if element.source:
                st.caption(f"Following: {escape_md(element.source)}")
        st.markdown("**Referrals and coordination** (one per line: service (urgency): reason)")
        focus_note(plan, "referrals")
        referral_text = st.text_area(
            "Referrals",
            "\n".join(referral_line(r) for r in plan.referrals),
            key="plan_referrals",
            disabled=locked,
            label_visibility="collapsed",
        )
        st.markdown("**Progress monitoring**")
        cols = st.columns(3)
        monitoring = plan.progress_monitoring
        measures = cols[0].text_input(
            "Measures (comma-separated)", ", ".join(monitoring.measures), key="plan_monitor_measures", disabled=locked
        )
        interval = cols[1].number_input(
            "Review every (days)",
            **number_range(TreatmentPlan, "progress_monitoring.review_interval_days"),
            value=monitoring.review_interval_days,
            key="plan_monitor_interval",
            disabled=locked,
        )
        next_review = cols[2].date_input(
            "Next review", monitoring.next_review_date, key="plan_monitor_next", disabled=locked
        )
        focus_note(plan, "discharge_criteria")
        discharge = st.text_area(
            "Discharge criteria (one per line)",
            "\n".join(plan.discharge_criteria),
            key="plan_discharge",
            disabled=locked,
        )
        submitted = st.form_submit_button(
            "Save sessions and safety", icon=":material/save:", disabled=locked, key="plan_care_save"
        )
    if submitted:
        edited = plan.model_copy(
            update={
                "session_plan": session.model_copy(
                    update={
                        "frequency": frequency or None,
                        "duration_minutes": minutes,
                        "format": delivery or None,
                        "start_date": start if isinstance(start, date) else None,
                        "sessions": planned,
                    }
                ),
                "safety_plan": SafetyPlan(**{s: lines(t) for s, t in steps.items()}) if keep_safety else None,
                "safety_elements": [
                    element.model_copy(
                        update={
                            "steps": [
                                step.model_copy(update={"items": lines(text)})
                                for step, text in zip(element.steps, texts, strict=True)
                            ]
                        }
                    )
                    for element, texts in zip(plan.safety_elements, element_steps, strict=True)
                ],
                "referrals": parse_referrals(referral_text, plan.referrals),
                "risk_not_assessed_reason": reason.strip(),
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
        save(client_id, edited, "Edited sessions and safety")


def show_changes(changes: list[Change]) -> None:
    """Each changed part of the plan with its removed sentences (red, struck through) and added ones (green)."""
    for change in changes:
        rows = [f"**{escape_md(change.where)}**"]
        rows += [f":red[− ~~{escape_md(text)}~~]" for text in change.removed]
        rows += [f":green[\\+ {escape_md(text)}]" for text in change.added]
        st.markdown("  \n".join(rows))


def history_tab(client_id: str) -> None:
    versions = service.history(client_id)
    st.caption("Every save is kept. Final versions are signed and read-only.")
    st.dataframe(
        [
            {
                "Version": v.version,
                "Status": v.status.capitalize(),
                "Saved (UTC)": v.created_at[:16].replace("T", " "),
                "Note": v.summary,
            }
            for v in versions
        ],
        hide_index=True,
        width="stretch",
    )
    if len(versions) < 2:
        st.info("Compare versions here once there are two.", icon=":material/compare_arrows:")
        return
    by_number = {v.version: v for v in versions}

    def describe(number: int) -> str:
        v = by_number[number]
        return f"Version {number} · {v.status} · {v.created_at[:16].replace('T', ' ')} · {short(v.summary, 40)}"

    cols = st.columns(2)
    older = cols[0].selectbox("Compare", list(by_number), index=1, format_func=describe, key="plan_diff_older")
    newer = cols[1].selectbox("with", list(by_number), index=0, format_func=describe, key="plan_diff_newer")
    if older == newer:
        st.info("Pick two different versions.")
        return
    first, second = min(older, newer), max(older, newer)
    st.caption(f"What changed from version {first} to version {second}:")
    found = service.diff(client_id, first, second)
    if found:
        show_changes(found)
    else:
        st.info("These versions have the same content.")


def export_file(client_id: str, plan: TreatmentPlan, key: str) -> bytes:
    """Make the file when the button is clicked (on Streamlit's download thread) and log the export."""
    return service.export(client_id, plan, key, export_context())


def finalize_tab(client, plan: TreatmentPlan, locked: bool) -> None:
    if locked:
        sig = plan.signature
        st.success(
            f"Final version {plan.version}, signed by {escape_md(sig.clinician_name)}, {escape_md(sig.credentials)} "
            f"on {sig.signed_on.isoformat()}.",
            icon=":material/verified:",
        )
    else:
        unfinished = [f for f in plan.flags if f.blocks_signing]
        if unfinished:
            st.warning(
                f"Before this plan can be signed, {plural(len(unfinished), 'item')} must be completed:",
                icon=":material/edit_note:",
            )
            flag_list(plan, unfinished, "plan_jump_finish")
        else:
            st.success("Every check passes. Review the preview, then sign.", icon=":material/task_alt:")
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
            except PlanUnfinished as refused:
                st.error(
                    f"Not signed: {plural(len(refused.blockers), 'item')} listed above must be completed first.",
                    icon=":material/block:",
                )
            except StoreError as error:
                st.error(escape_md(str(error)), icon=":material/error:")
            else:
                note_plan_saved(client.id, final.version)
                st.session_state[NOTICE] = ("success", f"Finalized as version {final.version}.")
                st.rerun()
    st.markdown("**Download**")
    note = "final" if locked else "draft — marked for clinician review"
    st.caption(f"Version {plan.version} ({note}). Files are made on your machine; nothing is uploaded.")
    offered = [(key, fmt) for key, fmt in FORMATS.items() if fmt.available(plan)]
    cols = st.columns(len(offered))
    for col, (key, fmt) in zip(cols, offered, strict=True):
        col.download_button(
            fmt.label,
            data=partial(export_file, client.id, plan, key),
            file_name=filename(plan, key),
            mime=fmt.mime,
            key=f"plan_download_{key}",
            on_click="ignore",
            icon=":material/download:",
        )


_REFERRAL_LINE = re.compile(r"^(?P<service>[^(:]+?)\s*\((?P<urgency>emergency|urgent|routine)\)\s*:\s*(?P<reason>.*)$")


def referral_line(referral: Referral) -> str:
    """How a referral is edited: "Service (urgency): reason"."""
    return f"{referral.service} ({referral.urgency}): {referral.reason}"


def parse_referrals(text: str, before: list[Referral]) -> list[Referral]:
    """The referrals as edited, one per line; a line not in the "Service (urgency): reason" shape is kept whole as
    the service (routine), never dropped. Unchanged lines keep their sources."""
    known = {referral_line(r): r for r in before}
    result = []
    for line in lines(text):
        if line in known:
            result.append(known[line])
        elif m := _REFERRAL_LINE.match(line):
            result.append(Referral(service=m["service"].strip(), urgency=m["urgency"], reason=m["reason"].strip()))
        else:
            result.append(Referral(service=line, reason="", urgency="routine"))
    return result


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
    versions = [v.version for v in service.history(client.id)]
    version = pinned_plan_version(client.id, versions) if versions else None
    plan = service.load(client.id, version) if version else None
    reset_widgets(client.id, version)
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

    latest = max(versions)
    if version != latest:
        cols = st.columns([4, 1], vertical_alignment="center")
        cols[0].warning(
            f"Version {latest} was saved after the version {version} you are looking at (in another tab, or by "
            "another session). Edits to this version cannot be saved over it; copy anything you typed, then open "
            "the newest version.",
            icon=":material/sync_problem:",
        )
        cols[1].button(
            f"Open version {latest}",
            key="plan_open_latest",
            on_click=note_plan_saved,
            args=(client.id, latest),
            icon=":material/update:",
        )
    locked = plan.status == "final"
    status = "FINAL (read-only)" if locked else "DRAFT — for clinician review"
    st.caption(f"Version {plan.version} · {status} · {escape_md(plan.composed_by)}")
    for note in plan.scope_notes:
        st.warning(f"Outside this plan: {escape_md(note)}", icon=":material/call_split:")
    if plan.pathways:
        st.caption("Clinical pathways followed: " + escape_md("; ".join(plan.pathways)))
    if not locked:
        st.caption(escape_md(plan.review_notice))
    with st.sidebar:
        check_panel(plan, locked)
        if locked:
            st.info("This version is signed and read-only.", icon=":material/lock:")
            if st.button("Revise (start a new version)", key="plan_revise", icon=":material/edit:"):
                try:
                    revised = service.revise(client.id, plan.version)
                except StoreError as error:
                    st.error(escape_md(str(error)))
                else:
                    note_plan_saved(client.id, revised.version)
                    st.rerun()
        with st.popover("Redraft from intake", icon=":material/refresh:"):
            st.write("Compose a fresh draft from the current intake. Earlier versions stay in the history.")
            if st.button("Redraft", key="plan_redraft_confirm", type="primary"):
                draft(client, record)

    tabs = dict(zip(SECTIONS, st.tabs(list(SECTIONS), key=SECTION, on_change="rerun"), strict=True))
    with tabs[OVERVIEW]:
        overview_form(client.id, plan, locked)
    with tabs[GOALS]:
        goals_tab(client.id, plan, locked)
    with tabs[INTERVENTIONS]:
        interventions_tab(client.id, plan, locked)
    with tabs[CARE]:
        care_tab(client.id, plan, locked)
    with tabs[PREVIEW]:
        if tabs[PREVIEW].open:  # read-only: drawn only when looked at
            st.caption("The plan as every export lays it out (PDF, Word, Markdown).")
            show_document(plan_document(plan, export_context()))
    with tabs[HISTORY]:
        if tabs[HISTORY].open:
            history_tab(client.id)
    with tabs[FINISH]:
        finalize_tab(client, plan, locked)


client = active_client(service.owner)
if client is None:
    pick_client_view()
else:
    plan_view(client)
