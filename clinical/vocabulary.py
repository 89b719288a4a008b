"""The domain's fixed vocabularies, each defined once with its wording: session frequencies and formats, objective
statuses, the areas reported risk makes urgent, the ages a client can have. Models, extraction, pages and exports
read them from here."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, get_args


class Frequency(StrEnum):
    """How often sessions are held, as the intake records it."""

    THREE_TIMES_WEEKLY = "three times weekly"
    TWICE_WEEKLY = "twice weekly"
    WEEKLY = "weekly"
    EVERY_OTHER_WEEK = "every other week"
    MONTHLY = "monthly"

    @property
    def days_between(self) -> float:
        """Average days from one session to the next."""
        return {"three times weekly": 7 / 3, "twice weekly": 3.5, "weekly": 7, "every other week": 14, "monthly": 30}[
            self.value
        ]


class SessionFormat(StrEnum):
    """How sessions are delivered."""

    IN_PERSON = "in person"
    TELEHEALTH = "telehealth"
    HYBRID = "hybrid"


#: Where an objective stands.
ObjectiveStatus = Literal["not started", "in progress", "met", "revised", "discontinued"]
OBJECTIVE_STATUSES: tuple[str, ...] = get_args(ObjectiveStatus)

#: Problem areas whose goals come first when the intake reports the risk they name.
SUICIDALITY, SELF_HARM = "suicidality", "self-harm"
URGENT_AREAS = frozenset({SUICIDALITY, SELF_HARM})

#: Ages (years) the record accepts; an age read from notes outside them is taken for something else.
MIN_AGE, MAX_AGE = 1, 110

#: Session length in minutes, planned number of sessions and days between plan reviews that the intake record
#: and the plan accept (lowest, highest); forms offer the same range by reading it from the models' fields.
SESSION_MINUTES = (5, 480)
PLANNED_SESSIONS = (1, 1000)
REVIEW_DAYS = (1, 730)
