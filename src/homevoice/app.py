"""The composition root: the one place where settings, engines and services meet."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from homevoice.capture.spool import Spool
from homevoice.capture.store import CaptureStore
from homevoice.engines.assets import resolve_model
from homevoice.engines.base import SpeechToText, SttLoadOptions, TextToSpeech
from homevoice.engines.catalog import EngineName
from homevoice.engines.manager import ModelManager
from homevoice.engines.registry import load_backend
from homevoice.engines.tts.loading import load_tts_engine
from homevoice.services.capture import CaptureService
from homevoice.services.speech import SpeechService
from homevoice.services.transcription import TranscriptionService
from homevoice.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    stt_models: ModelManager[SpeechToText]
    transcription: TranscriptionService
    voices: ModelManager[TextToSpeech]
    speech: SpeechService

    _capture: CaptureService | None = field(default=None, init=False)

    def capture(self) -> CaptureService:
        """Captures into the vault; their database and spool are opened on first use."""
        if self._capture is None:
            if self.settings.vault.path is None:
                # The default vault lives in the data dir; a configured one may be a share that is not
                # mounted yet, which must not be papered over with an empty folder.
                self.settings.vault_dir.mkdir(parents=True, exist_ok=True)
            capture_dir = self.settings.data_dir / "capture"
            self._capture = CaptureService(
                self.settings.vault,
                self.settings.vault_dir,
                self.transcription,
                CaptureStore(capture_dir / "captures.sqlite"),
                Spool(capture_dir / "spool"),
            )
        return self._capture

    def close(self) -> None:
        self.stt_models.close()
        self.voices.close()
        if self._capture is not None:
            self._capture.store.close()


def build_app(settings: Settings) -> App:
    stt_models: ModelManager[SpeechToText] = ModelManager(
        lambda name: load_stt_engine(settings, name), settings.models.keep_alive_s
    )
    voices: ModelManager[TextToSpeech] = ModelManager(
        lambda name: load_tts_engine(settings, name), settings.models.keep_alive_s
    )
    return App(
        settings,
        stt_models,
        TranscriptionService(settings.stt, stt_models),
        voices,
        SpeechService(settings.tts, voices),
    )


def load_stt_engine(settings: Settings, name: str) -> SpeechToText:
    resolved = resolve_model(name, settings.models_dir)
    engine_name = resolved.spec.engine if resolved.spec else EngineName.FASTER_WHISPER
    engine_cls = load_backend(engine_name)
    options = SttLoadOptions(
        device=settings.stt.device,
        compute_type=settings.stt.compute_type,
        cpu_threads=settings.stt.cpu_threads,
        languages=resolved.spec.languages if resolved.spec else None,
    )
    engine: SpeechToText = engine_cls(resolved.path, options)
    return engine
