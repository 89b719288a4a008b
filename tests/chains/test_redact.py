"""Redaction of identifiers before text reaches a model that is not on this machine."""

from __future__ import annotations

import pytest

from chains.redact import redact
from tests.builders import IDENTIFIERS, NOTES


class TestRedaction:
    def test_seeded_identifiers_are_removed(self):
        """Names, address, ZIP, phone, dates, record numbers and email never survive redaction."""
        text = redact("\n".join(NOTES.values()), ["Jane Roe"])
        for identifier in IDENTIFIERS:
            assert identifier not in text, identifier
        assert "[DATE 2026]" in text and "34-year-old" in text and "Weekly sessions" in text

    @pytest.mark.parametrize("text", ["PHQ-9 19, GAD-7 12", "weekly 50-minute sessions", "denies SI, HI"])
    def test_clinical_content_is_kept(self, text):
        """Scores and clinical shorthand are not mistaken for identifiers."""
        assert redact(text) == text
