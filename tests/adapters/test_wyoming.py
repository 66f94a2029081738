"""The Wyoming server as Home Assistant uses it: a real TCP server over the embedded models, driven by
wyoming's own client."""

from __future__ import annotations

import asyncio
import socket
import threading
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event
from wyoming.info import Describe, Info
from wyoming.tts import Synthesize, SynthesizeChunk, SynthesizeStart, SynthesizeStop, SynthesizeVoice
from zeroconf.asyncio import AsyncServiceBrowser, AsyncZeroconf

from homevoice import __version__
from homevoice.adapters.wyoming import WyomingServer
from homevoice.adapters.wyoming.discovery import SERVICE_TYPE, machine_addresses, service_info
from homevoice.adapters.wyoming.speak import complete_sentences
from homevoice.app import App
from homevoice.evaluation.wer import normalize, word_error_rate
from homevoice.settings_integrations import WyomingSettings
from tests.fakes.live_server import free_port

pytestmark = pytest.mark.e2e

TIMEOUT_S = 120.0
VOICE = "en_US-joe-medium"
SPOKEN = "The kitchen lights are on. The front door is locked, and the heating is set to twenty degrees."
ANSWER = (
    "Good morning. It is cloudy outside, with a light wind from the west. "
    "Take an umbrella if you go out this afternoon."
)


class Loop:
    """An event loop in a background thread, where the server lives while the tests talk to it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="wyoming-test", daemon=True)
        self._thread.start()

    def run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(TIMEOUT_S)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=30)
        self.loop.close()


@contextmanager
def serving(app: App, **settings: Any) -> Iterator[int]:
    port = free_port()
    server = WyomingServer(WyomingSettings(uri=f"tcp://127.0.0.1:{port}", **settings), app)
    loop = Loop()
    try:
        loop.run(server.start())
        yield port
        loop.run(server.stop())
    finally:
        loop.close()


@pytest.fixture(scope="module")
def port(http_app: App) -> Iterator[int]:
    with serving(http_app, zeroconf=False) as bound:
        yield bound


def talk(port: int, body: Callable[[AsyncTcpClient], Any]) -> Any:
    """Run ``body`` with a connected client, in a fresh event loop of the test's thread."""

    async def session() -> Any:
        client = AsyncTcpClient("127.0.0.1", port, connect_timeout=10, read_timeout=TIMEOUT_S)
        await client.connect()
        try:
            return await body(client)
        finally:
            await client.disconnect()

    return asyncio.run(session())


async def read_until(client: AsyncTcpClient, *last: str) -> list[Event]:
    """Events up to and including one of type ``last`` (or an ``error``)."""
    events: list[Event] = []
    while True:
        event = await client.read_event()
        assert event is not None, f"the server closed the connection after {[e.type for e in events]}"
        events.append(event)
        if event.type in last or Error.is_type(event.type):
            return events


def read_wav(path: Path) -> tuple[int, NDArray[np.int16]]:
    with wave.open(str(path), "rb") as wav:
        assert wav.getsampwidth() == 2 and wav.getnchannels() == 1
        return wav.getframerate(), np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")


def resample(samples: NDArray[np.int16], rate: int, target: int) -> NDArray[np.int16]:
    count = int(len(samples) * target / rate)
    positions = np.linspace(0, len(samples) - 1, count)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.int16)


async def send_audio(
    client: AsyncTcpClient, pcm: bytes, rate: int, channels: int = 1, samples_per_chunk: int = 1024
) -> None:
    await client.write_event(AudioStart(rate=rate, width=2, channels=channels).event())
    step = samples_per_chunk * 2 * channels
    for start in range(0, len(pcm), step):
        chunk = AudioChunk(rate=rate, width=2, channels=channels, audio=pcm[start : start + step])
        await client.write_event(chunk.event())
    await client.write_event(AudioStop().event())


def transcribe(port: int, pcm: bytes, rate: int, channels: int = 1, **request: str) -> list[Event]:
    async def body(client: AsyncTcpClient) -> list[Event]:
        await client.write_event(Transcribe(**request).event())
        await send_audio(client, pcm, rate, channels)
        return await read_until(client, "transcript-stop")

    events: list[Event] = talk(port, body)
    return events


def transcript_of(events: list[Event]) -> Transcript:
    types = [e.type for e in events]
    assert "error" not in types, events[-1].data
    # transcript-start, a chunk per segment, then the whole transcript for older clients, then stop.
    assert types[0] == "transcript-start" and types[-2:] == ["transcript", "transcript-stop"], types
    assert set(types[1:-2]) <= {"transcript-chunk"}
    transcript = Transcript.from_event(events[-2])
    assert "".join(e.data["text"] for e in events[1:-2]) == transcript.text
    return transcript


def wer(reference: str, hypothesis: str, language: str = "en") -> float:
    return word_error_rate([normalize(reference, language)], [normalize(hypothesis, language)])


