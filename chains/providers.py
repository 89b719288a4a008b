"""The optional language model: one factory from settings to a LangChain chat model (or None)."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableLambda

from clinical.record import scrub
from config import Settings


class LLMConfigError(ValueError):
    """The model settings are incomplete or inconsistent; the message names the setting."""


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """A chat model for the configured provider, or None when the app runs without one (the default)."""
    from langchain.chat_models import init_chat_model

    provider = settings.llm_provider
    if provider == "none":
        return None
    if not settings.llm_model:
        raise LLMConfigError(f"ANAMNESIS_LLM_MODEL is required when ANAMNESIS_LLM_PROVIDER={provider}")
    api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    common = {"timeout": settings.llm_timeout_seconds, "temperature": 0}
    match provider:
        case "openai":
            if not settings.llm_base_url and not api_key:
                raise LLMConfigError(
                    "Set ANAMNESIS_LLM_BASE_URL for a local server, or ANAMNESIS_LLM_API_KEY for a hosted one"
                )
            # Local OpenAI-compatible servers ignore the key but the client insists on one.
            return init_chat_model(
                settings.llm_model,
                model_provider="openai",
                base_url=settings.llm_base_url,
                api_key=api_key or "not-needed",
                max_retries=0,
                **common,
            )
        case "ollama":
            return init_chat_model(
                settings.llm_model,
                model_provider="ollama",
                base_url=settings.llm_base_url or "http://127.0.0.1:11434",
                temperature=0,
                # ChatOllama has no timeout of its own; its httpx clients take one.
                client_kwargs={"timeout": settings.llm_timeout_seconds},
            )
        case "anthropic":
            if not api_key:
                raise LLMConfigError("ANAMNESIS_LLM_API_KEY is required for the anthropic provider")
            return init_chat_model(
                settings.llm_model,
                model_provider="anthropic",
                api_key=api_key,
                base_url=settings.llm_base_url,
                max_retries=0,
                **common,
            )
    raise LLMConfigError(f"unknown ANAMNESIS_LLM_PROVIDER {provider!r}")  # pragma: no cover - Literal guards it


def structured(model: BaseChatModel, schema: type, settings: Settings):
    """`model.with_structured_output(schema)`, with the configured method where the provider supports one, and
    its answer made writable (lone surrogates replaced; see `records.models.scrub`)."""
    if settings.llm_provider == "openai":
        runnable = model.with_structured_output(schema, method=settings.llm_structured_method)
    else:
        runnable = model.with_structured_output(schema)
    return runnable | RunnableLambda(scrub)
