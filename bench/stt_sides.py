"""The two sides of the benchmark: homevoice and bare faster-whisper on the same model folder.

Used inside the spawned child processes: loading each side and transcribing one file with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, partial
from pathlib import Path
from typing import Any

from stt_common import BARE, HOMEVOICE, HOMEVOICE_NO_VAD, Config

BEAM_SIZE = 5

Transcriber = Callable[[Path, str], str]


def homevoice_app(cfg: Config) -> Any:
    from homevoice.app import build_app
    from homevoice.settings import load_settings

    settings = load_settings(
        data_dir=cfg.data_dir,
        log_level="WARNING",
        stt={"device": "cpu", "compute_type": "int8", "cpu_threads": cfg.threads},
        models={"keep_alive_s": -1},
    )
    return build_app(settings)


def bare_model(model: str, cfg: Config) -> Any:
    from faster_whisper import WhisperModel

    from homevoice.engines.assets import resolve_model

    path = resolve_model(model, cfg.data_dir / "models").path
    return WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=cfg.threads)


def bare_text(whisper: Any, audio: Any, language: str) -> str:
    segments, _info = whisper.transcribe(audio, language=language, beam_size=BEAM_SIZE)
    return " ".join(s.text.strip() for s in segments).strip()


def transcribers(
    model: str, cfg: Config, sides: Sequence[str]
) -> tuple[dict[str, Transcriber], Callable[[], None]]:
    """One ``(path, language) -> text`` function per side, and a close function.

    Each side decodes the file itself and loads its model on first use (so a warm-up call times
    the load, and a side run alone carries nothing of the other).
    """
    import faster_whisper

    app = cache(partial(homevoice_app, cfg))
    whisper = cache(partial(bare_model, model, cfg))

    def homevoice(path: Path, language: str, vad: bool | None = None) -> str:
        from homevoice.services.transcription import TranscriptionRequest

        request = TranscriptionRequest(model=model, language=language, vad=vad)
        return str(app().transcription.transcribe(path, request).text)

    def bare(path: Path, language: str) -> str:
        return bare_text(whisper(), faster_whisper.decode_audio(str(path)), language)

    def close() -> None:
        if app.cache_info().currsize:
            app().close()

    every: dict[str, Transcriber] = {
        HOMEVOICE: homevoice,
        HOMEVOICE_NO_VAD: partial(homevoice, vad=False),
        BARE: bare,
    }
    return {side: every[side] for side in sides}, close
