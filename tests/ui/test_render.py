"""Streamlit-free helpers of `ui.render`: number ranges read from the domain models."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from clinical.plan import TreatmentPlan
from clinical.record import IntakeRecord
from ui.render import number_range

FORM_FIELDS = [
    (IntakeRecord, "client.age"),
    (IntakeRecord, "session.duration_minutes"),
    (IntakeRecord, "session.sessions"),
    (IntakeRecord, "session.review_interval_days"),
    (TreatmentPlan, "session_plan.duration_minutes"),
    (TreatmentPlan, "session_plan.sessions"),
    (TreatmentPlan, "progress_monitoring.review_interval_days"),
]


@pytest.mark.parametrize(("model", "path"), FORM_FIELDS)
def test_a_form_range_is_exactly_what_the_model_accepts(model, path):
    """Every number the forms offer has a range read from the model, and the model accepts its ends only."""
    limits = number_range(model, path)
    assert set(limits) == {"min_value", "max_value"}
    *parents, name = path.split(".")
    part = model.model_fields[parents[0]].annotation
    instance = part.model_construct()
    for value in (limits["min_value"], limits["max_value"]):
        part.__pydantic_validator__.validate_assignment(instance, name, value)
    for value in (limits["min_value"] - 1, limits["max_value"] + 1):
        with pytest.raises(ValidationError):
            part.__pydantic_validator__.validate_assignment(instance, name, value)


def test_the_record_and_the_plan_agree_on_sessions():
    """Session length, planned sessions and review interval have one range in the record and the plan."""
    assert number_range(IntakeRecord, "session.duration_minutes") == number_range(
        TreatmentPlan, "session_plan.duration_minutes"
    )
    assert number_range(IntakeRecord, "session.sessions") == number_range(TreatmentPlan, "session_plan.sessions")
    assert number_range(IntakeRecord, "session.review_interval_days") == number_range(
        TreatmentPlan, "progress_monitoring.review_interval_days"
    )
