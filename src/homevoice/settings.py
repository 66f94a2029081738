"""Typed settings: defaults < ``homevoice.toml`` < ``HOMEVOICE_*`` environment < explicit overrides.

Nested fields use ``__`` in the environment, for example ``HOMEVOICE_STT__MODEL=base``. Settings are
built once by the entry point and passed down; nothing reads them at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from homevoice.errors import ConfigError
from homevoice.settings_audiobooks import AudiobookSettings
from homevoice.settings_capture import TelegramSettings, VaultSettings
from homevoice.settings_integrations import (
    CommandsSettings,
    HomeAssistantSettings,
    LlmSettings,
    WebhookSettings,
    WyomingSettings,
)
from homevoice.settings_knowledge import RagSettings
from homevoice.settings_voices import VoicesSettings

CONFIG_ENV = "HOMEVOICE_CONFIG"
DEFAULT_CONFIG_NAME = "homevoice.toml"


def default_data_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The XDG data directory: ``$XDG_DATA_HOME/homevoice`` or ``~/.local/share/homevoice``."""
    xdg = env.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "homevoice"


class _Section(BaseModel):
    # A misspelt key is an error, not a silently ignored line.
    model_config = ConfigDict(extra="forbid")


class SttSettings(_Section):
    """Speech to text."""

    model: str = Field(
        "base",
        description="Default model: a catalog name (`homevoice models list`) or a path to a CTranslate2 Whisper folder. `whisper-1` is an alias of this.",
    )
    language: str | None = Field(
        None, description="Default language code (`ru`, `en`...); unset means detect it from the audio."
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        "auto", description="Where models run: `auto` picks CUDA when a GPU is visible, else the CPU."
    )
    compute_type: str = Field(
        "auto", description="CTranslate2 compute type; `auto` means int8 on the CPU and float16 on CUDA."
    )
    cpu_threads: int = Field(0, ge=0, description="CPU threads per model; 0 uses every core.")
    beam_size: int = Field(5, ge=1, le=20, description="Beam size for decoding.")
    vad: bool = Field(
        True,
        description="Skip non-speech with Silero VAD, so silence and noise give an empty transcript instead of invented text.",
    )
    batched_min_duration_s: float = Field(
        60.0,
        ge=0,
        description="Audio at least this long goes through the batched pipeline (faster on long recordings).",
    )
    batch_size: int = Field(8, ge=1, le=64, description="Segments decoded together in the batched pipeline.")
    max_duration_s: float = Field(
        4 * 3600,
        gt=0,
        description="Longest audio accepted, in seconds; longer input is refused with a clear error.",
    )


class ModelsSettings(_Section):
    """Model lifecycle and downloads."""

    keep_alive_s: float = Field(
        300.0,
        description="Seconds an idle model stays loaded; 0 unloads right after use, a negative value never unloads.",
    )
    preload: list[str] = Field(
        default_factory=list,
        description='Models loaded at server start, as a JSON list, for example `["base"]`.',
    )
    hub_endpoint: str | None = Field(
        None,
        description="Hugging Face compatible hub used by `homevoice models pull`; unset means the public hub. Nothing is downloaded unless you run that command.",
    )
    hub_token: SecretStr | None = Field(None, description="Token for private or gated hub repositories.")


class TtsSettings(_Section):
    """Text to speech."""

    voice_en: str = Field("en_US-joe-medium", description="Voice for English text when none is named.")
    voice_ru: str = Field("festival-ru", description="Voice for Russian text when none is named.")
    openai_voices: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description='OpenAI voice names mapped to local voices per language, as JSON, for example `{"nova": {"ru": "ru_RU-irina-medium", "en": "en_US-joe-medium"}}`. Unmapped OpenAI names use the language defaults.',
    )
    lexicon_file: Path | None = Field(
        None,
        description="A pronunciation lexicon: lines `word = how to say it` (use `+` before the stressed vowel in Russian).",
    )
    max_input_chars: int = Field(100_000, ge=1, description="Longest text accepted by one speech request.")


class HttpSettings(_Section):
    """The HTTP server."""

    host: str = Field(
        "127.0.0.1", description="Address the server binds to; the default keeps it private to this machine."
    )
    port: int = Field(8765, ge=1, le=65535, description="TCP port of the server.")
    max_upload_mb: float = Field(
        200.0, gt=0, description="Largest request body accepted, in megabytes; larger uploads get 413."
    )
    concurrency_per_model: int = Field(
        1,
        ge=1,
        le=64,
        description="Requests one model instance serves at the same time; others wait in its queue.",
    )
    max_waiting_per_model: int = Field(
        16,
        ge=0,
        description="Requests allowed to wait for a busy model; beyond that the server answers 429 with Retry-After.",
    )