REFERENCE_0870 = (
    "and mister john dashwood had then leisure to consider how much there might be prudently "
    "in his power to do for them"
)


# --- describe ------------------------------------------------------------------------------------


def test_describe_lists_installed_models_and_voices_with_languages(port: int) -> None:
    async def body(client: AsyncTcpClient) -> list[Event]:
        await client.write_event(Describe().event())
        return await read_until(client, "info")

    info = Info.from_event(talk(port, body)[-1])
    (asr,) = info.asr
    (tts,) = info.tts
    assert asr.supports_transcript_streaming and tts.supports_synthesize_streaming
    assert asr.version == __version__ == tts.version
    models = {m.name: m.languages for m in asr.models}
    assert models["tiny.en"] == ["en"]
    assert {"en", "ru", "de"} <= set(models["base"])
    voices = {v.name: v.languages for v in tts.voices}
    assert voices[VOICE] == ["en"]
    assert voices["festival-ru"] == ["ru"]
    assert all(m.installed for m in asr.models) and all(v.installed for v in tts.voices)


# --- speech to text ------------------------------------------------------------------------------


def test_transcribes_an_english_recording_streaming_segments(port: int, clip: Callable[[str], Path]) -> None:
    rate, samples = read_wav(clip("en_librivox_sense_0870"))
    assert rate == 16_000
    transcript = transcript_of(transcribe(port, samples.tobytes(), rate))
    assert transcript.language == "en"
    assert wer(REFERENCE_0870, transcript.text) < 0.25, transcript.text


def test_converts_44_1_khz_stereo(port: int, clip: Callable[[str], Path]) -> None:
    rate, samples = read_wav(clip("en_librivox_sense_0870"))
    mono = resample(samples, rate, 44_100)
    stereo = np.repeat(mono, 2)  # interleaved left, right
    transcript = transcript_of(transcribe(port, stereo.tobytes(), 44_100, channels=2))
    assert wer(REFERENCE_0870, transcript.text) < 0.25, transcript.text


@pytest.mark.parametrize("request_", [{"name": "base", "language": "ru"}, {"language": "ru-RU"}])
def test_russian_with_a_multilingual_model(
    port: int, clip: Callable[[str], Path], request_: dict[str, str]
) -> None:
    """Named, or picked because the default (tiny.en) cannot hear Russian."""
    rate, samples = read_wav(clip("ru_voxforge_ru_0022"))
    transcript = transcript_of(transcribe(port, samples.tobytes(), rate, **request_))
    assert transcript.language == "ru"
    cyrillic = sum("а" <= c.lower() <= "я" for c in transcript.text)
    assert cyrillic > 20, transcript.text


def test_empty_audio_is_an_error_and_the_connection_stays_usable(port: int) -> None:
    async def body(client: AsyncTcpClient) -> tuple[list[Event], list[Event]]:
        await client.write_event(Transcribe().event())
        await send_audio(client, b"", 16_000)
        failed = await read_until(client, "transcript")
        await client.write_event(Describe().event())
        return failed, await read_until(client, "info")

    failed, after = talk(port, body)
    assert [e.type for e in failed] == ["error"]
    assert Error.from_event(failed[0]).code == "empty_audio"
    assert after[-1].type == "info"


# --- text to speech ------------------------------------------------------------------------------


def audio_of(events: list[Event]) -> tuple[int, NDArray[np.int16]]:
    types = [e.type for e in events]
    assert "error" not in types, events[-1].data
    assert types.count("audio-start") == 1 and types.count("audio-stop") == 1, types
    start = AudioStart.from_event(events[types.index("audio-start")])
    assert (start.width, start.channels) == (2, 1)
    chunks = [AudioChunk.from_event(e) for e in events if e.type == "audio-chunk"]
    assert chunks and all(c.rate == start.rate and len(c.audio) <= start.rate * 2 for c in chunks)
    assert types.index("audio-start") < types.index("audio-chunk") < types.index("audio-stop")
    return start.rate, np.frombuffer(b"".join(c.audio for c in chunks), dtype="<i2")


def test_synthesizes_english_that_transcribes_back(port: int, http_app: App) -> None:
    async def body(client: AsyncTcpClient) -> list[Event]:
        await client.write_event(Synthesize(text=SPOKEN, voice=SynthesizeVoice(name=VOICE)).event())
        return await read_until(client, "audio-stop")

    rate, audio = audio_of(talk(port, body))
    assert rate == http_app.speech.sample_rate(VOICE)
    assert len(audio) / rate > 1.0
    assert np.sqrt(np.mean((audio / 32768.0) ** 2)) > 0.01  # not silence
    # Back through the server's own speech to text, at the voice's rate (converted there).
    heard = transcript_of(transcribe(port, audio.tobytes(), rate))
    assert wer(SPOKEN, heard.text) < 0.3, heard.text


