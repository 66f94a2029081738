"""The three sides, each a ``() -> text`` call on one file: bare engine, homevoice in-process, HTTP.

All three run the same model folder with the same options: int8 on the CPU, ``cfg.threads``
threads, beam 5, Silero VAD on, no batching (the clip is shorter than homevoice's batching
threshold), and the same language choice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openai import DefaultHttpxClient, OpenAI, omit

from homevoice.app import App
from homevoice.audio.codec import decode_audio
from homevoice.services.transcription import TranscriptionRequest
from http_common import BEAM_SIZE, VAD, Config

Call = Callable[[], str]


def load_bare(cfg: Config) -> Any:
    """``faster_whisper.WhisperModel`` on the folder homevoice resolves for the model."""
    from faster_whisper import WhisperModel

    from homevoice.engines.assets import resolve_model

    path = resolve_model(cfg.model, cfg.data_dir / "models").path
    return WhisperModel(
        str(path), device="cpu", compute_type="int8", cpu_threads=cfg.threads, local_files_only=True
    )


def load_app(cfg: Config, config_file: Path) -> App:
    from homevoice.app import build_app
    from homevoice.settings import load_settings

    settings = load_settings(
        config_file,
        data_dir=cfg.data_dir,
        log_level="WARNING",
        stt={
            "model": cfg.model,
            "device": "cpu",
            "compute_type": "int8",
            "cpu_threads": cfg.threads,
            "beam_size": BEAM_SIZE,
            "vad": VAD,
        },
        models={"keep_alive_s": -1},
    )
    app = build_app(settings)
    app.stt_models.load(cfg.model)
    return app


def openai_client(base: str) -> OpenAI:
    """One client, so one pool: requests reuse a kept-alive connection. No retries hide failures."""
    return OpenAI(
        base_url=f"{base}/v1",
        api_key="unused",
        max_retries=0,
        timeout=600,
        http_client=DefaultHttpxClient(trust_env=False),
    )


def bare_call(whisper: Any, data: bytes, language: str | None) -> Call:
    """The engine alone on samples decoded beforehand (by homevoice, so every side hears the same)."""
    samples = decode_audio(data).samples

    def call() -> str:
        segments, _info = whisper.transcribe(
            samples,
            language=language,
            task="transcribe",
            beam_size=BEAM_SIZE,
            initial_prompt=None,
            hotwords=None,
            word_timestamps=False,
            vad_filter=VAD,
        )
        return " ".join(t for s in segments if (t := str(s.text).strip())).strip()

    return call


def in_process_call(app: App, data: bytes, cfg: Config) -> Call:
    request = TranscriptionRequest(model=cfg.model, language=cfg.language)

    def call() -> str:
        return str(app.transcription.transcribe(data, request).text)

    return call


def keep_warm(client: OpenAI) -> None:
    """A light request on the client's pool: uvicorn closes connections idle for 5 s (its default)."""
    client.models.list()


def http_call(client: OpenAI, data: bytes, name: str, mime: str, cfg: Config) -> Call:
    language = cfg.language or omit

    def call() -> str:
        answer = client.audio.transcriptions.create(
            model=cfg.model, file=(name, data, mime), language=language
        )
        return str(answer.text)

    return call
