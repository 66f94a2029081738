"""Festival text to speech through the Debian ``text2wave`` program: the Russian voice festvox-ru.

Each call runs ``text2wave`` with the text (UTF-8) on stdin and a WAV written to a temporary
folder. Loading the clunits voice costs about a second per call, so a call takes long texts.
festvox-ru takes ``+`` before the stressed vowel (``з+амок``, ``зам+ок``), so stress marks are
passed through. Its clunits synthesis ignores Festival's ``Duration_Stretch`` (the units keep
their recorded lengths), so speed is applied afterwards by a pitch-keeping time stretch.
text2wave exits 0 even when it fails, so its stderr and its output file are both checked.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from homevoice.engines.base import SynthesisOptions, TtsLoadOptions, VoiceInfo
from homevoice.engines.tts.common import check_request, has_words, silence
from homevoice.engines.tts.festival_text import festival_text
from homevoice.engines.tts.tempo import change_tempo
from homevoice.errors import ConfigError, EngineError, ModelNotInstalledError

log = logging.getLogger(__name__)

TEXT2WAVE = "text2wave"
INSTALL_HINT = "run `sudo apt-get install festival festvox-ru` (or `make install`)"
SAMPLE_RATE = 16_000
"""festvox-ru's recordings are 16 kHz; text2wave is also told to write this rate."""
MAX_CHARS = 1000
VOICE_LOAD_S = 1.2
"""What text2wave spends loading the clunits voice on every call (measured on 2 CPU cores)."""
TIMEOUT_S = 60.0
"""About 1 s to load the voice plus 0.1 s per 10 s of speech; anything near this is stuck."""
_VOICE_NAME = re.compile(r"[A-Za-z0-9_]+")
_FAILURES = ("SIOD ERROR", "no rule matches")


class FestivalEngine:
    def __init__(
        self,
        voice_dir: Path,
        options: TtsLoadOptions,
        *,
        name: str | None = None,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        program = shutil.which(TEXT2WAVE)
        if program is None:
            raise ModelNotInstalledError(f"Festival's {TEXT2WAVE} program is not installed; {INSTALL_HINT}.")
        if not voice_dir.is_dir():
            raise ModelNotInstalledError(
                f"The Festival voice folder {voice_dir} does not exist; {INSTALL_HINT}."
            )
        if not _VOICE_NAME.fullmatch(voice_dir.name):
            raise ConfigError(
                f"{voice_dir.name!r} is not a Festival voice name (letters, digits and _ only)."
            )
        self._command = [program, "-eval", f"(voice_{voice_dir.name})", "-F", str(SAMPLE_RATE)]
        self._timeout_s = timeout_s
        self._voice = VoiceInfo(
            name=name or voice_dir.name,
            engine="festival",
            languages=options.languages or ("ru",),
            sample_rate=SAMPLE_RATE,
            max_chars=MAX_CHARS,
            accepts_stress=True,
            call_overhead_s=VOICE_LOAD_S,
        )

    @property
    def voice(self) -> VoiceInfo:
        return self._voice

    def synthesize(self, text: str, options: SynthesisOptions) -> NDArray[np.float32]:
        """Mono float32 at 16 kHz; text without letters or digits gives no samples."""
        check_request(text, options.speed, MAX_CHARS, self._voice.name)
        readable = festival_text(text)
        if not has_words(readable):
            return silence()
        with tempfile.TemporaryDirectory(prefix="homevoice-festival-") as folder:
            output = Path(folder) / "speech.wav"
            self._run(readable, output)
            audio = _read_wav(output)
        return change_tempo(audio, SAMPLE_RATE, options.speed)

    def close(self) -> None:
        pass  # nothing stays loaded between calls

    def _run(self, text: str, output: Path) -> None:
        try:
            result = subprocess.run(
                [*self._command, "-o", str(output)],
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=self._timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired as err:
            raise EngineError(
                f"Festival did not finish within {self._timeout_s:.0f} s and was stopped; try a shorter text."
            ) from err
        except OSError as err:
            raise EngineError(f"Cannot run {self._command[0]}: {err}; {INSTALL_HINT}.") from err
        stderr = result.stderr.decode("utf-8", errors="replace")
        if stderr.strip():
            log.debug("text2wave said: %s", stderr.strip())
        problem = _problem(stderr)
        if result.returncode != 0 or problem:
            raise EngineError(
                f"Festival could not speak this text (exit status {result.returncode}: {problem or 'no message'})."
            )


def _problem(stderr: str) -> str | None:
    """The first line of text2wave's stderr that reports a failure.

    Only that line: the next ones echo the words it failed on, and messages may be logged.
    """
    for line in stderr.splitlines():
        if any(marker in line for marker in _FAILURES):
            return line.strip()[:200]
    return None


def _read_wav(path: Path) -> NDArray[np.float32]:
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error) as err:
        raise EngineError(f"Festival wrote no usable audio ({err}).") from err
    if (channels, width, rate) != (1, 2, SAMPLE_RATE):
        raise EngineError(
            f"Festival wrote {channels} channel(s) of {8 * width}-bit audio at {rate} Hz; "
            f"expected mono 16-bit at {SAMPLE_RATE} Hz."
        )
    if not frames:
        raise EngineError("Festival produced no audio for this text.")
    return (np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0).astype(np.float32)
