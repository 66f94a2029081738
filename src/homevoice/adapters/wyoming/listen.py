"""Speech to text over Wyoming: ``transcribe`` → ``audio-start`` → ``audio-chunk``… → ``audio-stop``.

Whisper decodes a whole utterance, so the audio is collected (converted to 16 kHz mono on the way)
and transcribed at ``audio-stop``. The answer streams: ``transcript-start``, a ``transcript-chunk``
per decoded segment, the whole ``transcript`` (for clients that know no streaming), ``transcript-stop``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from wyoming.asr import Transcribe, Transcript, TranscriptChunk, TranscriptStart, TranscriptStop
from wyoming.audio import AudioChunk, AudioChunkConverter, AudioStart
from wyoming.event import Event

from homevoice.adapters.wyoming.bridge import pcm16_to_float
from homevoice.adapters.wyoming.info import installed
from homevoice.audio.codec import SAMPLE_RATE
from homevoice.engines.base import Segment
from homevoice.engines.catalog import CATALOG, find_model
from homevoice.errors import AudioTooLongError, EmptyAudioError
from homevoice.services.transcription import TranscriptionRequest, TranscriptionService
from homevoice.settings import SttSettings

log = logging.getLogger(__name__)

Write = Callable[[Event], Awaitable[None]]
WIDTH = 2


def language_code(language: str | None) -> str | None:
    """``en-US`` → ``en``: Home Assistant may send a locale, Whisper wants a language."""
    if language is None or not language.strip():
        return None
    return language.strip().replace("_", "-").split("-")[0].lower()


def choose_model(
    service: TranscriptionService, models_dir: Path, name: str | None, language: str | None
) -> str | None:
    """The model to use: the one named, else the default, unless the default cannot hear the
    language (Home Assistant asks for Russian without naming a model): then an installed one that can."""
    if name:
        return name
    spec = find_model(service.model_name(None))
    if language is None or spec is None or spec.languages is None or language in spec.languages:
        return None
    for candidate in installed(CATALOG, models_dir):
        if candidate.languages is None or language in candidate.languages:
            return candidate.name
    return None  # the service's error then names a model to install


class Listener:
    """The state of one utterance on one connection; reset after every ``audio-stop``."""

    def __init__(self, service: TranscriptionService, settings: SttSettings, models_dir: Path) -> None:
        self._service = service
        self._models_dir = models_dir
        self._max_bytes = int(settings.max_duration_s * SAMPLE_RATE * WIDTH)
        self._reset()

    def _reset(self) -> None:
        self._name: str | None = None
        self._language: str | None = None
        self._converter = AudioChunkConverter(rate=SAMPLE_RATE, width=WIDTH, channels=1)
        self._pcm = bytearray()
        self._too_long = False

    def request(self, transcribe: Transcribe) -> None:
        self._name = transcribe.name or None
        self._language = language_code(transcribe.language)

    def start(self, start: AudioStart) -> None:
        # A new stream: the resampler's state must not carry over from an earlier one.
        self._converter = AudioChunkConverter(rate=SAMPLE_RATE, width=WIDTH, channels=1)
        self._pcm = bytearray()
        self._too_long = False

    def add(self, chunk: AudioChunk) -> None:
        if self._too_long:
            return
        pcm = self._converter.convert(chunk).audio
        if len(self._pcm) + len(pcm) > self._max_bytes:
            self._too_long = True  # keep reading the client's chunks, answer at audio-stop
            return
        self._pcm.extend(pcm)

    async def stop(self, write: Write) -> None:
        """Transcribe what arrived and answer; the next utterance starts afresh whatever happens."""
        pcm, name, language, too_long = bytes(self._pcm), self._name, self._language, self._too_long
        self._reset()
        if too_long:
            raise AudioTooLongError(
                f"The audio is longer than {self._max_bytes // (SAMPLE_RATE * WIDTH)} s "
                "(HOMEVOICE_STT__MAX_DURATION_S)."
            )
        samples = pcm16_to_float(pcm)
        if not len(samples):
            raise EmptyAudioError("No audio arrived between audio-start and audio-stop.")
        model = choose_model(self._service, self._models_dir, name, language)
        request = TranscriptionRequest(model=model, language=language)
        await _transcribe(self._service, request, samples, language, write)


async def _transcribe(
    service: TranscriptionService,
    request: TranscriptionRequest,
    samples: NDArray[np.float32],
    language: str | None,
    write: Write,
) -> None:
    loop = asyncio.get_running_loop()
    segments: asyncio.Queue[Segment | None] = asyncio.Queue()

    def on_segment(segment: Segment) -> None:  # in the worker thread
        loop.call_soon_threadsafe(segments.put_nowait, segment)

    job = asyncio.ensure_future(
        asyncio.to_thread(service.transcribe_samples, samples, request, on_segment=on_segment)
    )
    # The thread's segments are queued before its result is set, so None comes after the last one.
    job.add_done_callback(lambda _: segments.put_nowait(None))
    started = False
    try:
        while (segment := await segments.get()) is not None:
            if not started:
                await write(TranscriptStart(language=language).event())
                started = True
                await write(TranscriptChunk(text=segment.text).event())
            else:
                await write(TranscriptChunk(text=" " + segment.text).event())
        transcript = await job
    except Exception:
        if started:  # close the stream the client has seen begin; the error follows
            await write(TranscriptStop().event())
        raise
    if not started:
        await write(TranscriptStart(language=transcript.language).event())
    await write(Transcript(text=transcript.text, language=transcript.language).event())
    await write(TranscriptStop().event())
