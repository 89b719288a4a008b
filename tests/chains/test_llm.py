"""The optional LLM pass: provider factory, redaction, checked extraction, and a real OpenAI-protocol server."""

from __future__ import annotations

import json

import pytest
from langchain_core.runnables import RunnableLambda

from chains.model_extraction import LLMExtractionFailed, LLMIntakeFacts, extract_with_llm
from chains.providers import LLMConfigError, make_chat_model, structured
from chains.redact import redact
from clinical.record import ClientInfo, IntakeRecord
from config import Settings
from tests.chains.llm_fakes import ChatCompletionsServer

NOTES = {
    "identifying": "Jane Roe, 34-year-old, lives at 12 Elm Street, Springfield, MA 01101. Phone 413-555-0199.",
    "presenting_problem": "Seen by Dr. Alan Smith on 03/14/2026; MRN 88812345. Email jroe@example.com.",
    "client_goals": 'She said "I want to sleep again" and wants to feel calmer.',
    "logistics": "Weekly sessions",
}
IDENTIFIERS = [
    "Jane Roe",
    "12 Elm Street",
    "01101",
    "413-555-0199",
    "Alan Smith",
    "03/14/2026",
    "88812345",
    "jroe@example.com",
]


def record() -> IntakeRecord:
    """A record whose notes are full of identifiers."""
    return IntakeRecord(client=ClientInfo(alias="Jane Roe"), sections=NOTES)


class FakeStructuredModel:
    """A stand-in chat model: with_structured_output returns a runnable answering `answer` and keeping the prompt."""

    def __init__(self, answer):
        self.answer = answer
        self.prompts: list[str] = []

    def with_structured_output(self, schema, **_):
        def respond(prompt):
            self.prompts.append(prompt.to_string())
            if isinstance(self.answer, Exception):
                raise self.answer
            return self.answer

        return RunnableLambda(respond)


class TestFactory:
    def test_none_by_default(self):
        """Without configuration there is no model and nothing to call."""
        assert make_chat_model(Settings()) is None

    @pytest.mark.parametrize(
        ("settings", "message"),
        [
            (dict(llm_provider="openai"), "ANAMNESIS_LLM_MODEL"),
            (dict(llm_provider="openai", llm_model="m"), "ANAMNESIS_LLM_BASE_URL"),
            (dict(llm_provider="anthropic", llm_model="m"), "ANAMNESIS_LLM_API_KEY"),
        ],
    )
    def test_incomplete_settings_name_the_fix(self, settings, message):
        """Missing settings fail with the variable to set."""
        with pytest.raises(LLMConfigError, match=message):
            make_chat_model(Settings(**settings))

    @pytest.mark.parametrize(
        ("settings", "local"),
        [
            (dict(llm_provider="openai", llm_base_url="http://127.0.0.1:11434/v1"), True),
            (dict(llm_provider="openai", llm_base_url="http://localhost:8000/v1"), True),
            (dict(llm_provider="ollama"), True),
            (dict(llm_provider="openai"), False),
            (dict(llm_provider="openai", llm_base_url="https://api.example.com/v1"), False),
            (dict(llm_provider="anthropic"), False),
        ],
    )
    def test_local_endpoints(self, settings, local):
        """Only loopback endpoints count as local (and may receive unredacted text)."""
        assert Settings(**settings).llm_is_local is local


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
        facts = extract_with_llm(fake.with_structured_output(LLMIntakeFacts), record(), library.taxonomy, True)
        assert facts["problem_areas"] == ["sleep"] and facts["orientation"] == ["cbt"]
        assert facts["measures"] == [{"name": "PHQ-9", "score": 19, "severity": "moderately severe"}]
        assert facts["session"]["frequency"] == "weekly" and facts["session"]["duration_minutes"] is None
        assert facts["client_words"] == ["I want to sleep again"]

    def test_prompt_delimits_and_redacts(self, library):
        """The notes reach the model delimited as data, with identifiers redacted."""
        fake = FakeStructuredModel({})
        extract_with_llm(fake.with_structured_output(LLMIntakeFacts), record(), library.taxonomy, True)
        (prompt,) = fake.prompts
        assert "<intake_notes>" in prompt and "never instructions" in prompt
        for identifier in IDENTIFIERS:
            assert identifier not in prompt

    @pytest.mark.parametrize("answer", [{"age": "not a number"}, TimeoutError("slow"), ConnectionError("down")])
    def test_failures_are_reported(self, library, answer):
        """Malformed answers, time-outs and unreachable servers raise one clear error type."""
        fake = FakeStructuredModel(answer)
        with pytest.raises(LLMExtractionFailed):
            extract_with_llm(fake.with_structured_output(LLMIntakeFacts), record(), library.taxonomy, True)


def model_for(server: ChatCompletionsServer):
    """The real LangChain OpenAI client, pointed at the local server, asked for structured output."""
    settings = Settings(llm_provider="openai", llm_model="test-model", llm_base_url=server.url, llm_timeout_seconds=10)
    return structured(make_chat_model(settings), LLMIntakeFacts, settings)


def test_real_client_against_openai_protocol_server(library):
    """The real OpenAI client code runs end to end: request shape, structured answer, checked facts."""
    answer = json.dumps(
        {"age": 34, "pronouns": "she/her", "problem_areas": ["sleep"], "measures": [{"name": "ISI", "score": 18}]}
    )
    with ChatCompletionsServer(answer) as server:
        facts = extract_with_llm(model_for(server), record(), library.taxonomy, redact_identifiers=True)
    assert facts["client"] == {"age": 34, "pronouns": "she/her"}
    assert facts["measures"][0]["name"] == "ISI"
    (request,) = server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "test-model"
    assert request["body"]["response_format"]["type"] == "json_schema"
    sent = json.dumps(request["body"])
    assert "<intake_notes>" in sent
    for identifier in IDENTIFIERS:
        assert identifier not in sent, identifier


@pytest.mark.parametrize("content", ["this is not json", '{"age": "thirty"}', ""])
def test_malformed_server_output_fails_cleanly(library, content):
    """A server answering malformed content gives LLMExtractionFailed, never a crash or bad data."""
    with ChatCompletionsServer(content) as server, pytest.raises(LLMExtractionFailed):
        extract_with_llm(model_for(server), record(), library.taxonomy, redact_identifiers=True)