def test_streamed_text_is_spoken_before_it_ends(port: int) -> None:
    """Pieces split mid-word, as an LLM writes: audio starts before synthesize-stop is sent, and all
    of it is one audio stream that ends before synthesize-stopped."""
    pieces = [ANSWER[i : i + 7] for i in range(0, len(ANSWER), 7)]

    async def body(client: AsyncTcpClient) -> tuple[list[Event], list[Event]]:
        await client.write_event(SynthesizeStart(voice=SynthesizeVoice(name=VOICE)).event())
        for piece in pieces:
            await client.write_event(SynthesizeChunk(text=piece).event())
        early = await read_until(client, "audio-chunk")  # nothing more is sent until audio arrives
        # Home Assistant also sends the whole text for servers without streaming; it must be ignored.
        await client.write_event(Synthesize(text=ANSWER, voice=SynthesizeVoice(name=VOICE)).event())
        await client.write_event(SynthesizeStop().event())
        return early, await read_until(client, "synthesize-stopped")

    early, rest = talk(port, body)
    assert [e.type for e in early] == ["audio-start", "audio-chunk"]
    events = early + rest
    assert events[-2].type == "audio-stop" and events[-1].type == "synthesize-stopped"
    rate, audio = audio_of(events[:-1])
    assert len(audio) / rate > 4.0  # all three sentences, spoken once
    assert len(audio) / rate < 15.0


def test_unknown_voice_is_an_error_and_the_connection_stays_usable(port: int) -> None:
    async def body(client: AsyncTcpClient) -> list[list[Event]]:
        answers = []
        await client.write_event(Synthesize(text="Hello.", voice=SynthesizeVoice(name="nobody")).event())
        answers.append(await read_until(client, "audio-stop"))
        await client.write_event(SynthesizeStart(voice=SynthesizeVoice(name="nobody")).event())
        answers.append(await read_until(client, "synthesize-stopped"))
        await client.write_event(SynthesizeChunk(text="Hello there. How are you?").event())
        await client.write_event(SynthesizeStop().event())
        answers.append(await read_until(client, "synthesize-stopped"))
        await client.write_event(Describe().event())
        answers.append(await read_until(client, "info"))
        return answers

    one_shot, stream_start, stream_end, after = talk(port, body)
    assert [e.type for e in one_shot] == ["error"]
    assert Error.from_event(one_shot[0]).code == "unknown_voice"
    assert "nobody" in Error.from_event(one_shot[0]).text
    assert [e.type for e in stream_start] == ["error"]
    assert [e.type for e in stream_end] == ["synthesize-stopped"]  # the stream's text is dropped
    assert after[-1].type == "info"


def test_complete_sentences_keep_the_unfinished_tail() -> None:
    assert complete_sentences("Hello there. How a", "en") == (["Hello there."], "How a")
    assert complete_sentences("Ask Dr.", "en") == ([], "Ask Dr.")
    assert complete_sentences("Ask Dr. Smith. Then", "en") == (["Ask Dr. Smith."], "Then")
    assert complete_sentences("Одна строка\n", "ru") == (["Одна строка"], "")
    assert complete_sentences("", None) == ([], "")


# --- zeroconf ------------------------------------------------------------------------------------


def test_advertised_addresses_follow_the_bind_address() -> None:
    assert service_info("hv", "127.0.0.1", 10300).parsed_addresses() == ["127.0.0.1"]
    assert service_info("hv", "192.0.2.7", 10300).parsed_addresses() == ["192.0.2.7"]
    everywhere = service_info("hv", "0.0.0.0", 10300)
    assert everywhere.parsed_addresses() == (machine_addresses(ipv6=False) or ["127.0.0.1"])
    assert everywhere.port == 10300 and everywhere.name == f"hv.{SERVICE_TYPE}"
    assert not any(a.startswith("127.") for a in machine_addresses(ipv6=False))


def test_zeroconf_registration_is_found_by_a_browser(http_app: App) -> None:
    name = f"homevoice-test-{socket.gethostname()}-{free_port()}"

    async def browse(port: int) -> tuple[list[str], int | None]:
        found = asyncio.Event()

        def on_change(**change: Any) -> None:
            if change["name"] == f"{name}.{SERVICE_TYPE}":
                found.set()

        zeroconf = AsyncZeroconf(interfaces=["127.0.0.1"])
        browser = AsyncServiceBrowser(zeroconf.zeroconf, SERVICE_TYPE, handlers=[on_change])
        try:
            await asyncio.wait_for(found.wait(), 20)
            info = await zeroconf.async_get_service_info(SERVICE_TYPE, f"{name}.{SERVICE_TYPE}", 5000)
            assert info is not None
            return info.parsed_addresses(), info.port
        finally:
            await browser.async_cancel()
            await zeroconf.async_close()

    with serving(http_app, zeroconf=True, name=name) as port:
        addresses, advertised_port = asyncio.run(browse(port))
    assert addresses == ["127.0.0.1"] and advertised_port == port
