"""The OpenAI-compatible API through the official `openai` SDK, against a live server and real models."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
import openai
import pytest
from openai import OpenAI

from homevoice.app import App
from homevoice.audio.codec import decode_audio
from homevoice.evaluation.wer import normalize
from tests.fakes.media import encode, tone

# The SDK marks translations legacy (a DeprecationWarning), not gone.
pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")]

Clip = Callable[[str], Path]
CHILD = "the child almost hurt the small dog"
SRT_TIME = re.compile(r"^\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}$", re.M)
VTT_TIME = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}$", re.M)


@pytest.fixture(scope="module")
def client(server_url: str) -> OpenAI:
    return OpenAI(base_url=f"{server_url}/v1", api_key="not-needed-on-localhost", max_retries=0)


def test_json_is_the_default_format(client: OpenAI, clip: Clip) -> None:
    with clip("en_sb_spk1_snt1").open("rb") as audio:
        result = client.audio.transcriptions.create(model="whisper-1", file=audio)
    assert normalize(result.text, "en") == CHILD


def test_text_srt_and_vtt(client: OpenAI, clip: Clip) -> None:
    audio = clip("en_sb_spk1_snt1").read_bytes()
    text = client.audio.transcriptions.create(model="tiny.en", file=("a.wav", audio), response_format="text")
    assert normalize(str(text), "en") == CHILD
    srt = client.audio.transcriptions.create(model="tiny.en", file=("a.wav", audio), response_format="srt")
    assert str(srt).startswith("1\n") and SRT_TIME.search(str(srt))
    vtt = client.audio.transcriptions.create(model="tiny.en", file=("a.wav", audio), response_format="vtt")
    assert str(vtt).startswith("WEBVTT") and VTT_TIME.search(str(vtt))


def test_verbose_json_with_words_and_segments(client: OpenAI, clip: Clip) -> None:
    with clip("en_arctic_a0024").open("rb") as audio:
        result = client.audio.transcriptions.create(
            model="whisper-1",
            file=audio,
            response_format="verbose_json",
            timestamp_granularities=["word", "segment"],
        )
    assert result.language == "en"
    assert result.duration == pytest.approx(3.955, abs=0.01)
    assert result.segments and result.words
    assert [w.word.strip(",.").lower() for w in result.words][:4] == ["it", "was", "my", "reports"]
    assert all(0 <= w.start <= w.end <= result.duration + 0.5 for w in result.words)


def test_word_granularity_alone_leaves_out_segments(client: OpenAI, clip: Clip) -> None:
    with clip("en_sb_spk1_snt2").open("rb") as audio:
        result = client.audio.transcriptions.create(
            model="whisper-1", file=audio, response_format="verbose_json", timestamp_granularities=["word"]
        )
    assert result.words and not result.segments


def test_russian_with_the_multilingual_model(client: OpenAI, clip: Clip) -> None:
    with clip("ru_voxforge_ru_0025").open("rb") as audio:
        result = client.audio.transcriptions.create(
            model="base", file=audio, language="ru", response_format="verbose_json"
        )
    assert result.language == "ru"
    assert "трава" in normalize(result.text, "ru")


def test_translation_to_english(client: OpenAI, clip: Clip) -> None:
    with clip("ru_voxforge_ru_0025").open("rb") as audio:
        result = client.audio.translations.create(model="base", file=audio)
    assert result.text.strip()
    assert not re.search("[а-яё]", result.text.lower())  # English words, not Cyrillic
    assert re.search(r"\bgrass\b|\bteeth\b|\bice\b", result.text.lower())


def test_streaming_sends_each_segment_then_the_whole(client: OpenAI, clip: Clip) -> None:
    pause = np.zeros(24_000, dtype=np.float32)
    parts = [
        decode_audio(clip(n)).samples for n in ("en_sb_spk1_snt1", "en_arctic_a0024", "en_timit_ldc93s1")
    ]
    audio = encode(np.concatenate([p for part in parts for p in (part, pause)]), 16_000, "oga")
    stream = client.audio.transcriptions.create(model="whisper-1", file=("three.oga", audio), stream=True)
    events = list(stream)
    deltas = [e for e in events if e.type == "transcript.text.delta"]
    done = [e for e in events if e.type == "transcript.text.done"]
    assert len(deltas) >= 2 and len(done) == 1
    assert "".join(d.delta for d in deltas).strip() == done[0].text.strip()


def test_models_are_listed_with_the_openai_alias(client: OpenAI) -> None:
    ids = {m.id for m in client.models.list()}
    assert {"tiny.en", "base", "whisper-1"} <= ids
    alias = client.models.retrieve("whisper-1")
    assert alias.model_extra is not None and alias.model_extra["alias_of"] == "tiny.en"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("no-such-model")


def test_load_and_unload_answer_409_while_in_use(server_url: str, http_app: App) -> None:
    with httpx.Client(base_url=server_url, timeout=120) as http:
        loaded = http.post("/v1/models/base")
        assert loaded.status_code == 200 and loaded.json()["loaded"] is True
        with http_app.stt_models.use("base"):
            busy = http.delete("/v1/models/base")
        assert busy.status_code == 409
        assert busy.json()["error"]["code"] == "model_in_use"
        freed = http.delete("/v1/models/base")
        assert freed.status_code == 200 and freed.json()["loaded"] is False
        assert http.delete("/v1/models/base").status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.ogg", b"", "empty_audio"),
        ("noise.mp3", bytes(range(256)) * 16, "unsupported_audio"),
        ("../../etc/passwd\r\n.wav", b"RIFF\x00\x00", "unsupported_audio"),
    ],
)
def test_bad_audio_is_a_400_in_openai_shape(client: OpenAI, name: str, data: bytes, code: str) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.audio.transcriptions.create(model="whisper-1", file=(name, data))
    body = caught.value.body
    assert isinstance(body, dict) and body["code"] == code and body["message"]
    assert "Traceback" not in str(caught.value) and "\n" not in body["message"]


def test_unknown_model_and_bad_format_are_client_errors(client: OpenAI) -> None:
    audio = encode(tone(1.0), 16_000, "wav")
    with pytest.raises(openai.NotFoundError):
        client.audio.transcriptions.create(model="/etc", file=("a.wav", audio))
    with pytest.raises(openai.BadRequestError) as caught:
        client.audio.transcriptions.create(
            model="whisper-1",
            file=("a.wav", audio),
            response_format="docx",  # type: ignore[arg-type]
        )
    assert "response_format" in str(caught.value)


def test_english_only_model_refuses_to_translate(client: OpenAI, clip: Clip) -> None:
    with clip("en_sb_spk1_snt1").open("rb") as audio, pytest.raises(openai.BadRequestError) as caught:
        client.audio.translations.create(model="tiny.en", file=audio)
    assert isinstance(caught.value.body, dict) and caught.value.body["code"] == "unsupported_task"
