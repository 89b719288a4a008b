"""Typed risk on a table of safety-relevant phrasings (tests/fixtures/phrasings/risk.yaml): every kind, its status,
features, the client's own means, safeguarding and history."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clinical.extraction.context import clauses
from clinical.extraction.hazards import extract_hazards
from clinical.extraction.risk import extract_risk
from clinical.risk import RiskKind, RiskStatus

TABLE = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "phrasings" / "risk.yaml").read_text("utf-8"))


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row["text"][:60])
def test_row(row):
    """Each phrasing gives the risk a careful clinician would record."""
    risk = extract_risk(row["text"], row["text"] if row["risk_section"] else "")
    for kind, status in row["expect"].items():
        assert risk.status(RiskKind(kind)) is RiskStatus(status), (kind, risk.finding(RiskKind(kind)))
    for kind, features in row.get("features", {}).items():
        assert set(features) <= set(risk.finding(RiskKind(kind)).features), risk.finding(RiskKind(kind))
    if "means" in row:
        assert set(risk.means) == set(row["means"]), risk.means
    if "safeguarding" in row:
        assert bool(risk.safeguarding) is row["safeguarding"]
    if "ideation" in row:
        assert risk.suicidal_ideation.value == row["ideation"]
    if "safety_plan" in row:
        assert risk.calls_for_safety_plan is row["safety_plan"]
    for event in row.get("history", []):
        assert event in risk.history


def test_every_reported_kind_quotes_the_intake():
    """A reported kind carries evidence, and every piece of evidence is a verbatim slice of the intake."""
    for row in TABLE:
        risk = extract_risk(row["text"], row["text"] if row["risk_section"] else "")
        for kind in risk.reported_kinds:
            evidence = risk.finding(kind).evidence
            assert evidence, (kind, row["text"])
            assert all(span in row["text"] for span in evidence), evidence


def test_hazards_read_alone_as_within_the_risk_reader():
    """Danger from others, psychosis and medical risk read the same whether or not the caller split the text."""
    text = "Partner strangled her last week. Hears voices telling him to die. HR 42, restricting food."
    alone, shared = extract_hazards(text, text), extract_hazards(text, text, parts=clauses(text))
    assert alone == shared and alone.danger_from_others.features == ["strangulation"]
    assert "command hallucinations about death or harm" in alone.psychosis.features
    assert alone.medical.features == ["restrictive eating with physical instability"]
