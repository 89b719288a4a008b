"""The case picture: presentations with evidence, population, conditions, constraints, named referrals, scope."""

from __future__ import annotations

from datetime import date

import pytest

from clinical.case import case_picture, unsuitable
from clinical.intake_engine import IntakeContext
from clinical.replay import replay_intake
from clinical.risk import RiskKind
from knowledge.models import Entry, Kind
from knowledge.pathways import pathways_for
from tests.builders import IPV

TODAY = date(2027, 3, 1)


@pytest.fixture(scope="module")
def context(library):
    return IntakeContext(library.taxonomy)


@pytest.fixture(scope="module")
def pathways(library):
    return pathways_for(library)


def picture(answers, context, pathways, alias="D."):
    return case_picture(replay_intake(answers, alias, context, TODAY), pathways)


def test_ipv_case_reads_violence_children_constraints_and_pathways(context, pathways):
    """Violence from a partner makes ipv-present; the children, the ruled-out joint work and contact are read."""
    case = picture(IPV, context, pathways)
    assert {"ipv-present", "partner", "children", "traumatic-event"} <= set(case.conditions)
    assert case.pathways[0] == "ipv" and "trauma" in case.pathways
    assert case.presentations[0].evidence[0].quote  # the intake's own words
    kinds = {c.kind for c in case.constraints}
    assert {"no-conjoint", "no-messages", "sequence"} <= kinds
    assert case.client_means == []  # the husband's handgun is danger, not the client's means
    assert case.administered == {"PHQ-9": 15, "PCL-5": 46}


def test_populations_from_age_people_and_pregnancy(context, pathways):
    """Adolescent, older adult, perinatal and couple populations come from what the intake says."""
    teen = picture({"identifying": "Sam, 15, he/him, with mum.", "presenting_problem": "Worry."}, context, pathways)
    assert teen.populations == ["adolescent"]
    older = picture({"identifying": "Mr B, 81.", "presenting_problem": "Low mood since retiring."}, context, pathways)
    assert "older-adult" in older.populations
    mother = picture(
        {"identifying": "Ana, 29.", "presenting_problem": "Low mood since her daughter's birth; baby is 8 weeks old."},
        context,
        pathways,
    )
    assert "perinatal" in mother.populations and "infant-care" in mother.conditions
    couple = picture(
        {
            "identifying": "Couple: K. (34, he/him) and D. (36, she/her), couples therapy.",
            "presenting_problem": "Arguments about money.",
        },
        context,
        pathways,
    )
    assert couple.populations[0] == "couple" and {"partner", "couple-in-room"} <= set(couple.conditions)


def test_denied_or_someone_elses_words_do_not_count(context, pathways):
    """A denied mania, a sister's pregnancy and a brother's crisis team make no condition, scope note or referral."""
    case = picture(
        {
            "identifying": "Lee, 40.",
            "presenting_problem": "Low mood. Her sister is pregnant. No history of mania or hypomania.",
            "history": "Her brother is under the crisis team.",
        },
        context,
        pathways,
    )
    assert "bipolar" not in case.conditions and "perinatal" not in case.populations
    assert case.out_of_scope == []
    assert "crisis-team" not in {n.service for n in case.named_referrals}


def test_out_of_scope_and_named_referrals(context, pathways):
    """Possible mania is named as outside the plan; a referral the intake made is kept with its words."""
    case = picture(
        {
            "identifying": "Jo, 26.",
            "presenting_problem": "Hypomanic episode last month, not slept for days; now low.",
            "prior_treatment": "Referred by GP to the community mental health team for psychiatric review.",
        },
        context,
        pathways,
    )
    assert [o.id for o in case.out_of_scope] == ["mania"]
    assert "psychiatry" in {n.service for n in case.named_referrals}


def test_unsuitable_names_the_reason(context, pathways):
    """An entry contraindicated, presuming what is absent, or for another population is refused with a reason."""
    case = picture(IPV, context, pathways)
    couple_work = Entry(
        id="x-couple",
        kind=Kind.INTERVENTION,
        text="Map the couple's cycle together.",
        problem_areas=("relationship-conflict",),
        category="relationship",
        contraindications=("ipv-present",),
    )
    assert "contraindicated" in unsuitable(couple_work, case)
    attempts = couple_work.model_copy(update={"contraindications": (), "presumes": ("prior-attempt",)})
    assert "presumes" in unsuitable(attempts, case)
    teens = couple_work.model_copy(update={"contraindications": (), "populations": ("adolescent",)})
    assert "population" in unsuitable(teens, case)
    assert unsuitable(couple_work.model_copy(update={"contraindications": ()}), case) is None


def test_violence_is_a_partners_only_when_a_partner_is_in_the_picture(context, pathways):
    """Violence with no partner in the intake (an ex-smoker is no ex) or by a named stranger is not IPV."""
    alone = picture(
        {
            "identifying": "Kim, 45, lives alone. Ex-smoker.",
            "presenting_problem": "Punched and threatened with a knife last week; fears for her safety.",
            "risk": "Danger from others: was punched and threatened with a knife; fears for her safety.",
        },
        context,
        pathways,
    )
    assert alone.status(RiskKind.DANGER_FROM_OTHERS) == "reported" and "ipv-present" not in alone.conditions
    stranger = picture(
        {
            "identifying": "Lou, 38, lives with her husband.",
            "presenting_problem": "Attacked by a stranger outside work last month; threatened to kill her.",
            "risk": "Danger from others: assaulted and threatened by a stranger; fears for her safety.",
        },
        context,
        pathways,
    )
    assert "ipv-present" not in stranger.conditions and "partner" in stranger.conditions
