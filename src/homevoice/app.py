"""The composition root: the one place where settings, engines and services meet."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from homevoice.audiobooks.library import AudiobookLibrary
from homevoice.capture.spool import Spool
from homevoice.capture.store import CaptureStore
from homevoice.engines.assets import resolve_model
from homevoice.engines.base import SpeechToText, SttLoadOptions, TextToSpeech, VoiceCloner
from homevoice.engines.catalog import EngineName
from homevoice.engines.manager import ModelManager
from homevoice.engines.registry import load_backend
from homevoice.services.audiobooks import AudiobookService
from homevoice.services.capture import CaptureService
from homevoice.services.notes import NoteService
from homevoice.services.speech import SpeechService
from homevoice.services.transcription import TranscriptionRequest, TranscriptionService
from homevoice.services.webhooks import WebhookService
from homevoice.settings import Settings
from homevoice.voices.loading import cloner_manager, enrolled_voices, voice_loader

if TYPE_CHECKING:
    from homevoice.commands.service import CommandService
    from homevoice.services.knowledge import KnowledgeService
    from homevoice.services.voices import VoiceService

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    stt_models: ModelManager[SpeechToText]
    transcription: TranscriptionService
    voices: ModelManager[TextToSpeech]
    speech: SpeechService
    cloners: ModelManager[VoiceCloner] | None = None
    """The cloning model shared by every enrolled voice (XTTS-v2), loaded on first use."""
    webhooks: WebhookService = field(default_factory=lambda: WebhookService([]))
    """Outgoing webhooks (``settings.webhooks``): ``webhooks.publish(event, data)`` from a worker
    thread or a DBOS step; the deliveries run while the job runtime of this process is running."""

    _capture: CaptureService | None = field(default=None, init=False)
    _notes: NoteService | None = field(default=None, init=False)
    _commands: CommandService | None = field(default=None, init=False)
    _audiobooks: AudiobookService | None = field(default=None, init=False)
    _knowledge: KnowledgeService | None = field(default=None, init=False)
    _voice_service: VoiceService | None = field(default=None, init=False)
    _knowledge_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    """The bot, the HTTP routes and the periodic refresh may ask at once; Milvus Lite opens once."""

    def capture(self) -> CaptureService:
        """Captures into the vault; their database and spool are opened on first use."""
        if self._capture is None:
            self._make_default_vault()
            capture_dir = self.settings.data_dir / "capture"
            self._capture = CaptureService(
                self.settings.vault,
                self.settings.vault_dir,
                self.transcription,
                CaptureStore(capture_dir / "captures.sqlite"),
                Spool(capture_dir / "spool"),
                self.settings.commands.wake_phrases,
            )
        return self._capture

    def notes(self) -> NoteService:
        """Notes saved from the web page into the vault inbox."""
        if self._notes is None:
            self._make_default_vault()
            self._notes = NoteService(self.settings.vault, self.settings.vault_dir)
        return self._notes

    def _make_default_vault(self) -> None:
        if self.settings.vault.path is None:
            # The default vault lives in the data dir; a configured one may be a share that is not
            # mounted yet, which must not be papered over with an empty folder.
            self.settings.vault_dir.mkdir(parents=True, exist_ok=True)

    def commands(self) -> CommandService:
        """Voice commands; their integrations (Home Assistant, an LLM) are set up on first use."""
        if self._commands is None:
            from homevoice.commands.build import build_commands

            webhooks = getattr(self, "webhooks", None)
            self._commands = build_commands(
                self.settings,
                self.transcription,
                self.speech,
                webhooks.publish if webhooks else None,
                knowledge=self.knowledge,
            )
        return self._commands

    def audiobook_library(self) -> AudiobookLibrary:
        """Finished audiobooks, listed by the API and the podcast feed."""
        return AudiobookLibrary(self.settings.audiobooks_dir / "books")

    def audiobooks(self) -> AudiobookService:
        """Read-aloud; its synthesis processes start on the first render."""
        if self._audiobooks is None:
            self._audiobooks = AudiobookService(self.settings, self.speech, self.audiobook_library())
        return self._audiobooks

    def knowledge(self) -> KnowledgeService:
        """Search and answers over the vault; the embedder and the index open on first use."""
        with self._knowledge_lock:
            if self._knowledge is None:
                from homevoice.services.knowledge_build import build_knowledge

                self._knowledge = build_knowledge(self.settings)
            return self._knowledge

    def enrolled_voices(self) -> VoiceService:
        """Enrolling, listing and removing voices made from a sample."""
        if self._voice_service is None:
            from homevoice.services.voices import VoiceService

            assert self.speech.enrolled is not None
            self._voice_service = VoiceService(
                self.settings, self.speech.enrolled, self.transcription, self.speech, self.voices
            )
        return self._voice_service

    def close(self) -> None:
        self.stt_models.close()
        self.voices.close()
        if self.cloners is not None:
            self.cloners.close()
        if self._audiobooks is not None:
            self._audiobooks.close()
        if self._capture is not None:
            self._capture.store.close()
        if self._knowledge is not None:
            self._knowledge.close()


def build_app(settings: Settings) -> App:
    stt_models: ModelManager[SpeechToText] = ModelManager(
        lambda name: load_stt_engine(settings, name), settings.models.keep_alive_s
    )
    transcription = TranscriptionService(settings.stt, stt_models)
    cloners = cloner_manager(settings)
    enrolled = enrolled_voices(settings, cloners, _transcriber(transcription))
    voices: ModelManager[TextToSpeech] = ModelManager(
        voice_loader(enrolled, settings), settings.models.keep_alive_s
    )
    return App(
        settings,
        stt_models,
        transcription,
        voices,
        SpeechService(settings.tts, voices, enrolled),
        cloners=cloners,
        webhooks=WebhookService(settings.webhooks),
    )


def _transcriber(transcription: TranscriptionService) -> Callable[[bytes, str], str]:
    def transcribe(wav: bytes, language: str) -> str:
        return transcription.transcribe(wav, TranscriptionRequest(language=language), name="speech").text

    return transcribe


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
