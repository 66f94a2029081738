"""Enrolled voices over the real clients: multipart enrolment and the list over HTTP, speech with an
enrolled voice through the `openai` SDK, removal, the checks' errors, API keys, and Wyoming's
``describe`` and ``synthesize`` with the voice. Real engines: Silero VAD, tiny.en, Piper joe and the
WORLD voice match."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import httpx
import numpy as np
import pytest
from openai import OpenAI
from pydantic import SecretStr
from wyoming.client import AsyncTcpClient
from wyoming.event import Event
from wyoming.info import Describe, Info
from wyoming.tts import Synthesize, SynthesizeVoice

from homevoice.adapters.http.server import create_api
from homevoice.app import App, build_app
from homevoice.audio.wav import pcm16_bytes
from homevoice.settings import load_settings
from homevoice.voices.pitch import median_f0
from homevoice.voices.world import built_in_median_f0
from tests.adapters.test_wyoming import audio_of, read_until, serving, talk
from tests.fakes.live_server import live_server

pytestmark = pytest.mark.e2e

REFERENCE = "en_arctic_a0024"
"""A woman near 185 Hz, an octave above Piper joe (near 88 Hz): the match has a long way to move."""
TEXT = "The garden gate was left open again this morning."


@pytest.fixture(scope="module")
def voices_app(own_data_dir: Callable[[str], Path]) -> Iterator[App]:
    """Its own data dir (the models shared), so enrolled voices stay out of other tests."""
    settings = load_settings(
        data_dir=own_data_dir("voices-api"),
        stt={"model": "tiny.en", "cpu_threads": 2},
        models={"keep_alive_s": -1},
    )
    application = build_app(settings)
    yield application
    application.close()


@pytest.fixture(scope="module")
def url(voices_app: App) -> Iterator[str]:
    with live_server(create_api(voices_app)) as base:
        yield base


def enrol(url: str, name: str, sample: bytes, filename: str = "sample.flac", **fields: str) -> httpx.Response:
    return httpx.post(
        f"{url}/v1/audio/voices",
        data={"name": name, **fields},
        files={"file": (filename, sample, "application/octet-stream")},
        timeout=120,
    )


def decoded(data: bytes) -> tuple[np.ndarray, int]:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        frames = [f.to_ndarray().reshape(-1) for f in container.decode(stream)]
        return np.concatenate(frames).astype(np.float32), stream.codec_context.sample_rate


def test_enrol_list_speak_and_remove_over_http(url: str, clip: Callable[[str], Path]) -> None:
    sample = clip(REFERENCE)
    created = enrol(url, "lj", sample.read_bytes(), filename=sample.name)
    assert created.status_code == 201, created.text
    voice = created.json()
    assert voice["id"] == "lj" and voice["enrolled"] is True
    assert voice["engine"] == "voice-match" and voice["approximate"] is True
    assert voice["base_voice"] == "en_US-joe-medium" and voice["languages"] == ["en"]
    assert voice["source"] == f"upload {sample.name}" and voice["transcript_source"] == "transcribed"
    assert "north" in voice["transcript"].lower()  # tiny.en heard the reference's words
    assert 3.0 <= voice["speech_s"] <= 15.0

    listed = httpx.get(f"{url}/v1/audio/voices").json()["data"]
    names = [v["id"] for v in listed]
    assert "en_US-joe-medium" in names and "lj" in names
    assert next(v for v in listed if v["id"] == "lj")["enrolled_at"] == voice["enrolled_at"]

    client = OpenAI(base_url=f"{url}/v1", api_key="unused")
    matched = client.audio.speech.create(model="tts-1", voice="lj", input=TEXT, response_format="wav").content
    base = client.audio.speech.create(
        model="tts-1", voice="en_US-joe-medium", input=TEXT, response_format="wav"
    ).content
    matched_audio, rate = decoded(matched)
    base_audio, base_rate = decoded(base)
    assert rate == base_rate
    assert abs(len(matched_audio) - len(base_audio)) < 0.2 * len(base_audio)  # the same words, paced alike
    reference = httpx.get(f"{url}/v1/audio/voices/lj/sample")
    assert reference.headers["content-type"] == "audio/wav"
    ref_audio, ref_rate = decoded(reference.content)
    assert ref_rate == 16_000 and len(ref_audio) / ref_rate == pytest.approx(voice["speech_s"], abs=1.5)
    # The match moves the pitch most of the way to the reference's. Piper's speech is measured with
    # octave slips corrected: plain DIO hears joe an octave up, which once made this pass by luck.
    ref_f0, base_f0, matched_f0 = (
        median_f0(ref_audio, 16_000),
        built_in_median_f0(base_audio, rate),
        built_in_median_f0(matched_audio, rate),
    )
    assert ref_f0 and base_f0 and matched_f0
    assert abs(np.log(matched_f0 / ref_f0)) < abs(np.log(base_f0 / ref_f0)) / 2

    removed = httpx.delete(f"{url}/v1/audio/voices/lj")
    assert removed.json() == {"id": "lj", "object": "voice", "deleted": True}
    assert "lj" not in [v["id"] for v in httpx.get(f"{url}/v1/audio/voices").json()["data"]]
    gone = httpx.post(f"{url}/v1/audio/speech", json={"input": TEXT, "voice": "lj"})
    assert gone.status_code == 400 and gone.json()["error"]["code"] == "unknown_voice"
    again = httpx.delete(f"{url}/v1/audio/voices/lj")
    assert again.status_code == 404 and again.json()["error"]["code"] == "voice_not_found"


def test_bad_samples_and_names_get_clear_errors(url: str, clip: Callable[[str], Path]) -> None:
    silence = pcm16_bytes(np.zeros(16_000 * 6, dtype=np.float32), 16_000)
    response = enrol(url, "quiet", silence, filename="quiet.wav")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "sample_silent" and "5-15" in error["message"]

    garbage = enrol(url, "junk", b"not audio at all" * 100, filename="junk.ogg")
    assert garbage.status_code == 400 and garbage.json()["error"]["code"] == "unsupported_audio"

    sample = clip(REFERENCE).read_bytes()
    for name in ("../../etc", "on", "alloy", "en_US-joe-medium"):
        refused = enrol(url, name, sample)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_voice_name", name

    short = clip("en_sr_one_two_three").read_bytes()
    too_short = enrol(url, "short", short, filename="short.wav")
    assert too_short.status_code == 400 and too_short.json()["error"]["code"] == "sample_too_short"
    missing = httpx.post(f"{url}/v1/audio/voices", data={"name": "x"}, timeout=30)
    assert missing.status_code == 400


def test_a_taken_name_is_a_conflict_and_a_given_transcript_is_kept(
    url: str, clip: Callable[[str], Path]
) -> None:
    sample = clip("en_librivox_sense_0870").read_bytes()
    transcript = "and mister john dashwood had then leisure to consider"
    first = enrol(url, "reader", sample, transcript=transcript, language="en")
    assert first.status_code == 201, first.text
    assert first.json()["transcript"] == transcript and first.json()["transcript_source"] == "given"
    taken = enrol(url, "READER", sample)
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "voice_exists"
    assert httpx.delete(f"{url}/v1/audio/voices/reader").status_code == 200


def test_voices_need_the_api_key(voices_app: App) -> None:
    settings = voices_app.settings.model_copy(update={"api_keys": [SecretStr("k1")]})
    from dataclasses import replace

    with live_server(create_api(replace(voices_app, settings=settings))) as base:
        assert httpx.get(f"{base}/v1/audio/voices").status_code == 401
        assert httpx.delete(f"{base}/v1/audio/voices/x").status_code == 401
        ok = httpx.get(f"{base}/v1/audio/voices", headers={"Authorization": "Bearer k1"})
        assert ok.status_code == 200


def test_wyoming_lists_and_speaks_with_an_enrolled_voice(
    voices_app: App, url: str, clip: Callable[[str], Path]
) -> None:
    assert enrol(url, "narrator", clip(REFERENCE).read_bytes()).status_code == 201
    try:
        with serving(voices_app, zeroconf=False) as port:

            async def describe(client: AsyncTcpClient) -> list[Event]:
                await client.write_event(Describe().event())
                return await read_until(client, "info")

            info = Info.from_event(talk(port, describe)[-1])
            voices = {v.name: v for v in info.tts[0].voices}
            assert voices["narrator"].languages == ["en"] and "enrolled" in (
                voices["narrator"].description or ""
            )

            async def speak(client: AsyncTcpClient) -> list[Event]:
                await client.write_event(
                    Synthesize(text=TEXT, voice=SynthesizeVoice(name="narrator")).event()
                )
                return await read_until(client, "audio-stop")

            rate, audio = audio_of(talk(port, speak))
            assert rate == voices_app.speech.sample_rate("narrator") and len(audio) / rate > 1.0
    finally:
        httpx.delete(f"{url}/v1/audio/voices/narrator")
