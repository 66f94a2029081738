"""One Wyoming connection: events in, the services called, events out.

Home Assistant opens a connection per request, but a connection may carry any number of them; an
error is answered with an ``error`` event and the connection stays open for the next request.
"""

from __future__ import annotations

import asyncio
import logging

from wyoming.asr import Transcribe
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.event import Event
from wyoming.info import Describe
from wyoming.ping import Ping, Pong
from wyoming.server import AsyncEventHandler
from wyoming.tts import Synthesize, SynthesizeChunk, SynthesizeStart, SynthesizeStop

from homevoice.adapters.wyoming.bridge import error_event
from homevoice.adapters.wyoming.info import describe
from homevoice.adapters.wyoming.listen import Listener
from homevoice.adapters.wyoming.speak import Speaker, SpeechStream
from homevoice.app import App
from homevoice.errors import HomevoiceError

log = logging.getLogger(__name__)


class WyomingHandler(AsyncEventHandler):
    def __init__(self, app: App, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        super().__init__(reader, writer)
        self._app = app
        settings = app.settings
        self._listener = Listener(app.transcription, settings.stt, settings.models_dir)
        self._speaker = Speaker(app.speech, self.write_event)
        self._stream: SpeechStream | None = None

    async def handle_event(self, event: Event) -> bool:
        try:
            await self._dispatch(event)
        except Exception as err:
            if isinstance(err, HomevoiceError):
                log.info("wyoming: %s answered with error %s: %s", event.type, err.code, err.message)
            try:
                await self.write_event(error_event(err))
            except (ConnectionError, RuntimeError):
                return False  # the client is gone
        return True

    async def _dispatch(self, event: Event) -> None:
        kind = event.type
        if AudioChunk.is_type(kind):  # the most frequent event first
            self._listener.add(AudioChunk.from_event(event))
        elif Describe.is_type(kind):
            enrolled = await asyncio.to_thread(self._app.enrolled_voices().list_voices)
            info = await asyncio.to_thread(describe, self._app.settings.models_dir, enrolled)
            await self.write_event(info.event())
        elif Transcribe.is_type(kind):
            self._listener.request(Transcribe.from_event(event))
        elif AudioStart.is_type(kind):
            self._listener.start(AudioStart.from_event(event))
        elif AudioStop.is_type(kind):
            await self._listener.stop(self.write_event)
        elif Synthesize.is_type(kind):
            # Streaming clients also send the whole text as ``synthesize`` for servers that know no
            # streaming; inside a stream it is a copy of what is being spoken already.
            if self._stream is None:
                await self._speaker.synthesize(Synthesize.from_event(event))
        elif SynthesizeStart.is_type(kind):
            if self._stream is not None:
                self._stream.cancel()
            self._stream = self._speaker.stream(SynthesizeStart.from_event(event).voice)
            if self._stream.error is not None:
                raise self._stream.error
        elif SynthesizeChunk.is_type(kind):
            if self._stream is not None:
                self._stream.add(SynthesizeChunk.from_event(event).text)
        elif SynthesizeStop.is_type(kind):
            stream, self._stream = self._stream, None
            if stream is not None:
                await stream.finish()
        elif Ping.is_type(kind):
            await self.write_event(Pong(text=Ping.from_event(event).text).event())
        else:
            log.debug("wyoming: ignored a %s event", kind)

    async def run(self) -> None:
        try:
            await super().run()
        except (ConnectionError, asyncio.IncompleteReadError):
            # Home Assistant hangs up as soon as it has its transcript, before transcript-stop.
            log.debug("wyoming: the client hung up")

    async def disconnect(self) -> None:
        if self._stream is not None:
            self._stream.cancel()
            self._stream = None
