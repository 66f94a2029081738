"""Piper (ONNX VITS) text to speech: faster than real time on a CPU, one voice per ``.onnx`` file.

A voice folder holds ``<voice>.onnx`` and ``<voice>.onnx.json``. espeak-ng (inside piper-tts)
turns words into phonemes, so Piper reads ``+`` aloud: the speech service strips stress marks
first (``accepts_stress=False``). Speed is the model's length scale: 2.0 halves every phoneme.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
from numpy.typing import NDArray
from piper import PiperConfig, PiperVoice, SynthesisConfig

from homevoice.engines.base import SynthesisOptions, TtsLoadOptions, VoiceInfo
from homevoice.engines.device import onnx_providers
from homevoice.engines.tts.common import check_request, has_words, silence
from homevoice.errors import EngineError, ModelNotInstalledError

log = logging.getLogger(__name__)

MAX_CHARS = 500
VOLUME = 0.9
"""Piper scales each sentence to full scale; keep some headroom for lossy encoders."""


class PiperEngine:
    def __init__(self, voice_dir: Path, options: TtsLoadOptions, *, name: str | None = None) -> None:
        model = voice_file(voice_dir)
        raw = _read_config(model)
        try:
            config = PiperConfig.from_dict(raw)
        except (KeyError, TypeError, ValueError) as err:
            raise EngineError(f"Piper voice config {model}.json is not a Piper config: {err!r}") from err
        self._piper = PiperVoice(session=_session(model, options), config=config)
        self._length_scale = config.length_scale
        self._voice = VoiceInfo(
            name=name or voice_dir.name,
            engine="piper",
            languages=options.languages or (_language(raw, config),),
            sample_rate=config.sample_rate,
            max_chars=MAX_CHARS,
            accepts_stress=False,
        )

    @property
    def voice(self) -> VoiceInfo:
        return self._voice

    def synthesize(self, text: str, options: SynthesisOptions) -> NDArray[np.float32]:
        """Mono float32 at the voice's rate; text without letters or digits gives no samples."""
        check_request(text, options.speed, MAX_CHARS, self._voice.name)
        if not has_words(text):
            return silence()
        config = SynthesisConfig(length_scale=self._length_scale / options.speed, volume=VOLUME)
        try:
            chunks = [chunk.audio_float_array for chunk in self._piper.synthesize(text, config)]
        except Exception as err:  # onnxruntime's errors derive from Exception only
            raise EngineError(f"Piper voice {self._voice.name} failed: {err}") from err
        if not chunks:
            return silence()
        return np.concatenate(chunks).astype(np.float32, copy=False)

    def close(self) -> None:
        # onnxruntime frees the session when the last reference goes.
        self._piper = None  # type: ignore[assignment]


def voice_file(voice_dir: Path) -> Path:
    """The folder's ``.onnx`` voice: the one named after the folder, or the only one."""
    models = sorted(voice_dir.glob("*.onnx"))
    named = voice_dir / f"{voice_dir.name}.onnx"
    if named in models:
        return named
    if len(models) == 1:
        return models[0]
    if not models:
        raise ModelNotInstalledError(
            f"{voice_dir} holds no Piper voice (.onnx); pull one with `homevoice models pull NAME` "
            "or copy a voice's .onnx and .onnx.json there."
        )
    raise ModelNotInstalledError(
        f"{voice_dir} holds several Piper voices ({', '.join(m.name for m in models)}); "
        "keep one voice per folder."
    )


def _read_config(model: Path) -> dict[str, Any]:
    path = model.with_name(model.name + ".json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ModelNotInstalledError(
            f"Piper voice {model.name} has no {path.name} next to it; copy the voice's config there."
        ) from err
    except (OSError, ValueError) as err:
        raise EngineError(f"Cannot read the Piper voice config {path}: {err}") from err
    if not isinstance(data, dict):
        raise EngineError(f"The Piper voice config {path} is not a JSON object.")
    return data


def _session(model: Path, options: TtsLoadOptions) -> onnxruntime.InferenceSession:
    providers = onnx_providers(options.device, onnxruntime.get_available_providers())
    session_options = onnxruntime.SessionOptions()
    if options.cpu_threads > 0:
        session_options.intra_op_num_threads = options.cpu_threads
    try:
        return onnxruntime.InferenceSession(str(model), sess_options=session_options, providers=providers)
    except Exception as err:  # onnxruntime's errors (InvalidProtobuf, NoSuchFile...) derive from Exception
        raise EngineError(
            f"Piper voice {model} cannot be loaded ({err}); delete it and pull or install it again."
        ) from err


def _language(raw: dict[str, Any], config: PiperConfig) -> str:
    """ISO-639-1 code from the config's ``language.family``, else from the espeak voice (``en-us``)."""
    language = raw.get("language")
    family = language.get("family") if isinstance(language, dict) else None
    return str(family or config.espeak_voice.split("-")[0]).lower()
