"""Benchmark inputs: the evaluation sets, the clips each model can take, and the long recording."""

from __future__ import annotations

import random
import sys
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from homevoice.evaluation.wer import EvalClip, load_core_sounds, load_manifest, normalize
from stt_common import ASTERISK_DEFAULT_LIMIT, SAMPLE_RATE, EvalSet

LONG_GAP_S = 0.5


# --- evaluation sets -----------------------------------------------------------------------------


def load_sets(
    names: Sequence[str], evalset: Path, sounds: Path, limit: int | None, seed: int
) -> list[EvalSet]:
    loaded = []
    for name in names:
        if name == "dev":
            clips = load_manifest(evalset / "manifest.tsv")
            wanted = limit
        else:
            lang = name.removeprefix("asterisk-")
            clips = load_core_sounds(evalset / f"core-sounds-{lang}.txt", sounds / lang, language=lang)
            wanted = limit if limit is not None else ASTERISK_DEFAULT_LIMIT
            if not clips:
                sys.exit(
                    f"No {name} prompts under {sounds / lang}: apt-get install asterisk-core-sounds-{lang}-wav"
                )
        loaded.append(EvalSet(name, sample(clips, wanted, seed)))
    return loaded


def sample(clips: list[EvalClip], limit: int | None, seed: int) -> list[EvalClip]:
    """A reproducible spread over the whole set (not just its first prompts), in the set's order."""
    if limit is None or len(clips) <= limit:
        return clips
    keep = sorted(random.Random(seed).sample(range(len(clips)), limit))
    return [clips[i] for i in keep]


def model_languages(model: str) -> tuple[str, ...] | None:
    from homevoice.engines.catalog import find_model

    spec = find_model(model)
    return spec.languages if spec is not None else None


def supported(clips: list[EvalClip], model: str) -> list[EvalClip]:
    languages = model_languages(model)
    return [c for c in clips if languages is None or c.language in languages]


# --- long audio ----------------------------------------------------------------------------------


def build_long_audio(clips: list[EvalClip], minutes: float, out: Path) -> tuple[float, str]:
    """Concatenate the English clips (16 kHz, 0.5 s gaps), repeated until ``minutes`` long.

    Writes a 16-bit WAV to ``out``; returns its duration and the matching normalised reference.
    """
    from homevoice.audio.codec import decode_audio

    english = [c for c in clips if c.language == "en"]
    decoded = [(c, decode_audio(c.path).samples) for c in english]
    gap = np.zeros(int(LONG_GAP_S * SAMPLE_RATE), dtype=np.float32)
    parts: list[NDArray[np.float32]] = []
    references: list[str] = []
    total = 0
    target = int(minutes * 60 * SAMPLE_RATE)
    while total < target:
        for clip, samples in decoded:
            parts += [samples, gap]
            references.append(normalize(clip.transcript, "en"))
            total += len(samples) + len(gap)
            if total >= target:
                break
    _write_wav(out, np.concatenate(parts))
    return total / SAMPLE_RATE, " ".join(references)


def _write_wav(path: Path, samples: NDArray[np.float32]) -> None:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
