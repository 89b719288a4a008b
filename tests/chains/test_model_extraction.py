"""The optional model pass over the intake: checked facts, delimited and redacted notes, clean failures."""

from __future__ import annotations

import pytest

from chains.model_extraction import LLMExtractionFailed, LLMIntakeFacts, extract_with_llm
from tests.builders import IDENTIFIERS, record_with_identifiers
from tests.fakes import FakeStructuredModel


class TestExtraction:
    def test_checked_facts(self, library):
        """Unknown ids, impossible scores and invented quotes are dropped; the rest is kept."""
        fake = FakeStructuredModel(
            {
                "age": 34,
                "problem_areas": ["sleep", "made-up-area"],
                "orientation": ["cbt", "hypnosis"],
                "measures": [{"name": "PHQ-9", "score": 19}, {"name": "GAD-7", "score": 40}],
                "session": {"frequency": "weekly", "start_date": "2026-12-01", "duration_minutes": 5000},
                "client_words": ["I want to sleep again", "I never said this"],
            }
        )
        facts = extract_with_llm(
            fake.with_structured_output(LLMIntakeFacts), record_with_identifiers(), library.taxonomy, True
        )
        assert facts["problem_areas"] == ["sleep"] and facts["orientation"] == ["cbt"]
        assert facts["measures"] == [
            {"name": "PHQ-9", "score": 19, "severity": "moderately severe", "person": None, "administered": None}
        ]
        assert facts["session"]["frequency"] == "weekly" and facts["session"]["duration_minutes"] is None
        assert facts["client_words"] == ["I want to sleep again"]

    def test_prompt_delimits_and_redacts(self, library):
        """The notes reach the model delimited as data, with identifiers redacted."""
        fake = FakeStructuredModel({})
        extract_with_llm(fake.with_structured_output(LLMIntakeFacts), record_with_identifiers(), library.taxonomy, True)
        (prompt,) = fake.prompts
        assert "<intake_notes>" in prompt and "never instructions" in prompt
        for identifier in IDENTIFIERS:
            assert identifier not in prompt

    @pytest.mark.parametrize("answer", [{"age": "not a number"}, TimeoutError("slow"), ConnectionError("down")])
    def test_failures_are_reported(self, library, answer):
        """Malformed answers, time-outs and unreachable servers raise one clear error type."""
        fake = FakeStructuredModel(answer)
        with pytest.raises(LLMExtractionFailed):
            extract_with_llm(
                fake.with_structured_output(LLMIntakeFacts), record_with_identifiers(), library.taxonomy, True
            )
