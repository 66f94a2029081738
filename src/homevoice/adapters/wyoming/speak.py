"""Text to speech over Wyoming: ``synthesize``, and the streamed ``synthesize-start`` … ``-stop``.

Audio goes out as 16-bit mono PCM at the voice's own rate, at most a second per ``audio-chunk``,
as soon as each sentence is synthesised. A stream of text (an LLM's answer as it is written) is cut
into sentences as they complete, each spoken at once, all in one ``audio-start`` … ``audio-stop``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextlib import aclosing

import numpy as np
from numpy.typing import NDArray
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.event import Event
from wyoming.tts import Synthesize, SynthesizeStopped, SynthesizeVoice

from homevoice.adapters.wyoming.bridge import error_event, float_to_pcm16, pieces, thread_iter
from homevoice.adapters.wyoming.listen import language_code
from homevoice.services.speech import SENTENCE_GAP_S, SpeechPlan, SpeechRequest, SpeechService
from homevoice.text import detect_language, split_sentences
from homevoice.text.language import SUPPORTED_LANGUAGES

log = logging.getLogger(__name__)

Write = Callable[[Event], Awaitable[None]]
WIDTH = 2
LINE_BREAKS = "\r\n\u2028\u2029"


def complete_sentences(text: str, language: str | None) -> tuple[list[str], str]:
    """The sentences of ``text`` known to be complete, and the rest to keep for later.

    The last sentence is complete only once a line break follows it: a full stop may yet turn out
    to end an abbreviation ("Dr." then " Smith"), so it waits until the next sentence begins.
    """
    lang = language if language in SUPPORTED_LANGUAGES else detect_language(text)
    sentences = split_sentences(text, lang)
    if not sentences or text.rstrip(" \t")[-1:] in LINE_BREAKS:
        return sentences, ""
    last = sentences[-1]
    return sentences[:-1], text[text.rfind(last) :]


class AudioOut:
    """One audio stream to the client: ``audio-start`` once, chunks, ``audio-stop`` once."""

    def __init__(self, write: Write) -> None:
        self._write = write
        self.rate: int | None = None

    async def begin(self, rate: int) -> None:
        if self.rate is None:
            self.rate = rate
            await self._write(AudioStart(rate=rate, width=WIDTH, channels=1).event())

    async def send(self, samples: NDArray[np.float32]) -> None:
        assert self.rate is not None
        for piece in pieces(float_to_pcm16(samples), self.rate * WIDTH):
            await self._write(AudioChunk(rate=self.rate, width=WIDTH, channels=1, audio=piece).event())

    async def pause(self, seconds: float) -> None:
        if self.rate is not None:
            await self.send(np.zeros(int(seconds * self.rate), dtype=np.float32))

    async def end(self) -> None:
        if self.rate is not None:
            await self._write(AudioStop().event())


class Speaker:
    """Speaks for one connection."""

    def __init__(self, speech: SpeechService, write: Write) -> None:
        self._speech = speech
        self._write = write

    def voice(self, voice: SynthesizeVoice | None) -> tuple[str | None, str | None]:
        """(voice name, language) of a request; an unknown voice fails here, before any audio."""
        name = (voice.name if voice else None) or None
        language = language_code(voice.language if voice else None)
        if name is not None:
            language = language or self._speech.voice_language(name)
            self._speech.voice_for(name, language or "en")
        return name, language

    async def plan(self, text: str, name: str | None, language: str | None) -> SpeechPlan:
        return await asyncio.to_thread(self._speech.plan, SpeechRequest(text, name, language))

    async def synthesize(self, request: Synthesize) -> None:
        """The whole text in one audio stream; audio-start only once the voice has loaded."""
        name, language = self.voice(request.voice)
        plan = await self.plan(request.text, name, language)
        out = AudioOut(self._write)
        await self.speak(plan, out)
        await out.end()

    async def speak(self, plan: SpeechPlan, out: AudioOut) -> None:
        # Loading the voice here means a broken voice is an error event, not a cut-off stream.
        await out.begin(await asyncio.to_thread(self._speech.sample_rate, plan.voice))
        async with aclosing(thread_iter(lambda: self._speech.samples(plan))) as audio:
            async for samples in audio:
                await out.send(samples)

    def stream(self, voice: SynthesizeVoice | None) -> SpeechStream:
        return SpeechStream(self, self._write, voice)


class SpeechStream:
    """``synthesize-start`` … ``synthesize-stop``: text arrives in pieces, audio leaves by sentence."""

    def __init__(self, speaker: Speaker, write: Write, voice: SynthesizeVoice | None) -> None:
        self._speaker = speaker
        self._write = write
        self._out = AudioOut(write)
        self._buffer = ""
        self._sentences: asyncio.Queue[str | None] = asyncio.Queue()
        self._failed = False
        self._name: str | None = None
        self._language: str | None = None
        self.error: Exception | None = None
        """Set when the stream cannot be spoken (an unknown voice); the rest of it is read and dropped."""
        try:
            self._name, self._language = speaker.voice(voice)
        except Exception as err:
            self.error = err
            self._failed = True
        # Sentences are spoken by one task while the connection keeps reading the text.
        self._task = asyncio.create_task(self._speak_all(), name="wyoming speech stream")

    def add(self, text: str) -> None:
        if self._failed:
            return
        self._buffer += text
        complete, self._buffer = complete_sentences(self._buffer, self._language)
        for sentence in complete:
            self._sentences.put_nowait(sentence)

    async def finish(self) -> None:
        """Speak what is left, end the audio, and say so (``synthesize-stopped``)."""
        if self._buffer.strip() and not self._failed:
            self._sentences.put_nowait(self._buffer.strip())
        self._buffer = ""
        self._sentences.put_nowait(None)
        await self._task
        await self._out.end()
        await self._write(SynthesizeStopped().event())

    def cancel(self) -> None:
        self._task.cancel()

    async def _speak_all(self) -> None:
        while (sentence := await self._sentences.get()) is not None:
            if self._failed:
                continue
            try:
                plan = await self._speaker.plan(sentence, self._name, self._language)
                # Every sentence in the voice (and language) the first one chose.
                self._name, self._language = plan.voice, plan.language
                await self._out.pause(SENTENCE_GAP_S)  # nothing before the first sentence
                await self._speaker.speak(plan, self._out)
            except Exception as err:
                self._failed = True
                if isinstance(err, ConnectionError):
                    return  # the client is gone; the handler notices on its own
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await self._write(error_event(err))