class JobsSettings(_Section):
    """Durable jobs for long work (DBOS workflows on queues)."""

    database_url: str | None = Field(
        None,
        description="DBOS system database. Unset keeps it in SQLite in the data dir; `postgresql://user:pass@host/db` lets `homevoice worker` processes on several machines share the queues.",
    )
    worker_id: str = Field(
        "local",
        description="This process's worker identity. Each worker sharing a PostgreSQL database needs its own; a restarted worker resumes the jobs it held under the same id.",
    )
    run_workers: bool = Field(
        True,
        description="Whether `homevoice serve` also runs jobs, or only queues them for `homevoice worker`.",
    )
    concurrency_per_model: int = Field(
        1, ge=1, le=64, description="Jobs one worker runs at the same time on one model."
    )
    max_queued_per_model: int = Field(
        100,
        ge=1,
        description="Jobs allowed to wait on one model's queue; more are refused with 429 and Retry-After, so queued audio cannot fill the disk.",
    )
    chunk_s: float = Field(
        300.0,
        ge=30,
        description="Long audio is transcribed in checkpointed chunks of about this many seconds, so a killed job resumes from its last finished chunk.",
    )


class Settings(BaseSettings):
    """Every setting of homevoice."""

    model_config = SettingsConfigDict(
        env_prefix="HOMEVOICE_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where models, queues and server state live (never inside the vault).",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "WARNING", description="Log level. Transcripts and note text are never logged at INFO or above."
    )
    stt: SttSettings = Field(default_factory=SttSettings)  # type: ignore[arg-type]
    models: ModelsSettings = Field(default_factory=ModelsSettings)  # type: ignore[arg-type]
    tts: TtsSettings = Field(default_factory=TtsSettings)  # type: ignore[arg-type]
    http: HttpSettings = Field(default_factory=HttpSettings)  # type: ignore[arg-type]
    jobs: JobsSettings = Field(default_factory=JobsSettings)  # type: ignore[arg-type]
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)  # type: ignore[arg-type]
    vault: VaultSettings = Field(default_factory=VaultSettings)  # type: ignore[arg-type]
    wyoming: WyomingSettings = Field(default_factory=WyomingSettings)  # type: ignore[arg-type]
    commands: CommandsSettings = Field(default_factory=CommandsSettings)  # type: ignore[arg-type]
    homeassistant: HomeAssistantSettings = Field(default_factory=HomeAssistantSettings)  # type: ignore[arg-type]
    llm: LlmSettings = Field(default_factory=LlmSettings)  # type: ignore[arg-type]
    audiobooks: AudiobookSettings = Field(default_factory=AudiobookSettings)  # type: ignore[arg-type]
    rag: RagSettings = Field(default_factory=RagSettings)  # type: ignore[arg-type]
    voices: VoicesSettings = Field(default_factory=VoicesSettings)  # type: ignore[arg-type]
    webhooks: list[WebhookSettings] = Field(
        default_factory=list,
        description='Outgoing webhooks as JSON, for example `[{"url": "http://127.0.0.1:5678/webhook/notes", "events": ["note.created"], "secret": "s3cret"}]`. Deliveries are durable and retried with backoff.',
    )
    api_keys: list[SecretStr] = Field(
        default_factory=list,
        description='API keys as a JSON list, for example `["k1","k2"]`. When set, every HTTP route but `/healthz` needs `Authorization: Bearer KEY`. Required to bind a non-loopback address.',
    )

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def audiobooks_dir(self) -> Path:
        """Finished audiobooks (one folder each) and the sentence audio cache."""
        return self.data_dir / "audiobooks"

    @property
    def knowledge_dir(self) -> Path:
        """The search index: passages and keywords (SQLite) and, by default, vectors (Milvus Lite)."""
        return self.data_dir / "knowledge"

    @property
    def voices_dir(self) -> Path:
        """Enrolled voices: one folder each with the checked sample and what was fitted to it."""
        return self.data_dir / "voices"

    @property
    def vault_dir(self) -> Path:
        return self.vault.path if self.vault.path is not None else self.data_dir / "vault"

    @property
    def vault_name(self) -> str:
        """What Obsidian calls the vault (in ``obsidian://`` links): its folder's name."""
        return self.vault_dir.name


def resolve_config_path(explicit: Path | None, env: Mapping[str, str], cwd: Path) -> Path | None:
    """Which TOML file to read: ``--config``, then ``HOMEVOICE_CONFIG``, then ``./homevoice.toml`` if present."""
    if explicit is not None:
        return explicit
    from_env = env.get(CONFIG_ENV, "").strip()
    if from_env:
        return Path(from_env)
    local = cwd / DEFAULT_CONFIG_NAME
    return local if local.is_file() else None


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings once, for the entry point. Raises ConfigError with a readable message."""
    path = resolve_config_path(config_file, os.environ, Path.cwd())
    if path is not None and not path.is_file():
        raise ConfigError(f"Config file {path} does not exist; create it or unset {CONFIG_ENV}.")

    class _FromFile(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
            if path is not None:
                sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
            return tuple(sources)

    try:
        return _FromFile(**overrides)
    except ValidationError as err:
        raise ConfigError(_describe_validation(err, path)) from err
    except SettingsError as err:  # an environment value that is not valid JSON for a list or table
        raise ConfigError(
            f"Invalid HOMEVOICE_* environment value: {err}; lists and tables must be JSON, for example "
            "HOMEVOICE_MODELS__PRELOAD='[\"base\"]'."
        ) from err
    except ValueError as err:  # malformed TOML
        raise ConfigError(f"Cannot read config file {path}: {err}") from err


def _describe_validation(err: ValidationError, path: Path | None) -> str:
    where = f" (from {path} or HOMEVOICE_* variables)" if path else " (from HOMEVOICE_* variables)"
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in err.errors()
    )
    return f"Invalid settings{where}: {problems}"
