"""The sides, each a ``() -> audio seconds`` call on one text.

Piper: bare piper-tts (``PiperVoice.load`` and its own ``synthesize``: its own sentence split, no
homevoice code), homevoice in-process (``SpeechService.plan`` + ``samples``, or + ``encoded`` to
WAV) and HTTP (the ``openai`` SDK against ``homevoice serve``). All of them run the same ``.onnx``
file from the data dir with the voice's own length scale (speed 1.0) and onnxruntime's default
threads (``SessionOptions()``: homevoice passes no thread count for voices). Festival: one
``text2wave`` on the whole text against homevoice's sentence-by-sentence path.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnxruntime
from numpy.typing import NDArray
from openai import OpenAI
from piper import PiperVoice

from homevoice.app import App
from homevoice.audio.encode import AudioFormat
from homevoice.engines.base import SynthesisOptions
from homevoice.engines.tts.festival_text import festival_text
from homevoice.services.speech import SpeechRequest
from homevoice.text import prepare
from tts_common import OPENAI_MODEL, PIPER_VOICE

Call = Callable[[], float]
"""Synthesise once; returns the seconds of audio produced."""

TEXT2WAVE = ("text2wave", "-eval", "(voice_msu_ru_nsh_clunits)", "-F", "16000")
"""What homevoice's Festival engine runs for festival-ru, once per sentence."""


# --- loading -------------------------------------------------------------------------------------


def piper_onnx(data_dir: Path) -> Path:
    path = data_dir / "models" / PIPER_VOICE / f"{PIPER_VOICE}.onnx"
    if not path.is_file():
        raise SystemExit(f"{path} is missing: `homevoice models install` did not join the voice")
    return path


def load_bare(data_dir: Path) -> PiperVoice:
    return PiperVoice.load(piper_onnx(data_dir))


def load_app(data_dir: Path, config_file: Path) -> App:
    from homevoice.app import build_app
    from homevoice.settings import load_settings

    settings = load_settings(config_file, data_dir=data_dir, log_level="WARNING", models={"keep_alive_s": -1})
    return build_app(settings)


def keep_warm(client: OpenAI) -> None:
    """A light request on the client's pool: uvicorn closes connections idle for 5 s (its default)."""
    client.models.list()


# --- Piper ---------------------------------------------------------------------------------------


def bare_call(voice: PiperVoice, text: str) -> Call:
    """piper-tts alone on the raw text: espeak-ng splits sentences and reads the digits."""
    rate = voice.config.sample_rate

    def call() -> float:
        pcm = np.concatenate([chunk.audio_int16_array for chunk in voice.synthesize(text)])
        return len(pcm) / rate

    return call


def samples_call(app: App, text: str, voice: str) -> Call:
    """homevoice's front end and engine, float samples out (sentence gaps included)."""
    request = SpeechRequest(text=text, voice=voice)
    rate = app.speech.sample_rate(voice)

    def call() -> float:
        plan = app.speech.plan(request)
        audio = np.concatenate(list(app.speech.samples(plan)))
        return len(audio) / rate

    return call


def wav_call(app: App, text: str, voice: str) -> Call:
    """As ``samples_call``, encoded to a streamed WAV file by ``SpeechService.encoded``."""
    request = SpeechRequest(text=text, voice=voice)
    rate = app.speech.sample_rate(voice)

    def call() -> float:
        plan = app.speech.plan(request)
        return wav_seconds(b"".join(app.speech.encoded(plan, AudioFormat.WAV)), rate)

    return call


def http_call(client: OpenAI, text: str, voice: str, rate: int) -> Call:
    def call() -> float:
        answer = client.audio.speech.create(
            model=OPENAI_MODEL, voice=voice, input=text, response_format="wav"
        )
        return wav_seconds(answer.content, rate)

    return call


def wav_seconds(data: bytes, rate: int) -> float:
    """Seconds of 16-bit mono audio after the ``data`` chunk header (streamed WAVs declare no size)."""
    start = data.find(b"data")
    if start < 0:
        raise ValueError("not a WAV file")
    return (len(data) - start - 8) / 2 / rate


def piper_sentences(voice: PiperVoice, text: str) -> int:
    """Synthesis calls piper-tts makes for ``text``: espeak-ng's sentences."""
    return sum(1 for phonemes in voice.phonemize(text) if phonemes)


def session_threads(session: onnxruntime.InferenceSession) -> int:
    """The session's intra-op thread setting (0: onnxruntime's default, one per physical core)."""
    return int(session.get_session_options().intra_op_num_threads)


def homevoice_threads(app: App) -> int:
    """The same for homevoice's loaded Piper voice (its private session)."""
    with app.speech._voices.use(PIPER_VOICE) as engine:
        return session_threads(engine._piper.session)  # type: ignore[attr-defined]


def count_calls(app: App, voice: str, call: Call) -> int:
    """How many times ``call`` makes homevoice's engine synthesise: one untimed run with the loaded
    engine's ``synthesize`` wrapped by a counter (then unwrapped)."""
    with app.speech._voices.use(voice) as engine:
        original = engine.synthesize
        count = 0

        def counting(text: str, options: SynthesisOptions) -> NDArray[np.float32]:
            nonlocal count
            count += 1
            return original(text, options)

        engine.synthesize = counting  # type: ignore[method-assign]
        try:
            call()
        finally:
            del engine.synthesize
    return count


# --- streaming -----------------------------------------------------------------------------------


def stream_call(client: OpenAI, text: str, fmt: str) -> tuple[float, float, int, int, int]:
    """(seconds to the first non-empty chunk, to the last byte, first chunk bytes, body bytes, chunks)."""
    started = time.perf_counter()
    first_s, first_bytes, size, chunks = float("nan"), 0, 0, 0
    with client.audio.speech.with_streaming_response.create(
        model=OPENAI_MODEL,
        voice=PIPER_VOICE,
        input=text,
        response_format="wav" if fmt == "wav" else "opus",
    ) as response:
        for chunk in response.iter_bytes():
            if not chunk:
                continue
            if chunks == 0:
                first_s, first_bytes = time.perf_counter() - started, len(chunk)
            size += len(chunk)
            chunks += 1
    return first_s, time.perf_counter() - started, first_bytes, size, chunks


def whole_call(client: OpenAI, text: str, fmt: str) -> int:
    """The whole body through ``create`` (the SDK reads it all before returning); its size."""
    answer = client.audio.speech.create(
        model=OPENAI_MODEL, voice=PIPER_VOICE, input=text, response_format="wav" if fmt == "wav" else "opus"
    )
    return len(answer.content)


# --- Festival ------------------------------------------------------------------------------------


def festival_bare_call(text: str, workdir: Path) -> Call:
    """One ``text2wave`` run on the whole text, normalised by homevoice beforehand (not timed):
    festvox-ru cannot read digits, and the voice and settings are the ones homevoice runs."""
    readable = festival_text(prepare(text, language="ru").text)

    def call() -> float:
        with tempfile.TemporaryDirectory(prefix="tts-bench-", dir=workdir) as folder:
            output = Path(folder) / "speech.wav"
            subprocess.run(
                [*TEXT2WAVE, "-o", str(output)],
                input=readable.encode("utf-8"),
                capture_output=True,
                check=True,
            )
            with wave.open(str(output), "rb") as wav:
                return wav.getnframes() / wav.getframerate()

    return call
