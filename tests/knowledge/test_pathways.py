"""Clinical pathways: the reviewed data loads, covers the presentations, and bad data is refused by name."""

from __future__ import annotations

import pytest
import yaml

from chains.retrieval import RISK_FEATURES
from clinical.instruments import instrument
from knowledge.loader import LibraryError
from knowledge.pathways import PATHWAYS_FILE, load_pathways

#: The presentations the pathways issue names (ids as written in pathways.yaml).
REQUIRED = {
    "depression",
    "anxiety",
    "panic",
    "social-anxiety",
    "trauma",
    "grief",
    "perinatal-depression",
    "school-avoidance",
    "couple-distress",
    "ipv",
    "self-harm",
    "suicidality",
    "psychosis",
    "restrictive-eating",
    "binge-eating",
    "substance-use",
    "adhd",
    "cognitive-change",
    "personality",
}


@pytest.fixture(scope="module")
def pathways(library):
    return load_pathways(library, risk_features=RISK_FEATURES)


def test_every_named_presentation_has_a_pathway_with_a_source(pathways):
    """Each presentation the issue lists has a pathway, and every pathway says where it comes from."""
    assert set(pathways.by_id) >= REQUIRED
    assert all(p.sources.strip() for p in pathways.pathways)


def test_instruments_are_catalogued_and_safety_kinds_have_templates(pathways):
    """Pathway instruments are in the catalogue; each safety element other than suicide has a template."""
    for pathway in pathways.pathways:
        assert all(instrument(name) is not None for name in pathway.instruments), pathway.id
        for kind in pathway.safety:
            assert kind == "suicide" or pathways.safety_template(kind) is not None, pathway.id


def test_risky_presentations_require_their_safety_element_and_referral(pathways):
    """IPV, psychosis and restrictive eating require the right safety element, referral and avoided work."""
    ipv, psychosis, eating = (pathways.by_id[i] for i in ("ipv", "psychosis", "restrictive-eating"))
    assert ipv.safety == ("danger_from_others",) and "dv-advocacy" in {r.service for r in ipv.referrals}
    assert "negative cycle" in ipv.avoid_tags
    assert "psychosis" in psychosis.safety and "early-intervention-psychosis" in {
        r.service for r in psychosis.referrals
    }
    assert "medical" in eating.safety and "interoceptive exposure" in eating.avoid_tags
    template = pathways.safety_template("danger_from_others")
    assert any("1-800-799-7233" in item for step in template.steps for item in step.items)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["pathways"][0].update(goals=["no-such-goal"]), "pathway 'suicidality': field 'goals'"),
        (lambda d: d["pathways"][0].update(avoid_tags=["a tag nobody uses"]), "field 'avoid_tags'"),
        (lambda d: d["pathways"][0].update(areas=["astrology"]), "unknown problem area 'astrology'"),
        (lambda d: d["pathways"][0]["referrals"][0].update(service="spa"), "unknown service 'spa'"),
        (lambda d: d["pathways"][0].update(safety=["flood"]), "unknown risk kind 'flood'"),
    ],
)
def test_bad_pathway_data_is_refused_by_name(library, tmp_path, change, message):
    """A typo in the pathways file fails loading with the pathway and field named."""
    data = yaml.safe_load(PATHWAYS_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "pathways.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(LibraryError, match=message):
        load_pathways(library, path, risk_features=RISK_FEATURES)
