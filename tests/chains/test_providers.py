"""The provider factory, and the real client against a loopback OpenAI-protocol server."""

from __future__ import annotations

import json

import pytest

from chains.model_extraction import LLMExtractionFailed, LLMIntakeFacts, extract_with_llm
from chains.providers import LLMConfigError, make_chat_model, structured
from config import Settings
from tests.builders import IDENTIFIERS, record_with_identifiers
from tests.fakes import ChatCompletionsServer, OllamaServer


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


class TestOllama:
    def test_answers_through_the_real_client(self):
        """The Ollama provider talks to a loopback server speaking Ollama's chat API and returns its answer."""
        with OllamaServer("Noted.") as server:
            model = make_chat_model(Settings(llm_provider="ollama", llm_model="llama3", llm_base_url=server.url))
            assert model.invoke("Say noted.").content == "Noted."
        assert server.requests[0]["path"] == "/api/chat" and server.requests[0]["body"]["model"] == "llama3"

    def test_honours_the_timeout_setting(self):
        """A server slower than ANAMNESIS_LLM_TIMEOUT_SECONDS makes the Ollama call fail instead of hanging."""
        import httpx

        settings = Settings(llm_provider="ollama", llm_model="llama3", llm_timeout_seconds=1)
        with OllamaServer("late", delay=30) as server:
            model = make_chat_model(settings.model_copy(update={"llm_base_url": server.url}))
            with pytest.raises(httpx.TimeoutException):
                model.invoke("hello")


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
        facts = extract_with_llm(
            model_for(server), record_with_identifiers(), library.taxonomy, redact_identifiers=True
        )
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
        extract_with_llm(model_for(server), record_with_identifiers(), library.taxonomy, redact_identifiers=True)
